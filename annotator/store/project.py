"""The project repository: every read and write of a project file goes through here.

Each public write method is one user action: one transaction (``db.atomic()``) that also
appends a row to the change log, so a crash leaves either the whole action or none of it.
Methods nest (sqlite-utils uses savepoints inside an open transaction), so a batch import
can wrap many actions in :meth:`Project.batch` for speed.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from annotator.core.errors import (
    EditConflict,
    ProjectError,
    ProjectLockedError,
    ReadOnlyProjectError,
)
from annotator.core.model import (
    DEFAULT_STANCE_LABELS,
    MARKS_INSIDE_DEFAULT,
    MARKS_INSIDE_SETTING,
    AnnotationRecord,
    Article,
    Quote,
    Speaker,
    SpeakerFacts,
    StoredArticle,
    clean_target,
    encode_spans,
)
from annotator.core.speakers import guess_gender, guess_kind
from annotator.core.text import content_hash
from annotator.store import summary, waiting
from annotator.store.checkpointer import Checkpointer
from annotator.store.db import (
    backup_file,
    checkpoint,
    in_filter,
    now_iso,
    open_db,
    read_only_message,
    read_only_reason,
    schema_version,
)
from annotator.store.locks import lock_holder
from annotator.store.project_suggestions import ProjectSuggestions
from annotator.store.rows import quote_from_row, rows_to_records, speaker_from_row
from annotator.store.turns import TurnTimeout, write_turn

if TYPE_CHECKING:
    from annotator.store.counts import ArticleRow, Totals

#: SQLite virtual-machine steps between two looks at :meth:`Project.stop_when`'s question.
STOP_CHECK_STEPS = 10_000
#: Ids per ``IN (...)`` query when fetching many rows by id.
_ID_CHUNK = 500
#: Seconds the project file (the ``.db`` without its ``-wal``) may lag behind while writes
#: keep coming: a commit later than this after the last checkpoint checkpoints at once.
MAX_CHECKPOINT_LAG_S = 2.0
#: Longest wait (seconds) of a window's write for the lock (its :attr:`Project.write_wait`):
#: long enough for an import's group in another process to commit (COMMIT_INTERVAL_S),
#: short enough not to freeze the window (PRODUCT.md: no freeze over 200 ms).
WINDOW_WRITE_WAIT_S = 0.2
#: SQLite's automatic checkpoint (WAL pages) with :meth:`Project.sync_commits` on (its
#: default) and off (many short transactions: fewer, larger checkpoints).
_WAL_PAGES_SYNCED = 1000
_WAL_PAGES_UNSYNCED = 20_000
#: Seconds between two tries for the write lock while :attr:`Project.write_wait` is set.
#: SQLite's own busy handler sleeps up to 100 ms between tries, so it can miss every gap
#: between the short transactions of an import in another process; polling this often
#: finds the first gap (each try is one failed lock call, a few microseconds).
_LOCK_POLL_S = 0.001
#: Seconds without a write that end a burst; :meth:`Project.checkpoint_if_due` then copies it.
BURST_QUIET_S = 0.3

_ANNOTATION_SELECT = """
    SELECT a.*, an.name AS annotator_name, s.name AS speaker_name
    FROM annotations a
    JOIN annotators an ON an.id = a.annotator_id
    LEFT JOIN speakers s ON s.id = a.speaker_id
"""


#: What an INSERT or UPDATE of one annotation gives back: the row as stored with the names
#: :data:`_ANNOTATION_SELECT` joins (the written row without a second read, issue 16).
_ANNOTATION_RETURNING = """
    RETURNING *,
        (SELECT name FROM annotators WHERE annotators.id = annotator_id) AS annotator_name,
        (SELECT name FROM speakers WHERE speakers.id = speaker_id) AS speaker_name
"""


def _returned(cur: sqlite3.Cursor) -> dict[str, Any]:
    """The one row of a statement with :data:`_ANNOTATION_RETURNING`, by column name."""
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()  # all of them: the statement ends only once they are read
    return dict(zip(names, rows[0], strict=True))


class SuggestionDecidedElsewhere(EditConflict, sqlite3.IntegrityError):
    """The annotator's version of a suggestion exists already (an IntegrityError still,
    for callers that expect the UNIQUE constraint's)."""


class AnnotationChangedElsewhere(EditConflict):
    """The annotation to edit or delete is no longer the version the caller read (another
    window or process changed it since)."""


class AnnotationIdTaken(EditConflict, sqlite3.IntegrityError):
    """A deleted annotation cannot come back under its old id: another quote was stored
    under that id since (SQLite reuses the highest row id once it is deleted)."""


class ArticleTargetChangedElsewhere(EditConflict):
    """The article's stance target is no longer the one the caller read.

    Attributes:
        now: the target stored (None: the project's default applies).
    """

    def __init__(self, message: str, now: str | None) -> None:
        super().__init__(message)
        self.now = now


class ProgressChangedElsewhere(EditConflict):
    """The annotator's status on the article is no longer the one the caller read (another
    window or process marked it done, reopened it, since).

    Attributes:
        now: the status stored (new, in_progress, done).
    """

    def __init__(self, message: str, now: str) -> None:
        super().__init__(message)
        self.now = now


class Unchecked(Enum):
    """The ``expected`` of a write that is not conditional (any stored value will do)."""

    ANY = "any"


class AnnotationGone(EditConflict, KeyError):
    """The annotation to edit or delete no longer exists (a KeyError still, as before)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass
class Change:
    """The change-log row one :meth:`Project.action` writes when its transaction commits.

    The body of the ``with`` may fill in ``entity_id`` (e.g. the id of the row it inserted)
    and add to ``payload``; the row is written last, inside the same transaction.
    """

    action: str
    entity: str
    entity_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    actor: str | None = None


class Project(ProjectSuggestions):
    """A project file opened for reading and writing."""

    def __init__(
        self, db: Database, path: Path, readonly: bool = False, read_only_why: str = ""
    ) -> None:
        self.db = db
        self.path = path
        self.readonly = readonly
        #: why the project could not be opened for writing ("" when it was, or when it was
        #: opened read-only on purpose): :func:`~annotator.store.db.read_only_reason`
        self.read_only_why = read_only_why
        #: one line about the file found at open, for the status bar or the terminal ("":
        #: none), e.g. foreign planner statistics removed (:func:`~annotator.store.db.open_db`)
        self.open_note = ""
        self._annotator_ids: dict[str, int] = {}
        # while a logged_batch is open: "action entity" -> ids its actions would have logged
        self._batch_log: dict[str, list[int | None]] | None = None
        # WAL bookkeeping (time.monotonic() seconds): see _written and checkpoint_if_due
        self._wal_dirty = False
        self._last_write = 0.0
        self._last_checkpoint = 0.0
        self._writes = 0  # committed writes of this connection
        self._checkpointer: Checkpointer | None = None
        # speaker_names(): the names read last, the stamp they were read at, and the count
        # of writes to the speakers table on this connection (bumped by a temp trigger)
        self._speaker_names: list[str] | None = None
        self._speaker_names_at: tuple[int, int] | None = None
        self._speaker_writes = 0
        self._speaker_watch = False
        #: Longest wait (seconds) for the write lock before a write is refused with
        #: ProjectLockedError; None: the connection's busy timeout (10 s). A window sets
        #: a fraction of a second, so its thread never hangs on another program's lock.
        self.write_wait: float | None = None
        #: A polite writer (an import): before each transaction it lets a window that
        #: waits for the lock go first (see :mod:`annotator.store.waiting`).
        self.yields_to_windows = False
        self._no_wait = False
        #: Called on this connection's thread after each of its commits (a window takes
        #: the open article's stamp again, see Session.own_commit); None: nothing.
        self.on_commit: Callable[[], None] | None = None

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        create: bool = True,
        readonly: bool = False,
        progress: Callable[[str], None] | None = None,
    ) -> Project:
        """Open ``path`` (creating it when ``create``); see :func:`open_db` for the checks
        and ``progress`` (one line per upgrade step)."""
        p = Path(path)
        db = open_db(p, create=create, readonly=readonly, progress=progress)
        forced = not readonly and bool(db.execute("PRAGMA query_only").fetchone()[0])
        why = (read_only_reason(p) or "it cannot be written") if forced else ""
        project = cls(db, p, readonly or forced, why)
        project.open_note = str(getattr(db.conn, "open_note", ""))
        return project

    def data_version(self) -> int:
        """SQLite's ``PRAGMA data_version`` of this connection: a number that changes when
        another connection (another window, process or worker thread) commits to the file,
        never for this connection's own commits. Costs a few microseconds (no file read):
        cheap enough for every focus change."""
        return int(self.db.conn.execute("PRAGMA data_version").fetchone()[0])

    def interrupt(self) -> None:
        """Stop the statement running on this connection now; callable from any thread.

        The thread running it gets ``sqlite3.OperationalError("interrupted")`` (see
        :func:`~annotator.store.db.was_interrupted`); a write under way is rolled back by
        its action. No-op when no statement runs or the connection is closed.
        """
        with contextlib.suppress(sqlite3.ProgrammingError):  # closed meanwhile
            self.db.conn.interrupt()

    def stop_when(self, stop: Callable[[], bool] | None, every: int = STOP_CHECK_STEPS) -> None:
        """From now on a statement on this connection ends with
        ``sqlite3.OperationalError("interrupted")`` once ``stop()`` is true, checked every
        ``every`` SQLite virtual-machine steps (a few milliseconds; no measurable cost at
        10,000): for a pool task whose cancel may come between two statements, where
        :meth:`interrupt` has nothing to stop. None: never."""
        if stop is None:
            self.db.conn.set_progress_handler(None, 0)
        else:
            self.db.conn.set_progress_handler(lambda: bool(stop()), every)

    def close(self) -> None:
        """Close the connection, checkpointing first (SQLite also removes the WAL files
        when this is the last connection)."""
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        if not self.readonly and self._wal_dirty:
            self.checkpoint()
        self.db.close()

    # -- the project file stays whole: WAL checkpoints and copies ---------------------------

    def checkpoint_in_background(self) -> None:
        """From now on the checkpoints of :meth:`_written` and :meth:`checkpoint_if_due`
        run on a thread of their own (:class:`~annotator.store.checkpointer.Checkpointer`)
        and the calls return at once: for a window, whose thread must never wait for the
        flush of the ``.db`` to disk (0.8 s on a large project just copied). SQLite's own
        automatic checkpoint at commit is turned off on this connection for the same
        reason. :meth:`checkpoint` and :meth:`close` still checkpoint on the caller's
        thread. No-op when read-only or already on."""
        if self.readonly or self._checkpointer is not None:
            return
        self.db.execute("PRAGMA wal_autocheckpoint = 0")
        self._checkpointer = Checkpointer(self.path)

    @property
    def wal_pending(self) -> bool:
        """True while writes of this connection may be only in the ``-wal`` file."""
        self._take_background_checkpoint()
        return self._wal_dirty

    def _take_background_checkpoint(self) -> None:
        """The background checkpoint copied every write made so far: the file is whole."""
        if self._checkpointer is not None and self._checkpointer.done >= self._writes:
            self._wal_dirty = False

    def _written(self) -> None:
        """After each committed action: checkpoint when the file lags more than the limit."""
        self._wal_dirty = True
        self._writes += 1
        self._last_write = time.monotonic()
        if self._last_write - self._last_checkpoint >= MAX_CHECKPOINT_LAG_S:
            self._checkpoint_now_or_soon()
        if self.on_commit is not None:
            self.on_commit()

    def _checkpoint_now_or_soon(self) -> bool:
        """Checkpoint here, or ask the background thread to (then False: not done yet)."""
        if self._checkpointer is None:
            return self.checkpoint()
        self._checkpointer.request(self._writes)
        self._last_checkpoint = time.monotonic()
        return False

    def checkpoint(self) -> bool:
        """Copy committed writes into the ``.db`` file now (PASSIVE: never waits).

        Returns True when the file holds everything committed so far, so a copy of the
        ``.db`` alone is complete.
        """
        if self.readonly or self.db.conn.in_transaction:
            return False
        done = checkpoint(self.db.conn, "PASSIVE")
        self._last_checkpoint = time.monotonic()
        if done:
            self._wal_dirty = False
        return done

    def checkpoint_if_due(self, quiet_s: float = BURST_QUIET_S) -> bool:
        """Checkpoint when a burst of writes is over (``quiet_s`` seconds without one) or
        the file lags more than :data:`MAX_CHECKPOINT_LAG_S`; for idle timers, cheap
        otherwise. Returns True when a checkpoint ran and completed (in the background:
        when the background checkpoint asked for earlier has copied every write; a new
        one is asked for only when none is running)."""
        if self._checkpointer is not None:
            if not self._wal_dirty:
                return False
            self._take_background_checkpoint()
            if not self._wal_dirty:
                return True
            if self._checkpointer.pending:
                return False
        if not self._wal_dirty:
            return False
        now = time.monotonic()
        quiet = now - self._last_write >= quiet_s
        if not quiet and now - self._last_checkpoint < MAX_CHECKPOINT_LAG_S:
            return False
        return self._checkpoint_now_or_soon()

    def save_copy(
        self, dest: str | os.PathLike[str], paced: bool = False, check: bool = False
    ) -> Path:
        """Write a consistent single-file copy of the project to ``dest`` (SQLite backup;
        ``paced``: a few megabytes at a time with rests; ``check``: the copy is checked
        with SQLite's quick_check before it takes its name, see :func:`backup_file`).

        Raises:
            DamagedCopyError: with ``check``, the copy fails the check (the project file
                is damaged, or the copy was damaged on its way to the disk); ``dest`` was
                not written.
            ProjectError: ``dest`` is this project's file (or its -wal/-shm), a folder, or
                in a missing folder.
            OSError: the copy cannot be written.
        """
        target = Path(dest)
        own = self.path.resolve()
        mine = {own, own.with_name(own.name + "-wal"), own.with_name(own.name + "-shm")}
        if target.resolve() in mine:
            raise ProjectError(f"{target}: is the project file itself; choose another name")
        return backup_file(self.db.conn, target, paced, check=check, source=self.path)

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return schema_version(self.db)

    def batch(self) -> AbstractContextManager[Database]:
        """A transaction around many actions (nested actions become savepoints)."""
        return self._action()

    def transaction(self) -> AbstractContextManager[Database]:
        """One transaction (a savepoint when nested) with no change-log row of its own:
        for a write made of several logged actions. A failure rolls all of it back.

        Raises ReadOnlyProjectError or ProjectError as :meth:`action` does.
        """
        return self._action()

    @contextmanager
    def action(
        self,
        action: str,
        entity: str,
        entity_id: int | None = None,
        payload: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> Iterator[Change]:
        """One user action: a transaction that ends with its change-log row.

        ``with project.action("merge", "project") as change: ...`` runs the body in one
        transaction (a savepoint when nested in another action or :meth:`batch`); the body
        may set ``change.entity_id`` and extend ``change.payload``, and the row
        ``(action, entity, entity_id, payload, actor)`` is appended to ``changelog`` when
        the body returns. An exception rolls back the body and writes no row.

        Raises:
            ReadOnlyProjectError: the project is open read-only.
            ProjectError: another program holds the write lock past the busy timeout.
        """
        change = Change(action, entity, entity_id, dict(payload or {}), actor)
        with self._action():
            yield change
            self._log(change.action, change.entity, change.entity_id, change.payload, change.actor)

    @contextmanager
    def logged_batch(
        self,
        action: str,
        entity: str = "batch",
        payload: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> Iterator[Change]:
        """Many actions as one transaction and ONE change-log row (a bulk import).

        Inside, each action appends its id to the batch instead of writing a row of its
        own; the batch's row is ``(action, entity, payload)`` with ``payload`` extended by
        ``{"<action> <entity>": [ids...]}`` (e.g. ``"import article"``, ``"add annotation"``),
        so 100,000 imported quotes cost one small row per batch instead of one with the whole
        quote each. A failure rolls back the batch and logs nothing. Nested inside another
        logged batch it joins that one. Raises as :meth:`action` does.
        """
        if self._batch_log is not None:
            with self._action():
                yield Change(action, entity, None, dict(payload or {}), actor)
            return
        self._batch_log = {}
        try:
            with self.action(action, entity, None, payload, actor) as change:
                yield change
                change.payload.update(self._batch_log)
                self._batch_log = None
        finally:
            self._batch_log = None

    def _writable(self) -> None:
        if self.read_only_why:
            raise ReadOnlyProjectError(read_only_message(self.path, self.read_only_why))
        if self.readonly:
            raise ReadOnlyProjectError(f"{self.path}: is open read-only; nothing was changed")

    @contextmanager
    def _action(self) -> Iterator[Database]:
        """One transaction (a savepoint when nested); a failure rolls all of it back."""
        self._writable()
        log = self._batch_log
        marks = {k: len(v) for k, v in log.items()} if log is not None else {}
        try:
            if self.db.conn.in_transaction:
                with self.db.atomic() as db:
                    yield db
            else:
                if self.yields_to_windows:
                    waiting.let_waiting_writers_go(self.path)
                # writers of this file in this process take turns first (a background
                # import must not starve the window's accept, see store/turns.py)
                with self._turn():
                    # IMMEDIATE takes the write lock up front, so a second process waits for
                    # it (busy timeout) instead of failing when its read snapshot goes stale.
                    self._begin_immediate()
                    try:
                        yield self.db
                        # the list's summaries of the articles written, in this transaction
                        if summary.pending(self.db.conn):
                            summary.refresh(self.db.conn)
                    except BaseException:
                        self.db.conn.rollback()
                        raise
                    self.db.execute("COMMIT")
                self._written()
        except BaseException:
            # ids cached inside the rolled-back transaction may no longer exist
            self._annotator_ids.clear()
            if log is not None:  # nor may the ids a logged batch collected meanwhile
                for key in list(log):
                    del log[key][marks.get(key, 0) :]
                    if not log[key]:
                        del log[key]
            raise

    def sync_commits(self, on: bool) -> None:
        """Sync each commit to disk (on, the default: ``synchronous = FULL``) or not (off:
        ``NORMAL``, for a long run of short transactions such as an import's groups).

        Off, a commit is still atomic and ordered in the WAL; a power cut may lose the
        last commits, never part of one, and the next synced commit (any connection's)
        or checkpoint makes every commit before it durable. No-op when read-only or
        inside a transaction (SQLite keeps the level of the open one).
        """
        if not self.readonly and not self.db.conn.in_transaction:
            self.db.execute(f"PRAGMA synchronous = {'FULL' if on else 'NORMAL'}")
            # SQLite checkpoints (with two disk syncs) at any commit once the WAL holds
            # 1,000 pages: with a commit per short group that is nearly every commit, so
            # off, that waits for a larger WAL (the time-based checkpoints still run)
            if self._checkpointer is None:
                pages = _WAL_PAGES_SYNCED if on else _WAL_PAGES_UNSYNCED
                self.db.execute(f"PRAGMA wal_autocheckpoint = {pages}")

    @contextmanager
    def no_wait(self) -> Iterator[None]:
        """Writes inside start only when the write lock is free at once (this process's
        other writers and other programs): else they raise ProjectLockedError without
        waiting. For a write that may as well be made later (the resume position)."""
        old, self._no_wait = self._no_wait, True
        try:
            yield
        finally:
            self._no_wait = old

    def _lock_wait(self) -> float:
        """Seconds a write waits for the lock: :attr:`write_wait`, else the busy timeout."""
        if self._no_wait:
            return 0.0
        if self.write_wait is not None:
            return self.write_wait
        return float(self.db.execute("PRAGMA busy_timeout").fetchone()[0]) / 1000

    def _begin_immediate(self) -> None:
        """Start the write transaction, waiting for the lock as :attr:`write_wait` says.

        With :attr:`write_wait` (a window), the lock is polled every millisecond, and
        while it is taken the other programs are told that a window waits (a flag file,
        :mod:`annotator.store.waiting`): a polite writer such as an import lets it go
        before its next transaction."""
        if self.write_wait is None and not self._no_wait:
            try:
                self.db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise self._write_error(exc) from None
            return
        conn = self.db.conn
        busy_ms = conn.execute("PRAGMA busy_timeout").fetchone()[0]
        deadline = time.monotonic() + self._lock_wait()
        conn.execute("PRAGMA busy_timeout = 0")  # this loop polls instead of SQLite's sleeps
        flagged = False
        flag: str | None = None
        fresh_at = 0.0
        try:
            while True:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    msg = str(exc)
                    if ("locked" not in msg and "busy" not in msg) or (
                        time.monotonic() >= deadline
                    ):
                        raise self._write_error(exc) from None
                if not flagged:
                    flagged = True
                    flag = waiting.raise_flag(self.path)
                    fresh_at = time.monotonic()
                elif flag is not None and time.monotonic() - fresh_at > waiting.FLAG_STALE_S / 4:
                    waiting.refresh_flag(self.path, flag)  # still waiting: still fresh
                    fresh_at = time.monotonic()
                time.sleep(_LOCK_POLL_S)
        finally:
            if flag is not None:
                waiting.lower_flag(self.path, flag)
            conn.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")

    @contextmanager
    def _turn(self) -> Iterator[None]:
        """This process's write turn for the file, waiting at most the busy timeout (also
        with :attr:`write_wait`: the other writers of this process take short turns, first
        come first served, so a window's write waits for one group of its own import;
        none at all under :meth:`no_wait`)."""
        timeout = float(self.db.execute("PRAGMA busy_timeout").fetchone()[0]) / 1000
        if self._no_wait:
            timeout = 0.0
        try:
            with write_turn(self.path, timeout):
                yield
        except TurnTimeout:
            locked = sqlite3.OperationalError("database is locked")
            raise self._write_error(locked, timeout) from None

    def _write_error(
        self, exc: sqlite3.OperationalError, waited: float | None = None
    ) -> ProjectError:
        """A failure to start a write, as a sentence naming the project file (``waited``:
        the seconds waited for the lock, when not :meth:`_lock_wait`)."""
        msg = str(exc)
        if "locked" in msg or "busy" in msg:
            waited = self._lock_wait() if waited is None else waited
            holder = lock_holder(self.path)
            who = f"another program ({holder})" if holder else "another program"
            refusal = f"{self.path}: is locked by {who} (waited {waited:g} s)"
            return ProjectLockedError(f"{refusal}; nothing was changed", refusal, holder)
        if "readonly" in msg or "read-only" in msg:
            why = read_only_reason(self.path) or f"SQLite says: {msg}"
            return ReadOnlyProjectError(
                read_only_message(self.path, why), read_only_message(self.path, why, "").rstrip()
            )
        refusal = f"{self.path}: cannot be written ({msg})"
        return ProjectError(f"{refusal}; nothing was changed", refusal)

    def _log(
        self,
        action: str,
        entity: str,
        entity_id: int | None,
        payload: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> None:
        if self._batch_log is not None:
            self._batch_log.setdefault(f"{action} {entity}", []).append(entity_id)
            return
        self.db.execute(
            "INSERT INTO changelog (ts, actor, action, entity, entity_id, payload) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [now_iso(), actor, action, entity, entity_id, json.dumps(payload or {})],
        )

    # -- settings ----------------------------------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return default if row is None else json.loads(row[0])

    def set_setting(self, key: str, value: Any, actor: str | None = None) -> Any:
        """Store a setting; return the previous value (for undo)."""
        with self._action():
            old = self.get_setting(key)
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, json.dumps(value)],
            )
            self._log("set", "setting", None, {"key": key, "old": old, "new": value}, actor)
        return old

    def stance_labels(self) -> list[str]:
        labels = self.get_setting("stance_labels")
        return list(labels) if labels else list(DEFAULT_STANCE_LABELS)

    def stance_target(self) -> str:
        return str(self.get_setting("stance_target", "") or "")

    def set_article_target(
        self,
        article_id: int,
        target: str | None,
        actor: str | None = None,
        expected: str | None | Unchecked = Unchecked.ANY,
    ) -> str | None:
        """Set (None: clear) the stance target of one article; return the previous one.

        ``expected``: the target the caller read (None: none set); the write happens only
        while the stored one is still that (default: whatever it is).

        Raises:
            KeyError: an unknown article.
            EditConflict: (with ``expected``) another window or process set another
                target since (:class:`ArticleTargetChangedElsewhere`). Nothing written.
        """
        target = clean_target(target)
        with self._action():
            old = self.article(article_id).stance_target
            if expected is not Unchecked.ANY and old != clean_target(expected):
                raise ArticleTargetChangedElsewhere(
                    f"article {article_id}'s stance target was changed since it was read", old
                )
            self.db.execute(
                "UPDATE articles SET stance_target = ? WHERE id = ?", [target, article_id]
            )
            self._log("set", "article_target", article_id, {"old": old, "new": target}, actor)
        return old

    def stance_targets_used(self) -> list[str]:
        """Every stance target in the project (default, articles, annotations, gold), by use."""
        rows = self.db.execute(
            """
            SELECT t, sum(n) AS n FROM (
                SELECT stance_target AS t, count(*) AS n FROM annotations
                  WHERE stance_target IS NOT NULL GROUP BY stance_target
                UNION ALL
                SELECT stance_target, count(*) FROM gold_quotes
                  WHERE stance_target IS NOT NULL GROUP BY stance_target
                UNION ALL
                SELECT stance_target, count(*) FROM articles
                  WHERE stance_target IS NOT NULL GROUP BY stance_target
            ) GROUP BY t ORDER BY n DESC, t
            """
        )
        found = [str(r[0]) for r in rows]
        default = self.stance_target()
        return list(dict.fromkeys(([default] if default else []) + found))

    def guidelines(self) -> str:
        return str(self.get_setting("guidelines", "") or "")

    def marks_inside(self) -> bool:
        """Do direct quotes include their quotation marks (setting ``quote_marks_inside``)?"""
        return bool(self.get_setting(MARKS_INSIDE_SETTING, MARKS_INSIDE_DEFAULT))

    # -- annotators and speakers ---------------------------------------------------------------

    def annotator_id(self, name: str, create: bool = True) -> int | None:
        """The id of annotator ``name``, creating the annotator when ``create``."""
        name = name.strip()
        if not name:
            raise ValueError("an annotator needs a name")
        if name in self._annotator_ids:
            return self._annotator_ids[name]
        row = self.db.execute("SELECT id FROM annotators WHERE name = ?", [name]).fetchone()
        if row is None:
            if not create:
                return None
            with self._action():
                cur = self.db.execute(
                    "INSERT INTO annotators (name, created_at) VALUES (?, ?)", [name, now_iso()]
                )
                ident = int(cur.lastrowid or 0)
                self._log("add", "annotator", ident, {"name": name}, name)
        else:
            ident = int(row[0])
        self._annotator_ids[name] = ident
        return ident

    def annotators(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM annotators ORDER BY name")]

    def find_speaker(self, name: str | None) -> Speaker | None:
        """The registry entry called ``name``: by name or alias, case-insensitively."""
        if name is None or not name.strip():
            return None
        rows = list(self.db.query("SELECT * FROM speakers WHERE name = ?", [name.strip()]))
        if not rows:
            rows = list(
                self.db.query(
                    "SELECT s.* FROM speakers s, json_each(s.aliases) j "
                    "WHERE lower(j.value) = lower(?) LIMIT 1",
                    [name.strip()],
                )
            )
        if not rows:
            return None
        return speaker_from_row(rows[0])

    def speaker_id(
        self,
        name: str | None,
        kind: str = "unknown",
        create: bool = True,
        facts: SpeakerFacts | None = None,
    ) -> int | None:
        """The registry id of speaker ``name`` (see :meth:`find_speaker`), created if needed.

        ``facts`` (from an imported file) give a new speaker its type and gender with its
        guessed flag; without them a person's gender is pre-filled as a guess. An existing
        entry takes from ``facts`` only what it lacks (:meth:`_apply_speaker_facts`).
        """
        if name is None or not name.strip():
            return None
        name = name.strip()
        found = self.find_speaker(name)
        if found is not None:
            if facts is not None and create:
                self._apply_speaker_facts(found, facts)
            return found.id
        if not create:
            return None
        with self._action():
            kind = facts.kind if facts is not None and facts.kind is not None else kind
            # A person's gender is pre-filled as a guess (marked so) for the registry, and an
            # unknown type from the name's words (core.speakers.guess_kind).
            gender = "unknown" if kind in ("organisation", "group") else guess_gender(name)
            guessed = gender != "unknown"
            if kind == "unknown":
                kind = guess_kind(name, gender)
            if facts is not None and facts.gender is not None:
                gender = facts.gender
                guessed = bool(facts.gender_guessed) and gender != "unknown"
            cur = self.db.execute(
                "INSERT INTO speakers (name, kind, gender, gender_guessed, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [name, kind, gender, int(guessed), now_iso()],
            )
            ident = int(cur.lastrowid or 0)
            self._log("add", "speaker", ident, {"name": name, "kind": kind, "gender": gender})
        return ident

    def _apply_speaker_facts(self, speaker: Speaker, facts: SpeakerFacts) -> None:
        """Fill what the registry entry lacks from an imported file's ``facts`` (logged).

        The analyst's values win: a type other than ``unknown`` is kept, and so is a gender
        that is not ``unknown`` and not guessed. A guessed gender is replaced only by one the
        file marks as set (``gender_guessed`` false); an ``unknown`` one by any known gender,
        with the file's guessed flag.
        """
        changes: dict[str, Any] = {}
        if speaker.kind == "unknown" and facts.kind not in (None, "unknown"):
            changes["kind"] = facts.kind
        file_set = facts.gender_guessed is False
        takes = speaker.gender == "unknown" or (speaker.gender_guessed and file_set)
        new = (facts.gender, not file_set)
        if (
            facts.gender not in (None, "unknown")
            and takes
            and new
            != (
                speaker.gender,
                speaker.gender_guessed,
            )
        ):
            changes["gender"] = facts.gender
            changes["gender_guessed"] = int(not file_set)
        if not changes:
            return
        with self._action():
            sets = ", ".join(f"{col} = ?" for col in changes)
            self.db.execute(
                f"UPDATE speakers SET {sets} WHERE id = ?", [*changes.values(), speaker.id]
            )
            self._log("set", "speaker", speaker.id, {"name": speaker.name, **changes})

    def speakers(self) -> list[Speaker]:
        rows = self.db.query("SELECT * FROM speakers ORDER BY name COLLATE NOCASE")
        return [speaker_from_row(r) for r in rows]

    def speaker_names(self) -> list[str]:
        """Every registry name and alias (names in name order, each followed by its
        aliases), for autocompletion: a new list each call.

        The registry is read again only when it may have changed: a write to the speakers
        table on this connection (any code path; a temporary trigger counts them) or a
        commit by another connection (``PRAGMA data_version``). Otherwise no query runs, so
        an article change costs nothing however large the registry (issue 16). Names read
        inside a transaction are not kept (a rollback may undo them).
        """
        self._watch_speakers()
        stamp = (self._speaker_writes, int(self.db.execute("PRAGMA data_version").fetchone()[0]))
        if self._speaker_names is not None and stamp == self._speaker_names_at:
            return list(self._speaker_names)
        names: list[str] = []
        for sp in self.speakers():
            names.append(sp.name)
            names.extend(sp.aliases)
        # inside a transaction the names may yet be rolled back: not kept
        self._speaker_names = None if self.db.conn.in_transaction else names
        self._speaker_names_at = stamp
        return list(names)

    def _watch_speakers(self) -> None:
        """Count this connection's writes to the speakers table (temporary triggers, not
        stored in the file); a read-only connection writes none, so it needs none."""
        if self._speaker_watch:
            return
        self._speaker_watch = True
        if self.readonly:
            return

        def bump() -> int:
            self._speaker_writes += 1
            return 0

        conn = self.db.conn
        conn.create_function("qa_speakers_written", 0, bump)
        for event in ("INSERT", "UPDATE", "DELETE"):
            conn.execute(
                f"CREATE TEMP TRIGGER IF NOT EXISTS qa_speakers_{event.lower()} AFTER {event}"
                " ON main.speakers BEGIN SELECT qa_speakers_written(); END"
            )

    def add_speaker_alias(self, speaker_id: int, alias: str) -> None:
        with self._action():
            row = self.db.execute(
                "SELECT aliases FROM speakers WHERE id = ?", [speaker_id]
            ).fetchone()
            if row is None:
                raise KeyError(speaker_id)
            aliases = json.loads(row[0])
            if alias not in aliases:
                aliases.append(alias)
                self.db.execute(
                    "UPDATE speakers SET aliases = ? WHERE id = ?",
                    [json.dumps(aliases), speaker_id],
                )
                self._log("alias", "speaker", speaker_id, {"alias": alias})

    # -- articles -----------------------------------------------------------------------------

    def add_article(
        self, article: Article, source: str | None = None, actor: str | None = None
    ) -> tuple[int, bool]:
        """Add ``article`` unless the same text is already here; return (id, added)."""
        digest = content_hash(article.text)
        row = self.db.execute("SELECT id FROM articles WHERE content_hash = ?", [digest]).fetchone()
        if row is not None:
            return int(row[0]), False
        with self._action():
            cur = self.db.execute(
                "INSERT INTO articles (ext_id, title, text, meta, content_hash, source,"
                " imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    article.ext_id,
                    article.title,
                    article.text,
                    json.dumps(article.meta, ensure_ascii=False),
                    digest,
                    source,
                    now_iso(),
                ],
            )
            ident = int(cur.lastrowid or 0)
            self._log("import", "article", ident, {"source": source, "hash": digest}, actor)
        return ident, True

    def article_id_by_hash(self, digest: str) -> int | None:
        row = self.db.execute("SELECT id FROM articles WHERE content_hash = ?", [digest]).fetchone()
        return None if row is None else int(row[0])

    def article(self, article_id: int) -> StoredArticle:
        rows = list(self.db.query("SELECT * FROM articles WHERE id = ?", [article_id]))
        if not rows:
            raise KeyError(f"no article {article_id}")
        return self._article_from_row(rows[0])

    @staticmethod
    def _article_from_row(r: dict[str, Any]) -> StoredArticle:
        return StoredArticle(
            id=r["id"],
            title=r["title"],
            text=r["text"],
            meta=json.loads(r["meta"]),
            content_hash=r["content_hash"],
            ext_id=r["ext_id"],
            source=r["source"],
            imported_at=r["imported_at"],
            stance_target=r.get("stance_target"),
        )

    def iter_articles(self, ids: Sequence[int] | None = None) -> Iterator[StoredArticle]:
        """Stream articles in id order (all, or those in ``ids``)."""
        if ids is None:
            for r in self.db.query("SELECT * FROM articles ORDER BY id"):
                yield self._article_from_row(r)
        else:
            # one query per chunk, not per article (SQLite caps the number of parameters)
            ids = list(ids)
            for start in range(0, len(ids), _ID_CHUNK):
                chunk = ids[start : start + _ID_CHUNK]
                marks = ", ".join("?" for _ in chunk)
                rows = {
                    r["id"]: r
                    for r in self.db.query(f"SELECT * FROM articles WHERE id IN ({marks})", chunk)
                }
                for ident in chunk:
                    if ident not in rows:
                        raise KeyError(f"no article {ident}")
                    yield self._article_from_row(rows[ident])

    def article_ids(self) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT id FROM articles ORDER BY id")]

    def existing_article_ids(self, ids: Sequence[int]) -> set[int]:
        """Those of ``ids`` that are articles of the project (one primary-key probe each)."""
        out: set[int] = set()
        ids = list(dict.fromkeys(ids))
        for start in range(0, len(ids), _ID_CHUNK):
            chunk = ids[start : start + _ID_CHUNK]
            marks = ", ".join("?" for _ in chunk)
            rows = self.db.execute(f"SELECT id FROM articles WHERE id IN ({marks})", chunk)
            out.update(int(r[0]) for r in rows)
        return out

    def count_articles(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def search_articles(self, query: str) -> list[int]:
        """Ids of articles whose title or text match ``query`` (FTS5, words ANDed)."""
        words = [w for w in query.split() if w]
        if not words:
            return self.article_ids()
        fts = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        try:
            rows = self.db.execute(
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid", [fts]
            )
            return [int(r[0]) for r in rows]
        except sqlite3.OperationalError:
            return []

    def article_summaries(self, annotator: str | None = None) -> list[ArticleRow]:
        """Rows for the article list (id order), with status and counts for ``annotator``.

        See :mod:`annotator.store.counts` for what the counts mean.
        """
        from annotator.store import counts

        return counts.article_rows(self, annotator)

    def article_row(self, article_id: int, annotator: str | None = None) -> ArticleRow:
        """The article-list row of one article (KeyError when there is no such article)."""
        from annotator.store import counts

        return counts.article_row(self, article_id, annotator)

    def totals(self, annotator: str | None = None) -> Totals:
        """The annotator's done/total articles and quotes over the project."""
        from annotator.store import counts

        return counts.totals(self, annotator)

    # -- annotations --------------------------------------------------------------------------

    def _annotation_values(
        self,
        quote: Quote,
        speaker_ids: SpeakerIds | None = None,
        encoded: tuple[str, str, str] | None = None,
    ) -> dict[str, Any]:
        """The annotation columns of ``quote``; ``speaker_ids`` resolves its speaker name
        and applies its ``speaker_facts`` (default :meth:`speaker_id`; a
        :class:`SpeakerIds` for loops over many quotes); ``encoded``: its (content,
        speaker, cue) spans already encoded (:func:`encode_spans`), when the caller has them."""
        content, spk, cue = encoded or (
            encode_spans(quote.content_spans),
            encode_spans(quote.speaker_spans),
            encode_spans(quote.cue_spans),
        )
        if speaker_ids is None:
            speaker = self.speaker_id(quote.speaker_name, facts=quote.speaker_facts)
        else:
            speaker = speaker_ids(quote.speaker_name, quote.speaker_facts)
        return {
            "content_spans": content,
            "speaker_spans": spk,
            "cue_spans": cue,
            "speaker_text": quote.speaker_text,
            "speaker_id": speaker,
            "kind": quote.kind,
            "stance": quote.stance,
            "stance_target": clean_target(quote.stance_target),
            "status": quote.status,
            "origin": quote.origin,
            "confidence": quote.confidence,
            "note": quote.note,
            "extra": json.dumps(dict(quote.extra), ensure_ascii=False) if quote.extra else "{}",
        }

    def add_annotation(
        self,
        article_id: int,
        annotator: str,
        quote: Quote,
        suggestion_id: int | None = None,
        annotation_id: int | None = None,
    ) -> int:
        """Store ``annotator``'s version of a quote; return its id.

        ``annotation_id`` re-creates a deleted annotation under its old id (undo).

        Raises:
            EditConflict: ``annotator`` already has a version of ``suggestion_id`` (written
                by another window or process since this one read the article).
        """
        return self.add_annotation_stored(
            article_id, annotator, quote, suggestion_id, annotation_id
        ).id

    def add_annotation_stored(
        self,
        article_id: int,
        annotator: str,
        quote: Quote,
        suggestion_id: int | None = None,
        annotation_id: int | None = None,
    ) -> AnnotationRecord:
        """:meth:`add_annotation`, returning the annotation as stored (the speaker's
        registry name, the cleaned target…) from the INSERT itself: no second read."""
        with self._action():
            ann_id = self.annotator_id(annotator)
            values = self._annotation_values(quote)
            now = now_iso()
            values.update(
                article_id=article_id,
                annotator_id=ann_id,
                suggestion_id=suggestion_id,
                created_at=now,
                updated_at=now,
            )
            if annotation_id is not None:
                values["id"] = annotation_id
            cols = ", ".join(values)
            marks = ", ".join("?" for _ in values)
            try:
                row = _returned(
                    self.db.execute(
                        f"INSERT INTO annotations ({cols}) VALUES ({marks})"
                        + _ANNOTATION_RETURNING,
                        list(values.values()),
                    )
                )
            except sqlite3.IntegrityError as exc:
                # UNIQUE (annotator_id, suggestion_id): decided meanwhile by another window
                # of the same annotator (the window's view was stale)
                if suggestion_id is not None and "suggestion_id" in str(exc):
                    raise SuggestionDecidedElsewhere(
                        f"suggestion {suggestion_id} already has {annotator}'s version",
                        suggestion_id=suggestion_id,
                    ) from None
                if annotation_id is not None and "annotations.id" in str(exc):
                    raise AnnotationIdTaken(
                        f"annotation id {annotation_id} was given to another quote since",
                        annotation_id=annotation_id,
                    ) from None
                raise
            ident = int(row["id"])
            self._log("add", "annotation", ident, quote.to_json(), annotator)
            self._touch_progress(article_id, ann_id, ident)
        return self._annotation_from_row(row)

    def update_annotation(
        self,
        annotation_id: int,
        quote: Quote,
        actor: str | None = None,
        expected: Quote | None = None,
    ) -> Quote:
        """Replace an annotation's content with ``quote``; return the previous version.

        ``expected``: the version the caller read (a window's view of the quote); the
        write happens only while the stored version is still equal to it (every field
        :class:`Quote` compares: spans, speaker, kind, stance, target, status, origin,
        confidence, note), so an edit never silently overwrites another window's.

        Raises:
            EditConflict: the annotation is gone (deleted elsewhere), or (with
                ``expected``) it was changed elsewhere since it was read. Nothing written.
        """
        return self.update_annotation_stored(annotation_id, quote, actor, expected)[0]

    def update_annotation_stored(
        self,
        annotation_id: int,
        quote: Quote,
        actor: str | None = None,
        expected: Quote | None = None,
    ) -> tuple[Quote, Quote]:
        """:meth:`update_annotation`, returning (previous version, version as stored: the
        speaker's registry name, the cleaned target…), the latter from the UPDATE itself
        (no second read). Raises as :meth:`update_annotation`."""
        with self._action():
            old = self._existing_annotation(annotation_id, expected)
            values = self._annotation_values(quote)
            values["updated_at"] = now_iso()
            sets = ", ".join(f"{k} = ?" for k in values)
            row = _returned(
                self.db.execute(
                    f"UPDATE annotations SET {sets} WHERE id = ?" + _ANNOTATION_RETURNING,
                    [*values.values(), annotation_id],
                )
            )
            self._log(
                "update",
                "annotation",
                annotation_id,
                {"old": old.quote.to_json(), "new": quote.to_json()},
                actor or old.quote.annotator,
            )
        return old.quote, quote_from_row(row)

    def delete_annotation(
        self, annotation_id: int, actor: str | None = None, expected: Quote | None = None
    ) -> AnnotationRecord:
        """Delete an annotation; return it as it was (for undo).

        ``expected``: as for :meth:`update_annotation` (delete only the version read).

        Raises:
            EditConflict: the annotation is gone (deleted elsewhere), or (with
                ``expected``) it was changed elsewhere since it was read. Nothing deleted.
        """
        with self._action():
            old = self._existing_annotation(annotation_id, expected)
            self.db.execute("DELETE FROM annotations WHERE id = ?", [annotation_id])
            self._log(
                "delete",
                "annotation",
                annotation_id,
                old.quote.to_json(),
                actor or old.quote.annotator,
            )
        return old

    def _existing_annotation(
        self, annotation_id: int, expected: Quote | None = None
    ) -> AnnotationRecord:
        """The stored annotation (read inside the writing transaction, so the check and
        the write see the same row); raises EditConflict when it is gone or, with
        ``expected``, differs from the version the caller read."""
        try:
            rec = self.annotation(annotation_id)
        except KeyError:
            raise AnnotationGone(
                f"annotation {annotation_id} no longer exists", annotation_id=annotation_id
            ) from None
        if expected is not None and rec.quote != expected:
            raise AnnotationChangedElsewhere(
                f"annotation {annotation_id} was changed since it was read",
                annotation_id=annotation_id,
            )
        return rec

    def annotation(self, annotation_id: int) -> AnnotationRecord:
        rows = list(self.db.query(_ANNOTATION_SELECT + " WHERE a.id = ?", [annotation_id]))
        if not rows:
            raise KeyError(f"no annotation {annotation_id}")
        return self._annotation_from_row(rows[0])

    @staticmethod
    def _annotation_from_row(r: dict[str, Any]) -> AnnotationRecord:
        return AnnotationRecord(
            r["id"],
            r["article_id"],
            r["suggestion_id"],
            quote_from_row(r),
            r["created_at"],
            r["updated_at"],
        )

    def annotations(
        self, article_id: int, annotator: str | None = None, problems: list[str] | None = None
    ) -> list[AnnotationRecord]:
        """Annotations of an article (of one annotator, or all), in text order.

        With ``problems``, unreadable rows are skipped and named there instead of raising.
        """
        sql = _ANNOTATION_SELECT + " WHERE a.article_id = ?"
        params: list[Any] = [article_id]
        if annotator is not None:
            sql += " AND an.name = ?"
            params.append(annotator)
        recs = rows_to_records(
            self.db.query(sql, params), self._annotation_from_row, problems, "annotations"
        )
        recs.sort(key=lambda r: (r.quote.start, r.quote.end, r.id))
        return recs

    def iter_annotation_rows(
        self,
        annotators: Sequence[str] | None = None,
        statuses: Sequence[str] | None = None,
        kinds: Sequence[str] | None = None,
        article_ids: Sequence[int] | None = None,
    ) -> Iterator[AnnotationRecord]:
        """Stream annotations (filtered; ``article_ids``: of those articles only, at most a
        few hundred), ordered by article then position."""
        sql = _ANNOTATION_SELECT + " WHERE 1"
        params: list[Any] = []
        sql += in_filter("a.article_id", article_ids, params)
        for column, values in (("an.name", annotators), ("a.status", statuses), ("a.kind", kinds)):
            sql += in_filter(column, values, params)
        sql += " ORDER BY a.article_id, json_extract(a.content_spans, '$[0][0]'), a.id"
        for r in self.db.query(sql, params):
            yield self._annotation_from_row(r)

    def annotators_sharing_articles(
        self, statuses: Sequence[str] | None = None, kinds: Sequence[str] | None = None
    ) -> list[str]:
        """Annotators with annotations (of these statuses and kinds) on an article that
        another annotator also annotated, sorted; empty when no article has two versions."""
        params: list[Any] = []
        where = in_filter("a.status", statuses, params) + in_filter("a.kind", kinds, params)
        sql = (
            "WITH chosen AS (SELECT a.article_id, a.annotator_id FROM annotations a"
            f" WHERE 1{where}),"
            " shared AS (SELECT article_id FROM chosen GROUP BY article_id"
            " HAVING count(DISTINCT annotator_id) > 1)"
            " SELECT DISTINCT an.name FROM chosen c JOIN annotators an ON an.id = c.annotator_id"
            " WHERE c.article_id IN (SELECT article_id FROM shared) ORDER BY an.name"
        )
        return [str(r[0]) for r in self.db.execute(sql, params)]

    #: :meth:`annotators_who_share` over the per-article summary (``{rows}`` one row per
    #: annotator and article, the primary key and ``annotator_summary_article``) or, when
    #: the summary lags (a write made outside the store), over ``annotations`` itself
    #: (``annotations_annotator``, covering). Plans asserted in tests/store.
    SHARING_SQL = """
        WITH chosen AS MATERIALIZED (
            SELECT an.id, an.name FROM annotators an
            WHERE EXISTS (SELECT 1 FROM annotations x
                          WHERE x.annotator_id = an.id AND x.status = ?))
        SELECT c.name FROM chosen c
        WHERE EXISTS (
            SELECT 1 FROM {rows} w WHERE w.annotator_id = c.id
              AND EXISTS (SELECT 1 FROM {rows} o
                          WHERE o.article_id = w.article_id AND o.annotator_id <> c.id
                            AND o.annotator_id IN (SELECT id FROM chosen)))
        ORDER BY c.name
    """

    def annotators_who_share(self, status: str = "accepted") -> list[str]:
        """Annotators with an annotation of ``status`` who share an article with another
        such annotator (both have an annotation there, of any status), sorted by name;
        empty when no article was annotated by two of them.

        What the agreement dashboard ticks by default: a pair that shares no article has
        nothing to compare. One query; stops at the first shared article of each
        annotator (0.3 s -> 3 ms at 10,000 articles for an annotator who shares none,
        reading the summary's row per article instead of each annotation).
        """
        rows = "annotator_summary" if summary.is_current(self.db.conn) else "annotations"
        sql = self.SHARING_SQL.format(rows=rows)
        return [str(r[0]) for r in self.db.execute(sql, [status])]

    def annotation_span_keys(self, article_id: int) -> set[tuple[str, str, str, str]]:
        """(annotator, content, speaker and cue spans as :func:`encode_spans` text) of
        every annotation of the article: what an import compares to skip a quote it has."""
        rows = self.db.execute(
            "SELECT an.name, a.content_spans, a.speaker_spans, a.cue_spans FROM annotations a "
            "JOIN annotators an ON an.id = a.annotator_id WHERE a.article_id = ?",
            [article_id],
        )
        return {(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows}

    def annotators_with_status(self, status: str) -> list[str]:
        """Names of the annotators with at least one annotation of ``status``, sorted."""
        # one probe per annotator (annotations_annotator), not a pass over every annotation
        rows = self.db.execute(
            "SELECT an.name FROM annotators an WHERE EXISTS (SELECT 1 FROM annotations a"
            " WHERE a.annotator_id = an.id AND a.status = ?) ORDER BY an.name",
            [status],
        )
        return [str(r[0]) for r in rows]

    def workers_by_article(self) -> dict[int, set[str]]:
        """Article id -> the annotators who worked on it: have an annotation there, or
        marked it done. Articles nobody worked on are absent."""
        out: dict[int, set[str]] = {}
        rows = self.db.execute(
            "SELECT DISTINCT a.article_id, an.name FROM annotations a"
            " JOIN annotators an ON an.id = a.annotator_id"
            " UNION SELECT p.article_id, an.name FROM article_progress p"
            " JOIN annotators an ON an.id = p.annotator_id WHERE p.status = 'done'"
        )
        for article_id, name in rows:
            out.setdefault(int(article_id), set()).add(str(name))
        return out

    def annotation_counts(self, status: str | None = None) -> dict[str, int]:
        """Annotator name -> how many annotations (of ``status``; None: any) they have, for
        every annotator of the project (0 included), by name.

        One count per annotator over their rows of ``annotations_annotator``: a project-wide
        read (about a second at 100,000 articles), so not for a GUI thread.
        """
        where = "" if status is None else " AND a.status = ?"
        rows = self.db.execute(
            "SELECT an.name, (SELECT count(*) FROM annotations a WHERE a.annotator_id = an.id"
            f"{where}) FROM annotators an ORDER BY an.name",
            [] if status is None else [status],
        )
        return {str(name): int(n) for name, n in rows}

    def articles_worked_by(
        self, annotators: Sequence[str], min_workers: int = 1
    ) -> list[tuple[int, frozenset[str]]]:
        """(article id, the ``annotators`` who worked on it), ascending, for the articles at
        least ``min_workers`` of them worked on (an annotation there, or marked it done).

        One grouped pass over the chosen annotators' rows of ``annotations_annotator`` (a
        covering index) and their done marks: the agreement's pre-filter, a fraction of a
        second at 100,000 articles where :meth:`workers_by_article` took 1.6 s in Python.
        """
        ids = {i: n for n in annotators if (i := self.annotator_id(n, create=False))}
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        rows = self.db.execute(
            "SELECT w.article_id, group_concat(w.annotator_id) FROM ("
            f"SELECT article_id, annotator_id FROM annotations WHERE annotator_id IN ({marks})"
            " UNION SELECT article_id, annotator_id FROM article_progress"
            f" WHERE status = 'done' AND annotator_id IN ({marks})"
            ") w GROUP BY w.article_id HAVING count(*) >= ? ORDER BY w.article_id",
            [*ids, *ids, min_workers],
        )
        return [
            (int(aid), frozenset(ids[int(x)] for x in str(who).split(","))) for aid, who in rows
        ]

    def count_articles_annotated(self, annotator: str) -> int:
        """How many articles hold at least one annotation of ``annotator`` (any status)."""
        row = self.db.execute(
            "SELECT count(DISTINCT a.article_id) FROM annotations a JOIN annotators an"
            " ON an.id = a.annotator_id WHERE an.name = ?",
            [annotator],
        ).fetchone()
        return int(row[0])

    def count_articles_done(self, annotator: str) -> int:
        """How many articles ``annotator`` has marked done."""
        row = self.db.execute(
            "SELECT count(*) FROM article_progress p JOIN annotators an"
            " ON an.id = p.annotator_id WHERE an.name = ? AND p.status = 'done'",
            [annotator],
        ).fetchone()
        return int(row[0])

    # -- progress -----------------------------------------------------------------------------

    def _touch_progress(self, article_id: int, annotator_id: int | None, quote: int | None) -> None:
        self._touch_progress_many([(article_id, annotator_id, quote)])

    def _touch_progress_many(self, rows: Sequence[tuple[int, int | None, int | None]]) -> None:
        """Mark each (article id, annotator id, first quote id) in progress (new rows start
        at that quote; existing ones keep theirs and a done status)."""
        now = now_iso()
        self.db.conn.executemany(
            "INSERT INTO article_progress (article_id, annotator_id, status, current_quote,"
            " updated_at) VALUES (?, ?, 'in_progress', ?, ?) ON CONFLICT(article_id, annotator_id)"
            " DO UPDATE SET status = CASE WHEN status = 'new' THEN 'in_progress' ELSE status END,"
            " updated_at = excluded.updated_at",
            [(aid, ann, quote, now) for aid, ann, quote in rows],
        )

    def set_progress(
        self,
        article_id: int,
        annotator: str,
        status: str | None = None,
        current_quote: int | None = None,
        expected: str | Unchecked = Unchecked.ANY,
    ) -> str:
        """Record an annotator's status on an article; return the previous status.

        ``expected``: the status the caller read (new, in_progress, done); a new
        ``status`` is written only while the stored one is still that, or already is
        ``status`` (two windows marking the same article done agree). Default: whatever
        is stored.

        Raises:
            EditConflict: (with ``expected``) another window or process set another
                status since (:class:`ProgressChangedElsewhere`). Nothing written.
        """
        with self._action():
            ann_id = self.annotator_id(annotator)
            old = self.progress(article_id, annotator)
            if expected is not Unchecked.ANY and status and old not in (expected, status):
                raise ProgressChangedElsewhere(
                    f"article {article_id}'s status was changed since it was read", old
                )
            self.db.execute(
                "INSERT INTO article_progress (article_id, annotator_id, status, current_quote,"
                " updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(article_id, annotator_id) DO"
                " UPDATE SET status = excluded.status, current_quote = excluded.current_quote,"
                " updated_at = excluded.updated_at",
                [article_id, ann_id, status or old, current_quote, now_iso()],
            )
            if status and status != old:
                self._log("status", "article", article_id, {"old": old, "new": status}, annotator)
        return old

    def progress_by_annotator(self, article_id: int) -> dict[str, str]:
        """Annotator name -> their status (new, in_progress, done) on the article, for the
        annotators with a progress row there."""
        rows = self.db.execute(
            "SELECT a.name, p.status FROM article_progress p"
            " JOIN annotators a ON a.id = p.annotator_id WHERE p.article_id = ?",
            [article_id],
        )
        return {str(name): str(status) for name, status in rows}

    def progress(self, article_id: int, annotator: str) -> str:
        row = self.db.execute(
            "SELECT p.status FROM article_progress p JOIN annotators a ON a.id = p.annotator_id"
            " WHERE p.article_id = ? AND a.name = ?",
            [article_id, annotator],
        ).fetchone()
        return "new" if row is None else str(row[0])

    # -- overview -----------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Counts for `annotator stats`: articles, suggestions, annotations, speakers."""
        by: dict[str, dict[str, int]] = {}
        for name, status, n in self.db.execute(
            "SELECT an.name, a.status, count(*) FROM annotations a "
            "JOIN annotators an ON an.id = a.annotator_id GROUP BY an.name, a.status"
        ):
            by.setdefault(name, {"accepted": 0, "rejected": 0, "pending": 0})[status] = n
        for name in self.annotators():
            by.setdefault(name, {"accepted": 0, "rejected": 0, "pending": 0})

        def count(sql: str) -> int:
            return int(self.db.execute(sql).fetchone()[0])

        return {
            "project": str(self.path),
            "schema_version": self.schema_version,
            "articles": count("SELECT count(*) FROM articles"),
            "suggestions": count("SELECT count(*) FROM suggestions"),
            # from the one grouped pass above (each further count read every annotation)
            "annotations": sum(sum(v.values()) for v in by.values()),
            "annotations_by_status": {
                s: sum(v.get(s, 0) for v in by.values())
                for s in ("accepted", "rejected", "pending")
            },
            "annotators": {name: {**v, "total": sum(v.values())} for name, v in sorted(by.items())},
            "speakers": count("SELECT count(*) FROM speakers"),
            "reviews": count("SELECT count(*) FROM reviews"),
            "gold_quotes": count("SELECT count(*) FROM gold_quotes"),
        }


class SpeakerIds:
    """Speaker name -> registry id, looked up once per name (for loops over many quotes).

    With ``create`` a name missing from the registry is added (see :meth:`Project.speaker_id`).
    """

    def __init__(self, project: Project, create: bool = False) -> None:
        self.project = project
        self.create = create
        self._ids: dict[str, int | None] = {}
        self._facts: set[tuple[str, SpeakerFacts]] = set()

    def __call__(self, name: str | None, facts: SpeakerFacts | None = None) -> int | None:
        """The id of ``name``; ``facts`` as :meth:`Project.speaker_id` (once per name and facts)."""
        if not name:
            return None
        if name not in self._ids or (facts is not None and (name, facts) not in self._facts):
            self._ids[name] = self.project.speaker_id(name, create=self.create, facts=facts)
            if facts is not None:
                self._facts.add((name, facts))
        return self._ids[name]
