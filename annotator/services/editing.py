"""Text helpers of the annotation session: word-boundary grow/shrink, trimming, name scan.

All offsets are code points into the article text (HOUSE_STYLE "offsets").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import islice

from annotator.core.model import Span

#: Words for grow/shrink: a word (with inner apostrophes or hyphens) or a run of punctuation.
WORD_RE = re.compile(r"\w+(?:['’\-]\w+)*|[^\w\s]+")
#: Words for grow/shrink when quotation marks are left out (project setting
#: ``quote_marks_inside`` off): a word and the ``.?!…`` ending its sentence, never a mark
#: or the comma before one, so a press always moves by a real word (an emoji or other
#: symbol run counts as a word).
BARE_WORD_RE = re.compile(r"\w+(?:['’\-]\w+)*[.?!…]*|[^\w\s\"“”„‟«»‘’',;:.?!…()\[\]{}—–\-]+")
#: A capitalised word with a lower-case letter after its capital. The look-ahead and the
#: possessive run match what ``[A-Z][\w’'\-]*[a-z][\w’'\-]*`` does in time linear in the
#: word: that form backtracked over every split of a long word, so a text with no space
#: (a flattened scraped page) took 2 s at 10,000 characters and 30 s at 40,000 (issue 16).
_NAME_WORD = r"[A-Z](?=[\w’'\-]*?[a-z])[\w’'\-]*+"
#: Capitalised word runs, a cheap stand-in for person and organisation names (no model).
NAME_RE = re.compile(
    rf"\b{_NAME_WORD}(?:\s+(?:(?:de|van|von|bin|al|da|del)\s+)?{_NAME_WORD}){{1,3}}"
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
    """The quote with the next word after its end added (None at the end of the text or
    of its paragraph: a word past a line break belongs to the next paragraph).

    With ``marks_inside`` False the word is a bare word (:data:`BARE_WORD_RE`): the closing
    mark and the comma before it are skipped, as the project's guidelines leave them out.
    """
    a, b = spans[-1]
    m = _word_re(marks_inside).search(text, b)
    if m is None or "\n" in text[b : m.start()]:
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
    """The quote with the word before its start added (None at the start of the text or
    of its paragraph: a word before a line break belongs to the paragraph before)."""
    a, b = spans[0]
    words = _words(text, max(0, a - 400), a, marks_inside)
    if not words:
        words = _words(text, 0, a, marks_inside)
    if not words or "\n" in text[words[-1][1] : a]:
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


#: Why a word step of a quote's edge was refused (the status bar says it; short, so it fits
#: beside the bar's other fields on a 1366-pixel screen).
AT_TEXT_END = "Not grown: the quote ends at the end of the text."
AT_TEXT_START = "Not grown: the quote starts at the start of the text."
AT_PARAGRAPH_END = "Not grown: the quote ends at its paragraph's end."
AT_PARAGRAPH_START = "Not grown: the quote starts at its paragraph's start."
INTO_OTHER_QUOTE = "Not grown: that word belongs to another quote."
INTO_OWN_SOURCE = "Not grown: that word is this quote's speaker or cue."
LAST_WORD = "Not shrunk: one word is left (R rejects the quote)."


def _overlaps(added: Span, others: Sequence[tuple[Span, ...]]) -> bool:
    a, b = added
    return any(x < b and a < y for spans in others for x, y in spans)


def resize(
    text: str,
    spans: tuple[Span, ...],
    which: str,
    marks_inside: bool = True,
    others: Sequence[tuple[Span, ...]] = (),
    own: Sequence[tuple[Span, ...]] = (),
) -> tuple[tuple[Span, ...] | None, str]:
    """One word step of a quote's edge (``which`` is a key of :data:`RESIZERS`), kept inside
    the quote's paragraph, off the ``others`` quotes' fragments and off the quote's ``own``
    speaker and cue spans (code-point spans): content never covers its own source or cue,
    which the exports would otherwise write inside the quote text (tester20 U1).

    Returns ``(spans, "")`` for the new fragments, or ``(None, why)`` with a sentence for
    the status bar when the step is refused. Raises KeyError for another ``which``.
    """
    new = RESIZERS[which](text, spans, marks_inside)
    if new is None:
        return None, _why_not(text, spans, which, marks_inside)
    if which == "grow_end":
        added = (spans[-1][1], new[-1][1])
    elif which == "grow_start":
        added = (new[0][0], spans[0][0])
    else:
        return new, ""
    if _overlaps(added, own):
        return None, INTO_OWN_SOURCE
    if _overlaps(added, others):
        return None, INTO_OTHER_QUOTE
    return new, ""


def _why_not(text: str, spans: tuple[Span, ...], which: str, marks_inside: bool) -> str:
    if which == "grow_end":
        more = _word_re(marks_inside).search(text, spans[-1][1]) is not None
        return AT_PARAGRAPH_END if more else AT_TEXT_END
    if which == "grow_start":
        more = bool(_words(text, 0, spans[0][0], marks_inside))
        return AT_PARAGRAPH_START if more else AT_TEXT_START
    return LAST_WORD


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


def snap_to_words(text: str, start: int, end: int) -> Span:
    """Widen ``[start, end)`` to whole words: an end inside a word moves to that word's edge.

    A mouse drag that starts one letter late or stops one letter short still takes the word
    (issue 10). Words are :data:`WORD_RE` matches (a run of punctuation counts as a word);
    white space at either end is dropped. Offsets are code points; returns ``(start, end)``
    with ``start <= end``.
    """
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    if start < end:
        for m in WORD_RE.finditer(text, max(0, start - 200), start + 1):
            if m.start() < start < m.end():
                start = m.start()
                break
        for m in WORD_RE.finditer(text, max(0, end - 200), min(len(text), end + 200)):
            if m.start() < end < m.end():
                end = m.end()
                break
    return trim_span(text, start, end)


def merge_spans(spans: tuple[Span, ...], extra: Span) -> tuple[Span, ...]:
    """``spans`` plus ``extra``, sorted, overlapping or touching fragments joined."""
    out: list[Span] = []
    for a, b in sorted((*spans, extra)):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return tuple(out)


def fragment_at(spans: tuple[Span, ...], pos: int) -> int | None:
    """Index of the fragment holding code point ``pos`` (its end counts too), or None."""
    for i, (a, b) in enumerate(spans):
        if a <= pos <= b:
            return i
    return None


def move_edge(text: str, spans: tuple[Span, ...], which: str, pos: int) -> tuple[Span, ...] | None:
    """The quote with its ``which`` edge (``start`` or ``end``) moved to code point ``pos``.

    ``pos`` snaps out to the edge of the word it falls in (:func:`snap_to_words`). Returns
    None when the move would empty or turn over the first (or last) fragment. Raises
    ValueError for another ``which``.
    """
    if not spans:
        return None
    if which == "start":
        first_a, first_b = spans[0]
        if pos >= first_b:
            return None
        a = snap_to_words(text, pos, first_b)[0]
        return ((a, first_b), *spans[1:]) if a < first_b else None
    if which == "end":
        last_a, last_b = spans[-1]
        if pos <= last_a:
            return None
        b = snap_to_words(text, last_a, pos)[1]
        return (*spans[:-1], (last_a, b)) if b > last_a else None
    raise ValueError(f"unknown edge {which!r} (start or end)")


#: The most search hits one article gives (a word in every line of a 30 MB page gave
#: 6,000,000: 6.4 s to find and mark, verify21 V10); the window says when it stops there.
MAX_HITS = 100_000


def search_hits(text: str, query: str, limit: int = MAX_HITS) -> list[Span]:
    """Where the words of ``query`` occur in ``text``, as code-point spans in text order,
    at most ``limit`` of them (the first).

    Matches whole words, ignoring case, like the article list's full-text search (SQLite
    FTS5's ``unicode61`` tokenizer matches whole tokens, case-folded).
    """
    words = [re.escape(w.strip('"')) for w in query.split() if w.strip('"')]
    if not words:
        return []
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.IGNORECASE)
    found = ((m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start())
    return list(islice(found, limit))


def word_step(text: str, pos: int, step: int) -> int:
    """The caret after one word step from code point ``pos``: ``step`` 1 goes to the end of
    the next word, -1 to the start of the previous one (clamped to the text)."""
    if step > 0:
        m = WORD_RE.search(text, pos)
        return m.end() if m is not None else len(text)
    words = _words(text, max(0, pos - 400), pos) or _words(text, 0, pos)
    return words[-1][0] if words else 0
