"""The Summary view: who is quoted how often, by outlet, month, kind and gender, with charts.

The figures come from :func:`annotator.services.report.build_report` (the same as
``annotator report``); the charts are drawn by matplotlib and shown as images. Both are
made on a pool thread (:class:`~annotator.ui.workers.ReportTask`): counting one
annotator's quotes in a 100,000-article project takes about 15 s, and the windows stay
usable meanwhile.
"""

from __future__ import annotations

import contextlib
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
from annotator.core.model import left_out_status
from annotator.core.wording import count_noun
from annotator.services.report import Report, label, write_report
from annotator.store.reports import DIMENSIONS, QuoteSource
from annotator.ui.people_list import person_label
from annotator.ui.workers import CallTask, ReportTask, Task, keep_alive

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
    meanwhile, with the busy cursor over this window only): the figures and tables first,
    the charts when drawn (the first waits for matplotlib's import, about 2 s at load).
    Choosing another version stops the count under way. ``report`` is the report shown
    (None until one arrived).
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
        for name in names:  # the counts come with the first summary (person_label)
            self.source_box.addItem(name, name)
        self.source_box.addItem(GOLD, GOLD)
        self.me = window.session.annotator
        if self.me in names:
            self.source_box.setCurrentIndex(names.index(self.me))
        self.source_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.total = QLabel()
        # names in it come from imported files: never read as rich text (an annotator
        # named "<h1>BOSS</h1>" showed as a heading, tester19 N2)
        self.total.setTextFormat(Qt.TextFormat.PlainText)
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
        #: the chart of each tab shown, by dimension (filled when the charts arrive)
        self.charts: dict[str, QLabel] = {}
        self._generation = 0
        self._task: ReportTask | None = None
        #: every count started and not ended, with this window's slots on its signals
        #: (closing disconnects those)
        self._slots: dict[ReportTask, tuple[Any, Any, Any]] = {}
        self._saving: Task | None = None
        self._reload(default=True)

    def source(self) -> QuoteSource:
        name = self.source_box.currentData()
        return QuoteSource(gold=True) if name == GOLD else QuoteSource(annotator=name)

    def counting(self) -> bool:
        """True while a count is under way."""
        return self._task is not None

    def reload(self) -> None:
        """Count the chosen version again on the report pool; the tabs are rebuilt when
        the count arrives (:meth:`_counted`). A count under way is stopped."""
        self._reload(default=False)

    def _reload(self, default: bool) -> None:
        """``default``: the task picks the version (every annotator's count first; the
        list then shows the counts and the version picked)."""
        if self._task is not None:
            self._task.cancel()
        self._generation += 1
        source = None if default else self.source()
        task = self._task = ReportTask(self.path, source, TITLES, self._generation, self.me)
        done = lambda result, t=task: self._counted(t, result)  # noqa: E731
        failed = lambda message, t=task: self._failed(t, message)  # noqa: E731
        figures = lambda result, t=task: self._figures(t, result)  # noqa: E731
        task.signals.finished.connect(done)
        task.signals.failed.connect(failed)
        task.signals.counted.connect(figures)
        self._slots[task] = (done, failed, figures)
        keep_alive(task)
        what = "" if source is None else f": {source.describe()}"
        self.total.setText(f"Counting the quotes{what}…")
        self.working.show()
        self.save.setEnabled(False)
        self.tabs.setEnabled(False)  # the tabs show the count before, until this one
        self.setCursor(Qt.CursorShape.BusyCursor)
        self.pool.start(task)

    def _end(self, task: ReportTask) -> bool:
        """Forget ``task``; True when it is this window's current count."""
        self._slots.pop(task, None)
        if task is not self._task:
            return False
        self._task = None
        self.working.hide()
        self.unsetCursor()
        return True

    def _figures(self, task: ReportTask, result: object) -> None:
        """The count's figures, before its charts: the total, the tables, each chart's
        place saying it is being drawn."""
        _generation, report, counts = cast(tuple[int, Report, dict[str, int] | None], result)
        if task is not self._task:
            return
        if counts is not None:
            self._show_counts(counts, report.source)
        self._show(report, None)

    def _counted(self, task: ReportTask, result: object) -> None:
        _generation, report, charts, counts = cast(
            tuple[int, Report | None, dict[str, bytes], dict[str, int] | None], result
        )
        if counts is not None:
            self._show_counts(counts, task.source if task is self._task else None)
        if not self._end(task):
            return
        if report is None:  # stopped, and nothing newer asked for
            self.total.setText("Counting stopped.")
            return
        if report is self.report:  # its figures are shown: the charts go in their places
            for dim, chart in self.charts.items():
                self._set_chart(chart, report, dim, charts.get(dim))
        else:
            self._show(report, charts)
        self.save.setEnabled(True)

    def _show(self, report: Report, charts: dict[str, bytes] | None) -> None:
        """Show ``report``: the total and a tab per dimension, with ``charts`` (None: not
        drawn yet)."""
        self.report = report
        self.total.setText(self._counted_text(report))
        current = self.tabs.currentIndex()
        self.tabs.clear()
        self.charts = {}
        for dim in DIMENSIONS:
            png = None if charts is None else charts.get(dim)
            self.tabs.addTab(self._tab(report, dim, png, charts is None), TITLES[dim])
        self.tabs.setCurrentIndex(max(current, 0))
        self.tabs.setEnabled(True)

    @staticmethod
    def _set_chart(chart: QLabel, report: Report, dim: str, png: bytes | None) -> None:
        if png is not None:
            pix = QPixmap()
            pix.loadFromData(png)
            chart.setPixmap(pix)
        else:
            chart.setText("No quotes." if not report.tables[dim] else "")
        chart.adjustSize()  # in its scroll area: the size of what it shows now

    def _show_counts(self, counts: dict[str, int], chosen: QuoteSource | None) -> None:
        """Name each annotator with their accepted quotes and show ``chosen`` (the version
        a default count picked) as the current one, without counting again."""
        box = self.source_box
        box.blockSignals(True)
        for i in range(box.count()):
            name = box.itemData(i)
            if name in counts:
                box.setItemText(i, person_label(name, counts[name]))
        if chosen is not None:
            want = GOLD if chosen.gold else chosen.annotator
            index = box.findData(want)
            if index >= 0:
                box.setCurrentIndex(index)
        box.blockSignals(False)

    def _failed(self, task: ReportTask, message: str) -> None:
        if not self._end(task):
            return
        self.report = None
        self.tabs.clear()
        self.tabs.setEnabled(True)
        self.total.setText(f"The quotes could not be counted: {message}")

    def _tab(self, report: Report, dim: str, png: bytes | None, drawing: bool) -> QWidget:
        """A tab of ``report``'s ``dim``: its chart (``png``; with ``drawing`` a line saying
        it is on its way) beside its table."""
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
        chart = self.charts[dim] = QLabel()
        if drawing and rows:
            chart.setText("Drawing the chart…")
        else:
            self._set_chart(chart, report, dim, png)
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
        keep_alive(task)
        self.save.setEnabled(False)
        self.save.setText("Saving…")
        self.pool.start(task)

    def _saved(self, task: Task, out: Path, error: str | None) -> None:
        self._saving = None
        self.save.setText("Save &HTML report…")
        self.save.setEnabled(self.report is not None and self._task is None)
        if error is not None:
            QMessageBox.warning(self, "Quote summary", f"The report was not saved:\n{error}")
        elif self.report is not None and self._task is None:
            self.total.setText(f"{self._counted_text(self.report)}. Saved to {out}")

    @staticmethod
    def _counted_text(report: Report) -> str:
        out = f"{count_noun(report.total, 'quote')}: {report.source.describe()}"
        if report.left_out:  # a project edited by hand: said in the same line
            out += f" · {left_out_status(report.left_out, 'the counts')}"
        return out

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        self._task = None
        for task, (done, failed, figures) in self._slots.items():  # a child: killed in 0.1 s
            task.cancel()
            # an answer may come after this window is deleted: this window is not told
            # (keep_alive's own slots stay, so the task still leaves workers.RUNNING)
            with contextlib.suppress(RuntimeError, TypeError):
                task.signals.finished.disconnect(done)
            with contextlib.suppress(RuntimeError, TypeError):
                task.signals.failed.disconnect(failed)
            with contextlib.suppress(RuntimeError, TypeError):
                task.signals.counted.disconnect(figures)
        self._slots = {}
        super().closeEvent(event)
