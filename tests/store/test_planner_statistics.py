"""Planner statistics another program wrote into a project file (tester18 T14).

Quote Annotator never runs ANALYZE, so rows in ``sqlite_stat1`` come from elsewhere (a DB
browser's "analyze" on odd data, a script, a hand edit). Rows that call our selective
indexes unselective made each key take seconds at 100,000 articles. A writable open
removes them (with a note); a read-only open keeps them and says they may slow it down.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.store import queries
from annotator.store.db import statistics_tables
from annotator.store.project import Project
from tests.store.test_scale import _fill

#: the tester's pattern: indexes the app reads by look useless, unused ones look perfect
_LOOK_PERFECT = {"suggestions_confidence", "annotations_target", "annotations_speaker"}
_BIG = 2_362_743


def tamper(path: Path, rows: int = _BIG, only: str | None = None) -> int:
    """Write misleading statistics for every index of the quote tables; return the count."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("ANALYZE")
        conn.execute("DELETE FROM sqlite_stat1")
        indexes = conn.execute(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND tbl_name IN"
            " ('annotations', 'suggestions', 'detections', 'article_progress')"
        ).fetchall()
        n = 0
        for name, table in indexes:
            if only is not None and name != only:
                continue
            k = len(conn.execute(f"PRAGMA index_info('{name}')").fetchall())
            tail = ["1"] * k if name in _LOOK_PERFECT else [str(rows)] * k
            stat = " ".join([str(rows), *tail])
            conn.execute("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", (table, name, stat))
            n += 1
        conn.commit()
    finally:
        conn.close()
    return n


def _stat_rows(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0])
    finally:
        conn.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows_for_plan(p: Project, ids: list[int]) -> list[str]:
    seen: list[str] = []
    p.db.conn.set_trace_callback(seen.append)
    try:
        queries.article_rows_for(p, "alice", ids)
    finally:
        p.db.conn.set_trace_callback(None)
    out: list[str] = []
    for sql in seen:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")) and "annotations" in sql:
            out += [str(r[3]) for r in p.db.execute("EXPLAIN QUERY PLAN " + sql)]
    assert out, seen
    return out


def _scans_quotes(plan: list[str]) -> list[str]:
    return [line for line in plan if re.match(r"SCAN (annotations|suggestions|x|s|a)\b", line)]


@pytest.fixture
def filled(tmp_path: Path) -> tuple[Path, list[int]]:
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        ids = _fill(p, 30)
    return path, ids


@pytest.mark.parametrize("rows", [_BIG, 10_000, 50])
def test_a_writable_open_removes_them_and_plans_with_the_indexes(
    filled: tuple[Path, list[int]], rows: int
) -> None:
    path, ids = filled
    assert tamper(path, rows) >= 5
    with Project.open(path) as p:
        assert "Removed query-planner statistics (sqlite_stat1)" in p.open_note
        assert statistics_tables(p.db.conn) == []
        plan = _rows_for_plan(p, ids[:10])
        assert _scans_quotes(plan) == [], plan
        assert any(line.startswith("SEARCH") for line in plan), plan
        # the list's rows are still right
        assert [r.id for r in queries.article_rows_for(p, "alice", ids[:3])] == ids[:3]
    assert _stat_rows(path) == 0
    with Project.open(path) as p:
        assert p.open_note == ""  # nothing left to remove


def test_the_tampered_rows_do_mislead_the_planner(filled: tuple[Path, list[int]]) -> None:
    """What the removal guards against: with the rows kept (a read-only open), the list's
    counts read every annotation (the 3.5 s accept key at 100,000 articles)."""
    path, ids = filled
    tamper(path)
    before = _digest(path)
    with Project.open(path, create=False, readonly=True) as p:
        assert "holds query-planner statistics (sqlite_stat1)" in p.open_note
        assert "window" in p.open_note
        assert _scans_quotes(_rows_for_plan(p, ids[:10])), "the tampered rows changed nothing"
        assert [r.id for r in queries.article_rows_for(p, "alice", ids[:3])] == ids[:3]
    assert _digest(path) == before  # read-only: kept as they are
    assert _stat_rows(path) > 0


def test_one_misleading_row_is_enough_to_be_removed(filled: tuple[Path, list[int]]) -> None:
    path, ids = filled
    assert tamper(path, only="annotations_spans") == 1
    with Project.open(path) as p:
        assert "Removed" in p.open_note
        assert _scans_quotes(_rows_for_plan(p, ids[:10])) == []
    assert _stat_rows(path) == 0


def test_our_own_project_has_none_and_no_note(filled: tuple[Path, list[int]]) -> None:
    path, _ids = filled
    for readonly in (False, True):
        with Project.open(path, create=False, readonly=readonly) as p:
            assert p.open_note == ""
            assert statistics_tables(p.db.conn) == []


def test_locked_by_another_program_they_stay_until_the_next_open(
    filled: tuple[Path, list[int]],
) -> None:
    path, ids = filled
    tamper(path)
    other = sqlite3.connect(path, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    try:
        with Project.open(path) as p:
            assert "could not be removed now" in p.open_note
            assert not p.readonly
    finally:
        other.rollback()
        other.close()
    assert _stat_rows(path) > 0
    with Project.open(path) as p:
        assert "Removed" in p.open_note
        assert _scans_quotes(_rows_for_plan(p, ids[:10])) == []


def test_commands_say_so(filled: tuple[Path, list[int]]) -> None:
    path, _ids = filled
    tamper(path)
    out = subprocess.run(
        [sys.executable, "-m", "annotator", "stats", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "Articles     30" in out.stdout
    assert "note: p.db holds query-planner statistics (sqlite_stat1)" in out.stderr
    assert _stat_rows(path) > 0  # stats opens read-only: nothing written
    out = subprocess.run(
        [sys.executable, "-m", "annotator", "import", str(path), str(path.parent / "none.txt")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "note: Removed query-planner statistics (sqlite_stat1)" in out.stderr, out.stderr
    assert _stat_rows(path) == 0
