"""Ctrl+Q (closing the window) while File > Import runs in its child process (tester19:
the close waited 0.63-0.69 s on the window's thread for the child to reach its next group
and end). The child is killed at once instead: the groups it committed stay in the
project, each whole (articles with their quotes), the group under way is rolled back, the
file passes SQLite's integrity check, and no process is left behind."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path
from typing import Any

from annotator.ui.main_window import MainWindow
from annotator.ui.workers import ImportTask
from tests.ui.import_source import TEXT, import_source, new_rows


def _children(monkeypatch: Any) -> list[subprocess.Popen[bytes]]:
    """The import children started from now on (their Popen objects)."""
    seen: list[subprocess.Popen[bytes]] = []
    real = ImportTask._child_started

    def spy(self: ImportTask, proc: subprocess.Popen[bytes]) -> None:
        seen.append(proc)
        real(self, proc)

    monkeypatch.setattr(ImportTask, "_child_started", spy)
    return seen


def test_closing_while_the_child_imports_kills_it_and_keeps_whole_groups(
    qtbot: Any, project_path: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    n = 4000
    src = import_source(tmp_path, n)
    children = _children(monkeypatch)
    w = MainWindow(project_path, annotator="alice", load_model=False)
    qtbot.addWidget(w)
    w.show()
    seen: list[int] = []
    w.importer.progress.connect(lambda done, total, label: seen.append(done))
    w.start_import([str(src)])
    qtbot.waitUntil(lambda: bool(children) and any(seen), timeout=30_000)
    w.close()
    assert not w.isVisible()
    assert w.pool.activeThreadCount() == 0  # the import's thread ended in the close
    assert children[0].poll() is not None  # the child is gone, not left running
    # killed, not told to stop at its next group (that child ends with 0 after its group)
    assert children[0].returncode == -signal.SIGKILL
    arts, anns, bare, ok = new_rows(project_path)
    assert ok == "ok"
    assert arts == anns and bare == 0  # whole articles with their quote, none half
    assert arts < n


def test_abandoned_before_its_child_started_the_child_is_killed_at_once(
    project_path: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    src = import_source(tmp_path, 50)
    children = _children(monkeypatch)
    task = ImportTask(project_path, [str(src)], "alice")
    failed: list[str] = []
    stopped: list[bool] = []
    task.signals.failed.connect(failed.append)
    task.signals.stopped.connect(lambda: stopped.append(True))
    task.abandon()  # the window closed before the child ran
    task.run()  # the child starts, is killed, and the work stops (no error, no traceback)
    assert children and children[0].poll() is not None
    assert (failed, stopped) == ([], [True])
    assert new_rows(project_path) == (0, 0, 0, "ok")


def test_abandoned_after_the_import_ended_changes_nothing(
    qtbot: Any, project_path: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    src = import_source(tmp_path, 30)
    task = ImportTask(project_path, [str(src)], "alice")
    done: list[object] = []
    task.signals.finished.connect(done.append)
    task.run()
    assert done and new_rows(project_path) == (30, 30, 0, "ok")
    task.abandon()  # the child has ended: nothing to kill, no error
    assert new_rows(project_path) == (30, 30, 0, "ok")


def test_a_group_under_way_is_rolled_back_when_its_child_is_killed(
    qtbot: Any, project_path: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    # the child of a whole large file, killed as soon as it said anything: what it
    # committed is whole, and the project still opens and takes a new import
    src = import_source(tmp_path, 3000)
    children = _children(monkeypatch)
    task = ImportTask(project_path, [str(src)], "alice")
    task.signals.progress.connect(lambda *_: task.abandon())
    task.run()
    assert children[0].poll() is not None
    arts, anns, bare, ok = new_rows(project_path)
    assert (ok, bare, arts == anns) == ("ok", 0, True)
    before = new_rows(project_path)[0]
    fresh = tmp_path / "again.jsonl"
    fresh.write_text(
        "".join(
            json.dumps({"title": f"New again {i}", "text": f"{TEXT} (again {i})"}) + "\n"
            for i in range(5)
        ),
        encoding="utf-8",
    )
    again = ImportTask(project_path, [str(fresh)], "alice")
    again.in_child = False
    again.run()
    arts, _anns, _bare, ok = new_rows(project_path)
    assert ok == "ok"
    assert arts == before + 5  # the new file's five articles arrived
