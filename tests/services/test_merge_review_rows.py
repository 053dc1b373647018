"""Merging a colleague's file: bad review, gold, left-out and progress rows cost only
themselves, are named (file, table, row, problem), and never change what we had."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from annotator.core.model import Article, Quote
from annotator.services.merge import merge_project
from annotator.store.project import Project
from annotator.store.review import GoldState, ReviewStore

TEXT = 'Dam\n\n"The water will rise," the engineer said. "Not this year," the mayor said.'
OTHER = 'Port\n\n"Ships can dock," the minister said.'
Q1 = (TEXT.index('"'), TEXT.index(",") + 2)
Q2 = (TEXT.index('"Not'), TEXT.index('year,"') + 6)


def _q(span: tuple[int, int], who: str) -> Quote:
    return Quote((span,), annotator=who, status="accepted", origin="manual", kind="direct")


def _theirs(tmp_path: Path) -> Path:
    """Two reviews of one article (rita's and victor's), each with a gold quote and a
    left-out mark; alice and bob annotated, with progress rows; a second article."""
    path = tmp_path / "theirs.db"
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Dam", TEXT))
        p.add_article(Article("Port", OTHER))
        alice = p.add_annotation(aid, "alice", _q(Q1, "alice"))
        bob = p.add_annotation(aid, "bob", _q(Q2, "bob"))
        p.set_progress(aid, "alice", "done")
        p.set_progress(aid, "bob", "done")
        reviews = ReviewStore(p)
        for reviewer in ("rita", "victor"):
            state = GoldState(_q(Q1, reviewer), "picked", alice)
            reviews.put_gold(aid, reviewer, ["alice", "bob"], state)
            reviews.set_left_out(aid, reviewer, ["alice", "bob"], [bob], True)
    return path


def _mine(tmp_path: Path) -> Path:
    """Our project: the same article, our own annotation, review and progress."""
    path = tmp_path / "mine.db"
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Dam", TEXT))
        ours = p.add_annotation(aid, "me", _q(Q2, "me"))
        p.set_progress(aid, "me", "done")
        ReviewStore(p).put_gold(aid, "me", ["me"], GoldState(_q(Q2, "me"), "picked", ours))
    return path


def _write(path: Path, sql: str, params: tuple[Any, ...] = (), nullable: str = "") -> None:
    """Write what our schema forbids, as a hostile or broken program could: CHECKs ignored,
    and for ``nullable`` the table's NOT NULLs lifted while writing (the stored schema
    text stays ours, so the file passes the schema check)."""
    original = ""
    if nullable:
        conn = sqlite3.connect(path)
        (original,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = ?", [nullable]
        ).fetchone()
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute(
            "UPDATE sqlite_master SET sql = ? WHERE name = ?",
            [original.replace("NOT NULL", ""), nullable],
        )
        conn.commit()
        conn.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute(sql, params)
    conn.commit()
    if nullable:
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?", [original, nullable])
        conn.commit()
    conn.close()


def _tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    out = {
        t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
        for t in ("articles", "annotators", "annotations", "reviews", "gold_quotes", "left_out")
    }
    out["article_progress"] = conn.execute(
        "SELECT article_id, annotator_id, status FROM article_progress ORDER BY rowid"
    ).fetchall()
    conn.close()
    return out


def _merge(tmp_path: Path, theirs: Path) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    mine = _mine(tmp_path)
    before = _tables(mine)
    with Project.open(mine) as p:
        report = merge_project(p, theirs)
    return report, before, _tables(mine)


def _kept(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> None:
    """Every row we had is still there, unchanged (progress may only move forward)."""
    for table, rows in before.items():
        if table != "article_progress":
            assert after[table][: len(rows)] == rows, table


def _reviewers(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    names = {r[0] for r in conn.execute("SELECT reviewer FROM reviews")}
    conn.close()
    return names


VICTOR = "(SELECT id FROM reviews WHERE reviewer = 'victor')"
REVIEW_ROWS: list[tuple[str, tuple[Any, ...], str, str]] = [
    (f"UPDATE reviews SET reviewer = x'41' WHERE id = {VICTOR}", (), "", "reviewer"),
    (f"UPDATE reviews SET reviewer = NULL WHERE id = {VICTOR}", (), "reviews", "reviewer"),
    (f"UPDATE reviews SET reviewer = '   ' WHERE id = {VICTOR}", (), "", "blank"),
    (f"UPDATE reviews SET reviewer = ? WHERE id = {VICTOR}", ("v" * 100_000,), "", "at most"),
    (f"UPDATE reviews SET annotators = '\"alice\"' WHERE id = {VICTOR}", (), "", "JSON list"),
    (f"UPDATE reviews SET annotators = '[42]' WHERE id = {VICTOR}", (), "", "annotators"),
    (f"UPDATE reviews SET annotators = '{{' WHERE id = {VICTOR}", (), "", "not valid JSON"),
    (f"UPDATE reviews SET annotators = NULL WHERE id = {VICTOR}", (), "reviews", "JSON text"),
    (
        f'UPDATE reviews SET annotators = \'["alice", "mallory"]\' WHERE id = {VICTOR}',
        (),
        "",
        "'mallory' is not one of the file's annotators",
    ),
    (f"UPDATE reviews SET status = 'approved' WHERE id = {VICTOR}", (), "", "status"),
    (f"UPDATE reviews SET status = 7 WHERE id = {VICTOR}", (), "", "status"),
    (f"UPDATE reviews SET created_at = NULL WHERE id = {VICTOR}", (), "reviews", "created_at"),
    (f"UPDATE reviews SET updated_at = 'yesterday' WHERE id = {VICTOR}", (), "", "ISO 8601"),
    (f"UPDATE reviews SET updated_at = ? WHERE id = {VICTOR}", ("2" * 5000,), "", "updated_at"),
    (f"UPDATE reviews SET article_id = 99 WHERE id = {VICTOR}", (), "", "names no article"),
]


@pytest.mark.parametrize(
    ("sql", "params", "nullable", "reason"), REVIEW_ROWS, ids=[r[0][25:60] for r in REVIEW_ROWS]
)
def test_a_bad_review_row_costs_only_that_review(
    tmp_path: Path, sql: str, params: tuple[Any, ...], nullable: str, reason: str
) -> None:
    theirs = _theirs(tmp_path)
    _write(theirs, sql, params, nullable)
    report, before, after = _merge(tmp_path, theirs)
    _kept(before, after)
    # rita's review came with its gold quote and its left-out mark; victor's did not
    assert report.reviews_added == 1 and report.gold_quotes_added == 1
    assert report.left_out_added == 1
    assert _reviewers(tmp_path / "mine.db") == {"me", "rita"}
    assert len(after["gold_quotes"]) == 2 and len(after["left_out"]) == 1
    # every good annotation and progress row still came
    assert report.annotations_added == 2 and report.progress_updated == 2
    bad = [s for s in report.skipped if s.startswith("reviews row")]
    assert len(bad) == 1 and reason in bad[0], report.skipped
    assert len(bad[0]) < 400
    text = "\n".join(report.lines())
    assert f"skipped as invalid in the other file {theirs}" in text


VICTOR_GOLD = f"(SELECT id FROM gold_quotes WHERE review_id = {VICTOR})"
GOLD_ROWS: list[tuple[str, str, str]] = [
    (f"UPDATE gold_quotes SET decision = 'forged' WHERE id = {VICTOR_GOLD}", "", "decision"),
    (f"UPDATE gold_quotes SET decision = NULL WHERE id = {VICTOR_GOLD}", "gold_quotes", "decision"),
    (f"UPDATE gold_quotes SET created_at = x'00' WHERE id = {VICTOR_GOLD}", "", "created_at"),
    (f"UPDATE gold_quotes SET source_annotation_id = 'x' WHERE id = {VICTOR_GOLD}", "", "source"),
    (f"UPDATE gold_quotes SET content_spans = '[[0, 9999]]' WHERE id = {VICTOR_GOLD}", "", "past"),
    (f"UPDATE gold_quotes SET review_id = 99 WHERE id = {VICTOR_GOLD}", "", "names no review"),
    (f"UPDATE gold_quotes SET article_id = 2 WHERE id = {VICTOR_GOLD}", "", "review's article"),
]


@pytest.mark.parametrize(("sql", "nullable", "reason"), GOLD_ROWS, ids=[r[2] for r in GOLD_ROWS])
def test_a_bad_gold_row_costs_only_that_gold_quote(
    tmp_path: Path, sql: str, nullable: str, reason: str
) -> None:
    theirs = _theirs(tmp_path)
    _write(theirs, sql, (), nullable)
    report, before, after = _merge(tmp_path, theirs)
    _kept(before, after)
    assert report.reviews_added == 2  # both reviews, victor's without its bad gold quote
    assert report.gold_quotes_added == 1 and len(after["gold_quotes"]) == 2
    bad = [s for s in report.skipped if s.startswith("gold_quotes row")]
    assert len(bad) == 1 and reason in bad[0], report.skipped


PROGRESS_ROWS: list[tuple[str, str, str]] = [
    ("UPDATE article_progress SET status = 'finished' WHERE annotator_id = 2", "", "status"),
    ("UPDATE article_progress SET status = NULL WHERE annotator_id = 2", "article_progress", ""),
    ("UPDATE article_progress SET annotator_id = 77 WHERE annotator_id = 2", "", "names no"),
    ("UPDATE article_progress SET article_id = 55 WHERE annotator_id = 2", "", "names no article"),
    ("UPDATE annotators SET name = x'626f62' WHERE id = 2", "", "annotator"),
]


@pytest.mark.parametrize(
    ("sql", "nullable", "reason"), PROGRESS_ROWS, ids=[r[0][28:60] for r in PROGRESS_ROWS]
)
def test_a_bad_progress_row_costs_only_that_row(
    tmp_path: Path, sql: str, nullable: str, reason: str
) -> None:
    theirs = _theirs(tmp_path)
    _write(theirs, sql, (), nullable)
    report, before, after = _merge(tmp_path, theirs)
    _kept(before, after)
    # alice's "done" came; bob's (annotator 2) did not
    assert report.progress_updated == 1
    conn = sqlite3.connect(tmp_path / "mine.db")
    statuses = dict(
        conn.execute(
            "SELECT an.name, p.status FROM article_progress p"
            " JOIN annotators an ON an.id = p.annotator_id"
        ).fetchall()
    )
    names = [r[0] for r in conn.execute("SELECT name FROM annotators")]
    conn.close()
    assert statuses["me"] == statuses["alice"] == "done"
    assert statuses.get("bob", "new") != "done"
    assert all(isinstance(n, str) for n in names)
    bad = [s for s in report.skipped if "article_progress row" in s]
    assert bad and reason in bad[0], report.skipped


LEFT_OUT_ROWS: list[tuple[str, str]] = [
    (f"UPDATE left_out SET created_at = 'soon' WHERE review_id = {VICTOR}", "ISO 8601"),
    (f"UPDATE left_out SET annotation_id = 99 WHERE review_id = {VICTOR}", "names no annotation"),
    (f"UPDATE left_out SET review_id = 99 WHERE review_id = {VICTOR}", "names no review"),
]


@pytest.mark.parametrize(("sql", "reason"), LEFT_OUT_ROWS, ids=[r[1] for r in LEFT_OUT_ROWS])
def test_a_bad_left_out_row_costs_only_that_mark(tmp_path: Path, sql: str, reason: str) -> None:
    theirs = _theirs(tmp_path)
    _write(theirs, sql)
    report, before, after = _merge(tmp_path, theirs)
    _kept(before, after)
    assert report.reviews_added == 2 and report.left_out_added == 1
    assert len(after["left_out"]) == 1
    bad = [s for s in report.skipped if s.startswith("left_out")]
    assert len(bad) == 1 and reason in bad[0], report.skipped


def test_left_out_marks_are_copied_to_our_annotations(tmp_path: Path) -> None:
    theirs = _theirs(tmp_path)
    report, before, after = _merge(tmp_path, theirs)
    assert report.skipped == []
    assert report.left_out_added == 2
    with Project.open(tmp_path / "mine.db", readonly=True) as p:
        aid = next(a for a in p.article_ids() if p.article(a).text == TEXT)
        bob = {r.id for r in p.annotations(aid, "bob")}
        store = ReviewStore(p)
        assert store.left_out(aid, "rita") == bob and store.left_out(aid, "victor") == bob
        assert store.left_out(aid, "me") == set()
    # merging again adds nothing, marks included
    with Project.open(tmp_path / "mine.db") as p:
        again = merge_project(p, theirs)
    assert again.left_out_added == 0 and not again.changed
    assert _tables(tmp_path / "mine.db")["left_out"] == after["left_out"]


def test_a_mark_on_a_skipped_annotation_is_reported(tmp_path: Path) -> None:
    theirs = _theirs(tmp_path)
    _write(theirs, "UPDATE annotations SET content_spans = '[[0, 5000]]' WHERE annotator_id = 2")
    report, before, after = _merge(tmp_path, theirs)
    _kept(before, after)
    assert report.reviews_added == 2 and report.left_out_added == 0
    marks = [s for s in report.skipped if s.startswith("left_out")]
    assert len(marks) == 2 and all("was not merged" in s for s in marks), report.skipped


def test_many_dangling_rows_are_counted_not_listed(tmp_path: Path) -> None:
    theirs = _theirs(tmp_path)
    conn = sqlite3.connect(theirs)
    conn.executemany(
        "INSERT INTO reviews (article_id, reviewer, created_at, updated_at)"
        " VALUES (?, 'ghost', '2026-01-01', '2026-01-01')",
        [(1000 + i,) for i in range(500)],
    )
    conn.commit()
    conn.close()
    report, before, after = _merge(tmp_path, theirs)
    _kept(before, after)
    ghosts = [s for s in report.skipped if s.startswith("reviews row")]
    assert len(ghosts) == 10
    assert "reviews: 490 more rows whose article_id names no article; skipped" in report.skipped
    assert _reviewers(tmp_path / "mine.db") == {"me", "rita", "victor"}


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE TRIGGER t AFTER INSERT ON left_out BEGIN DELETE FROM gold_quotes; END",
        "CREATE TRIGGER t AFTER UPDATE ON article_progress BEGIN DELETE FROM reviews; END",
        "CREATE VIEW review_rows AS SELECT * FROM reviews",
    ],
)
def test_nothing_stored_in_the_other_file_runs(tmp_path: Path, sql: str) -> None:
    from annotator.core.errors import ProjectError

    theirs = _theirs(tmp_path)
    _write(theirs, sql)
    mine = _mine(tmp_path)
    before = _tables(mine)
    with (
        Project.open(mine) as p,
        pytest.raises(ProjectError, match="only files with Quote Annotator.s own schema"),
    ):
        merge_project(p, theirs)
    assert _tables(mine) == before


def test_an_unreadable_gold_row_is_named_once(tmp_path: Path) -> None:
    theirs = _theirs(tmp_path)
    _write(theirs, f"UPDATE gold_quotes SET content_spans = '[[1, 2' WHERE id = {VICTOR_GOLD}")
    report, before, after = _merge(tmp_path, theirs)
    _kept(before, after)
    assert report.reviews_added == 2 and report.gold_quotes_added == 1
    bad = [s for s in report.skipped if s.startswith("gold_quotes row")]
    assert len(bad) == 1, report.skipped
