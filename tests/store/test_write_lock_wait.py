"""A writer that must not hang (a window) waits only ``write_wait`` for another
connection's write lock, then is refused with ProjectLockedError; nothing is written, the
connection is left with no transaction, and the same write succeeds once the lock is free
(tester17 F13: a key froze the window 10 s per press)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.core.errors import ProjectLockedError
from annotator.core.model import Article
from annotator.store.locks import lock_holder
from annotator.store.project import Project


def _count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "p.db"
    with Project.open(p) as project:
        project.add_article(Article("One", "Kim said hello."))
    return p


@pytest.mark.parametrize("begin", ["BEGIN IMMEDIATE", "BEGIN EXCLUSIVE"])
@pytest.mark.parametrize("wait", [0.0, 0.05])
def test_a_write_is_refused_after_write_wait_and_works_once_free(
    path: Path, begin: str, wait: float
) -> None:
    holder = sqlite3.connect(path, isolation_level=None)
    with Project.open(path) as project:
        project.write_wait = wait
        holder.execute(begin)
        holder.execute("INSERT INTO settings (key, value) VALUES ('held', '1')")
        with pytest.raises(ProjectLockedError) as caught:
            project.add_article(Article("Two", "Lee said goodbye."))
        assert "locked by another program" in str(caught.value)
        assert "nothing was changed" in str(caught.value)
        assert not project.db.conn.in_transaction
        # the busy timeout of the connection is as it was (reads still wait for it)
        assert project.db.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
        holder.execute("COMMIT")
        project.add_article(Article("Two", "Lee said goodbye."))
    holder.close()
    assert _count(path) == 2


def test_a_refused_action_writes_no_change_log_row(path: Path) -> None:
    holder = sqlite3.connect(path, isolation_level=None)
    with Project.open(path) as project:
        project.write_wait = 0.01
        before = project.db.execute("SELECT count(*) FROM changelog").fetchone()[0]
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(ProjectLockedError), project.action("rename", "project"):
            project.db.execute("INSERT INTO settings (key, value) VALUES ('x', '1')")
        holder.execute("ROLLBACK")
        assert project.db.execute("SELECT count(*) FROM changelog").fetchone()[0] == before
        assert project.db.execute("SELECT count(*) FROM settings WHERE key='x'").fetchone()[0] == 0


def test_without_write_wait_the_busy_timeout_still_applies(path: Path) -> None:
    """Writers that may wait (the command line) keep SQLite's busy timeout."""
    holder = sqlite3.connect(path, isolation_level=None)
    with Project.open(path) as project:
        assert project.write_wait is None
        project.db.execute("PRAGMA busy_timeout = 20")
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(ProjectLockedError):
            project.add_article(Article("Two", "Lee said goodbye."))
        holder.execute("ROLLBACK")
    holder.close()
    assert _count(path) == 1


def test_the_lock_holder_is_named_when_it_is_another_process(path: Path) -> None:
    """/proc/locks names the process holding the WAL write lock; this process is not named
    (its own locks are its business), and no lock names no one."""
    import subprocess
    import sys
    import textwrap

    assert lock_holder(path) == ""
    script = textwrap.dedent(
        f"""
        import sqlite3, sys
        c = sqlite3.connect({str(path)!r}, isolation_level=None)
        c.execute("BEGIN IMMEDIATE")
        print("held", flush=True)
        sys.stdin.readline()
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        who = lock_holder(path)
        if Path("/proc/locks").exists():
            assert f"(process {child.pid})" in who
        with Project.open(path) as project:
            project.write_wait = 0.0
            with pytest.raises(ProjectLockedError) as caught:
                project.add_article(Article("Two", "Lee said goodbye."))
            assert caught.value.holder == who
            assert who in str(caught.value)
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(30)
    assert _count(path) == 1
