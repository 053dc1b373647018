"""Counts behind the quote reports: who is quoted how often, by outlet, month, kind, gender.

Each function counts one version of every quote: the accepted annotations of one annotator,
or the gold (reviewed) versions. Quotes without a canonical speaker count under the speaker
``None``; articles without a publisher or date under ``None``, and so do blank ones.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from annotator.core.dates import report_month
from annotator.core.model import Quote, decode_spans, quote_span_problem
from annotator.store.project import Project

#: Report dimensions: the column each one groups by.
DIMENSIONS = ("speaker", "publisher", "month", "kind", "gender", "stance", "target")


@dataclass(frozen=True)
class QuoteSource:
    """Which version of the quotes to count: ``annotator`` (accepted) or ``gold``.

    ``exclude``: ids of quotes (annotations, or gold quotes) left out of every count
    (:func:`span_problems` finds those a report must not count).
    """

    annotator: str | None = None
    gold: bool = False
    exclude: frozenset[int] = frozenset()

    def describe(self) -> str:
        return "gold (reviewed) versions" if self.gold else f"accepted quotes of {self.annotator}"


def _quotes_cte(source: QuoteSource) -> tuple[str, list[Any]]:
    if source.gold:
        cte = (
            "q AS (SELECT g.article_id, g.speaker_id, g.kind, g.stance, g.stance_target "
            "FROM gold_quotes g WHERE 1"
        )
        params: list[Any] = []
        alias = "g"
    else:
        cte = (
            "q AS (SELECT a.article_id, a.speaker_id, a.kind, a.stance, a.stance_target "
            "FROM annotations a "
            "JOIN annotators n ON n.id = a.annotator_id "
            "WHERE a.status = 'accepted' AND n.name = ?"
        )
        params = [source.annotator]
        alias = "a"
    if source.exclude:
        cte += f" AND {alias}.id NOT IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted(source.exclude)))
    return cte + ")", params


#: Span columns as the store writes them (pairs of non-negative ints): the usual value.
_PAIRS = re.compile(r"\[(?:\[[0-9]+, [0-9]+\](?:, )?)*\]")
_INT = re.compile(r"[0-9]+")


_ONE = re.compile(r"\[\[([0-9]+), ([0-9]+)\]\]")


def _fits(value: Any, length: int) -> bool:
    """True when ``value`` is spans the store wrote, each ``0 <= start < end <= length``
    (the fast test; anything else goes to :func:`quote_span_problem`)."""
    if value == "[]":
        return True
    if type(value) is not str:
        return False
    one = _ONE.fullmatch(value)  # most quotes: one fragment
    if one is not None:
        return int(one[1]) < int(one[2]) <= length
    if not _PAIRS.fullmatch(value):
        return False
    nums = [int(x) for x in _INT.findall(value)]
    return max(nums) <= length and all(a < b for a, b in zip(nums[::2], nums[1::2]))


def _span_problem(content: Any, speaker: Any, cue: Any, length: Any) -> str | None:
    """Why a stored quote's spans cannot lie in a text of ``length`` characters
    (:func:`~annotator.core.model.quote_span_problem`), or None."""
    n = int(length or 0)
    if content != "[]" and _fits(content, n) and _fits(speaker, n) and _fits(cue, n):
        return None
    try:
        quote = Quote(decode_spans(content), decode_spans(speaker), decode_spans(cue))
    except ValueError as exc:
        return str(exc)
    return quote_span_problem(quote, int(length or 0))


def span_problems(project: Project, source: QuoteSource) -> list[tuple[int, int, str]]:
    """``(article id, quote id, why)`` of the quotes ``source`` counts whose spans cannot
    lie in their article's text (a project edited by hand; the export leaves such quotes
    out with the same words), in article then quote order."""
    if source.gold:
        table, where, params = "gold_quotes", "1", []
    else:
        table = "annotations"
        where = (
            "q.status = 'accepted' AND q.annotator_id = (SELECT id FROM annotators WHERE name = ?)"
        )
        params = [source.annotator]
    # each text's length once (counting the characters of a text for each of its quotes
    # was half the time); one pass over the quotes' span columns, checked in Python
    lengths = dict(project.db.execute("SELECT id, length(text) FROM articles").fetchall())
    sql = (
        "SELECT q.article_id, q.id, q.content_spans, q.speaker_spans, q.cue_spans"
        f" FROM {table} q WHERE {where}"
    )
    out = []
    for aid, qid, content, speaker, cue in project.db.execute(sql, params):
        why = _span_problem(content, speaker, cue, lengths.get(aid, 0))
        if why is not None:
            out.append((int(aid), int(qid), why))
    out.sort()
    return out


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
