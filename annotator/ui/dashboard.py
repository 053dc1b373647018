"""The agreement dashboard: pairwise figures as a bar chart and tables, worst articles first.

PySide6-Essentials has no QtCharts, so :class:`PairChart` paints grouped bars with QPainter
and :class:`BarDelegate` draws bars inside table cells. The figures come from
:func:`annotator.services.agreement.compute_agreement`, run in a pool worker with its own
connection (connections never cross threads), which also turns them into the rows shown
(:func:`~annotator.services.agreement_rows.dashboard_rows`), so the GUI thread only resets
three table models.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QFont,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMainWindow,
    QProgressBar,
    QScrollArea,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import Stopped
from annotator.core.model import left_out_status
from annotator.core.throttle import PROGRESS_EVERY_S, throttled
from annotator.services.agreement import AgreementReport, ArticleFigures, compute_agreement
from annotator.services.agreement_rows import (
    METRICS,
    Cell,
    DashboardRows,
    article_cells,
    dashboard_rows,
    known_annotator_rows,
    many,
)
from annotator.services.child_call import call_in_child
from annotator.store.project import Project
from annotator.ui.people_list import PeopleList, sharing_default, with_quotes
from annotator.ui.workers import (
    ReadTask,
    Task,
    TaskRunner,
    WorkerSignals,
    keep_alive,
    worth_a_child,
)

Index = QModelIndex | QPersistentModelIndex

BAR_ROLE = Qt.ItemDataRole.UserRole + 1


class PairChart(QWidget):
    """Horizontal grouped bars: one group per annotator pair, one bar per metric (0 to 1)."""

    BAR = 7
    GAP = 10
    LABEL_W = 190

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, list[float | None]]] = []
        self._message = ""
        self.setMinimumWidth(420)

    def set_rows(
        self, rows: Sequence[tuple[str, Sequence[float | None]]], message: str = ""
    ) -> None:
        """Show ``rows``; with none, ``message`` says why (computing, nobody to compare)."""
        self._rows = [(label, list(values)) for label, values in rows]
        self._message = message
        self.setMinimumHeight(self._height())
        self.updateGeometry()
        self.update()

    def rows(self) -> list[tuple[str, list[float | None]]]:
        return list(self._rows)

    def message(self) -> str:
        """What the chart says instead of bars ("" when it shows bars)."""
        return "" if self._rows else self._message

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
                self._message,
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


# -- the figures as rows, made on the worker ------------------------------------------------


def no_pair_message(report: AgreementReport) -> str:
    """Why a finished report has no pair to chart, in words."""
    n = len(report.annotators)
    if n == 0:
        return "No pair to compare: no annotator is ticked (tick two above)"
    if n == 1:
        return f"No pair to compare: only {report.annotators[0]} is ticked (tick another)"
    if report.pairs and all(p.articles == 0 for p in report.pairs):
        return "No pair to compare: no article is annotated by two of the ticked annotators"
    return "No pair to compare"


def empty_pairs_text(names: Sequence[str]) -> str:
    """One line for the pairs with no shared article ("" when there is none)."""
    if not names:
        return ""
    return f"No article annotated by both (not shown): {', '.join(names)}"


def people_and_sharing(project: Project) -> tuple[dict[str, int], list[str]]:
    """Every annotator with their count of accepted quotes, and those who share an
    annotated article with another annotator with accepted quotes (sorted): what the
    dashboard lists and ticks (two project-wide reads, on a pool thread)."""
    return project.annotation_counts("accepted"), project.annotators_who_share("accepted")


def nobody_shares_message(names: Sequence[str]) -> str:
    """What the dashboard says when no article was annotated by two of ``names`` (the
    annotators with accepted quotes): why nobody is ticked, and what to do."""
    shown = list(names[:8]) + ([f"{len(names) - 8:,} more"] if len(names) > 8 else [])
    who = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"
    each = "has" if len(names) == 1 else "each have"
    return (
        "<b>Nothing to compare yet:</b> no article was annotated by two annotators. "
        f"{html.escape(who)} {each} accepted quotes, but on articles nobody else annotated, "
        "so nobody is ticked. Agreement needs the same articles annotated by two people "
        "or more; tick annotators above to compute their figures anyway."
    )


def alone_note(names: Sequence[str]) -> str:
    """One sentence naming the annotators not ticked because they share no article with
    another ("" when there is none)."""
    if not names:
        return ""
    verb = "shares" if len(names) == 1 else "share"
    return (
        f" · Not ticked: {html.escape(', '.join(names))} ({verb} no annotated article"
        " with another annotator)"
    )


class RowsModel(QAbstractTableModel):
    """Rows of :class:`Cell` made elsewhere; ``data`` only looks them up, so a reset of
    20,000 rows costs no more than one of twenty (the view asks for the rows it shows)."""

    def __init__(self, headers: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.rows: list[tuple[Cell, ...]] = []

    def set_rows(self, rows: list[tuple[Cell, ...]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def cell(self, row: int, column: int) -> Cell:
        """The cell at ``row``, ``column`` (both in range)."""
        return self.rows[row][column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        cell = self.cell(index.row(), index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == BAR_ROLE:
            return cell.bar
        if role == Qt.ItemDataRole.TextAlignmentRole and cell.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ArticlesModel(RowsModel):
    """The per-article table over :class:`ArticleFigures`: a row's cells are made when the
    view asks for it (a few dozen rows shown), not for all 20,000 when the result arrives."""

    def __init__(self, headers: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(headers, parent)
        self.figures: list[ArticleFigures] = []
        self._worst = 1

    def set_figures(self, figures: list[ArticleFigures]) -> None:
        self.beginResetModel()
        self.figures = figures
        self._worst = max((x.disagreements for x in figures), default=0) or 1
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.figures)

    def cell(self, row: int, column: int) -> Cell:
        return article_cells(self.figures[row], self._worst)[column]


class _AgreementJob(Task):
    """Compute the figures and make the rows shown; progress(articles done, articles
    total), finished(DashboardRows, or None when stopped).

    The computation runs in a child process
    (:func:`~annotator.services.agreement_rows.agreement_pieces` through
    :func:`~annotator.services.child_call.call_in_child`, its own connection): a minute of
    pure Python at 100,000 articles, which in a thread of this process shares the GIL with
    the window and, on a loaded machine, froze it for 100-650 ms at a time. This thread
    only relays progress and gathers the rows; cancelling ends the child. A small project
    (:func:`~annotator.ui.workers.worth_a_child` False: a child's start would cost more
    than it saves) and ``in_child`` False compute in this thread instead (tests that hold
    the computation).
    """

    expected = (Exception,)  # every failure is shown in the window as its message
    in_child = True
    EVERY = PROGRESS_EVERY_S

    def __init__(self, path: Path, annotators: list[str]) -> None:
        super().__init__()
        self.path = path
        self.annotators = annotators
        self.signals = WorkerSignals()

    def work(self) -> object:
        if not self.in_child or not worth_a_child(self.path):
            return self._work_here()
        try:
            head, *chunks = call_in_child(
                "annotator.services.agreement_rows:agreement_pieces",
                {"path": str(self.path), "annotators": self.annotators},
                progress=self.signals.progress.emit,
                cancelled=self._cancel.is_set,
                every=self.EVERY,
            )
        except Stopped:
            return None  # no longer wanted: a newer request, or the window closed
        per_article: list[ArticleFigures] = [row for chunk in chunks for row in chunk]
        head.report.per_article = per_article
        return replace(head, articles=per_article)

    def _work_here(self) -> object:
        try:
            with Project.open(self.path, create=False, readonly=True) as project:
                report = compute_agreement(
                    project,
                    self.annotators,
                    progress=throttled(self.signals.progress.emit, self.EVERY),
                    stop=self._cancel.is_set,
                )
        except Stopped:
            return None  # no longer wanted: a newer request, or the window closed
        return dashboard_rows(report)


def _table(model: RowsModel) -> QTableView:
    t = QTableView()
    t.setModel(model)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.verticalHeader().setVisible(False)
    # one row height for all: no row is measured, however many there are
    t.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    t.verticalHeader().setDefaultSectionSize(t.fontMetrics().height() + 8)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)
    return t


_POOL: list[QThreadPool] = []


def agreement_pool() -> QThreadPool:
    """The pool of agreement computations (made when first asked for; one thread). Not a
    child of any window: a dashboard that closes does not wait for the computation it
    cancelled."""
    if not _POOL:
        pool = QThreadPool()
        pool.setMaxThreadCount(1)
        _POOL.append(pool)
    return _POOL[0]


COMPUTING = "Computing agreement…"
FINDING = "Finding the articles annotated by two or more of them…"
READING = "Reading the annotators…"


class DashboardWindow(QMainWindow):
    """Agreement figures of a project: per pair, over all annotators, per annotator, per article.

    Opens at once: the annotators and their counts, then the figures, come from pool
    threads, with the articles compared so far on a progress bar. Those with accepted
    quotes who share an annotated article with another of them are ticked at first (when
    nobody shares, nothing is computed and the window says why); ticking or unticking
    computes again.
    """

    computed = Signal(object)  # the AgreementReport shown
    failed = Signal(str)
    #: nobody shares an annotated article: nothing computed, the window says why
    nothing_shared = Signal()

    def __init__(self, project_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project_path = Path(project_path)
        self.report: AgreementReport | None = None
        #: annotators with accepted quotes not ticked at first: they share no article
        self.alone: list[str] = []
        self._jobs: list[_AgreementJob] = []
        self._people = TaskRunner(self)
        self.setWindowTitle(f"Agreement — {self.project_path.name}")
        self.resize(1300, 740)
        self._build()
        view = self.menuBar().addMenu("&View")
        refresh = QAction("&Refresh", self)
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.refresh)
        view.addAction(refresh)
        close = QAction("&Close", self)
        close.setShortcut(QKeySequence("Ctrl+W"))
        close.triggered.connect(self.close)
        view.addAction(close)
        self._read_people()

    def _build(self) -> None:
        self.summary = QLabel(READING)
        self.summary.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setMinimumWidth(220)
        self.progress.setMaximumWidth(320)
        self.progress.hide()
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.progress)
        self.annotator_list = PeopleList("accepted quote")
        self.annotator_list.setFlow(QListWidget.Flow.LeftToRight)
        self.annotator_list.setWrapping(True)
        self.annotator_list.setMaximumHeight(34)
        self.annotator_list.ticked_changed.connect(lambda _names: self.refresh())

        self.chart = PairChart()
        self.chart.set_rows([], READING)
        scroll = QScrollArea()
        scroll.setWidget(self.chart)
        scroll.setWidgetResizable(True)
        pair_headers = ["A (gold)", "B", "F1 lenient", "F1 J≥0.5", "Speaker", "Stance κ"]
        self.pairs_model = RowsModel([*pair_headers, "Articles", "Differ"], self)
        self.pairs_table = _table(self.pairs_model)
        self.pairs_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.empty_pairs = QLabel()
        self.empty_pairs.setWordWrap(True)
        self.empty_pairs.setStyleSheet("color:#555555")
        self.empty_pairs.hide()
        pairs_box = QWidget()
        pv = QVBoxLayout(pairs_box)
        pv.setContentsMargins(0, 0, 0, 0)
        pv.addWidget(self.pairs_table, 1)
        pv.addWidget(self.empty_pairs)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(scroll)
        left.addWidget(pairs_box)
        left.setSizes([420, 220])

        self.annotators_model = RowsModel(
            ["Annotator", "Accepted", "Rejected", "Pending", "Articles", "Done", "Progress"], self
        )
        self.annotators_table = _table(self.annotators_model)
        self.annotators_table.setItemDelegateForColumn(6, BarDelegate("#b7e1b0", self))
        # one row per annotator: measuring them all is cheap, and every column then fits
        self.annotators_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.annotators_table.horizontalHeader().setStretchLastSection(True)
        self.articles_model = ArticlesModel(["Disagreements", "Contested", "Article"], self)
        self.articles_table = _table(self.articles_model)
        self.articles_table.setItemDelegateForColumn(0, BarDelegate("#f5b7b1", self))
        header = self.articles_table.horizontalHeader()
        header.setStretchLastSection(True)
        width = self.fontMetrics().horizontalAdvance("Disagreements") + 24
        header.resizeSection(0, width)
        header.resizeSection(1, width)
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
        v.addLayout(top)
        v.addWidget(self.annotator_list)
        v.addWidget(split, 1)
        self.setCentralWidget(central)

    def _read_people(self) -> None:
        """The annotators, their accepted quotes and who shares an article, on a pool
        thread; then the figures."""
        task = ReadTask(self.project_path, people_and_sharing)
        self._people.start(task, self._people_read, self._failed)

    def _people_read(self, result: object) -> None:
        counts, sharing = cast(tuple[dict[str, int], list[str]], result)
        ticked = sharing_default(counts, sharing)
        self.alone = [n for n in with_quotes(counts) if n not in ticked]
        self.annotator_list.set_people(counts, ticked=ticked)
        for name in self.alone:
            self.annotator_list.add_tip(
                name, ", on articles no other annotator annotated (not ticked)"
            )
        if self.alone and not ticked:
            self._nobody_shares()
            return
        self.refresh()

    def _nobody_shares(self) -> None:
        """No article has two annotators' versions: say so instead of computing nothing."""
        self.summary.setText(nobody_shares_message(self.alone))
        self.chart.set_rows([], "No article annotated by two annotators")
        self.progress.hide()
        self.nothing_shared.emit()

    def chosen_annotators(self) -> list[str]:
        return self.annotator_list.ticked()

    def computing(self) -> bool:
        """True while figures are being computed."""
        return bool(self._jobs)

    def refresh(self) -> None:
        """Recompute the figures in the background for the ticked annotators."""
        for old in self._jobs:  # their figures would be dropped anyway
            old.cancel()
        chosen = self.chosen_annotators()
        self.summary.setText(f"{COMPUTING} {FINDING}")
        self.chart.set_rows([], COMPUTING)
        self.progress.setRange(0, 0)  # busy until the articles to compare are known
        self.progress.setFormat(FINDING)
        self.progress.setToolTip(FINDING)
        self.progress.show()
        # what is known at once: the accepted quotes of each (the rest when computed)
        self.annotators_model.set_rows(
            known_annotator_rows(chosen, self.annotator_list.counts(), self.annotators_model.rows)
        )
        job = _AgreementJob(self.project_path, chosen)
        job.signals.progress.connect(lambda done, total, j=job: self._progressed(j, done, total))
        job.signals.finished.connect(lambda rows, j=job: self._show(j, rows))
        job.signals.failed.connect(lambda message, j=job: self._job_failed(j, message))
        self._jobs = [job]
        agreement_pool().start(keep_alive(job))

    def _progressed(self, job: _AgreementJob, done: int, total: int) -> None:
        if job not in self._jobs:
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done:,} / {total:,}")
        self.summary.setText(f"{COMPUTING} {done:,} of {many(total, 'article')} compared")

    def _job_failed(self, job: _AgreementJob, message: str) -> None:
        if job not in self._jobs:
            return
        self._jobs = []
        self.progress.hide()
        self._failed(message)

    def _failed(self, message: str) -> None:
        self.summary.setText(
            f"<span style='color:#b71c1c'>Could not compute: {html.escape(message)}</span>"
        )
        self.chart.set_rows([], "Could not compute")
        self.failed.emit(message)

    def _show(self, job: _AgreementJob, result: object) -> None:
        if job not in self._jobs:
            return  # a newer request is on its way
        rows = cast(DashboardRows | None, result)
        if rows is None:
            return
        self._jobs = []
        self.progress.hide()
        report = rows.report
        self.report = report
        unticked = [n for n in self.alone if n not in report.annotators]
        self.summary.setText(rows.summary + alone_note(unticked))
        self.chart.set_rows(rows.chart, no_pair_message(report))
        self.pairs_model.set_rows(rows.pairs)
        self.empty_pairs.setText(empty_pairs_text(rows.empty_pairs))
        self.empty_pairs.setVisible(bool(rows.empty_pairs))
        self.annotators_model.set_rows(rows.annotators)
        self.articles_model.set_figures(rows.articles)
        # a project edited by hand: the quotes not counted, in one line
        if report.left_out:
            self.statusBar().showMessage(left_out_status(report.left_out))
        else:
            self.statusBar().clearMessage()
        self.computed.emit(report)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        for job in self._jobs:  # it stops at its next article; nobody waits for it
            job.cancel()
        self._people.close()
        super().closeEvent(event)
