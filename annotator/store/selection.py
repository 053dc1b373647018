"""Reads an export needs: which quotes a filter selects, gold rows, review decisions.

An export selects either annotations (filtered by annotator name, status and kind) or the
gold quotes of reviews (filtered by reviewer and kind); every filter left empty selects all.
Rows come ordered by article, then by the start of their first content span, then by id.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from annotator.core.model import Quote
from annotator.store.db import in_filter
from annotator.store.project import Project
from annotator.store.rows import quote_from_row


@dataclass(frozen=True)
class Selection:
    """What an export selects. ``gold``: reviews' gold quotes, ``people`` naming reviewers
    (``statuses`` is then ignored); else annotations, ``people`` naming annotators."""

    gold: bool = False
    people: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class GoldRow:
    """One gold quote as an export writes it: status ``accepted``, annotator = reviewer,
    origin that of its source annotation (``manual`` when none), ``extra`` carrying
    ``review_decision``."""

    id: int
    article_id: int
    quote: Quote
    speaker_id: int | None
    decision: str
    reviewer: str
    created_at: str
    updated_at: str


def _where(sel: Selection) -> tuple[str, list[Any]]:
    """FROM ... WHERE ... for the selection (gold rows are ``g``, annotations ``a``)."""
    params: list[Any] = []
    if sel.gold:
        sql = (
            " FROM gold_quotes g JOIN reviews r ON r.id = g.review_id"
            " LEFT JOIN speakers s ON s.id = g.speaker_id"
            " LEFT JOIN annotations src ON src.id = g.source_annotation_id WHERE 1"
        )
        sql += in_filter("r.reviewer", sel.people, params)
        sql += in_filter("g.kind", sel.kinds, params)
    else:
        sql = " FROM annotations a JOIN annotators an ON an.id = a.annotator_id WHERE 1"
        sql += in_filter("an.name", sel.people, params)
        sql += in_filter("a.status", sel.statuses, params)
        sql += in_filter("a.kind", sel.kinds, params)
    return sql, params


def count_selected(project: Project, sel: Selection) -> tuple[int, list[int]]:
    """(number of selected quotes, ids of their articles in no particular order)."""
    sql, params = _where(sel)
    alias = "g" if sel.gold else "a"
    total = int(project.db.execute("SELECT count(*)" + sql, params).fetchone()[0])
    ids = [
        int(r[0]) for r in project.db.execute(f"SELECT DISTINCT {alias}.article_id" + sql, params)
    ]
    return total, ids


def iter_gold_rows(project: Project, sel: Selection) -> Iterator[GoldRow]:
    """Stream the selected gold quotes (``sel.gold`` must be set), in export order."""
    sql, params = _where(Selection(True, sel.people, (), sel.kinds))
    select = (
        "SELECT g.*, r.reviewer AS annotator_name, r.reviewer AS reviewer,"
        " s.name AS speaker_name, 'accepted' AS status,"
        " coalesce(src.origin, 'manual') AS origin"
    )
    sql += " ORDER BY g.article_id, json_extract(g.content_spans, '$[0][0]'), g.id"
    for row in project.db.query(select + sql, params):
        quote = quote_from_row(row)
        quote = quote.with_(extra={**quote.extra, "review_decision": row["decision"]})
        yield GoldRow(
            row["id"],
            row["article_id"],
            quote,
            row["speaker_id"],
            row["decision"],
            row["reviewer"],
            row["created_at"],
            row["updated_at"],
        )


def gold_reviewers(project: Project) -> list[str]:
    """Reviewers with at least one gold quote, sorted by name."""
    rows = project.db.execute(
        "SELECT DISTINCT r.reviewer FROM gold_quotes g JOIN reviews r ON r.id = g.review_id "
        "ORDER BY r.reviewer"
    )
    return [str(r[0]) for r in rows]


def has_reviews(project: Project) -> bool:
    """Whether the project holds any review at all."""
    return bool(project.db.execute("SELECT 1 FROM reviews LIMIT 1").fetchone())


def gold_decisions(project: Project, article_id: int) -> dict[int, tuple[str, str]]:
    """Source annotation id -> (decision, reviewer) of the article's gold quotes; where
    two gold quotes come from one annotation, the older gold row wins."""
    out: dict[int, tuple[str, str]] = {}
    for source, decision, reviewer in project.db.execute(
        "SELECT g.source_annotation_id, g.decision, r.reviewer FROM gold_quotes g "
        "JOIN reviews r ON r.id = g.review_id "
        "WHERE g.article_id = ? AND g.source_annotation_id IS NOT NULL ORDER BY g.id",
        [article_id],
    ):
        out.setdefault(int(source), (str(decision), str(reviewer)))
    return out


def finished_reviews(project: Project, article_id: int) -> dict[str, set[str]]:
    """Reviewer -> the annotators they compared, for the article's reviews marked done."""
    out: dict[str, set[str]] = {}
    for reviewer, annotators in project.db.execute(
        "SELECT reviewer, annotators FROM reviews WHERE article_id = ? AND status = 'done'",
        [article_id],
    ):
        out[str(reviewer)] = set(json.loads(annotators))
    return out


def count_unfinished_gold_reviews(project: Project) -> int:
    """How many reviews holding gold quotes are not marked done yet (whole project)."""
    row = project.db.execute(
        "SELECT count(DISTINCT r.id) FROM reviews r JOIN gold_quotes g ON g.review_id = r.id"
        " WHERE r.status <> 'done'"
    ).fetchone()
    return int(row[0])
