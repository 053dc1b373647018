"""A table model over ids whose rows are read lazily, a page at a time, as a view asks for
them (the article list, the review window's article list)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex

ModelIndex = QModelIndex | QPersistentModelIndex


class HasId(Protocol):
    @property
    def id(self) -> int: ...


RowT = TypeVar("RowT", bound=HasId)


class LazyRowsModel(QAbstractTableModel, Generic[RowT]):
    """Ids in their shown order, with the rows read so far in a bounded cache.

    The model holds only the ids (and a dict id -> row, so finding a row never walks the
    list); a row not read yet is asked for through :attr:`fetch_later` together with the
    rest of its page (:attr:`page_size` rows), and shown when the answer comes to
    :meth:`rows_read`. At most :attr:`cache_rows` rows are kept; the oldest are forgotten
    (and read again when shown). Subclasses say how a row is drawn (``data``) and how many
    columns there are.
    """

    @property
    def page_size(self) -> int:
        """Rows asked for at once when a row not read yet is shown."""
        return 100

    @property
    def cache_rows(self) -> int:
        """Rows kept read."""
        return 5000

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._ids: list[int] = []
        self._pos: dict[int, int] = {}
        self._rows: dict[int, RowT] = {}
        self._asked: set[int] = set()
        #: Asks for the rows of some ids off the GUI thread (they come to :meth:`rows_read`);
        #: None: rows are never asked for.
        self.fetch_later: Callable[[list[int]], None] | None = None
        #: Pages asked for or read so far (tests and the bench count them).
        self.pages_read = 0

    def set_ids(self, ids: Sequence[int]) -> None:
        """List ``ids`` in this order; rows already read stay read."""
        self.beginResetModel()
        self._ids = list(ids)
        self._pos = dict(zip(self._ids, range(len(self._ids))))  # twice the speed of a loop
        self.endResetModel()

    def append_ids(self, ids: Sequence[int]) -> None:
        """List ``ids`` after the last row (inserted rows: the view keeps its selection and
        scroll, nothing is reset). Ids already listed are left where they are."""
        new = [a for a in dict.fromkeys(ids) if a not in self._pos]
        if not new:
            return
        first = len(self._ids)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        self._ids.extend(new)
        self._pos.update(zip(new, range(first, first + len(new))))
        self.endInsertRows()

    def forget_rows(self) -> None:
        """Drop every row read (the rows changed as a whole); shown rows are read again."""
        self._rows.clear()
        self._asked.clear()
        if self._ids:
            last = self.index(len(self._ids) - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def ids(self) -> list[int]:
        """The ids as listed."""
        return list(self._ids)

    def cached(self, article_id: int) -> RowT | None:
        """The row of ``article_id`` if read, else None (nothing is read)."""
        return self._rows.get(article_id)

    def row_of(self, article_id: int) -> int | None:
        """The listed row of ``article_id`` (None: not listed)."""
        return self._pos.get(article_id)

    def id_at(self, row: int) -> int:
        """The id at ``row`` (IndexError out of range)."""
        return self._ids[row]

    def _ask_page(self, page: int) -> None:
        size = self.page_size
        want = [
            a
            for a in self._ids[page * size : (page + 1) * size]
            if a not in self._rows and a not in self._asked
        ]
        if want and self.fetch_later is not None:
            self._asked.update(want)
            self.pages_read += 1
            self.fetch_later(want)

    def _shown_row(self, row: int) -> RowT | None:
        """The row at ``row`` if read; else None, and its page is asked for."""
        found = self._rows.get(self._ids[row])
        if found is None:
            self._ask_page(row // self.page_size)
        return found

    def rows_read(self, rows: Sequence[RowT]) -> None:
        """Rows read for :attr:`fetch_later`: shown now. A row changed since it was asked
        for (already set again, see :meth:`_set_row`) keeps its newer figures."""
        changed: list[int] = []
        for r in rows:
            self._asked.discard(r.id)
            if r.id in self._rows:
                continue
            self._rows[r.id] = r
            i = self._pos.get(r.id)
            if i is not None:
                changed.append(i)
        self._trim()
        if changed:
            last = self.columnCount() - 1
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), last))

    def _set_row(self, row: RowT) -> None:
        """Keep ``row`` as read and redraw it if listed."""
        self._rows[row.id] = row
        i = self._pos.get(row.id)
        if i is not None:
            self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))

    def _trim(self) -> None:
        keep = self.cache_rows
        if len(self._rows) > keep:
            for old in list(self._rows)[: len(self._rows) - keep]:
                del self._rows[old]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)
