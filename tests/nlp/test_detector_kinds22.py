"""Detector faults of the kinds of issue 12 found by tester22 (F1-F4), each with several
wordings of our own and sentences that must not change.

F4: a mixed quote ends at its closing mark when the reporter's words follow, and a clause
    after a semicolon or dash never takes the quote; its closing mark follows the
    project's marks setting.
F1: British outer single marks with a nested double quote inside.
F2: a description is never resolved to the title or to words across a paragraph break.
F3: role word + a surname that is also a common noun; a short quote right after the title.
"""

from __future__ import annotations

import pytest
from spacy.language import Language

from annotator.nlp.quotemarks import find_segments
from annotator.nlp.quotes import extract_quotes
from tests.nlp.conftest import Detect, content, cue_of, find, speaker

LEAD = "City Desk\n\nThe council met on Monday.\n\n"
SAID = 'Councillor Joy Mensah said the budget was "a betrayal of renters'

# -- F4: the reporter's words after a mixed quote --------------------------------------------


@pytest.mark.parametrize(
    "rest",
    [
        '", which the landlords quickly disputed.',
        '," which the landlords quickly disputed.',
        '", a claim the mayor rejects.',
        '", drawing applause from the gallery.',
        '" as her supporters cheered.',
        '" before walking out of the meeting.',
        '" on Thursday, days after the vote.',
        '"; the mayor disagreed.',
        '" - a charge the mayor denies.',
        '" — a view the landlords share.',
    ],
)
def test_mixed_quote_ends_at_its_closing_mark(detect: Detect, rest: str) -> None:
    text = LEAD + SAID + rest
    quotes = detect(text)
    q = find(text, quotes, "betrayal of renters")
    assert q.kind == "mixed"
    assert content(text, q) == ['the budget was "a betrayal of renters']
    assert speaker(text, q) == "Councillor Joy Mensah"
    assert q.speaker_name == "Joy Mensah"
    assert cue_of(text, q) == "said"
    # nobody else is given her words: the mayor, the landlords, "a charge"
    assert all("Mensah" in (speaker(text, o) or "Mensah") for o in quotes if o is not q)


def test_british_mixed_quote_ends_at_its_closing_mark(detect: Detect) -> None:
    text = (
        LEAD + "Councillor Joy Mensah said the budget was ‘a betrayal of renters’, which the "
        "landlords quickly disputed."
    )
    (q,) = detect(text)
    assert content(text, q) == ["the budget was ‘a betrayal of renters"]
    assert q.speaker_name == "Joy Mensah"


@pytest.mark.parametrize(
    ("rest", "words"),
    [
        # the source's own words go on after the marks: unchanged
        ('" of every renter in the city.', " of every renter in the city"),
        ('" because it ignored renters.', " because it ignored renters"),
        ('" and should be withdrawn.', " and should be withdrawn"),
        ('" after the cuts to housing aid.', " after the cuts to housing aid"),
        ('" as to why the rents rose so fast.', " as to why the rents rose so fast"),
    ],
)
def test_mixed_quote_keeps_the_sources_words_after_its_marks(
    detect: Detect, rest: str, words: str
) -> None:
    text = LEAD + 'Councillor Joy Mensah said the budget was "a betrayal' + rest
    q = find(text, detect(text), "betrayal")
    assert content(text, q) == ['the budget was "a betrayal"' + words]
    assert q.speaker_name == "Joy Mensah"


@pytest.mark.parametrize(
    "after",
    ["; the mayor disagreed.", " - a promise the mayor repeated on Monday."],
)
def test_clause_after_semicolon_or_dash_does_not_take_a_direct_quote(
    detect: Detect, after: str
) -> None:
    text = LEAD + '"We will not sell the housing stock"' + after
    q = find(text, detect(text), "housing stock")
    assert cue_of(text, q) == ""
    assert q.confidence < 0.5


@pytest.mark.parametrize(("inside", "end"), [(False, "renters"), (True, 'renters,"')])
def test_mixed_quote_closing_mark_follows_the_marks_setting(
    en_nlp: Language, inside: bool, end: str
) -> None:
    text = LEAD + SAID + ",” and the mayor welcomed the plan.".replace("”", '"')
    with en_nlp.select_pipes(disable=["annotator_quotes"]):
        doc = en_nlp(text)
    rec = next(r for r in extract_quotes(doc, marks_inside=inside) if r.kind == "mixed")
    a, b = rec.content[-1]
    assert text[a:b] == 'the budget was "a betrayal of ' + end


# -- F1: British outer single marks with a nested double quote ------------------------------

BRITISH = [
    # (text, fragments, speaker mention, canonical name)
    (
        "‘When people say “it can’t be done”, I point to the Welsh example,’ Mr Evans said. "
        "‘We did it in two years.’",
        [
            "When people say “it can’t be done”, I point to the Welsh example",
            "We did it in two years.",
        ],
        "Mr Evans",
        "Evans",
    ),
    (
        "‘The sign said “closed” when we arrived,’ said resident Paula Grey.",
        ["The sign said “closed” when we arrived"],
        "resident Paula Grey",
        "Paula Grey",
    ),
    (
        "Coach Ray Hunt said: ‘My father always told me “never give up” and I never have.’",
        ["My father always told me “never give up” and I never have."],
        "Coach Ray Hunt",
        "Ray Hunt",
    ),
    (
        "‘I read the report,’ said Paula Grey. ‘It called us “a failing town”. That is not fair.’",
        ["I read the report", "It called us “a failing town”. That is not fair."],
        "Paula Grey",
        "Paula Grey",
    ),
    (
        "‘The workers’ union called it “a betrayal”,’ said shop steward Dan O’Neill. "
        "‘Since the ’90s we have heard “wait”.’",
        ["The workers’ union called it “a betrayal”", "Since the ’90s we have heard “wait”."],
        "shop steward Dan O’Neill",
        "Dan O’Neill",
    ),
    (
        "'When people say \"it can't be done\", I point to Wales,' Mr Evans said.",
        ['When people say "it can\'t be done", I point to Wales'],
        "Mr Evans",
        "Evans",
    ),
]


@pytest.mark.parametrize(("body", "frags", "who", "name"), BRITISH)
def test_british_quote_with_a_nested_double_quote_is_one_direct_quote(
    detect: Detect, body: str, frags: list[str], who: str, name: str
) -> None:
    text = LEAD + body
    (q,) = detect(text)
    assert q.kind == "direct"
    assert content(text, q) == frags
    assert speaker(text, q) == who
    assert q.speaker_name == name
    assert q.confidence == 0.9


def test_british_quote_over_two_paragraphs_with_nested_quotes(detect: Detect) -> None:
    text = (
        LEAD + "‘We asked them “why now?” and got no answer.\n\n"
        "‘They said “next year” again,’ said Ana Ruiz."
    )
    (q,) = detect(text)
    assert content(text, q) == [
        "We asked them “why now?” and got no answer.",
        "They said “next year” again",
    ]
    assert q.speaker_name == "Ana Ruiz"


@pytest.mark.parametrize(
    ("body", "frag"),
    [
        # American style: the single marks are nested inside the double ones (unchanged)
        (
            "\"The sign said 'closed' when we arrived,\" said resident Paula Grey.",
            "The sign said 'closed' when we arrived",
        ),
        (
            "“The sign said ‘closed’ when we arrived,” said resident Paula Grey.",
            "The sign said ‘closed’ when we arrived",
        ),
    ],
)
def test_american_nesting_is_unchanged(detect: Detect, body: str, frag: str) -> None:
    text = LEAD + body
    (q,) = detect(text)
    assert q.kind == "direct" and content(text, q) == [frag]
    assert q.speaker_name == "Paula Grey"


def test_apostrophes_around_a_double_quote_open_nothing(detect: Detect) -> None:
    text = LEAD + "It’s the workers’ view that “nothing has changed”, said Ana Ruiz’s aide."
    (q,) = detect(text)
    assert q.kind == "mixed"
    assert content(text, q) == ["It’s the workers’ view that “nothing has changed"]


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("‘Say “no”,’ he said.", ["‘Say “no”,’"]),
        ("‘A “b” c,’ he said. ‘D “e”.’", ["‘A “b” c,’", "‘D “e”.’"]),
        ("“Say ‘no’,” he said.", ["“Say ‘no’,”"]),
        ("The workers’ view is “no”, he said.", ["“no”"]),
    ],
)
def test_segments_take_the_outer_marks(text: str, pieces: list[str]) -> None:
    assert [text[s.start : s.end] for s in find_segments(text)] == pieces


# -- F2: descriptions never resolve to the title or across a paragraph break ---------------


@pytest.mark.parametrize(
    ("title", "body", "mention"),
    [
        (
            "Harbour Board Keeps Port in Public Hands",
            "The board voted on Monday.\n\nThe workers’ union had warned that a sale would "
            "cost jobs.",
            "The workers’ union",
        ),
        (
            "Nurses Walk Out at City Hospital",
            "Nurses at City Hospital stopped work at noon.\n\n"
            "A spokesperson for the health department said talks would resume next week.",
            "A spokesperson for the health department",
        ),
        (
            "City Council Approves Stadium",
            "Council members approved the stadium on Tuesday. The mayor's office said "
            "construction would start in May.",
            "The mayor's office",
        ),
        (
            "Ferry Company Raises Fares Again",
            "The union said the rise would hurt commuters.",
            "The union",
        ),
    ],
)
def test_description_is_not_resolved_to_the_title(
    detect: Detect, title: str, body: str, mention: str
) -> None:
    text = f"{title}\n\n{body}"
    q = next(q for q in detect(text) if speaker(text, q) == mention)
    assert q.speaker_name is None or ("\n" not in q.speaker_name and q.speaker_name not in title), (
        q.speaker_name
    )


def test_description_still_takes_a_name_from_the_body(detect: Detect) -> None:
    text = (
        "Port Stays Public\n\nThe Harbour Workers Union met on Monday. "
        "The union said a sale would cost jobs."
    )
    q = next(q for q in detect(text) if speaker(text, q) == "The union")
    assert q.speaker_name == "Harbour Workers Union"


# -- F3: role word + a surname that is also a noun; a short quote right after the title -----


@pytest.mark.parametrize(
    ("frame", "name"),
    [
        ("said nurse Helen Park", "Helen Park"),
        ("said ward sister Helen Park", "Helen Park"),
        ("said nurse Jim Street", "Jim Street"),
        ("said porter Anna Hill", "Anna Hill"),
        ("said nurse Helen Parker", "Helen Parker"),  # unchanged
        ("said Helen Park", "Helen Park"),  # unchanged
    ],
)
def test_role_word_and_a_noun_surname_give_the_name(detect: Detect, frame: str, name: str) -> None:
    text = LEAD + f'"We are exhausted and we will not go back," {frame}.'
    (q,) = detect(text)
    assert speaker(text, q) == frame.removeprefix("said ")
    assert q.speaker_name == name


def test_a_place_after_a_preposition_is_no_name(detect: Detect) -> None:
    text = LEAD + '"We are exhausted and we will not go back," said a nurse at Helen Park.'
    (q,) = detect(text)
    assert q.speaker_name is None


@pytest.mark.parametrize(
    "body",
    [
        "‘We are exhausted,’ said ward sister Helen Park.",
        '"We are exhausted," said ward sister Helen Park.',
        "‘Not again,’ said ward sister Helen Park.",
    ],
)
def test_short_quote_right_after_the_title_keeps_its_frame(detect: Detect, body: str) -> None:
    text = f"Strike Vote\n\n{body}"
    (q,) = detect(text)
    assert speaker(text, q) == "ward sister Helen Park"
    assert q.speaker_name == "Helen Park"
    assert cue_of(text, q) == "said"
    assert q.confidence is not None and q.confidence >= 0.5


@pytest.mark.parametrize(
    ("byline", "who"),
    [
        ("-Alderman Joe Pike", "Alderman Joe Pike"),
        ("–Alderman Joe Pike", "Alderman Joe Pike"),
        ("— Alderman Joe Pike", "Alderman Joe Pike"),
    ],
)
def test_dash_byline_mention_leaves_out_the_dash(detect: Detect, byline: str, who: str) -> None:
    text = LEAD + f"“Keep the library open.” {byline}"
    (q,) = detect(text)
    assert speaker(text, q) == who
    assert q.speaker_text == who
