"""WAL checkpoints on a thread of their own, so the caller's thread never waits for them.

A checkpoint copies the ``-wal`` file's pages into the ``.db`` file and then flushes the
``.db`` to disk (``fsync``). That flush writes every page of the file still waiting in the
operating system's cache, not only the checkpoint's: on a project copied a moment before
(1.9 GB at 100,000 articles) it took 0.8-0.9 s, on the window's thread, where it froze the
window (issue 16). :class:`Checkpointer` runs the same PASSIVE checkpoint on its own
connection in a daemon thread; the owner asks for one with :meth:`Checkpointer.request`
and learns later, through :attr:`Checkpointer.done`, which of its writes the ``.db`` holds.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from annotator.store.db import checkpoint


class Checkpointer:
    """A daemon thread with its own connection to ``path`` that runs a PASSIVE checkpoint
    each time it is asked to (requests that come while one runs are served by one more).

    Writes are counted by the owner (a number that grows with each committed write);
    :meth:`request` passes the count of the writes to copy, and :attr:`done` is the count
    of the newest request whose checkpoint copied the whole WAL (-1 before any did).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._wanted: int | None = None
        self._stopping = False
        self._done = -1
        #: Checkpoints run so far (complete or not).
        self.runs = 0
        self._thread = threading.Thread(target=self._run, name="checkpoint", daemon=True)
        self._thread.start()

    @property
    def done(self) -> int:
        """The write count of the newest request whose checkpoint copied everything."""
        with self._lock:
            return self._done

    @property
    def pending(self) -> bool:
        """True while a request waits or runs."""
        with self._lock:
            return self._wanted is not None

    def request(self, writes: int) -> None:
        """Checkpoint soon: the ``.db`` is to hold the first ``writes`` writes (returns at
        once; a request already waiting is replaced by this newer one)."""
        with self._wake:
            if self._stopping:
                return
            self._wanted = writes
            self._wake.notify()

    def stop(self, timeout: float = 30.0) -> None:
        """End the thread (a checkpoint running is finished first; ``timeout`` seconds at
        most) and close its connection."""
        with self._wake:
            self._stopping = True
            self._wake.notify()
        self._thread.join(timeout)

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            while True:
                with self._wake:
                    while self._wanted is None and not self._stopping:
                        self._wake.wait()
                    if self._stopping:
                        return
                    writes = self._wanted
                try:
                    if conn is None:
                        conn = _connect(self.path)
                    complete = checkpoint(conn, "PASSIVE")
                except sqlite3.Error:
                    # busy (another connection holds a lock while this one starts or
                    # checkpoints): nothing lost, the next write asks again
                    complete = False
                with self._wake:
                    self.runs += 1
                    if complete and writes is not None:
                        self._done = max(self._done, writes)
                    if self._wanted == writes:
                        self._wanted = None
        finally:
            if conn is not None:
                conn.close()


def _connect(path: Path) -> sqlite3.Connection:
    """The checkpoint thread's connection to ``path``, ``synchronous = FULL`` (the .db is
    flushed to disk before the WAL is reused). Raises :class:`sqlite3.Error` when the file
    is locked at that moment; the connection is closed again then."""
    conn = sqlite3.connect(str(path), timeout=0.0, check_same_thread=False)
    try:
        conn.execute("PRAGMA synchronous = FULL")
    except sqlite3.Error:
        conn.close()
        raise
    return conn
