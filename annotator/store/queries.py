"""Read queries the annotation window needs beyond :class:`Project` (lists, counts, lookups).

Functions take an open :class:`Project` and only read. The quote counts are computed in
:mod:`annotator.store.counts` (this module hands them on, for the callers that import them
from here).
"""

from __future__ import annotations

from annotator.core.model import Quote
from annotator.store import counts
from annotator.store.counts import ArticleRow as ArticleRow
from annotator.store.counts import Totals as Totals
from annotator.store.project import Project, quote_from_row


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
    """Registry names and aliases, for autocompletion."""
    out: list[str] = []
    for sp in project.speakers():
        out.append(sp.name)
        out.extend(sp.aliases)
    return out


def article_status(project: Project, article_id: int, annotator: str) -> str:
    """The annotator's status on an article (new, in_progress, done)."""
    return project.progress(article_id, annotator)


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
