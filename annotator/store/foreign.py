"""Raw rows of another project file, for ``merge`` to validate before anything is copied.

A project file can come from anyone and SQLite's foreign keys are off unless a connection
turns them on, so its rows may point at nothing, and any column may hold any type. These
readers return rows as SQLite gives them (the caller validates them with
:func:`annotator.core.schema.check_row`), and :func:`dangling_rows` names the rows a merge
never reaches because what they point at is missing. Only tables are read: a file with views
or foreign triggers is refused when it is opened (:mod:`annotator.store.schema_check`).
"""

from __future__ import annotations

from typing import Any

from annotator.store.project import Project

#: Rows named per check of :func:`dangling_rows`; more are counted, not listed.
LISTED = 10

# (table, what is wrong, the query giving each such row's label); every query reads tables only
_DANGLING: tuple[tuple[str, str, str], ...] = (
    (
        "reviews",
        "its article_id names no article",
        "SELECT 'row ' || quote(id) FROM reviews WHERE article_id NOT IN (SELECT id FROM articles)",
    ),
    (
        "gold_quotes",
        "its review_id names no review",
        "SELECT 'row ' || quote(id) FROM gold_quotes"
        " WHERE review_id NOT IN (SELECT id FROM reviews)",
    ),
    (
        "gold_quotes",
        "its article_id is not its review's article",
        "SELECT 'row ' || quote(g.id) FROM gold_quotes g JOIN reviews r ON r.id = g.review_id"
        " WHERE g.article_id IS NOT r.article_id",
    ),
    (
        "left_out",
        "its review_id names no review",
        "SELECT 'row (review ' || quote(review_id) || ', annotation '"
        " || quote(annotation_id) || ')'"
        " FROM left_out WHERE review_id NOT IN (SELECT id FROM reviews)",
    ),
    (
        "article_progress",
        "its article_id names no article",
        "SELECT 'row (article ' || quote(article_id) || ', annotator '"
        " || quote(annotator_id) || ')'"
        " FROM article_progress WHERE article_id NOT IN (SELECT id FROM articles)",
    ),
    (
        "annotations",
        "its annotator_id names no annotator",
        "SELECT 'row ' || quote(id) FROM annotations"
        " WHERE annotator_id NOT IN (SELECT id FROM annotators)",
    ),
)


def dangling_rows(project: Project) -> list[str]:
    """``table row: problem; skipped`` for each row whose reference leads nowhere (at most
    :data:`LISTED` per kind, then a count of the rest)."""
    out: list[str] = []
    for table, problem, sql in _DANGLING:
        labels = [str(r[0])[:80] for r in project.db.execute(f"{sql} LIMIT {LISTED + 1}")]
        out.extend(f"{table} {label}: {problem}; skipped" for label in labels[:LISTED])
        if len(labels) > LISTED:
            count = int(project.db.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0])
            whose = problem.removeprefix("its ")
            out.append(f"{table}: {count - LISTED} more rows whose {whose}; skipped")
    return out


def review_rows(project: Project, article_id: int) -> list[dict[str, Any]]:
    """The article's ``reviews`` rows as stored, by id."""
    return list(
        project.db.query("SELECT * FROM reviews WHERE article_id = ? ORDER BY id", [article_id])
    )


def progress_rows(project: Project, article_id: int) -> list[dict[str, Any]]:
    """The article's ``article_progress`` rows as stored, with the annotator's name
    (``annotator``; None when ``annotator_id`` names nobody)."""
    return list(
        project.db.query(
            "SELECT p.*, a.name AS annotator FROM article_progress p"
            " LEFT JOIN annotators a ON a.id = p.annotator_id WHERE p.article_id = ?"
            " ORDER BY p.rowid",
            [article_id],
        )
    )


def left_out_rows(project: Project, review_id: int) -> list[dict[str, Any]]:
    """A review's ``left_out`` rows as stored, with the article of the annotation each names
    (``annotation_article``; None when ``annotation_id`` names no annotation)."""
    return list(
        project.db.query(
            "SELECT l.*, a.article_id AS annotation_article FROM left_out l"
            " LEFT JOIN annotations a ON a.id = l.annotation_id WHERE l.review_id = ?"
            " ORDER BY l.rowid",
            [review_id],
        )
    )
