"""Text normalisation, content hashing and the code-point/UTF-16 offset helpers.

Text is normalised once, at import: BOM removed, ``\\r\\n`` and ``\\r`` to ``\\n``, Unicode NFC.
Stored offsets are Python code points; Qt counts UTF-16 code units, so the widget layer
converts with :class:`Utf16Map` (its ``to_utf16``/``from_utf16``) and nowhere else.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_right
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


def title_and_body(text: str) -> tuple[str, str]:
    """Split a plain-text article: the first non-empty line is the title.

    The body keeps the whole text (title line included), so offsets into the stored text
    cover the headline too and quotes in the headline can be annotated.
    """
    for line in text.split("\n"):
        if line.strip():
            return line.strip(), text
    return "", text


class Utf16Map:
    """Convert between code-point offsets and UTF-16 offsets for one text.

    Only characters outside the Basic Multilingual Plane (emoji, for instance) take two
    UTF-16 units, so the map keeps just their positions and converts in O(log n). Finding
    them is one regular-expression scan (C speed, no Python loop over the characters); a
    text without any (almost every news article) gets empty lists, so both conversions
    are the identity.
    """

    def __init__(self, text: str) -> None:
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        # UTF-16 position of each astral character's first unit
        self._astral16 = [i + k for k, i in enumerate(self._astral)]
        self._length = len(text)

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
