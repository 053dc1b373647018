"""``annotator backup`` beside an open window (issue 16): the copy is made a few megabytes
at a time inside one read snapshot, so other programs' commits during it neither start it
over nor get into it, and the copy is whole, synced and one file."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from annotator.cli import main
from annotator.core.errors import ProjectError
from annotator.core.model import Article
from annotator.store import db as store_db
from annotator.store.project import Project


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "p.db"
    with Project.open(p) as project, project.batch():
        for k in range(300):
            # texts of a few kB: the file spans many pages
            body = f"Speaker {k} said the harbour opens. " * 60
            project.add_article(Article(f"Article {k}", body))
    return p


def _titles(path: Path) -> int:
    with sqlite3.connect(path) as c:
        return int(c.execute("SELECT count(*) FROM articles").fetchone()[0])


@pytest.mark.parametrize("step", [1, 7, 64])
def test_commits_during_a_paced_copy_do_not_restart_it_nor_get_in(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: int
) -> None:
    monkeypatch.setattr(store_db, "BACKUP_STEP_PAGES", step)
    monkeypatch.setattr(store_db, "BACKUP_REST_S", 0.0)
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    steps: list[int] = []
    real_fsync = store_db.os.fsync

    def fsync(fd: int) -> None:  # after each step: another program commits
        steps.append(fd)
        writer.execute(
            "INSERT INTO settings (key, value) VALUES (?, '1')", [f"during {len(steps)}"]
        )
        real_fsync(fd)

    monkeypatch.setattr(store_db.os, "fsync", fsync)
    out = tmp_path / "copy.db"
    with Project.open(path, create=False, readonly=True) as project:
        pages = project.db.execute("PRAGMA page_count").fetchone()[0]
        project.save_copy(out, paced=True)
        assert not project.db.conn.in_transaction  # the snapshot is over
    writer.close()
    assert len(steps) >= pages // step  # step by step, never started over endlessly
    assert _titles(out) == 300
    with sqlite3.connect(out) as c:
        assert c.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        # the commits made during the copy are not in it: it is the snapshot at its start
        assert (
            c.execute("SELECT count(*) FROM settings WHERE key LIKE 'during %'").fetchone()[0] == 0
        )
    assert not Path(f"{out}-wal").exists()
    assert not (tmp_path / ".copy.db.partial").exists()


def test_paced_copy_beside_a_writing_thread(path: Path, tmp_path: Path) -> None:
    """A writer keeps committing the whole time (a window's keys): the copy ends."""
    stop = threading.Event()

    def keep_writing() -> None:
        with Project.open(path) as p:
            k = 0
            while not stop.is_set():
                p.set_setting(f"key {k % 5}", k)
                k += 1

    t = threading.Thread(target=keep_writing)
    t.start()
    try:
        out = tmp_path / "copy.db"
        with Project.open(path, create=False, readonly=True) as project:
            project.save_copy(out, paced=True)
    finally:
        stop.set()
        t.join()
    assert _titles(out) == 300


def test_a_failed_paced_copy_leaves_nothing(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_db, "BACKUP_STEP_PAGES", 4)

    def full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_db.os, "fsync", full)
    out = tmp_path / "copy.db"
    with Project.open(path, create=False, readonly=True) as project:
        with pytest.raises(OSError):
            project.save_copy(out, paced=True)
        assert not project.db.conn.in_transaction
    assert not out.exists()
    assert not (tmp_path / ".copy.db.partial").exists()
    with Project.open(path, create=False, readonly=True) as project, pytest.raises(ProjectError):
        project.save_copy(tmp_path / "missing" / "copy.db", paced=True)


def test_backup_command_is_paced(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[bool] = []
    real = store_db.backup_file

    def spy(conn: sqlite3.Connection, dest: object, paced: bool = False, **kw: Any) -> Path:
        calls.append(paced)
        return real(conn, dest, paced, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr("annotator.store.project.backup_file", spy)
    out = tmp_path / "b.db"
    assert main(["backup", str(path), str(out)]) == 0
    assert calls == [True]
    assert _titles(out) == 300
    assert "Copied" in capsys.readouterr().out
