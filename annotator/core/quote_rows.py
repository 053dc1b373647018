"""Articles and quotes as plain tuples of column values: what a bulk import hands from its
reader to its writer (issue 16).

A :class:`~annotator.core.model.Quote` object per quote, built by the reader, pickled to
the writer's process and read field by field into an ``annotations`` row, was a large part
of a 100,000-article import (2.4 million quotes). A reader that has checked a line makes
these tuples directly instead; they hold exactly the values the writer stores, and are
cheap to pickle.

:data:`QuoteRow` fields, by index (the ``Q_*`` constants): annotator (as the file names
it, or None), content, speaker and cue spans encoded as the store keeps them
(:func:`~annotator.core.model.encode_spans`, sorted), speaker text, speaker name, speaker
facts (:class:`~annotator.core.model.SpeakerFacts` or None), kind, stance, stance target
(stripped, None when blank), status, origin, confidence (float or None), note, extra (JSON
object text, ``"{}"`` when empty).

:data:`ArticleRow` fields (the ``A_*`` constants): content hash, external id (text or
None), title, text, meta (JSON object text), quotes (QuoteRows, in file order).
"""

from __future__ import annotations

import json
from typing import Any, Final

from annotator.core.model import Article, Quote, SpeakerFacts, clean_target, decode_spans
from annotator.core.model import encode_spans as _encode

QuoteRow = tuple[
    str | None,  # annotator
    str,  # content spans
    str,  # speaker spans
    str,  # cue spans
    str | None,  # speaker text
    str | None,  # speaker name
    SpeakerFacts | None,
    str,  # kind
    str | None,  # stance
    str | None,  # stance target
    str,  # status
    str,  # origin
    float | None,  # confidence
    str | None,  # note
    str,  # extra
]
ArticleRow = tuple[str, str | None, str, str, str, tuple[QuoteRow, ...]]

# field indexes (Final, so a type checker knows each field's type)
Q_ANNOTATOR: Final = 0
Q_CONTENT: Final = 1
Q_SPEAKER: Final = 2
Q_CUE: Final = 3
Q_SPEAKER_TEXT: Final = 4
Q_SPEAKER_NAME: Final = 5
Q_FACTS: Final = 6
Q_KIND: Final = 7
Q_STANCE: Final = 8
Q_TARGET: Final = 9
Q_STATUS: Final = 10
Q_ORIGIN: Final = 11
Q_CONFIDENCE: Final = 12
Q_NOTE: Final = 13
Q_EXTRA: Final = 14
A_HASH: Final = 0
A_EXT_ID: Final = 1
A_TITLE: Final = 2
A_TEXT: Final = 3
A_META: Final = 4
A_QUOTES: Final = 5


def extra_json(extra: Any) -> str:
    """A quote's ``extra`` mapping as stored: JSON object text, ``"{}"`` when empty."""
    return json.dumps(dict(extra), ensure_ascii=False) if extra else "{}"


def meta_json(meta: Any) -> str:
    """An article's ``meta`` mapping as stored (JSON object text)."""
    return json.dumps(meta, ensure_ascii=False)


def quote_row(q: Quote) -> QuoteRow:
    """The row of ``q`` (its spans sorted, as a Quote keeps them)."""
    return (
        q.annotator,
        _encode(q.content_spans),
        _encode(q.speaker_spans),
        _encode(q.cue_spans),
        q.speaker_text,
        q.speaker_name,
        q.speaker_facts,
        q.kind,
        q.stance,
        clean_target(q.stance_target),
        q.status,
        q.origin,
        q.confidence,
        q.note,
        extra_json(q.extra),
    )


def quote_of_row(r: QuoteRow) -> Quote:
    """The Quote a row was made from (for the rarer writers that take Quote objects, e.g.
    suggestions). Raises ValueError when a span column is not encoded spans."""
    return Quote(
        content_spans=decode_spans(r[Q_CONTENT]),
        speaker_spans=decode_spans(r[Q_SPEAKER]),
        cue_spans=decode_spans(r[Q_CUE]),
        speaker_text=r[Q_SPEAKER_TEXT],
        speaker_name=r[Q_SPEAKER_NAME],
        kind=r[Q_KIND],
        stance=r[Q_STANCE],
        stance_target=r[Q_TARGET],
        annotator=r[Q_ANNOTATOR],
        status=r[Q_STATUS],
        origin=r[Q_ORIGIN],
        confidence=r[Q_CONFIDENCE],
        note=r[Q_NOTE],
        extra=json.loads(r[Q_EXTRA]),
        speaker_facts=r[Q_FACTS],
    )


def article_row(article: Article, digest: str) -> ArticleRow:
    """The row of ``article`` (``digest``: its :func:`~annotator.core.text.content_hash`)."""
    return (
        digest,
        article.ext_id,
        article.title,
        article.text,
        meta_json(article.meta),
        tuple(quote_row(q) for q in article.quotes),
    )


def _detector_of(extra: str) -> object:
    """The ``detector_version`` a suggestion's extra JSON names (None: none)."""
    if '"detector_version"' not in extra:
        return None
    try:
        value = json.loads(extra)
    except ValueError:
        return extra
    return value.get("detector_version") if isinstance(value, dict) else None


def without_duplicate_suggestions(row: ArticleRow) -> tuple[ArticleRow, int]:
    """``row`` without the exact repeats of its detector suggestions; (row, repeats dropped).

    A suggestion (origin ``model``, no annotator) repeats an earlier one of the article when
    it has the same content, speaker and cue spans, speaker text and name, kind and detector
    version; the first is kept (its confidence with it). Thousands of copies of one
    suggestion (a broken exporter, tester17 F10) gave the window thousands of quotes on one
    span that one key hid and one undo showed again. Annotations are never dropped here
    (the import skips an annotator's repeats by its own rule).
    """
    quotes = row[A_QUOTES]
    seen: set[tuple[object, ...]] = set()
    kept: list[QuoteRow] = []
    for q in quotes:
        if q[Q_ORIGIN] == "model" and not q[Q_ANNOTATOR]:
            key = (
                q[Q_CONTENT],
                q[Q_SPEAKER],
                q[Q_CUE],
                q[Q_SPEAKER_TEXT],
                q[Q_SPEAKER_NAME],
                q[Q_KIND],
                _detector_of(q[Q_EXTRA]),
            )
            if key in seen:
                continue
            seen.add(key)
        kept.append(q)
    dropped = len(quotes) - len(kept)
    if not dropped:
        return row, 0
    return (
        row[A_HASH],
        row[A_EXT_ID],
        row[A_TITLE],
        row[A_TEXT],
        row[A_META],
        tuple(kept),
    ), dropped
