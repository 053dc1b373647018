"""Opening project files: creation, migrations, refusal of foreign and newer files."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlite_utils import Database

from annotator.core.errors import ProjectError, ReadOnlyProjectError
from annotator.core.model import Article, Quote
from annotator.store.db import APPLICATION_ID, open_db
from annotator.store.project import Project
from annotator.store.schema import SCHEMA_VERSION, known_migration_names, migrations
from tests.conftest import old_project


def test_new_project_has_every_table_wal_and_foreign_keys(tmp_path: Path) -> None:
    db = open_db(tmp_path / "p.db")
    tables = set(db.table_names())
    assert {
        "articles",
        "annotators",
        "speakers",
        "suggestions",
        "annotations",
        "reviews",
        "gold_quotes",
        "settings",
        "changelog",
        "article_progress",
        "articles_fts",
    } <= tables
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    db.close()


@pytest.mark.parametrize("stop_before", known_migration_names()[1:])
def test_every_earlier_schema_upgrades_and_keeps_data(tmp_path: Path, stop_before: str) -> None:
    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, stop_before=stop_before)
    db.execute(
        "INSERT INTO articles (title, text, meta, content_hash, imported_at) "
        "VALUES ('Old', 'Old text', '{}', 'h1', '2020-01-01')"
    )
    db.close()
    before = {p.name for p in tmp_path.iterdir()}

    project = Project.open(path)
    assert project.schema_version == SCHEMA_VERSION
    assert project.article(1).text == "Old text"
    # the upgraded file is fully usable: full-text search sees the old article
    assert project.search_articles("old") == [1]
    project.close()
    backups = {p.name for p in tmp_path.iterdir()} - before
    backups = {b for b in backups if b.endswith(".bak")}
    assert len(backups) == 1, "a backup is made before migrating"
    copy = sqlite3.connect(tmp_path / backups.pop())
    assert copy.execute("SELECT title FROM articles").fetchall() == [("Old",)]
    copy.close()


def test_reopening_current_schema_makes_no_backup(tmp_path: Path) -> None:
    Project.open(tmp_path / "p.db").close()
    Project.open(tmp_path / "p.db").close()
    assert not list(tmp_path.glob("*.bak"))


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    Project.open(path).close()
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('quote_annotator', '9999_from_the_future', '2030-01-01')"
    )
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(ProjectError, match="newer version") as err:
        Project.open(path)
    assert str(path) in str(err.value)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "added",
    [
        "CREATE TABLE future_table (x)",
        "CREATE INDEX future_index ON articles (title, id)",
        "CREATE TABLE future_a (x); CREATE TABLE future_b (y); CREATE VIEW future_v AS SELECT 1",
        # a newer version's trigger: refused as newer, and it never runs
        "CREATE TABLE seen (x); CREATE TRIGGER future_t AFTER INSERT ON articles "
        "BEGIN INSERT INTO seen VALUES (1); END",
    ],
)
def test_a_newer_schema_with_new_objects_is_refused_as_newer_not_as_foreign(
    tmp_path: Path, added: str
) -> None:
    path = tmp_path / "p.db"
    Project.open(path).close()
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('quote_annotator', '9999_from_the_future', '2030-01-01')"
    )
    con.executescript(added)
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(ProjectError, match="newer version") as err:
        Project.open(path)
    assert "another program" not in str(err.value)
    assert "Triggers and views" not in str(err.value)
    with pytest.raises(ProjectError, match="newer version"):
        Project.open(path, readonly=True)
    assert path.read_bytes() == before


def test_foreign_objects_without_a_newer_migration_are_still_refused_as_foreign(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.db"
    Project.open(path).close()
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE extra_table (x)")
    con.commit()
    con.close()
    with pytest.raises(ProjectError, match="extra_table") as err:
        Project.open(path)
    assert "newer version" not in str(err.value)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"hello, I am a text file\n", "not an SQLite database"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not an SQLite database"),
    ],
)
def test_non_database_files_are_refused(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(ProjectError, match=reason):
        Project.open(path)
    assert path.read_bytes() == content


def test_database_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    con.commit()
    con.close()
    with pytest.raises(ProjectError, match="another program"):
        Project.open(path)
    con = sqlite3.connect(path)
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert names == ["customers"]


def test_missing_project_without_create(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such project"):
        Project.open(tmp_path / "none.db", create=False)
    assert not (tmp_path / "none.db").exists()


def test_read_only_file_opens_read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.db"
    Project.open(path).close()
    path.chmod(stat.S_IRUSR)
    if os.access(path, os.W_OK):  # root ignores permission bits: make the check see them
        import annotator.store.db as dbmod

        monkeypatch.setattr(dbmod.os, "access", lambda p, mode: mode != os.W_OK)
    before = path.read_bytes()
    project = Project.open(path)
    assert project.readonly
    assert project.count_articles() == 0
    with pytest.raises(ReadOnlyProjectError, match="read-only"):
        project.add_article(Article("T", "T body"))
    project.close()
    assert path.read_bytes() == before


def test_readonly_open_refuses_writes_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with Project.open(path) as project:
        project.add_article(Article("T", "T body"))
    before = path.read_bytes()
    with Project.open(path, readonly=True) as project:
        assert project.count_articles() == 1
        with pytest.raises(ReadOnlyProjectError, match="read-only"):
            project.add_annotation(1, "alice", Quote(((0, 1),)))
    assert path.read_bytes() == before


def test_locked_project_gives_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    # an old file that needs migrating while another program holds a write lock
    old_db = Database(path)
    migrations.apply(old_db, stop_before=known_migration_names()[-1])
    old_db.close()
    con = sqlite3.connect(path)
    con.execute("BEGIN EXCLUSIVE")
    import annotator.store.db as dbmod

    old = dbmod._BUSY_TIMEOUT_S
    dbmod._BUSY_TIMEOUT_S = 0.2
    try:
        with pytest.raises(ProjectError, match="locked") as err:
            Project.open(path)
        assert str(path) in str(err.value)
    finally:
        dbmod._BUSY_TIMEOUT_S = old
        con.rollback()
        con.close()
    # once released, the project opens and upgrades
    with Project.open(path) as project:
        assert project.schema_version == SCHEMA_VERSION


@pytest.mark.parametrize("readonly", [True, False])
def test_an_empty_file_is_not_called_missing(tmp_path: Path, readonly: bool) -> None:
    empty = tmp_path / "e2.db"
    empty.write_bytes(b"")
    with pytest.raises(ProjectError, match=r"e2\.db: empty file, not a Quote Annotator project"):
        open_db(empty, create=False, readonly=readonly)
    assert empty.stat().st_size == 0
    with pytest.raises(ProjectError, match="no such project"):
        open_db(tmp_path / "absent.db", create=False)


def test_reading_command_on_older_schema_names_the_upgrade(tmp_path: Path) -> None:
    from annotator.cli import main

    path = tmp_path / "old.db"
    before = old_project(path)
    with pytest.raises(ProjectError, match="needs an upgrade") as err:
        Project.open(path, readonly=True)
    message = str(err.value)
    assert f"annotator upgrade {path}" in message and ".bak" in message
    assert "not changed" in message
    assert path.read_bytes() == before
    assert main(["stats", str(path)]) != 0  # a reading command says the same and writes nothing
    assert path.read_bytes() == before
    # the named command works without a display: it upgrades and keeps the old version
    assert main(["upgrade", str(path)]) == 0
    backups = list(tmp_path.glob("old.db.v*.bak"))
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    assert copy.execute("SELECT text FROM articles").fetchall() == [("Old text",)]
    copy.close()
    with Project.open(path, readonly=True) as project:
        assert project.count_articles() == 1
        assert project.schema_version == SCHEMA_VERSION
        assert project.article(1).text == "Old text"
    assert main(["upgrade", str(path)]) == 0  # up to date: nothing to do, no second backup
    assert len(list(tmp_path.glob("old.db.v*.bak"))) == 1
    assert main(["upgrade", str(tmp_path / "missing.db")]) != 0
    assert not (tmp_path / "missing.db").exists()


def test_older_schema_on_read_only_file_says_to_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    before = old_project(path)
    path.chmod(stat.S_IRUSR)
    import annotator.store.db as dbmod

    monkeypatch.setattr(dbmod.os, "access", lambda p, mode: mode != os.W_OK)
    with pytest.raises(ProjectError, match="the file is read-only; copy it") as err:
        Project.open(path)
    assert "annotator open" not in str(err.value)
    assert path.read_bytes() == before


def _other_process_opens_and_closes(path: Path) -> None:
    code = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "c.execute('SELECT count(*) FROM articles').fetchall(); c.close()"
    )
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=60)


@pytest.mark.parametrize("second", ["writable", "readonly", "readonly-twice"])
def test_a_second_open_in_one_process_keeps_the_locks_of_the_first(
    tmp_path: Path, second: str
) -> None:
    """Reading the project's header with Python while this process holds a connection would
    drop all of its POSIX locks; another program closing the project then deletes the -wal
    file under the open window and the project is corrupted (two windows on one project)."""
    path = tmp_path / "p.db"
    first = Project.open(path)
    first.add_article(Article("One", "First text."))
    wal = path.with_name(path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    for _ in range(2 if second == "readonly-twice" else 1):
        Project.open(path, readonly=second != "writable").close()
    _other_process_opens_and_closes(path)
    assert wal.exists(), "another process took the -wal file of a live connection"
    first.add_article(Article("Two", "Second text."))
    first.close()
    with Project.open(path, readonly=True) as again:
        assert again.count_articles() == 2
        assert again.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_the_registry_forgets_a_closed_project(tmp_path: Path) -> None:
    import annotator.store.db as dbmod

    path = tmp_path / "p.db"
    project = Project.open(path)
    other = Project.open(path, readonly=True)
    assert dbmod._registered_wal(path) is True
    project.close()
    assert dbmod._registered_wal(path) is True  # still open read-only here
    other.close()
    assert dbmod._registered_wal(path) is None
    # once closed, a file put in its place is checked by its header again
    path.write_bytes(b"not a database at all, just some bytes of text......")
    with pytest.raises(ProjectError, match="not an SQLite database"):
        Project.open(path)


@pytest.mark.parametrize(
    "table",
    [
        "CREATE VIRTUAL TABLE _sqlite_migrations USING fts5(migration_set, name)",
        "CREATE VIRTUAL TABLE _sqlite_migrations USING fts4(migration_set, name)",
        "CREATE VIRTUAL TABLE _sqlite_migrations USING rtree(id, a, b)",
        # a generated column runs its expression on every read
        "CREATE TABLE _sqlite_migrations (id INTEGER PRIMARY KEY, migration_set TEXT, "
        "applied_at TEXT, name TEXT GENERATED ALWAYS AS (hex(zeroblob(4))) VIRTUAL)",
        "CREATE TABLE _sqlite_migrations (migration_set TEXT, name TEXT, applied_at TEXT, x)",
    ],
)
def test_a_migrations_table_that_is_not_ours_is_never_read(tmp_path: Path, table: str) -> None:
    """The migrations table is read before the check of the other objects (to tell a newer
    version's file), so only our exact plain table is read; anything else of that name is
    another program's file or a foreign object (review21 R4)."""
    path = tmp_path / "p.db"
    con = sqlite3.connect(path)
    con.execute(table)
    if "rtree" in table:
        pass
    elif "GENERATED" in table:
        con.execute("INSERT INTO _sqlite_migrations (migration_set) VALUES ('quote_annotator')")
    else:
        con.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name) "
            "VALUES ('quote_annotator', '9999_from_the_future')"
        )
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(ProjectError) as err:
        Project.open(path)
    assert "newer version" not in str(err.value)
    assert "is not opened" in str(err.value) or "another program" in str(err.value)
    assert path.read_bytes() == before
