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
    """

    def __init__(self, text: str) -> None:
        self._astral = [] if text.isascii() else [m.start() for m in _ASTRAL.finditer(text)]
        # UTF-16 position of each astral character's first unit
        self._astral16 = [i + k for k, i in enumerate(self._astral)]
        self._length = len(text)

    @property
    def identity(self) -> bool:
        """True when the text has no character outside the BMP (both maps are identity)."""
        return not self._astral

    def to_utf16(self, offset: int) -> int:
        """Code-point offset -> UTF-16 offset."""
        return offset + bisect_right(self._astral, offset - 1)

    def from_utf16(self, offset16: int) -> int:
        """UTF-16 offset -> code-point offset (an offset inside a pair rounds down)."""
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
#: The last of them in a window, in one C-level search (the greedy prefix backtracks from
#: the window's end): a Python loop over every sentence was 20-36 us a block, 0.3 s at 50 MB.
_LAST_SENTENCE_SPACE = re.compile("(?s:.*)" + _SENTENCE_SPACE.pattern)
#: Where a run with no space may still end a line in the view: after sentence punctuation
#: (Latin or CJK).
_SENTENCE_MARKS = ".!?\u2026\u3002\uff01\uff1f"
#: Spaces a view cut may take the place of (one UTF-16 unit each, drawn as nothing at the
#: end of a line). The non-breaking spaces are left alone.
_CUT_SPACES = (" ", "\t", "\u3000")


def _qt_breaks(text: str) -> list[int]:
    """Code points of the characters Qt makes block separators of, ascending."""
    if any(ch in text for ch in "\r\u2029\ufdd0\ufdd1"):  # rare: one regex pass
        return [m.start() for m in _QT_BREAKS.finditer(text)]
    out = []
    pos = text.find("\n")
    while pos >= 0:  # str.find runs at memory speed, a regex scan at a fifth of it
        out.append(pos)
        pos = text.find("\n", pos + 1)
    return out


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
    # the window's end first: sentences are short, and a 50 MB line has 17,000 windows
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

    Attributes:
        text: the stored text.
        display: what goes into the document (``text`` with the cuts), a ``str``.
        replaced: code points of the spaces that became separators (ascending).
        inserted: code points before which a separator was put in (ascending).
        block_starts16: document position of every block's first character (ascending,
            starting with 0): after each line break of the text and each cut.
        block_starts: the same as indices in ``display`` (code points).
        soft_breaks: indices in ``display`` (code points) of the separators the view
            made (ascending).
    """

    def __init__(
        self, text: str, block_chars: int = BLOCK_CHARS, run_chars: int = RUN_CHARS
    ) -> None:
        if not 2 <= run_chars <= block_chars:
            raise ValueError(f"need 2 <= run_chars ({run_chars}) <= block_chars ({block_chars})")
        self.text = text
        self._u16 = Utf16Map(text)
        self.replaced: list[int] = []
        self.inserted: list[int] = []
        hard = _qt_breaks(text)
        start = 0
        for end in [*hard, len(text)]:
            pos = start
            space = -1  # the first space at or after pos (end: none left in the paragraph)
            marks: list[str] = []
            while end - pos > block_chars:
                if space < pos:
                    space = _next_space(text, pos, end, block_chars)
                    # the sentence marks the run up to it holds (most runs: one or none)
                    marks = [c for c in _SENTENCE_MARKS if text.find(c, pos, space) >= 0]
                if space >= pos + block_chars:
                    # inside a run with no space: no window has one, so only sentence
                    # punctuation or the run length can end a block (the same cuts as below,
                    # without searching 3,000 characters for spaces at every step: a
                    # megabyte with no space took 0.07-0.19 s here, issue 16)
                    limit = min(space, end - 1) - block_chars
                    pos = _cut_run(text, pos, limit, run_chars, marks, self.inserted)
                    continue
                at, replace = _soft_cut(text, pos + block_chars // 2, pos + block_chars)
                if not replace:  # no space in the window: cut a run with no space shorter
                    at, replace = _soft_cut(text, pos + run_chars // 2, pos + run_chars)
                if replace:
                    self.replaced.append(at)
                    pos = at + 1
                else:
                    self.inserted.append(at)
                    pos = at
            start = end + 1
        ins = self.inserted
        self.display = self._display(hard)
        self.soft_breaks = sorted(
            [c + bisect_left(ins, c) for c in self.replaced] + [c + k for k, c in enumerate(ins)]
        )
        firsts = [i + bisect_left(ins, i) + 1 for i in hard] + [p + 1 for p in self.soft_breaks]
        self.block_starts = [0, *sorted(firsts)]
        if self._u16.identity:  # one UTF-16 unit a character: positions are display indices
            self._ins16 = [c + k for k, c in enumerate(ins)]
            self.block_starts16 = self.block_starts
            return
        # view position of each inserted separator
        self._ins16 = [self._u16.to_utf16(c) + k for k, c in enumerate(ins)]
        soft = sorted([self.to_view(c) for c in self.replaced] + [self.to_view(c) - 1 for c in ins])
        starts = [self.to_view(i + 1) for i in hard] + [p + 1 for p in soft]
        self.block_starts16 = [0, *sorted(starts)]

    def _display(self, hard: list[int]) -> str:
        text = self.text
        if not self.replaced and not self.inserted and "\r" not in text:
            return text
        # (code point, characters of the text the cut takes the place of: 1 or 0)
        cuts = [(c, 1) for c in self.replaced] + [(c, 0) for c in self.inserted]
        cuts += [(i, 1) for i in hard if text[i] == "\r"]  # Qt joins "\r\n" into one break
        cuts.sort()
        # the pieces between the cuts, joined by separators (one comprehension and join:
        # a loop of appends was half the time to cut 50 MB with no space)
        froms = [0, *(at + width for at, width in cuts)]
        tos = [at for at, _ in cuts]
        tos.append(len(text))
        return "\u2029".join([text[a:b] for a, b in zip(froms, tos)])

    def to_view(self, offset: int) -> int:
        """Code point of the stored text -> position in the document. At a separator put
        in, the position after it (the start of the next block)."""
        return self._u16.to_utf16(offset) + bisect_right(self.inserted, offset)

    def from_view(self, position: int) -> int:
        """Position in the document -> code point of the stored text (inside a surrogate
        pair: the pair's start; at a separator put in, the code point it comes before)."""
        k = bisect_right(self._ins16, position - 1)
        return self._u16.from_utf16(position - k)

    @property
    def block_count(self) -> int:
        """How many blocks the document has."""
        return len(self.block_starts16)

    def view_end(self, blocks: int) -> int:
        """The document position (UTF-16) where the first ``blocks`` blocks end: before the
        break that follows them, or the document's end when they are all of it."""
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
