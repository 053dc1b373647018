"""Words after the speaker or after the marks in a ``..., said X`` frame.

1. The time, place or occasion of the speaking is no part of the speaker mention
   (``said shipping agent Karl Olsen on Friday`` -> ``shipping agent Karl Olsen``, the same
   role + name the rules give when the subject comes first).
2. Words between the closing mark and ``, said X`` belong to the reported clause
   (``The plan is "a disaster" for farmers, said Jim Beam.``): the content runs to the
   comma and the speaker is the one after it.

Texts are our own; each kind has several wordings, with the parser and without.
"""

from __future__ import annotations

import pytest

from tests.nlp.conftest import Detect, content, find, speaker

QUOTE = "The port stays open"

SPEAKER_TAILS = [
    (f'"{QUOTE}," said shipping agent Karl Olsen on Friday.', "shipping agent Karl Olsen"),
    (f'"{QUOTE}," said Karl Olsen on Friday.', "Karl Olsen"),
    (f'"{QUOTE}," said harbour master Karl Olsen in a statement.', "harbour master Karl Olsen"),
    (f'"{QUOTE}," said Senator Karl Olsen at the meeting.', "Senator Karl Olsen"),
    (f'"{QUOTE}," said union secretary Karl Olsen yesterday.', "union secretary Karl Olsen"),
    (f'"{QUOTE}," said Karl Olsen last week.', "Karl Olsen"),
    (f'"{QUOTE}," said Karl Olsen in Oslo.', "Karl Olsen"),
    (f'"{QUOTE}," said the shipping agent on Friday.', "the shipping agent"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "who"), SPEAKER_TAILS)
def test_inverted_speaker_leaves_out_time_place_and_occasion(
    detect: Detect, text: str, who: str
) -> None:
    q = find(text, detect(text), QUOTE)
    assert content(text, q) == [QUOTE]
    assert speaker(text, q) == who


@pytest.mark.parametrize(("text", "who"), SPEAKER_TAILS)
def test_inverted_speaker_tail_without_parse(detect_rules: Detect, text: str, who: str) -> None:
    q = find(text, detect_rules(text), QUOTE)
    assert content(text, q) == [QUOTE]
    assert speaker(text, q) == who


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "who"),
    [
        # the subject first gives the same role + name
        (f'"{QUOTE}," shipping agent Karl Olsen said in a statement.', "shipping agent Karl Olsen"),
        # what names the source stays: an affiliation, an apposition's name
        (f'"{QUOTE}," said Karl Olsen of the port authority.', "Karl Olsen of the port authority"),
        (f'"{QUOTE}," said Mayor Ines Duarte of Bergen on Monday.', "Mayor Ines Duarte of Bergen"),
    ],
)
def test_speaker_keeps_what_names_the_source(detect: Detect, text: str, who: str) -> None:
    q = find(text, detect(text), QUOTE)
    assert speaker(text, q) == who
