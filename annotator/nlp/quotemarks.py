"""Quotation marks: find the quoted stretches of a text, paragraph by paragraph.

Pure text functions, no spaCy. The scanner pairs double quotation marks (straight, curly,
low-9, guillemets and the NYT's two apostrophes ``''``) inside each paragraph. Single quotes
are left alone: inside a double quote they are nested quotes, elsewhere they are mostly
apostrophes. A paragraph whose marks do not pair degrades on its own (its stray mark is
dropped); the rest of the article is unaffected, unlike extractors that give up on the
whole text (PRODUCT.md, lessons from textacy).

A quote that runs over several paragraphs follows the print convention: each continuation
paragraph opens with a quotation mark and the previous paragraph does not close.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

# ``'''`` is a nested single quote next to an NYT double mark; it is split below.
_MARK_RE = re.compile(r"'''|''|[\"“”„‟«»]")
_OPENERS = frozenset("“„‟«")
_CLOSERS = frozenset("”»")
_OPEN_BEFORE = frozenset("([{—–-/‘'")  # characters after which an ambiguous mark opens
_PARA_RE = re.compile(r"[^\n]+")
_TAG_RE = re.compile(r"<[^<>\n]{1,3000}>")
_INCH_RE = re.compile(r"\d['’]\d{1,2}\Z")  # 6'3" is a height, not a quotation mark


@dataclass(frozen=True)
class Mark:
    """One double quotation mark: where it is and what role its context gives it."""

    start: int
    end: int
    role: str  # "open", "close" or "either"


@dataclass(frozen=True)
class Segment:
    """A stretch of text between paired double quotation marks, marks included.

    ``open_end`` is False when the paragraph ends before a closing mark (the quote goes on
    in the next paragraph, or the closing mark is missing); ``continued`` is True when this
    segment continues a quote left open by the previous paragraph.
    """

    start: int
    end: int
    paragraph: int
    open_end: bool = False
    continued: bool = False


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Character ranges of the non-empty lines of ``text`` (one paragraph per line)."""
    out = []
    for m in _PARA_RE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append((start, end))
    return out


def _role(text: str, start: int, end: int) -> str:
    mark = text[start:end]
    if mark in _OPENERS:
        return "open"
    if mark in _CLOSERS:
        return "close"
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    opens = before.isspace() or before in _OPEN_BEFORE or before in _OPENERS
    closes = after.isspace() or after in ",.;:?!)]}—–-'’" or after in _CLOSERS
    if opens and not after.isspace() and not closes:
        return "open"
    if closes and not before.isspace() and not opens:
        return "close"
    return "either"


def find_marks(text: str, start: int = 0, end: int | None = None) -> list[Mark]:
    """The double quotation marks of ``text[start:end]`` with their contextual role."""
    stop = len(text) if end is None else end
    marks = []
    # quotation marks of markup attributes (<tweet author="...">) are not quotes
    # (sorted and disjoint: the one tag that can hold a mark is the last one opening before it)
    tags = [(t.start(), t.end()) for t in _TAG_RE.finditer(text, start, stop)]
    tag_starts = [ta for ta, _tb in tags]
    for m in _MARK_RE.finditer(text, start, stop):
        a, b = m.start(), m.end()
        k = bisect_left(tag_starts, a) - 1
        if k >= 0 and a < tags[k][1]:
            continue
        if text[a] == '"' and _INCH_RE.search(text, max(0, a - 4), a):
            continue
        if b - a == 3:
            # ''' : a single quote plus an NYT double mark; which side depends on context.
            before = text[a - 1] if a > 0 else " "
            if before.isspace() or before in _OPEN_BEFORE:
                b = a + 2
            else:
                a = a + 1
        elif b - a == 2 and a > 0 and text[a - 1].isalnum() and b < len(text) and text[b].isalnum():
            continue  # two apostrophes inside a word are not a quotation mark
        marks.append(Mark(a, b, _role(text, a, b)))
    return marks


def _opens_with_mark(text: str, para: tuple[int, int]) -> bool:
    start = para[0]
    return bool(_MARK_RE.match(text, start)) and _role(text, start, start + 1) != "close"


def find_segments(text: str) -> list[Segment]:
    """Every quoted stretch of ``text``, in order, one Segment per paragraph piece."""
    paras = paragraphs(text)
    out: list[Segment] = []
    carried = False  # the previous paragraph left a quote open that this one continues
    for pi, (pstart, pend) in enumerate(paras):
        open_at: int | None = None
        continued = False
        if carried:
            marks = find_marks(text, pstart, pend)
            # the continuation paragraph's own opening mark restarts the quote
            open_at = marks[0].start if marks else pstart
            marks = marks[1:]
            continued = True
        else:
            marks = find_marks(text, pstart, pend)
        carried = False
        for mark in marks:
            if open_at is None:
                if mark.role != "close":
                    open_at = mark.start
                continue  # a stray closing mark: degrade, drop it
            if mark.role == "open":
                # a second opener: the first never closed. Keep the later one.
                open_at = mark.start
                continued = False
                continue
            out.append(Segment(open_at, mark.end, pi, continued=continued))
            open_at = None
            continued = False
        if open_at is not None:
            nxt = paras[pi + 1] if pi + 1 < len(paras) else None
            if nxt is not None and _opens_with_mark(text, nxt):
                out.append(Segment(open_at, pend, pi, open_end=True, continued=continued))
                carried = True
            elif pend - open_at > 1:
                # unbalanced: the quote runs to the paragraph end at most
                out.append(Segment(open_at, pend, pi, open_end=True, continued=continued))
    return out


def group_runs(segments: list[Segment]) -> list[list[Segment]]:
    """Join segments that continue each other over paragraph breaks into runs."""
    runs: list[list[Segment]] = []
    for seg in segments:
        if seg.continued and runs and runs[-1][-1].open_end:
            runs[-1].append(seg)
        else:
            runs.append([seg])
    return runs
