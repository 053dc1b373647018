"""``annotator report PROJECT.db [--by DIM] [--annotator NAME | --gold] [--format F] -o OUT``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from annotator.commands.notes import say_open_note
from annotator.core.outputs import check_output
from annotator.core.wording import count_noun
from annotator.services.report import FORMATS, build_report, choose_source, write_report
from annotator.store.project import Project
from annotator.store.reports import DIMENSIONS


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "report",
        help="who is quoted how often: by speaker, outlet, month, kind, gender",
        description="Count one version of every quote (an annotator's accepted quotes, or "
        "the gold versions) by speaker, publisher, month, kind, gender and stance; write "
        "CSV (one table), JSON or a self-contained HTML page with charts. A missing value "
        "(a quote without a canonical speaker or stance, an article without a publisher or "
        "date, a speaker without a type or gender) is written as (none) in CSV and HTML, "
        "and as null in JSON. Months come from ISO dates (2020-09-21); an article whose "
        "date is something else counts under (unknown date).",
    )
    p.add_argument("project", help="the project file (.db)")
    p.add_argument(
        "--by", choices=DIMENSIONS, help="the table for CSV (default speaker); shown first in HTML"
    )
    who = p.add_mutually_exclusive_group()
    who.add_argument("--annotator", help="count this annotator's accepted quotes")
    who.add_argument("--gold", action="store_true", help="count the reviewed (gold) versions")
    p.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="csv, json or html (default: from the extension of -o); csv and html write a "
        "missing value as (none), json as null",
    )
    p.add_argument("-o", "--output", required=True, help="the file to write")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.output)
    fmt = args.format or (out.suffix.lstrip(".").lower() if out.suffix else "html")
    if fmt == "htm":
        fmt = "html"
    check_output(out)  # before the counting, which takes a while on a large project
    with Project.open(args.project, create=False, readonly=True) as project:
        say_open_note(project)
        source = choose_source(project, args.annotator, args.gold)
        report = build_report(project, source)
    for line in report.left_out:  # a project edited by hand: said, never counted
        print(f"warning: left out of the report: {line}", file=sys.stderr)
    write_report(report, fmt, out, args.by)
    print(f"{count_noun(report.total, 'quote')} ({source.describe()}) -> {out}")
    return 0
