"""The Summary window counts and draws on a pool thread (issue 16: 15 s at 100,000
articles): it opens at once, says it is counting, stops a count no longer wanted, says why
a count failed; and the wait cursor of work that holds the window nests and comes back."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

import annotator.services.report as report
import annotator.ui.summary_window as summary_window
import annotator.ui.workers as workers
from annotator.core.model import Article, Quote
from annotator.store.project import Project
from annotator.ui.busy import busy_cursor
from annotator.ui.main_window import MainWindow
from annotator.ui.summary_window import GOLD, SummaryWindow
from tests.ui.conftest import shown_window

TEXT = "The harbour will reopen in May, the port authority said. Fishers said it was late."


@pytest.fixture
def two_annotators(tmp_path: Path) -> Path:
    """A project where alice and bob each accepted the two quotes."""
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Harbour", TEXT))
        for who in ("alice", "bob"):
            for piece, speaker in (
                ("The harbour will reopen in May", "port authority"),
                ("it was late", "Fishers"),
            ):
                start = TEXT.index(piece)
                quote = Quote(
                    content_spans=((start, start + len(piece)),),
                    speaker_name=speaker,
                    annotator=who,
                    status="accepted",
                    origin="manual",
                    kind="indirect",
                )
                p.add_annotation(aid, who, quote)
    return path


WAIT = Qt.CursorShape.WaitCursor


def _shape() -> Qt.CursorShape | None:
    cursor = QGuiApplication.overrideCursor()
    return None if cursor is None else cursor.shape()


class Gate:
    """Holds every count of the Summary window at its start until ``open()``, and records
    (annotator counted, ran on the GUI thread?, stopped when the gate opened?)."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.calls: list[tuple[str | None, bool, bool]] = []
        self.started = threading.Event()

    def open(self) -> None:
        self.event.set()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    g = Gate()
    count = report.build_report

    def held(project: Any, source: Any, stop: Any = None) -> Any:
        g.started.set()
        g.event.wait(10)
        g.calls.append(
            (source.annotator, threading.current_thread() is threading.main_thread(), stop())
        )
        return count(project, source, stop)

    monkeypatch.setattr(report, "build_report", held)
    monkeypatch.setattr(workers.ReportTask, "in_child", False)  # held in this process
    yield g
    g.open()  # never leave a pool thread waiting


def _summary(w: MainWindow) -> SummaryWindow:
    (win,) = [x for x in w._windows if isinstance(x, SummaryWindow)]
    return win


def _open_summary(qtbot: Any, w: MainWindow) -> SummaryWindow:
    w.act_summary.trigger()
    win = _summary(w)
    qtbot.addWidget(win)
    return win


def test_the_summary_opens_at_once_and_counts_on_a_pool_thread(
    qtbot: Any, two_annotators: Path, gate: Gate
) -> None:
    w = shown_window(qtbot, two_annotators)
    win = _open_summary(qtbot, w)
    assert gate.started.wait(10)  # counting, and the window is already there
    assert win.isVisible() and win.counting()
    assert win.report is None and "Counting the quotes" in win.total.text()
    assert not win.save.isEnabled() and not win.tabs.isEnabled()
    assert win.cursor().shape() == Qt.CursorShape.BusyCursor
    assert _shape() is None  # no wait cursor over the application: it stays usable
    # the event loop runs while the count is held
    fired: list[int] = []
    QTimer.singleShot(0, lambda: fired.append(1))
    qtbot.waitUntil(lambda: bool(fired), timeout=60000)
    assert not gate.calls
    gate.open()
    qtbot.waitUntil(lambda: win.report is not None and not win.counting(), timeout=60000)
    assert gate.calls == [("alice", False, False)]
    assert win.report is not None and win.report.total == 2
    assert win.total.text() == "2 quotes: accepted quotes of alice"
    assert win.tabs.count() == 7 and win.tabs.isEnabled() and win.save.isEnabled()
    chart = win.tabs.widget(0).widget(0).widget()
    assert not chart.pixmap().isNull()
    assert win.cursor().shape() != Qt.CursorShape.BusyCursor and win.working.isHidden()


def test_choosing_another_version_stops_the_count_under_way(
    qtbot: Any, two_annotators: Path, gate: Gate
) -> None:
    w = shown_window(qtbot, two_annotators)
    win = _open_summary(qtbot, w)
    assert gate.started.wait(10)
    win.source_box.setCurrentText("bob")
    assert "bob" in win.total.text() and win.counting()
    gate.open()
    qtbot.waitUntil(lambda: not win.counting(), timeout=60000)
    # alice's count saw the stop and gave nothing; bob's is the one shown
    assert gate.calls == [("alice", False, True), ("bob", False, False)]
    assert win.report is not None and win.report.source.annotator == "bob"
    assert "bob" in win.total.text()
    win.source_box.setCurrentText(GOLD)
    qtbot.waitUntil(lambda: not win.counting(), timeout=60000)
    assert win.report is not None and win.report.source.gold


def test_a_failing_count_says_why_in_the_window(
    qtbot: Any, two_annotators: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_a: Any, **_k: Any) -> Any:
        raise OSError("disk I/O error")

    monkeypatch.setattr(report, "build_report", broken)
    monkeypatch.setattr(workers.ReportTask, "in_child", False)  # held in this process
    w = shown_window(qtbot, two_annotators)
    win = _open_summary(qtbot, w)
    qtbot.waitUntil(lambda: not win.counting(), timeout=60000)
    assert "could not be counted: disk I/O error" in win.total.text()
    assert win.report is None and win.tabs.count() == 0 and not win.save.isEnabled()
    assert win.working.isHidden() and _shape() is None
    # choosing the version again tries again
    monkeypatch.undo()
    win.source_box.setCurrentText("bob")
    qtbot.waitUntil(lambda: win.report is not None and not win.counting(), timeout=60000)
    assert win.report is not None and win.report.total == 2


def test_closing_the_summary_while_it_counts_does_not_wait(
    qtbot: Any, two_annotators: Path, gate: Gate
) -> None:
    w = shown_window(qtbot, two_annotators)
    win = _open_summary(qtbot, w)
    assert gate.started.wait(10)
    task = win._task
    assert task is not None
    win.close()  # returns while the count is still held
    assert task.cancelled and not gate.calls
    gate.open()
    qtbot.waitUntil(lambda: task not in workers.RUNNING, timeout=60000)
    assert gate.calls == [("alice", False, True)]


def test_the_html_report_is_written_off_the_gui_thread(
    qtbot: Any, two_annotators: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report.html"
    monkeypatch.setattr(
        summary_window.QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(out), "")
    )
    w = shown_window(qtbot, two_annotators)
    win = _open_summary(qtbot, w)
    qtbot.waitUntil(lambda: win.report is not None and not win.counting(), timeout=60000)
    win.save.click()
    qtbot.waitUntil(lambda: "Saved to" in win.total.text(), timeout=60000)
    page = out.read_text(encoding="utf-8")
    assert "<svg" in page and "port authority" in page and "Fishers" in page
    assert win.save.isEnabled()


def test_an_html_report_that_cannot_be_written_says_why(
    qtbot: Any, two_annotators: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "missing folder" / "report.html"
    warned: list[str] = []
    monkeypatch.setattr(
        summary_window.QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(out), "")
    )
    monkeypatch.setattr(
        summary_window.QMessageBox, "warning", lambda _p, _t, text: warned.append(text)
    )
    w = shown_window(qtbot, two_annotators)
    win = _open_summary(qtbot, w)
    qtbot.waitUntil(lambda: win.report is not None and not win.counting(), timeout=60000)
    win.save.click()
    qtbot.waitUntil(lambda: bool(warned), timeout=60000)
    assert "was not saved" in warned[0] and "missing folder" in warned[0]
    assert not out.exists() and win.save.isEnabled()


def test_busy_cursor_nests_and_restores(qtbot: Any) -> None:
    with busy_cursor():
        assert _shape() == WAIT
        with pytest.raises(ValueError), busy_cursor():
            assert _shape() == WAIT
            raise ValueError("inner")
        assert _shape() == WAIT
    assert _shape() is None


@pytest.mark.parametrize("recounts", [0, 2])
def test_a_summary_closed_while_its_child_counts_is_told_nothing_after(
    qtbot: Any, two_annotators: Path, recounts: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The count runs in a child process and its answer can come after the window is gone
    (closed and deleted): nothing of the deleted window is touched (the review merge's
    suite saw 'Internal C++ object already deleted' in _end)."""
    assert workers.ReportTask.in_child
    monkeypatch.setattr(workers, "CHILD_FROM_BYTES", 0)  # a big project's path
    w = shown_window(qtbot, two_annotators)
    win = _open_summary(qtbot, w)
    for _ in range(recounts):  # older counts cancelled, still on their way
        win.reload()
    assert win.counting()
    started = list(win._slots)
    assert len(started) == recounts + 1
    pool = summary_window._report_pool(w)
    win.close()
    win.deleteLater()
    qtbot.waitUntil(lambda: pool.activeThreadCount() == 0, timeout=60000)
    for _ in range(5):
        QApplication.processEvents()  # the queued answers are delivered (to nobody)
    assert not any(t in workers.RUNNING for t in started)  # ended and let go
    # the deferred delete runs in an event loop (qWait), not in processEvents(): wait for
    # the window to be forgotten, else the new summary finds two (tester22 F7, at load 6-8)
    qtbot.waitUntil(lambda: not [x for x in w._windows if isinstance(x, SummaryWindow)])
    w.act_summary.trigger()  # a new summary still counts
    again = _summary(w)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.report is not None, timeout=60000)
