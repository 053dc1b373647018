"""Quote reports: who is quoted how often, by outlet, month, kind and gender, with charts.

The figures are counts in the store (:mod:`annotator.store.reports`); this module picks the
version of the quotes to count, and writes CSV, JSON or a self-contained HTML page whose
charts are drawn by matplotlib as inline SVG (readable offline, no script).
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from annotator.core.errors import AnnotatorError, Stopped
from annotator.core.model import left_out_line
from annotator.core.outputs import write_text_atomic
from annotator.core.wording import count_noun
from annotator.store.project import Project
from annotator.store.reports import (
    DIMENSIONS,
    QuoteSource,
    count_by,
    count_quotes,
    span_problems,
    stance_by,
)
from annotator.store.review import ReviewStore

FORMATS = ("csv", "json", "html")

_TITLES = {
    "speaker": "Who is quoted",
    "publisher": "Quotes by outlet",
    "month": "Quotes by month",
    "kind": "Direct, mixed and reported speech",
    "gender": "Quoted people by gender",
    "stance": "Stance",
    "target": "Stance targets",
}


@dataclass
class Report:
    """The counted tables of one report.

    Attributes:
        source: which version of the quotes was counted.
        total: quotes counted.
        tables: dimension -> rows (see :func:`annotator.store.reports.count_by`).
        stance_by_speaker: (speaker, stance) rows.
        stance_by_target: (target, stance) rows.
    """

    source: QuoteSource
    total: int
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    stance_by_speaker: list[dict[str, Any]] = field(default_factory=list)
    stance_by_target: list[dict[str, Any]] = field(default_factory=list)
    #: quotes not counted because a span cannot lie in their article's text (a project
    #: edited by hand), one ``article N, quote M: why`` line each
    left_out: list[str] = field(default_factory=list)


def choose_source(project: Project, annotator: str | None, gold: bool) -> QuoteSource:
    """The quotes to count: the given annotator's, gold, or the only annotator's.

    Raises:
        AnnotatorError: several annotators and no choice made, an unknown annotator, or
            ``gold`` in a project nobody has reviewed (a report of nothing, said instead).
    """
    if gold:
        if not ReviewStore(project).count_reviews():
            raise AnnotatorError(
                f"{project.path} has no reviews, so there are no gold versions to count;"
                " review articles first (Review > Review annotators), or count one"
                " annotator's quotes with --annotator NAME"
            )
        return QuoteSource(gold=True)
    names = project.annotators()
    if annotator is not None:
        if annotator not in names:
            raise AnnotatorError(
                f"no annotator {annotator!r} in {project.path} (annotators: "
                f"{', '.join(names) or 'none'})"
            )
        return QuoteSource(annotator=annotator)
    # who has quotes: a name that only opened the project (the first start's default
    # name, say) is no choice to make (tester20 U11)
    counts = project.annotation_counts()
    having = [name for name in names if counts.get(name, 0) > 0]
    if len(having) == 1:
        return QuoteSource(annotator=having[0])
    if not having:
        raise AnnotatorError(f"{project.path} has no annotations to report on")
    listed = ", ".join(f"{name} ({counts[name]:,})" for name in having)
    raise AnnotatorError(
        f"{project.path} has quotes of several annotators ({listed}); "
        "choose one with --annotator NAME, or --gold for the reviewed versions"
    )


def build_report(
    project: Project, source: QuoteSource, stop: Callable[[], bool] | None = None
) -> Report:
    """Count every dimension for one version of the quotes.

    A project-wide read (about 15 s for one annotator of a 100,000-article project), so
    the window runs it on a pool thread; ``stop()`` is asked between the counts.

    Raises:
        Stopped: ``stop()`` answered True (the count is no longer wanted).
    """
    bad = span_problems(project, source)
    if bad:  # counted nowhere, and said (the export's check, the same words)
        source = replace(source, exclude=frozenset(qid for _, qid, _ in bad))
    report = Report(source, count_quotes(project, source))
    prefix = "g" if source.gold else ""
    report.left_out = [left_out_line(aid, f"{prefix}{qid}", why) for aid, qid, why in bad]
    for dim in DIMENSIONS:
        if stop is not None and stop():
            raise Stopped
        report.tables[dim] = count_by(project, source, dim)
    report.stance_by_speaker = stance_by(project, source, "speaker")
    report.stance_by_target = stance_by(project, source, "target")
    return report


def write_report(report: Report, fmt: str, out: Path, by: str | None = None) -> None:
    """Write the report (CSV: the ``by`` table, speaker by default; JSON and HTML: all).

    Written to a temporary name first, then moved, so a failure leaves no half file.

    Raises:
        AnnotatorError: an unknown format or dimension; OutputError (one) when ``out``
            cannot be written, naming ``out`` and why (e.g. its folder does not exist).
    """
    if fmt not in FORMATS:
        raise AnnotatorError(f"unknown report format {fmt!r}; choose from {', '.join(FORMATS)}")
    if by is not None and by not in DIMENSIONS:
        raise AnnotatorError(f"unknown --by {by!r}; choose from {', '.join(DIMENSIONS)}")
    if fmt == "csv":
        text = report_csv(report, by or "speaker")
    elif fmt == "json":
        text = report_json(report, by)
    else:
        text = report_html(report, by)
    write_text_atomic(out, text)


#: What CSV and HTML reports write for a missing value (no speaker, no publisher, no date,
#: no stance, no target, no type or gender); JSON keeps null.
NONE_LABEL = "(none)"


def report_csv(report: Report, by: str) -> str:
    """One table as CSV: value, quotes, articles, speakers, share (+ speaker fields).

    A missing value is written as :data:`NONE_LABEL`, as the HTML report shows it: an empty
    cell would read as a blank that the analyst forgot to fill, and spreadsheet filters
    drop empty cells. Shares have four decimals (0..1); line ends are CRLF.
    """
    rows = report.tables[by]
    cols = ["value", "quotes", "articles", "speakers", "share"]
    if by == "speaker":
        cols += ["speaker_type", "gender", "gender_guessed"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([by if c == "value" else c for c in cols])
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in cols])
    return buf.getvalue()


def _cell(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4f}"
    return label(v)


def report_json(report: Report, by: str | None = None) -> str:
    """The report as JSON: source, total, tables (all, or the ``by`` one), stance by speaker."""
    tables = report.tables if by is None else {by: report.tables[by]}
    data = {
        "source": {"annotator": report.source.annotator, "gold": report.source.gold},
        "total_quotes": report.total,
        "tables": tables,
        "stance_by_speaker": report.stance_by_speaker,
        "stance_by_target": report.stance_by_target,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _bar_figure(labels: list[str], values: list[float], title: str, unit: str) -> Any:
    """A horizontal bar chart (matplotlib Figure, no pyplot state, no GUI backend)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    # 6 x (0.8 + 0.22 per bar) inches: 20 bars are 576 x 500 pixels at 96 dpi, which fit the
    # Summary view on a 1366 x 768 screen with their axis
    fig = Figure(figsize=(6.0, max(2.2, 0.8 + 0.22 * len(labels))), layout="constrained")
    ax = fig.add_subplot()
    ax.barh(range(len(values)), values, color="#4c72b0")
    if unit == "quotes":  # counts: whole-number ticks (one quote showed 0.0 to 0.8)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_yticks(range(len(labels)), labels=labels, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel(unit)
    ax.set_title(title, fontsize=11)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def bar_chart_svg(labels: list[str], values: list[float], title: str, unit: str = "quotes") -> str:
    """A horizontal bar chart drawn by matplotlib, as an inline ``<svg>`` element."""
    buf = io.StringIO()
    _bar_figure(labels, values, title, unit).savefig(buf, format="svg")
    svg = buf.getvalue()
    return svg[svg.index("<svg") :]


def chart_png(labels: list[str], values: list[float], title: str, unit: str = "quotes") -> bytes:
    """The same bar chart as PNG bytes (96 dpi; for the window's Summary view)."""
    buf = io.BytesIO()
    _bar_figure(labels, values, title, unit).savefig(buf, format="png", dpi=96)
    return buf.getvalue()


def chart_series(report: Report, by: str, top: int = 20) -> tuple[list[str], list[float]]:
    """Labels and quote counts of a table's first ``top`` rows (None shown as "(none)")."""
    rows = report.tables[by][:top]
    return [label(r["value"]) for r in rows], [float(r["quotes"]) for r in rows]


def label(value: Any) -> str:
    """A table value as a chart or cell label."""
    return NONE_LABEL if value is None or value == "" else str(value)


def report_html(report: Report, by: str | None = None) -> str:
    """A self-contained HTML page: one section per dimension, a chart and a table each."""
    order = [by] if by else []
    order += [d for d in DIMENSIONS if d not in order]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Quote report</title><style>",
        "body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}",
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;",
        "padding:.2em .6em;text-align:left}td.n{text-align:right}svg{max-width:100%;height:auto}",
        "</style></head><body>",
        "<h1>Quote report</h1>",
        f"<p>{count_noun(report.total, 'quote')} counted: "
        f"{html.escape(report.source.describe())}.</p>",
    ]
    for dim in order:
        rows = report.tables[dim]
        parts.append(f"<h2>{html.escape(_TITLES[dim])}</h2>")
        if not rows:
            parts.append("<p>No quotes.</p>")
            continue
        labels, values = chart_series(report, dim)
        parts.append(bar_chart_svg(labels, values, _TITLES[dim]))
        head = [dim, "quotes", "articles", "speakers", "share"]
        if dim == "speaker":
            head += ["type", "gender"]
        parts.append("<table><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>")
        for r in rows:
            cells = [
                f"<td>{html.escape(label(r['value']))}</td>",
                f"<td class=n>{r['quotes']}</td>",
                f"<td class=n>{r['articles']}</td>",
                f"<td class=n>{r['speakers']}</td>",
                f"<td class=n>{100 * r['share']:.1f}%</td>",
            ]
            if dim == "speaker":
                gender = label(r.get("gender")) + (" (guessed)" if r.get("gender_guessed") else "")
                cells += [
                    f"<td>{html.escape(label(r.get('speaker_type')))}</td>",
                    f"<td>{html.escape(gender)}</td>",
                ]
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</table>")
    for key, rows in (("speaker", report.stance_by_speaker), ("target", report.stance_by_target)):
        parts.append(f"<h2>Stance by {key}</h2><table><tr><th>{key}</th><th>stance</th>")
        parts.append("<th>quotes</th></tr>")
        for r in rows:
            parts.append(
                f"<tr><td>{html.escape(label(r[key]))}</td>"
                f"<td>{html.escape(label(r['stance']))}</td><td class=n>{r['quotes']}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "".join(parts)


def default_person(counts: Mapping[str, int], me: str | None) -> str | None:
    """The one person a view counts by default: ``me`` when I have quotes, else whoever
    has the most (first by name on a tie); None when nobody has any."""
    if me is not None and counts.get(me, 0) > 0:
        return me
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked[0][0] if ranked and ranked[0][1] > 0 else None


def count_summary(
    project: Project,
    source: QuoteSource | None,
    titles: dict[str, str],
    me: str | None,
    stop: Callable[[], bool],
    counted: Callable[[Report, dict[str, int] | None], None] | None = None,
) -> tuple[Report, dict[str, bytes], dict[str, int] | None]:
    """The window's quote summary: ``(report, charts, counts)`` with ``charts`` dimension ->
    PNG bytes (titled from ``titles``) and ``counts`` every annotator's accepted quotes
    when ``source`` is None (then the default person's are counted, or gold when nobody
    has any; else None). ``stop()`` is asked between steps. ``counted(report, counts)``
    is called as soon as the counting is done, before the charts are drawn: the first
    chart waits for matplotlib's import (about 2 s at load), which the figures need not.

    Raises:
        Stopped: ``stop()`` turned true.
    """
    counts: dict[str, int] | None = None
    if source is None:
        counts = project.annotation_counts("accepted")
        name = default_person(counts, me)
        source = QuoteSource(gold=True) if name is None else QuoteSource(annotator=name)
    report = build_report(project, source, stop=stop)
    if counted is not None:
        counted(report, counts)
    charts: dict[str, bytes] = {}
    for dim, rows in report.tables.items():
        if stop():
            raise Stopped("no longer wanted")
        if rows:
            labels, values = chart_series(report, dim)
            charts[dim] = chart_png(labels, values, titles.get(dim, dim))
    return report, charts, counts


def summary_in_child(
    args: dict[str, Any], progress: Callable[..., None], _stop: Any
) -> tuple[Report, dict[str, bytes], dict[str, int] | None]:
    """In a child process (:func:`~annotator.services.child_call.call_in_child`): the quote
    summary of ``{"path", "source": {"annotator", "gold"} or None, "titles", "me"}`` as
    :func:`count_summary` gives it. Here, not in the window's modules, so the child
    imports no Qt (review21 R8). Once counted, ``progress(1, 2, report, counts)`` sends
    the figures ahead of the charts (the first progress report always goes)."""
    source = None if args["source"] is None else QuoteSource(**args["source"])
    with Project.open(Path(args["path"]), create=False, readonly=True) as project:
        return count_summary(
            project,
            source,
            args["titles"],
            args["me"],
            lambda: False,
            counted=lambda report, counts: progress(1, 2, report, counts),
        )
