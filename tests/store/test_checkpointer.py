"""The checkpoint thread survives a project locked by another connection."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from annotator.store.checkpointer import Checkpointer


def _wal_db(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (x INTEGER)")
    conn.commit()
    conn.close()


def _wait(pred, seconds: float = 10.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.01)
    return pred()


def test_a_locked_file_when_the_thread_first_connects_is_retried_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    _wal_db(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO t VALUES (1)")
    cp = Checkpointer(path)
    try:
        cp.request(1)
        # the run under the lock ends (not complete) and the thread is still alive
        assert _wait(lambda: cp.runs >= 1)
        assert cp.done == -1
        assert cp._thread.is_alive()
        holder.execute("COMMIT")
        holder.execute("PRAGMA locking_mode = NORMAL")
        holder.execute("SELECT count(*) FROM t").fetchone()  # lets the exclusive lock go
        holder.close()
        cp.request(2)
        assert _wait(lambda: cp.done == 2)
    finally:
        cp.stop()
    rows = sqlite3.connect(path).execute("SELECT x FROM t").fetchall()
    assert rows == [(1,)]
