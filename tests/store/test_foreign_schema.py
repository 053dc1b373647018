"""A project file holding schema objects we do not create is refused, untouched."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import pytest

from annotator.core.errors import ProjectError
from annotator.core.model import Article, Quote
from annotator.services.merge import merge_project
from annotator.store.project import Project

FOREIGN = [
    (
        "CREATE TRIGGER wipe_gold AFTER INSERT ON annotations BEGIN DELETE FROM gold_quotes; END",
        "trigger 'wipe_gold'",
    ),
    (
        "CREATE TRIGGER retitle AFTER UPDATE ON annotations "
        "BEGIN UPDATE articles SET title = 'x'; END",
        "trigger 'retitle'",
    ),
    ("CREATE VIEW v AS SELECT * FROM articles", "view 'v'"),
    (
        "CREATE VIEW forever AS WITH RECURSIVE c(x) AS "
        "(SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c",
        "view 'forever'",
    ),
    ("CREATE TABLE extra (a)", "table 'extra'"),
    ("CREATE INDEX sneaky ON articles(title)", "index 'sneaky'"),
    # one of ours, redefined
    (
        "DROP TRIGGER changelog_no_delete; CREATE TRIGGER changelog_no_delete "
        "BEFORE DELETE ON changelog BEGIN SELECT 1; END",
        "trigger 'changelog_no_delete'",
    ),
    # one of our tables replaced by a recursive view of the same name
    (
        "DROP TABLE settings; CREATE VIEW settings(key, value) AS WITH RECURSIVE "
        "c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x, '{}' FROM c",
        "view 'settings'",
    ),
    ("DROP TRIGGER changelog_no_update", "missing: trigger 'changelog_no_update'"),
]


def _project_with(tmp_path: Path, sql: str, name: str = "theirs.db") -> Path:
    path = tmp_path / name
    with Project.open(path) as p:
        art = Article("T", "Hello there, she said.", quotes=[Quote(((0, 5),), annotator="ann")])
        aid, _ = p.add_article(art)
        p.add_annotation(aid, "ann", art.quotes[0])
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.execute("PRAGMA journal_mode = DELETE")  # one file, nothing beside it
    conn.close()
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _in_thread(fn: object, timeout: float = 60) -> dict[str, object]:
    """Run fn in a thread; fail (instead of hanging the suite) if it does not end."""
    out: dict[str, object] = {}

    def run() -> None:
        try:
            out["value"] = fn()  # type: ignore[operator]
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            out["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        pytest.fail("hung on a foreign schema object")
    return out


@pytest.mark.parametrize(("sql", "named"), FOREIGN, ids=[n for _, n in FOREIGN])
@pytest.mark.parametrize("readonly", [False, True])
def test_open_refuses_foreign_objects_and_leaves_the_file(
    tmp_path: Path, sql: str, named: str, readonly: bool
) -> None:
    path = _project_with(tmp_path, sql)
    before = _digest(path)
    out = _in_thread(lambda: Project.open(path, create=False, readonly=readonly))
    err = out.get("error")
    assert isinstance(err, ProjectError), out
    assert named in str(err) and "was not changed" in str(err)
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["theirs.db"]


@pytest.mark.parametrize(("sql", "named"), FOREIGN[:4], ids=[n for _, n in FOREIGN[:4]])
def test_merge_uses_the_same_check(tmp_path: Path, sql: str, named: str) -> None:
    theirs = _project_with(tmp_path, sql)
    before = _digest(theirs)
    with Project.open(tmp_path / "mine.db") as mine:
        out = _in_thread(lambda: merge_project(mine, theirs))
        err = out.get("error")
        assert isinstance(err, ProjectError) and named in str(err), out
        assert mine.count_articles() == 0
    assert _digest(theirs) == before


def test_our_own_files_still_open(tmp_path: Path) -> None:
    path = _project_with(tmp_path, "SELECT 1;")
    with Project.open(path, create=False) as p:
        assert p.count_articles() == 1
    with Project.open(path, create=False, readonly=True) as p:
        assert p.count_articles() == 1
    # ANALYZE adds SQLite's own statistics table: not foreign
    conn = sqlite3.connect(path)
    conn.execute("ANALYZE")
    conn.close()
    with Project.open(path, create=False) as p:
        assert p.count_articles() == 1
