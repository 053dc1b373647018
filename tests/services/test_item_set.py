"""A key press updates the open article's items from the one annotation it wrote (issue 16);
the result must always be what a fresh read of the article gives."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from annotator.core.model import Article, Quote
from annotator.services.items import ItemSet, annotation_key, suggestion_key
from annotator.services.session import Session
from annotator.store import queries
from annotator.store.project import Project

WORDS = [
    "the",
    "minister",
    "said",
    "we",
    "will",
    "win",
    "and",
    "they",
    "replied",
    "not",
    "so",
    "today",
    "in",
    "the",
    "city",
]


def _project(path: Path, seed: int) -> tuple[Project, int]:
    rng = random.Random(seed)
    text = " ".join(rng.choice(WORDS) for _ in range(120))
    p = Project.open(path)
    aid, _ = p.add_article(Article("Random", text))
    quotes = []
    for _ in range(25):
        a = rng.randrange(0, len(text) - 30)
        # a few suggestions share spans, so one annotation hides several
        b = a + rng.choice((5, 5, 12, 20))
        quotes.append(Quote(((a, b),), kind="direct", confidence=rng.choice((None, 0.2, 0.9))))
    p.set_suggestions(aid, "v1", quotes)
    # another annotator's work on the same spans must never show
    p.add_annotation(aid, "bob", quotes[0].with_(status="accepted", annotator="bob"))
    return p, aid


def _fresh(p: Project, aid: int, min_confidence: float) -> list[tuple[object, str, object]]:
    s = Session(p, "alice")
    s.min_confidence = min_confidence
    s.open_article(aid)
    return [(it.key, it.state, it.quote) for it in s.items]


@pytest.mark.parametrize("seed", range(8))
def test_random_decisions_and_undos_keep_the_items_of_a_fresh_read(
    tmp_path: Path, seed: int
) -> None:
    p, aid = _project(tmp_path / "p.db", seed)
    rng = random.Random(seed)
    s = Session(p, "alice")
    s.min_confidence = rng.choice((0.0, 0.5))
    s.open_article(aid)
    undo: list[object] = []
    text_len = len(s.article.text)  # type: ignore[union-attr]
    for _ in range(40):
        move = rng.random()
        for _ in range(rng.randrange(3)):
            s.next_quote()
        if move < 0.25:
            op = s.plan_accept()
        elif move < 0.45:
            op = s.plan_reject()
        elif move < 0.6 and s.current is not None and s.current.annotation_id is not None:
            op = s._op("delete", s.current, None)
        elif move < 0.75:  # a hand-made quote, sometimes on a suggestion's spans
            if rng.random() < 0.5 and s._suggestions:
                spans = rng.choice(s._suggestions).quote.content_spans
            else:
                a = rng.randrange(0, text_len - 10)
                spans = ((a, a + 7),)
            op = s._op("add", None, Quote(spans, origin="manual", status="accepted"))
        elif move < 0.85 and s._suggestions:  # move a quote onto a suggestion's spans, or off
            (a, b), *_ = rng.choice(s._suggestions).quote.content_spans
            op = s.plan_respan(a, b) if rng.random() < 0.7 else s.plan_respan(a, b + 3)
        elif move < 0.9:
            op = s.plan_done(rng.random() < 0.5)  # type: ignore[assignment]
        elif undo:
            op = undo.pop()  # type: ignore[assignment]
        else:
            op = None
        if op is None:
            continue
        inverse = s.apply(op)  # type: ignore[arg-type]
        undo.append(inverse)
        assert [(it.key, it.state, it.quote) for it in s.items] == _fresh(p, aid, s.min_confidence)
        counts = s.article_counts
        assert counts.done == sum(1 for it in s.items if it.decided)
        assert counts.total == len(s.items)
        # the hidden ones are exactly those a threshold of 0 would add
        assert counts.hidden == len(_fresh(p, aid, 0.0)) - len(s.items)
        _check_row_and_select(s, p, aid)
    p.close()


def _check_row_and_select(s: Session, p: Project, aid: int) -> None:
    """The list row the session derives is the store's; selecting any key (an item's own,
    or a decided suggestion's) picks the item a walk over the items finds first."""
    figures = s.list_figures()
    row = queries.article_row(p, aid, "alice")
    assert figures is not None
    assert (
        figures.status,
        figures.quotes_done,
        figures.quotes_total,
        figures.n_annotations,
        figures.n_accepted,
    ) == (row.status, row.quotes_done, row.quotes_total, row.n_annotations, row.n_accepted)
    here = s.index
    keys = [it.key for it in s.items] + [suggestion_key(x.id) for x in s._suggestions]
    for key in [*keys, annotation_key(10**6)]:
        walked = next((i for i, it in enumerate(s.items) if it.matches(key)), None)
        s.index = -1
        assert s.select(key) == (walked is not None)
        assert s.index == (-1 if walked is None else walked)
    s.index = here


def test_an_accept_announces_exactly_the_items_that_changed(tmp_path: Path) -> None:
    p, aid = _project(tmp_path / "p.db", 99)
    s = Session(p, "alice")
    s.open_article(aid)
    seen = []
    s.subscribe(seen.append)
    before = {it.key: it for it in s.items}
    target = s.current
    assert target is not None and target.annotation_id is None
    s.run(s.plan_accept())
    change = seen[-1]
    assert change.items_delta
    after = {it.key: it for it in s.items}
    gone = {k for k in before if k not in after or after[k] != before[k]}
    came = {k for k in after if k not in before or before[k] != after[k]}
    assert {it.key for it in change.items_removed} == gone
    assert {it.key for it in change.items_added} == came
    assert target.key in gone and any(
        it.suggestion_id == target.suggestion_id for it in change.items_added
    )
    p.close()


def test_an_item_set_of_nothing_is_empty() -> None:
    items = ItemSet([], [])
    assert items.items == [] and items.done == 0
    assert items.replace(5, None) == ([], [])


def _ties_project(path: Path, same: int, other: int) -> tuple[Project, int]:
    """An article whose ``same`` suggestions all sit on one span (a hostile import), beside
    ``other`` suggestions on spans of their own; some of the same-span ones differ in
    speaker, kind or confidence."""
    text = "Zeta said it. " * 40
    p = Project.open(path)
    aid, _ = p.add_article(Article("Ties", text))
    quotes = []
    for i in range(same):
        quotes.append(
            Quote(
                ((10, 12),),
                speaker_spans=((0, 4),) if i % 3 else (),
                kind="direct" if i % 5 else "indirect",
                confidence=None if i % 7 else 0.3,
            )
        )
    for i in range(other):
        quotes.append(Quote(((14 * (i % 39) + 24, 14 * (i % 39) + 26 + i % 3),)))
    p.set_suggestions(aid, "v1", quotes)
    return p, aid


@pytest.mark.parametrize(
    ("same", "other", "threshold"),
    [(70, 0, 0.0), (200, 30, 0.0), (300, 80, 0.5), (65, 5, 0.5), (10, 200, 0.0)],
)
def test_thousands_of_ties_keep_the_items_of_a_fresh_read(
    tmp_path: Path, same: int, other: int, threshold: float
) -> None:
    """Accepting, rejecting, respanning and undoing on a span shared by many suggestions
    (more than the bulk-change limit) gives exactly what a fresh read gives."""
    p, aid = _ties_project(tmp_path / "p.db", same, other)
    s = Session(p, "alice")
    s.min_confidence = threshold
    s.open_article(aid)
    undo: list[object] = []
    rng = random.Random(same + other)
    for step in range(24):
        undoing = step % 4 == 3 and bool(undo)
        if undoing:
            op: object = undo.pop()
        else:
            s.index = rng.randrange(len(s.items))
            op = (s.plan_accept, s.plan_reject)[step % 2]()
            if step % 6 == 5:
                op = s.plan_respan(10, 12) if rng.random() < 0.5 else s.plan_respan(24, 30)
        if op is None:
            continue
        inverse = s.apply(op)  # type: ignore[arg-type]
        if not undoing:
            undo.append(inverse)
        assert [(it.key, it.state, it.quote) for it in s.items] == _fresh(p, aid, threshold)
        counts = s.article_counts
        assert counts.done == sum(1 for it in s.items if it.decided)
        assert counts.hidden == len(_fresh(p, aid, 0.0)) - len(s.items)
        _check_row_and_select(s, p, aid)
    while undo:
        s.apply(undo.pop())  # type: ignore[arg-type]
        assert [(it.key, it.state, it.quote) for it in s.items] == _fresh(p, aid, threshold)
    assert len(s.items) == len(_fresh(p, aid, threshold))
    p.close()


def test_one_accept_on_a_shared_span_hides_every_suggestion_on_it(tmp_path: Path) -> None:
    p, aid = _ties_project(tmp_path / "p.db", 500, 3)
    s = Session(p, "alice")
    s.open_article(aid)
    assert len(s.items) == 503
    inverse = s.apply(s.plan_accept())  # the first item: one of the 500 on (10, 12)
    assert [it.state for it in s.items if it.quote.start == 10] == ["accepted"]
    assert len(s.items) == 4
    s.apply(inverse)
    assert len(s.items) == 503 and [it.key for it in s.items] == [
        key for key, _state, _q in _fresh(p, aid, 0.0)
    ]
    p.close()
