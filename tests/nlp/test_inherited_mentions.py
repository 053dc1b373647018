"""A quote without a frame inherits the speaker of the quote before it; the mention given
is that speaker's name nearest before the quote (the one a reader links it to), never a
word inside quotation marks, and a pronoun or description stays as it was."""

from __future__ import annotations

import pytest

from annotator.nlp.confidence import CONFIDENCE
from tests.nlp.conftest import Detect, find, speaker


@pytest.mark.parametrize(
    ("text", "mention_at"),
    [
        (
            '"We will keep the ferry running," said Cecile Richards, the harbour master.\n\n'
            "The council has cut its budget twice since March. "
            "Richards has warned about the cuts for months.\n\n"
            '"Without the ferry, the island empties in a decade."',
            "Richards has warned",
        ),
        (
            "\u201cThe pier will not survive another winter,\u201d said Ana Ruiz.\n\n"
            "Engineers inspected it in January. Ruiz, who chairs the harbour trust, "
            "has asked for a second survey.\n\n"
            "\u201cWe cannot wait for it to fall into the sea.\u201d",
            "Ruiz, who chairs",
        ),
    ],
)
def test_an_inherited_quote_takes_the_nearest_mention_of_its_speaker(
    detect: Detect, text: str, mention_at: str
) -> None:
    quotes = detect(text)
    q = find(text, quotes, "sea." if "sea" in text else "decade.")
    assert q.confidence == CONFIDENCE["direct_inherited"]
    start = text.index(mention_at)
    assert q.speaker_spans[0][0] == start
    assert speaker(text, q) == mention_at.split(" ")[0].rstrip(",")


@pytest.mark.parametrize(
    ("text", "first_mention"),
    [
        # the name only inside quotation marks later on: not a mention of the speaker
        (
            '"We will keep the ferry running," said Cecile Richards.\n\n'
            'The report, "Richards and the Harbour", came out in May.\n\n'
            '"Without the ferry, the island empties in a decade."',
            "Cecile Richards",
        ),
        # a pronoun speaker: kept as it was
        (
            '"We will keep the ferry running," she said.\n\n'
            "The council has cut its budget twice since March.\n\n"
            '"Without the ferry, the island empties in a decade."',
            "she",
        ),
    ],
)
def test_without_a_later_mention_the_first_one_is_kept(
    detect: Detect, text: str, first_mention: str
) -> None:
    q = find(text, detect(text), "decade.")
    assert q.confidence == CONFIDENCE["direct_inherited"]
    assert q.speaker_spans[0][0] == text.index(first_mention)
    assert speaker(text, q) == first_mention
