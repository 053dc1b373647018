"""Closing the window while a background worker ignores the stop (tester17 F8): the
timers stop first, the project is never closed under the worker, it is closed when the
worker ends, and a real process ends even when the worker never does."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRunnable

from annotator.store.project import Project
from annotator.ui import closing
from tests.ui.conftest import shown_window


class Stubborn(QRunnable):
    """Reads the project on a connection of its own (as training and the pool's readers
    do) and ignores every stop: runs ``rounds`` reads, or until ``release`` is set when
    rounds is None."""

    def __init__(self, path: Path, rounds: int | None, release: threading.Event) -> None:
        super().__init__()
        self.path, self.rounds, self.release = path, rounds, release
        self.started = threading.Event()
        self.reads = 0
        self.errors: list[str] = []

    def run(self) -> None:
        try:
            with Project.open(self.path, create=False, readonly=True) as project:
                self.started.set()
                while (self.rounds is None and not self.release.is_set()) or (
                    self.rounds is not None and self.reads < self.rounds
                ):
                    project.db.execute("SELECT count(*) FROM articles").fetchone()
                    self.reads += 1
        except Exception as exc:  # what the test must never see
            self.errors.append(repr(exc))
            self.started.set()


def _closed(project: Any) -> bool:
    try:
        project.db.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        return True
    return False


@pytest.mark.parametrize("rounds", [50, 400])
def test_a_worker_that_ends_within_the_wait_finishes_before_the_close(
    qtbot: Any, project_path: Path, rounds: int
) -> None:
    w = shown_window(qtbot, project_path)
    job = Stubborn(project_path, rounds, threading.Event())
    w.pool.start(job)
    job.started.wait(10)
    w.close()
    assert job.errors == [] and job.reads == rounds  # every read of the worker succeeded
    assert _closed(w.project)
    assert not w._checkpoint_timer.isActive()
    assert closing.leftover_workers() == 0


@pytest.mark.parametrize("pool", ["pool", "count_pool"])
def test_a_worker_that_outlasts_the_wait_keeps_its_project_until_it_ends(
    qtbot: Any, project_path: Path, monkeypatch: pytest.MonkeyPatch, pool: str
) -> None:
    monkeypatch.setattr(closing, "CLOSE_WAIT_MS", 0)
    w = shown_window(qtbot, project_path)
    release = threading.Event()
    job = Stubborn(project_path, None, release)
    getattr(w, pool).start(job)
    job.started.wait(10)
    w.close()
    assert not w.isVisible()
    assert not _closed(w.project)  # never closed under the worker
    assert closing.leftover_workers() == 1
    assert not w._checkpoint_timer.isActive()  # it fired on the closed project before
    before = job.reads
    qtbot.waitUntil(lambda: job.reads > before + 20)  # the worker goes on reading
    release.set()
    qtbot.waitUntil(lambda: _closed(w.project), timeout=60000)  # closed once it ended
    assert job.errors == []
    assert closing.leftover_workers() == 0


SCRIPT = """
import sys, threading
from pathlib import Path
from PySide6.QtCore import QRunnable, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from annotator.ui import closing
from annotator.ui.main_window import MainWindow
closing.CLOSE_WAIT_MS = {wait}

class Forever(QRunnable):
    def run(self):
        from annotator.store.project import Project
        with Project.open(Path(sys.argv[1]), create=False, readonly=True) as project:
            while True:  # ignores every stop
                project.db.execute("SELECT count(*) FROM articles").fetchone()

w = MainWindow(Path(sys.argv[1]), annotator="alice", load_model=False)
w.show()
w.{pool}.start(Forever())
QTimer.singleShot(300, w.act_quit.trigger)
print("exec", flush=True)
sys.exit(closing.end_process(app.exec()))
"""


@pytest.mark.parametrize(("wait", "pool"), [(0, "pool"), (200, "pool"), (0, "list_pool")])
def test_the_process_ends_when_a_worker_never_stops(
    project_path: Path, tmp_path: Path, wait: int, pool: str
) -> None:
    script = tmp_path / "quit.py"
    script.write_text(textwrap.dedent(SCRIPT.format(wait=wait, pool=pool)))
    env = {
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
        "PATH": "/usr/bin:/bin",
    }
    # the timeout only keeps a hang from holding the suite: it is not what is checked
    out = subprocess.run(
        [sys.executable, str(script), str(project_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
    )
    assert out.returncode == 0, out.stderr
    assert "exec" in out.stdout
    assert "Traceback" not in out.stderr and "ProgrammingError" not in out.stderr
    assert "did not stop in time" in out.stderr
    with Project.open(project_path, create=False, readonly=True) as p:  # whole, readable
        assert p.db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
