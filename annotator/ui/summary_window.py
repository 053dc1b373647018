"""The Summary view: who is quoted how often, by outlet, month, kind and gender, with charts.

The figures come from :func:`annotator.services.report.build_report` (the same as
``annotator report``); the charts are drawn by matplotlib and shown as images.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
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
from annotator.services.report import (
    Report,
    build_report,
    chart_png,
    chart_series,
    label,
    write_report,
)
from annotator.store.reports import DIMENSIONS, QuoteSource
from annotator.ui.busy import busy_cursor

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


class SummaryWindow(QDialog):
    """Counts of one version of the quotes (an annotator's, or gold), a tab per dimension."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.project = window.session.project
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
        save = QPushButton("Save &HTML report…")
        save.setAutoDefault(False)
        save.clicked.connect(self.save_html)
        top = QHBoxLayout()
        top.addWidget(QLabel("Count:"))
        top.addWidget(self.source_box)
        top.addWidget(self.total, 1)
        top.addWidget(save)
        self.tabs = QTabWidget()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs)
        self.report: Report | None = None
        self.reload()

    def source(self) -> QuoteSource:
        text = self.source_box.currentText()
        return QuoteSource(gold=True) if text == GOLD else QuoteSource(annotator=text)

    def reload(self) -> None:
        """Count again and rebuild the tabs (the wait cursor shows meanwhile: counting a
        large project and drawing seven charts hold this thread)."""
        with busy_cursor():
            self.report = build_report(self.project, self.source())
            self.total.setText(
                f"{count_noun(self.report.total, 'quote')}: {self.report.source.describe()}"
            )
            current = self.tabs.currentIndex()
            self.tabs.clear()
            for dim in DIMENSIONS:
                self.tabs.addTab(self._tab(self.report, dim), TITLES[dim])
            self.tabs.setCurrentIndex(max(current, 0))

    def _tab(self, report: Report, dim: str) -> QWidget:
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
        if rows:
            labels, values = chart_series(report, dim)
            pix = QPixmap()
            pix.loadFromData(chart_png(labels, values, TITLES[dim]))
            chart.setPixmap(pix)
        scroll = QScrollArea()
        scroll.setWidget(chart)
        split = QSplitter()
        split.addWidget(scroll)
        split.addWidget(table)
        split.setSizes([600, 380])
        return split

    def save_html(self) -> None:
        """Write the whole report as a self-contained HTML page."""
        if self.report is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Save report", str(Path.home() / "quote-report.html"), "HTML (*.html)"
        )
        if not path:
            return
        try:
            with busy_cursor():  # the page's charts are drawn again
                write_report(self.report, "html", Path(path))
        except (OSError, AnnotatorError) as exc:
            QMessageBox.warning(self, "Quote summary", f"The report was not saved:\n{exc}")
