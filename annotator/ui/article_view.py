"""The article view: readable text, quotes highlighted by state, the current quote outlined.

Persistent highlights come from a QSyntaxHighlighter fed by a block -> spans index built
from the session's items (HOUSE_STYLE "Qt"); the current quote is an extra selection plus
an outline painted over the viewport. Offsets arrive as code points and are converted to
Qt's UTF-16 with the text's one :class:`Utf16Map`; text is never read back from the widget.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QSyntaxHighlighter,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextEdit, QWidget

from annotator.core.text import Utf16Map
from annotator.services.editing import snap_to_words, word_step
from annotator.services.items import ACCEPTED, MANUAL, REJECTED, SUGGESTED, Item

#: Background and underline colours per state (colour-blind safe-ish: hue and pattern differ).
STATE_COLOURS: dict[str, tuple[str, str]] = {
    SUGGESTED: ("#fff1b8", "#c99a00"),
    ACCEPTED: ("#d4f2d6", "#2e7d32"),
    REJECTED: ("#eceff1", "#9e9e9e"),
    MANUAL: ("#d6e8ff", "#1565c0"),
}
SPEAKER_COLOUR = "#6a1b9a"
CUE_COLOUR = "#00695c"
OUTLINE_COLOUR = "#d84315"
#: How much darker the current quote's background is (QColor.darker factor, percent).
CURRENT_DARKER = 112
HIT_COLOUR = "#ffd54f"
CURRENT_HIT_COLOUR = "#ff9100"
#: How near (pixels) the mouse must be to a quote's edge to grab it.
EDGE_GRAB = 5
MAX_TEXT_WIDTH = 760
#: The article's typeface (first installed one wins) and size at zoom 0, in points.
TEXT_FAMILIES = ["Noto Serif", "DejaVu Serif", "Georgia", "Times New Roman", "serif"]
BASE_POINT_SIZE = 12.5
#: Zoom steps: each one scales the text by ZOOM_FACTOR; the range keeps it readable.
ZOOM_FACTOR = 1.12
ZOOM_MIN, ZOOM_MAX = -4, 8

#: The colour legend: (what, how it looks as inline CSS, what it means), built from the
#: constants the view paints with so it cannot drift from the article.
LEGEND: tuple[tuple[str, str, str], ...] = (
    (
        "Suggested",
        f"background-color:{STATE_COLOURS[SUGGESTED][0]};text-decoration:underline;color:#000",
        "proposed by the detector, not decided yet (dotted underline)",
    ),
    (
        "Accepted",
        f"background-color:{STATE_COLOURS[ACCEPTED][0]};text-decoration:underline;color:#000",
        "you accepted it (A)",
    ),
    (
        "Hand-added",
        f"background-color:{STATE_COLOURS[MANUAL][0]};text-decoration:underline;color:#000",
        "you added it from a selection (Q)",
    ),
    (
        "Rejected",
        f"background-color:{STATE_COLOURS[REJECTED][0]};text-decoration:line-through;color:#757575",
        "you rejected it (R): struck through, kept for the record",
    ),
    (
        "Current",
        f"background-color:"
        f"{QColor(STATE_COLOURS[SUGGESTED][0]).darker(CURRENT_DARKER).name()};color:#000",
        "the quote the keys act on: outlined in orange, a shade darker",
    ),
    (
        "Speaker mention",
        f"color:{SPEAKER_COLOUR};font-weight:bold;text-decoration:underline",
        "who is quoted, as written in the text (S)",
    ),
    ("Cue", f"color:{CUE_COLOUR};font-style:italic", "the reporting verb or phrase"),
)


def _swatch(name: str, css: str) -> str:
    # Qt's rich text draws no border around inline text: the current quote's outline is a
    # one-cell table with a border in the outline colour
    sample = f"<span style='{css}'>&nbsp;{name}&nbsp;</span>"
    if name != "Current":
        return sample
    return (
        f"<table cellspacing=0 cellpadding=0 border=2 style='border-style:solid;"
        f"border-color:{OUTLINE_COLOUR}'><tr><td>{sample}</td></tr></table>"
    )


def legend_html() -> str:
    """The colour legend as an HTML table (for the View menu's dialog and the F1 sheet)."""
    rows = "".join(
        f"<tr><td style='padding:4px 10px'>{_swatch(name, css)}</td>"
        f"<td style='padding:4px 10px'>{meaning}</td></tr>"
        for name, css, meaning in LEGEND
    )
    return f"<h2>Colour legend</h2><table cellspacing=2>{rows}</table>"


# (start16 within block, length16, format key)
Entry = tuple[int, int, str]


def _formats() -> dict[str, QTextCharFormat]:
    out: dict[str, QTextCharFormat] = {}
    for state, (bg, line) in STATE_COLOURS.items():
        f = QTextCharFormat()
        f.setBackground(QColor(bg))
        f.setUnderlineColor(QColor(line))
        f.setUnderlineStyle(
            QTextCharFormat.UnderlineStyle.DotLine
            if state == SUGGESTED
            else QTextCharFormat.UnderlineStyle.SingleUnderline
        )
        if state == REJECTED:
            f.setForeground(QColor("#757575"))
            f.setFontStrikeOut(True)
        out[state] = f
    sp = QTextCharFormat()
    sp.setFontWeight(QFont.Weight.Bold)
    sp.setForeground(QColor(SPEAKER_COLOUR))
    sp.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
    sp.setUnderlineColor(QColor(SPEAKER_COLOUR))
    out["speaker"] = sp
    cue = QTextCharFormat()
    cue.setFontItalic(True)
    cue.setForeground(QColor(CUE_COLOUR))
    out["cue"] = cue
    return out


class SpanIndex:
    """Code-point spans of the items, cut into per-block UTF-16 pieces."""

    def __init__(self, text: str) -> None:
        self.map = Utf16Map(text)
        starts = [0]
        pos = text.find("\n")
        while pos >= 0:
            starts.append(pos + 1)
            pos = text.find("\n", pos + 1)
        self.block_starts16 = [self.map.to_utf16(s) for s in starts]
        self.length16 = self.map.to_utf16(len(text))
        self._pieces: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
        self._entries: dict[tuple[object, ...], list[tuple[int, Entry]]] = {}

    def pieces(self, a: int, b: int) -> list[tuple[int, int, int]]:
        """(block, start16 in block, length16) pieces of code-point span [a, b).

        Remembered per span for the life of the index (one article), so rebuilding the
        index after one quote changed costs a lookup per unchanged span."""
        got = self._pieces.get((a, b))
        if got is None:
            got = self._pieces[(a, b)] = self._cut(a, b)
        return got

    def _cut(self, a: int, b: int) -> list[tuple[int, int, int]]:
        a16, b16 = self.map.to_utf16(a), self.map.to_utf16(b)
        out = []
        blk = max(0, bisect_right(self.block_starts16, a16) - 1)
        while blk < len(self.block_starts16) and self.block_starts16[blk] < b16:
            bs = self.block_starts16[blk]
            be = (
                self.block_starts16[blk + 1] - 1
                if blk + 1 < len(self.block_starts16)
                else self.length16
            )
            s, e = max(a16, bs), min(b16, be)
            if e > s:
                out.append((blk, s - bs, e - s))
            blk += 1
        return out

    def build(self, items: Sequence[Item]) -> dict[int, list[Entry]]:
        """Block number -> the entries painted there, for ``items``.

        Each item's entries are remembered by its state and spans, so after one decision
        only the changed item is cut again; the rest is list appends.
        """
        index: dict[int, list[Entry]] = {}
        # rejected first so live quotes paint over them where they overlap
        ordered = sorted(items, key=lambda it: it.state != REJECTED)
        for it in ordered:
            for blk, entry in self._item_entries(it):
                got = index.get(blk)
                if got is None:
                    index[blk] = [entry]
                else:
                    got.append(entry)
        return index

    def _item_entries(self, it: Item) -> list[tuple[int, Entry]]:
        q = it.quote
        memo_key = (it.state, q.content_spans, q.cue_spans, q.speaker_spans)
        got = self._entries.get(memo_key)
        if got is not None:
            return got
        out: list[tuple[int, Entry]] = []
        for spans, key in (
            (q.content_spans, it.state),
            (q.cue_spans, "cue"),
            (q.speaker_spans, "speaker"),
        ):
            if it.state == REJECTED and key != it.state:
                continue
            for a, b in spans:
                for blk, s, n in self.pieces(a, b):
                    out.append((blk, (s, n, key)))
        self._entries[memo_key] = out
        return out


class QuoteHighlighter(QSyntaxHighlighter):
    """Paints quote states, speakers and cues from a block -> entries index."""

    def __init__(self, document: QTextDocument, parent: QWidget) -> None:
        # owned by the view, not the document: the view swaps documents per article
        super().__init__(parent)
        self.setDocument(document)
        self.index: dict[int, list[Entry]] = {}
        self._formats = _formats()

    def highlightBlock(self, text: str) -> None:  # noqa: N802  (Qt override)
        for start, length, key in self.index.get(self.currentBlock().blockNumber(), ()):
            fmt = self._formats[key]
            if key in ("speaker", "cue"):
                # keep the quote's background under a speaker or cue inside it
                merged = QTextCharFormat(self.format(start))
                merged.merge(fmt)
                fmt = merged
            self.setFormat(start, length, fmt)

    def update_index(self, index: dict[int, list[Entry]]) -> None:
        """Swap the index and repaint only the blocks whose entries changed."""
        old = self.index
        self.index = index
        doc = self.document()
        for blk in set(old) | set(index):
            if old.get(blk) != index.get(blk):
                block = doc.findBlockByNumber(blk)
                if block.isValid():
                    self.rehighlightBlock(block)


class ArticleView(QTextEdit):
    """Read-only article text with quote highlights; emits clicks as code-point offsets.

    A mouse selection snaps out to whole words on release (hold Alt for exact characters).
    The current quote's start and end edges can be dragged: the cursor turns into a
    horizontal-resize arrow over them and the drop emits :attr:`edge_dragged`.
    """

    clicked = Signal(int)
    #: ("start" or "end", code point where the mouse let go of the current quote's edge)
    edge_dragged = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("articleView")
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setUndoRedoEnabled(False)
        self.zoom_steps = 0
        doc = self._new_document("")
        self.setDocument(doc)
        self.highlighter = QuoteHighlighter(doc, self)
        self._index: SpanIndex | None = None
        self._current: Item | None = None
        self._text = ""
        self._hits: list[tuple[int, int]] = []
        self._hit = -1
        self._drag: str | None = None  # the edge being dragged: "start", "end" or None
        self._drag_pos16 = -1
        self.viewport().setMouseTracking(True)  # hover over an edge changes the cursor
        #: False in a read-only project: quote edges cannot be dragged.
        self.editable = True

    # -- content ---------------------------------------------------------------------------

    def _new_document(self, text: str) -> QTextDocument:
        """A document holding ``text`` with the view's font, margins and block format.

        Filled before it is shown: every block takes the line height and paragraph gap
        from the cursor's block format as it is inserted, so no pass over the blocks (and
        no second layout of the whole text) follows, which was most of the time to open a
        long article.
        """
        doc = QTextDocument(self)
        doc.setUndoRedoEnabled(False)
        doc.setDocumentMargin(28)
        doc.setDefaultFont(self._zoom_font())
        fmt = QTextBlockFormat()
        fmt.setLineHeight(145.0, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        fmt.setBottomMargin(6.0)
        cursor = QTextCursor(doc)
        cursor.setBlockFormat(fmt)
        if text:
            # attach the highlighter while the document is empty (no delayed full
            # rehighlight is queued then): it paints each block as the text goes in,
            # before the document has a layout
            self.highlighter.setDocument(doc)
            cursor.insertText(text)
        return doc

    # -- zoom --------------------------------------------------------------------------------

    def set_zoom(self, steps: int) -> int:
        """Show the text ``steps`` zoom steps from the base size (clamped to the range);
        the typeface stays. Returns the steps applied."""
        self.zoom_steps = max(ZOOM_MIN, min(ZOOM_MAX, int(steps)))
        self._apply_zoom()
        return self.zoom_steps

    def point_size(self) -> float:
        """The text's size now, in points."""
        return self.document().defaultFont().pointSizeF()

    def _zoom_font(self) -> QFont:
        font = QFont()
        font.setFamilies(TEXT_FAMILIES)
        font.setPointSizeF(round(BASE_POINT_SIZE * ZOOM_FACTOR**self.zoom_steps, 2))
        return font

    def _apply_zoom(self) -> None:
        self.document().setDefaultFont(self._zoom_font())
        self.viewport().update()

    def set_article(self, text: str, items: Sequence[Item], current: Item | None) -> None:
        """Show a new article (``text`` as stored) with its items."""
        self._text = text
        self._index = SpanIndex(text)
        self.highlighter.index = self._index.build(items)
        self._current = None
        self._hits, self._hit = [], -1  # hits belong to the text they were found in
        old = self.document()
        doc = self._new_document(text)
        self.setDocument(doc)
        old.deleteLater()
        self.set_current(current, scroll=True)

    def set_items(self, items: Sequence[Item], current: Item | None) -> None:
        """Refresh highlights after a change (only changed blocks repaint)."""
        if self._index is None:
            return
        self.highlighter.update_index(self._index.build(items))
        self.set_current(current, scroll=True)

    def set_current(self, item: Item | None, scroll: bool = True) -> None:
        """Outline ``item`` (extra selections + painted outline) and bring it into view.

        When another quote becomes current the caret moves to its end, so a keyboard
        selection (Shift+Right) starts there.
        """
        moved = item is not None and (self._current is None or self._current.key != item.key)
        self._current = item
        if moved and item is not None and self._index is not None:
            cur = self.textCursor()
            if not cur.hasSelection():
                cur.setPosition(self._index.map.to_utf16(item.quote.end))
                self.setTextCursor(cur)
        if item is not None and self._index is not None and scroll:
            m = self._index.map
            self._scroll_to(m.to_utf16(item.quote.start), m.to_utf16(item.quote.end))
        self._refresh_extras()

    def set_hits(self, hits: Sequence[tuple[int, int]], index: int = -1) -> None:
        """Mark search hits (code-point spans); scroll to hit ``index`` (-1: none)."""
        if not hits and not self._hits:
            return  # nothing marked before or now (every article change without a search)
        self._hits = list(hits)
        self._hit = index
        if 0 <= index < len(self._hits) and self._index is not None:
            m = self._index.map
            a, b = self._hits[index]
            self._scroll_to(m.to_utf16(a), m.to_utf16(b))
        self._refresh_extras()

    def outlined(self) -> Item | None:
        """The item outlined as current now (what the keys act on)."""
        return self._current

    def current_hit(self) -> int:
        """The index of the search hit last jumped to (-1: none)."""
        return self._hit

    def hits(self) -> list[tuple[int, int]]:
        """The search hits marked now (code points)."""
        return list(self._hits)

    def _selection_of(self, a: int, b: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        assert self._index is not None
        m = self._index.map
        sel = QTextEdit.ExtraSelection()
        cur = QTextCursor(self.document())
        cur.setPosition(m.to_utf16(a))
        cur.setPosition(m.to_utf16(b), QTextCursor.MoveMode.KeepAnchor)
        sel.cursor = cur  # type: ignore[misc]
        sel.format = fmt  # type: ignore[misc]
        return sel

    def _refresh_extras(self) -> None:
        """Extra selections: the current quote's fragments, then the search hits."""
        sels = []
        item = self._current
        if self._index is not None:
            if item is not None:
                fmt = QTextCharFormat()
                fmt.setBackground(QColor(STATE_COLOURS[item.state][0]).darker(CURRENT_DARKER))
                sels += [self._selection_of(a, b, fmt) for a, b in item.quote.content_spans]
            for i, (a, b) in enumerate(self._hits):
                fmt = QTextCharFormat()
                fmt.setBackground(QColor(HIT_COLOUR if i != self._hit else CURRENT_HIT_COLOUR))
                fmt.setForeground(QColor("#000000"))
                sels.append(self._selection_of(a, b, fmt))
        self.setExtraSelections(sels)
        self.viewport().update()

    def _scroll_to(self, start16: int, end16: int) -> None:
        cur = QTextCursor(self.document())
        cur.setPosition(start16)
        top = self.cursorRect(cur)
        cur.setPosition(end16)
        bottom = self.cursorRect(cur)
        h = self.viewport().height()
        if top.top() >= 40 and bottom.bottom() <= h - 40:
            return
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + top.top() - h // 3)

    # -- selection and clicks ----------------------------------------------------------------

    def selected_span(self) -> tuple[int, int] | None:
        """The selected text as a code-point span of the stored text, or None."""
        cur = self.textCursor()
        if not cur.hasSelection() or self._index is None:
            return None
        m = self._index.map
        return m.from_utf16(cur.selectionStart()), m.from_utf16(cur.selectionEnd())

    def select_span(self, a: int, b: int) -> None:
        """Select code-point span [a, b) (used by tests and the search-in-article feature)."""
        if self._index is None:
            return
        m = self._index.map
        cur = QTextCursor(self.document())
        cur.setPosition(m.to_utf16(a))
        cur.setPosition(m.to_utf16(b), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cur)

    def clear_selection(self) -> None:
        cur = self.textCursor()
        cur.clearSelection()
        self.setTextCursor(cur)

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802
        """Right/Left move the caret by a word; with Shift they select word by word."""
        mods = e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        step = {Qt.Key.Key_Right: 1, Qt.Key.Key_Left: -1}.get(Qt.Key(e.key()))
        if (
            step is None
            or self._index is None
            or mods
            not in (
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.ShiftModifier,
            )
        ):
            super().keyPressEvent(e)
            return
        m = self._index.map
        cur = self.textCursor()
        pos = word_step(self._text, m.from_utf16(cur.position()), step)
        mode = QTextCursor.MoveMode.MoveAnchor
        if mods == Qt.KeyboardModifier.ShiftModifier:
            mode = QTextCursor.MoveMode.KeepAnchor
        cur.setPosition(m.to_utf16(pos), mode)
        self.setTextCursor(cur)
        self.ensureCursorVisible()
        self.viewport().update()
        e.accept()

    def caret(self) -> int:
        """Where the text cursor is (the last click), as a code point of the stored text."""
        if self._index is None:
            return 0
        return self._index.map.from_utf16(self.textCursor().position())

    def edge_at(self, point: QPoint) -> str | None:
        """``start`` or ``end`` when ``point`` (viewport pixels) is on that edge of the
        current quote, else None."""
        item = self._current
        if item is None or self._index is None or not item.quote.content_spans:
            return None
        m = self._index.map
        for which, pos in (("start", item.quote.start), ("end", item.quote.end)):
            cur = QTextCursor(self.document())
            cur.setPosition(m.to_utf16(pos))
            r = self.cursorRect(cur)
            if abs(point.x() - r.center().x()) <= EDGE_GRAB and r.top() <= point.y() <= r.bottom():
                return which
        return None

    def mousePressEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        if e.button() == Qt.MouseButton.LeftButton and self.editable:
            which = self.edge_at(e.position().toPoint())
            if which is not None:
                self._drag = which
                self._drag_pos16 = self.cursorForPosition(e.position().toPoint()).position()
                e.accept()
                return
        super().mousePressEvent(e)

    def mouseMoveEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        point = e.position().toPoint()
        if self._drag is not None:
            self._drag_pos16 = self.cursorForPosition(point).position()
            self.viewport().update()
            e.accept()
            return
        super().mouseMoveEvent(e)
        if e.buttons() == Qt.MouseButton.NoButton:
            grab = self.editable and self.edge_at(point) is not None
            self.viewport().setCursor(
                Qt.CursorShape.SizeHorCursor if grab else Qt.CursorShape.IBeamCursor
            )

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        if self._drag is not None and e.button() == Qt.MouseButton.LeftButton:
            which, self._drag = self._drag, None
            pos16 = self.cursorForPosition(e.position().toPoint()).position()
            self.viewport().update()
            if self._index is not None:
                self.edge_dragged.emit(which, self._index.map.from_utf16(pos16))
            e.accept()
            return
        super().mouseReleaseEvent(e)
        if e.button() != Qt.MouseButton.LeftButton or self._index is None:
            return
        if self.textCursor().hasSelection():
            if not e.modifiers() & Qt.KeyboardModifier.AltModifier:
                span = self.selected_span()
                if span is not None:
                    a, b = snap_to_words(self._text, *span)
                    if b > a and (a, b) != span:
                        self.select_span(a, b)
            return
        pos16 = self.cursorForPosition(e.position().toPoint()).position()
        self.clicked.emit(self._index.map.from_utf16(pos16))

    # -- layout and painting -------------------------------------------------------------------

    def resizeEvent(self, e: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(e)
        # keep a readable measure: centre a column of at most MAX_TEXT_WIDTH pixels
        spare = max(0, self.width() - MAX_TEXT_WIDTH)
        side = spare // 2
        if self.viewportMargins().left() != side:
            self.setViewportMargins(side, 0, side, 0)

    def paintEvent(self, e: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(e)
        if self.hasFocus() and not self.textCursor().hasSelection() and self._index is not None:
            # a read-only QTextEdit draws no caret; the word keys need to show where it is
            r = self.cursorRect()
            caret = QPainter(self.viewport())
            caret.fillRect(QRectF(r.center().x() - 0.5, r.top(), 1.5, r.height()), QColor("#333"))
            caret.end()
        item = self._current
        if item is None or self._index is None:
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor(OUTLINE_COLOUR))
        pen.setWidthF(2.0)
        painter.setPen(pen)
        dx = -self.horizontalScrollBar().value()
        dy = -self.verticalScrollBar().value()
        m = self._index.map
        path = QPainterPath()
        for a, b in item.quote.content_spans:
            for rect in self._line_rects(m.to_utf16(a), m.to_utf16(b)):
                path.addRoundedRect(rect.translated(dx, dy).adjusted(-2, -1, 2, 1), 3, 3)
        painter.drawPath(path.simplified())
        if self._drag is not None and self._drag_pos16 >= 0:
            cur = QTextCursor(self.document())
            cur.setPosition(self._drag_pos16)
            r = self.cursorRect(cur)
            painter.fillRect(QRectF(r.center().x() - 1.5, r.top(), 3.0, r.height()), pen.color())
        pen.setColor(QColor(SPEAKER_COLOUR))
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        for a, b in item.quote.speaker_spans:
            for rect in self._line_rects(m.to_utf16(a), m.to_utf16(b)):
                painter.drawRoundedRect(rect.translated(dx, dy).adjusted(-2, -1, 2, 1), 3, 3)
        painter.end()

    def _line_rects(self, start16: int, end16: int) -> list[QRectF]:
        """Document-coordinate rectangles covering [start16, end16), one per visual line."""
        doc = self.document()
        layout = doc.documentLayout()
        out: list[QRectF] = []
        block = doc.findBlock(start16)
        while block.isValid() and block.position() < end16:
            tl = block.layout()
            origin = layout.blockBoundingRect(block).topLeft()
            bpos = block.position()
            s = max(start16, bpos) - bpos
            e = min(end16, bpos + block.length() - 1) - bpos
            for i in range(tl.lineCount()):
                line = tl.lineAt(i)
                ls, le = line.textStart(), line.textStart() + line.textLength()
                if le <= s or ls >= e:
                    continue
                x1 = float(line.cursorToX(max(s, ls))[0])  # type: ignore[index]
                x2 = float(line.cursorToX(min(e, le))[0])  # type: ignore[index]
                out.append(
                    QRectF(
                        QPointF(origin.x() + x1, origin.y() + line.y()),
                        QPointF(origin.x() + x2, origin.y() + line.y() + line.height()),
                    )
                )
            block = block.next()
        return out
