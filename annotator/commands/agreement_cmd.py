"""``annotator agreement PROJECT.db [--annotators A B ...] [--json]``: agreement figures."""

from __future__ import annotations

import argparse
import json
import sys

from annotator.commands.notes import say_open_note
from annotator.core.wording import count_noun
from annotator.services.agreement import AgreementReport, compute_agreement
from annotator.store.project import Project


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``agreement`` sub-command."""
    p = sub.add_parser(
        "agreement",
        help="inter-annotator agreement: quote F1, speaker agreement, stance kappa and alpha",
        description=(
            "For each pair of annotators (A, B): quote F1 with A as gold and B as prediction "
            "(lenient and Jaccard >= 0.5, the reference scorer's definitions), speaker "
            "agreement (the scorer's speaker accuracy) and Cohen's kappa of stance; over all "
            "of them, Krippendorff's alpha of stance; per annotator, counts and progress; per "
            "article, the number of disagreements, worst first. Only accepted annotations "
            "count."
        ),
    )
    p.add_argument("project", metavar="PROJECT.db", help="the project file")
    p.add_argument(
        "--annotators",
        nargs="+",
        metavar="NAME",
        help="annotators to compare, in pair order (default: all)",
    )
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument(
        "--articles",
        type=int,
        default=10,
        metavar="N",
        help="how many articles to list, worst first (default 10; 0 for all)",
    )
    p.set_defaults(func=run)


def _f(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:6.3f}"


def format_report(report: AgreementReport, n_articles: int = 10) -> list[str]:
    """The figures as aligned text lines."""
    out = []
    width = max([len(n) for n in report.annotators] + [4])
    if len(report.annotators) < 2:
        out.append("Agreement needs at least two annotators.")
    else:
        out.append(
            f"{'A (gold)':<{width}}  {'B':<{width}}  F1 lenient  F1 J>=0.5  speaker  "
            "speaker(canon.)  stance kappa  articles  A quotes  B quotes"
        )
        for p in report.pairs:
            if not p.articles:
                out.append(
                    f"{p.a:<{width}}  {p.b:<{width}}  n/a: no shared article "
                    f"(0 shared articles; {p.quotes_a} and {p.quotes_b} quotes elsewhere)"
                )
                continue
            out.append(
                f"{p.a:<{width}}  {p.b:<{width}}  {_f(p.quote_f1_lenient):>10}  "
                f"{_f(p.quote_f1_jaccard):>9}  {_f(p.speaker_agreement):>7}  "
                f"{_f(p.speaker_agreement_canonical):>15}  {_f(p.stance_kappa):>12}  "
                f"{p.articles:>8}  {p.quotes_a:>8}  {p.quotes_b:>8}"
            )
        out.append("")
        out.append(
            f"Stance, Krippendorff's alpha (nominal) over "
            f"{count_noun(len(report.annotators), 'annotator')}: "
            + (
                f"n/a ({report.stance_alpha_note or 'fewer than two stance labels given'})"
                if report.stance_alpha is None
                else f"{report.stance_alpha:.3f}"
            )
        )
    out.append("")
    out.append(f"{'annotator':<{width}}  accepted  rejected  pending  articles  done  progress")
    for a in report.per_annotator:
        out.append(
            f"{a.name:<{width}}  {a.accepted:>8}  {a.rejected:>8}  {a.pending:>7}  "
            f"{a.articles_annotated:>8}  {a.articles_done:>4}  {100 * a.progress:>7.0f}%"
        )
    if report.per_article:
        shown = report.per_article if n_articles <= 0 else report.per_article[:n_articles]
        out.append("")
        out.append("Articles by disagreements (summed over pairs), worst first:")
        for r in shown:
            out.append(
                f"{r.disagreements:>5}  {r.contested:>3}/{r.quotes:<3} quotes contested  "
                f"#{r.id} {r.title[:70]}"
            )
        if len(shown) < len(report.per_article):
            out.append(f"  … {len(report.per_article) - len(shown)} more (--articles 0 for all)")
    out.append("")
    out.append(
        f"Gold: {count_noun(report.gold_quotes, 'quote')},"
        f" {count_noun(report.gold_articles, 'review')} finished"
    )
    return out


def run(args: argparse.Namespace) -> int:
    with Project.open(args.project, create=False, readonly=True) as project:
        say_open_note(project)
        report = compute_agreement(project, args.annotators)
    for line in report.left_out:  # a project edited by hand: said, never counted
        print(f"warning: left out of the figures: {line}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(format_report(report, args.articles)))
    return 0
