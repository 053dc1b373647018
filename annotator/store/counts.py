"""Quote counts per article and per annotator: the one place they are computed.

The article list, its per-row refresh, the progress totals and the window's detection
progress all read these figures (through :meth:`Project.article_summaries`,
:meth:`Project.article_row` and :meth:`Project.totals`), so they always agree.

An annotator's quotes in an article are their annotations plus the suggestions of the
article's newest detector run (the version of its newest suggestion row, as
:meth:`Project.suggestions` picks them) that they have not handled yet; a suggestion counts
as handled when one of their annotations points at it or has exactly the same content spans.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.store import summary

if TYPE_CHECKING:
    from annotator.store.project import Project

# The condition (to follow a WHERE) that `:ann` has not handled suggestion `s`: no annotation
# of theirs links to it and none has its content spans. One text for the list's counts and
# the speaker filter (summary.py states the same per (annotator, article) pair).
UNHANDLED_BY_ANN = """
      AND NOT EXISTS (SELECT 1 FROM annotations x
                      WHERE x.annotator_id IS :ann AND x.suggestion_id = s.id)
      AND NOT EXISTS (SELECT 1 FROM annotations x
                      WHERE x.article_id = s.article_id AND x.annotator_id IS :ann
                        AND x.content_spans = s.content_spans)
"""

# The suggestions of an article's newest detector run that `:ann` has not handled yet.
_OPEN_SUGGESTIONS = (
    """
    SELECT count(*) FROM suggestions s
    WHERE s.article_id = :article
      AND s.detector_version = (SELECT s2.detector_version FROM suggestions s2
                                WHERE s2.article_id = :article ORDER BY s2.id DESC LIMIT 1)
"""
    + UNHANDLED_BY_ANN
)

# Per-article counts for one annotator (`:ann`): their annotations (mine) and the open
# suggestions of each article's newest detector run (open_sugg).
_COUNTS_CTE = (
    """
        WITH latest AS (
            SELECT s.article_id, s.detector_version FROM suggestions s
            WHERE s.id IN (SELECT max(id) FROM suggestions
                           WHERE article_id BETWEEN :lo AND :hi GROUP BY article_id)
        ),
        open_sugg AS (
            SELECT s.article_id, count(*) AS n FROM suggestions s
            JOIN latest l ON l.article_id = s.article_id
                         AND l.detector_version = s.detector_version
            WHERE s.article_id BETWEEN :lo AND :hi
            """
    + UNHANDLED_BY_ANN
    + """
            GROUP BY s.article_id
        ),
        mine AS (
            SELECT article_id, count(*) AS n,
                   sum(status IN ('accepted', 'rejected')) AS done,
                   sum(status = 'accepted') AS acc
            FROM annotations WHERE annotator_id IS :ann AND article_id BETWEEN :lo AND :hi
            GROUP BY article_id
        )
"""
)


@dataclass(frozen=True)
class ArticleRow:
    """One row of the article list for one annotator (no text): the only such row type."""

    id: int
    title: str
    publisher: str  # meta["publisher"], "" when absent
    date: str  # meta["date"] as stored, "" when absent
    status: str  # new | in_progress | done
    quotes_done: int  # the annotator's accepted or rejected quotes
    quotes_total: int  # the annotator's quotes plus suggestions they have not handled
    n_annotations: int = 0  # the annotator's annotations (any status)
    n_accepted: int = 0  # of which accepted


@dataclass(frozen=True)
class Totals:
    """Progress of one annotator over the whole project."""

    articles_done: int
    articles: int
    quotes_done: int
    quotes: int


def _annotator(project: Project, annotator: str | None) -> int | None:
    return project.annotator_id(annotator, create=False) if annotator else None


#: Ids cover every article when no page is asked for.
_ALL = {"lo": -(2**63), "hi": 2**63 - 1}


def article_page_bounds(project: Project, after_id: int, limit: int) -> tuple[int, int] | None:
    """(first id, last id) of the next ``limit`` articles with ids above ``after_id``, or
    None when there are none: the id range :func:`article_rows` reads as one page."""
    row = project.db.execute(
        "SELECT min(id), max(id) FROM (SELECT id FROM articles WHERE id > ? ORDER BY id LIMIT ?)",
        [after_id, limit],
    ).fetchone()
    return None if row is None or row[0] is None else (int(row[0]), int(row[1]))


def article_rows(
    project: Project, annotator: str | None, ids: tuple[int, int] | None = None
) -> list[ArticleRow]:
    """Rows for the article list, in id order: metadata, status and quote counts.

    ``ids`` = (first, last) reads only the articles with ids in that range (a page, see
    :func:`article_page_bounds`); every part of the query then walks an index over that
    range only, so a page costs the same in a project of 1,000 or 100,000 articles.
    Grouped aggregates instead of per-row subqueries.
    """
    sql = (
        _COUNTS_CTE
        + """
        SELECT a.id, a.title,
               coalesce(json_extract(a.meta, '$.publisher'), '') AS publisher,
               coalesce(json_extract(a.meta, '$.date'), '') AS date,
               coalesce(p.status, 'new') AS status,
               coalesce(m.done, 0) AS done,
               coalesce(m.n, 0) + coalesce(o.n, 0) AS total,
               coalesce(m.n, 0), coalesce(m.acc, 0)
        FROM articles a
        LEFT JOIN article_progress p ON p.article_id = a.id AND p.annotator_id IS :ann
        LEFT JOIN mine m ON m.article_id = a.id
        LEFT JOIN open_sugg o ON o.article_id = a.id
        WHERE a.id BETWEEN :lo AND :hi
        ORDER BY a.id
    """
    )
    bounds = _ALL if ids is None else {"lo": ids[0], "hi": ids[1]}
    return [
        ArticleRow(
            int(r[0]),
            str(r[1]),
            str(r[2]),
            str(r[3]),
            str(r[4]),
            int(r[5]),
            int(r[6]),
            int(r[7]),
            int(r[8]),
        )
        for r in project.db.execute(sql, {"ann": _annotator(project, annotator), **bounds})
    ]


def article_row(project: Project, article_id: int, annotator: str | None) -> ArticleRow:
    """The list row of one article (after a change to it); KeyError for an unknown id."""
    rows = article_rows_for(project, annotator, [article_id])
    if not rows:
        raise KeyError(f"no article {article_id}")
    return rows[0]


# The totals of :func:`totals`. An annotator's open suggestions over the whole project are
# the suggestions of every article's newest run (counted in the index alone, no row read)
# less those the annotator handled, looked for only in the articles they have annotations
# in: a third less work at 100,000 articles than testing every suggestion (issue 16).
_TOTALS = """
    WITH latest AS MATERIALIZED (
        SELECT s.article_id, s.detector_version FROM suggestions s
        WHERE s.id IN (SELECT max(id) FROM suggestions GROUP BY article_id)
    ),
    touched AS MATERIALIZED (
        SELECT DISTINCT article_id FROM annotations WHERE annotator_id IS :ann
    )
    SELECT
      (SELECT count(*) FROM article_progress WHERE annotator_id IS :ann AND status = 'done'),
      (SELECT count(*) FROM articles),
      (SELECT coalesce(sum(status IN ('accepted', 'rejected')), 0) FROM annotations
         WHERE annotator_id IS :ann),
      (SELECT count(*) FROM annotations WHERE annotator_id IS :ann)
      + (SELECT count(*) FROM latest l JOIN suggestions s
           ON s.article_id = l.article_id AND s.detector_version = l.detector_version)
      - (SELECT count(*) FROM touched t
           JOIN latest l ON l.article_id = t.article_id
           JOIN suggestions s ON s.article_id = l.article_id
                             AND s.detector_version = l.detector_version
         WHERE EXISTS (SELECT 1 FROM annotations x
                       WHERE x.annotator_id IS :ann AND x.suggestion_id = s.id)
            OR EXISTS (SELECT 1 FROM annotations x
                       WHERE x.article_id = s.article_id AND x.annotator_id IS :ann
                         AND x.content_spans = s.content_spans))
"""


# The same totals from the per-article summaries (annotator/store/summary.py), when they
# are current: the annotator's rows give their annotations (of which pending) and the open
# suggestions of the articles they have rows in; every other article shows its newest
# run's suggestions (n_latest). At 100,000 articles: 0.03-0.1 s against 3.4-4.1 s, and the
# summaries are small tables, so the count no longer competes with the window for the disk.
_TOTALS_FROM_SUMMARIES = """
    SELECT
      (SELECT count(*) FROM article_progress WHERE annotator_id IS :ann AND status = 'done'),
      (SELECT count(*) FROM articles),
      (SELECT coalesce(sum(n_annotations - n_pending), 0) FROM annotator_summary
         WHERE annotator_id IS :ann),
      (SELECT coalesce(sum(n_annotations + n_open), 0) FROM annotator_summary
         WHERE annotator_id IS :ann)
      + (SELECT coalesce(sum(n_latest), 0) FROM article_summary)
      - (SELECT coalesce(sum(v.n_latest), 0) FROM annotator_summary m
           JOIN article_summary v ON v.article_id = m.article_id
         WHERE m.annotator_id IS :ann)
"""


def totals(project: Project, annotator: str | None) -> Totals:
    """Articles and quotes the annotator has done, out of the project's totals (the sums
    of :func:`article_rows` over every article). Read from the per-article summaries when
    they hold every write (0.03-0.1 s at 100,000 articles), else counted from the quotes
    (seconds at 100,000 articles); the window runs it on a pool thread either way."""
    sql = _TOTALS_FROM_SUMMARIES if summary.is_current(project.db.conn) else _TOTALS
    row = project.db.execute(sql, {"ann": _annotator(project, annotator)}).fetchone()
    return Totals(int(row[0]), int(row[1]), int(row[2]), int(row[3]))


def article_ids(project: Project) -> list[int]:
    """Every article id in id order, all the article list needs to know its length and
    order before sorting. Read from the smallest index that holds the ids (the unique
    content hash), then sorted here: ``ORDER BY id`` walks the table itself, whose pages
    hold the texts (measured at 100,000 articles: 0.08 s against 0.44 s warm, 0.8 s
    cold). The ids come back as one JSON array, parsed in C: a Python object per row took
    0.065 s of the window's start at 100,000 articles, the array 0.025 s."""
    row = project.db.execute("SELECT json_group_array(id) FROM articles").fetchone()
    ids: list[int] = json.loads(row[0])
    ids.sort()
    return ids


def article_ids_after(project: Project, after: int) -> list[int]:
    """The ids above ``after``, in id order (the articles an import just added: new ids
    are above every older one); a range of the primary key, read in microseconds."""
    rows = project.db.execute(
        "SELECT id FROM articles WHERE id > :after ORDER BY id", {"after": after}
    ).fetchall()
    return [int(r[0]) for r in rows]


def article_rows_for(project: Project, annotator: str | None, ids: list[int]) -> list[ArticleRow]:
    """The list rows of ``ids`` (one page of the article list, in the order of ``ids``;
    unknown ids are left out): the query of :func:`article_row` for each id, every part
    an indexed lookup of one article, so a page of 100 rows costs the same in a project of
    1,000 or 100,000 articles."""
    if not ids:
        return []
    sql = f"""
        SELECT a.id, a.title,
               coalesce(json_extract(a.meta, '$.publisher'), '') AS publisher,
               coalesce(json_extract(a.meta, '$.date'), '') AS date,
               coalesce((SELECT p.status FROM article_progress p WHERE p.article_id = a.id
                         AND p.annotator_id IS :ann), 'new') AS status,
               (SELECT count(*) FROM annotations x WHERE x.article_id = a.id
                  AND x.annotator_id IS :ann AND x.status IN ('accepted', 'rejected')) AS done,
               (SELECT count(*) FROM annotations x WHERE x.article_id = a.id
                  AND x.annotator_id IS :ann) AS n_ann,
               (SELECT count(*) FROM annotations x WHERE x.article_id = a.id
                  AND x.annotator_id IS :ann AND x.status = 'accepted') AS n_acc,
               ({_OPEN_SUGGESTIONS.replace(":article", "a.id")}) AS n_open
        FROM articles a WHERE a.id IN (SELECT value FROM json_each(:ids))
    """
    params = {"ann": _annotator(project, annotator), "ids": json.dumps(ids)}
    found = {
        int(r[0]): ArticleRow(
            int(r[0]),
            str(r[1]),
            str(r[2]),
            str(r[3]),
            str(r[4]),
            int(r[5]),
            int(r[6]) + int(r[8]),
            int(r[6]),
            int(r[7]),
        )
        for r in project.db.execute(sql, params)
    }
    return [found[i] for i in ids if i in found]


# The sort by Quotes from the per-article summaries (annotator/store/summary.py): the
# annotator's quotes of an article are their annotations plus the latest run's suggestions
# they have not handled.
_BY_QUOTES = """
    SELECT s.article_id FROM article_summary s
    LEFT JOIN annotator_summary m ON m.annotator_id = :ann AND m.article_id = s.article_id
    ORDER BY coalesce(m.n_annotations, 0) + coalesce(m.n_open, s.n_latest) {way},
             s.article_id {way}
"""

#: What the article list sorts by, per column (Title, Publisher, Date, Status, Quotes).
_ORDER_KEYS = (
    "lower(coalesce(a.title, ''))",
    "lower(coalesce(json_extract(a.meta, '$.publisher'), ''))",
    "coalesce(json_extract(a.meta, '$.date'), '')",
    "CASE coalesce(p.status, 'new') WHEN 'new' THEN 0 WHEN 'in_progress' THEN 1"
    " WHEN 'done' THEN 2 ELSE 3 END",
    "coalesce(m.n, 0) + coalesce(o.n, 0)",
)


def article_order(
    project: Project, annotator: str | None, column: int, descending: bool
) -> list[int]:
    """Every article id in the list's order by ``column`` (0 title, 1 publisher, 2 date,
    3 status new < in progress < done, 4 the annotator's quotes; -1 or out of range: id),
    ties by id. A project-wide query (about a second at 100,000 articles by quotes), so
    the window runs it on a pool thread."""
    if not 0 <= column < len(_ORDER_KEYS):
        return sorted(article_ids(project), reverse=descending)
    way = "DESC" if descending else "ASC"
    if column == 4 and summary.is_current(project.db.conn):
        sql = _BY_QUOTES.format(way=way)
        return [int(r[0]) for r in project.db.execute(sql, {"ann": _annotator(project, annotator)})]
    joins = " LEFT JOIN article_progress p ON p.article_id = a.id AND p.annotator_id IS :ann"
    sql = f"SELECT a.id FROM articles a{joins}"
    if column == 4:
        sql = (
            _COUNTS_CTE
            + f"SELECT a.id FROM articles a{joins}"
            + " LEFT JOIN mine m ON m.article_id = a.id"
            + " LEFT JOIN open_sugg o ON o.article_id = a.id"
        )
    sql += f" ORDER BY {_ORDER_KEYS[column]} {way}, a.id {way}"
    params = {"ann": _annotator(project, annotator), **_ALL}
    return [int(r[0]) for r in project.db.execute(sql, params)]


def article_statuses(project: Project, annotator: str | None) -> dict[int, str]:
    """Article id -> the annotator's status, for the articles they have a progress row on
    (every other article is ``new``): one indexed read of their progress rows."""
    ann = _annotator(project, annotator)
    if ann is None:
        return {}
    return {
        int(r[0]): str(r[1])
        for r in project.db.execute(
            "SELECT article_id, status FROM article_progress WHERE annotator_id = ?", [ann]
        )
    }
