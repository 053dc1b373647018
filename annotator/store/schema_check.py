"""Compare a project file's schema objects with the ones this program creates.

A project file can come from anyone. SQLite runs the triggers stored in a file on every
write, and evaluates a view whenever it is read, so a colleague's file could hold a trigger
that deletes gold quotes when you annotate, or a view (even a recursive one that never
ends) in place of one of our tables. Before anything else reads or writes a file, its
``sqlite_master`` is compared with the objects our own migrations create (tables, indexes,
triggers, views, the FTS shadow tables), up to the migrations the file says it has: any
other object, or one of ours with different SQL, and the file is refused with the objects
named. Only ``sqlite_master`` is read for that, so nothing stored in the file runs.

The SQL text is compared as tokens (:func:`sql_tokens`), not as characters: SQLite keeps
each statement as it was written, and other SQLite versions (and tools) write the same
schema with other whitespace, identifier quoting (``"x"``, ``[x]``, `` `x` ``, ``'x'`` in
a name's place) or keyword case, and ``ALTER TABLE ... RENAME`` adds quotes. Those
differences are dropped; anything else (a column, a constraint, a literal, a trigger's
body) still makes a difference.
"""

from __future__ import annotations

import re
import sqlite3
from functools import lru_cache

from sqlite_utils import Database

from annotator.store.schema import known_migration_names, migrations

_MIGRATIONS_TABLE = "_sqlite_migrations"
Obj = tuple[str, str, str]  # type, name, normalised SQL


_TOKEN = re.compile(
    r"""
      (?P<space>\s+|--[^\n]*(?:\n|$)|/\*.*?(?:\*/|$))
    | (?P<string>'(?:[^']|'')*'?)
    | (?P<quoted>"(?:[^"]|"")*"?|`(?:[^`]|``)*`?|\[[^\]]*\]?)
    | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)
    | (?P<word>[A-Za-z_\u0080-\U0010ffff][A-Za-z0-9_$\u0080-\U0010ffff]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
#: SQLite's keywords (https://www.sqlite.org/lang_keywords.html), then the type and
#: function names of our schema: compared in any case.
#: Other words are names, compared exactly: a column ``ID`` is not our ``id`` to
#: ``row["id"]``, but ``"id"``, ``[id]`` and `` `id` `` are.
_WORDS = """
    abort action add after all alter always analyze and as asc attach autoincrement before
    begin between by cascade case cast check collate column commit conflict constraint create
    cross current current_date current_time current_timestamp database default deferrable
    deferred delete desc detach distinct do drop each else end escape except exclude
    exclusive exists explain fail filter first following for foreign from full generated
    glob group groups having if ignore immediate in index indexed initially inner insert
    instead intersect into is isnull join key last left like limit match materialized
    natural no not nothing notnull null nulls of offset on or order others outer over
    partition plan pragma preceding primary query raise range recursive references regexp
    reindex release rename replace restrict returning right rollback row rows savepoint
    select set table temp temporary then ties to transaction trigger unbounded union unique
    update using vacuum values view virtual when where window with without
    text integer real blob numeric json_valid json_extract length trim min
"""
SQL_KEYWORDS = frozenset(_WORDS.split())
#: Words after which a single-quoted string is a name (SQLite's legacy leniency; the FTS5
#: shadow tables are written ``CREATE TABLE 'articles_fts_data'(...)``).
_NAME_PLACE = frozenset({"table", "index", "view", "trigger", "exists", "on", "references"})


def sql_tokens(sql: str | None) -> tuple[str, ...]:
    """The tokens of a CREATE statement with the differences that change nothing dropped.

    Whitespace and comments go; keywords become lower case; names lose their quotes (any of
    SQLite's four ways) and keep their case; string literals stay exactly as written,
    except in a name's place.
    """
    out: list[str] = []
    for m in _TOKEN.finditer(sql or ""):
        kind, text = m.lastgroup, m.group()
        if kind == "space":
            continue
        if kind == "word":
            out.append(text.lower() if text.lower() in SQL_KEYWORDS else text)
        elif kind == "quoted":
            inner = text[1:-1] if len(text) > 1 else ""
            if text[0] != "[":
                inner = inner.replace(text[0] * 2, text[0])
            out.append(inner)
        elif kind == "string" and out and out[-1] in _NAME_PLACE:
            out.append(text[1:-1].replace("''", "'"))
        else:
            out.append(text)
    return tuple(out)


@lru_cache(maxsize=1024)
def _norm_sql(sql: str | None) -> str:
    # cached: the snapshots of expected_objects hold each statement up to 13 times (460
    # statements, about 40 distinct), and a project's own are the same texts again
    return "\x1f".join(sql_tokens(sql))


def _objects(conn: sqlite3.Connection) -> set[Obj]:
    rows = conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    out = set()
    for kind, name, sql in rows:
        # SQLite's own objects: statistics tables and the indexes behind UNIQUE constraints
        if str(name).startswith("sqlite_") and (kind == "table" or sql is None):
            continue
        out.add((str(kind), str(name), _norm_sql(sql)))
    return out


@lru_cache(maxsize=1)
def expected_objects() -> tuple[frozenset[Obj], ...]:
    """The objects of a project after 0, 1, ... n of our migrations (built in memory)."""
    names = known_migration_names()
    conn = sqlite3.connect(":memory:")
    try:
        db = Database(conn, execute_plugins=False)  # as open_db's (store/db.py)
        out = [frozenset(_objects(conn))]
        # one database, one migration more each step (not all of them again for each k:
        # this runs at every start, before the window shows)
        for k in range(1, len(names)):
            migrations.apply(db, stop_before=names[k])
            out.append(frozenset(_objects(conn)))
        if names:
            migrations.apply(db)
            out.append(frozenset(_objects(conn)))
    finally:
        conn.close()
    return tuple(out)


def migrations_table_is_ours(sql: str | None) -> bool:
    """True when ``sql`` (a ``sqlite_master.sql``) is the migrations table our migrations
    create, token for token: a plain table, no virtual table, no generated column."""
    ours = {
        obj_sql
        for objs in expected_objects()
        for kind, name, obj_sql in objs
        if kind == "table" and name == "_sqlite_migrations"
    }
    return _norm_sql(sql) in ours


def _all_names() -> set[tuple[str, str]]:
    return {(kind, name) for objs in expected_objects() for kind, name, _sql in objs}


def _describe(objs: set[Obj]) -> str:
    return ", ".join(f"{kind} {name!r}" for kind, name, _ in sorted(objs)[:8]) + (
        f" and {len(objs) - 8} more" if len(objs) > 8 else ""
    )


def foreign_before_reading(conn: sqlite3.Connection) -> str:
    """Objects that are never ours (any view, unknown names or types), or "" when none.

    Checked before the migrations table is read, since that too could be a view.
    """
    known = _all_names()
    foreign = {o for o in _objects(conn) if (o[0], o[1]) not in known}
    return _describe(foreign) if foreign else ""


def schema_differences(conn: sqlite3.Connection, applied: int) -> str:
    """How the file's objects differ from ours after ``applied`` migrations, or ""."""
    expected_sets = expected_objects()
    if applied >= len(expected_sets):
        return ""  # a newer file: refused elsewhere
    if applied == 0 and not _objects(conn):
        return ""
    expected = set(expected_sets[applied])
    if applied == 0:
        expected = set()
    actual = _objects(conn)
    extra = actual - expected
    missing = {o for o in expected - actual if (o[0], o[1]) not in {(a[0], a[1]) for a in extra}}
    parts = []
    if extra:
        parts.append("objects not made by Quote Annotator (or changed): " + _describe(extra))
    if missing:
        parts.append("missing: " + _describe(missing))
    return "; ".join(parts)
