"""The article view: readable text, quotes highlighted by state, the current quote outlined.

Persistent highlights come from a QSyntaxHighlighter fed by a block -> spans index built
from the session's items (HOUSE_STYLE "Qt"); the current quote is an extra selection plus
an outline painted over the viewport. Offsets arrive as code points and are converted to
document positions with the text's one :class:`ViewText` (UTF-16 units, and paragraphs too
long for Qt to lay out at once cut into blocks); text is never read back from the widget.
"""

from __future__ import annotations

import functools
import gc
import time
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QMimeData, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextLine,
)
from PySide6.QtWidgets import QTextEdit, QWidget

from annotator.core.text import BLOCK_CHARS, ViewText
from annotator.services.editing import snap_to_words, word_step
from annotator.services.items import Item
from annotator.ui.highlighting import (
    CUE_COLOUR,
    CURRENT_DARKER,
    CURRENT_HIT_COLOUR,
    HIT_COLOUR,
    LEGEND,
    OUTLINE_COLOUR,
    SPEAKER_COLOUR,
    STATE_COLOURS,
    Entry,
    QuoteHighlighter,
    SpanIndex,
    legend_html,
)
from annotator.ui.lazy_highlights import ItemsByReach
from annotator.ui.stepwise_fill import FILL_FIRST_MAX, BlockFormats, StepwiseFill

#: Quotes whose highlights go in at a time when an article's many suggestions arrive after
#: its text (:meth:`ArticleView.add_arrived_items`); as many such parts as fit in
#: :data:`ARRIVED_SECONDS` go in per turn of the event loop
ARRIVED_STEP = 100
ARRIVED_SECONDS = 0.015
#: At most about this many quotes get their highlights in one fill step (the step ends
#: before the block that holds the next one; :meth:`ArticleView._step_end`)
FILL_STEP_QUOTES = 300

__all__ = [
    "ArticleView",
    "CUE_COLOUR",
    "CURRENT_DARKER",
    "CURRENT_HIT_COLOUR",
    "Entry",
    "HIT_COLOUR",
    "LEGEND",
    "OUTLINE_COLOUR",
    "QuoteHighlighter",
    "SPEAKER_COLOUR",
    "STATE_COLOURS",
    "SpanIndex",
    "legend_html",
]

#: Blocks whose highlights may change in place; past this a new document is painted (the
#: layout walks every block after a repainted one: repainting 1,000 of 2,000 paragraphs
#: one by one took 0.6 s, a new document of the same text 45 ms).
REPAINT_BLOCKS_MAX = 24
#: How near (pixels) the mouse must be to a quote's edge to grab it.
EDGE_GRAB = 5
MAX_TEXT_WIDTH = 760
#: The article's typeface (first installed one wins) and size at zoom 0, in points.
TEXT_FAMILIES = ["Noto Serif", "DejaVu Serif", "Georgia", "Times New Roman", "serif"]
BASE_POINT_SIZE = 12.5
#: Zoom steps: each one scales the text by ZOOM_FACTOR; the range keeps it readable.
ZOOM_FACTOR = 1.12
ZOOM_MIN, ZOOM_MAX = -4, 8


#: A shape of the current quote's outline: (its bounds, the outline of rectangles that
#: touch or overlap, united; None for a shape of one rectangle, drawn as it is).
Shape = tuple[QRectF, QPainterPath | None]


def outline_shapes(rects: Sequence[QRectF]) -> list[Shape]:
    """``rects`` (one per line and fragment, in text order) grouped into the shapes the
    outline draws: rectangles that touch or overlap (a fragment over several lines,
    fragments side by side) are one shape with one rounded outline around their union;
    the others are a shape each.

    One path of every rectangle, united, drew as one polygon: 0.12 s for 1,000 separate
    fragments, where drawing them one by one takes 7 ms (tester20 U10). A rectangle can
    only touch one on its own line or on the line above, the last few before it."""
    parent = list(range(len(rects)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    grown = [r.adjusted(-0.5, -0.5, 0.5, 0.5) for r in rects]
    line_top = -1.0
    this_line: list[int] = []
    above: list[int] = []
    for i, r in enumerate(rects):
        if r.top() != line_top:
            above = this_line if this_line and rects[this_line[0]].bottom() >= r.top() - 1 else []
            this_line, line_top = [], r.top()
        for j in (*above, *this_line[-1:]):
            if grown[j].intersects(grown[i]):
                parent[root(i)] = root(j)
        this_line.append(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(rects)):
        groups.setdefault(root(i), []).append(i)
    out: list[Shape] = []
    for members in groups.values():
        if len(members) == 1:
            out.append((rects[members[0]], None))
            continue
        path = QPainterPath()
        for i in members:
            path.addRoundedRect(rects[i], 3, 3)
        united = path.simplified()
        out.append((united.boundingRect(), united))
    return out


def draw_outlines(
    painter: QPainter,
    content: Sequence[Shape],
    speaker: Sequence[QRectF],
    drag: QRectF | None = None,
    exposed: QRectF | None = None,
) -> None:
    """The current quote's outline on ``painter``: a rounded outline around each shape of
    the content (:func:`outline_shapes`), the drag caret (``drag``), dashed outlines
    around the speaker's rectangles. ``exposed`` (in the painter's coordinates): only the
    shapes that cross it are drawn."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor(OUTLINE_COLOUR))
    pen.setWidthF(2.0)
    painter.setPen(pen)
    near = exposed.adjusted(-3, -3, 3, 3) if exposed is not None else None
    for bounds, path in content:
        if near is not None and not near.intersects(bounds):
            continue
        if path is None:
            painter.drawRoundedRect(bounds, 3, 3)
        else:
            painter.drawPath(path)
    if drag is not None:
        painter.fillRect(drag, pen.color())
    pen.setColor(QColor(SPEAKER_COLOUR))
    pen.setStyle(Qt.PenStyle.DashLine)
    painter.setPen(pen)
    for rect in speaker:
        painter.drawRoundedRect(rect, 3, 3)


@functools.cache
def warm_up_painting() -> None:
    """Draw an outline and a caret once on a small image, after asking a small document's
    layout for line positions as :meth:`ArticleView.span_rects` does. PySide creates the
    Python types of Qt's enums on first use, and the first outline of the window's first
    paint created nine of them (about 70 ms of that paint, issue 16); done here, while the
    window is built and not yet shown, once per process."""
    doc = QTextDocument("Warm up")
    doc.setTextWidth(200.0)
    block = doc.findBlock(1)
    doc.documentLayout().blockBoundingRect(block)
    line = block.layout().lineAt(0)
    line.cursorToX(1)
    image = QImage(16, 16, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    box = QRectF(2.0, 2.0, 8.0, 8.0)
    painter.fillRect(QRectF(1.0, 1.0, 1.5, 6.0), QColor("#333"))
    draw_outlines(painter, outline_shapes([box]), [box], QRectF(1.0, 1.0, 3.0, 6.0))
    painter.end()


#: The current quote's outline is made for the blocks from this many viewport heights
#: above the viewport to as many below it, and made again when the viewport leaves them.
OUTLINE_MARGIN = 1.0
#: A quote of more fragments than this gets its shade (extra selections) only in the
#: blocks near the viewport, renewed as it scrolls (Qt draws a line again for every
#: selection that crosses it: 2.2 s a paint for a quote of 1,000 fragments).
EXTRAS_ALL = 64

#: The grey the shade of a quote of many fragments multiplies the text's colours by: as
#: dark as QColor.darker(CURRENT_DARKER) makes a background.
SHADE = QColor(*(round(255 * 100 / CURRENT_DARKER),) * 3)
#: A block's lines as the outline reads them: (its top left in the document, the lines'
#: first positions in the block, the lines).
_BlockLines = tuple[QPointF, list[int], list[QTextLine]]


#: Longest the cycle collector stays held off for the late quotes' steps (ms): enabled
#: again by a plain timer, whatever becomes of the view.
GC_HELD_MAX_MS = 10_000


@dataclass(frozen=True)
class _SpansOrder:
    """A span list sorted for binary search: ``reach[i]`` is the furthest end of spans
    [0, i], so the spans crossing [lo, hi) are ``spans[bisect_right(reach, lo) :
    bisect_left(starts, hi)]`` (some may end before lo when spans overlap)."""

    spans: list[tuple[int, int]]
    starts: list[int]
    reach: list[int]


@functools.lru_cache(maxsize=8)
def _spans_order(spans: tuple[tuple[int, int], ...]) -> _SpansOrder:
    ordered = sorted(spans)
    reach: list[int] = []
    far = -1
    for _, b in ordered:
        far = max(far, b)
        reach.append(far)
    return _SpansOrder(ordered, [a for a, _ in ordered], reach)


@dataclass
class _Outline:
    """The current quote's outline near the viewport (see :meth:`ArticleView._outline`)."""

    key: tuple[int, ...]
    content_spans: tuple[tuple[int, int], ...]
    speaker_spans: tuple[tuple[int, int], ...]
    #: the blocks it covers, end exclusive
    b0: int
    b1: int
    #: document coordinates
    content: list[QRectF]
    speaker: list[QRectF]
    shapes: list[Shape]
    #: the covered blocks' places and line breaks (:meth:`ArticleView._lines_print`)
    lines_print: tuple[tuple[float, ...], ...]
    #: where the text put in ended when the fill's end cut it short, else -1
    cut_at: int
    #: the document y range of the blocks it covers (ArticleView._covers_viewport)
    span: tuple[float, float]


class ArticleView(QTextEdit):
    """Read-only article text with quote highlights; emits clicks as code-point offsets.

    A mouse selection snaps out to whole words on release (hold Alt for exact characters).
    The current quote's start and end edges can be dragged: the cursor turns into a
    horizontal-resize arrow over them and the drop emits :attr:`edge_dragged`.
    """

    clicked = Signal(int)
    #: ("start" or "end", code point where the mouse let go of the current quote's edge)
    edge_dragged = Signal(str, int)
    #: (code points of the text in the document, of the whole text): after each fill step
    filling = Signal(int, int)
    #: the whole text of the article is in the document (also for a text filled at once)
    filled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        warm_up_painting()
        self.setObjectName("articleView")
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setUndoRedoEnabled(False)
        self.zoom_steps = 0
        self._index: SpanIndex | None = None
        self._current: Item | None = None
        self._text = ""
        self._hits: list[tuple[int, int]] = []
        self._hits_given: object = None  # the sequence set_hits was given last
        self._hit = -1
        self._drag: str | None = None  # the edge being dragged: "start", "end" or None
        self._drag_pos16 = -1
        #: puts the text into the document by steps (issue 16); the quotes' highlights go
        #: into the span index as the fill reaches them (:meth:`_reach`)
        self.fill = StepwiseFill(
            self, self._block_formats, self._reach, self._blocks_on_screen, self._step_end
        )
        self.fill.filling.connect(self._filling)
        self.fill.filled.connect(self.filled)
        self._reached = ItemsByReach()
        self._arrived = 0  # arrivals of quotes after the text (add_arrived_items)
        self._stepwise = False  # the text is too long to go in at once
        self._extras_short = False  # a marked span reaches past the text filled so far
        #: the document y range of the blocks the extra selections of many search hits
        #: cover, or None when they cover all (:meth:`_refresh_extras`)
        self._extras_blocks: tuple[float, float] | None = None  # as document y
        self._extras_due = False  # a refresh of them is queued
        #: the current quote's outline near the viewport (:meth:`_outline`)
        self._outline_cache: _Outline | None = None
        self._layout_gen = 0  # counts the changes of the document's layout
        self._watched: QTextDocument | None = None  # the document whose layout is counted
        self._hit_starts: list[int] = []  # the hits' starts, when they are in text order
        self.viewport().setMouseTracking(True)  # hover over an edge changes the cursor
        #: False in a read-only project: quote edges cannot be dragged.
        self.editable = True
        self.setDocument(self._new_document(None, {}))
        self.verticalScrollBar().valueChanged.connect(lambda _v: self._extras_follow())

    # -- content ---------------------------------------------------------------------------

    def _new_document(
        self, shown: ViewText | None, index: dict[int, list[Entry]], blocks: int = -1
    ) -> QTextDocument:
        """A document holding the first ``blocks`` blocks of ``shown.display`` (-1: all;
        the text with its over-long paragraphs cut into blocks) with the view's font,
        margins and block format, painted from ``index`` by a new :class:`QuoteHighlighter`
        (:attr:`highlighter`). A block the view cut (not a paragraph of the text) has no
        gap below it: the next line follows as after a line wrap.

        Filled before it is shown: every block takes the line height and paragraph gap
        from the cursor's block format as it is inserted, so no pass over the blocks (and
        no second layout of the whole text) follows, which was most of the time to open a
        long article.

        The highlighter belongs to the document and goes with it: a highlighter moved to
        the next document first clears the formats of every block of the old one (40 ms
        at 2,000 paragraphs, issue 16). It paints each block as the text goes in, before
        the document has a layout; the document then keeps those blocks marked as changed
        and hands them to its layout at the next edit, so the first decision in a long
        article laid out the whole text again (0.1-0.2 s at 250,000 characters). The
        layout is made and told now, while it has no page size (so it lays out nothing),
        with the document's signals held so the highlighter does not paint twice.
        """
        doc = QTextDocument(self)
        doc.setUndoRedoEnabled(False)
        doc.setDocumentMargin(28)
        doc.setDefaultFont(self._zoom_font())
        # attached while the document is empty: no delayed full rehighlight is queued
        self.highlighter = QuoteHighlighter(doc)
        self.highlighter.index = index
        if shown is None:
            self.fill.stop()
            return doc
        self.fill.start(doc, shown, blocks)
        if shown.text:
            doc.documentLayout()
            held = doc.blockSignals(True)
            cursor = QTextCursor(doc)
            cursor.beginEditBlock()
            cursor.endEditBlock()
            doc.blockSignals(held)
        return doc

    @staticmethod
    def _block_format(cut: bool = False) -> QTextBlockFormat:
        """A paragraph's block format (line height, gap below); ``cut``: of a block the
        view cut, which has no gap below it."""
        fmt = QTextBlockFormat()
        fmt.setLineHeight(145.0, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        fmt.setBottomMargin(0.0 if cut else 6.0)
        return fmt

    def _block_formats(self) -> BlockFormats:
        """(a paragraph's block format, a cut block's): for the fill."""
        return self._block_format(), self._block_format(cut=True)

    def _reach(self, b0: int, b1: int) -> None:
        """Blocks up to ``b1`` are about to go in: put the quotes that start in them into
        the span index (and so the highlighter's), so they are painted as they go in."""
        if self._index is None:
            return
        m = self._index.map
        reach = m.from_view(m.block_starts16[b1]) if b1 < m.block_count else len(self._text) + 1
        got = self._reached.take(reach)
        if got:
            changed = self._index.replace((), got, self.highlighter.index)
            self.highlighter.repaint_blocks({b for b in changed if b < b0})

    def _step_end(self, b0: int, b1: int) -> int:
        """Where a fill step putting in blocks ``b0`` to ``b1`` ends (at least ``b0 + 1``):
        before the block of the :data:`FILL_STEP_QUOTES`-th quote still waiting, so no
        step cuts thousands of quotes into block pieces at once (20,000 suggestions on
        640,000 characters held the window 0.2-0.45 s a step, issue 16)."""
        if self._index is None:
            return b1
        first = self._reached.position_of(FILL_STEP_QUOTES)
        m = self._index.map
        if first is None or b1 >= m.block_count or first >= m.from_view(m.block_starts16[b1]):
            return b1
        blk = bisect_right(m.block_starts16, m.to_view(first)) - 1  # the block holding it
        return max(b0 + 1, blk)

    def _filling(self, done: int, total: int) -> None:
        if self._extras_short:
            self._refresh_extras()
        self.filling.emit(done, total)

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
        """Show a new article (``text`` as stored) with its items.

        A text up to ``stepwise_fill.FILL_FIRST_CHARS`` goes into the document at once. A
        longer one (a scraped page of megabytes) goes in by steps so that no step holds the
        event loop for long (issue 16, :class:`StepwiseFill`): at once the blocks up to that
        many characters, or up to the current quote when it lies near enough; then the rest,
        a block range per timer turn, each laid out as it goes in. A quote's highlights go
        into the span index when the fill reaches its first character (cutting 10,000
        quotes of a 50 MB page into block pieces at open took 0.36 s). :attr:`filling`
        reports each step, :attr:`filled` the end. Until then positions past the text put
        in wait or are refused: the scroll to the current quote or a search hit happens
        once the fill reaches it, marks and outlines show the part put in, and
        :meth:`select_span` returns False. A new article stops the fill of the one before.
        """
        gc.enable()  # held off during the late quotes' steps (see add_arrived_items)
        self.fill.stop()
        self._arrived += 1  # the quotes still arriving belong to the text before
        self._text = text
        self._index = SpanIndex(text)
        self._current = None
        self._hits, self._hit = [], -1  # hits belong to the text they were found in
        self._hits_given = None
        self.setExtraSelections([])
        old = self.document()
        shown = self._index.map
        want = -1  # a quote further down waits for the fill (the text is not cut that far)
        if current is not None and current.quote.end <= FILL_FIRST_MAX + BLOCK_CHARS:
            want = shown.to_view(current.quote.end)
        first = StepwiseFill.first_blocks(shown, want)
        self._stepwise = first < shown.block_count
        # no quote in the index yet: each goes in as the fill reaches it (_reach)
        self._reached.reset(items, 0)
        doc = self._new_document(shown, self._index.build(()), first)
        self.setDocument(doc)
        old.deleteLater()
        self.set_current(current, scroll=True)
        self.fill.go()

    def setPlainText(self, text: str) -> None:  # noqa: N802  (Qt override)
        """Show a note in place of an article (no article: nothing is marked or filled)."""
        self.fill.stop()
        self._index = None
        self._current = None
        self._hits, self._hit = [], -1
        self._hits_given = None
        self._text = ""
        self._stepwise = False
        self.setExtraSelections([])
        super().setPlainText(text)
        self.filled.emit()

    def is_filled(self) -> bool:
        """True when the document holds the article's whole text."""
        return self._index is None or self.fill.is_filled()

    def shows(self, a: int, b: int) -> bool:
        """True when code-point span [a, b) of the text is in the document (see
        :meth:`set_article`: a long text goes in by steps)."""
        return self._index is not None and self.fill.shows_text(b)

    def filled_part(self) -> tuple[int, int]:
        """(code points of the text in the document, length of the text)."""
        if self._index is None:
            return 0, 0
        return self.fill.filled_part()

    def set_items(self, items: Sequence[Item], current: Item | None) -> None:
        """Refresh highlights after a change. A few changed blocks repaint at once; many
        (a re-detection, a new confidence threshold) in an article put in at once: a new
        document of the same text is painted, keeping the scroll position, the caret and
        the selection; in a long article (filled by steps) those on screen repaint at once
        and the rest by steps, while the fill goes on where it was. Blocks not in the
        document yet are painted from the new index as they go in."""
        if self._index is None:
            return
        index = self._index.build(self._reached.reset(items, self._reached.reach))
        changed = self.highlighter.changed_blocks(index)
        if sum(1 for blk in changed if blk < self.fill.blocks) <= REPAINT_BLOCKS_MAX:
            self.highlighter.update_index(index)
        elif not self._stepwise:
            self._repaint_all(index)
        else:
            self.highlighter.index = index
            self.fill.restyle(self.highlighter, changed, self._blocks_on_screen())
        self.set_current(current, scroll=True)

    def add_arrived_items(self, items: Sequence[Item], current: Item | None) -> None:
        """The article's quotes came after its text (its many suggestions, read off this
        thread, issue 16): the highlights of the quotes down to the last line on screen go
        in at once, those further down by parts of :data:`ARRIVED_STEP` quotes, as many as
        fit in :data:`ARRIVED_SECONDS` per turn of the event loop (20,000 at once held it
        0.2-0.35 s), up to where the fill has got; the fill puts in the rest as it goes on.

        The cycle collector is held off while the steps index them (``gc.disable``, enabled
        again when the steps end or another article comes): each of its full passes
        walked the tens of thousands of new objects, 40-50 ms on this thread in the middle
        of a step. Not ``gc.freeze``: what it freezes is never scanned again, so cyclic
        garbage of the session would pile up, once per such article (review21 R10)."""
        if self._index is None:
            return
        gc.disable()
        self._arrived += 1
        target = self._reached.reach
        m = self._index.map
        bottom = min(self._blocks_on_screen()[1], m.block_count)
        screen = m.from_view(m.block_starts16[bottom]) if bottom < m.block_count else target
        index = self._index.build(self._reached.reset_late(items, target, screen))
        if not self._stepwise:
            self.highlighter.update_index(index)  # the blocks on screen, a few
        else:
            changed = self.highlighter.changed_blocks(index)
            self.highlighter.index = index
            self.fill.restyle(self.highlighter, changed, self._blocks_on_screen())
        self.set_current(current, scroll=True)
        generation = self._arrived
        # whatever becomes of this view (closed, an error in a step), the collector is on
        # again within GC_HELD_MAX_MS: gc.disable is process-wide (review21 R13)
        QTimer.singleShot(GC_HELD_MAX_MS, gc.enable)
        QTimer.singleShot(0, self, lambda: self._arrive_more(generation))

    def _arrive_more(self, generation: int) -> None:
        if generation != self._arrived:
            return  # a newer arrival's steps run (and enable the collector at their end)
        if self._index is None or not self._reached.behind():
            gc.enable()
            return
        t = time.perf_counter()
        changed: set[int] = set()
        try:
            while self._reached.behind() and time.perf_counter() - t < ARRIVED_SECONDS:
                got = self._reached.take_behind(ARRIVED_STEP)
                changed |= self._index.replace((), got, self.highlighter.index)
            if changed:
                # blocks in the document already: repainted by the fill's paced steps (one
                # block of 50 quotes took 8-20 ms to repaint), those on screen at once
                self.fill.restyle(self.highlighter, changed, self._blocks_on_screen())
        except BaseException:
            gc.enable()
            raise
        QTimer.singleShot(0, self, lambda: self._arrive_more(generation))

    def _blocks_on_screen(self) -> tuple[int, int]:
        """The range of blocks the viewport shows (end exclusive)."""
        port = self.viewport()
        top = self.cursorForPosition(QPoint(0, 0)).blockNumber()
        bottom = self.cursorForPosition(QPoint(port.width(), port.height())).blockNumber()
        return top, bottom + 1

    def _repaint_all(self, index: dict[int, list[Entry]]) -> None:
        """Show the same text (put in at once) in a new document painted from ``index``."""
        assert self._index is not None
        bar = self.verticalScrollBar()
        value = bar.value()
        port = self.viewport()
        bottom = self.cursorForPosition(QPoint(port.width() // 2, port.height())).position()
        cur = self.textCursor()
        anchor, position = cur.anchor(), cur.position()
        self.setExtraSelections([])
        old = self.document()
        doc = self._new_document(self._index.map, index)
        self.setDocument(doc)
        old.deleteLater()
        cur = QTextCursor(doc)
        cur.setPosition(anchor)
        cur.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cur)
        # the new layout is lazy: lay it out down to the last line shown, then scroll back
        doc.documentLayout().blockBoundingRect(doc.findBlock(bottom))
        bar.setValue(value)
        self.fill.go()

    def update_items(
        self, removed: Sequence[Item], added: Sequence[Item], current: Item | None
    ) -> None:
        """Patch the highlights after one change: ``removed`` items left, ``added`` came
        (a changed item is in both); only the blocks they touch are repainted (those the
        fill has not reached are painted when it does)."""
        if self._index is None:
            return
        gone, come = self._reached.remove(removed), self._reached.add(added)
        blocks = self._index.replace(gone, come, self.highlighter.index)
        # a quote of many fragments: each block holds hundreds of its pieces, and laying
        # one out again takes 10-30 ms (a reject over 20 blocks of a 20,000-fragment
        # quote held the loop 0.2-0.3 s); those on screen now, the rest by steps
        many = any(len(it.quote.content_spans) > EXTRAS_ALL for it in (*removed, *added))
        if (len(blocks) > REPAINT_BLOCKS_MAX and self._stepwise) or (many and len(blocks) > 1):
            self.fill.restyle(self.highlighter, blocks, self._blocks_on_screen())
        else:
            self.highlighter.repaint_blocks({b for b in blocks if b < self.fill.blocks})
        self.set_current(current, scroll=True)

    def set_current(self, item: Item | None, scroll: bool = True) -> None:
        """Outline ``item`` (extra selections + painted outline) and bring it into view.

        When another quote becomes current the caret moves to its end, so a keyboard
        selection (Shift+Right) starts there. For a quote past the text filled so far the
        caret and the scroll wait until the fill reaches it (see :meth:`set_article`).
        """
        moved = item is not None and (self._current is None or self._current.key != item.key)
        self._current = item
        if item is not None and self._index is not None and (moved or scroll):
            m = self._index.map
            a, b = item.quote.start, item.quote.end

            def show() -> None:  # once the fill reaches the quote (the text cut that far)
                a16, b16 = m.to_view(a), m.to_view(b)
                if moved:
                    cur = self.textCursor()
                    if not cur.hasSelection():
                        cur.setPosition(b16)
                        self.setTextCursor(cur)
                if scroll:
                    self._scroll_to(a16, b16)

            self.fill.after_text(b, show)
        self._refresh_extras()

    def set_hits(self, hits: Sequence[tuple[int, int]], index: int = -1) -> None:
        """Mark search hits (code-point spans); scroll to hit ``index`` (-1: none), once
        the text is filled that far."""
        if not hits and not self._hits:
            return  # nothing marked before or now (every article change without a search)
        if hits is not self._hits_given:  # F3 along the same hits: only the index moves
            self._hits_given = hits
            self._hits = list(hits)
            starts = [a for a, _ in self._hits]
            pairs = zip(self._hits, self._hits[1:], strict=False)
            self._hit_starts = starts if all(x[1] <= y[0] for x, y in pairs) else []
        self._hit = index
        if 0 <= index < len(self._hits) and self._index is not None:
            m = self._index.map
            a, b = self._hits[index]
            self.fill.after_text(b, lambda: self._scroll_to(m.to_view(a), m.to_view(b)))
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

    def _selections_of(
        self, a: int, b: int, fmt: QTextCharFormat
    ) -> list[QTextEdit.ExtraSelection]:
        """Extra selections for code-point span [a, b), one per block it touches: a
        selection over a line break would also paint the break (a box past the line's
        last word, or across an empty line)."""
        assert self._index is not None
        starts = self._index.block_starts16
        out: list[QTextEdit.ExtraSelection] = []
        if not self.fill.shows_text(b):  # marked once the fill reaches it
            self._extras_short = True
            if not self.fill.shows_text(a):
                return out
            b = min(b, self._index.map.built)  # the text past it may not be cut yet
        for blk, s16, n16 in self._index.pieces(a, b):
            if blk >= self.fill.blocks:  # not in the document yet: marked when it is
                self._extras_short = True
                break
            sel = QTextEdit.ExtraSelection()
            cur = QTextCursor(self.document())
            cur.setPosition(starts[blk] + s16)
            cur.setPosition(starts[blk] + s16 + n16, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cur  # type: ignore[misc]
            sel.format = fmt  # type: ignore[misc]
            out.append(sel)
        return out

    def _refresh_extras(self) -> None:
        """Extra selections: the current quote's fragments, then the search hits.

        Qt draws a line once more for every selection that crosses it: a quote of 1,000
        fragments on screen took 2.5 s a paint (tester20 U10). So a quote of more than
        :data:`EXTRAS_ALL` fragments gets no extra selections: its shade is painted over
        its outline's rectangles (:meth:`paintEvent`); and more hits than that are
        selected only in the blocks near the viewport (as the outline,
        :data:`OUTLINE_MARGIN`), renewed when it leaves them (:meth:`_extras_follow`)."""
        sels = []
        item = self._current
        self._extras_short = False
        self._extras_due = False
        self._extras_blocks = None
        if self._index is not None:
            if item is not None and len(item.quote.content_spans) <= EXTRAS_ALL:
                fmt = QTextCharFormat()
                fmt.setBackground(QColor(STATE_COLOURS[item.state][0]).darker(CURRENT_DARKER))
                for a, b in item.quote.content_spans:
                    sels += self._selections_of(a, b, fmt)
            hits: Sequence[tuple[int, int]] = self._hits
            first_hit = 0
            if len(hits) > EXTRAS_ALL and self._hit_starts:
                self._watch_layout()
                b0, b1 = self._near_blocks(OUTLINE_MARGIN)
                self._extras_blocks = self._covers_viewport(b0, b1)
                m = self._index.map
                lo16, hi16 = self._window16(b0, b1)
                lo, hi = m.from_view(lo16), m.from_view(hi16)
                # hits in text order do not overlap: their ends ascend as their starts do
                first_hit = max(0, bisect_right(self._hit_starts, lo) - 1)
                hits = hits[first_hit : bisect_left(self._hit_starts, hi)]
            for i, (a, b) in enumerate(hits, first_hit):
                fmt = QTextCharFormat()
                fmt.setBackground(QColor(HIT_COLOUR if i != self._hit else CURRENT_HIT_COLOUR))
                fmt.setForeground(QColor("#000000"))
                sels += self._selections_of(a, b, fmt)
        self.setExtraSelections(sels)
        self.viewport().update()

    def _extras_follow(self, later: bool = False) -> None:
        """Renew the extra selections when they cover only the blocks near the viewport
        and it has left them (a scroll, a resize, a zoom); ``later``: at the next turn of
        the event loop (from a paint)."""
        if self._extras_blocks is None or self._extras_due:
            return
        if self._in_view(self._extras_blocks):
            return
        if later:
            self._extras_due = True
            QTimer.singleShot(0, self._refresh_extras)
        else:
            self._refresh_extras()

    def _scroll_to(self, start16: int, end16: int) -> None:
        if end16 > self.fill.filled16:  # not in the document (yet)
            return
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
        return m.from_view(cur.selectionStart()), m.from_view(cur.selectionEnd())

    def select_span(self, a: int, b: int) -> bool:
        """Select code-point span [a, b) (used by tests and the search-in-article feature).
        False (nothing selected) when the span is not in the document (yet)."""
        if self._index is None or not self.shows(a, b):
            return False
        m = self._index.map
        cur = QTextCursor(self.document())
        cur.setPosition(m.to_view(a))
        cur.setPosition(m.to_view(b), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cur)
        return True

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802  (Qt override)
        """Copy (and drag) the selected part of the stored text: the document holds a
        block separator where the view cut a long paragraph, and Qt's own copy would give
        a line break there (and a plain space for a non-breaking one)."""
        mime = QMimeData()
        span = self.selected_span()
        if span is not None:
            mime.setText(self._text[span[0] : span[1]])
        return mime

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
        pos = word_step(self._text, m.from_view(cur.position()), step)
        mode = QTextCursor.MoveMode.MoveAnchor
        if mods == Qt.KeyboardModifier.ShiftModifier:
            mode = QTextCursor.MoveMode.KeepAnchor
        cur.setPosition(min(m.to_view(pos), self.fill.filled16), mode)
        self.setTextCursor(cur)
        self.ensureCursorVisible()
        self.viewport().update()
        e.accept()

    def caret(self) -> int:
        """Where the text cursor is (the last click), as a code point of the stored text."""
        if self._index is None:
            return 0
        return self._index.map.from_view(self.textCursor().position())

    def edge_at(self, point: QPoint) -> str | None:
        """``start`` or ``end`` when ``point`` (viewport pixels) is on that edge of the
        current quote, else None."""
        item = self._current
        if item is None or self._index is None or not item.quote.content_spans:
            return None
        m = self._index.map
        for which, pos in (("start", item.quote.start), ("end", item.quote.end)):
            if not self.fill.shows_text(pos):
                continue
            cur = QTextCursor(self.document())
            cur.setPosition(m.to_view(pos))
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
                self.edge_dragged.emit(which, self._index.map.from_view(pos16))
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
        self.clicked.emit(self._index.map.from_view(pos16))

    # -- layout and painting -------------------------------------------------------------------

    def resizeEvent(self, e: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(e)
        # keep a readable measure: centre a column of at most MAX_TEXT_WIDTH pixels
        spare = max(0, self.width() - MAX_TEXT_WIDTH)
        side = spare // 2
        if self.viewportMargins().left() != side:
            self.setViewportMargins(side, 0, side, 0)
        # the text has reflowed (first show at the window's real size, a restored layout, a
        # resize): the current quote may have moved out of view, so bring it back once the
        # new layout is in place
        QTimer.singleShot(0, self._keep_current_in_view)

    def _keep_current_in_view(self) -> None:
        """Scroll the current quote into view if a reflow moved it out (no-op otherwise)."""
        item, index = self._current, self._index
        if item is None or index is None or self.textCursor().hasSelection():
            return
        if item.quote.end > len(self._text):  # an item of the article shown before
            return
        if self.fill.waits() or not self.fill.shows_text(item.quote.start):
            return  # the fill has not reached what is to be shown
        m = index.map
        self._scroll_to(m.to_view(item.quote.start), m.to_view(min(item.quote.end, m.built)))

    def paintEvent(self, e: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(e)
        if self.hasFocus() and not self.textCursor().hasSelection() and self._index is not None:
            # a read-only QTextEdit draws no caret; the word keys need to show where it is
            r = self.cursorRect()
            caret = QPainter(self.viewport())
            caret.fillRect(QRectF(r.center().x() - 0.5, r.top(), 1.5, r.height()), QColor("#333"))
            caret.end()
        self._extras_follow(later=True)
        outline = self._outline()
        if outline is None:
            return
        dx = -self.horizontalScrollBar().value()
        dy = -self.verticalScrollBar().value()
        drag = None
        if self._drag is not None and self._drag_pos16 >= 0:
            cur = QTextCursor(self.document())
            cur.setPosition(self._drag_pos16)
            r = self.cursorRect(cur)
            drag = QRectF(r.center().x() - 1.5 - dx, r.top() - dy, 3.0, r.height())
        painter = QPainter(self.viewport())
        painter.translate(dx, dy)  # the outline is kept in document coordinates
        exposed = QRectF(e.rect()).translated(-dx, -dy)
        if self._current is not None and len(self._current.quote.content_spans) > EXTRAS_ALL:
            # the shade of a quote of many fragments (no extra selections, see
            # _refresh_extras): multiplying by this grey darkens the background as
            # QColor.darker(CURRENT_DARKER) does, and leaves dark text dark
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
            for rect in outline.content:
                if rect.intersects(exposed):
                    painter.fillRect(rect, SHADE)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        draw_outlines(painter, outline.shapes, outline.speaker, drag, exposed)
        painter.end()

    def outline_rects(self, speaker: bool = False) -> list[QRectF]:
        """The outline of the current quote (``speaker``: of its speaker mention) as
        painted: viewport rectangles, one per visual line and fragment, each spanning
        exactly the glyphs of the span on that line (see :meth:`span_rects`), for the
        fragments in the blocks near the viewport (:meth:`_outline`)."""
        outline = self._outline()
        if outline is None:
            return []
        dx = -self.horizontalScrollBar().value()
        dy = -self.verticalScrollBar().value()
        rects = outline.speaker if speaker else outline.content
        return [r.translated(dx, dy) for r in rects]

    def _watch_layout(self) -> QTextDocument:
        """The document, its layout's changes counted (:meth:`_layout_moved`)."""
        doc = self.document()
        if self._watched is not doc:
            self._watched = doc
            doc.documentLayout().update.connect(self._layout_moved)
            self._layout_gen += 1
        return doc

    def _layout_moved(self) -> None:
        """The document's layout changed (text put in, a block repainted, a reflow): the
        outline cached in document coordinates may be out of date, and the place of the
        blocks the search hits are selected in is checked again at the next paint."""
        self._layout_gen += 1
        if self._extras_blocks is not None:
            self._extras_blocks = (1.0, 0.0)  # in no view: renewed at the next paint

    def _covers_viewport(self, b0: int, b1: int) -> tuple[float, float]:
        """The document y range blocks [b0, b1) cover, open at the document's ends (the
        viewport is within it when nothing above or below them can be shown)."""
        doc = self.document()
        layout = doc.documentLayout()
        first, last = doc.findBlockByNumber(b0), doc.findBlockByNumber(b1 - 1)
        top = -1e18 if b0 <= 0 or not first.isValid() else layout.blockBoundingRect(first).top()
        if not last.isValid() or b1 >= doc.blockCount():
            return top, 1e18
        return top, layout.blockBoundingRect(last).bottom()

    def _in_view(self, span: tuple[float, float]) -> bool:
        """True when the viewport shows only document y within ``span`` (arithmetic: the
        layout's hit test walks the blocks, 20 ms at 40,000 paragraphs)."""
        top = self.verticalScrollBar().value()
        return span[0] <= top and top + self.viewport().height() <= span[1]

    def _near_blocks(self, margin: float) -> tuple[int, int]:
        """The blocks (end exclusive) holding the lines from ``margin`` viewport heights
        above the viewport to as far below it, laid out or not."""
        doc = self.document()
        layout = doc.documentLayout()
        port = self.viewport()
        h = port.height()
        top = self.verticalScrollBar().value() - margin * h
        bottom = self.verticalScrollBar().value() + (1 + margin) * h
        fuzzy = Qt.HitTestAccuracy.FuzzyHit
        b0 = doc.findBlock(max(0, layout.hitTest(QPointF(0, max(0.0, top)), fuzzy)))
        b1 = doc.findBlock(max(0, layout.hitTest(QPointF(port.width(), bottom), fuzzy)))
        return max(0, b0.blockNumber()), max(0, b1.blockNumber()) + 1

    def _window16(self, b0: int, b1: int) -> tuple[int, int]:
        """Blocks [b0, b1) as document positions [start, end), within the part filled."""
        assert self._index is not None
        starts = self._index.block_starts16
        lo16 = starts[min(b0, len(starts) - 1)]
        hi16 = starts[b1] if b1 < len(starts) else self._index.length16
        return lo16, min(hi16, self.fill.filled16)

    def _outline(self) -> _Outline | None:
        """The current quote's outline near the viewport, in document coordinates: made
        once per (quote's spans, document, width, and the part filled when the fill's end
        cut it short) and kept while the viewport stays within the blocks it was made for
        (:data:`OUTLINE_MARGIN` viewport heights around the one shown when it was made)
        and those blocks lie and break their lines as they did (checked after any change
        of the layout: text put in, a quote repainted, a zoom). A quote of 20,000
        fragments recomputed every fragment's rectangles on every paint (16 s a paint,
        tester20 U10); now a paint draws the shapes it crosses."""
        item = self._current
        if item is None or self._index is None:
            return None
        doc = self._watch_layout()
        q = item.quote
        key = (id(doc), self._layout_gen, self.viewport().width())
        got = self._outline_cache
        if (
            got is not None
            and got.key[0] == key[0]
            and got.key[2:] == key[2:]
            # more text put in matters only to an outline the fill's end cut short
            and got.cut_at in (-1, self.fill.filled16)
            and (got.content_spans is q.content_spans or got.content_spans == q.content_spans)
            and (got.speaker_spans is q.speaker_spans or got.speaker_spans == q.speaker_spans)
            and self._in_view(got.span)
        ):
            if got.key == key:
                return got
            # the layout changed somewhere (a quote repainted: an accept, a reject): kept
            # when the blocks it covers lie and break their lines as before
            if self._lines_print(got.b0, got.b1) == got.lines_print:
                got.key = key
                return got
        b0, b1 = self._near_blocks(OUTLINE_MARGIN)
        lo16, hi16 = self._window16(b0, b1)
        starts = self._index.block_starts16
        whole = starts[b1] if b1 < len(starts) else self._index.length16
        cut_at = self.fill.filled16 if hi16 < whole else -1
        lines: dict[int, _BlockLines] = {}
        content = self._rects_near(q.content_spans, lo16, hi16, lines)
        speaker = self._rects_near(q.speaker_spans, lo16, hi16, lines)
        got = _Outline(
            key,
            q.content_spans,
            q.speaker_spans,
            b0,
            b1,
            content,
            speaker,
            outline_shapes(content),
            self._lines_print(b0, b1),
            cut_at,
            self._covers_viewport(b0, b1),
        )
        self._outline_cache = got
        return got

    def _lines_print(self, b0: int, b1: int) -> tuple[tuple[float, ...], ...]:
        """Where blocks [b0, b1) in the document lie and how they break their lines: each
        block's top, height and, for each line, its first position and width."""
        doc = self.document()
        layout = doc.documentLayout()
        out = []
        block = doc.findBlockByNumber(b0)
        while block.isValid() and block.blockNumber() < b1:
            r = layout.blockBoundingRect(block)
            tl = block.layout()
            row = [r.top(), r.height(), r.left(), r.width()]
            for i in range(tl.lineCount()):
                line = tl.lineAt(i)
                row += (line.textStart(), line.naturalTextWidth())
            out.append(tuple(row))
            block = block.next()
        return tuple(out)

    def _rects_near(
        self,
        spans: tuple[tuple[int, int], ...],
        lo16: int,
        hi16: int,
        lines: dict[int, _BlockLines],
    ) -> list[QRectF]:
        """:meth:`span_rects` of the parts of ``spans`` (code points) within document
        positions [lo16, hi16), found by binary search on the fragments' offsets."""
        assert self._index is not None
        m = self._index.map
        order = _spans_order(spans)
        lo, hi = m.from_view(lo16), m.from_view(hi16)
        i, j = bisect_right(order.reach, lo), bisect_left(order.starts, hi)
        out: list[QRectF] = []
        filled16 = self.fill.filled16
        for a, b in order.spans[i:j]:
            if a >= m.built:  # not cut into blocks yet: not in the document either
                break
            a16, b16 = max(m.to_view(a), lo16), min(m.to_view(min(b, m.built)), hi16, filled16)
            if b16 > a16:
                out += self._rects16(a16, b16, lines)
        return out

    def span_rects(self, a: int, b: int) -> list[QRectF]:
        """Document-coordinate rectangles covering code-point span [a, b): one per visual
        line holding a glyph of it, from the left edge of its first glyph there to the
        right edge of its last, the line's height tall. Spaces at either end of a line's
        part are left out (the space a line wraps at is drawn nowhere; a span starting
        with it would get a sliver at the end of the line above), as are line breaks."""
        if self._index is None:
            return []
        m = self._index.map
        if not self.fill.shows_text(a):  # past the fill (and maybe the text cut so far)
            return []
        start16, end16 = m.to_view(a), min(m.to_view(min(b, m.built)), self.fill.filled16)
        return self._rects16(start16, end16, {})

    def _rects16(self, start16: int, end16: int, lines: dict[int, _BlockLines]) -> list[QRectF]:
        """:meth:`span_rects` of document positions [start16, end16); ``lines`` keeps
        each block's lines between calls (the lines a span touches are found by binary
        search, not by a walk over the block's lines)."""
        doc = self.document()
        out: list[QRectF] = []
        block = doc.findBlock(start16)
        while block.isValid() and block.position() < end16:
            number = block.blockNumber()
            got = lines.get(number)
            if got is None:
                tl = block.layout()
                # (asked here, not once a span: PySide takes 0.1-0.4 ms to hand it over)
                layout = doc.documentLayout()
                origin = layout.blockBoundingRect(block).topLeft()  # lays the block out
                all_lines = [tl.lineAt(i) for i in range(tl.lineCount())]
                got = lines[number] = (origin, [ln.textStart() for ln in all_lines], all_lines)
            origin, line_starts, block_lines = got
            bpos = block.position()
            s = max(start16, bpos) - bpos
            e = min(end16, bpos + block.length() - 1) - bpos
            for i in range(max(0, bisect_right(line_starts, s) - 1), len(block_lines)):
                line = block_lines[i]
                ls = line_starts[i]
                if ls >= e:
                    break
                le = ls + line.textLength()
                if le <= s:
                    continue
                x, y = self._inked(bpos + max(s, ls), bpos + min(e, le))
                if y <= x:
                    continue
                xa = float(line.cursorToX(x - bpos)[0])  # type: ignore[index]
                xb = float(line.cursorToX(y - bpos)[0])  # type: ignore[index]
                top = origin.y() + line.y()
                out.append(
                    QRectF(
                        QPointF(origin.x() + min(xa, xb), top),
                        QPointF(origin.x() + max(xa, xb), top + line.height()),
                    )
                )
            block = block.next()
        return out

    def _inked(self, a16: int, b16: int) -> tuple[int, int]:
        """UTF-16 span [a16, b16) without the whitespace at its ends (read from the stored
        text, not the widget)."""
        assert self._index is not None
        m, text = self._index.map, self._text
        a, b = m.from_view(a16), m.from_view(b16)
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        return m.to_view(a), m.to_view(b)
