"""Read queries the annotation window needs beyond :class:`Project` (lists, counts, lookups).

Functions take an open :class:`Project` and only read. The quote counts are computed in
:mod:`annotator.store.counts` (this module hands them on, for the callers that import them
from here).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from annotator.core.model import Quote
from annotator.store import counts, summary
from annotator.store.counts import ArticleRow as ArticleRow
from annotator.store.counts import Totals as Totals
from annotator.store.project import Project
from annotator.store.rows import quote_from_row


def article_rows(project: Project, annotator: str | None) -> list[ArticleRow]:
    """Rows for the article list (see :func:`annotator.store.counts.article_rows`)."""
    return counts.article_rows(project, annotator)


def article_page(
    project: Project, annotator: str | None, after_id: int, limit: int
) -> list[ArticleRow]:
    """The next ``limit`` rows of the article list after article ``after_id`` (id order;
    [] at the end): one indexed read of that id range whatever the project's size."""
    bounds = counts.article_page_bounds(project, after_id, limit)
    return [] if bounds is None else counts.article_rows(project, annotator, bounds)


def article_ids(project: Project) -> list[int]:
    """Every article id in id order (see :func:`annotator.store.counts.article_ids`)."""
    return counts.article_ids(project)


def article_ids_after(project: Project, after: int) -> list[int]:
    """The ids above ``after`` in id order (see :func:`counts.article_ids_after`)."""
    return counts.article_ids_after(project, after)


def ids_after_and_count(project: Project, after: int) -> tuple[list[int], int]:
    """The article ids above ``after`` in id order and how many articles there are, read
    in one statement (one snapshot: another program's commit between two reads would make
    them disagree)."""
    row = project.db.execute(
        "SELECT (SELECT count(*) FROM articles),"
        " (SELECT json_group_array(id) FROM (SELECT id FROM articles WHERE id > ? ORDER BY id))",
        [after],
    ).fetchone()
    return [int(i) for i in json.loads(row[1])], int(row[0])


def article_rows_for(project: Project, annotator: str | None, ids: list[int]) -> list[ArticleRow]:
    """The list rows of ``ids``, in that order (see :func:`counts.article_rows_for`)."""
    return counts.article_rows_for(project, annotator, ids)


def article_order(
    project: Project, annotator: str | None, column: int, descending: bool
) -> list[int]:
    """Every article id in the list's order by ``column`` (see :func:`counts.article_order`)."""
    return counts.article_order(project, annotator, column, descending)


def article_statuses(project: Project, annotator: str | None) -> dict[int, str]:
    """Article id -> the annotator's status where not ``new`` (see
    :func:`counts.article_statuses`)."""
    return counts.article_statuses(project, annotator)


def article_row(project: Project, article_id: int, annotator: str | None) -> ArticleRow:
    """The list row of one article (after a change to it)."""
    return counts.article_row(project, article_id, annotator)


def totals(project: Project, annotator: str | None) -> Totals:
    """Articles and quotes the annotator has done, out of the project's totals."""
    return counts.totals(project, annotator)


def suggestion_quote(project: Project, suggestion_id: int) -> Quote | None:
    """The quote of suggestion ``suggestion_id`` (any detector version), or None."""
    rows = list(project.db.query("SELECT * FROM suggestions WHERE id = ?", [suggestion_id]))
    return quote_from_row(rows[0]) if rows else None


def find_speaker(project: Project, name: str) -> str | None:
    """The registry name of the speaker called ``name`` (name or alias, any case), or None."""
    found = project.find_speaker(name)
    return None if found is None else found.name


def speaker_names(project: Project) -> list[str]:
    """Registry names and aliases, for autocompletion (read again only after the
    registry changed: :meth:`Project.speaker_names`)."""
    return project.speaker_names()


def article_status(project: Project, article_id: int, annotator: str) -> str:
    """The annotator's status on an article (new, in_progress, done)."""
    return project.progress(article_id, annotator)


_STAMP = """
    SELECT
      (SELECT count(*) || ',' || coalesce(max(id), 0) || ',' || coalesce(max(updated_at), '')
       FROM annotations WHERE article_id = :a AND annotator_id IS :n),
      (SELECT count(*) || ',' || coalesce(max(id), 0) FROM suggestions WHERE article_id = :a),
      (SELECT status FROM article_progress WHERE article_id = :a AND annotator_id IS :n),
      (SELECT coalesce(stance_target, '') || ',' || content_hash FROM articles WHERE id = :a)
"""


def article_stamp(project: Project, article_id: int, annotator: str) -> tuple[object, ...]:
    """A value that changes whenever anything the annotation window shows of one article
    for ``annotator`` changes: their annotations (added, removed, or edited: each write sets
    ``updated_at`` to a strictly later time), the article's suggestions, their status, and
    the article's stance target and text (its content hash: ``length(text)`` read and
    counted the whole text, 40 ms of CPU twice per open of a 30 MB page, issue 16).
    Compare two stamps of the same article only.

    Indexed reads of that article's rows (about 0.1 ms for 60 quotes, 1 ms for 1,000):
    cheap enough to ask, when another program committed, whether the open article must be
    read again. A missing article gives a stamp of Nones.
    """
    ann = project.annotator_id(annotator, create=False)
    row = project.db.execute(_STAMP, {"a": article_id, "n": ann}).fetchone()
    return tuple(row)


def resume_point(project: Project, annotator: str) -> tuple[int, int | None] | None:
    """The article ``annotator`` was on last and the quote recorded there, or None.

    "Last" is the newest ``article_progress`` row of the annotator: the window writes one
    when the annotator moves to an article and when they quit, and every new annotation
    touches the row of its article.
    """
    ann = project.annotator_id(annotator, create=False)
    if ann is None:
        return None
    row = project.db.execute(
        "SELECT article_id, current_quote FROM article_progress WHERE annotator_id = ?"
        " ORDER BY updated_at DESC, rowid DESC LIMIT 1",
        [ann],
    ).fetchone()
    if row is None:
        return None
    return int(row[0]), None if row[1] is None else int(row[1])


def current_quote(project: Project, article_id: int, annotator: str) -> int | None:
    """The quote recorded as the annotator's position in one article (see :func:`resume_point`)."""
    row = project.db.execute(
        "SELECT p.current_quote FROM article_progress p JOIN annotators a ON a.id = p.annotator_id"
        " WHERE p.article_id = ? AND a.name = ?",
        [article_id, annotator],
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def has_opened(project: Project, article_id: int, annotator: str) -> bool:
    """True when ``annotator`` opened the article (a progress row) or annotated it."""
    row = project.db.execute(
        "SELECT EXISTS (SELECT 1 FROM article_progress p JOIN annotators a"
        " ON a.id = p.annotator_id WHERE p.article_id = ? AND a.name = ?)"
        " OR EXISTS (SELECT 1 FROM annotations x JOIN annotators a ON a.id = x.annotator_id"
        " WHERE x.article_id = ? AND a.name = ?)",
        [article_id, annotator, article_id, annotator],
    ).fetchone()
    return bool(row[0])


# -- article list filters (issue 10) ---------------------------------------------------------

#: The filters :func:`filter_article_ids` knows, with the value each needs.
ARTICLE_FILTERS: dict[str, str] = {
    "undecided": "",
    "speaker": "a speaker name (or alias)",
    "kind": "direct, mixed or indirect",
    "confidence_below": "a number between 0 and 1",
    "disagreement": "",
}

# The quotes an annotator sees in an article: their annotations plus the suggestions of the
# newest detector run they have not handled (as in the list counts), one row each.
_SEEN = """
    WITH latest AS (
        SELECT s.article_id, s.detector_version FROM suggestions s
        WHERE s.id IN (SELECT max(id) FROM suggestions GROUP BY article_id)
    ),
    seen AS (
        SELECT x.article_id, x.kind, x.confidence, x.speaker_id, NULL AS speaker_name,
               x.status
        FROM annotations x WHERE x.annotator_id IS :ann
        UNION ALL
        SELECT s.article_id, s.kind, s.confidence, NULL, s.speaker_name, 'open'
        FROM suggestions s
        JOIN latest l ON l.article_id = s.article_id AND l.detector_version = s.detector_version
        WHERE NOT EXISTS (SELECT 1 FROM annotations x
                          WHERE x.annotator_id IS :ann AND x.article_id = s.article_id
                            AND (x.suggestion_id = s.id OR x.content_spans = s.content_spans))
    )
"""

# Two annotators disagree on an article when one has an accepted quote the other (who also
# annotated it) has not accepted with the same spans, kind, speaker, stance and target.
_DISAGREEMENT = (
    """
    SELECT DISTINCT a.article_id FROM annotations a
    JOIN annotations o ON o.article_id = a.article_id AND o.annotator_id <> a.annotator_id
    WHERE a.status = 'accepted'
      AND NOT EXISTS (
        SELECT 1 FROM annotations b
        WHERE b.article_id = a.article_id AND b.annotator_id = o.annotator_id
          AND"""
    + summary.SAME_ACCEPTED
    + ")\n"
)


# The fast forms, from the per-article summaries (annotator/store/summary.py): one pass
# over the articles' summary rows, one probe of the annotator's row each; an article where
# the annotator has no row shows them the latest run's suggestions, all open.
_SUMMARY_FROM = """
    SELECT s.article_id FROM article_summary s
    LEFT JOIN annotator_summary m ON m.annotator_id = :ann AND m.article_id = s.article_id
"""
_SUMMARY_WHERE = {
    "undecided": "coalesce(m.n_open, s.n_latest) > 0 OR m.n_pending > 0",
    "kind": "coalesce(m.kinds, s.kinds) & :bit",
    "confidence_below": "CASE WHEN m.article_id IS NULL THEN s.min_confidence"
    " ELSE m.min_confidence END < :limit",
}
_DISAGREEING = "SELECT article_id FROM article_summary WHERE disagree"
# The speaker filter: the annotator's annotations of the speaker (by registry id), then the
# latest run's suggestions naming them that the annotator has not handled, each found
# through its index (suggestions_speaker) instead of a pass over every suggestion.
_BY_SPEAKER = (
    """
    SELECT x.article_id FROM annotations x
    WHERE x.speaker_id = :sid AND x.annotator_id IS :ann
    UNION
    SELECT s.article_id FROM suggestions s
    JOIN article_summary v ON v.article_id = s.article_id
                          AND v.latest_version = s.detector_version
    WHERE s.speaker_name = :name COLLATE NOCASE
"""
    + counts.UNHANDLED_BY_ANN
)


def summary_filter_sql(name: str) -> str:
    """The summary query of filter ``name`` (undecided, kind, confidence_below)."""
    return _SUMMARY_FROM + " WHERE " + _SUMMARY_WHERE[name]


def filter_article_ids(
    project: Project,
    annotator: str | None,
    name: str,
    value: str = "",
    only: Sequence[int] | None = None,
) -> set[int]:
    """Ids of the articles one list filter keeps, for ``annotator``'s view of the project
    (``only``: among these articles alone; their rows are looked up by id, so after one
    decision the window asks about the one article it changed instead of the project).

    Args:
        name: one of :data:`ARTICLE_FILTERS`: ``undecided`` (a quote neither accepted nor
            rejected: an open suggestion or a pending annotation), ``speaker`` (a quote whose
            canonical speaker is ``value``, by registry name or alias, or a suggestion naming
            it), ``kind`` (a quote of kind ``value``), ``confidence_below`` (a detector
            confidence under ``value``), ``disagreement`` (annotators' accepted versions
            differ; any annotator, see ``_DISAGREEMENT``).
        value: the filter's value (ignored by ``undecided`` and ``disagreement``).

    Raises:
        ValueError: an unknown filter, or a value it cannot use (the message says why).
    """
    ann = project.annotator_id(annotator, create=False) if annotator else None
    params: dict[str, object] = {"ann": ann}
    if name == "undecided":
        where = "status IN ('open', 'pending')"
    elif name == "speaker":
        speaker = project.find_speaker(value)
        params["sid"] = speaker.id if speaker else -1
        params["name"] = speaker.name if speaker else value.strip()
        where = "(speaker_id = :sid OR speaker_name = :name COLLATE NOCASE)"
        if not value.strip():
            raise ValueError("give a speaker's name to filter by")
    elif name == "kind":
        if value not in ("direct", "mixed", "indirect"):
            raise ValueError(f"unknown quote kind {value!r}: use direct, mixed or indirect")
        params["kind"] = value
        params["bit"] = summary.KIND_BITS[value]
        where = "kind = :kind"
    elif name == "confidence_below":
        try:
            limit = float(value)
        except ValueError:
            raise ValueError(f"confidence {value!r} is not a number between 0 and 1") from None
        if not 0.0 <= limit <= 1.0:
            raise ValueError(f"confidence {value!r} is not between 0 and 1")
        params["limit"] = limit
        where = "confidence IS NOT NULL AND confidence < :limit"
    elif name == "disagreement":
        where = ""
    else:
        raise ValueError(f"unknown article filter {name!r}")
    current = summary.is_current(project.db.conn)
    if name == "disagreement":
        sql = _DISAGREEING if current else _DISAGREEMENT
    elif name in _SUMMARY_WHERE and current:
        sql = summary_filter_sql(name)
    elif name == "speaker" and current:
        sql = _BY_SPEAKER
    else:
        sql = _SEEN + f" SELECT DISTINCT article_id FROM seen WHERE {where}"
    if only is not None:
        # the condition is pushed into the query: each article's rows by their keys
        sql = (
            f"SELECT f.article_id FROM ({sql}) AS f"
            " WHERE f.article_id IN (SELECT value FROM json_each(:only))"
        )
        params["only"] = json.dumps([int(a) for a in only])
    return {int(r[0]) for r in project.db.execute(sql, params)}
