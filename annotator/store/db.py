"""Open a project file: checks, WAL, foreign keys, backup and migrations.

A project is one SQLite file. Opening it never changes a file we cannot fully understand:
a file that is not SQLite, a SQLite file of another program, or one written by a newer
version of Quote Annotator is refused with a message naming it, and left as it was.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from glob import escape as glob_escape
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from annotator.core.errors import ProjectError
from annotator.store.schema import MIGRATION_SET, SCHEMA_VERSION, known_migration_names, migrations
from annotator.store.schema_check import (
    foreign_before_reading,
    migrations_table_is_ours,
    schema_differences,
)

#: PRAGMA application_id marking a Quote Annotator project ("QAnn").
APPLICATION_ID = 0x51416E6E
_SQLITE_MAGIC = b"SQLite format 3\x00"
_BUSY_TIMEOUT_S = 10.0
#: longest wait (ms) for the write lock when removing foreign planner statistics at open
_STATS_LOCK_WAIT_MS = 500


#: What a write raises when it breaks a constraint of the schema (a foreign key, a unique or
#: CHECK column): callers outside the store catch it by this name, without importing sqlite3.
StoreIntegrityError = sqlite3.IntegrityError
#: The base of every database failure (corrupt file, disk I/O, constraint): what the command
#: line turns into "database problem" instead of a traceback.
StoreDatabaseError = sqlite3.DatabaseError

#: SQLite's words for a file whose pages cannot be read as a database (SQLITE_CORRUPT,
#: SQLITE_NOTADB): https://www.sqlite.org/rescode.html. A disk I/O error (SQLITE_IOERR) is
#: most often a drive removed or a network share gone, not a damaged file: told apart.
_DAMAGE_WORDS = ("malformed", "not a database", "corrupt")


def is_damage(exc: BaseException) -> bool:
    """True when ``exc`` says the project file cannot be read (not locked, not a bad
    statement): a page that cannot be read, a file that is no longer a database, or a disk
    I/O error (:func:`damage_message` tells the last apart)."""
    return isinstance(exc, sqlite3.DatabaseError) and (
        says_damage(str(exc)) or "disk i/o error" in str(exc).lower()
    )


def says_damage(message: str) -> bool:
    """True when SQLite's ``message`` (as a child process or a log passes it on, without
    the exception) says a page of the file cannot be read: :data:`_DAMAGE_WORDS`."""
    text = message.lower()
    return any(w in text for w in _DAMAGE_WORDS)


def damage_message(path: str | os.PathLike[str], exc: BaseException) -> str:
    """What to tell the analyst when :func:`is_damage` (``exc``) for the project at
    ``path``: that the file is damaged, that nothing was written to it, and the ways to
    the work it holds (copies beside it, SQLite's ``.recover``)."""
    p = Path(path)
    if "disk i/o error" in str(exc).lower():
        return (
            f"{p}: could not be read from the disk (SQLite: {exc}): a drive removed or a "
            "network share gone? Connect it again and open the project again; what was "
            "saved before is in the file."
        )
    copies = sorted(p.parent.glob(glob_escape(p.name) + ".*.bak"))
    kept = (
        "Copies kept beside it: " + ", ".join(c.name for c in copies[-3:]) + ". " if copies else ""
    )
    return (
        f"{p}: the project file is damaged (SQLite: {exc}). "
        f"{kept}SQLite's command-line tool copies what it can still read into a new file "
        f"(sqlite3 {shlex.quote(str(p))} .recover | sqlite3 recovered.db), which opens as "
        "a project if its "
        "schema survived; `annotator stats` may still read parts of it; a copy made by "
        "`annotator backup` before the damage holds the work up to its time."
    )


_last_stamp = datetime.min.replace(tzinfo=timezone.utc)
_stamp_lock = threading.Lock()

# Project files this process has open through SQLite: (st_dev, st_ino) -> [connections, WAL].
# POSIX advisory locks belong to the process and one close() of ANY descriptor on the file
# drops them all, also those SQLite holds for a live connection. Another process closing
# the project then believes it is the last one, checkpoints and deletes the -wal file
# under our feet, and the file is corrupted (https://www.sqlite.org/howtocorrupt.html,
# section 2.2). So the file is never opened by Python code while it is registered here:
# its header facts are taken from the registry instead.
_open_files: dict[tuple[int, int], list[int | bool]] = {}
_open_lock = threading.Lock()


def _file_key(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)  # stat() opens no descriptor
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _registered_wal(path: Path) -> bool | None:
    """For a file this process has open through SQLite, whether it is in WAL mode; None
    when it is not open here (then its header may be read)."""
    key = _file_key(path)
    if key is None:
        return None
    with _open_lock:
        entry = _open_files.get(key)
        return None if entry is None else bool(entry[1])


class _ProjectConnection(sqlite3.Connection):
    """A connection that keeps the process-wide registry of open project files."""

    _key: tuple[int, int] | None = None
    #: one line about the file found at open ("" when none): see :func:`_drop_statistics`
    open_note = ""

    def register(self, path: Path, wal: bool) -> None:
        key = _file_key(path)
        if key is None or self._key is not None:
            return
        with _open_lock:
            entry = _open_files.setdefault(key, [0, wal])
            entry[0] = int(entry[0]) + 1
            entry[1] = bool(entry[1]) or wal
        self._key = key

    def close(self) -> None:
        key, self._key = self._key, None
        super().close()
        if key is None:
            return
        with _open_lock:
            entry = _open_files.get(key)
            if entry is not None:
                entry[0] = int(entry[0]) - 1
                if int(entry[0]) <= 0:
                    del _open_files[key]


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


def was_interrupted(exc: BaseException) -> bool:
    """True when ``exc`` is SQLite's answer to an interrupted statement
    (:meth:`Project.interrupt` or :meth:`Project.stop_when`), not a real failure."""
    return isinstance(exc, sqlite3.OperationalError) and str(exc) == "interrupted"


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
    if _registered_wal(path) is not None:
        return True  # open here already: checked then, and must not be opened by Python now
    with open(path, "rb") as fh:
        head = fh.read(len(_SQLITE_MAGIC))
    if head != _SQLITE_MAGIC:
        raise ProjectError(f"{path}: is not a Quote Annotator project (not an SQLite database)")
    return True


def _applied(conn: sqlite3.Connection) -> list[str] | None:
    """Applied migration names of our set, or None when the migrations table is missing or
    is not the plain table our migrations make (then nothing is read from it).

    The table is read before the check of the file's other objects (a newer version's
    file is told as such, tester20 U4), so it must be exactly ours: a virtual table of that
    name (FTS, R-tree: ``type = 'table'`` too) would run its module over tables the file's
    author wrote, and a generated column would run an expression on every read
    (review21 R4).
    """
    row = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()
    if row is None or not migrations_table_is_ours(row[0]):
        return None
    rows = conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
        [MIGRATION_SET],
    ).fetchall()
    return [r[0] for r in rows]


def _refuse_newer(p: Path, applied: list[str]) -> None:
    """Raise ProjectError when ``applied`` names a migration this version does not know."""
    known = set(known_migration_names())
    if any(name not in known for name in applied):
        raise ProjectError(
            f"{p}: was written by a newer version of Quote Annotator (schema "
            f"{len(applied)}, this version knows {SCHEMA_VERSION}); update the program "
            "to open it. The file was not changed."
        )


def _has_migrations(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE name = '_sqlite_migrations'").fetchone()
    return row is not None


def _refusal(p: Path, what: str) -> str:
    """The message for a project file whose schema is not the one we create."""
    return (
        f"{p}: is not opened because it {what}. Triggers and views stored in a project run "
        "when it is read or written, so only files with Quote Annotator's own schema are "
        "opened. The file was not changed."
    )


def _user_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return [r[0] for r in rows]


def backup_path(path: Path, version: int) -> Path:
    """Where the copy made before migrating a version-``version`` file goes."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.name}.v{version}-{stamp}.bak")


def _file_size(p: Path) -> int:
    """Bytes of the project and its ``-wal`` (what the backup copy can take)."""
    wal = p.with_name(p.name + "-wal")
    return p.stat().st_size + (wal.stat().st_size if wal.is_file() else 0)


def _size_text(size: int) -> str:
    """``size`` bytes as a person reads it: "1.9 GB", "120 MB"."""
    if size >= 1e9:
        return f"{size / 1e9:.1f} GB"
    return f"{max(1, round(size / 1e6))} MB"


def _check_backup_space(p: Path, dest: Path) -> None:
    """Refuse the upgrade when the folder has less free space than the copy needs.

    Raises:
        ProjectError: naming the copy, the space it needs and the space free; nothing
            was written.
    """
    need = _file_size(p)
    try:
        free = shutil.disk_usage(p.parent).free
    except OSError:  # cannot tell: the copy itself will say
        return
    if free < need:
        raise ProjectError(
            f"{p}: cannot be upgraded: the upgrade first keeps a copy of the old file beside "
            f"it ({dest.name}, {_size_text(need)}) and {p.parent} has only {_size_text(free)} "
            "free; free some space (or move the project to a disk with more) and open it "
            "again. The file was not changed."
        )


def _backup(conn: sqlite3.Connection, dest: Path) -> None:
    """Copy the database consistently (SQLite's online backup), next to the original."""
    target = sqlite3.connect(str(dest))
    try:
        conn.backup(target)
    finally:
        target.close()


def is_wal_file(path: Path) -> bool:
    """True when the SQLite header of ``path`` says WAL mode (file format bytes 18-19 = 2).

    Source: https://www.sqlite.org/fileformat2.html#the_database_header. A file this
    process has open through SQLite is not read (see ``_open_files``): the mode it had then.
    """
    known = _registered_wal(path)
    if known is not None:
        return known
    try:
        with open(path, "rb") as fh:
            head = fh.read(20)
    except OSError:
        return False
    return len(head) == 20 and head[18] == 2 and head[19] == 2


def location_writable(path: Path) -> bool:
    """True when both ``path`` and its folder can be written (WAL needs both: -wal, -shm)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def read_only_reason(path: Path, folder_too: bool = True) -> str:
    """Why the project at ``path`` cannot be written, in a few words; "" when it can.

    ``"it is on a read-only disk or mount"``, ``"the file is read-only"`` or ``"its folder
    DIR is read-only"`` (WAL writes ``-wal``/``-shm`` files beside the project, so a locked
    folder is enough; ``folder_too=False`` leaves the folder out).
    """
    if hasattr(os, "statvfs"):
        try:
            if os.statvfs(path if path.exists() else path.parent).f_flag & os.ST_RDONLY:
                return "it is on a read-only disk or mount"
        except OSError:
            pass
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    if folder_too and not os.access(path.parent, os.W_OK):
        return f"its folder {path.parent} is read-only"
    return ""


def read_only_message(path: Path, reason: str, done: str = "Nothing was changed.") -> str:
    """The sentence for a project that cannot be written: what still works, what to do.

    ``reason`` comes from :func:`read_only_reason`; ``done`` says what the refused command
    did (default: nothing changed).
    """
    return (
        f"{path} is read-only: {reason}. It can still be read: the window opens it for "
        "reading, and stats, export, report, agreement and backup work on it. To change it, "
        f"{read_only_fix(path, reason)}. {done}"
    )


def read_only_fix(path: Path, reason: str) -> str:
    """What to do about a read-only project (``reason`` from :func:`read_only_reason`)."""
    copy = f"copy it with `annotator backup {path} COPY.db` and work on the copy"
    if reason == "the file is read-only":
        return f"make the file writable (chmod u+w {path}), or {copy}"
    if reason.startswith("its folder"):
        return f"make the folder writable (chmod u+w {path.parent}), or {copy}"
    return f"{copy} (COPY.db on a writable disk)"


def _wal_sidecars(path: Path) -> bool:
    return any(path.with_name(path.name + s).exists() for s in ("-wal", "-shm"))


def _connect(path: Path, readonly: bool) -> _ProjectConnection:
    """A connection to ``path``; ``readonly`` ones never write the data and leave no files.

    Read-only opens of a WAL project, by where the file is:

    - writable file and folder: an ordinary handle with ``PRAGMA query_only``. SQLite's
      ``mode=ro`` would create ``-wal``/``-shm`` and, unable to checkpoint, leave them
      behind; an ordinary handle removes them when it is the last one to close.
    - read-only file or folder (a locked folder, a CD, a read-only mount), no ``-wal``:
      ``immutable=1``, the only way to read a WAL file without creating its ``-shm``.
      Nobody can be writing it: a WAL writer needs the ``-wal`` file next to it.
    - otherwise ``mode=ro`` (another program's ``-wal`` holds data we must read).
    """
    if not readonly:
        return _open_connection(str(path), False)
    if is_wal_file(path):
        if location_writable(path):
            conn = _open_connection(str(path), False)
            conn.execute("PRAGMA query_only = ON")
            return conn
        if not _wal_sidecars(path):
            return _open_connection(f"{path.resolve().as_uri()}?immutable=1", True)
    return _open_connection(f"{path.resolve().as_uri()}?mode=ro", True)


#: SQLite's query-planner statistics tables (ANALYZE writes stat1 and, in some builds,
#: stat4; stat2/stat3 are from old versions and no longer read)
_STAT_TABLES = ("sqlite_stat1", "sqlite_stat4")


def statistics_tables(conn: sqlite3.Connection) -> list[str]:
    """The planner statistics tables of the file that hold rows (names, in order)."""
    present = {
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)", _STAT_TABLES
        )
    }
    return [
        name
        for name in _STAT_TABLES
        if name in present and conn.execute(f"SELECT EXISTS (SELECT 1 FROM {name})").fetchone()[0]
    ]


def _drop_statistics(conn: _ProjectConnection, p: Path, writable: bool) -> None:
    """Empty the planner statistics another program left in the file (tester18 T14).

    Quote Annotator never runs ANALYZE: our queries are planned (and tested) without
    statistics, so any rows in ``sqlite_stat1``/``sqlite_stat4`` come from another program
    (a DB browser's "analyze", a script, a hand edit). They steer SQLite's choice of index,
    and rows that call a selective index unselective made every key take seconds at
    100,000 articles. A writable file loses them (``ANALYZE sqlite_master`` then makes this
    connection plan without them); a read-only one keeps them, with a note. Sets
    ``conn.open_note``; a lock held by another program leaves them for the next open.
    """
    try:
        tables = statistics_tables(conn)
    except sqlite3.DatabaseError:
        return
    if not tables:
        return
    named = " and ".join(tables)
    if not writable:
        conn.open_note = (
            f"{p.name} holds query-planner statistics ({named}) written by another program; "
            "they can make this program slow. Open the project once in the window (not "
            "read-only) to remove them."
        )
        return
    conn.execute(f"PRAGMA busy_timeout = {_STATS_LOCK_WAIT_MS}")
    try:
        for name in tables:
            conn.execute(f"DELETE FROM {name}")
        conn.commit()
        conn.execute("ANALYZE sqlite_master")  # reload: plan without them from now on
    except sqlite3.OperationalError:
        conn.rollback()
        conn.open_note = (
            f"{p.name} holds query-planner statistics ({named}) written by another program; "
            "they could not be removed now (the project is locked by another program), and "
            "they can make this program slow until the next open removes them."
        )
        return
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_S * 1000)}")
    conn.open_note = (
        f"Removed query-planner statistics ({named}) that another program had written into "
        f"{p.name}: this program plans its queries without them."
    )


def _open_connection(target: str, uri: bool) -> _ProjectConnection:
    conn = sqlite3.connect(target, uri=uri, timeout=_BUSY_TIMEOUT_S, factory=_ProjectConnection)
    assert isinstance(conn, _ProjectConnection)
    return conn


def open_db(
    path: str | os.PathLike[str],
    *,
    create: bool = True,
    readonly: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Database:
    """Open (and create or upgrade) the project at ``path``; return a sqlite-utils Database.

    Args:
        path: the project file.
        create: make a new project when the file does not exist.
        readonly: open without writing anything (no migration, no WAL switch).
        progress: called with one line per upgrade step (the backup copy, each migration)
            when the file needs an upgrade; not called otherwise.

    Raises:
        ProjectError: the file is not a project (an empty file included when ``create`` is
            False), is from a newer version, is read-only
            while a write was needed, or is locked by another program, or needs an upgrade
            and the disk lacks the space for the copy of the old file kept beside it.
    """
    p = Path(path)
    has_data = _check_file(p)
    if not has_data and not create:
        if p.is_file():
            raise ProjectError(f"{p}: empty file, not a Quote Annotator project")
        raise ProjectError(f"{p}: no such project")
    if not has_data and not readonly and not p.parent.exists():
        raise ProjectError(f"{p}: the folder {p.parent} does not exist")
    readonly_reason = ""
    if not readonly and p.exists():
        # WAL keeps its -wal and -shm files beside the project: no folder, no writing
        readonly_reason = read_only_reason(p, folder_too=has_data)
    creating = not readonly and not has_data and not readonly_reason and p.parent.exists()
    if creating and not os.access(p.parent, os.W_OK):
        raise ProjectError(
            f"{p}: cannot be created: the folder {p.parent} is read-only; choose a writable "
            "folder. Nothing was created."
        )
    try:
        # the header is read before this process connects, never while it is connected
        wal_at_open = has_data and is_wal_file(p)
        conn = _connect(p, readonly or bool(readonly_reason))
    except sqlite3.OperationalError as exc:
        raise ProjectError(f"{p}: cannot open ({exc})") from None
    try:
        db = _prepare(p, conn, has_data, readonly, readonly_reason, progress)
    except BaseException:
        conn.close()
        raise
    # a writable project is in WAL mode from here on (_prepare enables it)
    conn.register(p, wal_at_open if readonly or readonly_reason else True)
    return db


def _prepare(
    p: Path,
    conn: sqlite3.Connection,
    has_data: bool,
    readonly: bool,
    readonly_reason: str,
    progress: Callable[[str], None] | None = None,
) -> Database:
    try:
        foreign = foreign_before_reading(conn) if has_data else ""
        # a newer version's file holds tables this version does not know: say "newer",
        # not "foreign" (the migrations table is read only when it is a plain table, so
        # nothing stored in the file runs; tester20 U4)
        applied = _applied(conn) if has_data else None
        if applied is not None:
            _refuse_newer(p, applied)
        if foreign:
            applied = None
        if has_data and applied is None and _user_tables(conn) and not foreign:
            raise ProjectError(f"{p}: is an SQLite database of another program, not a project")
        if foreign and applied is None and not _has_migrations(conn):
            raise ProjectError(f"{p}: is an SQLite database of another program, not a project")
        if foreign:
            raise ProjectError(_refusal(p, "holds " + foreign))
        different = schema_differences(conn, len(applied)) if has_data and applied else ""
        if different:
            raise ProjectError(_refusal(p, "has " + different))
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise ProjectError(damage_message(p, exc)) from None
        raise ProjectError(f"{p}: cannot read the database ({exc})") from None
    applied = applied or []
    known = known_migration_names()
    pending = [name for name in known if name not in applied]
    if pending and readonly_reason:
        raise ProjectError(
            f"{p} is read-only: {readonly_reason}; copy it to a writable folder and open the "
            f"copy: it needs an upgrade to schema {SCHEMA_VERSION}, which writes to it, "
            "before it can be opened. The file was not changed."
        )
    if pending and readonly:
        raise ProjectError(
            f"{p}: needs an upgrade to schema {SCHEMA_VERSION} before this command can read "
            f"it; run `annotator upgrade {p}` (or open it once in the window), which "
            f"upgrades it and keeps the old version beside it as {p.name}.v{len(applied)}-"
            "<time>.bak. The file was not changed."
        )
    say = progress or (lambda _line: None)
    backup = backup_path(p, len(applied)) if pending and applied else None
    if backup is not None:
        _check_backup_space(p, backup)  # before anything is written
    # no sqlite-utils plugins: none is ours, and finding them reads every installed
    # package's entry points (30-60 ms of each process's first open); a plugin's
    # prepare_connection would also run on the project's connection
    db = Database(conn, execute_plugins=False)
    db.execute("PRAGMA foreign_keys = ON")
    assert isinstance(conn, _ProjectConnection)
    if readonly or readonly_reason:
        db.execute("PRAGMA query_only = ON")
        _drop_statistics(conn, p, writable=False)
        return db
    try:
        db.enable_wal()
        # FULL: a commit is on disk when it returns, so a confirmed annotation survives
        # a crash of the machine, not just of the process.
        db.execute("PRAGMA synchronous = FULL")
        if pending:
            if backup is not None:
                say(f"copying the old file to {backup.name} ({_size_text(_file_size(p))})")
                started = time.perf_counter()
                _backup(conn, backup)
                say(f"copied in {time.perf_counter() - started:.1f} s")
            else:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            for i, name in enumerate(pending):
                if applied:  # a new project's migrations take no time: nothing to say
                    say(f"migration {i + 1} of {len(pending)}: {name}")
                migrations.apply(db, stop_before=pending[i + 1] if i + 1 < len(pending) else None)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            checkpoint(conn)  # a copy of the .db alone is a whole project from the start
        _drop_statistics(conn, p, writable=True)
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


def checkpoint(conn: sqlite3.Connection, mode: str = "PASSIVE") -> bool:
    """Copy the WAL's committed pages into the database file; True when all were copied.

    PASSIVE never waits for readers or writers (a reader still on an older snapshot can
    hold some pages back: False then, and the next checkpoint takes them); TRUNCATE, used
    on close, also empties the ``-wal`` file. See https://www.sqlite.org/pragma.html#pragma_wal_checkpoint
    """
    if mode not in ("PASSIVE", "FULL", "RESTART", "TRUNCATE"):
        raise ValueError(f"unknown checkpoint mode {mode!r}")
    try:
        busy, log, done = conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
    except sqlite3.OperationalError:  # locked by a writer of another program: next time
        return False
    return bool(busy == 0 and (log == -1 or log == done))


#: A paced copy (``annotator backup``, possibly beside an open window) copies this many
#: pages per step (4 MB of 4 kB pages) ...
BACKUP_STEP_PAGES = 1024
#: ... syncs what it wrote to disk after each step, and rests this long (seconds) before
#: the next: at most about 100 MB/s with a disk sync every 4 MB. Copied at full speed, the
#: gigabytes of dirty pages queued behind a window's commit made its disk sync (every
#: accept) wait 150-300 ms at the 95th centile, and the key 0.4-0.8 s (issue 16).
BACKUP_REST_S = 0.03


#: How many of SQLite's quick_check lines a damaged copy is told with.
_CHECK_LINES = 3


class DamagedCopyError(ProjectError):
    """A copy of a project failed SQLite's ``PRAGMA quick_check`` and was not kept: the
    project file it was made from is damaged (the backup copies pages as they are), or,
    when the project passes the check, the copy was damaged on its way to the disk.

    Attributes:
        source_damaged: True when the project file itself fails the check.
        problems: quick_check's first lines (at most :data:`_CHECK_LINES`).
    """

    def __init__(self, message: str, source_damaged: bool, problems: Sequence[str]) -> None:
        super().__init__(message)
        self.source_damaged = source_damaged
        self.problems = tuple(problems)


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """SQLite's ``PRAGMA quick_check`` of ``conn``'s main database: ``[]`` when it passes,
    else its first :data:`_CHECK_LINES` lines (a page that cannot be read stops the check
    with an error: that error's text). Reads every page: about 1.3 s per 200 MB here."""
    try:
        rows = [str(r[0]) for r in conn.execute(f"PRAGMA quick_check({_CHECK_LINES})")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    if rows == ["ok"]:
        return []
    # a row may hold several lines, the first naming the schema ("*** in database main ***")
    lines = [x.strip() for r in rows for x in r.splitlines()]
    return [x for x in lines if x and not x.startswith("***")][:_CHECK_LINES] or rows


def _damaged_copy(
    conn: sqlite3.Connection, source: Path | None, target: Path, problems: list[str]
) -> DamagedCopyError:
    """The error for a copy ``target`` of ``conn`` (the project at ``source``) whose check
    found ``problems``: the project checked in turn tells whose damage it is."""
    said = "; ".join(p if len(p) <= 120 else p[:119] + "…" for p in problems)
    theirs = quick_check(conn)
    name = source if source is not None else Path("the project")
    if theirs:
        why = sqlite3.DatabaseError(f"quick_check: {said}")
        return DamagedCopyError(
            f"{damage_message(name, why)} A copy would hold the same damage: {target} was "
            "not written.",
            True,
            problems,
        )
    return DamagedCopyError(
        f"{target}: the copy was damaged while it was written (SQLite quick_check: {said}), "
        f"though {name} itself passes the check; it was not kept. A failing drive? Try "
        "again, or write the copy to another drive.",
        False,
        problems,
    )


def backup_file(
    conn: sqlite3.Connection,
    dest: str | os.PathLike[str],
    paced: bool = False,
    check: bool = False,
    source: Path | None = None,
) -> Path:
    """Write a consistent copy of the open database to ``dest`` as one self-contained file.

    Uses SQLite's online backup (a snapshot, even while other programs write), writes under
    a temporary name beside ``dest`` and moves it into place, so ``dest`` is never half
    written; the copy is switched out of WAL mode so it has no ``-wal``/``-shm`` companions.

    ``paced``: copy :data:`BACKUP_STEP_PAGES` pages at a time, syncing them to disk and
    resting :data:`BACKUP_REST_S` between steps, inside one read transaction of ``conn``
    (the snapshot: a step-by-step copy would otherwise start over at every commit of
    another program); the copy is synced once whole, before it is moved into place. For
    the backup command; the window's own Save a copy is not paced (it runs on its thread).

    ``check``: run SQLite's quick_check on the copy before it takes its name (about 1.3 s
    per 200 MB): a copy of a damaged project holds the same damage and must not be taken
    for a good backup (verify21 V2). ``source``: the project's path, for the message.

    Raises:
        DamagedCopyError: with ``check``, the copy fails quick_check; ``dest`` was not
            written (an existing ``dest`` is left as it was).
        ProjectError: ``dest`` is a folder or its folder does not exist.
        OSError: the copy cannot be written (disk full, no permission).
    """
    target = Path(dest)
    if target.is_dir():
        raise ProjectError(f"{target}: is a folder; give a file name for the copy")
    if not target.parent.exists():
        raise ProjectError(f"{target}: the folder {target.parent} does not exist")
    tmp = target.with_name(f".{target.name}.partial")
    for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
        leftover.unlink(missing_ok=True)
    try:
        out = sqlite3.connect(str(tmp))
        try:
            if paced:
                _paced_backup(conn, out, tmp)
            else:
                conn.backup(out)
            out.execute("PRAGMA journal_mode = DELETE")
            out.commit()
            problems = quick_check(out) if check else []
            if problems:
                raise _damaged_copy(conn, source, target, problems)
        finally:
            out.close()
        if paced:  # written with no sync of its own: on disk before it takes the name
            fd = os.open(tmp, os.O_RDWR)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _paced_backup(conn: sqlite3.Connection, out: sqlite3.Connection, tmp: Path) -> None:
    """:func:`backup_file`'s paced copy of ``conn`` into ``out`` (the file ``tmp``)."""
    # the copy is a new file under a temporary name, moved into place only when whole and
    # synced: no journal and no sync of its own while it is written
    out.execute("PRAGMA journal_mode = OFF")
    out.execute("PRAGMA synchronous = OFF")
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()  # the snapshot starts
    fd = os.open(tmp, os.O_RDWR)
    try:

        def rest(_status: int, remaining: int, _total: int) -> None:
            os.fsync(fd)  # a few megabytes at a time, not gigabytes at the end
            if remaining:
                time.sleep(BACKUP_REST_S)

        conn.backup(out, pages=BACKUP_STEP_PAGES, progress=rest)
        os.fsync(fd)
    finally:
        os.close(fd)
        if own:
            conn.execute("COMMIT")
