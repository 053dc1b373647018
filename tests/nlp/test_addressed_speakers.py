"""Quotes after a passive verb of speaking to someone (issue 12): ``Ana Ruiz was asked,
"..."`` -- the subject is who is asked or told, never the speaker of the words in marks.

The source is the agent when one is named (``by a reporter``), else nobody; the quote does
not inherit the speaker of the quote before it either. Active frames and passives of other
verbs (``was quoted``) keep their subject. Texts are our own; several wordings per case.
"""

from __future__ import annotations

import pytest

from tests.nlp.conftest import Detect, find, speaker


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            'The council met on Tuesday. Dana Pike was asked, "Will you cut the library '
            'hours?" She smiled.',
            "Will you cut the library hours?",
        ),
        (
            'At the briefing the harbour master was asked: "When does the dredging start?"',
            "When does the dredging start?",
        ),
        (
            'New drivers at the depot were told, "You do not sell tickets, you sell trips."',
            "You do not sell tickets, you sell trips.",
        ),
        (
            'In a radio interview on Sunday, Governor Ines Duarte was asked, "Would you sign '
            'the bill as it stands?"',
            "Would you sign the bill as it stands?",
        ),
        (
            'The volunteers were reminded, "Nobody climbs the scaffold without a helmet."',
            "Nobody climbs the scaffold without a helmet.",
        ),
    ],
)
def test_the_person_asked_is_not_the_speaker(detect: Detect, text: str, words: str) -> None:
    q = find(text, detect(text), words)
    assert speaker(text, q) is None


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "first_speaker"),
    [
        (
            '"We will rebuild the pier," the harbour master said. Ana Ruiz was asked, '
            '"When will the work start?"',
            "When will the work start?",
            "the harbour master",
        ),
        (
            '"The port stays open," Ines Duarte said. Later Tom Reyes was told, "Then '
            'the ferries must run on time."',
            "Then the ferries must run on time.",
            "Ines Duarte",
        ),
    ],
)
def test_an_addressed_quote_does_not_inherit_the_last_speaker(
    detect: Detect, text: str, words: str, first_speaker: str
) -> None:
    quotes = detect(text)
    first = next(q for q in quotes if q is not find(text, quotes, words))
    assert speaker(text, first) == first_speaker  # the quote before keeps its own
    assert speaker(text, find(text, quotes, words)) is None


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "who"),
    [
        (
            'Officer Tom Reyes was warned by his sergeant, "Stay away from the docks."',
            "Stay away from the docks.",
            "his sergeant",
        ),
        (
            'Dana Pike said, "We will cut nothing." Then she asked the auditor, "Will you '
            'check the figures?"',
            "Will you check the figures?",
            "she",
        ),
        (
            'Mayor Jo Finn told the crowd, "The bridge opens in May."',
            "The bridge opens in May.",
            "Mayor Jo Finn",
        ),
        (
            'Ana Ruiz was quoted as saying, "The harbour is safe again."',
            "The harbour is safe again.",
            "Ana Ruiz",
        ),
    ],
)
def test_agents_and_active_frames_keep_their_speaker(
    detect: Detect, text: str, words: str, who: str
) -> None:
    got = speaker(text, find(text, detect(text), words))
    assert got is not None and who in got, (got, who)
