"""Checks every importer applies to an article row and its quotes before they are stored.

The schema (:mod:`annotator.core.schema`) decides what a quote *is*; these rules decide what
a valid quote may *bring into a project* and what the report must say about it
(tester18 T1, T2). Each rule keeps what it can and says what it changed, one short note
per quote (values cut to :data:`SHOWN` characters, never printed whole):

- **speaker mention**: ``speaker_text`` is the text under ``speaker_spans`` (fragments
  joined by a space, as the brat and Prodigy readers always did). A quote with spans and no
  text gets it, silently (the format allows leaving it out); a text that differs from the
  spans' text (whitespace normalised) is replaced by it, with a note naming both: the spans
  are what the window draws, scores and trains on, so the two can never be allowed to say
  different things. Extra keys ``cue_text``, ``quote_text`` and ``content_text`` (other
  tools write them) are kept only when they are the text under their spans; the exports
  compute those texts from the spans. A ``speaker_text`` with no ``speaker_spans`` (a source
  the article does not name, "the ministry") is held to the rules of ``speaker_name``
  below: over :data:`MAX_NAME` characters or with a control or bidi-override character it
  is left out with a note.
- **fragments**: repeated or overlapping fragments of one span list are merged (a set of
  character positions, as the scorer reads them), with a note. Content fragments separated
  only by whitespace are joined into one (a converter that writes one fragment per token
  gives a 300-word quote 300 fragments), with one note per quote, in a quote of more than
  :data:`JOIN_OVER` fragments (a few fragments are kept as given: a quote split at the
  paragraph breaks it crosses exports and imports unchanged); fragments that touch, or
  are separated by anything else (``"A," she said, "B."``), stay apart. A span list still
  holding more than :data:`MAX_FRAGMENTS` fragments *refuses the quote* (a QuoteError line
  naming the file, the line and the count): no quote is told in that many pieces, and each
  piece costs the window on every paint and key (a quote of 20,000 two-character fragments
  painted in 16 s, tester20 U10).
- **annotator name**: at most :data:`MAX_NAME` characters and no control or bidi-override
  character, else the *quote is refused* (a QuoteError line). A name says whose work the
  quote is and is part of the key the import de-duplicates on: a name cut or cleaned would
  file the quote under another person, so it is not guessed at.
- **speaker_name, stance, stance_target**: at most :data:`MAX_NAME`, :data:`MAX_LABEL` and
  :data:`MAX_TARGET` characters and no control or bidi-override character, else the field
  is *left out* (null) with a note, and the quote is kept: these are optional (a canonical
  speaker cut to 200 characters would enter the registry and the reports as a person; an
  unset one is what the analyst fills in the window; a quote without its own target uses
  the article's or the project's).
- **title**: line breaks and tabs become spaces, other control and bidi-override characters
  are removed, and a title over :data:`MAX_TITLE` characters is cut (with ``…``), with a
  note: a title is shown in lists and written to CSV cells, and no offset points into it.
- **status conflict**: the same quote (annotator and content, speaker and cue spans) given
  again with another status: the first is kept (as for any repeat), the others are skipped
  with a note naming both statuses.

Whether a stance is one of the project's labels is checked by the import, which knows the
project (:mod:`annotator.services.importing`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from annotator.core.model import Quote, Span, decode_spans, encode_spans, mention_text
from annotator.core.quote_rows import (
    A_EXT_ID,
    A_HASH,
    A_META,
    A_QUOTES,
    A_TEXT,
    A_TITLE,
    Q_ANNOTATOR,
    Q_CONTENT,
    Q_CUE,
    Q_EXTRA,
    Q_ORIGIN,
    Q_SPEAKER,
    Q_SPEAKER_NAME,
    Q_SPEAKER_TEXT,
    Q_STANCE,
    Q_STATUS,
    Q_TARGET,
    ArticleRow,
    QuoteRow,
)
from annotator.core.text import title_and_body

#: The longest annotator name or canonical speaker name an import takes, in code points
#: (our own bound, as for ``merge``: far above any real name, short enough for a status
#: bar and a report line).
MAX_NAME = 200
#: The longest stance label (the default labels are at most 7 characters).
MAX_LABEL = 100
#: The longest stance target ("inter-Korean dialogue"; a sentence at most).
MAX_TARGET = 500
#: The longest title kept (a headline is rarely over 200 characters).
MAX_TITLE = 500
#: How many characters of a value a note shows.
SHOWN = 60
#: The most fragments a span list of one quote may hold (after the content's fragments
#: separated only by whitespace are joined). Our own bound: a quote interrupted by its
#: attribution has two or three fragments, and the longest in the news sets we know about
#: a dozen; 200 keeps a hostile or broken file's quote well under the window's budgets
#: (each fragment is a piece the view outlines and repaints: 300 fragments took 0.8 s a
#: paint before the outline was cached) while no real quote comes near it.
MAX_FRAGMENTS = 200
#: Content fragments separated only by whitespace are joined in a quote of more than this
#: many: below it a quote is kept as given (one split at each paragraph break it crosses
#: round-trips through export and import unchanged, and a re-import still finds it the
#: same quote); one fragment per token is a converter's doing, not an annotator's.
JOIN_OVER = 20
#: The most characters of an article's metadata (as stored, JSON text) an import keeps:
#: metadata is for filters, exports and reports (source, date, URL, section), not for a
#: document of its own. A CSV of 1,000,000 extra columns put 16 MB into one article's
#: metadata, which the window then read on the GUI thread at every opening (2.6 s,
#: tester19 N1).
MAX_META = 65_536

#: Bidirectional formatting characters (Unicode UAX #9): an override (U+202E) makes a name
#: or title read backwards in the window and the report ("Trojan Source", CVE-2021-42574).
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Extra keys other tools write with the text of a span list (checked against it).
_SPAN_TEXT_KEYS = {"cue_text": Q_CUE, "quote_text": Q_CONTENT, "content_text": Q_CONTENT}

Note = tuple[int | None, str]


def shown(value: str, limit: int = SHOWN) -> str:
    """``value`` for a report line: its ``repr`` (control characters escaped), cut to
    ``limit`` characters with ``…`` and the full length when longer."""
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}… ({len(value):,} characters)"


def bad_char(value: str) -> str | None:
    """The first control (Unicode Cc) or bidi formatting character of ``value`` as
    ``U+000A``, or None when it has none."""
    if value.isprintable():  # the usual case; printable text has neither
        return None
    for ch in value:
        if ch in _BIDI or unicodedata.category(ch) == "Cc":
            return f"U+{ord(ch):04X}"
    return None


def _squash(value: str) -> str:
    return " ".join(value.split())


def merge_fragments(spans: Sequence[Span]) -> tuple[Span, ...]:
    """``spans`` sorted, with repeated and overlapping fragments merged into one; fragments
    that only touch stay apart (``"A," she said, "B."`` may be cut anywhere)."""
    out: list[Span] = []
    for a, b in sorted(spans):
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return tuple(out)


def join_spaced(spans: Sequence[Span], text: str) -> tuple[Span, ...]:
    """``spans`` (sorted, not overlapping) with each run of fragments separated only by
    spaces or tabs in ``text`` joined into one fragment; touching fragments stay apart,
    and so do fragments on either side of a line break (a fragment stays in its
    paragraph, as the window's word steps and the brat export expect; review21 R11)."""
    out: list[Span] = []
    for a, b in spans:
        if out:
            end = out[-1][1]
            gap = text[end:a]
            if end < a and gap.isspace() and "\n" not in gap and len(gap) == a - end:
                out[-1] = (out[-1][0], b)
                continue
        out.append((a, b))
    return tuple(out)


def joined_content(spans: Sequence[Span], text: str) -> tuple[Span, ...]:
    """``spans`` (a quote's content fragments in an article of ``text``) as an import
    stores them: in a quote of more than :data:`JOIN_OVER` fragments, repeated and
    overlapping ones merged and those separated only by spaces or tabs joined
    (:func:`join_spaced`); a quote of fewer kept as given. What a duplicate check compares
    on both sides, so a quote stored before the joining (or by a merge) is found again."""
    if len(spans) <= JOIN_OVER:
        return tuple(spans)
    return join_spaced(merge_fragments(spans), text)


def joined_note(before: int, after: int) -> str:
    """The note for a content of ``before`` fragments joined into ``after``."""
    return (
        f"content_spans: {before:,} fragments separated only by whitespace "
        f"were joined into {after:,}"
    )


def too_many_fragments(counts: Sequence[tuple[str, int]]) -> str | None:
    """Why a quote is refused when one of its span lists (``(name, fragment count)``, the
    content first, counted after joining) holds more than :data:`MAX_FRAGMENTS`, or None."""
    for what, count in counts:
        if count > MAX_FRAGMENTS:
            joined = " after joining those separated only by whitespace"
            return (
                f"{what} holds {count:,} fragments (at most {MAX_FRAGMENTS}"
                f"{joined if what == 'content_spans' else ''})"
            )
    return None


def check_fragments(quote: Quote, text: str) -> tuple[Quote | None, str | None]:
    """The fragment rules of the import (module docstring) for a stored ``quote`` of an
    article of ``text``, as a merge brings it in.

    Returns:
        ``(quote, note)``: the quote to store (its content joined by
        :func:`joined_content`) and the note saying so, or None when nothing was joined;
        ``(None, reason)`` when a span list still holds over :data:`MAX_FRAGMENTS`.
    """
    content = joined_content(quote.content_spans, text)
    why = too_many_fragments(
        (
            ("content_spans", len(content)),
            ("speaker_spans", len(quote.speaker_spans)),
            ("cue_spans", len(quote.cue_spans)),
        )
    )
    if why is not None:
        return None, why
    if content == quote.content_spans:
        return quote, None
    note = (
        joined_note(len(quote.content_spans), len(content))
        if len(content) < len(quote.content_spans)
        else None
    )
    return quote.with_(content_spans=content), note


def _fragments(row: list[Any], text: str, notes: list[str]) -> str | None:
    """Join the content fragments separated only by whitespace (a note says so); the
    reason the quote is refused when a span list still has more than
    :data:`MAX_FRAGMENTS` fragments, else None."""
    content = row[Q_CONTENT]
    if content.count("], [") >= JOIN_OVER:
        spans = decode_spans(content)
        joined = joined_content(spans, text)
        if len(joined) < len(spans):
            notes.append(joined_note(len(spans), len(joined)))
            row[Q_CONTENT] = encode_spans(joined)
    return too_many_fragments(
        [
            (what, row[index].count("], [") + 1)
            for index, what in (
                (Q_CONTENT, "content_spans"),
                (Q_SPEAKER, "speaker_spans"),
                (Q_CUE, "cue_spans"),
            )
        ]
    )


def name_problem(name: str, what: str = "the annotator name", limit: int = MAX_NAME) -> str | None:
    """Why ``name`` cannot be stored as ``what`` (too long, a control or bidi character),
    or None."""
    if len(name) > limit:
        return f"{what} is {len(name):,} characters long (at most {limit}): {shown(name)}"
    char = bad_char(name)
    if char is not None:
        return f"{what} {shown(name)} holds a control character ({char})"
    return None


def clean_meta(meta: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """``meta`` within :data:`MAX_META` characters of JSON, and a note when keys were left
    out: ``filename`` first, then the keys in their order while they fit (a key too long to
    fit is left out and the later ones are still tried, so a small ``date`` after a huge
    ``raw_html`` stays)."""
    size = len(json.dumps(meta, ensure_ascii=False))
    if size <= MAX_META:
        return meta, None
    kept: dict[str, Any] = {}
    used = 2  # the braces
    # the file the article came from is tried first (a CSV reader adds it last)
    order = [k for k in ("filename",) if k in meta] + [k for k in meta if k != "filename"]
    for key in order:
        value = meta[key]
        item = len(json.dumps({key: value}, ensure_ascii=False)) - 2 + 2  # and ", "
        if used + item <= MAX_META:
            kept[key] = value
            used += item
    left = len(meta) - len(kept)
    return kept, (
        f"the metadata ({len(meta):,} keys, {size:,} characters) was cut to its first "
        f"{MAX_META:,} characters: {left:,} key{'s' if left != 1 else ''} left out"
    )


def clean_meta_json(meta: str) -> tuple[str, str | None]:
    """:func:`clean_meta` of metadata stored as JSON object text (as in an article row)."""
    if len(meta) <= MAX_META:
        return meta, None
    value = json.loads(meta)
    if not isinstance(value, dict):
        return "{}", "the metadata was not an object and was left out"
    kept, note = clean_meta(value)
    return json.dumps(kept, ensure_ascii=False), note


def clean_title(title: str, text: str) -> tuple[str, str | None]:
    """``title`` as stored (see the module docstring) and a note when it changed."""
    if len(title) <= MAX_TITLE and bad_char(title) is None:
        return title, None
    out = "".join(
        " " if ch.isspace() else ch
        for ch in title
        if ch.isspace() or (ch not in _BIDI and unicodedata.category(ch) != "Cc")
    )
    out = _squash(out)
    if len(out) > MAX_TITLE:
        out = out[: MAX_TITLE - 1].rstrip() + "…"
    if not out:
        out = title_and_body(text)[0]
    why = (
        "held control characters"
        if bad_char(title) is not None
        else f"was {len(title):,} characters long"
    )
    return out, f"the title {shown(title)} {why}; stored as {shown(out)}"


def _merged(row: list[Any], index: int, what: str, notes: list[str]) -> None:
    encoded = row[index]
    if "], [" not in encoded:  # one fragment (or none): nothing to merge
        return
    spans = decode_spans(encoded)
    merged = merge_fragments(spans)
    if merged != tuple(sorted(spans)):
        new = encode_spans(merged)
        notes.append(
            f"{what} {shown(encoded)} held repeated or overlapping fragments; merged into "
            f"{shown(new)}"
        )
        row[index] = new


def _optional(row: list[Any], index: int, what: str, limit: int, notes: list[str]) -> None:
    value = row[index]
    if value is None:
        return
    why = name_problem(value, what, limit)
    if why is not None:
        notes.append(f"{why}; left out, the quote is kept")
        row[index] = None


#: One fragment as the store encodes it: the usual speaker span.
_ONE = re.compile(r"\[\[([0-9]+), ([0-9]+)\]\]")


def _fine(value: str | None, limit: int) -> bool:
    return value is None or (len(value) <= limit and value.isprintable())


def _unchanged(row: QuoteRow, text: str) -> bool:
    """True when :func:`check_quote_row` has nothing to change or say about ``row``: the
    usual quote, told in a few string tests (2.4 million quotes at 100,000 articles)."""
    if "], [" in row[Q_CONTENT] or "], [" in row[Q_SPEAKER] or "], [" in row[Q_CUE]:
        return False
    if '_text"' in row[Q_EXTRA]:
        return False
    speaker = row[Q_SPEAKER]
    if speaker != "[]":
        one = _ONE.fullmatch(speaker)
        if one is None or row[Q_SPEAKER_TEXT] != text[int(one[1]) : int(one[2])]:
            return False
    elif not _fine(row[Q_SPEAKER_TEXT], MAX_NAME):
        return False
    return (
        _fine(row[Q_ANNOTATOR], MAX_NAME)
        and _fine(row[Q_SPEAKER_NAME], MAX_NAME)
        and _fine(row[Q_STANCE], MAX_LABEL)
        and _fine(row[Q_TARGET], MAX_TARGET)
    )


def check_quote_row(row: QuoteRow, text: str) -> tuple[QuoteRow | None, list[str]]:
    """One quote row of an article of ``text``, checked (module docstring).

    Returns ``(row, notes)``: the row as it should be stored and what changed, or
    ``(None, [reason])`` when the quote is refused.
    """
    if _unchanged(row, text):
        return row, []
    annotator = row[Q_ANNOTATOR]
    if annotator is not None:
        why = name_problem(annotator)
        if why is not None:
            return None, [why]
    out: list[Any] = list(row)
    notes: list[str] = []
    _merged(out, Q_CONTENT, "content_spans", notes)
    _merged(out, Q_SPEAKER, "speaker_spans", notes)
    _merged(out, Q_CUE, "cue_spans", notes)
    too_many = _fragments(out, text, notes)
    if too_many is not None:
        return None, [too_many]
    if out[Q_SPEAKER] == "[]":
        _optional(out, Q_SPEAKER_TEXT, "speaker_text (with no speaker_spans)", MAX_NAME, notes)
    else:
        under = mention_text(text, decode_spans(out[Q_SPEAKER]))
        given = out[Q_SPEAKER_TEXT]
        if given is None or not given.strip():
            out[Q_SPEAKER_TEXT] = under
        elif under is not None and _squash(given) != _squash(under):
            notes.append(
                f"speaker_text {shown(given)} is not the text under speaker_spans "
                f"{shown(under)}; the text under the spans is kept"
            )
            out[Q_SPEAKER_TEXT] = under
    if '_text"' in out[Q_EXTRA]:
        _check_extra_texts(out, text, notes)
    _optional(out, Q_SPEAKER_NAME, "speaker_name", MAX_NAME, notes)
    _optional(out, Q_STANCE, "the stance", MAX_LABEL, notes)
    _optional(out, Q_TARGET, "stance_target", MAX_TARGET, notes)
    if not notes and out[Q_SPEAKER_TEXT] == row[Q_SPEAKER_TEXT]:
        return row, []
    return tuple(out), notes  # type: ignore[return-value]


def _check_extra_texts(out: list[Any], text: str, notes: list[str]) -> None:
    try:
        extra = json.loads(out[Q_EXTRA])
    except ValueError:
        return
    if not isinstance(extra, dict):
        return
    changed = False
    for key, index in _SPAN_TEXT_KEYS.items():
        value = extra.get(key)
        if key not in extra or value is None:
            continue
        spans = decode_spans(out[index])
        under = [text[a:b] for a, b in spans]
        if isinstance(value, str) and _squash(value) in (
            _squash(" ".join(under)),
            _squash(" … ".join(under)),
            _squash("".join(under)),
        ):
            continue
        notes.append(
            f"{key} {shown(str(value))} is not the text under its spans "
            f"{shown(' … '.join(under))}; left out (the exports write the spans' text)"
        )
        del extra[key]
        changed = True
    if changed:
        out[Q_EXTRA] = json.dumps(extra, ensure_ascii=False) if extra else "{}"


def _key(row: QuoteRow) -> tuple[str | None, str, str, str]:
    return row[Q_ANNOTATOR], row[Q_CONTENT], row[Q_SPEAKER], row[Q_CUE]


def check_article_row(
    row: ArticleRow, place: Callable[[int], str] | None = None
) -> tuple[ArticleRow, list[Note], list[tuple[int, str]]]:
    """An article row and its quotes, checked (module docstring).

    Args:
        place: how a note names the quote of index ``i`` of ``row`` (``"quote 3"``,
            ``"the quote on line 7"``...); default ``quote N``, counted from 1.

    Returns:
        ``(row, notes, refused)``: the row to store (refused quotes and status conflicts
        left out); ``notes`` as ``(quote index in the given row or None for the article,
        message)``; ``refused`` as ``(quote index, reason)``.
    """
    text = row[A_TEXT]
    notes: list[Note] = []
    refused: list[tuple[int, str]] = []
    title, title_note = clean_title(row[A_TITLE], text)
    if title_note is not None:
        notes.append((None, title_note))
    meta, meta_note = clean_meta_json(row[A_META])
    if meta_note is not None:
        notes.append((None, meta_note))
        row = (row[A_HASH], row[A_EXT_ID], row[A_TITLE], text, meta, row[A_QUOTES])
    kept: list[QuoteRow] = []
    first: dict[tuple[str | None, str, str, str], int] = {}
    quotes = row[A_QUOTES]
    changed = title_note is not None
    # the usual article: nothing to change, and no key repeated (which may be a conflict)
    if (
        title_note is None
        and all(_unchanged(q, text) for q in quotes)
        and len({q[:4] for q in quotes}) == len(quotes)
    ):
        return row, notes, refused
    for i, q in enumerate(quotes):
        checked, said = check_quote_row(q, text)
        if checked is None:
            refused.append((i, said[0]))
            changed = True
            continue
        notes.extend((i, s) for s in said)
        changed = changed or checked is not q
        # detector suggestions (origin model, nobody's) have no status of anyone's to
        # conflict with; their exact repeats are dropped by their own rule
        suggestion = checked[Q_ORIGIN] == "model" and not checked[Q_ANNOTATOR]
        j = i if suggestion else first.setdefault(_key(checked), i)
        if j != i:
            other = quotes[j][Q_STATUS]
            if checked[Q_STATUS] != other:
                where = place(j) if place is not None else f"quote {j + 1}"
                who = shown(checked[Q_ANNOTATOR]) if checked[Q_ANNOTATOR] else "no annotator"
                notes.append(
                    (
                        i,
                        f"the same quote ({who}, content {checked[Q_CONTENT]}) as {where}, "
                        f"but {checked[Q_STATUS]}, not {other}: the first ({other}) is kept, "
                        "this one skipped",
                    )
                )
                changed = True
                continue
        kept.append(checked)
    if not changed:
        return row, notes, refused
    return (row[0], row[1], title, text, row[4], tuple(kept)), notes, refused
