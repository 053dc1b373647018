"""The agreement dashboard: pairwise figures as a bar chart and tables, worst articles first.

PySide6-Essentials has no QtCharts, so :class:`PairChart` paints grouped bars with QPainter
and :class:`BarDelegate` draws bars inside table cells. The figures come from
:func:`annotator.services.agreement.compute_agreement`, run in a pool worker with its own
connection (connections never cross threads).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import Stopped
from annotator.core.wording import count_noun
from annotator.services.agreement import AgreementReport, compute_agreement
from annotator.store.project import Project
from annotator.ui.workers import Task, WorkerSignals

METRICS: tuple[tuple[str, str, str], ...] = (
    ("quote_f1_lenient", "Quote F1 (lenient)", "#1f77b4"),
    ("quote_f1_jaccard", "Quote F1 (Jaccard ≥ 0.5)", "#6baed6"),
    ("speaker_agreement", "Speaker agreement", "#2ca02c"),
    ("stance_kappa", "Stance κ", "#ff7f0e"),
)
BAR_ROLE = Qt.ItemDataRole.UserRole + 1


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


class PairChart(QWidget):
    """Horizontal grouped bars: one group per annotator pair, one bar per metric (0 to 1)."""

    BAR = 7
    GAP = 10
    LABEL_W = 190

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, list[float | None]]] = []
        self.setMinimumWidth(420)

    def set_rows(self, rows: Sequence[tuple[str, Sequence[float | None]]]) -> None:
        self._rows = [(label, list(values)) for label, values in rows]
        self.setMinimumHeight(self._height())
        self.updateGeometry()
        self.update()

    def rows(self) -> list[tuple[str, list[float | None]]]:
        return list(self._rows)

    def _height(self) -> int:
        group = self.BAR * len(METRICS) + self.GAP
        return 34 + max(1, len(self._rows)) * group + 10

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(640, self._height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt name)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.fillRect(self.rect(), QColor("white"))
        fm = p.fontMetrics()
        left, right = self.LABEL_W, self.width() - 60
        width = max(40, right - left)
        # legend
        x = 8
        for _, name, colour in METRICS:
            p.fillRect(QRect(x, 8, 12, 12), QColor(colour))
            p.setPen(QColor("black"))
            p.drawText(x + 16, 19, name)
            x += 16 + fm.horizontalAdvance(name) + 18
        top = 34
        # grid lines at 0, .25, .5, .75, 1
        bottom = top + len(self._rows) * (self.BAR * len(METRICS) + self.GAP)
        for k in range(5):
            gx = left + int(width * k / 4)
            p.setPen(QPen(QColor("#dddddd"), 1))
            p.drawLine(gx, top - 4, gx, bottom)
        if not self._rows:
            p.setPen(QColor("#555555"))
            p.drawText(
                QRect(0, top, self.width(), 40),
                Qt.AlignmentFlag.AlignCenter,
                "No pair to compare: two annotators needed",
            )
            return
        y = top
        for label, values in self._rows:
            group_h = self.BAR * len(METRICS)
            p.setPen(QColor("black"))
            p.drawText(
                QRect(4, y, left - 10, group_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                fm.elidedText(label, Qt.TextElideMode.ElideMiddle, left - 12),
            )
            for k, value in enumerate(values):
                by = y + k * self.BAR
                if value is None:
                    p.setPen(QColor("#999999"))
                    small = QFont(p.font())
                    small.setPointSizeF(max(6.0, small.pointSizeF() - 2))
                    p.save()
                    p.setFont(small)
                    p.drawText(left + 3, by + self.BAR, "n/a")
                    p.restore()
                    continue
                w = int(width * max(0.0, min(1.0, value)))
                p.fillRect(QRect(left, by, max(1, w), self.BAR - 1), QColor(METRICS[k][2]))
            y += group_h + self.GAP
        p.setPen(QColor("#555555"))
        for k in range(5):
            gx = left + int(width * k / 4)
            p.drawText(gx - 10, bottom + 12, f"{k / 4:.2g}")
        p.end()


class BarDelegate(QStyledItemDelegate):
    """Draws a cell's BAR_ROLE value (0 to 1) as a bar behind its text."""

    def __init__(self, colour: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._colour = QColor(colour)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        share = index.data(BAR_ROLE)
        if isinstance(share, (int, float)):
            r = option.rect.adjusted(2, 3, -2, -3)  # type: ignore[attr-defined]
            painter.fillRect(
                QRect(r.x(), r.y(), int(r.width() * max(0.0, min(1.0, float(share)))), r.height()),
                self._colour,
            )
        super().paint(painter, option, index)


class _AgreementJob(Task):
    """Compute the figures on a connection of its own; finished(AgreementReport)."""

    expected = (Exception,)  # every failure is shown in the window as its message

    def __init__(self, path: Path, annotators: list[str] | None) -> None:
        super().__init__()
        self.path = path
        self.annotators = annotators
        self.signals = WorkerSignals()

    def work(self) -> object:
        try:
            with Project.open(self.path, create=False, readonly=True) as project:
                return compute_agreement(project, self.annotators, stop=self._cancel.is_set)
        except Stopped:
            return None  # no longer wanted: a newer request, or the window closed


#: Jobs still running: a window that closes cancels its jobs without waiting for them
#: (the agreement of a 100,000-article project takes minutes), and a pool runnable must
#: outlive its run.
_RUNNING: set[_AgreementJob] = set()


def _item(text: str, align_right: bool = False) -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    if align_right:
        it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return it


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.verticalHeader().setVisible(False)
    t.setAlternatingRowColors(True)
    return t


class DashboardWindow(QMainWindow):
    """Agreement figures of a project: per pair, over all annotators, per annotator, per article."""

    computed = Signal(object)  # the AgreementReport shown
    failed = Signal(str)

    def __init__(self, project_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project_path = Path(project_path)
        self.report: AgreementReport | None = None
        self._jobs: list[_AgreementJob] = []
        self.setWindowTitle(f"Agreement — {self.project_path.name}")
        self.resize(1300, 740)
        with Project.open(self.project_path, create=False, readonly=True) as project:
            names = project.annotators()
        self._build(names)
        view = self.menuBar().addMenu("&View")
        refresh = QAction("&Refresh", self)
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.refresh)
        view.addAction(refresh)
        close = QAction("&Close", self)
        close.setShortcut(QKeySequence("Ctrl+W"))
        close.triggered.connect(self.close)
        view.addAction(close)
        self.refresh()

    def _build(self, names: list[str]) -> None:
        self.summary = QLabel("Computing…")
        self.summary.setWordWrap(True)
        self.annotator_list = QListWidget()
        self.annotator_list.setFlow(QListWidget.Flow.LeftToRight)
        self.annotator_list.setWrapping(True)
        self.annotator_list.setMaximumHeight(34)
        for name in names:
            it = QListWidgetItem(name)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked)
            self.annotator_list.addItem(it)
        self.annotator_list.itemChanged.connect(lambda _it: self.refresh())

        self.chart = PairChart()
        scroll = QScrollArea()
        scroll.setWidget(self.chart)
        scroll.setWidgetResizable(True)
        self.pairs_table = _table(
            ["A (gold)", "B", "F1 lenient", "F1 J≥0.5", "Speaker", "Stance κ", "Articles", "Differ"]
        )
        self.pairs_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(scroll)
        left.addWidget(self.pairs_table)
        left.setSizes([420, 220])

        self.annotators_table = _table(
            ["Annotator", "Accepted", "Rejected", "Pending", "Articles", "Done", "Progress"]
        )
        self.annotators_table.setItemDelegateForColumn(6, BarDelegate("#b7e1b0", self))
        self.annotators_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.annotators_table.horizontalHeader().setStretchLastSection(True)
        self.articles_table = _table(["Disagreements", "Contested", "Article"])
        self.articles_table.setItemDelegateForColumn(0, BarDelegate("#f5b7b1", self))
        self.articles_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.articles_table.horizontalHeader().setStretchLastSection(True)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(4, 0, 0, 0)
        rv.addWidget(QLabel("<b>Per annotator</b>: counts and progress (articles marked done)"))
        rv.addWidget(self.annotators_table, 2)
        rv.addWidget(QLabel("<b>Per article</b>: disagreements over all pairs, worst first"))
        rv.addWidget(self.articles_table, 3)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([760, 540])
        central = QWidget()
        v = QVBoxLayout(central)
        v.addWidget(self.summary)
        v.addWidget(self.annotator_list)
        v.addWidget(split, 1)
        self.setCentralWidget(central)

    def chosen_annotators(self) -> list[str]:
        return [
            self.annotator_list.item(i).text()
            for i in range(self.annotator_list.count())
            if self.annotator_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def refresh(self) -> None:
        """Recompute the figures in the background for the ticked annotators."""
        self.summary.setText("Computing agreement…")
        for old in self._jobs:  # their figures would be dropped anyway
            old.cancel()
        job = _AgreementJob(self.project_path, self.chosen_annotators())
        job.signals.finished.connect(lambda _r, j=job: _RUNNING.discard(j))
        job.signals.failed.connect(lambda _m, j=job: _RUNNING.discard(j))
        job.signals.finished.connect(self._show)
        job.signals.failed.connect(self._failed)
        _RUNNING.add(job)
        self._jobs = [job]
        QThreadPool.globalInstance().start(job)

    def _failed(self, message: str) -> None:
        self.summary.setText(
            f"<span style='color:#b71c1c'>Could not compute: {html.escape(message)}</span>"
        )
        self.failed.emit(message)

    def _show(self, report: AgreementReport | None) -> None:
        if report is None or report.annotators != self.chosen_annotators():
            return  # a newer request is on its way
        self.report = report
        n = len(report.annotators)
        alpha = (
            f"n/a ({report.stance_alpha_note or 'fewer than two stance labels in use'})"
            if report.stance_alpha is None
            else f"{report.stance_alpha:.3f}"
        )
        self.summary.setText(
            f"<b>{count_noun(n, 'annotator')}</b>, {count_noun(len(report.pairs), 'pair')} · "
            f"Krippendorff's α (stance, nominal) over all: <b>{alpha}</b> · "
            f"gold: {count_noun(report.gold_quotes, 'quote')},"
            f" {count_noun(report.gold_articles, 'review')} finished · "
            "A is gold and B the prediction, as in the reference scorer"
        )
        self.chart.set_rows(
            [(f"{p.a} / {p.b}", [getattr(p, key) for key, _, _ in METRICS]) for p in report.pairs]
        )
        t = self.pairs_table
        t.setRowCount(len(report.pairs))
        for r, p in enumerate(report.pairs):
            values = [
                p.a,
                p.b,
                _fmt(p.quote_f1_lenient),
                _fmt(p.quote_f1_jaccard),
                _fmt(p.speaker_agreement),
                _fmt(p.stance_kappa),
                str(p.articles),
                str(p.disagreements),
            ]
            for c, v in enumerate(values):
                t.setItem(r, c, _item(v, c >= 2))
        a = self.annotators_table
        a.setRowCount(len(report.per_annotator))
        for r, f in enumerate(report.per_annotator):
            values = [
                f.name,
                str(f.accepted),
                str(f.rejected),
                str(f.pending),
                str(f.articles_annotated),
                str(f.articles_done),
                f"{100 * f.progress:.0f}% of {f.articles_total}",
            ]
            for c, v in enumerate(values):
                cell = _item(v, 0 < c < 6)
                if c == 6:
                    cell.setData(BAR_ROLE, f.progress)
                a.setItem(r, c, cell)
        w = self.articles_table
        w.setRowCount(len(report.per_article))
        worst = max((x.disagreements for x in report.per_article), default=0) or 1
        for r, x in enumerate(report.per_article):
            bar = _item(str(x.disagreements), True)
            bar.setData(BAR_ROLE, x.disagreements / worst)
            w.setItem(r, 0, bar)
            w.setItem(r, 1, _item(f"{x.contested} of {x.quotes}", True))
            w.setItem(r, 2, _item(f"#{x.id}  {x.title}"))
        self._jobs = [j for j in self._jobs if j.signals is not self.sender()]
        self.computed.emit(report)

    def closeEvent(self, event: object) -> None:  # noqa: N802 (Qt name)
        for job in self._jobs:  # it stops at its next article; nobody waits for it
            job.cancel()
        super().closeEvent(event)  # type: ignore[arg-type]
