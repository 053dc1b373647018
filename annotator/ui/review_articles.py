"""Review mode's annotator choice and article list (a ReviewWindow mixin)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QMainWindow

from annotator.services.adjudication import ReviewItem, ReviewSession
from annotator.store.project import Project
from annotator.ui.review_dialogs import clip


class ReviewArticles(QMainWindow):
    """Mixin of :class:`annotator.ui.review_window.ReviewWindow`: annotators and articles."""

    project: Project
    session: ReviewSession
    undo_stack: QUndoStack
    annotator_list: QListWidget
    article_list: QListWidget
    _article_ids: list[int]
    _article_id: int | None
    _titles: dict[int, str]
    _label_queue: list[int]
    _label_timer: QTimer

    if TYPE_CHECKING:

        def _all_annotators(self) -> list[str]: ...

        def _show_article(self, article_id: int | None, keep_row: int | None = None) -> None: ...

    # -- annotators and articles ---------------------------------------------------------------

    def set_annotators(self, names: list[str]) -> None:
        """Compare ``names`` (ticks them in the list and reloads the articles)."""
        self.annotator_list.blockSignals(True)
        for i in range(self.annotator_list.count()):
            it = self.annotator_list.item(i)
            it.setCheckState(
                Qt.CheckState.Checked if it.text() in names else Qt.CheckState.Unchecked
            )
        self.annotator_list.blockSignals(False)
        self.session.set_annotators([n for n in self._all_annotators() if n in names])
        self._reload_articles()

    def _annotators_ticked(self, _item: QListWidgetItem) -> None:
        names = [
            self.annotator_list.item(i).text()
            for i in range(self.annotator_list.count())
            if self.annotator_list.item(i).checkState() == Qt.CheckState.Checked
        ]
        self.session.set_annotators(names)
        self.undo_stack.clear()  # edits were made against the other comparison
        self._reload_articles()

    def _reload_articles(self) -> None:
        keep = self._article_id
        self._article_ids = self.session.article_ids()
        self._titles = {a.id: a.title for a in self.project.article_summaries()}
        self.article_list.blockSignals(True)
        self.article_list.clear()
        for aid in self._article_ids:
            self.article_list.addItem(QListWidgetItem(self._titles.get(aid, f"#{aid}")))
        self.article_list.blockSignals(False)
        # counts per article are filled in a few at a time, so a large project opens at once
        self._label_queue = list(self._article_ids)
        self._label_timer.start(0)
        if not self._article_ids:
            self._article_id = None
            self._show_article(None)
            return
        row = self._article_ids.index(keep) if keep in self._article_ids else 0
        self.article_list.setCurrentRow(row)
        self._show_article(self._article_ids[row])

    def _label_some(self) -> None:
        batch, self._label_queue = self._label_queue[:25], self._label_queue[25:]
        for aid in batch:
            if aid in self._article_ids:
                i = self._article_ids.index(aid)
                self.article_list.item(i).setText(self._article_label(aid))
        if not self._label_queue:
            self._label_timer.stop()

    def _article_label(self, article_id: int, items: list[ReviewItem] | None = None) -> str:
        if items is None:
            items = self.session.items(article_id)
        open_ = sum(1 for it in items if not it.agreed)
        gold = sum(1 for it in items if it.decided)
        status = self.session.status(article_id)
        mark = "✔ " if status == "done" else ""
        title = clip(self._titles.get(article_id, f"#{article_id}"), 48)
        return f"{mark}{title}\n   {open_} differ · {gold}/{len(items)} gold"

    def _article_row_changed(self, row: int) -> None:
        if 0 <= row < len(self._article_ids) and self._article_ids[row] != self._article_id:
            self._show_article(self._article_ids[row])

    def _move_article(self, step: int) -> None:
        if not self._article_ids:
            return
        row = self.article_list.currentRow() + step
        if 0 <= row < len(self._article_ids):
            self.article_list.setCurrentRow(row)
