"""Open a project file: checks, WAL, foreign keys, backup and migrations.

A project is one SQLite file. Opening it never changes a file we cannot fully understand:
a file that is not SQLite, a SQLite file of another program, or one written by a newer
version of Quote Annotator is refused with a message naming it, and left as it was.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from annotator.core.errors import ProjectError
from annotator.store.schema import MIGRATION_SET, SCHEMA_VERSION, known_migration_names, migrations

#: PRAGMA application_id marking a Quote Annotator project ("QAnn").
APPLICATION_ID = 0x51416E6E
_SQLITE_MAGIC = b"SQLite format 3\x00"
_BUSY_TIMEOUT_S = 10.0


#: What a write raises when it breaks a constraint of the schema (a foreign key, a unique or
#: CHECK column): callers outside the store catch it by this name, without importing sqlite3.
StoreIntegrityError = sqlite3.IntegrityError
#: The base of every database failure (corrupt file, disk I/O, constraint): what the command
#: line turns into "database problem" instead of a traceback.
StoreDatabaseError = sqlite3.DatabaseError

_last_stamp = datetime.min.replace(tzinfo=timezone.utc)
_stamp_lock = threading.Lock()


def now_iso() -> str:
    """The current UTC time as an ISO 8601 string (stored in every timestamp column).

    Microseconds, and strictly increasing within the process, so "the newest row" (e.g.
    where an annotator stopped) is well defined even for writes in the same millisecond.
    """
    global _last_stamp
    with _stamp_lock:
        stamp = datetime.now(timezone.utc)
        if stamp <= _last_stamp:
            stamp = _last_stamp + timedelta(microseconds=1)
        _last_stamp = stamp
    return stamp.isoformat(timespec="microseconds")


def in_filter(column: str, values: Sequence[Any] | None, params: list[Any]) -> str:
    """`` AND column IN (?, ...)`` for a non-empty ``values`` (appended to ``params``), else ""."""
    if not values:
        return ""
    params.extend(values)
    return f" AND {column} IN ({', '.join('?' for _ in values)})"


def _check_file(path: Path) -> bool:
    """Return True when ``path`` holds data; raise ProjectError if it is not SQLite."""
    if not path.exists():
        return False
    if path.is_dir():
        raise ProjectError(f"{path}: is a folder, not a project file")
    size = path.stat().st_size
    if size == 0:
        return False
    with open(path, "rb") as fh:
        head = fh.read(len(_SQLITE_MAGIC))
    if head != _SQLITE_MAGIC:
        raise ProjectError(f"{path}: is not a Quote Annotator project (not an SQLite database)")
    return True


def _applied(conn: sqlite3.Connection) -> list[str] | None:
    """Applied migration names of our set, or None when the migrations table is missing."""
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()
    if row is None:
        return None
    rows = conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
        [MIGRATION_SET],
    ).fetchall()
    return [r[0] for r in rows]


def _user_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return [r[0] for r in rows]


def backup_path(path: Path, version: int) -> Path:
    """Where the copy made before migrating a version-``version`` file goes."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.name}.v{version}-{stamp}.bak")


def _backup(conn: sqlite3.Connection, dest: Path) -> None:
    """Copy the database consistently (SQLite's online backup), next to the original."""
    target = sqlite3.connect(str(dest))
    try:
        conn.backup(target)
    finally:
        target.close()


def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
    if readonly:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        return sqlite3.connect(uri, uri=True, timeout=_BUSY_TIMEOUT_S)
    return sqlite3.connect(str(path), timeout=_BUSY_TIMEOUT_S)


def open_db(
    path: str | os.PathLike[str], *, create: bool = True, readonly: bool = False
) -> Database:
    """Open (and create or upgrade) the project at ``path``; return a sqlite-utils Database.

    Args:
        path: the project file.
        create: make a new project when the file does not exist.
        readonly: open without writing anything (no migration, no WAL switch).

    Raises:
        ProjectError: the file is not a project, is from a newer version, is read-only
            while a write was needed, or is locked by another program.
    """
    p = Path(path)
    has_data = _check_file(p)
    if not has_data and not create:
        raise ProjectError(f"{p}: no such project")
    if not has_data and not readonly and not p.parent.exists():
        raise ProjectError(f"{p}: the folder {p.parent} does not exist")
    if not readonly and p.exists() and not os.access(p, os.W_OK):
        readonly_reason = "the file is read-only"
    else:
        readonly_reason = ""
    try:
        conn = _connect(p, readonly or bool(readonly_reason))
    except sqlite3.OperationalError as exc:
        raise ProjectError(f"{p}: cannot open ({exc})") from None
    try:
        return _prepare(p, conn, has_data, readonly, readonly_reason)
    except BaseException:
        conn.close()
        raise


def _prepare(
    p: Path, conn: sqlite3.Connection, has_data: bool, readonly: bool, readonly_reason: str
) -> Database:
    try:
        applied = _applied(conn) if has_data else None
        if has_data and applied is None and _user_tables(conn):
            raise ProjectError(f"{p}: is an SQLite database of another program, not a project")
    except sqlite3.DatabaseError as exc:
        raise ProjectError(f"{p}: cannot read the database ({exc})") from None
    applied = applied or []
    known = known_migration_names()
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise ProjectError(
            f"{p}: was written by a newer version of Quote Annotator (schema "
            f"{len(applied)}, this version knows {SCHEMA_VERSION}); update the program "
            "to open it. The file was not changed."
        )
    pending = [name for name in known if name not in applied]
    if pending and (readonly or readonly_reason):
        why = readonly_reason or "it was opened read-only"
        raise ProjectError(
            f"{p}: needs an upgrade to schema {SCHEMA_VERSION} but {why}; "
            "open a writable copy. The file was not changed."
        )
    db = Database(conn)
    db.execute("PRAGMA foreign_keys = ON")
    if readonly or readonly_reason:
        db.execute("PRAGMA query_only = ON")
        return db
    try:
        db.enable_wal()
        # FULL: a commit is on disk when it returns, so a confirmed annotation survives
        # a crash of the machine, not just of the process.
        db.execute("PRAGMA synchronous = FULL")
        if pending:
            if applied:
                _backup(conn, backup_path(p, len(applied)))
            else:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            migrations.apply(db)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except sqlite3.OperationalError as exc:
        msg = str(exc)
        if "locked" in msg or "busy" in msg:
            raise ProjectError(f"{p}: is locked by another program; try again later") from None
        if "readonly" in msg or "read-only" in msg:
            raise ProjectError(f"{p}: cannot be written ({msg})") from None
        raise ProjectError(f"{p}: cannot be opened ({msg})") from None
    return db


def schema_version(db: Database) -> int:
    """How many of our migrations the open database has."""
    return len(_applied(db.conn) or [])
