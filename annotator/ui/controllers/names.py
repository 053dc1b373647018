"""Entity names for the speaker completer, parsed in the pool and cached per article."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

from annotator.services.session import NAME_SCAN_CHARS
from annotator.ui.controllers.model_process import ModelProcess
from annotator.ui.workers import NamesTask

#: Articles whose entity names are kept (a parse of a long article takes ~0.1-0.3 s).
NAMES_CACHE_SIZE = 200


class NamesController(QObject):
    """One parse at a time, so paging quickly through articles parses only where the
    annotator stops; until names arrive (and in rules-only mode) the session's scan of
    capitalised words stands in.

    Signals:
        found(article_id, names): the PERSON/ORG names of an article.
        message(text, ms): a passing status-bar message.
    """

    found = Signal(int, list)
    message = Signal(str, int)

    def __init__(self, pool: QThreadPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = pool
        self.parse: Callable[[str], Any] | None = None
        #: The model process finding the names (instead of ``parse`` in the pool).
        self.remote: ModelProcess | None = None
        self.task: NamesTask | int | None = None  # an int: the article asked of ``remote``
        self.cache: OrderedDict[int, list[str]] = OrderedDict()
        self.closing = False
        self._wanted: tuple[int, str] | None = None

    def set_parser(self, parse: object) -> None:
        """Parse with ``parse`` from now on (a callable text -> spaCy Doc), or ask a
        :class:`ModelProcess` for the names."""
        if isinstance(parse, ModelProcess):
            self.remote = parse
            parse.names.connect(lambda ident, names: self._found((ident, names)))
            parse.failed.connect(self._failed)
        else:
            self.parse = parse  # type: ignore[assignment]
        if self._wanted is not None:
            self.request(*self._wanted)

    def cached(self, article_id: int) -> list[str] | None:
        """The names of ``article_id`` when parsed already (None: not yet)."""
        names = self.cache.get(article_id)
        if names is not None:
            self.cache.move_to_end(article_id)
        return names

    def request(self, article_id: int, text: str) -> None:
        """The annotator is on this article: parse it unless cached or a parse is running.

        Only the first NAME_SCAN_CHARS of the text: a scraped page of 50 MB went to the
        model's process as one JSON line written on the window's thread (1.8 s), and spaCy
        refuses texts over 1,000,000 characters anyway (issue 16)."""
        text = text[:NAME_SCAN_CHARS]
        self._wanted = (article_id, text)
        ready = self.parse is not None or self.remote is not None
        if not ready or self.task is not None or article_id in self.cache:
            return
        if self.closing:
            return
        if self.remote is not None:
            self.task = article_id
            self.remote.request_names(article_id, text)
            return
        assert self.parse is not None
        task = NamesTask(self.parse, article_id, text)
        task.signals.finished.connect(self._found)
        task.signals.failed.connect(self._failed)
        self.task = task
        self.pool.start(task)

    def _found(self, result: object) -> None:
        self.task = None
        if self.closing:
            return
        found: tuple[int, list[str]] = result  # type: ignore[assignment]
        article_id, names = found
        self.cache[article_id] = names
        while len(self.cache) > NAMES_CACHE_SIZE:
            self.cache.popitem(last=False)
        self.found.emit(article_id, names)
        if self._wanted is not None:  # the annotator may have moved on meanwhile
            self.request(*self._wanted)

    def _failed(self, message: str) -> None:
        # the scan of capitalised words stays; the next article change tries again
        self.task = None
        self.message.emit(f"Names from the model are not available: {message}", 5000)
