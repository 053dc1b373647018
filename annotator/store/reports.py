"""Counts behind the quote reports: who is quoted how often, by outlet, month, kind, gender.

Each function counts one version of every quote: the accepted annotations of one annotator,
or the gold (reviewed) versions. Quotes without a canonical speaker count under the speaker
``None``; articles without a publisher or date under ``None``, and so do blank ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from annotator.core.dates import report_month
from annotator.store.project import Project

#: Report dimensions: the column each one groups by.
DIMENSIONS = ("speaker", "publisher", "month", "kind", "gender", "stance", "target")


@dataclass(frozen=True)
class QuoteSource:
    """Which version of the quotes to count: ``annotator`` (accepted) or ``gold``."""

    annotator: str | None = None
    gold: bool = False

    def describe(self) -> str:
        return "gold (reviewed) versions" if self.gold else f"accepted quotes of {self.annotator}"


def _quotes_cte(source: QuoteSource) -> tuple[str, list[Any]]:
    if source.gold:
        return (
            "q AS (SELECT g.article_id, g.speaker_id, g.kind, g.stance, g.stance_target "
            "FROM gold_quotes g)",
            [],
        )
    return (
        "q AS (SELECT a.article_id, a.speaker_id, a.kind, a.stance, a.stance_target "
        "FROM annotations a "
        "JOIN annotators n ON n.id = a.annotator_id "
        "WHERE a.status = 'accepted' AND n.name = ?)",
        [source.annotator],
    )


_GROUP = {
    "speaker": ("s.name", "s.kind AS speaker_type, s.gender AS gender, s.gender_guessed"),
    # a blank string (``"publisher": ""`` in imported metadata) is as missing as no key: both
    # count in one None row, not in two rows that every report writes as "(none)"
    "publisher": ("NULLIF(json_extract(ar.meta, '$.publisher'), '')", None),
    # YYYY-MM of an ISO date; another value is "(unknown date)", never a cut string
    "month": ("annotator_report_month(json_extract(ar.meta, '$.date'))", None),
    "kind": ("q.kind", None),
    "gender": ("CASE WHEN s.id IS NULL THEN NULL ELSE s.gender END", None),
    "stance": ("NULLIF(q.stance, '')", None),
    "target": ("NULLIF(q.stance_target, '')", None),
}


def count_by(project: Project, source: QuoteSource, by: str) -> list[dict[str, Any]]:
    """Quotes, articles and distinct speakers per value of ``by``, most quotes first.

    Args:
        by: one of :data:`DIMENSIONS`; ``gender`` counts people and unknown-type speakers
            only (organisations and groups have no gender).

    Returns:
        Rows ``{"value", "quotes", "articles", "speakers", "share"}`` (share of all counted
        quotes, 0..1); ``speaker`` rows also carry ``speaker_type``, ``gender`` and
        ``gender_guessed``.

    Raises:
        ValueError: an unknown dimension.
    """
    if by not in _GROUP:
        raise ValueError(f"unknown report dimension {by!r}; choose from {', '.join(DIMENSIONS)}")
    cte, params = _quotes_cte(source)
    expr, extra = _GROUP[by]
    if by == "month":
        # the same rule as import's date warning (core.dates), not an SQL copy of it
        project.db.conn.create_function(
            "annotator_report_month", 1, report_month, deterministic=True
        )
    where = "WHERE s.id IS NULL OR s.kind IN ('person', 'unknown')" if by == "gender" else ""
    extra_cols = f", {extra}" if extra else ""
    sql = f"""
        WITH {cte}
        SELECT {expr} AS value, count(*) AS quotes, count(DISTINCT q.article_id) AS articles,
               count(DISTINCT q.speaker_id) AS speakers{extra_cols}
          FROM q JOIN articles ar ON ar.id = q.article_id
          LEFT JOIN speakers s ON s.id = q.speaker_id
          {where}
         GROUP BY {"s.id" if by == "speaker" else "value"}
         ORDER BY quotes DESC, value
    """
    rows = [dict(r) for r in project.db.query(sql, params)]
    total = sum(int(r["quotes"]) for r in rows)
    for r in rows:
        r["share"] = (int(r["quotes"]) / total) if total else 0.0
        if "gender_guessed" in r:
            r["gender_guessed"] = bool(r["gender_guessed"])
    return rows


def stance_by(project: Project, source: QuoteSource, by: str) -> list[dict[str, Any]]:
    """Quotes per (speaker or stance target, stance), most quoted first.

    Args:
        by: ``speaker`` or ``target``.

    Returns:
        Rows ``{by, "stance", "quotes"}``; a quote without a stance (or target) counts
        under None.

    Raises:
        ValueError: ``by`` is neither.
    """
    if by not in ("speaker", "target"):
        raise ValueError(f"stance is reported by speaker or target, not {by!r}")
    cte, params = _quotes_cte(source)
    key = "s.name" if by == "speaker" else "NULLIF(q.stance_target, '')"
    group = "s.id" if by == "speaker" else "NULLIF(q.stance_target, '')"
    sql = f"""
        WITH {cte}
        SELECT {key} AS key, NULLIF(q.stance, '') AS stance, count(*) AS quotes,
               sum(count(*)) OVER (PARTITION BY {group}) AS key_total
          FROM q LEFT JOIN speakers s ON s.id = q.speaker_id
         GROUP BY {group}, NULLIF(q.stance, '')
         ORDER BY key_total DESC, key, quotes DESC
    """
    return [
        {by: r["key"], "stance": r["stance"], "quotes": int(r["quotes"])}
        for r in project.db.query(sql, params)
    ]


def count_quotes(project: Project, source: QuoteSource) -> int:
    """How many quotes the source counts."""
    cte, params = _quotes_cte(source)
    row = project.db.execute(f"WITH {cte} SELECT count(*) FROM q", params).fetchone()
    return int(row[0])
