"""Text helpers of the annotation session: word-boundary grow/shrink, trimming, name scan.

All offsets are code points into the article text (HOUSE_STYLE "offsets").
"""

from __future__ import annotations

import re

from annotator.core.model import Span

#: Words for grow/shrink: a word (with inner apostrophes or hyphens) or a run of punctuation.
WORD_RE = re.compile(r"\w+(?:['’\-]\w+)*|[^\w\s]+")
#: Words for grow/shrink when quotation marks are left out (project setting
#: ``quote_marks_inside`` off): a word and the ``.?!…`` ending its sentence, never a mark
#: or the comma before one, so a press always moves by a real word (an emoji or other
#: symbol run counts as a word).
BARE_WORD_RE = re.compile(r"\w+(?:['’\-]\w+)*[.?!…]*|[^\w\s\"“”„‟«»‘’',;:.?!…()\[\]{}—–\-]+")
#: Capitalised word runs, a cheap stand-in for person and organisation names (no model).
NAME_RE = re.compile(
    r"\b[A-Z][\w’'\-]*[a-z][\w’'\-]*(?:\s+(?:(?:de|van|von|bin|al|da|del)\s+)?"
    r"[A-Z][\w’'\-]*[a-z][\w’'\-]*){1,3}"
)
_NAME_STOP = frozenset(
    {
        *("The", "A", "An", "In", "On", "At", "For", "And", "But", "Earlier", "Later"),
        *("Meanwhile", "However", "This", "That", "These", "Those", "Mr", "Mrs", "Ms", "Dr"),
        *("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        *("January", "February", "March", "April", "May", "June", "July", "August"),
        *("September", "October", "November", "December"),
    }
)


def _word_re(marks_inside: bool) -> re.Pattern[str]:
    return WORD_RE if marks_inside else BARE_WORD_RE


def _words(text: str, start: int, end: int, marks_inside: bool = True) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _word_re(marks_inside).finditer(text, start, end)]


def grow_end(
    text: str, spans: tuple[Span, ...], marks_inside: bool = True
) -> tuple[Span, ...] | None:
    """The quote with the next word after its end added (None at the end of the text).

    With ``marks_inside`` False the word is a bare word (:data:`BARE_WORD_RE`): the closing
    mark and the comma before it are skipped, as the project's guidelines leave them out.
    """
    a, b = spans[-1]
    m = _word_re(marks_inside).search(text, b)
    if m is None:
        return None
    return (*spans[:-1], (a, m.end()))


def shrink_end(
    text: str, spans: tuple[Span, ...], marks_inside: bool = True
) -> tuple[Span, ...] | None:
    """The quote without its last word (a one-word last fragment is dropped)."""
    a, b = spans[-1]
    words = _words(text, a, b, marks_inside)
    if len(words) <= 1:
        return spans[:-1] if len(spans) > 1 else None
    return (*spans[:-1], (a, words[-2][1]))


def grow_start(
    text: str, spans: tuple[Span, ...], marks_inside: bool = True
) -> tuple[Span, ...] | None:
    """The quote with the word before its start added (None at the start of the text)."""
    a, b = spans[0]
    words = _words(text, max(0, a - 400), a, marks_inside)
    if not words:
        words = _words(text, 0, a, marks_inside)
    if not words:
        return None
    return ((words[-1][0], b), *spans[1:])


def shrink_start(
    text: str, spans: tuple[Span, ...], marks_inside: bool = True
) -> tuple[Span, ...] | None:
    """The quote without its first word (a one-word first fragment is dropped)."""
    a, b = spans[0]
    words = _words(text, a, b, marks_inside)
    if len(words) <= 1:
        return spans[1:] if len(spans) > 1 else None
    return ((words[1][0], b), *spans[1:])


RESIZERS = {
    "grow_end": grow_end,
    "shrink_end": shrink_end,
    "grow_start": grow_start,
    "shrink_start": shrink_start,
}


def trim_span(text: str, start: int, end: int) -> Span:
    """A selection without the white space at its ends."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def name_candidates(text: str) -> list[str]:
    """Capitalised multi-word runs of ``text`` (likely person and organisation names)."""
    seen: dict[str, None] = {}
    for m in NAME_RE.finditer(text):
        words = m.group(0).split()
        while words and words[0] in _NAME_STOP:
            words = words[1:]
        if len(words) >= 2:
            seen.setdefault(" ".join(words), None)
    return list(seen)


def quoted(text: str, start: int, end: int) -> bool:
    """True when the span sits inside (or starts and ends with) quotation marks."""
    marks = "\"“”«»„'‘’"
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    inside = text[start:end]
    return (any(c in marks for c in before) and any(c in marks for c in after)) or (
        len(inside) > 1 and inside[0] in marks and inside[-1] in marks
    )
