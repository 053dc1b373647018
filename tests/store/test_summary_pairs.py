"""The per-key upkeep of the article summaries (migration 0012, annotator/store/summary.py):
a write of one annotator's annotations recomputes that (annotator, article) row and the
article's disagreement only, never the article's every suggestion (issue 16: 65 ms a key
on an article of 20,000 suggestions). The rows it keeps equal, column for column, the rows
the whole recomputation gives, after many random writes of the kinds a person makes
(accept, reject, undo, edit of spans, kind or stance, deletion), by two annotators, on
articles with suggestions of two detector versions, many on the same spans."""

from __future__ import annotations

import contextlib
import json
import random
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from annotator.core.model import Article, Quote
from annotator.store import summary
from annotator.store.project import Project
from tests.store.test_article_summary import _random_step, check

KINDS = ("direct", "mixed", "indirect")


def kept_rows(p: Project) -> tuple[list[tuple[Any, ...]], ...]:
    """The summary tables as the store keeps them."""
    return (
        p.db.execute("SELECT * FROM article_summary ORDER BY article_id").fetchall(),
        p.db.execute(
            "SELECT * FROM annotator_summary ORDER BY annotator_id, article_id"
        ).fetchall(),
        p.db.execute("SELECT * FROM summary_links ORDER BY 1, 2").fetchall(),
    )


def straight_rows(p: Project) -> tuple[list[tuple[Any, ...]], ...]:
    """The summary tables recomputed whole from the quotes (every article noted dirty: the
    set-based pass of migration 0010), in a transaction rolled back after."""
    conn = p.db.conn
    assert not conn.in_transaction
    conn.execute("BEGIN")
    try:
        conn.execute("DELETE FROM article_summary")
        conn.execute("DELETE FROM annotator_summary")
        conn.execute("DELETE FROM summary_links")
        conn.execute("INSERT INTO article_summary (article_id) SELECT id FROM articles")
        conn.execute("INSERT INTO summary_dirty (article_id) SELECT id FROM articles")
        summary.refresh(conn)
        return kept_rows(p)
    finally:
        conn.execute("ROLLBACK")


def assert_exact(p: Project) -> None:
    assert not summary.pending(p.db.conn)
    assert kept_rows(p) == straight_rows(p)


def _spans(rng: random.Random, shared: bool) -> tuple[tuple[int, int], ...]:
    if shared:  # one of a few spans many suggestions share
        a = rng.randrange(3) * 10
        return ((a, a + 5),)
    a = rng.randrange(0, 60) * 10
    return ((a, a + rng.choice((5, 9))),) + (((a + 12, a + 15),) if rng.random() < 0.2 else ())


def _suggestion(rng: random.Random, shared: bool = False) -> Quote:
    return Quote(
        _spans(rng, shared),
        kind=rng.choice(KINDS),
        confidence=rng.choice((None, 0.1, 0.3, 0.5, 0.9, 1.0)),
    )


def _build(path: Path, seed: int, big: int) -> tuple[Project, list[int], random.Random]:
    """Three articles: one with ``big`` suggestions of two runs (many on a few shared spans),
    one small, one without any."""
    rng = random.Random(seed)
    p = Project.open(path)
    text = " ".join(f"w{k}" for k in range(400))
    ids = [p.add_article(Article(f"A{i}", f"{text} {seed} {i}"))[0] for i in range(3)]
    p.set_suggestions(ids[0], "v1", [_suggestion(rng) for _ in range(big // 3)])
    p.set_suggestions(
        ids[0], "v2", [_suggestion(rng, shared=rng.random() < 0.4) for _ in range(big)]
    )
    p.set_suggestions(ids[1], "v1", [_suggestion(rng) for _ in range(5)])
    return p, ids, rng


def _key(p: Project, rng: random.Random, ids: list[int]) -> str:
    """One key of the window, or an edit of the quote: what the per-pair path handles."""
    aid = rng.choice(ids[:2] * 3 + ids[2:])
    who = rng.choice(("alice", "alice", "bob"))
    step = rng.randrange(10)
    ann = p.annotator_id(who)
    if step <= 3:  # accept (A) or reject (R) a suggestion of either run, linked to it
        rows = p.db.execute(
            "SELECT id, content_spans, kind, confidence FROM suggestions WHERE article_id = ?",
            [aid],
        ).fetchall()
        if not rows:
            return "none"
        sid, spans, kind, conf = rng.choice(rows)
        status = rng.choice(("accepted", "accepted", "rejected", "pending"))
        q = Quote(
            tuple(tuple(s) for s in json.loads(spans)),
            kind=kind,
            confidence=conf,
            status=status,
            stance=rng.choice((None, "support")),
        )
        with contextlib.suppress(sqlite3.IntegrityError):  # decided by them already
            p.add_annotation(aid, who, q, suggestion_id=int(sid))
        return "decide"
    mine = p.db.execute(
        "SELECT id FROM annotations WHERE article_id = ? AND annotator_id = ?", [aid, ann]
    ).fetchall()
    if step == 4:  # a quote added by hand (Q), sometimes on a suggestion's spans
        q = Quote(
            _spans(rng, shared=rng.random() < 0.5),
            kind=rng.choice(KINDS),
            confidence=rng.choice((None, 0.05, 0.7)),
            status="accepted",
            origin="manual",
        )
        p.add_annotation(aid, who, q)
        return "add"
    if not mine:
        return "none"
    rec = p.annotation(int(rng.choice(mine)[0]))
    if step == 5:  # undo of an accept or reject: the annotation goes
        p.delete_annotation(rec.id)
        return "undo"
    change: dict[str, Any] = rng.choice(
        (
            {"status": rng.choice(("accepted", "rejected", "pending"))},  # A/R on a pending one
            {"stance": rng.choice(("support", "oppose", None))},  # 1/2/3
            {"kind": rng.choice(KINDS)},
            {"content_spans": _spans(rng, shared=rng.random() < 0.5)},  # edit of the spans
            {"speaker_spans": rng.choice(((), ((200, 204),)))},
        )
    )
    p.update_annotation(rec.id, rec.quote.with_(**change))
    return "edit"


@pytest.mark.parametrize("seed", range(8))
def test_keys_keep_the_rows_of_the_whole_recomputation(tmp_path: Path, seed: int) -> None:
    p, ids, rng = _build(tmp_path / "p.db", seed, big=60 + 30 * seed)
    try:
        assert_exact(p)
        done = set()
        for i in range(120):
            done.add(_key(p, rng, ids))
            if i % 10 == 9:
                assert_exact(p)
        assert_exact(p)
        assert {"decide", "add", "undo", "edit"} <= done
        check(p)  # and the window's answers equal the Python reference
    finally:
        p.close()


@pytest.mark.parametrize("seed", range(4))
def test_keys_mixed_with_every_other_write_stay_exact(tmp_path: Path, seed: int) -> None:
    """Keys between re-detections, speaker merges, deletions of articles and the other
    writes of test_article_summary's random walk (the whole-article path)."""
    p, ids, rng = _build(tmp_path / "p.db", 100 + seed, big=40)
    more = [p.add_article(Article(f"B{i}", f"other text {i} " * 20))[0] for i in range(4)]
    ids = ids + more
    try:
        for i in range(80):
            if rng.random() < 0.5:
                _key(p, rng, ids[:3])
            else:
                _random_step(p, rng, ids)
            if i % 8 == 7:
                assert_exact(p)
                check(p)
    finally:
        p.close()


def test_a_key_reads_no_other_suggestion_of_the_article(tmp_path: Path) -> None:
    """Accept, reject, a stance and undo on an article of 3,000 suggestions: the write's
    refresh does not run the whole-article recomputation, and its statements' plans
    search the suggestions by index (no pass over the article's)."""
    p, ids, _rng = _build(tmp_path / "p.db", 7, big=3000)
    sugg = p.suggestions(ids[0])
    statements: list[str] = []
    p.db.conn.set_trace_callback(statements.append)
    a = p.add_annotation(ids[0], "alice", sugg[0].quote.with_(status="accepted"), sugg[0].id)
    b = p.add_annotation(ids[0], "alice", sugg[1].quote.with_(status="rejected"), sugg[1].id)
    p.update_annotation(a, p.annotation(a).quote.with_(stance="oppose"))
    p.delete_annotation(b)
    p.db.conn.set_trace_callback(None)
    assert not any("FROM summary_dirty d CROSS JOIN articles" in s for s in statements)
    assert any("INSERT INTO annotator_summary" in s for s in statements)
    for sql in (summary._OPEN_DELTA, summary._OPEN_OF_KIND, summary._OPEN_MIN_OF_KIND):
        plan = [
            str(r[3])
            for r in p.db.execute(
                "EXPLAIN QUERY PLAN " + sql, {"ann": 1, "aid": ids[0], "ver": "v2", "kind": "x"}
            )
        ]
        assert not any(re.match(r"SCAN (s|x|suggestions|annotations)\b", line) for line in plan)
        assert any("INDEX suggestions_" in line for line in plan), plan
    assert_exact(p)
    p.close()


def test_a_pair_linked_from_another_article_is_recomputed_whole(tmp_path: Path) -> None:
    """Alice's annotation in article 2 links a suggestion of article 1; a later key of
    hers in article 1 must still count that suggestion as handled (the pair query reads
    article 1's annotations only, so such a pair goes the whole-article way)."""
    p, ids, _rng = _build(tmp_path / "p.db", 3, big=30)
    sugg = p.suggestions(ids[0])
    p.add_annotation(ids[0], "alice", sugg[0].quote.with_(status="accepted"), sugg[0].id)
    x = p.add_annotation(ids[1], "alice", Quote(((0, 3),), status="accepted"), sugg[1].id)
    assert p.db.execute("SELECT * FROM summary_links").fetchall() == [
        (p.annotator_id("alice"), ids[0])
    ]
    assert_exact(p)
    p.add_annotation(ids[0], "alice", sugg[2].quote.with_(status="rejected"), sugg[2].id)
    assert_exact(p)
    p.delete_annotation(x)  # the link goes: so does the pair's note
    assert p.db.execute("SELECT * FROM summary_links").fetchall() == []
    p.add_annotation(ids[0], "alice", sugg[3].quote.with_(status="rejected"), sugg[3].id)
    assert_exact(p)
    check(p)
    p.close()


def test_many_pairs_in_one_write_take_the_set_based_pass(tmp_path: Path) -> None:
    """An import of annotations into existing articles notes more pairs than
    summary.MANY_PAIRS: their articles are recomputed in one pass, rows the same."""
    p = Project.open(tmp_path / "p.db")
    rng = random.Random(5)
    ids = [p.add_article(Article(f"A{i}", f"text {i} " * 30))[0] for i in range(80)]
    for aid in ids[:20]:
        p.set_suggestions(aid, "v1", [_suggestion(rng) for _ in range(3)])
    with p.transaction():
        for aid in ids:
            p.add_annotation(aid, rng.choice(("alice", "bob")), Quote(((0, 4),)))
    assert_exact(p)
    check(p)
    p.close()


def test_the_upgrade_of_a_project_of_0011(tmp_path: Path) -> None:
    """A project written before migration 0012 (summaries kept by article, no pair table,
    no summary_links) opens with its links filled, and keys keep the rows exact."""
    path = tmp_path / "old.db"
    p, ids, rng = _build(path, 11, big=50)
    for _ in range(30):
        _key(p, rng, ids)
    # carol links a suggestion of article 0 from article 2 (nobody else writes there)
    sid = p.suggestions(ids[0])[0].id
    p.add_annotation(ids[2], "carol", Quote(((0, 3),), status="accepted"), sid)
    p.close()
    con = sqlite3.connect(path)
    for name in (
        "summary_pair_insert",
        "summary_pair_delete",
        "summary_pair_update",
        "summary_replace",
        "summary_link_update",
    ):
        con.execute(f"DROP TRIGGER {name}")
    con.executescript(
        "DROP TABLE summary_pairs; DROP TABLE summary_links; DROP TABLE summary_changes;"
        " DROP INDEX suggestions_spans; DROP INDEX suggestions_open;"
    )
    # the three annotation triggers of 0010, as that migration wrote them
    old = summary.SCHEMA
    for name in ("summary_annotation_insert", "summary_annotation_delete"):
        start = old.index(f"CREATE TRIGGER {name}")
        con.execute(old[start : old.index("END;", start) + 4])
    for name in ("summary_annotation_update", "summary_link_update"):
        start = old.index(f"CREATE TRIGGER {name}")
        con.execute(old[start : old.index("END;", start) + 4])
    con.execute("DELETE FROM _sqlite_migrations WHERE name = '0012_summary_pairs'")
    con.commit()
    con.close()
    with Project.open(path) as p:
        assert p.db.execute("SELECT * FROM summary_links").fetchall() == [
            (p.annotator_id("carol"), ids[0])
        ]
        assert_exact(p)
        for i in range(40):
            _key(p, rng, ids)
            if i % 10 == 9:
                assert_exact(p)
        check(p)
    assert list(tmp_path.glob("old.db.v*.bak"))


@pytest.mark.parametrize("many", [10, 300])
def test_one_write_of_many_changes_to_one_pair(tmp_path: Path, many: int) -> None:
    """Accepts, then edits and deletions of ``many`` annotations of one annotator in one
    transaction: over summary.MANY_CHANGES the pair's open count is counted again, under it
    moved change by change; the rows are exact either way."""
    p, ids, rng = _build(tmp_path / "p.db", 21, big=400)
    sugg = p.suggestions(ids[0])
    with p.transaction():
        made = [
            p.add_annotation(ids[0], "alice", s.quote.with_(status="accepted"), s.id)
            for s in sugg[:many]
        ]
    assert_exact(p)
    with p.transaction():
        for x in made[::2]:
            rec = p.annotation(x)
            p.update_annotation(x, rec.quote.with_(content_spans=_spans(rng, shared=True)))
        for x in made[1::2]:
            p.delete_annotation(x)
    assert_exact(p)
    check(p)
    p.close()


def _raw(p: Project, sql: str, *args: Any) -> None:
    """Another program's write: its own connection, no action of ours around it."""
    other = sqlite3.connect(p.path, isolation_level=None)
    try:
        other.execute(sql, args)
    finally:
        other.close()


@pytest.mark.parametrize("how", ["same id", "same annotator and suggestion"])
def test_another_programs_insert_or_replace_is_never_trusted_as_current(
    tmp_path: Path, how: str
) -> None:
    """INSERT OR REPLACE deletes the old row without its delete trigger: the pair upkeep
    never saw it, and the kept rows were wrong while saying they were current (review of
    session 13). Now both articles are sent to the whole-article pass."""
    p, ids, _rng = _build(tmp_path / "p.db", 5, big=30)
    sugg = p.suggestions(ids[0])
    ann = p.add_annotation(ids[0], "alice", sugg[0].quote.with_(status="rejected"), sugg[0].id)
    p.add_annotation(ids[0], "bob", sugg[1].quote.with_(status="accepted"), sugg[1].id)
    assert_exact(p)
    cols = (
        "id, article_id, annotator_id, suggestion_id, content_spans, kind, status, origin,"
        " created_at, updated_at"
    )
    row = p.db.execute(f"SELECT {cols} FROM annotations WHERE id = ?", [ann]).fetchone()
    new = list(row)
    new[4] = json.dumps([[300, 309]])  # other spans: the suggestion's own no longer
    new[6] = "accepted"
    if how != "same id":
        new[0] = None  # a new id; the unique (annotator, suggestion) replaces the old row
    marks = ", ".join("?" for _ in cols.split(","))
    _raw(p, f"INSERT OR REPLACE INTO annotations ({cols}) VALUES ({marks})", *new)
    assert summary.pending(p.db.conn)  # not current: readers count straight
    assert not summary.is_current(p.db.conn)
    p.add_annotation(ids[1], "bob", Quote(((0, 3),), status="accepted"))  # our next write
    assert_exact(p)
    check(p)
    p.close()


def test_a_link_moved_to_another_annotator_by_another_program_is_noticed(
    tmp_path: Path,
) -> None:
    p, ids, _rng = _build(tmp_path / "p.db", 6, big=30)
    sugg = p.suggestions(ids[0])
    p.add_annotation(ids[0], "alice", sugg[0].quote.with_(status="accepted"), sugg[0].id)
    x = p.add_annotation(ids[1], "alice", Quote(((0, 3),), status="accepted"), sugg[1].id)
    p.annotator_id("bob") or p.add_annotation(ids[2], "bob", Quote(((0, 3),), status="accepted"))
    assert_exact(p)
    bob = p.annotator_id("bob")
    _raw(p, "UPDATE annotations SET annotator_id = ? WHERE id = ?", bob, x)
    p.add_annotation(ids[1], "alice", Quote(((5, 9),), status="accepted"))
    assert_exact(p)
    check(p)
    p.close()
