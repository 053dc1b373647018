"""Direct quotes that go on after their frame (issue 12: Jaccard boundaries of direct quotes).

1. ``"A," she told NBC's "Meet the Press" on Sunday. "B."``: a title or scare quote inside
   the frame of the first quote does not end it; ``B`` is its second fragment, and the
   title stays a suggestion of its own (low confidence);
2. ``"A," she said.`` closing a paragraph, then a paragraph that is all quote: one quote in
   two fragments (PolNeAR's convention), not a second quote inherited from the first.
"""

from __future__ import annotations

import pytest

from tests.nlp.conftest import Detect, content, find, speaker

# -- 1. a title or scare quote inside the frame ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "second", "inner", "who"),
    [
        (
            "“We are not giving up on the bridge,” Mayor Alma Reyes told NBC’s “Meet the "
            "Press” on Sunday. “The money is there and the plans are ready.”",
            "We are not giving up on the bridge",
            "The money is there and the plans are ready.",
            "Meet the Press",
            "Alma Reyes",
        ),
        (
            "''Sales were slow all winter,'' said Tomas Berg, who noted that prices had "
            "''collapsed'' in March. ''Things are picking up again now.''",
            "Sales were slow all winter",
            "Things are picking up again now.",
            "collapsed",
            "Tomas Berg",
        ),
        (
            '"The vote was never close," Senator Ruth Okafor said on "This Week." '
            '"We had the numbers from the start."',
            "The vote was never close",
            "We had the numbers from the start.",
            "This Week",
            "Ruth Okafor",
        ),
    ],
)
def test_a_title_inside_the_frame_keeps_the_split_quote_whole(
    detect: Detect, text: str, first: str, second: str, inner: str, who: str
) -> None:
    quotes = detect(text)
    q = find(text, quotes, first)
    assert content(text, q) == [first, second]
    assert who in (speaker(text, q) or "")
    # the words in marks inside the frame are a suggestion of their own: a title at a
    # low confidence, or the mixed quote of the frame's "noted that ..."
    other = find(text, quotes, inner)
    assert other is not q
    if content(text, other)[0].startswith(inner):
        assert other.confidence is not None and other.confidence < 0.2
    else:
        assert other.kind == "mixed"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "On the form, in a box labelled “reason for visit,” the nurse had typed “back "
            "pain.” “She was in tears when she came in.”",
            "back pain.",
        ),
        (
            "The note, signed “a neighbour,” ended with the words “shame on you.” “We "
            "will not stop until the trees are saved.”",
            "shame on you.",
        ),
    ],
)
def test_words_in_marks_that_the_frame_verb_says_end_the_quote_before(
    detect: Detect, text: str, said: str
) -> None:
    # the second run is the object of the frame's verb, not a title inside the frame:
    # the quote before it ends there, and the sentence after is no part of it
    quotes = detect(text)
    q = find(text, quotes, said.rstrip("."))
    first = quotes[0]
    assert first is not q
    assert not any("She was in tears" in f or "We will not stop" in f for f in content(text, first))


def test_a_long_quote_inside_the_frame_is_no_title(detect: Detect) -> None:
    text = (
        "“The roads are open again,” said Ida Marsh, who added that “every crew worked "
        "through the night to clear the snow from the hills.” “We thank them.”"
    )
    quotes = detect(text)
    q = find(text, quotes, "The roads are open again")
    assert content(text, q) == ["The roads are open again"]


# -- 2. the next paragraph goes on with the quote -------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "second", "who"),
    [
        (
            "The plant will close in May.\n\n“We did everything we could to keep it open,” "
            "said Hana Moretti, the plant manager.\n\n“Nobody wanted this. The orders just "
            "stopped coming in after the summer.”\n\nThe union plans a meeting on Friday.",
            "We did everything we could to keep it open",
            "Nobody wanted this. The orders just stopped coming in after the summer.",
            "Hana Moretti",
        ),
        (
            "Farmers are worried.\n\nPaul Ekwueme said: “The rain came too late for the "
            "wheat.”\n\n“If it stays dry in June we lose the barley as well.”",
            "The rain came too late for the wheat.",
            "If it stays dry in June we lose the barley as well.",
            "Paul Ekwueme",
        ),
        (
            "''The count is not over,'' Ms. Lindqvist said.\n''Every ballot will be "
            "counted, and we will wait for all of them.''",
            "The count is not over",
            "Every ballot will be counted, and we will wait for all of them.",
            "Ms. Lindqvist",
        ),
    ],
)
def test_a_quote_paragraph_after_a_framed_quote_is_its_second_fragment(
    detect: Detect, text: str, first: str, second: str, who: str
) -> None:
    quotes = detect(text)
    q = find(text, quotes, first)
    assert content(text, q) == [first, second]
    assert who in (speaker(text, q) or "")


def test_a_split_quote_with_its_frame_between_stays_one_quote(detect: Detect) -> None:
    text = (
        '"My deputy sends me the flood maps every morning," she said, "and they are frightening."'
    )
    q = find(text, detect(text), "flood maps")
    assert content(text, q) == [
        "My deputy sends me the flood maps every morning",
        "and they are frightening.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        # a heading in marks (Title Case) after the framed quote's paragraph
        "“We did everything we could,” said Hana Moretti.\n\n“The Long Goodbye Of Mill "
        "Town.”\n\n“Nobody wanted this to happen to the town.”",
        # the framed quote's paragraph goes on with another sentence
        "“We did everything we could,” said Hana Moretti. The union disagrees.\n\n"
        "“Nobody wanted this to happen to the town.”",
        # a paragraph in between
        "“We did everything we could,” said Hana Moretti.\n\nThe union disagrees.\n\n"
        "“Nobody wanted this to happen to the town.”",
        # the next paragraph has its own frame
        "“We did everything we could,” said Hana Moretti.\n\n“Nobody wanted this to happen "
        "to the town,” Leo Park said.",
    ],
)
def test_a_quote_paragraph_stays_apart_when_something_comes_between(
    detect: Detect, text: str
) -> None:
    quotes = detect(text)
    q = find(text, quotes, "We did everything we could")
    assert content(text, q) == ["We did everything we could"]
    find(text, quotes, "Nobody wanted this")


# -- 3. a few words after the frame's sentence, then the same speaker goes on ---------------


@pytest.mark.parametrize(
    ("text", "first", "second", "who"),
    [
        (
            "“The harvest was the worst in a decade,” said Omar Haddad, a grower. But “the "
            "vines will recover if the spring is wet.”",
            "The harvest was the worst in a decade",
            "the vines will recover if the spring is wet.",
            "Omar Haddad",
        ),
        (
            "''We were not pleased at first,'' said Greta Lund of the farmers' union. Now, "
            "''most members think the tax is fair.''",
            "We were not pleased at first",
            "most members think the tax is fair.",
            "Greta Lund",
        ),
        (
            '"He is meant to lead the team," Coach Ana Ruiz said. Instead "he just sulks '
            'on the bench."',
            "He is meant to lead the team",
            "he just sulks on the bench.",
            "Ana Ruiz",
        ),
    ],
)
def test_a_run_after_a_short_lead_goes_on_with_the_quote(
    detect: Detect, text: str, first: str, second: str, who: str
) -> None:
    quotes = detect(text)
    q = find(text, quotes, first)
    assert content(text, q) == [first, second]
    assert who in (speaker(text, q) or "")


@pytest.mark.parametrize(
    "text",
    [
        # the lead has a verb: a sentence of its own
        "“The harvest was poor,” said Omar Haddad. That makes it “the worst year since "
        "records began.”",
        # another speaker
        "“The harvest was poor,” said Omar Haddad. But “it was a fine year for olives,” "
        "Lina Sarkis said.",
    ],
)
def test_a_run_after_a_sentence_of_its_own_is_not_joined(detect: Detect, text: str) -> None:
    quotes = detect(text)
    q = find(text, quotes, "The harvest was poor")
    assert content(text, q) == ["The harvest was poor"]
