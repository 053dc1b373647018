"""The migrations' scripts are split into statements at semicolons (store/schema.py
``statements``) instead of by sqlite-utils' test after every character: the same
statements, the same schema, in a third of the time at every start (the schema check
applies every migration in memory)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database
from sqlite_utils.db import _iter_complete_sql_statements

from annotator.store import schema
from annotator.store.schema import migrations, statements

SCRIPTS = [
    "SELECT 1; SELECT 2;",
    "SELECT 1;\nSELECT 2",  # no semicolon at the end
    "SELECT ';' AS a; SELECT 'x;y;' AS b;",  # semicolons in strings
    "SELECT 1; -- a comment; with a semicolon\nSELECT 2;",
    '/* ; */ SELECT 1 /* ; */ ; SELECT "a;b" FROM t;',
    "CREATE TRIGGER t AFTER INSERT ON x BEGIN UPDATE y SET a = 1; DELETE FROM z; END; SELECT 3;",
    "",
    "   \n  ",
    ";",
    ";;SELECT 1;;",
    "SELECT 1",
]


@pytest.mark.parametrize("sql", SCRIPTS)
def test_statements_are_the_ones_sqlite_utils_finds(sql: str) -> None:
    assert list(statements(sql)) == list(_iter_complete_sql_statements(sql))


def _schema(monkeypatch: pytest.MonkeyPatch, by_sqlite_utils: bool) -> list[tuple[str, ...]]:
    scripts: list[str] = []
    real = schema._script

    def run(db: Database, sql: str) -> None:
        scripts.append(sql)
        if by_sqlite_utils:
            db.executescript(sql)
        else:
            real(db, sql)

    monkeypatch.setattr(schema, "_script", run)
    db = Database(sqlite3.connect(":memory:"))
    migrations.apply(db)
    assert len(scripts) >= 12  # every migration's script went through it
    for sql in scripts:
        assert list(statements(sql)) == list(_iter_complete_sql_statements(sql))
    rows = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
    return [tuple(r) for r in rows.fetchall()]


def test_the_migrations_make_the_same_schema_as_with_sqlite_utils_splitting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ours = _schema(monkeypatch, by_sqlite_utils=False)
    theirs = _schema(monkeypatch, by_sqlite_utils=True)
    assert ours == theirs and len(ours) > 30


def test_a_script_outside_a_transaction_runs_whole() -> None:
    db = Database(sqlite3.connect(":memory:"))
    assert not db.conn.in_transaction
    schema._script(db, "CREATE TABLE a (x); INSERT INTO a VALUES (';'); INSERT INTO a VALUES (2);")
    assert db.execute("SELECT x FROM a ORDER BY rowid").fetchall() == [(";",), (2,)]
    db.conn.execute("BEGIN")
    schema._script(db, "INSERT INTO a VALUES (3); INSERT INTO a VALUES ('4;5')")
    assert db.conn.in_transaction  # not committed by the script
    db.conn.rollback()
    assert db.execute("SELECT count(*) FROM a").fetchone() == (2,)
