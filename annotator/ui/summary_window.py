"""The Summary view: who is quoted how often, by outlet, month, kind and gender, with charts.

The figures come from :func:`annotator.services.report.build_report` (the same as
``annotator report``); the charts are drawn by matplotlib and shown as images. Both are
made on a pool thread (:class:`~annotator.ui.workers.ReportTask`): counting one
annotator's quotes in a 100,000-article project takes about 15 s, and the windows stay
usable meanwhile.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QObject, Qt, QThreadPool
from PySide6.QtGui import QCloseEvent, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.wording import count_noun
from annotator.services.report import Report, label, write_report
from annotator.store.reports import DIMENSIONS, QuoteSource
from annotator.ui.workers import CallTask, ReportTask, Task

TITLES = {
    "speaker": "Speakers",
    "publisher": "Outlets",
    "month": "Months",
    "kind": "Kinds",
    "gender": "Gender",
    "stance": "Stance",
    "target": "Targets",
}
GOLD = "Gold (reviewed versions)"


#: Tasks still running (a window closed while counting leaves its task to end here: a
#: pool runnable must outlive its run).
_RUNNING: set[Task] = set()


def _report_pool(window: QObject) -> QThreadPool:
    """The main window's one-thread pool for reports (made when first asked for): a
    summary closed while counting does not wait for its task, and a second count waits
    for the first instead of taking another core."""
    pool = window.findChild(QThreadPool, "reportPool")
    if pool is None:
        pool = QThreadPool(window)
        pool.setObjectName("reportPool")
        pool.setMaxThreadCount(1)
    return pool


class SummaryWindow(QDialog):
    """Counts of one version of the quotes (an annotator's, or gold), a tab per dimension.

    Opens at once; the counts and charts arrive from a pool thread ("Counting…" shows
    meanwhile, with the busy cursor over this window only). Choosing another version
    stops the count under way. ``report`` is the report shown (None until one arrived).
    """

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.project = window.session.project
        self.path = Path(window.project_path)
        self.pool = _report_pool(window)
        self.setWindowTitle("Quote summary")
        self.resize(1000, 640)
        self.source_box = QComboBox()
        names = self.project.annotators()
        self.source_box.addItems([*names, GOLD])
        me = window.session.annotator
        if me in names:
            self.source_box.setCurrentText(me)
        self.source_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.total = QLabel()
        self.working = QProgressBar()
        self.working.setRange(0, 0)  # busy: the count has no steps to show
        self.working.setMaximumWidth(120)
        self.working.setTextVisible(False)
        self.save = QPushButton("Save &HTML report…")
        self.save.setAutoDefault(False)
        self.save.clicked.connect(self.save_html)
        top = QHBoxLayout()
        top.addWidget(QLabel("Count:"))
        top.addWidget(self.source_box)
        top.addWidget(self.total, 1)
        top.addWidget(self.working)
        top.addWidget(self.save)
        self.tabs = QTabWidget()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs)
        self.report: Report | None = None
        self._generation = 0
        self._task: ReportTask | None = None
        self._saving: Task | None = None
        self.reload()

    def source(self) -> QuoteSource:
        text = self.source_box.currentText()
        return QuoteSource(gold=True) if text == GOLD else QuoteSource(annotator=text)

    def counting(self) -> bool:
        """True while a count is under way."""
        return self._task is not None

    def reload(self) -> None:
        """Count the chosen version again on the report pool; the tabs are rebuilt when
        the count arrives (:meth:`_counted`). A count under way is stopped."""
        if self._task is not None:
            self._task.cancel()
        self._generation += 1
        source = self.source()
        task = self._task = ReportTask(self.path, source, TITLES, self._generation)
        task.signals.finished.connect(lambda result, t=task: self._counted(t, result))
        task.signals.failed.connect(lambda message, t=task: self._failed(t, message))
        _RUNNING.add(task)
        self.total.setText(f"Counting the quotes: {source.describe()}…")
        self.working.show()
        self.save.setEnabled(False)
        self.tabs.setEnabled(False)  # the tabs show the count before, until this one
        self.setCursor(Qt.CursorShape.BusyCursor)
        self.pool.start(task)

    def _end(self, task: ReportTask) -> bool:
        """Forget ``task``; True when it is this window's current count."""
        _RUNNING.discard(task)
        if task is not self._task:
            return False
        self._task = None
        self.working.hide()
        self.unsetCursor()
        return True

    def _counted(self, task: ReportTask, result: object) -> None:
        if not self._end(task):
            return
        _generation, report, charts = cast(tuple[int, Report | None, dict[str, bytes]], result)
        if report is None:  # stopped, and nothing newer asked for
            self.total.setText("Counting stopped.")
            return
        self.report = report
        self.total.setText(self._counted_text(report))
        current = self.tabs.currentIndex()
        self.tabs.clear()
        for dim in DIMENSIONS:
            self.tabs.addTab(self._tab(report, dim, charts.get(dim)), TITLES[dim])
        self.tabs.setCurrentIndex(max(current, 0))
        self.tabs.setEnabled(True)
        self.save.setEnabled(True)

    def _failed(self, task: ReportTask, message: str) -> None:
        if not self._end(task):
            return
        self.report = None
        self.tabs.clear()
        self.tabs.setEnabled(True)
        self.total.setText(f"The quotes could not be counted: {message}")

    def _tab(self, report: Report, dim: str, png: bytes | None) -> QWidget:
        rows = report.tables[dim]
        table = QTableWidget(len(rows), 5)
        table.setHorizontalHeaderLabels([dim, "quotes", "articles", "speakers", "share"])
        table.verticalHeader().hide()
        for r, row in enumerate(rows):
            cells = [
                label(row["value"]),
                str(row["quotes"]),
                str(row["articles"]),
                str(row["speakers"]),
                f"{100 * row['share']:.1f}%",
            ]
            for c, text in enumerate(cells):
                table.setItem(r, c, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # names elide, not counts
        for c in range(1, 5):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        chart = QLabel("No quotes." if not rows else "")
        if png is not None:
            pix = QPixmap()
            pix.loadFromData(png)
            chart.setPixmap(pix)
        scroll = QScrollArea()
        scroll.setWidget(chart)
        split = QSplitter()
        split.addWidget(scroll)
        split.addWidget(table)
        split.setSizes([600, 380])
        return split

    def save_html(self) -> None:
        """Write the whole report as a self-contained HTML page (on the report pool: its
        seven charts are drawn again); the window says where it went, or why not."""
        if self.report is None or self._saving is not None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Save report", str(Path.home() / "quote-report.html"), "HTML (*.html)"
        )
        if not path:
            return
        report, out = self.report, Path(path)
        task = self._saving = CallTask(lambda: write_report(report, "html", out))
        task.expected = (OSError, AnnotatorError)
        task.signals.finished.connect(lambda _r, t=task: self._saved(t, out, None))
        task.signals.failed.connect(lambda message, t=task: self._saved(t, out, message))
        _RUNNING.add(task)
        self.save.setEnabled(False)
        self.save.setText("Saving…")
        self.pool.start(task)

    def _saved(self, task: Task, out: Path, error: str | None) -> None:
        _RUNNING.discard(task)
        self._saving = None
        self.save.setText("Save &HTML report…")
        self.save.setEnabled(self.report is not None and self._task is None)
        if error is not None:
            QMessageBox.warning(self, "Quote summary", f"The report was not saved:\n{error}")
        elif self.report is not None and self._task is None:
            self.total.setText(f"{self._counted_text(self.report)}. Saved to {out}")

    @staticmethod
    def _counted_text(report: Report) -> str:
        return f"{count_noun(report.total, 'quote')}: {report.source.describe()}"

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        if self._task is not None:  # its thread stops at the next count; nobody waits
            self._task.cancel()
        super().closeEvent(event)
