"""Search: the list follows the words typed, the shown article marks their hits, F3 walks them.

Issue 10: Enter opens the first hit, the hit words are marked (extra selections) and
scrolled into view, F3/Shift+F3 go to the next/previous hit (on into the next or previous
listed article), a hit inside a quote makes that quote current, and the list selection
always equals the shown article.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6.QtCore import QObject, Signal

from annotator.core.model import Span
from annotator.services.editing import MAX_HITS, search_hits
from annotator.services.session import Session
from annotator.store.project import Project
from annotator.ui.article_list import ArticleList
from annotator.ui.article_view import ArticleView
from annotator.ui.workers import ListSearchTask, Task

#: Runs a pool task: (task, done(result), failed(message)), the callbacks on this thread.
StartTask = Callable[[Task, Callable[[object], None], Callable[[str], None]], None]


class SearchController(QObject):
    """Keeps the article list, the shown article and the search hits in step.

    The articles holding the words are found by ``start`` on a pool thread (a query of
    the whole project's text index); the list says it is searching meanwhile.

    Signals:
        open_article(article_id): show this article (the window opens it).
        message(text, ms): a passing status-bar message.
    """

    open_article = Signal(int)
    message = Signal(str, int)

    def __init__(
        self,
        project: Project,
        session: Callable[[], Session],
        article_list: ArticleList,
        view: ArticleView,
        start: StartTask,
        parent: QObject | None = None,
        cancel: Callable[[Task], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self._path = Path(project.path)
        self._start = start
        self._cancel = cancel
        self._task: Task | None = None
        self._generation = 0
        #: The words being searched (None: the list shows the last words' answer).
        self.pending: str | None = None
        self._first_hit_later = False
        self._session = session
        self.list = article_list
        self.view = view
        self.words = ""
        self.hits: list[Span] = []
        #: (article id, its text, the words) the hits were found for (None: none)
        self._hits_of: tuple[int, str, str] | None = None
        self.hit = -1
        article_list.search_changed.connect(self.search)
        article_list.rows_changed.connect(self.list_filtered)

    def search(self, text: str) -> None:
        """The search text changed: find the articles on a pool thread, then filter the
        list (then :meth:`list_filtered`); mark the hits in the shown article now."""
        self.words = text.strip()
        self.list.keep = None  # the analyst's own change: filter the shown article too
        self._generation += 1
        self._first_hit_later = False
        if not self.words:
            self.pending = None
            self.list.set_search_ids(None)
        else:
            self.pending = self.words
            self.list.search_asked()
            task = ListSearchTask(self._path, self.words, self._generation)
            self._task = task
            self._start(task, self._found, self._failed)
        self.show_hits(None)

    def stop(self) -> bool:
        """Esc while the list says "Searching…": interrupt the search under way; the list
        keeps the rows it shows and the box the words they answer. True if one was stopped."""
        if self.pending is None:
            return False
        task, self._task = self._task, None
        self._generation += 1  # its answer, if one still comes, is stale
        self.pending = None
        self._first_hit_later = False
        if task is not None and self._cancel is not None:
            self._cancel(task)
        self.words = self.list.search_cancelled()
        self.show_hits(None)
        return True

    def _found(self, result: object) -> None:
        generation, words, ids = cast(tuple[int, str, set[int]], result)
        if generation != self._generation:
            return  # newer words are being searched
        self.pending = None
        self.list.set_search_ids(ids, words)
        if self._first_hit_later:
            self._first_hit_later = False
            self.show_hits(0)

    def _failed(self, message: str) -> None:
        if self.pending is None:
            return  # stopped (Esc): the interrupt is no failure
        self.pending = None
        self._first_hit_later = False
        self.list.search_failed()
        self.message.emit(f"Search failed: {message}", 8000)

    def list_filtered(self) -> None:
        """The list shows other rows: keep the shown article selected, or open the first
        listed article when the shown one is filtered out."""
        art = self._session().article
        if art is not None and self.list.shows(art.id):
            self.list.show_current(art.id)
            return
        if self.list.working():
            return  # the first row of an old order or filter: wait for the new one
        first = self.list.neighbour(-1, 1)
        if first is not None:
            self.open_article.emit(first)

    def enter(self) -> None:
        """Enter in the search box: search now and go to the first hit."""
        self.list.flush_search()
        if self.pending is not None:
            self._first_hit_later = True  # once the list shows the articles found
        else:
            self.show_hits(0)

    def show_hits(self, index: int | None) -> None:
        """Mark the hits in the shown article; go to hit ``index`` (None: none; negative
        counts from the end)."""
        session = self._session()
        art = session.article
        key = (art.id, art.text, self.words) if art is not None and self.words else None
        if key != self._hits_of:
            # found once per article and words; F3 only moves along them (6,000,000 hits
            # were found and marked again at every F3, 3-4 s each, verify21 V10)
            self._hits_of = key
            self.hits = search_hits(key[1], self.words) if key is not None else []
            if len(self.hits) >= MAX_HITS:
                self.message.emit(
                    f"Only the first {MAX_HITS:,} hits in this article are marked.", 8000
                )
        self.hit = index % len(self.hits) if index is not None and self.hits else -1
        if self.hit >= 0:
            # a hit inside a quote makes it current: what is outlined is what the keys act on
            session.select_at(self.hits[self.hit][0])
        self.view.set_hits(self.hits, self.hit)

    def find(self, step: int) -> None:
        """F3 (``step`` 1) / Shift+F3 (-1): the next or previous hit."""
        if not self.words:
            self.message.emit("Nothing to find: Ctrl+F, type words, Enter; then F3.", 5000)
            return
        if self.hits and self.hit < 0:
            self.show_hits(0 if step > 0 else -1)
            return
        if 0 <= self.hit + step < len(self.hits):
            self.show_hits(self.hit + step)
            return
        why_not = self.list.busy_note() or self.list.empty_note()
        if why_not:
            self.message.emit(why_not, 5000)
            return
        art = self._session().article
        target = self.list.neighbour(art.id if art else -1, step)
        if target is None:
            where = "last" if step > 0 else "first"
            self.message.emit(f"No more hits: this is the {where} article found.", 5000)
            return
        self.open_article.emit(target)
        self.show_hits(0 if step > 0 else -1)
