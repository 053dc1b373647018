"""Issue 10 without Qt: word snapping, fragments, cue, edge moves, search hits and the
wrap-around to the next undecided quote. Offsets are code points; the text has an emoji, a
non-breaking space and CRLF line ends normalised away."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.model import Article, Quote
from annotator.core.text import Utf16Map, normalise_text
from annotator.services.editing import (
    fragment_at,
    merge_spans,
    move_edge,
    search_hits,
    snap_to_words,
    word_step,
)
from annotator.services.session import Session
from annotator.store.project import Project

RAW = (
    "Talks 🇰🇷 resume\r\n\r\n"
    '"We will talk," Minister\u00a0Lee In-young said. "Peace first."\r\n'
    "The ministry said it hoped for progress, according to Andrey Kulik.\r\n"
)
TEXT = normalise_text(RAW)


def _span(sub: str) -> tuple[int, int]:
    i = TEXT.index(sub)
    return i, i + len(sub)


def test_snap_to_words_widens_partial_words_and_trims_space() -> None:
    a, b = _span("We will talk")
    assert snap_to_words(TEXT, a + 1, b - 2) == (a, b)
    # the opening mark is a word; the comma and closing mark after "talk" are one word
    assert snap_to_words(TEXT, a - 1, b + 1) == (a - 1, b + 2)
    lee = _span("Minister\u00a0Lee")
    # the non-breaking space is white space: a selection starting on it starts at "Lee"
    assert snap_to_words(TEXT, lee[0] + 8, lee[1] - 1) == (lee[0] + 9, lee[1])
    assert snap_to_words(TEXT, b - 2, a + 1) == (a, b)  # backwards selections too
    # the emoji flag (two astral code points) is a word of its own
    flag = _span("🇰🇷")
    assert snap_to_words(TEXT, flag[0] + 1, flag[1]) == flag
    assert snap_to_words(TEXT, 3, 3) == (3, 3)


def test_merge_fragment_at_and_move_edge() -> None:
    one, two = _span("We will talk,"), _span("Peace first.")
    assert merge_spans((one,), two) == (one, two)
    assert merge_spans((two,), one) == (one, two)
    assert merge_spans((one,), (one[0] + 3, one[1] + 5)) == ((one[0], one[1] + 5),)
    assert fragment_at((one, two), two[0] + 2) == 1
    assert fragment_at((one, two), two[0] - 3) is None
    # the end dragged into "according" takes the word; the start dragged past the end: None
    q = (_span("it hoped for progress"),)
    acc = _span("according")
    assert move_edge(TEXT, q, "end", acc[0] + 3) == ((q[0][0], acc[1]),)
    assert move_edge(TEXT, q, "start", q[0][1] + 4) is None
    assert move_edge(TEXT, q, "start", _span("ministry")[0] + 2) == (
        (_span("ministry")[0], q[0][1]),
    )
    assert move_edge(TEXT, (one, two), "end", two[0] + 1) == (one, (two[0], two[0] + 5))
    with pytest.raises(ValueError, match="unknown edge"):
        move_edge(TEXT, q, "middle", 3)


def test_search_hits_whole_words_any_case_past_an_emoji() -> None:
    hits = search_hits(TEXT, "SAID kulik")
    assert [TEXT[a:b] for a, b in hits] == ["said", "said", "Kulik"]
    assert search_hits(TEXT, "sai") == []
    assert search_hits(TEXT, '"') == []
    m = Utf16Map(TEXT)
    # at the widget boundary each hit sits one UTF-16 unit per astral character later
    a, _ = hits[0]
    assert m.to_utf16(a) == a + 2 and m.from_utf16(m.to_utf16(a)) == a


@pytest.fixture
def session(tmp_path: Path) -> Session:
    p = Project.open(tmp_path / "p.db")
    aid, _ = p.add_article(Article("Talks", TEXT))
    q1 = Quote(content_spans=(_span("We will talk,"),), kind="direct")
    q2 = Quote(content_spans=(_span("it hoped for progress"),), kind="indirect")
    p.set_suggestions(aid, "test 1", [q1, q2])
    s = Session(p, "alice")
    s.open_article(aid)
    return s


def _mine(s: Session) -> list[Quote]:
    assert s.article is not None
    return [r.quote for r in s.project.annotations(s.article.id, "alice")]


def test_fragments_cue_respan_are_single_undoable_ops(session: Session) -> None:
    s = session
    undos = [s.run(s.plan_add_fragment(*_span("Peace first.")))]
    (q,) = _mine(s)
    assert q.content_spans == (_span("We will talk,"), _span("Peace first."))
    assert (q.origin, q.status) == ("model-corrected", "pending")
    undos.append(s.run(s.plan_cue(*_span("said"))))
    assert _mine(s)[0].cue_spans == (_span("said"),)
    assert s.cue_text() == "said"
    assert s.plan_remove_fragment(_span("said")[0]) is None  # not in a fragment
    undos.append(s.run(s.plan_remove_fragment(_span("Peace")[0] + 1)))
    assert _mine(s)[0].content_spans == (_span("We will talk,"),)
    assert s.plan_remove_fragment(_span("We")[0]) is None  # the only fragment stays
    undos.append(s.run(s.plan_respan(*_span("Minister\u00a0Lee In-young said"))))
    assert _mine(s)[0].content_spans == (_span("Minister\u00a0Lee In-young said"),)
    assert s.plan_respan(*_span("Minister\u00a0Lee In-young said")) is None  # no change
    undos.append(s.run(s.plan_move_edge("end", _span("Peace")[0] + 2)))
    assert TEXT[slice(*_mine(s)[0].content_spans[0])].endswith('said. "Peace')
    # each op has one inverse; applied newest first they lead back to the suggestion
    for i, undo in enumerate(reversed(undos)):
        assert undo is not None
        s.run(undo)
        if i == 0:
            assert _mine(s)[0].content_spans == (_span("Minister\u00a0Lee In-young said"),)
    assert _mine(s) == []


def test_next_undecided_wraps_and_stops_when_none_left(session: Session) -> None:
    s = session
    assert s.next_quote()
    s.run(s.plan_accept())  # the last quote
    assert s.next_undecided()
    assert s.current is not None and s.current.quote.content_spans == (_span("We will talk,"),)
    s.run(s.plan_accept())
    assert not s.next_undecided()


def test_word_step_moves_by_words_and_stays_inside_the_text() -> None:
    end = _span("it hoped for progress")[1]
    assert word_step(TEXT, end, 1) == end + 1  # the comma is a word
    assert word_step(TEXT, end + 1, 1) == _span("according")[1]
    assert word_step(TEXT, end, -1) == _span("progress")[0]
    assert word_step(TEXT, 0, -1) == 0
    assert word_step(TEXT, len(TEXT), 1) == len(TEXT)
    flag = _span("🇰🇷")
    assert word_step(TEXT, flag[0], 1) == flag[1]  # the flag is one word of two code points
