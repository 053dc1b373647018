"""The article view's quote highlighting: state colours, legend, span index, highlighter."""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Sequence

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from annotator.core.text import ViewText
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
# the order entries are painted in a block: (not rejected, start, end, item key as
# annotations-first rank and id, piece): plain ints, compared in C (Item.order)
_Order = tuple[bool, int, int, int, int, int]
_Placed = tuple[_Order, Entry]


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


#: Above this many entries leaving or entering one block in one change, the block's list
#: is filtered or merged in one pass instead of one bisect and insert per entry.
SMALL_PATCH = 16


class SpanIndex:
    """Code-point spans of the items, cut into per-block pieces (document positions: UTF-16
    units plus the separators :class:`ViewText` put in).

    The text's :class:`ViewText` is lazy: it is cut into blocks as the view's fill goes on
    (cutting 30 MB at once held the window 0.4-1.5 s, issue 16); a span past the part cut
    so far has the text cut as far as it first."""

    def __init__(self, text: str) -> None:
        #: the text as the view's document holds it: positions and blocks (lazy)
        self.map = ViewText(text, lazy=True)
        #: the map's list, growing as the text is cut
        self.block_starts16 = self.map.block_starts16
        self._pieces: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
        self._entries: dict[tuple[object, ...], list[tuple[int, Entry]]] = {}
        # block -> (paint order, entry), sorted: what build and replace keep
        self._ordered: dict[int, list[tuple[_Order, Entry]]] = {}

    def pieces(self, a: int, b: int) -> list[tuple[int, int, int]]:
        """(block, start16 in block, length16) pieces of code-point span [a, b).

        Remembered per span for the life of the index (one article), so rebuilding the
        index after one quote changed costs a lookup per unchanged span."""
        got = self._pieces.get((a, b))
        if got is None:
            got = self._pieces[(a, b)] = self._cut(a, b)
        return got

    @property
    def length16(self) -> int:
        """The document's length in positions (cuts the whole text first)."""
        return self.map.to_view(len(self.map.text))

    def _cut(self, a: int, b: int) -> list[tuple[int, int, int]]:
        m = self.map
        if b > m.built:  # past the text cut so far (rare: spans come as the fill reaches)
            m.extend(b)
        if m.identity:  # as far as it is cut: up to b
            a16, b16 = a, b
        else:
            to16 = m.to_view
            a16, b16 = to16(a), to16(b)
        starts = self.block_starts16
        n = len(starts)
        blk = bisect_right(starts, a16) - 1
        if blk < 0:
            blk = 0
        if blk + 1 < n and b16 < starts[blk + 1] and a16 >= starts[blk]:
            # inside one block (almost every span): no loop
            return [(blk, a16 - starts[blk], b16 - a16)] if b16 > a16 else []
        out = []
        while blk < n:
            bs = starts[blk]
            if bs >= b16:
                break
            be = starts[blk + 1] - 1 if blk + 1 < n else self.length16
            s = a16 if a16 > bs else bs
            e = b16 if b16 < be else be
            if e > s:
                out.append((blk, s - bs, e - s))
            blk += 1
        return out

    def build(self, items: Sequence[Item]) -> dict[int, list[Entry]]:
        """Block number -> the entries painted there, for ``items``.

        Rejected items come first in each block so live quotes paint over them where they
        overlap; otherwise text order. Each item's entries are remembered by its state and
        spans, so rebuilding after a change cuts only the changed items again. The index
        is kept: :meth:`replace` then patches it.
        """
        # what _placed makes, item by item, without a list per item (20,000 quotes)
        ordered: dict[int, list[_Placed]] = {}
        get = ordered.get
        entries_of = self._item_entries
        for it in items:
            state = it.state
            live = state != REJECTED
            start, end, rank, ident = it.order
            for n, (blk, entry) in enumerate(entries_of(it, state)):
                placed = ((live, start, end, rank, ident, n), entry)
                got = get(blk)
                if got is None:
                    ordered[blk] = [placed]
                else:
                    got.append(placed)
        self._ordered = ordered
        for entries in ordered.values():
            entries.sort()
        return {blk: [e for _, e in got] for blk, got in ordered.items()}

    def replace(
        self, removed: Sequence[Item], added: Sequence[Item], index: dict[int, list[Entry]]
    ) -> set[int]:
        """Take ``removed`` items out of the index :meth:`build` made and put ``added`` in;
        update ``index`` (the highlighter's) for the blocks they touch and return those
        whose entries differ now (a new stance, kind, speaker name or note paints the same:
        no block is returned, and none is repainted).

        Costs the blocks of the changed items, not the article's other quotes.
        """
        gone: dict[int, set[_Placed]] = {}
        come: dict[int, list[_Placed]] = {}
        for it in removed:
            for blk, placed in self._placed(it):
                gone.setdefault(blk, set()).add(placed)
        for it in added:
            for blk, placed in self._placed(it):
                come.setdefault(blk, []).append(placed)
        touched = set(gone) | set(come)
        for blk in touched:
            got = self._ordered.setdefault(blk, [])
            out = gone.get(blk, set())
            if len(out) > SMALL_PATCH:  # thousands of quotes on one span: one pass
                got[:] = [p for p in got if p not in out]
            else:
                for placed in out:  # O(log m) each, ties in text order included
                    i = bisect_left(got, placed)
                    if i < len(got) and got[i] == placed:
                        del got[i]
            new = come.get(blk, [])
            if len(new) > SMALL_PATCH:
                got.extend(new)
                got.sort()  # timsort merges the two sorted runs
            else:
                for placed in new:
                    insort(got, placed)
        changed: set[int] = set()
        for blk in touched:
            before = index.get(blk)
            now = self._ordered.get(blk)
            if now:
                index[blk] = [e for _, e in now]
            else:
                self._ordered.pop(blk, None)
                index.pop(blk, None)
            # a block repainted is laid out again, and Qt then walks every block after it
            # (1.1 ms for the first of 2,000 paragraphs) even when its formats are the same
            if index.get(blk) != before:
                changed.add(blk)
        return changed

    def _placed(self, it: Item) -> list[tuple[int, _Placed]]:
        """(block, (paint order, entry)) of the item's pieces."""
        state = it.state
        live = state != REJECTED
        start, end, rank, ident = it.order
        return [
            (blk, ((live, start, end, rank, ident, n), entry))
            for n, (blk, entry) in enumerate(self._item_entries(it, state))
        ]

    def _item_entries(self, it: Item, state: str) -> list[tuple[int, Entry]]:
        """(block, entry) of the item's pieces: content, then cue, then speaker (``state``:
        the item's, asked once by the caller)."""
        q = it.quote
        memo_key = (state, q.content_spans, q.cue_spans, q.speaker_spans)
        got = self._entries.get(memo_key)
        if got is not None:
            return got
        out: list[tuple[int, Entry]] = []
        # cut straight (the item's entries are remembered whole just below; remembering
        # each span's pieces as well cost more than cutting it, 20,000 quotes at open)
        pieces = self._cut
        for spans, key in (
            (q.content_spans, state),
            (q.cue_spans, "cue"),
            (q.speaker_spans, "speaker"),
        ):
            if state == REJECTED and key != state:
                continue
            for a, b in spans:
                for blk, s, n in pieces(a, b):
                    out.append((blk, (s, n, key)))
        self._entries[memo_key] = out
        return out


class QuoteHighlighter(QSyntaxHighlighter):
    """Paints quote states, speakers and cues from a block -> entries index."""

    def __init__(self, document: QTextDocument) -> None:
        # a child of its document, deleted with it: one highlighter per article shown
        super().__init__(document)
        self.index: dict[int, list[Entry]] = {}
        self._formats = _formats()

    def highlightBlock(self, text: str) -> None:  # noqa: N802  (Qt override)
        formats = self._formats
        set_format = self.setFormat
        for start, length, key in self.index.get(self.currentBlock().blockNumber(), ()):
            fmt = formats[key]
            if key in ("speaker", "cue"):
                # keep the quote's background under a speaker or cue inside it; outside
                # any quote (most speakers: 'Name said, "..."') there is nothing to keep
                under = self.format(start)
                if under.propertyCount():
                    merged = QTextCharFormat(under)
                    merged.merge(fmt)
                    fmt = merged
            set_format(start, length, fmt)

    def repaint_blocks(self, blocks: set[int]) -> None:
        """Repaint these blocks (their entries in :attr:`index` changed)."""
        doc = self.document()
        for blk in sorted(blocks):
            block = doc.findBlockByNumber(blk)
            if block.isValid():
                self.rehighlightBlock(block)

    def changed_blocks(self, index: dict[int, list[Entry]]) -> set[int]:
        """The blocks whose entries differ between :attr:`index` and ``index``."""
        old = self.index
        return {blk for blk in set(old) | set(index) if old.get(blk) != index.get(blk)}

    def update_index(self, index: dict[int, list[Entry]]) -> None:
        """Swap the index and repaint only the blocks whose entries changed."""
        changed = self.changed_blocks(index)
        self.index = index
        self.repaint_blocks(changed)
