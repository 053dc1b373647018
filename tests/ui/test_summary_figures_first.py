"""The quote summary shows its figures before its charts (verify21 U6: the count line
waited 2 s for matplotlib's first import and the chart): the total and the tables come
as soon as the count is done, each chart's place says it is being drawn, and the charts
go into those places when they arrive; a count chosen meanwhile is not overwritten."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

import annotator.services.report as report
import annotator.ui.summary_window as summary_window
import annotator.ui.workers as workers
from annotator.core.model import Article, Quote
from annotator.store.project import Project
from annotator.ui.main_window import MainWindow
from annotator.ui.summary_window import GOLD, SummaryWindow
from tests.ui.conftest import shown_window

TEXT = "Tolls rise in June, the mayor said. Drivers said they would take the ferry."


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """alice and bob each accepted both quotes (with speakers, no stance)."""
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Tolls", TEXT))
        for who in ("alice", "bob"):
            for piece, speaker in (("Tolls rise in June", "mayor"), ("they would", "Drivers")):
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


class Charts:
    """Holds every chart drawing until ``open()``; counts the charts drawn."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.waiting = threading.Event()
        self.drawn = 0


@pytest.fixture
def charts(monkeypatch: pytest.MonkeyPatch) -> Iterator[Charts]:
    c = Charts()
    real = report.chart_png

    def held(*args: Any, **kw: Any) -> bytes:
        c.waiting.set()
        c.event.wait(20)
        c.drawn += 1
        return real(*args, **kw)

    monkeypatch.setattr(report, "chart_png", held)
    monkeypatch.setattr(workers.ReportTask, "in_child", False)  # held in this process
    yield c
    c.event.set()  # never leave a pool thread waiting


def _open(qtbot: Any, w: MainWindow) -> SummaryWindow:
    w.act_summary.trigger()
    (win,) = [x for x in w._windows if isinstance(x, SummaryWindow)]
    qtbot.addWidget(win)
    return win


def _table(win: SummaryWindow, tab: int) -> dict[str, str]:
    table = win.tabs.widget(tab).widget(1)
    return {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}


def test_the_figures_come_before_the_charts(qtbot: Any, project: Path, charts: Charts) -> None:
    w = shown_window(qtbot, project)
    win = _open(qtbot, w)
    assert charts.waiting.wait(20)  # the count is done, the first chart is held
    qtbot.waitUntil(lambda: win.report is not None, timeout=60000)
    assert win.total.text() == "2 quotes: accepted quotes of alice"
    assert win.source_box.currentText() == "alice (2)"
    assert win.tabs.count() == 7 and win.tabs.isEnabled()
    assert _table(win, 0) == {"mayor": "1", "Drivers": "1"}
    chart = win.charts["speaker"]
    assert chart.text() == "Drawing the chart…" and chart.pixmap().isNull()
    assert win.counting() and win.working.isVisible() and not win.save.isEnabled()
    win.tabs.setCurrentIndex(3)  # the analyst reads another tab meanwhile
    shown = win.report
    charts.event.set()
    qtbot.waitUntil(lambda: not win.counting(), timeout=60000)
    assert win.report is shown and win.tabs.currentIndex() == 3  # not rebuilt
    assert not win.charts["speaker"].pixmap().isNull() and win.charts["speaker"].text() == ""
    assert win.charts["speaker"] is win.tabs.widget(0).widget(0).widget()
    # the chart's place grew to the chart (its scroll area does not resize it)
    pix = win.charts["speaker"].pixmap()
    assert win.charts["speaker"].size() == pix.size() / pix.devicePixelRatio()
    assert charts.drawn == sum(1 for rows in shown.tables.values() if rows)
    assert win.save.isEnabled() and win.working.isHidden()


def test_another_version_chosen_while_the_charts_are_drawn_is_the_one_shown(
    qtbot: Any, project: Path, charts: Charts
) -> None:
    w = shown_window(qtbot, project)
    win = _open(qtbot, w)
    qtbot.waitUntil(lambda: win.report is not None, timeout=60000)
    win.source_box.setCurrentIndex(win.source_box.findData(GOLD))
    assert "gold" in win.total.text().lower() and win.counting()
    charts.event.set()
    qtbot.waitUntil(lambda: not win.counting(), timeout=60000)
    for _ in range(5):
        QApplication.processEvents()  # the first count's charts, if any, are delivered
    assert win.report is not None and win.report.source.gold
    assert win.total.text().startswith("0 quotes")
    # nothing to draw: each chart's place says so, none is left "Drawing the chart…"
    assert {c.text() for c in win.charts.values()} == {"No quotes."}


def test_closing_while_the_charts_are_drawn_tells_the_window_nothing(
    qtbot: Any, project: Path, charts: Charts
) -> None:
    w = shown_window(qtbot, project)
    win = _open(qtbot, w)
    qtbot.waitUntil(lambda: win.report is not None, timeout=60000)
    started = list(win._slots)
    pool = summary_window._report_pool(w)
    win.close()
    win.deleteLater()
    charts.event.set()
    qtbot.waitUntil(lambda: pool.activeThreadCount() == 0, timeout=60000)
    for _ in range(5):
        QApplication.processEvents()
    assert not any(t in workers.RUNNING for t in started)


def test_a_child_sends_the_figures_before_its_charts(
    qtbot: Any, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big project's count runs in a child process: its figures come over the pipe
    ahead of the result with the charts."""
    assert workers.ReportTask.in_child
    monkeypatch.setattr(workers, "CHILD_FROM_BYTES", 0)
    task = workers.ReportTask(project, None, summary_window.TITLES, 1, "bob")
    order: list[str] = []
    task.signals.counted.connect(lambda r: order.append(f"counted {r[1].total} {r[2]}"))
    task.signals.finished.connect(lambda r: order.append(f"finished {len(r[2])} charts"))
    pool = workers.QThreadPool()
    with qtbot.waitSignal(task.signals.finished, timeout=120000):
        pool.start(task)
    qtbot.waitUntil(lambda: len(order) == 2, timeout=10000)
    assert order[0] == "counted 2 {'alice': 2, 'bob': 2}"
    assert order[1].startswith("finished ") and order[1] != "finished 0 charts"
