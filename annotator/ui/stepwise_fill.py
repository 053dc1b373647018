"""A long text goes into a view's QTextDocument by steps, so no step holds the event loop
for long (issue 16); the article view and the review window each own one :class:`StepwiseFill`.

The text comes as a :class:`ViewText` (over-long paragraphs cut into blocks), which may be
lazy: each step cuts the text as far as it puts in (a 30 MB page is not cut whole before
its first screen shows). At once go
the blocks up to :data:`FILL_FIRST_CHARS`, or up to a position the window wants on screen
(the current quote) when it lies within :data:`FILL_FIRST_MAX`; the rest goes in a block
range per turn of the event loop, each range sized to about :data:`FILL_STEP_SECONDS` of
work (put in, painted by the highlighter and laid out) from the pace of the steps before.
Between fill steps it repaints, in the same sized ranges, blocks whose highlights changed
(:meth:`StepwiseFill.restyle`): one repainted block makes Qt lay out every block after it
again, so thousands of them repainted one by one held the event loop for seconds.
"""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QSyntaxHighlighter, QTextBlockFormat, QTextCursor, QTextDocument

from annotator.core.text import ViewText

#: A text goes into the document at once up to this many characters (almost every news
#: article); past it the document is filled in steps.
FILL_FIRST_CHARS = 50_000
#: How far into the text the first step may reach to show a wanted position at once: the
#: first paint lays out everything above what it shows (0.3-0.5 us a character).
FILL_FIRST_MAX = 150_000
#: How long one later step aims to hold the event loop (s). The step's size follows the
#: time the steps before took, so a narrow column, a large zoom or a text with no space
#: (slower to lay out) get smaller steps.
FILL_STEP_SECONDS = 0.025
#: Bounds of a later step, in characters of the text.
FILL_STEP_MIN, FILL_STEP_MAX = 3_000, 400_000

#: (format of a paragraph's block, of a block the view cut out of a long paragraph)
BlockFormats = tuple[QTextBlockFormat, QTextBlockFormat]


def not_on_screen_line(done: int, total: int, keys: str = "A, R and the other quote keys") -> str:
    """The status line for a key refused because the quote it acts on is past the part of
    the text put in so far (``done`` of ``total`` code points); ``keys``: the keys that
    wait."""
    return (
        f"The current quote is not on screen yet: the article's text is still being put "
        f"in ({done * 100 // max(total, 1)}%). {keys} work once it shows."
    )


def quotes_not_read_line(keys: str = "A, R and the other quote keys", count: int = 0) -> str:
    """The status line for a key refused because the open article's quotes (its many
    suggestions, read off the window's thread) are not on screen yet; ``count``: how
    many are being read (0: not said)."""
    many = f"{count:,} " if count else ""
    return (
        f"The quotes are not on screen yet: the article's {many}suggestions are still being "
        f"read. {keys} work once they show."
    )


class StepwiseFill(QObject):
    """Fills a document with a :class:`ViewText` by steps and says how far it got.

    Positions are document positions (UTF-16 units plus the separators the view put in),
    blocks are the ViewText's block numbers. ``before_put(b0, b1)`` is called before
    blocks ``b0`` to ``b1`` (exclusive) go in (the article view adds the highlights of the
    quotes they hold then); ``on_screen()`` gives the range of blocks on screen (end
    exclusive), whose repaints go first; ``limit(b0, b1)`` may lower the end ``b1`` of a
    later step (at least ``b0 + 1``: the article view keeps the quotes a step paints
    bounded).
    """

    #: (code points of the text in the document, of the whole text): after each step
    filling = Signal(int, int)
    #: the whole text is in the document (also for a text put in at once)
    filled = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        formats: Callable[[], BlockFormats] | None = None,
        before_put: Callable[[int, int], None] | None = None,
        on_screen: Callable[[], tuple[int, int]] | None = None,
        limit: Callable[[int, int], int] | None = None,
    ) -> None:
        super().__init__(parent)
        self._formats = formats
        self._before_put = before_put
        self._on_screen = on_screen
        self._limit = limit
        self.shown = ViewText("")
        #: the document holds blocks [0, blocks) of :attr:`shown`, up to position filled16
        self.blocks = 1
        self.filled16 = 0
        self._cursor: QTextCursor | None = None
        # characters a later step takes, and the pace (characters a second, 0: none
        # yet) of the steps before: one pair for putting in, one for repainting (about
        # ten times slower a character: Qt lays out the range again and moves the rest)
        self._pace = {"put": [FILL_FIRST_CHARS, 0.0], "restyle": [FILL_STEP_MIN, 0.0]}
        self._restyled_last = False  # the last step repainted: the next one puts in
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._step)
        #: what waits for the fill: (position it needs, True: a code point of the text,
        #: False: a document position; what to do then)
        self._waiting: tuple[int, bool, Callable[[], None]] | None = None
        # blocks in the document to repaint, ascending, and the highlighter to do it
        self._stale: list[int] = []
        self._highlighter: QSyntaxHighlighter | None = None
        self._said_filled = False

    # -- filling -----------------------------------------------------------------------------

    def start(self, doc: QTextDocument, shown: ViewText, first: int = -1) -> None:
        """Stop the fill before and put ``shown`` into the empty ``doc``: its first
        ``first`` blocks now (-1: all, the text cut whole first); :meth:`go` then puts the
        rest in at later turns of the event loop."""
        self.stop()
        self.shown = shown
        self._pace = {"put": [FILL_FIRST_CHARS, 0.0], "restyle": [FILL_STEP_MIN, 0.0]}
        cursor = QTextCursor(doc)
        if self._formats is not None:
            cursor.setBlockFormat(self._formats()[0])
        self._cursor = cursor
        self._said_filled = False
        self.blocks, self.filled16 = 1, 0
        if shown.text:
            if first < 0:
                shown.extend(len(shown.text))
            self._put(0, shown.block_count if first < 0 else max(1, first))

    def go(self) -> None:
        """After :meth:`start` (and what the caller does with the first blocks): say that
        all is in (:attr:`filled`, at once), or go on at the next turn of the event loop."""
        if self.is_filled() and not self._stale:
            self._cursor = None
            self._timer.stop()
            if not self._said_filled:  # once a text (not again after a repaint)
                self._said_filled = True
                self.filled.emit()
        else:
            self._timer.start(0)

    def stop(self) -> None:
        """Put nothing more in (a new text comes, or a note in place of one); forget what
        waited for the fill and the blocks to repaint."""
        self._timer.stop()
        self._cursor = None
        self._waiting = None
        self._stale = []
        self.shown = ViewText("")
        self.blocks, self.filled16 = 1, 0

    @staticmethod
    def first_blocks(shown: ViewText, position16: int = -1) -> int:
        """How many blocks of ``shown`` go in at once: those up to :data:`FILL_FIRST_CHARS`,
        or up to ``position16`` (and the block after it) when that lies within
        :data:`FILL_FIRST_MAX` characters. Cuts a lazy ``shown`` that far (``position16``:
        a position of the text cut so far)."""
        shown.extend(FILL_FIRST_CHARS)
        starts = shown.block_starts
        blocks = max(1, bisect_left(starts, FILL_FIRST_CHARS))
        if position16 >= 0:
            blk = bisect_right(shown.block_starts16, position16) - 1  # the block holding it
            if starts[blk] <= FILL_FIRST_MAX:
                blocks = max(blocks, blk + 2)
        shown.extend_blocks(blocks)
        return min(blocks, shown.block_count)

    def is_filled(self) -> bool:
        """True when the document holds the whole text."""
        return self.shown.complete and self.blocks >= self.shown.block_count

    def shows16(self, position16: int) -> bool:
        """True when the document reaches document position ``position16``."""
        return position16 <= self.filled16

    def shows_text(self, offset: int) -> bool:
        """True when the document reaches code point ``offset`` of the text (as
        ``shows16(shown.to_view(offset))``, without cutting a lazy text past the fill)."""
        shown = self.shown
        return offset <= shown.built and shown.to_view(offset) <= self.filled16

    def filled_part(self) -> tuple[int, int]:
        """(code points of the text in the document, length of the text)."""
        return self.shown.from_view(self.filled16), len(self.shown.text)

    def after(self, position16: int, act: Callable[[], None]) -> None:
        """Do ``act`` now when the document reaches ``position16``, else once it does (in
        place of anything waiting before: the latest wish wins)."""
        if position16 <= self.filled16:
            self._waiting = None
            act()
        else:
            self._waiting = (position16, False, act)

    def after_text(self, offset: int, act: Callable[[], None]) -> None:
        """:meth:`after` for code point ``offset`` of the text (a far one in a lazy text
        waits without cutting the text that far)."""
        if self.shows_text(offset):
            self._waiting = None
            act()
        else:
            self._waiting = (offset, True, act)

    def _reached(self) -> bool:
        """True when what waits (:meth:`after`) can be done now."""
        assert self._waiting is not None
        pos, in_text, _act = self._waiting
        return self.shows_text(pos) if in_text else pos <= self.filled16

    def waits(self) -> bool:
        """True while something waits for the fill to reach it (see :meth:`after`)."""
        return self._waiting is not None

    def _put(self, b0: int, b1: int) -> None:
        """Append blocks ``b0`` to ``b1`` (exclusive) at the fill cursor (the end of a
        document holding blocks 0 to ``b0``)."""
        cursor = self._cursor
        assert cursor is not None
        shown = self.shown
        shown.extend_blocks(b1)  # a lazy text: cut as far as the blocks going in
        n = shown.block_count
        b1 = min(b1, n)
        if self._before_put is not None:
            self._before_put(b0, b1)
        display, soft, starts = shown.display_slice, shown.soft_breaks, shown.block_starts
        d0 = starts[b0]
        d1 = starts[b1] - 1 if b1 < n else shown.display_length
        if self._formats is None:  # no formats to set: the separators make the blocks
            cursor.insertText(display(d0 - 1 if b0 else 0, d1))
        else:
            fmt, cut = self._formats()
            if b0 > 0:
                cursor.insertBlock(fmt)  # the break before block b0
            k = bisect_left(soft, d0)
            pos = d0
            while k < len(soft) and soft[k] < d1:
                cursor.insertText(display(pos, soft[k]))
                cursor.setBlockFormat(cut)
                cursor.insertBlock(fmt)
                pos = soft[k] + 1
                k += 1
            cursor.insertText(display(pos, d1))
            if k < len(soft) and soft[k] == d1:  # the last block put in is one the view cut
                cursor.setBlockFormat(cut)
        self.blocks = b1
        self.filled16 = shown.view_end(b1)

    def _step(self) -> None:
        """Repaint or put in the next blocks (about :data:`FILL_STEP_SECONDS` of work),
        then do what waited for them; or say that all is in."""
        cursor = self._cursor
        putting = cursor is not None and not self.is_filled()
        if self._stale and not (putting and self._restyled_last):
            # repaint and put in by turns: neither waits for the other to end
            self._restyled_last = True
            self._restyle_step()
            self._timer.start(0)
            return
        self._restyled_last = False
        if cursor is None or not putting:
            self.go()
            return
        t = time.perf_counter()
        shown, b0 = self.shown, self.blocks
        starts = shown.block_starts
        want = starts[b0] + int(self._pace["put"][0])
        shown.extend(want)  # a lazy text: cut as far as this step goes (part of its time)
        b1 = max(b0 + 1, bisect_left(starts, want))
        if self._limit is not None:
            b1 = max(b0 + 1, min(b1, self._limit(b0, b1)))
        cursor.beginEditBlock()  # one change: the highlighter and the layout see it once
        self._put(b0, b1)
        cursor.endEditBlock()
        self._paced("put", self._chars_of(b0, self.blocks), time.perf_counter() - t)
        waiting = self._waiting
        if waiting is not None and self._reached():
            self._waiting = None
            waiting[2]()
        self.filling.emit(*self.filled_part())
        self.go()

    def _chars_of(self, b0: int, b1: int) -> int:
        starts = self.shown.block_starts
        return (starts[b1] if b1 < len(starts) else self.shown.display_length) - starts[b0]

    def _paced(self, kind: str, chars: int, spent: float) -> None:
        """Size the next step of ``kind`` ("put", "restyle") from this one: characters a
        second, the geometric mean with the steps before (one step slowed by another
        program on the 2 shared cores does not make the next ones tiny, nor a fast one
        huge)."""
        pace = self._pace[kind]
        rate = chars / max(spent, 1e-4)
        pace[1] = rate if pace[1] <= 0 else (pace[1] * rate) ** 0.5
        size = int(pace[1] * FILL_STEP_SECONDS)
        pace[0] = max(FILL_STEP_MIN, min(FILL_STEP_MAX, 2 * int(pace[0]), size))

    # -- repainting --------------------------------------------------------------------------

    def restyle(
        self, highlighter: QSyntaxHighlighter, blocks: set[int], now: tuple[int, int] = (0, 0)
    ) -> None:
        """Repaint ``blocks`` (their highlights changed) that are in the document: those in
        block range ``now`` (what is on screen) at once, the rest by steps, nearest the
        start first. Blocks not in yet are painted as they go in."""
        self._highlighter = highlighter
        lo, hi = now
        stale = set(self._stale) | {b for b in blocks if b < self.blocks}
        at_once = sorted(b for b in stale if lo <= b < hi)
        if at_once:
            self._repaint(at_once)
        self._stale = sorted(stale.difference(at_once))
        if self._stale:
            self._timer.start(0)

    def stale(self) -> list[int]:
        """Blocks in the document waiting to be repainted (ascending)."""
        return list(self._stale)

    def _restyle_step(self) -> None:
        """Repaint the next stale blocks within one step's characters: those on screen
        first (the analyst scrolled to them), else from the start."""
        stale, starts = self._stale, self.shown.block_starts
        i = 0
        if self._on_screen is not None:
            lo, hi = self._on_screen()
            j = bisect_left(stale, lo)
            if j < len(stale) and stale[j] < hi:
                i = j
        first = stale[i]
        k = bisect_left(stale, bisect_left(starts, starts[first] + self._pace["restyle"][0]))
        k = max(i + 1, k)
        part, self._stale = stale[i:k], stale[:i] + stale[k:]
        t = time.perf_counter()
        self._repaint(part)
        self._paced("restyle", self._chars_of(part[0], part[-1] + 1), time.perf_counter() - t)

    def _repaint(self, blocks: list[int]) -> None:
        """Repaint ``blocks`` (ascending) as one change: Qt lays out the range they span
        once, not every block after each of them."""
        hl = self._highlighter
        if hl is None:
            return
        doc = hl.document()
        cursor = QTextCursor(doc)
        cursor.beginEditBlock()
        for blk in blocks:
            block = doc.findBlockByNumber(blk)
            if block.isValid():
                hl.rehighlightBlock(block)
        cursor.endEditBlock()
