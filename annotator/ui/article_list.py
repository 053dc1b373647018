"""The article list: a table model over :class:`ArticleRow`, a sort/filter proxy, the widget."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.store.queries import ArticleRow, Totals

COLUMNS = ("Title", "Publisher", "Date", "Status", "Quotes")
STATUS_TEXT = {"new": "new", "in_progress": "in progress", "done": "done"}
STATUS_COLOUR = {"new": "#546e7a", "in_progress": "#ef6c00", "done": "#2e7d32"}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2

ModelIndex = QModelIndex | QPersistentModelIndex


class ArticleListModel(QAbstractTableModel):
    """Articles with the annotator's status and quote counts."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ArticleRow] = []
        self._pos: dict[int, int] = {}
        self._sums = [0, 0, 0]  # articles done, quotes done, quotes

    def set_rows(self, rows: Sequence[ArticleRow]) -> None:
        """Show ``rows`` (from :func:`queries.article_rows`, in that order)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._pos = {r.id: i for i, r in enumerate(self._rows)}
        self._sums = [0, 0, 0]
        for r in self._rows:
            self._count(r, 1)
        self.endResetModel()

    def append_rows(self, rows: Sequence[ArticleRow]) -> None:
        """Add ``rows`` (the next page of :func:`queries.article_rows`, ids above every row
        shown) at the end, as inserted rows: views and proxies keep their state."""
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        for i, r in enumerate(rows, first):
            self._rows.append(r)
            self._pos[r.id] = i
            self._count(r, 1)
        self.endInsertRows()

    def _count(self, r: ArticleRow, sign: int) -> None:
        self._sums[0] += sign * (r.status == "done")
        self._sums[1] += sign * r.quotes_done
        self._sums[2] += sign * r.quotes_total

    def update_row(self, row: ArticleRow) -> None:
        """Replace the row of ``row.id`` (from :func:`queries.article_row`); unknown ids
        are ignored."""
        i = self._pos.get(row.id)
        if i is None or self._rows[i] == row:
            return
        self._count(self._rows[i], -1)
        self._count(row, 1)
        self._rows[i] = row
        self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))

    def totals(self) -> Totals:
        """The annotator's progress over every row (the same figures as
        :func:`queries.totals`, without its ~0.4 s query on 10,000 articles)."""
        done, quotes_done, quotes = self._sums
        return Totals(done, len(self._rows), quotes_done, quotes)

    def row_of(self, article_id: int) -> int | None:
        return self._pos.get(article_id)

    def article(self, row: int) -> ArticleRow:
        return self._rows[row]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                sub = " · ".join(x for x in (r.publisher, r.date) if x)
                title = r.title or f"(article {r.id})"
                return f"{title}\n{sub}" if sub else title
            if col == 1:
                return r.publisher
            if col == 2:
                return r.date
            if col == 3:
                return STATUS_TEXT.get(r.status, r.status)
            if col == 4:
                return f"{r.quotes_done}/{r.quotes_total}"
        elif role == SORT_ROLE:
            return (
                (r.title or "").lower(),
                r.publisher.lower(),
                r.date,
                ("new", "in_progress", "done").index(r.status) if r.status in STATUS_TEXT else 3,
                r.quotes_total,
            )[col]
        elif role == ID_ROLE:
            return r.id
        elif role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return "\n".join(x for x in (r.title, r.publisher, r.date) if x)
        elif role == Qt.ItemDataRole.ForegroundRole and col == 3:
            return QColor(STATUS_COLOUR.get(r.status, "#000000"))
        elif role == Qt.ItemDataRole.TextAlignmentRole and col == 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


#: The "Show" filter's choices: (text, name of :data:`annotator.store.queries.ARTICLE_FILTERS`).
FILTER_CHOICES: tuple[tuple[str, str | None], ...] = (
    ("Show: every article", None),
    ("Has undecided quotes", "undecided"),
    ("Quotes by speaker…", "speaker"),
    ("Quotes of kind…", "kind"),
    ("Confidence below…", "confidence_below"),
    ("Annotators disagree", "disagreement"),
)


class ArticleFilter(QSortFilterProxyModel):
    """Filters by status and by a set of ids (the full-text search hits)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.status: str | None = None
        self.ids: set[int] | None = None
        #: An article listed whatever the filters say: the one being worked on, until the
        #: analyst changes the search or a filter (a decision must not hide it mid-work).
        self.keep: int | None = None
        self.setSortRole(SORT_ROLE)
        # re-sorting 10,000 rows on every status change would cost tens of milliseconds
        # per key press; the list re-sorts and re-filters when the user asks
        self.setDynamicSortFilter(False)

    def set_filter(self, status: str | None, ids: set[int] | None) -> None:
        self.beginFilterChange()
        self.status = status
        self.ids = ids
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:  # noqa: N802
        model = self.sourceModel()
        if not isinstance(model, ArticleListModel):
            return True
        r = model.article(source_row)
        if r.id == self.keep:
            return True
        if self.status is not None and r.status != self.status:
            return False
        return self.ids is None or r.id in self.ids


class ArticleList(QWidget):
    """Search box, status filter and the sortable table; emits the chosen article id."""

    article_chosen = Signal(int)
    search_changed = Signal(str)
    #: (filter name, value): the "Show" filter changed ("" name: every article).
    filter_changed = Signal(str, str)
    #: Enter in the search box (the window opens the first hit).
    search_entered = Signal()
    #: The rows shown changed (search or filter): the window keeps the shown article listed.
    rows_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ArticleListModel(self)
        self.proxy = ArticleFilter(self)
        self.proxy.setSourceModel(self.model)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 0, 6)
        top = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search titles and text")
        self.search.setClearButtonEnabled(True)
        self.status_combo = QComboBox()
        for text, value in (
            ("All", None),
            ("New", "new"),
            ("In progress", "in_progress"),
            ("Done", "done"),
        ):
            self.status_combo.addItem(text, value)
        top.addWidget(self.search, 1)
        top.addWidget(self.status_combo)
        lay.addLayout(top)
        second = QHBoxLayout()
        self.filter_combo = QComboBox()
        self.filter_combo.setObjectName("articleFilter")
        for text, value in FILTER_CHOICES:
            self.filter_combo.addItem(text, value)
        self.filter_value = QComboBox()
        self.filter_value.setObjectName("articleFilterValue")
        self.filter_value.setEditable(True)
        self.filter_value.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.filter_value.hide()
        second.addWidget(self.filter_combo, 1)
        second.addWidget(self.filter_value, 1)
        lay.addLayout(second)
        #: Gives the names the speaker filter offers (set by the window; read when chosen).
        self.speaker_source: Callable[[], list[str]] = list
        self._filter_ids: set[int] | None = None
        self.table = QTableView()
        self.table.setObjectName("articleTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(42)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setAlternatingRowColors(True)
        self.table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # fixed widths: ResizeToContents would read every row on each change (10,000 rows)
        for c, width in ((1, 110), (2, 86), (3, 84), (4, 56)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(c, width)
        header.setHighlightSections(False)
        # publisher and date show under the title; their columns stay for sorting
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnHidden(1, True)
        self.table.setColumnHidden(2, True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        lay.addWidget(self.table, 1)
        self.table.clicked.connect(self._clicked)
        self.table.activated.connect(self._clicked)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(lambda: self.search_changed.emit(self.search.text()))
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self.search_entered)
        self.status_combo.currentIndexChanged.connect(lambda _i: self._user_filter())
        self.filter_combo.currentIndexChanged.connect(lambda _i: self._filter_chosen())
        self.filter_value.activated.connect(lambda _i: self._emit_filter())
        line = self.filter_value.lineEdit()
        if line is not None:
            line.returnPressed.connect(self._emit_filter)
        self._ids: set[int] | None = None

    def _header_menu(self, pos: QPoint) -> None:
        """Right-click on the header: show or hide the Publisher and Date columns."""
        menu = QMenu(self)
        for col in (1, 2):
            act = menu.addAction(COLUMNS[col])
            act.setCheckable(True)
            act.setChecked(not self.table.isColumnHidden(col))
            act.toggled.connect(lambda on, c=col: self.table.setColumnHidden(c, not on))
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))

    def _clicked(self, index: QModelIndex) -> None:
        ident = index.data(ID_ROLE)
        if ident is not None:
            self.article_chosen.emit(int(ident))

    def flush_search(self) -> None:
        """Search now for text still waiting for the typing pause."""
        if self._search_timer.isActive():
            self._search_timer.stop()
            self.search_changed.emit(self.search.text())

    def set_search_ids(self, ids: set[int] | None) -> None:
        self._ids = ids
        self._apply_filter()

    def filter(self) -> tuple[str, str]:
        """The "Show" filter as (name, value); ("", "") shows every article."""
        name = self.filter_combo.currentData() or ""
        return name, self.filter_value.currentText().strip() if name else ""

    def set_filter_ids(self, ids: set[int] | None) -> None:
        """The articles the "Show" filter keeps (None: all)."""
        self._filter_ids = ids
        self._apply_filter()

    def _fill_values(self, name: str) -> None:
        values = {
            "speaker": self.speaker_source() if name == "speaker" else [],
            "kind": ["direct", "mixed", "indirect"],
            "confidence_below": ["0.5", "0.3", "0.7", "0.9"],
        }.get(name)
        self.filter_value.blockSignals(True)
        self.filter_value.clear()
        if values is not None:
            self.filter_value.addItems(values)
            self.filter_value.setCurrentIndex(0 if values else -1)
        self.filter_value.blockSignals(False)
        self.filter_value.setVisible(values is not None)

    def _filter_chosen(self) -> None:
        self._fill_values(self.filter_combo.currentData() or "")
        self._emit_filter()

    def _emit_filter(self) -> None:
        self.proxy.keep = None  # the analyst's own change: filter the shown article too
        self.filter_changed.emit(*self.filter())

    def _user_filter(self) -> None:
        self.proxy.keep = None
        self._apply_filter()

    def _apply_filter(self) -> None:
        ids = self._ids
        if self._filter_ids is not None:
            ids = self._filter_ids if ids is None else ids & self._filter_ids
        self.proxy.set_filter(self.status_combo.currentData(), ids)
        self.rows_changed.emit()

    def shows(self, article_id: int) -> bool:
        """True when the article's row passes the search and filters."""
        row = self.model.row_of(article_id)
        return row is not None and self.proxy.mapFromSource(self.model.index(row, 0)).isValid()

    def show_current(self, article_id: int) -> None:
        """Select the article's row without emitting article_chosen; it stays listed when a
        refresh of the filters would drop it (see ``ArticleFilter.keep``)."""
        self.proxy.keep = article_id
        row = self.model.row_of(article_id)
        if row is None:
            return
        pidx = self.proxy.mapFromSource(self.model.index(row, 0))
        if not pidx.isValid():
            self.table.clearSelection()
            return
        self.table.selectRow(pidx.row())
        self.table.scrollTo(pidx)

    def neighbour(self, article_id: int, step: int) -> int | None:
        """The id ``step`` rows away from ``article_id`` in the list as shown (sorted, filtered)."""
        n = self.proxy.rowCount()
        if n == 0:
            return None
        row = self.model.row_of(article_id)
        pidx = self.proxy.mapFromSource(self.model.index(row, 0)) if row is not None else None
        if pidx is None or not pidx.isValid():
            target = 0 if step > 0 else n - 1
        else:
            target = pidx.row() + step
        if not 0 <= target < n:
            return None
        return int(self.proxy.index(target, 0).data(ID_ROLE))
