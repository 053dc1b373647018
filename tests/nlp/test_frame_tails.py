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
    (f'"{QUOTE}," said Karl Olsen after the vote.', "Karl Olsen"),
    (f'"{QUOTE}," said Karl Olsen during a press conference.', "Karl Olsen"),
    (f'"{QUOTE}," said Karl Olsen on Twitter.', "Karl Olsen"),
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
        # a preposition inside a name is no time or place of the speaking
        (
            f'"{QUOTE}," said the Commission on Port Safety on Monday.',
            "the Commission on Port Safety",
        ),
    ],
)
def test_speaker_keeps_what_names_the_source(detect: Detect, text: str, who: str) -> None:
    q = find(text, detect(text), QUOTE)
    assert speaker(text, q) == who


CLAUSE_TAILS = [
    (
        'The plan is "a disaster" for farmers, said Jim Beam.',
        'The plan is "a disaster" for farmers',
        "Jim Beam",
    ),
    ('Another "quoted" body, said Jim Beam.', 'Another "quoted" body', "Jim Beam"),
    (
        'The plan is "a disaster" for farmers, added Jim Beam.',
        'The plan is "a disaster" for farmers',
        "Jim Beam",
    ),
    (
        'The plan is "a disaster" for farmers, Jim Beam told reporters.',
        'The plan is "a disaster" for farmers',
        "Jim Beam",
    ),
    (
        'The new tariff will "crush small growers" across the valley, said Ana Ruiz.',
        'The new tariff will "crush small growers" across the valley',
        "Ana Ruiz",
    ),
    (
        'The port is "open for business" this week, noted harbour master Karl Olsen.',
        'The port is "open for business" this week',
        "harbour master Karl Olsen",
    ),
    (
        'The port is "open for business" this week, she added.',
        'The port is "open for business" this week',
        "she",
    ),
    ('"A relic" of another age, said Karl Olsen.', '"A relic" of another age', "Karl Olsen"),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "body", "who"),
    [
        *CLAUSE_TAILS,
        (
            'The plan is "a disaster" for farmers, according to Jim Beam.',
            'The plan is "a disaster" for farmers',
            "Jim Beam",
        ),
        (
            'Ports are "open for business" again, the minister said on Friday.',
            'Ports are "open for business" again',
            "the minister",
        ),
        (
            'The budget was "a mess from the start" and must go, the minister said.',
            'The budget was "a mess from the start" and must go',
            "the minister",
        ),
    ],
)
def test_words_after_the_marks_are_the_rest_of_the_clause(
    detect: Detect, text: str, body: str, who: str
) -> None:
    quotes = detect(text)
    assert len(quotes) == 1, quotes
    assert content(text, quotes[0]) == [body]
    assert speaker(text, quotes[0]) == who


@pytest.mark.parametrize(("text", "body", "who"), CLAUSE_TAILS)
def test_clause_tail_without_parse(detect_rules: Detect, text: str, body: str, who: str) -> None:
    quotes = detect_rules(text)
    assert len(quotes) == 1, quotes
    assert content(text, quotes[0]) == [body]
    assert speaker(text, quotes[0]) == who


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "body", "who"),
    [
        # a name after the marks is the speaker, not more of the quote
        ('"The port stays open" Karl Olsen, a shipping agent, said.', QUOTE, "Karl Olsen"),
        ('"Nonsense" Jim Beam, a farmer, said.', "Nonsense", "Jim Beam"),
        # a comma inside the marks ends the quote as before
        (f'"{QUOTE}," said Karl Olsen, a shipping agent.', QUOTE, "Karl Olsen"),
    ],
)
def test_speaker_after_the_marks_is_no_clause_tail(
    detect: Detect, text: str, body: str, who: str
) -> None:
    q = find(text, detect(text), body)
    assert content(text, q) == [body]
    assert speaker(text, q) == who
