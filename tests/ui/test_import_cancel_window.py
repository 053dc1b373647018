"""File > Cancel import and closing the window during an import (tester16 F3): the import
stops at its next group of articles, keeps whole articles with their quotes, the status bar
says how many, and closing waits for the import thread before the project is closed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from annotator.services import importing
from annotator.ui import workers
from annotator.ui.main_window import MainWindow
from tests.ui.import_source import import_source, new_rows


def _at_line(monkeypatch: pytest.MonkeyPatch, k: int, then: Callable[[], None]) -> threading.Event:
    """Make the window's import call ``then()`` on its thread once it has read ``k`` lines
    (the moment a person presses Cancel or Ctrl+Q); the returned event is set then. The
    import runs in the window's process for this (its hooks do not reach a child;
    test_import_process.py cancels the child)."""
    monkeypatch.setattr(workers.ImportTask, "in_child", False)
    reached = threading.Event()
    real = importing.import_paths

    def import_paths(*args: Any, **kw: Any) -> Any:
        progress = kw["progress"]

        def at_k(done: int, total: int, label: str) -> None:
            progress(done, total, label)
            if done == k:
                reached.set()
                then()

        kw["progress"] = at_k
        return real(*args, **kw)

    monkeypatch.setattr(importing, "import_paths", import_paths)
    return reached


@pytest.mark.parametrize("k", [1, 9, 25])
def test_cancel_import_keeps_whole_groups_and_the_status_bar_says_how_many(
    qtbot: Any, project_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, k: int
) -> None:
    monkeypatch.setattr(importing, "FLUSH_ROWS", 4)  # groups of two articles with a quote
    src = import_source(tmp_path, 40)
    w = MainWindow(project_path, annotator="alice", load_model=False)
    qtbot.addWidget(w)
    w.show()
    real = importing.import_paths
    # the person presses File > Cancel import when k lines were read
    _at_line(monkeypatch, k, lambda: w.importer.task.cancel())  # type: ignore[union-attr]
    with qtbot.waitSignal(w.import_finished, timeout=60000):
        w.start_import([str(src)])
    assert new_rows(project_path) == (k, k, 0, "ok")
    those = "it is" if k == 1 else f"those {k} are"
    said = (
        f"Import cancelled after {k} of about 40 articles of incoming.jsonl; {those} in the"
        " project. Importing the same files again adds the rest"
    )
    assert w.importer.last_summary.startswith(said)
    assert said in w.info_label.text() or said in w.info_label.toolTip()
    # the same import again adds the rest
    monkeypatch.setattr(importing, "import_paths", real)
    with qtbot.waitSignal(w.import_finished, timeout=60000):
        w.start_import([str(src)])
    qtbot.waitUntil(lambda: w.importer.task is None)
    report = w.importer.last_report
    assert (report.articles_added, report.files[0].articles_present) == (40 - k, k)
    assert new_rows(project_path) == (40, 40, 0, "ok")


@pytest.mark.parametrize("k", [1, 17])
def test_closing_during_an_import_stops_it_and_closes_the_project_after_it(
    qtbot: Any, project_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, k: int
) -> None:
    monkeypatch.setattr(importing, "FLUSH_ROWS", 4)
    src = import_source(tmp_path, 40)
    w = MainWindow(project_path, annotator="alice", load_model=False)
    qtbot.addWidget(w)
    w.show()
    closing = threading.Event()
    # the import thread is held at line k until the window's close has told it to stop
    reached = _at_line(monkeypatch, k, lambda: closing.wait(20))
    w.start_import([str(src)])
    qtbot.waitUntil(reached.is_set, timeout=60000)
    task = w.importer.task
    assert task is not None
    real_cancel = task.cancel

    def cancel() -> None:
        real_cancel()
        closing.set()

    monkeypatch.setattr(task, "cancel", cancel)
    w.close()
    assert not w.isVisible()
    assert w.pool.activeThreadCount() == 0  # the import thread ended before the close
    assert closing.is_set()
    # the project file holds whole articles with their quotes, as many as were read
    assert new_rows(project_path) == (k, k, 0, "ok")
