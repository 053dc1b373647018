"""Project-wide reads of the article list (totals, order, filter) run at a lower priority
than the window's thread, so on a loaded machine they do not take its core (issue 16);
the list's pages and other tasks keep the window's priority."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool

from annotator.core.model import Article, Quote
from annotator.store.counts import Totals
from annotator.store.project import Project
from annotator.ui.workers import (
    BACKGROUND_NICE,
    ListFilterTask,
    ListOrderTask,
    ListRowsTask,
    Task,
    TotalsTask,
    WorkerSignals,
)

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="per-thread nice is Linux's")


def _nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


class _TotalsProbe(TotalsTask):
    def work(self) -> object:
        return _nice(), super().work()


class _PlainProbe(Task):
    def __init__(self) -> None:
        super().__init__()
        self.signals = WorkerSignals()

    def work(self) -> object:
        return _nice()


def _run(task: Task) -> Any:
    got: list[object] = []
    task.signals.finished.connect(got.append)
    task.signals.failed.connect(lambda msg: got.append(f"failed: {msg}"))
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    pool.start(task)
    assert pool.waitForDone(30000)
    from PySide6.QtWidgets import QApplication

    for _ in range(20):
        if got:
            break
        QApplication.processEvents()
    assert len(got) == 1, got
    return got[0]


def _project(tmp_path: Path) -> Path:
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        text = '"Rain all week," the forecaster said.'
        aid, _ = p.add_article(Article("Rain", text, {}))
        q = Quote(content_spans=((1, 14),), kind="direct")
        p.set_suggestions(aid, "v1", [q])
    return path


def test_the_totals_run_lower_than_the_window_and_still_count(qapp: Any, tmp_path: Path) -> None:
    main = _nice()
    nice, (generation, totals) = _run(_TotalsProbe(_project(tmp_path), "alice", 7))
    assert nice == min(19, main + BACKGROUND_NICE)
    assert (generation, totals) == (7, Totals(0, 1, 0, 1))
    assert _nice() == main  # the window's own thread keeps its priority


def test_a_plain_task_keeps_the_windows_priority(qapp: Any) -> None:
    assert _run(_PlainProbe()) == _nice()


def test_only_the_project_wide_list_reads_are_background() -> None:
    assert [t.background for t in (TotalsTask, ListOrderTask, ListFilterTask)] == [True] * 3
    # the page the analyst scrolled to is read at the window's priority
    assert ListRowsTask.background is False
