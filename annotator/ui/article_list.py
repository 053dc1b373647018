"""The article list: a lazy table model over article ids (rows read a page at a time as
they scroll into view), the widget with its search box, status and "Show" filters."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.text import clip_title
from annotator.core.wording import figure
from annotator.store.queries import ArticleRow, Totals
from annotator.ui.lazy_rows import LazyRowsModel

COLUMNS = ("Title", "Publisher", "Date", "Status", "Quotes")
STATUS_TEXT = {"new": "new", "in_progress": "in progress", "done": "done"}
STATUS_COLOUR = {"new": "#546e7a", "in_progress": "#ef6c00", "done": "#2e7d32"}
#: Text colour of rows that are an old answer while a new sort or filter is read.
STALE_COLOUR = "#a0a0a0"
KEPT_NOTE = "It no longer matches the search or filters; it stays listed while you work on it."
ID_ROLE = Qt.ItemDataRole.UserRole + 2

ModelIndex = QModelIndex | QPersistentModelIndex


#: Rows read at once when a row not yet read scrolls into view (one indexed query).
PAGE = 100
#: Rows kept read; beyond this the oldest pages are forgotten (read again when shown).
CACHE_ROWS = 5000


class ArticleListModel(LazyRowsModel[ArticleRow]):
    """The articles as listed (sorted and filtered), read lazily.

    The model holds only the ids in their shown order; a row's title, status and counts are
    read through ``fetch`` (ids -> rows, one indexed query) a page of :data:`PAGE` rows at
    a time when a view first asks for one of them, and kept in a bounded cache. Sorting
    asks the window for a new order through :attr:`sort_requested` (the window reads it on
    a pool thread); the progress totals are set by the window from a pool thread too and
    kept current from the rows it updates.
    """

    #: (column, descending): a view asked for this order (column -1: id order).
    sort_requested = Signal(int, bool)
    #: The totals no longer match (a change to a row not read): the window counts again.
    totals_stale = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._totals: Totals | None = None
        #: Reads the rows of some ids (set by the window; the default reads nothing).
        self.fetch: Callable[[list[int]], list[ArticleRow]] = lambda _ids: []
        #: The rows are an old answer (a newer sort or filter is being read): drawn grey.
        self.stale = False
        #: A listed article the search and filters do not keep (see ``ArticleList.keep``).
        self.extra: int | None = None

    @property
    def page_size(self) -> int:
        return PAGE  # the module's (tests make it small)

    @property
    def cache_rows(self) -> int:
        return CACHE_ROWS

    def set_stale(self, stale: bool) -> None:
        """Draw every row grey (``stale``: a newer order or filter is on its way) or in
        its status colours again."""
        if stale != self.stale:
            self.stale = stale
            if self._ids:
                last = self.index(len(self._ids) - 1, len(COLUMNS) - 1)
                self.dataChanged.emit(self.index(0, 0), last)

    def set_totals(self, totals: Totals | None) -> None:
        """The annotator's progress over the project (None: not counted yet)."""
        self._totals = totals

    def totals(self) -> Totals | None:
        """The last totals set, kept current by :meth:`update_row`; None until counted."""
        return self._totals

    def update_row(self, row: ArticleRow) -> None:
        """A changed row (from :func:`queries.article_row`): shown at once if read, and
        the totals moved by the difference; a row never read makes the totals stale."""
        old = self._rows.get(row.id)
        if old == row:
            return
        if self._totals is not None:
            if old is None:
                self.totals_stale.emit()
            else:
                t = self._totals
                self._totals = Totals(
                    t.articles_done + (row.status == "done") - (old.status == "done"),
                    t.articles,
                    t.quotes_done + row.quotes_done - old.quotes_done,
                    t.quotes + row.quotes_total - old.quotes_total,
                )
        if row.id in self._pos or old is not None:
            self._set_row(row)

    def remember(self, article_id: int) -> None:
        """Read the row of ``article_id`` now if it is not (one indexed query): the row
        being worked on is always read, so its changes move the totals at once."""
        if article_id not in self._rows:
            for r in self.fetch([article_id]):
                self._rows[r.id] = r

    def article(self, row: int) -> ArticleRow:
        """The row at ``row``, reading its page if needed; IndexError out of range."""
        ident = self._ids[row]
        found = self._rows.get(ident)
        if found is None:
            self._read_page(row // PAGE)
            found = self._rows.get(ident)
        if found is None:  # deleted since the ids were read
            return ArticleRow(ident, "", "", "", "new", 0, 0)
        return found

    def _read_page(self, page: int) -> None:
        want = [a for a in self._ids[page * PAGE : (page + 1) * PAGE] if a not in self._rows]
        if not want:
            return
        rows = self.fetch(want)
        self.pages_read += 1
        for r in rows:
            self._rows[r.id] = r
        self._trim()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_requested.emit(column, order == Qt.SortOrder.DescendingOrder)

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
        if not index.isValid() or not (0 <= index.row() < len(self._ids)):
            return None
        if role == ID_ROLE:
            return self._ids[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.ForegroundRole and (self.stale or col != 3):
            return QColor(STALE_COLOUR) if self.stale else None
        if role == Qt.ItemDataRole.FontRole:
            return _kept_font() if self._ids[index.row()] == self.extra else None
        if role not in _ROW_ROLES:
            return None
        if self.fetch_later is not None:
            found = self._shown_row(index.row())
            if found is None:
                if role == Qt.ItemDataRole.DisplayRole and col == 0:
                    return "…"
                return None
            r = found
        else:
            r = self.article(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                sub = " · ".join(x for x in (r.publisher, r.date) if x)
                # a title stored before titles were cut may be a whole scraped page
                title = clip_title(r.title) if r.title else f"(article {r.id})"
                return f"{title}\n{sub}" if sub else title
            if col == 1:
                return r.publisher
            if col == 2:
                return r.date
            if col == 3:
                return STATUS_TEXT.get(r.status, r.status)
            if col == 4:
                return f"{figure(r.quotes_done)}/{figure(r.quotes_total)}"
        elif role == Qt.ItemDataRole.ToolTipRole and col == 0:
            tip = "\n".join(x for x in (clip_title(r.title), r.publisher, r.date) if x)
            if r.id == self.extra:
                tip += "\n\n" + KEPT_NOTE
            return tip
        elif role == Qt.ItemDataRole.ForegroundRole:
            return QColor(STATUS_COLOUR.get(r.status, "#000000"))
        elif role == Qt.ItemDataRole.TextAlignmentRole and col == 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


@functools.cache
def _kept_font() -> QFont:
    """The font of the kept row (listed although it no longer matches): italic."""
    font = QFont()
    font.setItalic(True)
    return font


_ROW_ROLES = {
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.TextAlignmentRole,
}


#: The widest text of the Quotes column to fit whole (decided/total; a long article
#: of a large project has a thousand quotes or more).
QUOTES_WIDEST = "8,888/8,888"
#: Pixels a narrow column has beyond its text and the style's margins (the grid line,
#: and a little air so figures do not touch the next column).
CELL_SLACK = 4

#: After a key moved the list's row, the article opens once the keys rest this long (ms):
#: holding Down through a long list opens only the row where it stops.
OPEN_AFTER_KEYS_MS = 150


class ArticleTable(QTableView):
    """The list's table: Home and End go to the first and last row (QTableView's go to
    the first and last column), and a row reached by a key is announced through
    :attr:`row_reached` (a click announces itself through ``clicked``).

    While :attr:`busy_text` is set (a new order or filter is being read) the rows are an
    old answer: a veil and the text cover them and keys and clicks leave them alone. An
    empty list says :attr:`empty_text` instead of showing nothing. The current row stays
    whole in view when the table changes height (see :meth:`reveal`).
    """

    #: A key (arrows, Page Up/Down, Home, End) made this row current.
    row_reached = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: What the list is busy with ("Sorting…"); "" when its rows are the answer.
        self.busy_text = ""
        #: What an empty list says ("No article matches …").
        self.empty_text = ""
        #: The message the last paint drew over the rows ("" none): what the user sees.
        self.painted_message = ""
        self._revealed: int | None = None
        #: The revealed row was in view after the last scroll.
        self._in_view = False
        self.verticalScrollBar().valueChanged.connect(lambda _v: self._note_in_view())

    def set_messages(self, busy: str, empty: str) -> None:
        """What to say over the rows while busy, and in place of rows when empty."""
        if (busy, empty) != (self.busy_text, self.empty_text):
            self.busy_text, self.empty_text = busy, empty
            self.viewport().update()

    def reveal(self, row: int) -> None:
        """Show ``row`` (the current one) whole, now and once the layout settles, and
        again when the table changes height while it is in view (a window being laid
        out, or a status bar changing height, moved the table's bottom edge after the
        scroll: the row was left half hidden there)."""
        self._revealed = row
        self.scrollTo(self.model().index(row, 0))
        self._note_in_view()
        bar = self.verticalScrollBar()
        at = bar.value()
        # again once laid out, unless something scrolled the list meanwhile
        QTimer.singleShot(0, self, lambda: self._reveal_again() if bar.value() == at else None)

    def forget_revealed(self) -> None:
        self._revealed = None
        self._in_view = False

    def _reveal_again(self) -> None:
        row = self._revealed
        model = self.model()
        if row is not None and model is not None and 0 <= row < model.rowCount():
            self.scrollTo(model.index(row, 0))
            self._note_in_view()

    def _note_in_view(self) -> None:
        row, model = self._revealed, self.model()
        self._in_view = (
            row is not None
            and model is not None
            and 0 <= row < model.rowCount()
            and self.visualRect(model.index(row, 0)).intersects(self.viewport().rect())
        )

    def resizeEvent(self, e: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(e)
        # the row in view (at least in part) before the table changed height is shown
        # whole after it; a row the analyst scrolled away from stays away
        if self._in_view and e.size().height() != e.oldSize().height():
            self._reveal_again()

    def moveCursor(  # noqa: N802
        self,
        cursor_action: QAbstractItemView.CursorAction,
        modifiers: Qt.KeyboardModifier,
    ) -> QModelIndex:
        model = self.model()
        rows = model.rowCount() if model is not None else 0
        home, end = QAbstractItemView.CursorAction.MoveHome, QAbstractItemView.CursorAction.MoveEnd
        if cursor_action in (home, end) and rows and model is not None:
            return model.index(0 if cursor_action == home else rows - 1, 0)
        return super().moveCursor(cursor_action, modifiers)

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802
        if self.busy_text and e.key() not in _KEYS_WHILE_BUSY:
            e.accept()  # the rows are an old answer: no key acts on them
            return
        before = self.currentIndex().row()
        super().keyPressEvent(e)
        row = self.currentIndex().row()
        if row >= 0 and row != before:
            self._revealed = row
            self._note_in_view()
            self.row_reached.emit(row)

    def mousePressEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        if self.busy_text:
            e.accept()
            return
        super().mousePressEvent(e)

    def mouseDoubleClickEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        if self.busy_text:
            e.accept()
            return
        super().mouseDoubleClickEvent(e)

    def paintEvent(self, e: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(e)
        model = self.model()
        rows = 0 if model is None else model.rowCount()
        # no article passes when the only row is the one kept while being worked on
        kept = isinstance(model, ArticleListModel) and model.extra is not None
        text = self.busy_text or (self.empty_text if rows - kept == 0 else "")
        if self.busy_text in STOPPABLE:  # a read that Esc stops (issue 16) says so
            text += "\n" + STOP_HINT
        self.painted_message = text
        if not text:
            return
        vp = self.viewport()
        painter = QPainter(vp)
        area = vp.rect()
        if self.busy_text and rows:
            painter.fillRect(area, QColor(255, 255, 255, 170))  # the old rows, veiled
        elif rows:  # below the kept row
            area.setTop(self.rowViewportPosition(rows - 1) + self.rowHeight(rows - 1))
        font = painter.font()
        font.setBold(bool(self.busy_text))
        painter.setFont(font)
        flags = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop) | _WRAP
        room = area.adjusted(24, 24, -24, -24)
        box = painter.fontMetrics().boundingRect(room, flags, text).adjusted(-12, -8, 12, 8)
        if self.busy_text:  # a card over the veiled rows, so the text is read whole
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QColor("#90a4ae"))
            painter.setBrush(QColor("#eceff1"))
            painter.drawRoundedRect(box, 6, 6)
        painter.setPen(QColor("#37474f" if self.busy_text else "#546e7a"))
        painter.drawText(box.adjusted(12, 8, -12, -8), flags, text)
        painter.end()


_WRAP = int(Qt.TextFlag.TextWordWrap)
#: What the list may be busy with that Esc stops (the window's "Back to the text" key
#: stops the read first), and the card's line saying so.
STOPPABLE = ("Sorting…", "Filtering…")
STOP_HINT = "Esc stops it"
#: Keys the table still takes while its rows are an old answer: leaving it.
_KEYS_WHILE_BUSY = {Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Escape}


#: The "Show" filter's choices: (text, name of :data:`annotator.store.queries.ARTICLE_FILTERS`).
FILTER_CHOICES: tuple[tuple[str, str | None], ...] = (
    ("Show: every article", None),
    ("Has undecided quotes", "undecided"),
    ("Quotes by speaker…", "speaker"),
    ("Quotes of kind…", "kind"),
    ("Confidence below…", "confidence_below"),
    ("Annotators disagree", "disagreement"),
)


#: What an article must have to pass each "Show" filter, for "No article <...>." messages.
_FILTER_WANTS = {
    "undecided": "has undecided quotes",
    "speaker": "has quotes by “{value}”",
    "kind": "has {value} quotes",
    "confidence_below": "has quotes of confidence below {value}",
    "disagreement": "has annotators who disagree",
}


class ArticleList(QWidget):
    """Search box, status filter, a count line and the sortable table; emits the chosen
    article id.

    A sort or "Show" filter asked is read by the window on a pool thread (seconds at
    100,000 articles); until its answer is set the list says what it is doing (count
    line, a card over the veiled grey rows, :attr:`working_changed` for the status bar)
    and its old rows take no keys or clicks (issue 16).
    """

    article_chosen = Signal(int)
    search_changed = Signal(str)
    #: (filter name, value): the "Show" filter changed ("" name: every article).
    filter_changed = Signal(str, str)
    #: Enter in the search box (the window opens the first hit).
    search_entered = Signal()
    #: The rows shown changed (search or filter): the window keeps the shown article listed.
    rows_changed = Signal()
    #: (column, descending): the list needs every id in this order and the annotator's
    #: statuses (a project-wide read: the window runs it on a pool thread, then
    #: :meth:`set_order`).
    order_needed = Signal(int, bool)
    #: What the list is busy with ("Sorting…", "Filtering…"; "" when its rows are the
    #: answer to what was last asked): the window shows it in the status bar.
    working_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ArticleListModel(self)
        self.model.sort_requested.connect(self._sort_requested)
        #: Every id in the order asked for (sort_key), before search and filters.
        self._order: list[int] = []
        #: (column, descending) of ``_order``; (-1, False) is id order.
        self.sort_key: tuple[int, bool] = (-1, False)
        #: The annotator's statuses where not new (None: not read yet).
        self._statuses: dict[int, str] | None = None
        #: An order asked for and not yet set (the status filter waits for it).
        self.pending_order: tuple[int, bool] | None = None
        #: The pending order was asked by the status filter (it needs the statuses), not
        #: by a sort.
        self._order_for_status = False
        #: A "Show" filter asked by the analyst is being read (see :meth:`filter_asked`).
        self.filter_pending = False
        #: (scroll value, article id) to keep while a re-read of the whole list arrives
        #: (:meth:`hold_view`); None: the rows follow what was asked.
        self._held_view: tuple[int, int | None] | None = None
        #: The words the search ids answer ("" no search).
        self._words = ""
        #: Words asked are being searched (see :meth:`search_asked`).
        self.searching = False
        self._working = ""
        #: An article listed whatever the filters say: the one being worked on, until the
        #: analyst changes the search or a filter (a decision must not hide it mid-work).
        self.keep: int | None = None
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
        #: How many articles are listed, of how many ("1,234 of 100,000 articles"), or
        #: what the list is busy with.
        self.count_label = QLabel()
        self.count_label.setObjectName("articleCount")
        self.count_label.setStyleSheet("color: #455a64; padding: 1px 2px;")
        lay.addWidget(self.count_label)
        #: Gives the names the speaker filter offers (set by the window; read when chosen).
        self.speaker_source: Callable[[], list[str]] = list
        self._filter_ids: set[int] | None = None
        #: The "Show" filter (name, value) the rows shown answer.
        self._shown_filter: tuple[str, str] = ("", "")
        self.table = ArticleTable()
        self.table.setObjectName("articleTable")
        self.table.setModel(self.model)
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
        # Tab and Shift+Tab reach the list (Shift+Tab from the article text)
        self.table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list (rows, not cells)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, len(COLUMNS)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
        self.fit_columns()
        header.setHighlightSections(False)
        # publisher and date show under the title; their columns stay for sorting
        self.table.setColumnHidden(1, True)
        self.table.setColumnHidden(2, True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        lay.addWidget(self.table, 1)
        self.table.clicked.connect(self._clicked)
        self.table.activated.connect(self._clicked)
        #: The article shown (set by :meth:`show_current`): reaching its row opens nothing.
        self.shown: int | None = None
        self._open_timer = QTimer(self)
        self._open_timer.setSingleShot(True)
        self._open_timer.setInterval(OPEN_AFTER_KEYS_MS)
        self._open_timer.timeout.connect(self._open_reached)
        self.table.row_reached.connect(lambda _row: self._open_timer.start())
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

    def fit_columns(self) -> None:
        """Give the narrow columns the width of their widest text in the table's font
        (Quotes: a thousand quotes or more, "1000/1000"; Status: "in progress"), and
        the header's title with its sort arrow; the Title column takes the rest. Fixed
        widths: sizing to the contents would read every row on each change."""
        cell = QFontMetrics(self.table.font())
        head = QFontMetrics(self.table.horizontalHeader().font())
        style, metric = self.table.style(), QStyle.PixelMetric
        # a cell's text has the focus frame's margin and a pixel on each side, then the
        # grid line; a header's title its margins and the sort arrow
        cell_pad = 2 * (style.pixelMetric(metric.PM_FocusFrameHMargin) + 1) + CELL_SLACK
        head_pad = (
            4 * style.pixelMetric(metric.PM_HeaderMargin)
            + style.pixelMetric(metric.PM_HeaderMarkSize)
            + CELL_SLACK
        )
        widest = {
            1: ["Associated Press"],
            2: ["8888-88-88"],
            3: list(STATUS_TEXT.values()),
            4: [QUOTES_WIDEST],
        }
        header = self.table.horizontalHeader()
        for col, texts in widest.items():
            need = max(cell.horizontalAdvance(t) for t in texts) + cell_pad
            title = head.horizontalAdvance(COLUMNS[col]) + head_pad
            header.resizeSection(col, max(need, title))

    def changeEvent(self, e: QEvent) -> None:  # noqa: N802
        super().changeEvent(e)
        if e.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.fit_columns()

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
        self._open_timer.stop()  # the click (or Enter) opens its row now
        if self.working():
            return  # an old row: the new list is on its way
        ident = index.data(ID_ROLE)
        if ident is not None:
            self.article_chosen.emit(int(ident))

    def _open_reached(self) -> None:
        """The keys rested on a row: open its article (unless it is the one shown)."""
        row = self.table.currentIndex().row()
        if self.working() or not 0 <= row < self.model.rowCount():
            return
        ident = self.model.id_at(row)
        if ident != self.shown:
            self.article_chosen.emit(ident)

    def stop_waiting(self) -> None:
        """Drop a search and an opening still waiting for the typing or the keys to rest
        (the window is closing: they would read a closed project)."""
        self._search_timer.stop()
        self._open_timer.stop()

    def search_pending(self) -> bool:
        """True while typed search words wait for the typing pause."""
        return self._search_timer.isActive()

    def open_pending(self) -> bool:
        """True while a row reached by keys waits for the keys to rest before it opens."""
        return self._open_timer.isActive()

    def flush_search(self) -> None:
        """Search now for text still waiting for the typing pause."""
        if self._search_timer.isActive():
            self._search_timer.stop()
            self.search_changed.emit(self.search.text())

    def set_search_ids(self, ids: set[int] | None, words: str = "") -> None:
        """The articles the search for ``words`` found (None: no search)."""
        self._ids = ids
        self._words = words if ids is not None else ""
        self.searching = False
        self._apply_filter()

    def search_asked(self) -> None:
        """Words are being searched: until :meth:`set_search_ids` (or
        :meth:`search_failed`) the rows shown are an old answer."""
        self.searching = True
        self._update_working()

    def search_cancelled(self) -> str:
        """The search asked was stopped before its answer (Esc): the box goes back to the
        words the rows shown answer (returned), and the rows stay as they are."""
        self._search_timer.stop()
        self.search.blockSignals(True)
        self.search.setText(self._words)
        self.search.blockSignals(False)
        self.searching = False
        self._update_working()
        return self._words

    def search_failed(self) -> None:
        self.searching = False
        self._update_working()

    def filter(self) -> tuple[str, str]:
        """The "Show" filter as (name, value); ("", "") shows every article."""
        name = self.filter_combo.currentData() or ""
        return name, self.filter_value.currentText().strip() if name else ""

    def filter_answer(self) -> tuple[tuple[str, str], set[int]] | None:
        """The "Show" question the rows answer and its ids (None: no filter applies, or
        its answer is still being read)."""
        if self._filter_ids is None or self.filter_pending:
            return None
        return self._shown_filter, self._filter_ids

    def set_filter_ids(self, ids: set[int] | None) -> None:
        """The articles the "Show" filter keeps (None: all): the answer to the filter
        asked last (:attr:`filter_pending` ends)."""
        # the same answer to the same question (a refresh after a decision mostly is): the
        # rows stay as they are, without the rebuild of the whole list and its repaint (at
        # 10,000 articles with "Has undecided quotes", 1.7 ms and two full repaints a key)
        keep = self.keep
        passes = keep is None or (
            ids is not None and keep in ids and (self._ids is None or keep in self._ids)
        )
        same = (
            ids is not None
            and ids == self._filter_ids
            and self.filter() == self._shown_filter
            and self.status_combo.currentData() is None
            # the article worked on is listed as before: on its merits, or kept
            and self.model.extra == (None if passes else keep)
        )
        self._filter_ids = ids
        self._shown_filter = self.filter() if ids is not None else ("", "")
        self.filter_pending = False
        if same:
            self._keep_held_view()  # rows unchanged: the view as held, the hold ends
            self._update_working()
            return
        self._apply_filter()

    def filter_cancelled(self) -> None:
        """The filter asked was stopped before its answer (Esc): the "Show" choice goes
        back to the one the rows shown answer, and the rows stay as they are."""
        name, value = self._shown_filter
        index = max(0, self.filter_combo.findData(name or None))
        self.filter_combo.blockSignals(True)
        self.filter_combo.setCurrentIndex(index)
        self.filter_combo.blockSignals(False)
        self._fill_values(name)
        if value:
            self.filter_value.blockSignals(True)
            self.filter_value.setCurrentText(value)
            self.filter_value.blockSignals(False)
        self.filter_pending = False
        self._update_working()

    def filter_asked(self) -> None:
        """The analyst chose a "Show" filter the window now reads: until
        :meth:`set_filter_ids` (or :meth:`filter_failed`) the rows shown are an old answer."""
        self.filter_pending = True
        self._update_working()

    def filter_failed(self) -> None:
        """The filter asked could not be read: the rows shown stay, as they are."""
        self.filter_pending = False
        self._update_working()

    def order_failed(self) -> None:
        """The order asked could not be read (or was stopped): the rows shown stay, in their
        order; a status filter that waited for it goes back to All, as the rows are."""
        if self._order_for_status and self._statuses is None:
            self.status_combo.blockSignals(True)
            self.status_combo.setCurrentIndex(0)
            self.status_combo.blockSignals(False)
        self.pending_order = None
        self._update_working()

    def working(self) -> str:
        """What the list is busy with: "Sorting…", "Filtering…" or "Searching…"; "" when
        the rows shown answer what was asked last."""
        if self.pending_order is not None:
            return "Filtering…" if self._order_for_status else "Sorting…"
        if self.filter_pending:
            return "Filtering…"
        return "Searching…" if self.searching else ""

    def busy_note(self) -> str:
        """Why a key that moves through the list does nothing now ("" it can)."""
        doing = self.working()
        if not doing:
            return ""
        what = {"Sorting…": "sorted", "Searching…": "searched"}.get(doing, "filtered")
        return f"The article list is being {what}; a moment, then try again."

    def empty_note(self) -> str:
        """Why no key can move to another listed article: the list is empty ("" it is
        not)."""
        if self.model.rowCount():
            return ""
        return self.empty_text()

    def _update_working(self) -> None:
        """Show what the list is busy with (veil and grey rows), or the count."""
        doing = self.working()
        self.model.set_stale(bool(doing))
        self.table.set_messages(doing, self.empty_text())
        total = len(self._order)
        listed = self.model.rowCount() - (self.model.extra is not None)
        if doing:
            text = f"{doing[:-1]} {total:,} article{'s' if total != 1 else ''}…"
        elif listed == total and self.model.extra is None:
            text = f"{total:,} article{'s' if total != 1 else ''}"
        else:
            text = f"{listed:,} of {total:,} article{'s' if total != 1 else ''}"
            if self.model.extra is not None:
                text += " (and the open one)"
        self.count_label.setText(text)
        self.count_label.setToolTip(KEPT_NOTE if self.model.extra is not None else "")
        if doing != self._working:
            self._working = doing
            self.working_changed.emit(doing)

    def empty_text(self) -> str:
        """What an empty list says: which search and filters no article passes."""
        wants: list[str] = []
        if self._words:
            wants.append(f"matches “{self._words}”")
        name, value = self.filter()
        if self._filter_ids is not None and name:
            wants.append(_FILTER_WANTS.get(name, "passes the filter").format(value=value))
        status = self.status_combo.currentData()
        if status is not None:
            wants.append(f"is {STATUS_TEXT.get(status, status)}")
        if not wants:
            return "No articles in this project yet."
        said = wants[0] if len(wants) == 1 else ", ".join(wants[:-1]) + " and " + wants[-1]
        return f"No article {said}."

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
        self.keep = None  # the analyst's own change: filter the shown article too
        self.filter_changed.emit(*self.filter())

    def _user_filter(self) -> None:
        self.keep = None
        self._apply_filter()

    def _sort_requested(self, column: int, descending: bool) -> None:
        if (column, descending) == self.sort_key and self.pending_order is None:
            return
        self.ask_order(column, descending)

    def ask_order(self, column: int, descending: bool, for_status: bool = False) -> None:
        """Ask the window for every id in this order (and the statuses); until
        :meth:`set_order` the rows shown are an old answer (``for_status``: the status
        filter asked, to read the statuses)."""
        self.pending_order = (column, descending)
        self._order_for_status = for_status
        self._update_working()
        self.order_needed.emit(column, descending)

    def set_order(
        self,
        ids: Sequence[int],
        sort_key: tuple[int, bool],
        statuses: dict[int, str] | None,
        announce: bool = True,
    ) -> None:
        """Every article id in the order ``sort_key`` and, when read with them, the
        annotator's statuses (None: keep those known); then search and filters apply
        (``rows_changed`` is emitted when ``announce``)."""
        if self.pending_order is not None and sort_key != self.pending_order:
            return  # an older answer: the newer one is on its way
        self.pending_order = None
        self._order = list(ids)
        self.sort_key = sort_key
        if statuses is not None:
            self._statuses = dict(statuses)
        self._apply_filter(announce)

    def extend_order(self, ids: Sequence[int]) -> None:
        """New articles (ids above every listed one) join the id order the filters choose
        from; the rows shown change only when a filter's answer lists them."""
        assert self.sort_key == (-1, False)
        self._order.extend(ids)

    def last_ordered_id(self) -> int | None:
        """The last id of the whole order (before search and filters); None when empty."""
        return self._order[-1] if self._order else None

    def search_ids(self) -> set[int] | None:
        """The articles the search shown keeps (None: no search)."""
        return self._ids

    def hold_view(self) -> None:
        """The window re-reads the order and the filter of the whole list in the background
        (another program's or an import's writes): until both answers are in, every
        answer applied keeps the scroll position and the selected article's row
        selected, as far as it is still listed."""
        self._held_view = (self.table.verticalScrollBar().value(), self.shown)

    def _keep_held_view(self, end: bool = True) -> None:
        """Keep the held scroll and selection in the rows just set; ``end``: and end the
        hold when no answer is awaited any more (else :meth:`_end_held_view` does)."""
        held = self._held_view
        if held is None:
            return
        if end:
            self._end_held_view()
        value, current = held
        row = self.model.row_of(current) if current is not None else None
        bar = self.table.verticalScrollBar()
        if row is not None:
            self._select_in_place(row)
        bar.setValue(value)
        # again once the reset rows are laid out (the layout scrolls to the current row),
        # unless the analyst scrolled meanwhile
        QTimer.singleShot(0, self, lambda: bar.setValue(value) if bar.value() != value else None)

    def _end_held_view(self) -> None:
        if self.pending_order is None and not self.filter_pending:
            self._held_view = None  # the last answer: the rows are what was asked again

    def _select_in_place(self, row: int) -> None:
        """Select ``row`` as the current one without scrolling to it (a new current index
        scrolls the view to it, now or once the rows are laid out)."""
        table = self.table
        at = table.verticalScrollBar().value()
        auto = table.hasAutoScroll()
        table.setAutoScroll(False)
        try:
            table.selectRow(row)
        finally:
            table.setAutoScroll(auto)
        table.verticalScrollBar().setValue(at)

    def last_listed_id(self) -> int | None:
        """The highest id of the whole list when it is in id order with no search or
        filter (new articles can then be appended, :meth:`append_articles`), else None."""
        if (
            self.sort_key != (-1, False)
            or self.pending_order is not None
            or self._ids is not None
            or self._filter_ids is not None
            or self.filter_pending
            or self.status_combo.currentData() is not None
            or not self._order
        ):
            return None
        return self._order[-1]

    def append_articles(self, ids: Sequence[int]) -> None:
        """New articles (ids above :meth:`last_listed_id`, which must not be None): listed
        at the end without rebuilding the list (selection and scroll stay)."""
        self._order.extend(ids)
        self.model.append_ids(ids)
        self._update_working()
        self.rows_changed.emit()

    def note_row(self, row: ArticleRow) -> None:
        """A row changed (its status may have): the status filter uses the new status
        next time it applies (the list does not re-filter while the analyst works)."""
        if self._statuses is not None:
            if row.status == "new":
                self._statuses.pop(row.id, None)
            else:
                self._statuses[row.id] = row.status
        self.model.update_row(row)

    def forget_statuses(self) -> None:
        """The statuses may be another annotator's or out of date: read them again when
        the status filter needs them."""
        self._statuses = None

    def statuses_known(self) -> bool:
        return self._statuses is not None

    def _apply_filter(self, announce: bool = True) -> None:
        ids = self._ids
        if self._filter_ids is not None:
            ids = self._filter_ids if ids is None else ids & self._filter_ids
        status = self.status_combo.currentData()
        if status is not None and self._statuses is None:
            if self.pending_order is None:
                self.ask_order(*self.sort_key, for_status=True)
            self._update_working()
            return  # set_order applies the filter once the statuses are read
        keep, statuses = self.keep, self._statuses or {}
        extra = None
        if ids is None and status is None:
            shown = self._order
        else:
            shown = [
                a
                for a in self._order
                if a == keep
                or (
                    (ids is None or a in ids)
                    and (status is None or statuses.get(a, "new") == status)
                )
            ]
            if keep is not None and not (
                (ids is None or keep in ids)
                and (status is None or statuses.get(keep, "new") == status)
            ):
                extra = keep if keep in self._order else None
        self.model.extra = extra
        self.table.forget_revealed()
        self.model.set_ids(shown)
        # held through the announcement: what it shows again stays where it is
        self._keep_held_view(end=False)
        self._update_working()
        if announce:
            self.rows_changed.emit()
        self._end_held_view()

    def shows(self, article_id: int) -> bool:
        """True when the article's row passes the search and filters."""
        return self.model.row_of(article_id) is not None

    def show_current(self, article_id: int) -> None:
        """Select the article's row without emitting article_chosen; it stays listed when a
        refresh of the filters would drop it (see :attr:`keep`)."""
        self.keep = self.shown = article_id
        self.model.remember(article_id)
        row = self.model.row_of(article_id)
        if row is None:
            self.table.clearSelection()
            self.table.forget_revealed()
            return
        if self._held_view is not None and self._held_view[1] != article_id:
            self._held_view = None  # the analyst moved on: the list follows them again
        if self._held_view is not None:  # the list is read again: it stays where it is
            self._select_in_place(row)
            return
        self.table.selectRow(row)
        self.table.reveal(row)

    def neighbour(self, article_id: int, step: int) -> int | None:
        """The id ``step`` rows away from ``article_id`` in the list as shown (sorted,
        filtered); no row is read."""
        n = self.model.rowCount()
        if n == 0:
            return None
        row = self.model.row_of(article_id)
        target = (0 if step > 0 else n - 1) if row is None else row + step
        if not 0 <= target < n:
            return None
        return self.model.id_at(target)
