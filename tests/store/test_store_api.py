"""The store's public API that services use instead of SQL: action, reads, review copy."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotator.core.errors import ReadOnlyProjectError
from annotator.core.model import Article, Quote, decode_spans, encode_spans
from annotator.store.project import Project
from annotator.store.review import GoldState, ReviewStore
from annotator.store.selection import (
    Selection,
    count_selected,
    count_unfinished_gold_reviews,
    finished_reviews,
    gold_decisions,
    gold_reviewers,
    has_reviews,
    iter_gold_rows,
)

TEXT = 'The mayor said "we will rebuild the bridge" on Monday. Critics disagreed loudly.'
OTHER = "Prices rose again, the bank said. “Nobody expected it,” a trader told us."


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    p = Project.open(tmp_path / "p.db")
    yield p
    p.close()


def _log(p: Project) -> list[tuple[str, str, int | None, dict[str, Any], str | None]]:
    rows = p.db.execute(
        "SELECT action, entity, entity_id, payload, actor FROM changelog ORDER BY id"
    ).fetchall()
    return [(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in rows]


def _q(a: int, b: int, **kw: Any) -> Quote:
    return Quote(((a, b),), **kw)


# -- span codec -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spans",
    [(), ((0, 5),), ((0, 5), (9, 12)), ((3, 4), (1, 2)), ((0, 10**9),)],
)
def test_span_codec_round_trips(spans: tuple[tuple[int, int], ...]) -> None:
    text = encode_spans(spans)
    assert json.loads(text) == [list(s) for s in spans]
    assert decode_spans(text) == spans


@pytest.mark.parametrize("empty", [None, ""])
def test_span_codec_reads_nothing_as_no_spans(empty: str | None) -> None:
    assert decode_spans(empty) == ()


@pytest.mark.parametrize("bad", ["[[1, 2, 3]]", "{}", "[1, 2]", "not json", '[["a", "b"]]'])
def test_span_codec_refuses_what_is_not_spans(bad: str) -> None:
    with pytest.raises(ValueError, match="span"):
        decode_spans(bad)


def test_stored_spans_are_the_codec_text(project: Project) -> None:
    aid, _ = project.add_article(Article("T", TEXT))
    quote = Quote(((16, 42),), speaker_spans=((0, 9),), cue_spans=((10, 14),))
    project.add_annotation(aid, "ann", quote)
    row = project.db.execute(
        "SELECT content_spans, speaker_spans, cue_spans FROM annotations"
    ).fetchone()
    assert tuple(row) == (
        encode_spans(quote.content_spans),
        encode_spans(quote.speaker_spans),
        encode_spans(quote.cue_spans),
    )
    assert project.annotation_span_keys(aid) == {("ann", *tuple(row))}


# -- Project.action -------------------------------------------------------------------------


def test_action_writes_its_change_row_last_with_what_the_body_set(project: Project) -> None:
    before = len(_log(project))
    with project.action("merge", "project", payload={"a": 1}, actor="zoe") as change:
        aid, _ = project.add_article(Article("T", TEXT))
        change.entity_id = aid
        change.payload["b"] = 2
    log = _log(project)[before:]
    assert [entry[:2] for entry in log] == [("import", "article"), ("merge", "project")]
    assert log[-1][2:] == (aid, {"a": 1, "b": 2}, "zoe")


def test_action_rolls_back_body_and_row_on_error(project: Project) -> None:
    before = _log(project)
    with pytest.raises(RuntimeError), project.action("merge", "project"):
        project.add_article(Article("T", TEXT))
        raise RuntimeError("boom")
    assert _log(project) == before
    assert project.count_articles() == 0


def test_action_nested_in_a_batch_is_undone_with_it(project: Project) -> None:
    with pytest.raises(RuntimeError), project.batch():
        with project.action("x", "project"):
            project.add_article(Article("T", TEXT))
        raise RuntimeError("later failure")
    assert project.count_articles() == 0 and _log(project) == []


def test_action_refuses_a_read_only_project(tmp_path: Path) -> None:
    Project.open(tmp_path / "p.db").close()
    with Project.open(tmp_path / "p.db", readonly=True) as ro:
        with pytest.raises(ReadOnlyProjectError, match="read-only"), ro.action("x", "y"):
            pass
        assert _log(ro) == []


# -- small reads ----------------------------------------------------------------------------


def test_reads_about_annotators_and_articles(project: Project) -> None:
    a1, _ = project.add_article(Article("One", TEXT))
    a2, _ = project.add_article(Article("Two", OTHER))
    project.add_article(Article("Three", "Nothing quoted here at all."))
    project.set_suggestions(a1, "rules-2", [_q(16, 42)])
    project.set_suggestions(a1, "rules-1", [_q(16, 42)])
    project.add_annotation(a1, "ann", _q(16, 42, status="accepted"))
    project.add_annotation(a2, "ann", _q(0, 17, status="rejected"))
    project.add_annotation(a2, "bob", _q(34, 53, status="accepted"))
    project.set_progress(a1, "cy", "done")
    project.set_progress(a2, "bob", "done")
    assert project.detector_versions(a1) == ["rules-1", "rules-2"]
    assert project.detector_versions(a2) == []
    assert project.annotators_with_status("accepted") == ["ann", "bob"]
    assert project.annotators_with_status("rejected") == ["ann"]
    assert project.annotators_with_status("pending") == []
    assert project.workers_by_article() == {a1: {"ann", "cy"}, a2: {"ann", "bob"}}
    assert [project.count_articles_annotated(n) for n in ("ann", "bob", "cy")] == [2, 1, 0]
    assert [project.count_articles_done(n) for n in ("ann", "bob", "cy")] == [0, 1, 1]
    assert project.progress_by_annotator(a1) == {"ann": "in_progress", "cy": "done"}
    assert project.progress_by_annotator(a2) == {"ann": "in_progress", "bob": "done"}


def test_article_counts_agree_everywhere(project: Project) -> None:
    a1, _ = project.add_article(Article("One", TEXT, {"publisher": "Daily"}))
    a2, _ = project.add_article(Article("Two", OTHER))
    [s1, _s2] = project.set_suggestions(a1, "v1", [_q(16, 42), _q(55, 80)])
    project.add_annotation(a1, "ann", _q(16, 42, status="accepted"), suggestion_id=s1)
    project.add_annotation(a1, "ann", _q(0, 9, status="rejected"))
    project.add_annotation(a2, "ann", _q(0, 17, status="pending"))
    rows = project.article_summaries("ann")
    assert [project.article_row(r.id, "ann") for r in rows] == rows
    r1, r2 = rows
    # one suggestion handled, one open: 2 annotations + 1 open suggestion
    assert (r1.publisher, r1.quotes_done, r1.quotes_total) == ("Daily", 2, 3)
    assert (r1.n_annotations, r1.n_accepted) == (2, 1)
    assert (r2.quotes_done, r2.quotes_total, r2.n_annotations, r2.n_accepted) == (0, 1, 1, 0)
    t = project.totals("ann")
    assert (t.quotes_done, t.quotes) == (sum(r.quotes_done for r in rows), 4)
    # someone without annotations sees every suggestion open
    assert [r.quotes_total for r in project.article_summaries("zoe")] == [2, 0]
    with pytest.raises(KeyError):
        project.article_row(999, "ann")


# -- reviews and gold -----------------------------------------------------------------------


def _reviewed(project: Project) -> tuple[int, int]:
    aid, _ = project.add_article(Article("T", TEXT))
    src = project.add_annotation(aid, "ann", _q(16, 42, status="accepted"))
    store = ReviewStore(project)
    store.put_gold(aid, "rev", ["ann"], GoldState(_q(16, 42, speaker_name="Mayor"), "agreed", src))
    store.put_gold(aid, "rev", ["ann"], GoldState(_q(55, 80, kind="indirect"), "added"))
    return aid, src


def test_review_reads(project: Project) -> None:
    aid, src = _reviewed(project)
    store = ReviewStore(project)
    assert store.reviewers(aid) == ["rev"]
    assert store.count_reviews() == 1 and store.count_reviews("done") == 0
    assert store.article_ids_to_review("rev", [], "accepted") == []
    assert store.article_ids_to_review("other", ["ann"], "accepted") == [aid]
    assert store.article_ids_to_review("rev", ["nobody"], "accepted") == [aid]
    assert store.article_ids_to_review("other", ["nobody"], "accepted") == []
    assert has_reviews(project) and gold_reviewers(project) == ["rev"]
    assert gold_decisions(project, aid) == {src: ("agreed", "rev")}
    assert finished_reviews(project, aid) == {}
    assert count_unfinished_gold_reviews(project) == 1
    store.set_status(aid, "rev", "done")
    assert finished_reviews(project, aid) == {"rev": {"ann"}}
    assert count_unfinished_gold_reviews(project) == 0


def test_selection_counts_and_gold_rows(project: Project) -> None:
    aid, _src = _reviewed(project)
    project.add_annotation(aid, "bob", _q(0, 9, status="rejected"))
    assert count_selected(project, Selection()) == (2, [aid])
    assert count_selected(project, Selection(statuses=("accepted",))) == (1, [aid])
    assert count_selected(project, Selection(people=("bob",), kinds=("indirect",))) == (0, [])
    assert count_selected(project, Selection(gold=True)) == (2, [aid])
    assert count_selected(project, Selection(gold=True, kinds=("indirect",))) == (1, [aid])
    rows = list(iter_gold_rows(project, Selection(gold=True)))
    assert [(g.decision, g.quote.start, g.quote.origin) for g in rows] == [
        ("agreed", 16, "model"),
        ("added", 55, "manual"),
    ]
    assert rows[0].quote.speaker_name == "Mayor" and rows[0].speaker_id is not None
    assert rows[0].quote.extra["review_decision"] == "agreed"
    assert list(iter_gold_rows(project, Selection(gold=True, people=("x",)))) == []


def test_copy_review_keeps_times_maps_sources_and_logs(tmp_path: Path, project: Project) -> None:
    aid, src = _reviewed(project)
    theirs = ReviewStore(project)
    review = theirs.review(aid, "rev")
    gold = theirs.gold(aid, "rev")
    assert review is not None and review.created_at and all(g.created_at for g in gold)
    with Project.open(tmp_path / "ours.db") as ours:
        our_aid, _ = ours.add_article(Article("T", TEXT))
        mapped = ours.add_annotation(our_aid, "ann", _q(16, 42, status="accepted"))
        store = ReviewStore(ours)
        rid = store.copy_review(our_aid, review, gold, {src: mapped}, "their.db")
        copied = store.review(our_aid, "rev")
        assert copied is not None and copied.id == rid
        assert (copied.created_at, copied.updated_at) == (review.created_at, review.updated_at)
        new = store.gold(our_aid, "rev")
        assert [g.state.source_annotation_id for g in new] == [mapped, None]
        assert [(g.created_at, g.updated_at) for g in new] == [
            (g.created_at, g.updated_at) for g in gold
        ]
        assert [g.quote for g in new] == [g.quote for g in gold]
        log = [e for e in _log(ours) if e[1] in ("review", "gold")]
        assert [(e[0], e[1]) for e in log] == [("add", "review"), ("add", "gold"), ("add", "gold")]
        assert all(e[3]["merged_from"] == "their.db" for e in log)
        assert log[1][3]["source_annotation"] == mapped and log[1][4] == "rev"
