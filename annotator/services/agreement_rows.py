"""The agreement dashboard's figures as rows (pure, no Qt): the summary line, the chart's
rows and the tables' cells of an :class:`~annotator.services.agreement.AgreementReport`,
made off the window's thread (in a pool thread, or in a child process for a big project,
:func:`agreement_pieces`) so that showing them is a few model resets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from annotator.core.text import clip_title
from annotator.core.wording import plural
from annotator.services.agreement import AgreementReport, ArticleFigures, compute_agreement
from annotator.store.project import Project

METRICS: tuple[tuple[str, str, str], ...] = (
    ("quote_f1_lenient", "Quote F1 (lenient)", "#1f77b4"),
    ("quote_f1_jaccard", "Quote F1 (Jaccard ≥ 0.5)", "#6baed6"),
    ("speaker_agreement", "Speaker agreement", "#2ca02c"),
    ("stance_kappa", "Stance κ", "#ff7f0e"),
)


def many(count: int, singular: str) -> str:
    """``20,000 articles``: the count with thousands separated, and the noun agreeing."""
    return f"{count:,} {plural(count, singular)}"


def fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


@dataclass(frozen=True)
class Cell:
    """One table cell: its text, right-aligned or not, and a bar share (0 to 1) or None."""

    text: str
    right: bool = False
    bar: float | None = None


@dataclass(frozen=True)
class DashboardRows:
    """Everything the window shows of a report, made off the GUI thread so that showing
    it is a few model resets (20,000 article rows were 1.5 s of table items)."""

    report: AgreementReport
    summary: str
    chart: list[tuple[str, list[float | None]]]
    pairs: list[tuple[Cell, ...]]
    annotators: list[tuple[Cell, ...]]
    #: the article rows, worst first: figures formatted only when a row is shown
    #: (:class:`ArticlesModel`), so 20,000 of them are 20,000 objects, not 140,000
    articles: list[ArticleFigures]
    #: "alice / me" of each pair with no article annotated by both (not charted, no row)
    empty_pairs: list[str] = field(default_factory=list)


def dashboard_rows(report: AgreementReport) -> DashboardRows:
    """The summary line, chart rows and table rows of ``report`` (pure, no Qt)."""
    n = len(report.annotators)
    alpha = (
        f"n/a ({report.stance_alpha_note or 'fewer than two stance labels in use'})"
        if report.stance_alpha is None
        else f"{report.stance_alpha:.3f}"
    )
    compared = len(report.per_article)
    shared = [p for p in report.pairs if p.articles > 0]
    empty = [f"{p.a} / {p.b}" for p in report.pairs if p.articles == 0]
    summary = (
        f"<b>{many(n, 'annotator')}</b>, {many(len(shared), 'pair')} sharing articles,"
        f" {many(compared, 'article')} with two versions or more · "
        f"Krippendorff's α (stance, nominal) over all: <b>{alpha}</b> · "
        f"gold: {many(report.gold_quotes, 'quote')},"
        f" {many(report.gold_articles, 'review')} finished · "
        "A is gold and B the prediction, as in the reference scorer"
    )
    chart = [(f"{p.a} / {p.b}", [getattr(p, key) for key, _, _ in METRICS]) for p in shared]
    pairs: list[tuple[Cell, ...]] = [
        (
            Cell(p.a),
            Cell(p.b),
            Cell(fmt(p.quote_f1_lenient), True),
            Cell(fmt(p.quote_f1_jaccard), True),
            Cell(fmt(p.speaker_agreement), True),
            Cell(fmt(p.stance_kappa), True),
            Cell(f"{p.articles:,}", True),
            Cell(f"{p.disagreements:,}", True),
        )
        for p in shared
    ]
    annotators: list[tuple[Cell, ...]] = [
        (
            Cell(f.name),
            Cell(f"{f.accepted:,}", True),
            Cell(f"{f.rejected:,}", True),
            Cell(f"{f.pending:,}", True),
            Cell(f"{f.articles_annotated:,}", True),
            Cell(f"{f.articles_done:,}", True),
            Cell(f"{100 * f.progress:.0f}% of {f.articles_total:,}", bar=f.progress),
        )
        for f in report.per_annotator
    ]
    return DashboardRows(report, summary, chart, pairs, annotators, report.per_article, empty)


def article_cells(x: ArticleFigures, worst: int) -> tuple[Cell, ...]:
    """The row of one article: disagreements (bar: share of ``worst``, the most of any
    article), quotes contested, id and title."""
    return (
        Cell(f"{x.disagreements:,}", True, x.disagreements / (worst or 1)),
        Cell(f"{x.contested} of {x.quotes}", True),
        Cell(f"#{x.id}  {clip_title(x.title)}"),
    )


def known_annotator_rows(
    names: Sequence[str], accepted: dict[str, int | None], before: Sequence[tuple[Cell, ...]]
) -> list[tuple[Cell, ...]]:
    """Per-annotator rows shown while the figures are computed: a row of ``before`` (the
    last report's) when it has the name, else the name and its accepted quotes (known
    at once) with "…" for what the computation gives."""
    old = {row[0].text: row for row in before}
    rows: list[tuple[Cell, ...]] = []
    for name in names:
        if name in old:
            rows.append(old[name])
            continue
        n = accepted.get(name)
        rows.append(
            (
                Cell(name),
                Cell("…" if n is None else f"{n:,}", True),
                *(Cell("…", True) for _ in range(4)),
                Cell("…"),
            )
        )
    return rows


#: Rows of the article table sent from the child process in one message (each message is
#: unpickled in this process: a few milliseconds, never the whole table at once).
_ROWS_PER_MESSAGE = 1000


def agreement_pieces(
    args: dict[str, Any], progress: Callable[[int, int], None], _stop: Callable[[], bool]
) -> Iterator[Any]:
    """In the child process (:func:`~annotator.services.child_call.call_in_child`): the
    dashboard's rows of ``{"path", "annotators"}``, yielded in pieces: the rows without
    the article table, then the article table by :data:`_ROWS_PER_MESSAGE`."""
    with Project.open(Path(args["path"]), create=False, readonly=True) as project:
        report = compute_agreement(project, args["annotators"], progress=progress)
    rows = dashboard_rows(report)
    per_article = report.per_article
    report.per_article = []
    yield replace(rows, articles=[])
    for k in range(0, len(per_article), _ROWS_PER_MESSAGE):
        yield per_article[k : k + _ROWS_PER_MESSAGE]
