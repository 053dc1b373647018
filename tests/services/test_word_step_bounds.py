"""A word step of a quote's edge (Ctrl+Right, Ctrl+Shift+Left) stays in the quote's paragraph
and never runs into another quote; a refused step says why. Offsets are code points; the
text has an emoji, a non-breaking space and CRLF line ends normalised away."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.model import Article, Quote
from annotator.core.text import normalise_text
from annotator.services.editing import (
    AT_PARAGRAPH_END,
    AT_PARAGRAPH_START,
    AT_TEXT_END,
    AT_TEXT_START,
    INTO_OTHER_QUOTE,
    INTO_OWN_SOURCE,
    grow_end,
    grow_start,
    resize,
)
from annotator.services.session import Session
from annotator.store.project import Project

RAW = (
    "Vote 🗳 day\r\n\r\n"
    '"The plan is sound," the mayor said after the meeting.\r\n\r\n'
    '"We came to listen," said\u00a0Ana Ruiz.\r\n'
    "Ruiz said the vote was fair and the count was quick.\r\n"
    "Nobody else spoke at the end"
)
TEXT = normalise_text(RAW)


def _span(sub: str) -> tuple[int, int]:
    i = TEXT.index(sub)
    return i, i + len(sub)


def _said(spans: tuple[tuple[int, int], ...] | None) -> list[str]:
    assert spans is not None
    return [TEXT[a:b] for a, b in spans]


def test_grow_end_stops_at_a_blank_line_and_at_a_single_line_break() -> None:
    q = (_span("said after the"),)
    once = grow_end(TEXT, q, False)
    assert _said(once) == ["said after the meeting."]
    assert once is not None and grow_end(TEXT, once, False) is None
    # quotation marks inside: the full stop is a word of its own, then the paragraph ends
    once = grow_end(TEXT, (_span("said after the meeting"),), True)
    assert _said(once) == ["said after the meeting."]
    assert once is not None and grow_end(TEXT, once, True) is None
    # one line break (no blank line) also ends a paragraph
    assert grow_end(TEXT, (_span("Ana Ruiz."),), False) is None
    assert grow_end(TEXT, (_span("Ana Ruiz"),), True) is not None  # the "." still comes


def test_grow_start_stops_at_the_start_of_a_paragraph() -> None:
    q = (_span("We came to listen"),)
    assert grow_start(TEXT, q, False) is None
    marked = grow_start(TEXT, q, True)
    assert _said(marked) == ['"We came to listen']
    assert marked is not None and grow_start(TEXT, marked, True) is None
    assert grow_start(TEXT, (_span("Ruiz said the"),), True) is None


def test_resize_refuses_a_step_into_an_adjacent_quote_on_the_same_line() -> None:
    left, right = (_span("the vote was fair"),), (_span("and the count was quick"),)
    assert resize(TEXT, left, "grow_end", False, [right]) == (None, INTO_OTHER_QUOTE)
    assert resize(TEXT, right, "grow_start", False, [left]) == (None, INTO_OTHER_QUOTE)
    # without the other quote the same steps go through
    assert _said(resize(TEXT, left, "grow_end", False, [])[0]) == ["the vote was fair and"]
    assert _said(resize(TEXT, right, "grow_start", False, [])[0]) == [
        "fair and the count was quick"
    ]
    # a quote further away does not block
    far = (_span("the count was quick"),)
    assert _said(resize(TEXT, left, "grow_end", False, [far])[0]) == ["the vote was fair and"]


def test_resize_never_runs_the_content_into_its_own_speaker_or_cue() -> None:
    # speaker after the content: '"We came to listen," said Ana Ruiz.'
    content = (_span("We came to listen,"),)
    at = _span("said\u00a0Ana")[0]
    said, ana = ((at, at + 4),), (_span("Ana Ruiz"),)
    # the closing mark is no one's: taken; then "said" is the cue
    step = resize(TEXT, content, "grow_end", True, [], [ana, said])[0]
    assert _said(step) == ['We came to listen,"']
    assert step is not None
    assert resize(TEXT, step, "grow_end", True, [], [ana, said]) == (None, INTO_OWN_SOURCE)
    # only the speaker marked (no cue): the step takes "said", then stops at the name
    step = resize(TEXT, step, "grow_end", True, [], [ana, ()])[0]
    assert _said(step) == ['We came to listen," said']
    assert step is not None
    assert resize(TEXT, step, "grow_end", True, [], [ana, ()]) == (None, INTO_OWN_SOURCE)
    # speaker before the content: 'Ruiz said the vote was fair ...'
    vote = (_span("the vote was fair"),)
    ruiz = (_span("Ruiz said the")[0], _span("Ruiz said the")[0] + 4)
    cue = (_span("said the vote")[0], _span("said the vote")[0] + 4)
    assert resize(TEXT, vote, "grow_start", False, [], [(ruiz,), (cue,)]) == (
        None,
        INTO_OWN_SOURCE,
    )
    # the speaker before does not stop a step at the other edge
    assert _said(resize(TEXT, vote, "grow_end", False, [], [(ruiz,), (cue,)])[0]) == [
        "the vote was fair and"
    ]
    # shrinking is never refused for the speaker
    assert _said(resize(TEXT, vote, "shrink_end", False, [], [(ruiz,), (cue,)])[0]) == [
        "the vote was"
    ]


def test_a_session_step_into_the_quotes_own_speaker_is_refused(project: Project) -> None:
    s = _session(project)
    while s.current is not None and s.current.quote.start != _span("the vote")[0]:
        assert s.next_quote()
    start = _span("Ruiz said the vote")[0]
    s.run(s.plan_speaker_span(start, start + 4))
    s.run(s.plan_resize("grow_start"))
    assert s.plan_resize("grow_start") is None
    assert s.why_not_resize("grow_start") == INTO_OWN_SOURCE
    stored = project.annotations(project.article_ids()[0], "alice")
    (row,) = [r for r in stored if r.quote.speaker_spans]
    assert [TEXT[a:b] for a, b in row.quote.content_spans] == ["said the vote was fair"]
    assert [TEXT[a:b] for a, b in row.quote.speaker_spans] == ["Ruiz"]


def test_resize_says_why_at_the_ends_of_the_text_and_of_a_paragraph() -> None:
    assert resize(TEXT, (_span("at the end"),), "grow_end") == (None, AT_TEXT_END)
    assert resize(TEXT, (_span("Vote"),), "grow_start") == (None, AT_TEXT_START)
    assert resize(TEXT, (_span("the meeting."),), "grow_end") == (None, AT_PARAGRAPH_END)
    assert resize(TEXT, (_span("Nobody else"),), "grow_start") == (None, AT_PARAGRAPH_START)
    # the emoji is one word of the first paragraph
    assert _said(resize(TEXT, (_span("day"),), "grow_start")[0]) == ["🗳 day"]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.open(tmp_path / "p.db")
    aid, _ = p.add_article(Article("Vote", TEXT, {"date": "2021-03-02"}))
    p.set_suggestions(
        aid,
        "test 1",
        [
            Quote(content_spans=(_span("The plan is sound,"),), kind="direct", confidence=0.9),
            Quote(content_spans=(_span("We came to listen,"),), kind="direct", confidence=0.9),
            Quote(content_spans=(_span("the vote was fair"),), kind="indirect", confidence=0.6),
            Quote(content_spans=(_span("and the count was quick"),), kind="indirect"),
        ],
    )
    return p


def _session(project: Project) -> Session:
    s = Session(project, "alice")
    s.open_article(project.article_ids()[0])
    return s


def _stored(project: Project) -> list[list[str]]:
    recs = project.annotations(project.article_ids()[0], "alice")
    return [[TEXT[a:b] for a, b in r.quote.content_spans] for r in recs]


def test_two_presses_never_reach_the_next_paragraphs_quote(project: Project) -> None:
    s = _session(project)
    s.run(s.plan_add(*_span("the mayor said after the")))
    s.run(s.plan_resize("grow_end"))
    assert s.plan_resize("grow_end") is None
    assert s.why_not_resize("grow_end") == AT_PARAGRAPH_END
    assert ["the mayor said after the meeting."] in _stored(project)
    assert not any("We came" in part for quote in _stored(project) for part in quote)


def test_a_session_step_into_a_neighbour_is_refused_until_it_is_rejected(
    project: Project,
) -> None:
    s = _session(project)
    while s.current is not None and s.current.quote.start != _span("the vote")[0]:
        assert s.next_quote()
    assert s.plan_resize("grow_end") is None
    assert s.why_not_resize("grow_end") == INTO_OTHER_QUOTE
    s.run(s.plan_accept())
    # the neighbour rejected is no quote any more: the step goes through
    assert s.next_quote()
    s.run(s.plan_reject())
    assert s.previous_quote()
    s.run(s.plan_resize("grow_end"))
    assert ["the vote was fair and"] in _stored(project)
    assert s.why_not_resize("grow_end") == ""
