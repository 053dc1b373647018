"""'"A," she said, adding: "B."': a second reporting verb in the frame between two runs
makes the second run a quote of its own, with that verb as cue and the same speaker
(PolNeAR annotates one attribution per cue); a frame without one still joins the runs."""

from __future__ import annotations

import pytest

from tests.nlp.conftest import Detect, cue_of, speaker, two_quotes


@pytest.mark.parametrize(
    ("text", "first", "second", "who", "cue"),
    [
        (
            '"The ferry is our only road," Mayor Pike said, adding: "Without it the island dies."',
            "The ferry is our only road",
            "Without it the island dies.",
            "Mayor Pike",
            "adding",
        ),
        (
            "\u201cThe ferry is our only road,\u201d she said, adding, "
            "\u201cWe will fight for it.\u201d",
            "The ferry is our only road",
            "We will fight for it.",
            "she",
            "adding",
        ),
        (
            '"The pier is safe," the engineer said at a news conference, '
            'and then predicted: "It will stand for fifty years."',
            "The pier is safe",
            "It will stand for fifty years.",
            "the engineer",
            "predicted",
        ),
    ],
)
def test_a_second_reporting_verb_starts_a_second_quote(
    detect: Detect, text: str, first: str, second: str, who: str, cue: str
) -> None:
    quotes = [q for q in detect(text) if q.kind == "direct"]
    q1, q2 = two_quotes(text, quotes, first, second)
    assert speaker(text, q1) == who
    assert speaker(text, q2) == who
    assert cue_of(text, q2) == cue
    assert q2.confidence == q1.confidence


@pytest.mark.parametrize(
    "text",
    [
        '"The ferry is our only road," Mayor Pike said. "Without it the island dies."',
        '"The ferry is our only road," she said, "and without it the island dies."',
        # an adjective, not a second report
        '"The ferry is our only road," she tells hundreds of cheering supporters. '
        '"Without it the island dies."',
    ],
)
def test_a_frame_without_a_second_verb_still_joins_the_runs(detect: Detect, text: str) -> None:
    (q,) = [x for x in detect(text) if x.kind == "direct"]
    assert len(q.content_spans) == 2


# -- a frame ending with a colon after a run that ends its sentence introduces the next run --


@pytest.mark.parametrize(
    ("text", "first", "second", "who"),
    [
        (
            '"The ferry is our only road." He added: "We will fight for it."',
            "The ferry is our only road.",
            "We will fight for it.",
            "He",
        ),
        (
            "\u201cThe pier is safe.\u201d The engineer then warned: "
            "\u201cThe road behind it is not.\u201d",
            "The pier is safe.",
            "The road behind it is not.",
            "The engineer",
        ),
    ],
)
def test_a_colon_frame_after_a_full_stop_opens_a_new_quote(
    detect: Detect, text: str, first: str, second: str, who: str
) -> None:
    quotes = [q for q in detect(text) if q.kind == "direct"]
    _q1, q2 = two_quotes(text, quotes, first, second)
    assert speaker(text, q2) == who


@pytest.mark.parametrize(
    ("text", "mixed_words", "who", "second", "second_who"),
    [
        (
            'Pike said the ferry "keeps the island alive." He added: "Without it we are finished."',
            'the ferry "keeps the island alive.',
            "Pike",
            "Without it we are finished.",
            "He",
        ),
        (
            'Pike told us the pier "will not survive another winter." '
            'Then he warned: "The road behind it is next."',
            'the pier "will not survive another winter.',
            "Pike",
            "The road behind it is next.",
            "he",
        ),
    ],
)
def test_a_mixed_quote_and_the_quote_its_next_sentence_introduces_stay_apart(
    detect: Detect, text: str, mixed_words: str, who: str, second: str, second_who: str
) -> None:
    quotes = detect(text)
    mixed = [q for q in quotes if q.kind == "mixed"]
    direct = [q for q in quotes if q.kind == "direct"]
    assert len(mixed) == 1 and len(direct) == 1
    assert [text[a:b] for a, b in mixed[0].content_spans] == [mixed_words]
    assert speaker(text, mixed[0]) == who
    assert [text[a:b] for a, b in direct[0].content_spans] == [second]
    assert speaker(text, direct[0]) == second_who


def test_a_comma_frame_after_a_full_stop_still_joins_a_direct_quote(detect: Detect) -> None:
    text = '"The ferry is our only road." After all, he says, "we will fight for it."'
    (q,) = [x for x in detect(text) if x.kind == "direct"]
    assert len(q.content_spans) == 2


def test_a_comma_frame_after_a_mixed_quote_ending_its_sentence_opens_a_new_quote(
    detect: Detect,
) -> None:
    text = (
        'The mayor called the ferry "our only road to the mainland." '
        'Pike says, "We will fight for it."'
    )
    quotes = detect(text)
    assert len([q for q in quotes if q.kind == "mixed"]) == 1
    (q,) = [q for q in quotes if q.kind == "direct"]
    assert [text[a:b] for a, b in q.content_spans] == ["We will fight for it."]
    assert speaker(text, q) == "Pike"
