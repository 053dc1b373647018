"""Speaker attribution by kind of quote (issues 11 and 12): words in marks with no reporting
verb of their own, ... Texts are our own; each kind has several wordings.
"""

from __future__ import annotations

import pytest

from tests.nlp.conftest import Detect, find, speaker

# --- scare quotes and titles: the subject of the clause that uses the words ----------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "who"),
    [
        (
            'Councillor Ruth Abara has been attacking the developer as a "land grabber" '
            "for months.",
            "land grabber",
            "Councillor Ruth Abara",
        ),
        (
            'In a radio interview the mayor blasted the inspectors for being "hopelessly slow."',
            "hopelessly slow",
            "the mayor",
        ),
        (
            'Last spring Senator Olu Banjo dismissed the harbour plan as "a fantasy in '
            'concrete" and walked out.',
            "a fantasy in concrete",
            "Senator Olu Banjo",
        ),
        (
            "The union's lawyers forced a change to the contract, replacing the old clause "
            'with softer wording about "reasonable notice."',
            "reasonable notice",
            "The union's lawyers",
        ),
        (
            'Okafor\'s claim that the fund would "pay for itself" was soon forgotten.',
            "pay for itself",
            "Okafor",
        ),
    ],
)
def test_scare_quote_speaker_is_the_governing_subject(
    detect: Detect, text: str, words: str, who: str
) -> None:
    q = find(text, detect(text), words)
    got = speaker(text, q)
    assert got is not None and who in got, (got, who)


@pytest.mark.slow
def test_scare_quote_under_an_empty_subject_has_no_speaker(detect: Detect) -> None:
    text = 'There were "difficult" moments at the meeting.'
    q = find(text, detect(text), "difficult")
    assert speaker(text, q) is None
