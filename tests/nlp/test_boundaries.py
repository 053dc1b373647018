"""Content boundaries that follow PolNeAR's conventions (issue 12 / 13: strict matches).

1. the words of a sentence before a quoted run whose frame follows it are part of what is
   reported (``It is "undermining our values," he warned.``): one mixed quote from the
   sentence start, the source and cue left out;
2. a second run that hangs off a word of the first run's frame (``she said, adding that
   "B"``) is not the second half of a split quote.
"""

from __future__ import annotations

import pytest

from tests.nlp.conftest import Detect, content, find, speaker

# -- 1. words before the marks, frame after ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lead", "who"),
    [
        (
            "The council's budget is “a gamble with our children's future,” said Mayor "
            "Lena Ortiz on Monday.",
            "The council's budget is “a gamble with our children's future",
            "Lena Ortiz",
        ),
        (
            "It was “the worst flood in forty years,” the river warden Tom Blake told reporters.",
            "It was “the worst flood in forty years",
            "Tom Blake",
        ),
        (
            "In Leeds, the plan would be “a disaster for small shops,” Priya Nair said.",
            "In Leeds, the plan would be “a disaster for small shops",
            "Priya Nair",
        ),
    ],
)
def test_words_before_the_marks_make_a_mixed_quote(
    detect: Detect, text: str, lead: str, who: str
) -> None:
    quotes = detect(text)
    q = find(text, quotes, lead.split("“")[1].rstrip(",”"))
    assert q.kind == "mixed"
    assert content(text, q) == [lead]
    assert who in (speaker(text, q) or "")


@pytest.mark.parametrize(
    "text",
    [
        "“We will appeal the ruling,” said lawyer Rosa Kent.",
        "Ms Kent was calm. “We will appeal the ruling,” she said.",
        "Her answer: “We will appeal the ruling,” Rosa Kent said.",
        "Then — “We will appeal the ruling,” Rosa Kent said.",
    ],
)
def test_a_run_opening_its_sentence_or_after_a_label_stays_direct(
    detect: Detect, text: str
) -> None:
    q = find(text, detect(text), "We will appeal the ruling")
    assert q.kind == "direct"
    assert content(text, q) == ["We will appeal the ruling"]


# -- 2. a second run after a word of the frame is not a split quote ------------------------


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        (
            "“The bridge is safe,” said engineer Omar Said, adding that the repairs were "
            "“finished ahead of time.”",
            "The bridge is safe",
            "finished ahead of time",
        ),
        (
            "“We lost the vote,” Jane Doyle said, noting that the party would stay "
            "“united and loud.”",
            "We lost the vote",
            "united and loud",
        ),
        (
            "“I am not leaving,” the coach Ben Ortiz told the club, calling the offer "
            "“an insult to the players.”",
            "I am not leaving",
            "an insult to the players",
        ),
    ],
)
def test_second_run_after_a_frame_word_is_a_quote_of_its_own(
    detect: Detect, text: str, first: str, second: str
) -> None:
    quotes = detect(text)
    q1 = find(text, quotes, first)
    assert content(text, q1) == [first]
    assert not any(second in frag for frag in content(text, q1))
    assert find(text, quotes, second) is not q1


@pytest.mark.parametrize(
    "text",
    [
        "“The bridge is safe,” said engineer Omar Said. “The repairs are finished.”",
        "“The bridge is safe,” said engineer Omar Said, “and the repairs are finished.”",
        "“The bridge is safe,” engineer Omar Said said: “the repairs are finished.”",
    ],
)
def test_split_quote_still_joins(detect: Detect, text: str) -> None:
    (q,) = [x for x in detect(text) if x.kind == "direct"]
    frags = content(text, q)
    assert frags[0] == "The bridge is safe"
    assert len(frags) == 2 and "repairs are finished" in frags[1]


# -- 3. a quoted run hanging off a verb that is not a reporting verb -----------------------


@pytest.mark.parametrize(
    ("text", "expected", "who"),
    [
        (
            "Carson took the stage in Baltimore and called the political system “rotten to "
            "the core and beyond repair.”",
            ["the political system “rotten to the core and beyond repair."],
            "Carson",
        ),
        (
            "Mayor Ann Ruiz branded the new stadium deal “a gift to billionaires and their "
            "lawyers.”",
            ["the new stadium deal “a gift to billionaires and their lawyers."],
            "Mayor Ann Ruiz",
        ),
        (
            "The group backs what it calls “sensible rules for safer streets and parks.”",
            ["what", "sensible rules for safer streets and parks."],
            "it",
        ),
    ],
)
def test_governed_run_takes_the_verbs_object_words(
    detect: Detect, text: str, expected: list[str], who: str
) -> None:
    q = find(text, detect(text), expected[-1].strip("“”.")[:20])
    assert q.kind == "mixed"
    assert content(text, q) == expected
    assert speaker(text, q) == who


# -- 4. a stance verb's object with the speaker's description of it -----------------------


@pytest.mark.parametrize(
    ("text", "words", "who"),
    [
        (
            "Senator Ruth Alvarez slammed the harbour plan as reckless and expensive.",
            "the harbour plan as reckless and expensive",
            "Senator Ruth Alvarez",
        ),
        (
            "The council dismissed the report as a whitewash.",
            "the report as a whitewash",
            "The council",
        ),
        (
            "Opposition leader Tom Reed denounced the new tax as unfair to pensioners.",
            "the new tax as unfair to pensioners",
            "Opposition leader Tom Reed",
        ),
        (
            "Harbour master Iain Ross rejected the claims as nonsense, and the board agreed.",
            "the claims as nonsense",  # the next clause is not part of it
            "Harbour master Iain Ross",
        ),
    ],
)
def test_object_with_its_description_is_the_content(
    detect: Detect, text: str, words: str, who: str
) -> None:
    (q,) = detect(text)
    assert q.kind == "indirect"
    assert content(text, q) == [words]
    assert speaker(text, q) == who
