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
