"""Project rows to model objects: quotes, speakers, and record lists that skip bad rows."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from annotator.core.model import Quote, Speaker, decode_spans, encode_spans

R = TypeVar("R")


def rows_to_records(
    rows: Iterable[dict[str, Any]],
    build: Callable[[dict[str, Any]], R],
    problems: list[str] | None,
    table: str,
) -> list[R]:
    """``build`` each row; with ``problems`` given, a row that cannot be read is skipped and
    named there (a foreign file being merged), else its error is raised."""
    out = []
    for r in rows:
        try:
            out.append(build(r))
        except (ValueError, TypeError, KeyError) as exc:
            if problems is None:
                raise
            problems.append(f"{table} row {r.get('id')}: {exc}; skipped")
    return out


def speaker_from_row(row: dict[str, Any]) -> Speaker:
    """Build a registry entry from a ``speakers`` row."""
    return Speaker(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        aliases=tuple(json.loads(row["aliases"])),
        gender=row.get("gender") or "unknown",
        gender_guessed=bool(row.get("gender_guessed")),
        role=row.get("role"),
    )


#: One suggestion row of one detector run: the article, the detector version,
#: :func:`suggestion_values` and the time it was stored.
INSERT_SUGGESTION = (
    "INSERT INTO suggestions (article_id, detector_version, content_spans,"
    " speaker_spans, cue_spans, speaker_text, speaker_name, kind, confidence,"
    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def suggestion_values(q: Quote) -> tuple[Any, ...]:
    """The quote's columns of a ``suggestions`` row, in table order: content, speaker and
    cue spans (encoded), speaker text and name, kind, confidence."""
    return (
        encode_spans(q.content_spans),
        encode_spans(q.speaker_spans),
        encode_spans(q.cue_spans),
        q.speaker_text,
        q.speaker_name,
        q.kind,
        q.confidence,
    )


def quote_from_row(row: dict[str, Any]) -> Quote:
    """Build a Quote from an annotations/suggestions/gold_quotes row (joined names included)."""
    raw = row.get("extra")
    extra = json.loads(raw) if raw and raw != "{}" else {}
    return Quote(
        content_spans=decode_spans(row["content_spans"]),
        speaker_spans=decode_spans(row.get("speaker_spans")),
        cue_spans=decode_spans(row.get("cue_spans")),
        speaker_text=row.get("speaker_text"),
        speaker_name=row.get("speaker_name"),
        kind=row["kind"],
        stance=row.get("stance"),
        stance_target=row.get("stance_target"),
        annotator=row.get("annotator_name"),
        status=row.get("status") or "pending",
        origin=row.get("origin") or "model",
        confidence=row.get("confidence"),
        note=row.get("note"),
        extra=extra,
    )
