"""Text normalisation, content hashing and the code-point/UTF-16 offset helpers.

Text is normalised once, at import: BOM removed, ``\\r\\n`` and ``\\r`` to ``\\n``, Unicode NFC.
Stored offsets are Python code points; Qt counts UTF-16 code units, so the widget layer
converts with :class:`Utf16Map` (its ``to_utf16``/``from_utf16``) and nowhere else.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import overload

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
#: How much of a text a lazy :class:`Utf16Map` scans for astral characters at a time.
ASTRAL_SCAN_CHARS = 200_000
#: One character and the non-white-space run after it (:func:`normalise_with_map`'s unit).
_CHUNK = re.compile(r".\S*", re.DOTALL)


def normalise_text(text: str) -> str:
    """Normalise text the one way the project stores it (BOM off, LF line ends, NFC)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def utf8_problem(text: str) -> str | None:
    """Why ``text`` has no UTF-8 form (a one-line message), or None when it has one.

    A lone surrogate (U+D800 to U+DFFF, as a broken JSON escape such as ``"\\ud800"``
    leaves) cannot be encoded as UTF-8, so neither spaCy (it hashes tokens as UTF-8) nor
    SQLite can take it. The message counts code points from 0: ``character 14 is a lone
    surrogate (U+D800), which has no UTF-8 form``.
    """
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (
            f"character {exc.start} is a lone surrogate (U+{ord(text[exc.start]):04X}), "
            "which has no UTF-8 form"
        )
    return None


def content_hash(text: str) -> str:
    """Stable hash of normalised text, used to recognise the same article twice."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


#: The longest title taken from a text's first line (characters, "…" included).
TITLE_CHARS = 200


def title_and_body(text: str) -> tuple[str, str]:
    """Split a plain-text article: the first non-empty line is the title, cut to
    :data:`TITLE_CHARS` at a space when longer (with "…").

    The body keeps the whole text (title line included), so offsets into the stored text
    cover the headline too and quotes in the headline can be annotated. A scraped page
    flattened to one line made a title of megabytes, and the article list froze for half
    a minute painting it (issue 16).
    """
    pos = 0
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end].strip()
        if line:
            return clip_title(line), text
        pos = end + 1
    return "", text


def clip_title(title: str, limit: int = TITLE_CHARS) -> str:
    """``title`` cut to ``limit`` characters, at a space if there is one in its last
    quarter, with "…" at the end (``title`` itself when short enough)."""
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 3 // 4:
        cut = cut[:space]
    return cut.rstrip() + "…"


class Utf16Map:
    """Convert between code-point offsets and UTF-16 offsets for one text.

    Only characters outside the Basic Multilingual Plane (emoji, for instance) take two
    UTF-16 units, so the map keeps just their positions and converts in O(log n). Finding
    them is one regular-expression scan (C speed, no Python loop over the characters); a
    text without any (almost every news article) gets empty lists, so both conversions
    are the identity.

    ``lazy=True``: the text is scanned as far as the offsets asked for, a chunk of
    :data:`ASTRAL_SCAN_CHARS` at a time (a view of a 30 MB page asks for the first screen
    first); an ASCII text is never scanned (``str.isascii`` is O(1)).
    """

    def __init__(self, text: str, lazy: bool = False) -> None:
        self._text = text
        self._length = len(text)
        self._astral: list[int] = []
        # UTF-16 position of each astral character's first unit
        self._astral16: list[int] = []
        #: code points scanned so far (offsets up to it convert exactly)
        self._scanned = self._length if text.isascii() else 0
        if not lazy:
            self._scan(self._length)

    def _scan(self, upto: int) -> None:
        """Scan the text for astral characters up to code point ``upto`` (at least)."""
        upto = min(self._length, max(upto, self._scanned + ASTRAL_SCAN_CHARS))
        if upto <= self._scanned:
            return
        k = len(self._astral)
        found = [m.start() for m in _ASTRAL.finditer(self._text, self._scanned, upto)]
        self._astral += found
        self._astral16 += [i + k + j for j, i in enumerate(found)]
        self._scanned = upto

    @property
    def identity(self) -> bool:
        """True when the text scanned so far has no character outside the BMP (both maps
        are the identity there; for the whole text unless ``lazy``)."""
        return not self._astral

    def to_utf16(self, offset: int) -> int:
        """Code-point offset -> UTF-16 offset."""
        if offset > self._scanned:
            self._scan(offset)
        return offset + bisect_right(self._astral, offset - 1)

    def from_utf16(self, offset16: int) -> int:
        """UTF-16 offset -> code-point offset (an offset inside a pair rounds down)."""
        while offset16 > self._scanned + len(self._astral) and self._scanned < self._length:
            self._scan(offset16)  # the code point is at most offset16
        k = bisect_right(self._astral16, offset16 - 1)
        # if offset16 points at the second unit of a surrogate pair, round down
        if k and self._astral16[k - 1] + 1 == offset16:
            return self._astral[k - 1]
        return offset16 - k


#: The longest run of text (code points) the article view lets Qt lay out as one block.
#: Qt lays a block out whole, synchronously, and wraps a run with no space by searching it
#: for a word boundary on every line: one line of 250,000 characters took 0.24 s (sentences)
#: to 14.9 s (no space) before the window could paint (issue 16); blocks of 2,000-4,000
#: characters cost 0.4-1 us a character, no-space runs included.
BLOCK_CHARS = 3000
#: The longest block the view makes of a run with no space. Qt searches the rest of such a
#: run for a word boundary on every line it wraps, so a block of it costs its length times
#: its lines: in a 700-pixel column a megabyte cut every 3,000 characters held the event
#: loop 1.3 s at a time while it was laid out in the background; every 600, 0.42 s;
#: every 300, 0.26 s (Qt lays out up to 200,000 characters a step).
RUN_CHARS = 300
#: What Qt turns into a block separator when text goes into a QTextDocument
#: (QTextCursor::insertText): line feed, carriage return, paragraph separator, and the two
#: frame markers. Each takes one position, as in the stored text.
_QT_BREAKS = re.compile("[\n\r\u2029\ufdd0\ufdd1]")
#: The space after a sentence end (closing quotation marks or brackets allowed between).
_SENTENCE_SPACE = re.compile("[.!?\u2026][\"'\u201d\u2019\u00bb)\\]]*[ \t]")
#: The marks a sentence end starts with (see _SENTENCE_SPACE).
_SENTENCE_ENDS = ".!?\u2026"
#: The last of them in a window, in one C-level search (the greedy prefix backtracks from
#: the window's end): a Python loop over every sentence was 20-36 us a block, 0.3 s at 50 MB.
_LAST_SENTENCE_SPACE = re.compile("(?s:.*)" + _SENTENCE_SPACE.pattern)
#: Where a run with no space may still end a line in the view: after sentence punctuation
#: (Latin or CJK).
_SENTENCE_MARKS = ".!?\u2026\u3002\uff01\uff1f"
#: Spaces a view cut may take the place of (one UTF-16 unit each, drawn as nothing at the
#: end of a line). The non-breaking spaces are left alone.
_CUT_SPACES = (" ", "\t", "\u3000")


def _glued(text: str, i: int) -> bool:
    """True when a line must not start at code point ``i`` (a combining mark, a joiner or
    a variation selector would lose the character it belongs to)."""
    ch, before = text[i], text[i - 1]
    return (
        unicodedata.combining(ch) != 0
        or ch in "\u200d\u200c"
        or before == "\u200d"
        or "\ufe00" <= ch <= "\ufe0f"
        or "\U0001f3fb" <= ch <= "\U0001f3ff"
        or "\U000e0100" <= ch <= "\U000e01ef"
    )


def _soft_cut(text: str, lo: int, hi: int) -> tuple[int, bool]:
    """Where to end a view block in ``text[lo:hi]``: (code point, True) when the space
    there becomes the block separator, (code point, False) when a separator goes in before
    that character. Prefers a sentence end, then any space, then sentence punctuation in a
    run with no space, then ``hi`` (moved back off combining marks and joiners)."""
    last = -1
    # the window's end first: sentences are short, and a 50 MB line has 17,000 windows;
    # none at all when the window has no sentence end (four finds at memory speed: the
    # regular expression tried every position of 30 MB of words, 0.3 s, issue 16)
    if any(text.find(c, lo, hi) >= 0 for c in _SENTENCE_ENDS):
        for begin in (max(lo, hi - 400), lo):
            m = _LAST_SENTENCE_SPACE.match(text, begin, hi)
            if m is not None:
                last = m.end() - 1
            if last >= 0 or begin == lo:
                break
    if last < 0:
        last = max(text.rfind(sp, lo, hi) for sp in _CUT_SPACES)
    if last >= 0:
        return last, True
    return _run_cut(text, lo, hi), False


def _next_space(text: str, pos: int, end: int, window: int) -> int:
    """The first of :data:`_CUT_SPACES` in ``text[pos:end]`` (``end``: none). Looks in a
    window growing fourfold from ``window``: a paragraph of sentences finds one in the
    first, a run with no space costs its length once (three finds run at memory speed, a
    regex at a tenth of it; each to ``end`` would read a 10 MB paragraph at every block)."""
    while True:
        stop = min(end, pos + window)
        space = text.find(" ", pos, stop)
        if space >= 0:
            stop = space  # the others only before it
        found = [i for i in (text.find(c, pos, stop) for c in _CUT_SPACES[1:]) if i >= 0]
        if found:
            return min(found)
        if space >= 0:
            return space
        if stop == end:
            return end
        window *= 4


def _cut_run(
    text: str, pos: int, limit: int, run_chars: int, marks: Sequence[str], out: list[int]
) -> int:
    """Cut a run with no space from ``pos`` on as :func:`_run_cut` does, while the cut
    starts at or before ``limit``; the cuts go to ``out``. Returns where the last one is.
    One pass in a tight loop: 10 MB with no space is 33,000 cuts."""
    half = run_chars // 2
    rfind = text.rfind
    # most runs hold one kind of sentence mark or none: no generator and max() a cut then
    # (a third of the time to cut 50 MB with no space)
    one = marks[0] if len(marks) == 1 else ""
    while pos <= limit:
        lo, hi = pos + half, pos + run_chars
        if one:
            last = rfind(one, lo, hi - 1) + 1
        elif marks:
            last = max(rfind(mark, lo, hi - 1) for mark in marks) + 1
        else:
            last = 0
        if last > lo and (text[last] < "\u0300" > text[last - 1] or not _glued(text, last)):
            pos = last
        elif text[hi] < "\u0300" > text[hi - 1]:  # neither a mark nor a joiner: no check
            pos = hi
        else:
            pos = _run_cut(text, lo, hi, ())
        out.append(pos)
    return pos


def _run_cut(text: str, lo: int, hi: int, marks: Sequence[str] = _SENTENCE_MARKS) -> int:
    """Where to put a separator in ``text[lo:hi]``, a run with no space: after the last
    sentence punctuation (one of ``marks``) before ``hi - 1``, else at ``hi`` (moved back
    off combining marks and joiners)."""
    last = max((text.rfind(mark, lo, hi - 1) for mark in marks), default=-1) + 1
    if last > lo and not _glued(text, last):
        return last
    at = hi
    while at > lo + 1 and _glued(text, at):
        at -= 1
    return at


class ViewText:
    """The stored text as a view's QTextDocument holds it, and the offsets between them.

    Qt lays out each block (paragraph) whole and at once, so a paragraph longer than
    ``block_chars`` is shown as several blocks: a block separator (U+2029) takes the place
    of a space near a sentence end, which keeps every position; a run with no space at all
    gets a separator put in every ``run_chars`` at most (after sentence punctuation where
    there is some), which moves the positions after it by one. Raises ValueError unless
    ``2 <= run_chars <= block_chars``. :meth:`to_view` / :meth:`from_view` convert code points
    of the stored text to positions in the document (UTF-16 units plus the separators put
    in) and back, in O(log n); they are the identity for a text of short paragraphs with no
    character outside the Basic Multilingual Plane.

    ``lazy=True``: the text is cut into blocks only as far as :meth:`extend` (or
    :meth:`extend_blocks`) asks, in text order; the lists below then hold the blocks cut so
    far, and grow (the same list objects) as it goes on. The cuts are the same as those of
    the whole text cut at once. A view shows the first screen of a 30 MB page after cutting
    its first 50,000 characters, not all of it (0.4 s on the window's thread, issue 16).
    The conversions cut as far as the offset they are given first (correct, but a far
    offset costs the cutting up to it: callers of a lazy map ask within :attr:`built`).

    Attributes:
        text: the stored text.
        replaced: code points of the spaces that became separators (ascending).
        inserted: code points before which a separator was put in (ascending).
        block_starts16: document position of every block's first character (ascending,
            starting with 0): after each line break of the text and each cut.
        block_starts: the same as indices in :attr:`display` (code points).
        soft_breaks: indices in :attr:`display` (code points) of the separators the view
            made (ascending).
        built: the code point where the last block cut so far starts (the blocks before it
            are final; offsets up to it convert exactly without cutting more); the text's
            length once :attr:`complete`.
        complete: True when the whole text is cut (always, unless ``lazy``).
    """

    def __init__(
        self,
        text: str,
        block_chars: int = BLOCK_CHARS,
        run_chars: int = RUN_CHARS,
        lazy: bool = False,
    ) -> None:
        if not 2 <= run_chars <= block_chars:
            raise ValueError(f"need 2 <= run_chars ({run_chars}) <= block_chars ({block_chars})")
        self.text = text
        self._block_chars, self._run_chars = block_chars, run_chars
        self._u16 = Utf16Map(text, lazy=True)
        self.replaced: list[int] = []
        self.inserted: list[int] = []
        self.soft_breaks: list[int] = []
        self.block_starts: list[int] = [0]
        self.block_starts16: list[int] = [0]
        # display index and document position of each inserted separator
        self._ins_d: list[int] = []
        self._ins16: list[int] = []
        # Qt breaks other than "\n" are rare: a text without them is split by str.find
        # "\r" is ASCII: an ASCII text may hold it too (a project edited by hand; review21 R9)
        self._rare = "\r" in text or (
            not text.isascii() and any(ch in text for ch in "\u2029\ufdd0\ufdd1")
        )
        self._cr = "\r" in text
        # the cutting's state: the paragraph being cut ends at _end (-1: not looked for
        # yet); the first space at or after built (_space; the paragraph's end: none
        # left) and the sentence marks of the run up to it (_marks)
        self._end = -1
        self._space = -1
        self._marks: list[str] = []
        self.built = 0
        self.complete = False
        self.extend(0 if lazy else len(text))

    # -- cutting -----------------------------------------------------------------------------

    def extend(self, limit: int) -> None:
        """Cut the text into blocks at least as far as code point ``limit``: afterwards
        :attr:`built` >= ``limit`` or :attr:`complete`. Costs the text cut, about 10 ns a
        character of words (a run with no space is slower)."""
        text, bc, rc = self.text, self._block_chars, self._run_chars
        n = len(text)
        while not self.complete and (self.built < limit or self.built == n):
            pos, end = self.built, self._end
            if end < 0:  # a new paragraph: find its end
                end = self._end = self._next_break(pos)
            space, marks = self._space, self._marks
            while end - pos > bc and pos < limit:
                if space < pos:
                    space = _next_space(text, pos, end, bc)
                    # the sentence marks the run up to it holds (most runs: one or none)
                    marks = [c for c in _SENTENCE_MARKS if text.find(c, pos, space) >= 0]
                if space >= pos + bc:
                    # inside a run with no space: no window has one, so only sentence
                    # punctuation or the run length can end a block (the same cuts as below,
                    # without searching 3,000 characters for spaces at every step: a
                    # megabyte with no space took 0.07-0.19 s here, issue 16)
                    run_limit = min(space, end - 1) - bc  # >= pos: one cut at least
                    cuts: list[int] = []
                    pos = _cut_run(text, pos, min(run_limit, limit), rc, marks, cuts)
                    for c in cuts:
                        self._insert(c)
                    continue
                at, replace = _soft_cut(text, pos + bc // 2, pos + bc)
                if not replace:  # no space in the window: cut a run with no space shorter
                    at, replace = _soft_cut(text, pos + rc // 2, pos + rc)
                if replace:
                    self._replace(at)
                    pos = at + 1
                else:
                    self._insert(at)
                    pos = at
            self.built, self._space, self._marks = pos, space, marks
            if end - pos > bc:
                break  # limit reached inside the paragraph
            # the paragraph's last block runs to its end: the break after it, or the text's
            if end >= n:
                self.built, self.complete = n, True
                break
            k = len(self.inserted)
            self.block_starts.append(end + k + 1)
            self.block_starts16.append(self._u16.to_utf16(end + 1) + k)
            self.built, self._end, self._space, self._marks = end + 1, -1, -1, []

    def extend_blocks(self, blocks: int) -> None:
        """Cut the text until its first ``blocks`` blocks are final (the start of block
        ``blocks`` is known) or it is all cut."""
        while not self.complete and len(self.block_starts) <= blocks:
            self.extend(self.built + 1)

    def _next_break(self, pos: int) -> int:
        """The first character at or after ``pos`` Qt makes a block separator of (the
        text's length: none)."""
        if self._rare:  # one regex search
            m = _QT_BREAKS.search(self.text, pos)
            return len(self.text) if m is None else m.start()
        at = self.text.find("\n", pos)  # str.find runs at memory speed, a regex at a fifth
        return len(self.text) if at < 0 else at

    def _replace(self, c: int) -> None:
        """The space at code point ``c`` becomes a block separator."""
        k = len(self.inserted)
        self.replaced.append(c)
        self.soft_breaks.append(c + k)
        self.block_starts.append(c + k + 1)
        self.block_starts16.append(self._u16.to_utf16(c) + k + 1)

    def _insert(self, c: int) -> None:
        """A block separator goes in before code point ``c``."""
        k = len(self.inserted)
        at16 = self._u16.to_utf16(c) + k
        self.inserted.append(c)
        self._ins_d.append(c + k)
        self._ins16.append(at16)
        self.soft_breaks.append(c + k)
        self.block_starts.append(c + k + 1)
        self.block_starts16.append(at16 + 1)

    # -- what goes into the document ---------------------------------------------------------

    @property
    def display(self) -> str:
        """What goes into the document: ``text`` with the cuts (block separators in place
        of the spaces cut and of each carriage return, and put in before the inserted
        cuts). Cuts the whole text first."""
        self.extend(len(self.text))
        return self.display_slice(0, self.display_length)

    @property
    def display_length(self) -> int:
        """``len(display)`` (cuts the whole text first)."""
        self.extend(len(self.text))
        return len(self.text) + len(self.inserted)

    def display_slice(self, d0: int, d1: int) -> str:
        """``display[d0:d1]``, made from the text and the cuts between (the cut so far:
        ``d1`` at most ``block_starts[-1]`` unless :attr:`complete`)."""
        soft, ins_d, text = self.soft_breaks, self._ins_d, self.text
        out: list[str] = []
        pos = d0
        k = bisect_left(soft, d0)
        while True:
            end = soft[k] if k < len(soft) and soft[k] < d1 else d1
            if end > pos:
                c = pos - bisect_left(ins_d, pos)  # code point of display index pos
                out.append(text[c : c + end - pos])
            if end >= d1:
                break
            out.append("\u2029")
            pos, k = end + 1, k + 1
        got = "".join(out) if len(out) != 1 else out[0]
        return got.replace("\r", "\u2029") if self._cr else got

    # -- offsets -------------------------------------------------------------------------------

    @property
    def identity(self) -> bool:
        """True when every code point is one document position (no character outside the
        BMP, no separator put in; in a lazy map: as far as it is cut)."""
        return self._u16.identity and not self.inserted

    def to_view(self, offset: int) -> int:
        """Code point of the stored text -> position in the document. At a separator put
        in, the position after it (the start of the next block)."""
        if offset > self.built:
            self.extend(offset)
        return self._u16.to_utf16(offset) + bisect_right(self.inserted, offset)

    def from_view(self, position: int) -> int:
        """Position in the document -> code point of the stored text (inside a surrogate
        pair: the pair's start; at a separator put in, the code point it comes before)."""
        starts16 = self.block_starts16
        while position > starts16[-1] and not self.complete:
            self.extend(self.built + self._block_chars)
        k = bisect_right(self._ins16, position - 1)
        return self._u16.from_utf16(position - k)

    @property
    def block_count(self) -> int:
        """How many blocks the document has (in a lazy map: the blocks cut so far, the
        last one open until :attr:`complete`)."""
        return len(self.block_starts16)

    def view_end(self, blocks: int) -> int:
        """The document position (UTF-16) where the first ``blocks`` blocks end: before the
        break that follows them, or the document's end when they are all of it."""
        self.extend_blocks(blocks)
        if blocks < self.block_count:
            return self.block_starts16[blocks] - 1
        return self.to_view(len(self.text))


class OffsetMap(Sequence[int]):
    """Old offset -> new offset for a text whose normalisation only dropped characters.

    Piecewise: from ``starts[k]`` on, offsets move by ``shifts[k]`` (a negative number, the
    characters dropped so far: a BOM, the ``\\r`` of each ``\\r\\n``). Memory is one entry
    per dropped character, not one per character of the text; lookup is O(log n).
    """

    def __init__(self, length: int, starts: list[int], shifts: list[int]) -> None:
        self._length = length  # number of old offsets (len(old text) + 1)
        self._starts = starts
        self._shifts = shifts

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> list[int]: ...

    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        k = bisect_right(self._starts, index) - 1
        return index + (self._shifts[k] if k >= 0 else 0)


def _cr_map(text: str, bom: int) -> tuple[str, OffsetMap]:
    """Normalise an NFC text that only needs its BOM and CRs handled (no per-char map)."""
    starts, shifts = [0], [0]
    if bom:
        starts.append(1)
        shifts.append(-1)
    dropped = bom
    pos = text.find("\r\n", bom)
    while pos != -1:
        dropped += 1
        starts.append(pos + 1)  # the \n takes the place of the dropped \r
        shifts.append(-dropped)
        pos = text.find("\r\n", pos + 2)
    out = text[bom:].replace("\r\n", "\n").replace("\r", "\n")
    return out, OffsetMap(len(text) + 1, starts, shifts)


def normalise_with_map(text: str) -> tuple[str, Sequence[int]]:
    """Normalise like :func:`normalise_text` and map every old offset to its new offset.

    Returns ``(normalised, new_offset)`` where ``new_offset[i]`` is the position in the
    normalised text of original offset ``i`` (``len(text) + 1`` entries), so spans of
    annotated files that were not normalised keep pointing at the same characters.

    A text already in NFC (the usual case) costs one C-level check and, for a BOM or CRLF
    line ends, one map entry per dropped character (:class:`OffsetMap`). Only texts that
    NFC changes are walked word by word (NFC never composes across white space), and only
    words that change pay for a per-character map.
    """
    bom = 1 if text.startswith("\ufeff") else 0
    if unicodedata.is_normalized("NFC", text):
        return _cr_map(text, bom)
    mapping: list[int] = []
    out: list[str] = []
    pos = 0  # length of the output so far
    i = 0
    n = len(text)
    if bom:
        mapping.append(0)
        i = 1
    # a chunk is one character and the run of non-white-space characters after it, up to
    # (not including) the next white space character (regex \s is str.isspace)
    for match in _CHUNK.finditer(text, i):
        chunk = match.group()
        j = match.end()
        if chunk == "\r" and j < n and text[j] == "\n":
            mapping.append(pos)  # the \r of a \r\n disappears into the \n
            continue
        if chunk.startswith("\r"):
            chunk = "\n" + chunk[1:]
        norm = unicodedata.normalize("NFC", chunk)
        if norm == chunk:
            mapping.extend(range(pos, pos + len(chunk)))
        else:
            mapping.extend(
                pos + len(unicodedata.normalize("NFC", chunk[:k])) for k in range(len(chunk))
            )
        out.append(norm)
        pos += len(norm)
    mapping.append(pos)
    return "".join(out), mapping
