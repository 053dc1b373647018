"""The review window's quotes table: a model over the article's review rows that makes
the cells of the rows in view only, a view of fixed row heights, and the pool task that
reads and matches a long article's versions.

A decision changes one row (or a few): :meth:`ReviewItemsModel.rows_changed` repaints
those, nothing else is measured or made again (issue 16, tester19 N4: a pick key filled
the whole table again, 0.2-0.3 s at 1,000 quotes per annotator, and opening an article
of 5,000 quotes per annotator held the window 3.5 s).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from annotator.core.model import spans_text
from annotator.services.adjudication import ArticleRows, ReviewItem
from annotator.ui.review_dialogs import clip
from annotator.ui.workers import Task, WorkerSignals

ModelIndex = QModelIndex | QPersistentModelIndex

#: The mark column's sign of a row's gold decision.
MARKS = {"agreed": "=", "picked": "✓", "edited": "✎", "added": "+"}
#: Every text the narrow columns can hold (their widths are set from these once).
_MARK_TEXTS = ("", "≠", "✗", "?", *MARKS.values())
_GOLD_TEXTS = ("Gold", "agreed, not yet gold", "left out", "—", *MARKS)
HEADERS = ("", "Quote", "Differences", "Gold")

_AGREED = QBrush(QColor("#2e7d32"))
_UNDECIDED = QBrush(QColor("#b71c1c"))


def row_cells(item: ReviewItem, text: str) -> tuple[str, str, str, str]:
    """The four cells of a row: mark, quote (clipped), differences, gold."""
    if item.left_out:
        mark, gold = "✗", "left out"
    elif item.gold is not None:
        mark, gold = MARKS.get(item.gold.decision, "?"), item.gold.decision
    elif item.agreed:
        mark, gold = "", "agreed, not yet gold"
    else:
        mark, gold = "≠", "—"
    return mark, clip(spans_text(text, item.spans), 90), item.summary(), gold


class ReviewItemsModel(QAbstractTableModel):
    """The review rows of the article shown, four columns; a row's cells are made when
    the view asks for them (the rows in view) and kept until the row changes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: Sequence[ReviewItem] = []
        self._text = ""
        self._cells: dict[int, tuple[str, str, str, str]] = {}

    def set_items(self, items: Sequence[ReviewItem], text: str) -> None:
        """Show ``items`` (kept by reference: :meth:`rows_changed` says what changed)."""
        self.beginResetModel()
        self._items, self._text = items, text
        self._cells.clear()
        self.endResetModel()

    def rows_changed(self, rows: Sequence[int]) -> None:
        """Rows ``rows`` of the items hold new values: made again when next shown."""
        last = len(HEADERS) - 1
        for r in rows:
            self._cells.pop(r, None)
            self.dataChanged.emit(self.index(r, 0), self.index(r, last))

    def cells(self, row: int) -> tuple[str, str, str, str]:
        """The four cell texts of ``row``."""
        cells = self._cells.get(row)
        if cells is None:
            cells = self._cells[row] = row_cells(self._items[row], self._text)
        return cells

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r = index.row()
        if not index.isValid() or not 0 <= r < len(self._items):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cells(r)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (1, 2):
            return self.cells(r)[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            item = self._items[r]
            if item.agreed:
                return _AGREED
            if not item.decided:
                return _UNDECIDED
        return None

    def headerData(  # noqa: N802 (Qt name)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None


class ReviewQuotesView(QTableView):
    """The quotes table: rows of two lines each (fixed: nothing is measured per row),
    narrow columns as wide as their widest possible text, with the row calls of a table
    widget (``rowCount``, ``currentRow``, ``setCurrentCell``) and ``cell_text``."""

    #: The current row changed (-1: none).
    current_row_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items_model = ReviewItemsModel(self)
        self.setModel(self.items_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(2 * self.fontMetrics().lineSpacing() + 8)
        hh = self.horizontalHeader()
        fm = self.fontMetrics()
        pad = 2 * self.style().pixelMetric(self.style().PixelMetric.PM_FocusFrameHMargin) + 16
        for col, texts in ((0, _MARK_TEXTS), (3, _GOLD_TEXTS)):
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            self.setColumnWidth(col, max(fm.horizontalAdvance(t) for t in texts) + pad)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def rowCount(self) -> int:  # noqa: N802 (QTableWidget's name)
        return self.items_model.rowCount()

    def currentRow(self) -> int:  # noqa: N802
        return self.currentIndex().row()

    def setCurrentCell(self, row: int, column: int) -> None:  # noqa: N802
        if 0 <= row < self.rowCount():
            self.setCurrentIndex(self.items_model.index(row, column))

    def cell_text(self, row: int, column: int) -> str:
        """The text of a cell (as shown, before eliding)."""
        return self.items_model.cells(row)[column]

    def currentChanged(self, current: ModelIndex, previous: ModelIndex) -> None:  # noqa: N802
        super().currentChanged(current, previous)
        if current.row() != previous.row():
            self.current_row_changed.emit(current.row())


class ReviewRowsTask(Task):
    """The review rows of one article (:meth:`ReviewSession.read`) read on a pool thread
    from a read-only :class:`Project` of its own; finished((generation, rows))."""

    expected = (OSError,)

    def __init__(
        self,
        path: Path,
        reviewer: str,
        annotators: Sequence[str],
        article_id: int,
        generation: int,
    ) -> None:
        super().__init__()
        self.path, self.reviewer, self.annotators = path, reviewer, list(annotators)
        self.article_id, self.generation = article_id, generation
        self.signals = WorkerSignals()

    def work(self) -> object:
        """``(generation, ArticleRows)`` of the article, read and matched here."""
        from annotator.services.adjudication import ReviewSession

        with self.reading(self.path) as project:
            session = ReviewSession(project, self.reviewer, self.annotators)
            rows: ArticleRows = session.read(self.article_id)
            return self.generation, rows
