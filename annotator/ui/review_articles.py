"""Review mode's annotator choice and article list (a ReviewWindow mixin).

Which annotators have quotes and which articles they touched are project-wide reads, so
they run on a pool thread (:class:`~annotator.ui.workers.ReviewLoadTask`) while the window
says "Loading articles…"; the list is a lazy model over the ids whose labels (title,
differences, gold) are read a page at a time, on a pool thread, as rows scroll into view.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QTableView,
    QWidget,
)

from annotator.services.adjudication import ArticleRows, ReviewItem, ReviewLabel, ReviewSession
from annotator.store.project import Project
from annotator.ui.lazy_rows import LazyRowsModel, ModelIndex
from annotator.ui.people_list import PeopleList
from annotator.ui.review_dialogs import clip
from annotator.ui.workers import ReviewLabelsTask, ReviewLoadTask, TaskRunner

#: The id of the row's article (for tests and views).
ID_ROLE = Qt.ItemDataRole.UserRole + 2

LOADING = "Loading articles…"


def label_text(label: ReviewLabel) -> str:
    """The list's two lines for an article: "✔ " when done, the title, the counts."""
    mark = "✔ " if label.status == "done" else ""
    title = clip(label.title or f"#{label.id}", 48)
    return f"{mark}{title}\n   {label.differ:,} differ · {label.decided:,}/{label.quotes:,} gold"


class ReviewArticleModel(LazyRowsModel[ReviewLabel]):
    """The articles to review, one column; a label not read yet shows "…" and its page
    (:attr:`page_size` rows) is asked for through ``fetch_later``."""

    @property
    def page_size(self) -> int:
        return 25  # a label matches every version of its article: a few ms each

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 1

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == ID_ROLE:
            return self._ids[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            label = self._shown_row(index.row())
            return "…\n" if label is None else label_text(label)
        return None

    def update_label(self, label: ReviewLabel) -> None:
        """A label read again after a change: shown at once."""
        self._set_row(label)


class ReviewArticleView(QTableView):
    """The review window's article list, with the row calls of a list widget. A table
    view of one column: its rows have one fixed height, so neither a reset nor a move
    lays out every row (a list view walked all 60,000 rows on each, half a second)."""

    #: The current row changed (-1: none).
    current_row_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.horizontalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(2 * self.fontMetrics().lineSpacing() + 8)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)

    def currentRow(self) -> int:  # noqa: N802 (QListWidget's name)
        return self.currentIndex().row()

    def setCurrentRow(self, row: int) -> None:  # noqa: N802
        model = self.model()
        if model is not None and 0 <= row < model.rowCount():
            self.setCurrentIndex(model.index(row, 0))

    def currentChanged(self, current: ModelIndex, previous: ModelIndex) -> None:  # noqa: N802
        super().currentChanged(current, previous)
        self.current_row_changed.emit(current.row())


class ReviewArticles(QMainWindow):
    """Mixin of :class:`annotator.ui.review_window.ReviewWindow`: annotators and articles."""

    project: Project
    project_path: Path
    session: ReviewSession
    undo_stack: QUndoStack
    annotator_list: PeopleList
    article_list: ReviewArticleView
    articles_label: QLabel
    header: QLabel
    _article_id: int | None
    _title: str
    _items: list[ReviewItem]
    _rows: ArticleRows | None

    if TYPE_CHECKING:

        def _show_article(self, article_id: int | None, keep_row: int | None = None) -> None: ...

    def _build_article_list(self) -> None:
        """The list, its model and the pool threads that read it."""
        self.article_model = ReviewArticleModel(self)
        self.article_model.fetch_later = self._read_labels
        self.article_list = ReviewArticleView()
        self.article_list.setModel(self.article_model)
        self.article_list.current_row_changed.connect(self._article_row_changed)
        self.articles_label = QLabel(LOADING)
        # the annotators and ids (project-wide reads) on one thread, the pages on another,
        # so a reload never delays the labels of the rows in view
        self._loads = TaskRunner(self)
        self._pages = TaskRunner(self)
        self._generation = 0
        self._loading = False

    # -- annotators and articles ---------------------------------------------------------------

    def loading(self) -> bool:
        """True while the annotators and the articles to review are being read."""
        return self._loading

    def labels_pending(self) -> bool:
        """True while a page of labels is being read."""
        return self._pages.busy()

    def annotator_names(self) -> list[str]:
        """The annotators offered in the list (empty until read)."""
        return self.annotator_list.names()

    def set_annotators(self, names: list[str]) -> None:
        """Compare ``names`` (in the list's order): the articles are read again on a pool
        thread; the list ticks them once read."""
        self.annotator_list.tick(names)
        self._load(names)

    def _annotators_ticked(self, names: list[str]) -> None:
        self.undo_stack.clear()  # edits were made against the other comparison
        self._load(names)

    def _load(self, names: list[str] | None) -> None:
        """Read the annotators and the articles to review for ``names`` (None: the first
        two annotators) on a pool thread; an older read still under way is dropped."""
        self._generation += 1
        self._loading = True
        self.articles_label.setText(LOADING)
        self._loads.cancel_all()
        task = ReviewLoadTask(self.project_path, self.session.reviewer, names, self._generation)
        self._loads.start(task, self._loaded, self._load_failed)

    def _loaded(self, result: object) -> None:
        generation, available, names, ids = cast(
            tuple[int, dict[str, int], list[str], list[int]], result
        )
        if generation != self._generation:
            return  # a newer choice is being read
        self._loading = False
        self.annotator_list.set_people(available, ticked=names)
        self.session.set_annotators(names)
        self.articles_label.setText(f"Articles (N / P): {len(ids):,}")
        keep = self._article_id
        self.article_list.blockSignals(True)
        self.article_model.forget_rows()  # labels counted for the other comparison
        self.article_model.set_ids(ids)
        self.article_list.blockSignals(False)
        if not ids:
            self._article_id = None
            self._show_article(None)
            return
        row = self.article_model.row_of(keep) if keep is not None else None
        row = 0 if row is None else row
        self.article_list.blockSignals(True)
        self.article_list.setCurrentRow(row)
        self.article_list.blockSignals(False)
        self.article_list.scrollTo(self.article_model.index(row, 0))
        self._show_article(ids[row])

    def _load_failed(self, message: str) -> None:
        self._loading = False
        self.articles_label.setText(f"Could not read the articles: {message}")

    def _read_labels(self, ids: list[int]) -> None:
        """Read the labels of a page of the list on the page thread."""
        generation = self._generation
        task = ReviewLabelsTask(
            self.project_path, self.session.reviewer, self.session.annotators, ids, generation
        )

        def done(result: object) -> None:
            gen, labels = cast(tuple[int, list[ReviewLabel]], result)
            if gen == self._generation:
                self.article_model.rows_read(labels)

        def failed(message: str) -> None:
            self.statusBar().showMessage(f"Could not read the article list: {message}", 5000)

        self._pages.start(task, done, failed)

    def _refresh_label(self, article_id: int) -> None:
        """Show the new label of the article shown (its rows are ``_items``)."""
        rows = self._rows
        if (
            article_id == self._article_id
            and rows is not None
            and rows.article_id == article_id
            and self.article_model.row_of(article_id) is not None
        ):
            self.article_model.update_label(self.session.rows_label(rows, self._title))

    def _article_row_changed(self, row: int) -> None:
        if 0 <= row < self.article_model.rowCount():
            ident = self.article_model.id_at(row)
            if ident != self._article_id:
                self._show_article(ident)

    def _move_article(self, step: int) -> None:
        n = self.article_model.rowCount()
        if not n:
            return
        row = self.article_list.currentRow() + step
        if 0 <= row < n:
            self.article_list.setCurrentRow(row)

    def _stop_reading(self) -> None:
        """The window closes: no more answers (reads under way are not waited for)."""
        self._loads.close()
        self._pages.close()
