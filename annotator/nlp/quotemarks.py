"""Quotation marks: find the quoted stretches of a text, paragraph by paragraph.

Pure text functions, no spaCy. The scanner pairs double quotation marks (straight, curly,
low-9, guillemets and the NYT's two apostrophes ``''``) inside each paragraph. Single quotes
(``‘…’`` and straight ``'…'``) are the quotation marks of a paragraph without double
marks, or of one whose double marks all sit inside single ones (British and Australian
style puts them outside, ``‘He said “never”,’ she said.``); inside a double quote they
are nested quotes. Apostrophes are told apart from them by their letters: a mark between two
letters (``it’s``, ``O’Neill``), before a decade (``’90s``) or in a short elision
(``rock 'n' roll``, ``'em``) never opens or closes a quote, and a possessive ``workers’``
closes one only when no better closing mark follows. A paragraph whose marks do not pair
degrades on its own (its stray mark is dropped); the rest of the article is unaffected,
unlike extractors that give up on the whole text (PRODUCT.md, lessons from textacy).

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
    if _MARK_RE.match(text, start):
        return _role(text, start, start + 1) != "close"
    return _single_opens(text, start, para[1]) and _outer_single(
        text, start, para[1], find_marks(text, start, para[1])
    )


def paragraph_marks(text: str, start: int, end: int) -> list[Mark]:
    """The outer quotation marks of the paragraph ``text[start:end]``: its double marks,
    or its single ones when they are the outer marks (:func:`_outer_single`)."""
    doubles = find_marks(text, start, end)
    if _outer_single(text, start, end, doubles):
        return find_single_marks(text, start, end)
    return doubles


def _outer_single(text: str, start: int, end: int, doubles: list[Mark]) -> bool:
    """Are single marks the outer quotation marks of ``text[start:end]``?

    True without double marks; with them, when every double mark sits inside a pair of
    single ones (British and Australian style: ``‘When people say “it can’t be done”, I
    point to Wales,’ he said.``): the double marks are then a quote nested in the quote.
    American style nests the other way (``"The sign said 'closed'," she said.``): False.
    """
    if not doubles:
        return True
    if "‘" not in text[start:end] and "'" not in text[start:end]:
        return False
    singles = find_single_marks(text, start, end)
    pairs = [(singles[i].start, singles[i + 1].end) for i in range(0, len(singles) - 1, 2)]
    if len(singles) % 2:
        pairs.append((singles[-1].start, end))  # a quote going on in the next paragraph
    return bool(pairs) and all(any(a < m.start and m.end <= b for a, b in pairs) for m in doubles)


_SINGLE = frozenset("‘’'")
# elisions written with a leading apostrophe: 'em, 'til, 'cause, 'n', '90s
_ELISION_RE = re.compile(r"(?:em|til|till|cause|tis|twas|n|round|bout|\d0s|\d\d)\b", re.I)
_WEAK_AFTER = frozenset(" \u00a0")


def _single_opens(text: str, i: int, end: int) -> bool:
    """Can the single mark at ``i`` open a quote (not an apostrophe or elision)?"""
    if text[i] not in "‘'":
        return False
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < end else " "
    if not (before.isspace() or before in '([{—–-/"“„«:'):
        return False
    if after.isspace() or not (after.isalnum() or after in '“"(…'):
        return False
    return not _ELISION_RE.match(text, i + 1, end)


def _single_closes(text: str, i: int, end: int) -> str:
    """How the single mark at ``i`` closes a quote: "strong", "weak" (``workers’``) or ""."""
    if text[i] not in "’'" or i == 0:
        return ""
    before = text[i - 1]
    after = text[i + 1] if i + 1 < end else " "
    if before.isspace() or after.isalnum():
        return ""  # it’s, O’Neill, ’90s: inside or in front of a word
    if before in ',.?!;:—–-…”")':
        return "strong"
    if before in "sS" and after in _WEAK_AFTER and i + 2 < end and text[i + 2].isalnum():
        return "weak"  # "the workers’ union": most likely a possessive
    return "strong"


def find_single_marks(text: str, start: int, end: int) -> list[Mark]:
    """Single quotation marks used as the outer marks of ``text[start:end]``, paired.

    Returns alternating open and close marks (a final open mark when the quote goes on in
    the next paragraph). A possessive closes a quote only when no other closing mark
    follows before the next opening one; a pair with fewer than two letters inside
    (``'n'``) is an elision, not a quote.
    """
    out: list[Mark] = []
    i = start
    while i < end:
        if text[i] not in _SINGLE or not _single_opens(text, i, end):
            i += 1
            continue
        opener = i
        weak: int | None = None
        close: int | None = None
        j = i + 1
        while j < end:
            ch = text[j]
            if ch in _SINGLE and text[j - 1].isspace():
                elision = _ELISION_RE.match(text, j + 1, end)
                if elision is not None:  # "rock 'n' roll", "the '90s" inside the quote
                    j = elision.end()
                    if j < end and text[j] in _SINGLE and text[j - 1] == "n":
                        j += 1
                    continue
            if ch in _SINGLE:
                kind = _single_closes(text, j, end)
                if kind == "strong":
                    close = j
                    break
                if kind == "weak" and weak is None:
                    weak = j
                elif not kind and _single_opens(text, j, end) and weak is not None:
                    break  # a new quote opens: the possessive closed this one
            j += 1
        if close is None:
            close = weak
        if close is None:
            out.append(Mark(opener, opener + 1, "open"))
            break
        inner = text[opener + 1 : close]
        if sum(ch.isalpha() for ch in inner) >= 2:
            out.extend((Mark(opener, opener + 1, "open"), Mark(close, close + 1, "close")))
        i = close + 1
    return out


def find_segments(text: str) -> list[Segment]:
    """Every quoted stretch of ``text``, in order, one Segment per paragraph piece."""
    paras = paragraphs(text)
    out: list[Segment] = []
    carried = False  # the previous paragraph left a quote open that this one continues
    for pi, (pstart, pend) in enumerate(paras):
        open_at: int | None = None
        continued = False
        marks = paragraph_marks(text, pstart, pend)
        if carried:
            # the continuation paragraph's own opening mark restarts the quote
            open_at = marks[0].start if marks else pstart
            marks = marks[1:]
            continued = True
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


#: What may stand between two runs in marks that are one list of words: "and", "or".
_COORDINATED = re.compile(r"[ \t\u00a0]*,?[ \t\u00a0]*(?:and|or)[ \t\u00a0]+")


def join_coordinated(text: str, runs: list[list[Segment]]) -> list[list[Segment]]:
    """Runs joined by a bare ``and``/``or`` in one paragraph become one run.

    ``chanting "We are Orlando" and "Disarm hate."``, ``alternately shouting "Get out"
    or "Be nice"``: the words in marks are one list said by one source, which PolNeAR
    annotates as one quote (train: such pairs were one gold quote; the second run was
    lost or a quote of its own). The first run must not end its sentence inside the
    marks, and nothing but the conjunction (a comma before it at most) stands between.
    Reads only the gap between two runs.
    """
    out: list[list[Segment]] = []
    for run in runs:
        if out:
            last = out[-1][-1]
            first = run[0]
            if (
                last.paragraph == first.paragraph
                and not last.open_end
                and not first.continued
                and first.start - last.end <= 8
                and _COORDINATED.fullmatch(text, last.end, first.start) is not None
                and not any(ch in text[max(last.start, last.end - 3) : last.end] for ch in ".?!")
            ):
                out[-1] = out[-1] + run
                continue
        out.append(run)
    return out


#: Characters a direct quote's edge loses when marks are left out: the marks themselves
#: and the punctuation the print convention puts before a closing mark (``,`` ``;`` ``:``
#: and dashes). A final ``.``, ``?``, ``!`` or ``…`` belongs to the quoted sentence and stays.
_EDGE_MARKS = "\"“”„‟«»‘’'"
_TRAILING = ",;:—–-"


def strip_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """``text[start:end]`` (a quoted fragment) without its quotation marks.

    Removes one opening mark (``''`` counts as one) and the white space after it, one
    closing mark and the ``,;:`` or dash before it. Only marks at the very edges go: a
    nested quote inside (``“He said ‘no’ twice”``) stays. Returns the new range, never
    empty (a fragment that would vanish is returned unchanged).
    """
    a, b = start, end
    if text.startswith("''", a) and b - a > 2:
        a += 2
    elif a < b and text[a] in _EDGE_MARKS:
        a += 1
    if b - 2 >= a and text[b - 2 : b] == "''":
        b -= 2
    elif b > a and text[b - 1] in _EDGE_MARKS:
        b -= 1
    while a < b and text[a].isspace():
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in _TRAILING):
        b -= 1
    return (a, b) if b > a else (start, end)


_CLOSING_MARKS = "\"”’'»"


def strip_closing_mark(text: str, start: int, end: int) -> tuple[int, int]:
    """``text[start:end]`` (a mixed quote's last fragment) without the closing mark that
    ends it and the ``,;:`` or dash printed before that mark.

    ``the deal was "a step backwards,"`` becomes ``the deal was "a step backwards``: the
    edge follows the project's marks setting as a direct quote's does; the opening mark
    inside stays (it is no edge). Unchanged when the fragment does not end with a closing
    mark (``"rotten" to the core``), or would vanish.
    """
    b = end
    if b - 2 > start and text[b - 2 : b] == "''":
        b -= 2
    elif b - 1 > start and text[b - 1] in _CLOSING_MARKS:
        b -= 1
    else:
        return start, end
    while b > start and (text[b - 1].isspace() or text[b - 1] in _TRAILING):
        b -= 1
    return (start, b) if b > start else (start, end)
