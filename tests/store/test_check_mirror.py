"""annotation_checks_hold (the annotations table's CHECKs evaluated in Python, so the bulk
import may insert with ``PRAGMA ignore_check_constraints``) agrees with SQLite's CHECKs:
it accepts only rows SQLite accepts, on good and bad rows of every checked column, and it
covers every column the live schema checks."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from annotator.core.model import Article, Quote
from annotator.core.quote_rows import quote_row
from annotator.store import bulk
from annotator.store.db import StoreIntegrityError
from annotator.store.project import Project
from annotator.store.schema import ANNOTATION_CHECKED_COLUMNS, annotation_checks_hold

GOOD: dict[str, Any] = {
    "content_spans": "[[0, 5]]",
    "speaker_spans": "[]",
    "cue_spans": "[[6, 10], [12, 14]]",
    "kind": "direct",
    "status": "accepted",
    "origin": "manual",
    "confidence": None,
    "extra": "{}",
}

# (column, value, does SQLite's CHECK accept it)
CASES: list[tuple[str, Any, bool]] = [
    ("content_spans", "[[3, 9]]", True),
    ("content_spans", "[[0, 1], [2, 3], [40, 4000]]", True),
    ("content_spans", "[]", False),  # a quote needs content
    ("content_spans", "[[0, 5]", False),
    ("content_spans", "[[01, 5]]", False),  # not JSON: leading zero
    ("content_spans", "[[0,5]]", True),  # valid JSON, not our encoding: parsed
    ("content_spans", "nonsense", False),
    ("speaker_spans", "[]", True),
    ("speaker_spans", "[[1, 2],]", False),
    ("speaker_spans", '{"a": 1}', True),  # valid JSON: the CHECK asks no more
    ("cue_spans", "", False),
    ("cue_spans", "[[1, 2]] x", False),
    ("kind", "mixed", True),
    ("kind", "indirect", True),
    ("kind", "Direct", False),
    ("kind", "quote", False),
    ("status", "pending", True),
    ("status", "rejected", True),
    ("status", "done", False),
    ("origin", "model", True),
    ("origin", "model-corrected", True),
    ("origin", "human", False),
    ("confidence", 0.0, True),
    ("confidence", 1.0, True),
    ("confidence", 1, True),
    ("confidence", 0.37, True),
    ("confidence", 1.0001, False),
    ("confidence", -0.1, False),
    ("confidence", 7, False),
    ("extra", '{"source_row": 7, "tags": ["a", "b"]}', True),
    ("extra", '{"ok": true, "n": null}', True),
    ("extra", "{broken", False),
    ("extra", '{"x": NaN}', False),  # Python reads NaN, SQLite's json_valid does not
    ("extra", '{"x": Infinity}', False),
]


def _insert(project: Project, values: dict[str, Any]) -> bool:
    """Insert one annotation with the CHECKs on; True when SQLite accepts it."""
    cols = {
        "article_id": 1,
        "annotator_id": 1,
        "created_at": "t",
        "updated_at": "t",
        **values,
    }
    sql = f"INSERT INTO annotations ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
    try:
        with project.transaction():
            project.db.execute(sql, list(cols.values()))
    except (StoreIntegrityError, sqlite3.IntegrityError):
        return False
    return True


def _holds(values: dict[str, Any]) -> bool:
    v = values
    return annotation_checks_hold(
        v["content_spans"], v["speaker_spans"], v["cue_spans"], v["kind"], v["status"],
        v["origin"], v["confidence"], v["extra"],
    )  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.open(tmp_path / "p.db")
    p.add_article(Article("Title", "Title\n\nSome text that is long enough for every span here."))
    p.annotator_id("alice")
    return p


@pytest.mark.parametrize(("column", "value", "sqlite_accepts"), CASES)
def test_python_checks_agree_with_sqlite(
    project: Project, column: str, value: Any, sqlite_accepts: bool
) -> None:
    row = {**GOOD, column: value}
    assert _insert(project, row) is sqlite_accepts  # the case is what we think it is
    assert _holds(row) is sqlite_accepts
    project.close()


def test_python_never_accepts_what_sqlite_refuses_on_odd_values(project: Project) -> None:
    """Values SQLite may treat in its own way (types, NaN, bools) are refused in Python:
    the row then goes in with the CHECKs on, where SQLite decides."""
    odd: list[tuple[str, Any]] = [
        ("confidence", float("nan")),
        ("confidence", float("inf")),
        ("confidence", True),
        ("confidence", "0.5"),
        ("kind", None),
        ("kind", b"direct"),
        ("extra", None),
        ("extra", b"{}"),
        ("content_spans", ["not", "text"]),
    ]
    for column, value in odd:
        assert _holds({**GOOD, column: value}) is False, (column, value)
    project.close()


def test_the_mirror_covers_every_check_of_the_live_schema(project: Project) -> None:
    sql = project.db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'annotations'"
    ).fetchone()[0]
    project.close()
    checked = set()
    for line in sql.splitlines():
        if "CHECK" in line:
            checked.add(re.match(r"\s*(\w+)", line).group(1))  # type: ignore[union-attr]
    assert checked == ANNOTATION_CHECKED_COLUMNS
    # and nothing but column CHECKs (a table-level CHECK would need a mirror of its own)
    assert sql.count("CHECK") == len(checked)


def test_a_bad_row_among_good_ones_is_still_refused_by_sqlite(project: Project) -> None:
    """The bulk writer's unchecked rows go in with the CHECKs on: one bad value rolls the
    whole call back (the import then retries article by article), and the good rows of a
    later call go in with the CHECKs off and are stored exactly."""
    good = quote_row(Quote(content_spans=((0, 5),), status="accepted", origin="manual"))
    bad = (*good[:7], "shouted", *good[8:])  # a kind the CHECK refuses
    with pytest.raises(StoreIntegrityError):
        bulk.add_quote_rows(project, [(1, "alice", good), (1, "alice", bad)])
    assert project.db.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0
    # the switch is back on after the call: a bad row inserted directly is refused
    assert project.db.execute("PRAGMA ignore_check_constraints").fetchone()[0] == 0
    assert _insert(project, {**GOOD, "kind": "shouted"}) is False
    (ident,) = bulk.add_quote_rows(project, [(1, "alice", good)])
    row = project.db.execute(
        "SELECT content_spans, kind, status, origin, extra FROM annotations WHERE id = ?",
        [ident],
    ).fetchone()
    assert tuple(row) == ("[[0, 5]]", "direct", "accepted", "manual", "{}")
    project.close()
