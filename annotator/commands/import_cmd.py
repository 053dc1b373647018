"""``annotator import PROJECT.db PATH... [--annotator NAME]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from annotator.commands import CliError
from annotator.services.importing import import_paths
from annotator.store.project import Project


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "import",
        help="import articles (.txt, quote or Prodigy .jsonl, .csv, brat folders) into a project",
        description=(
            "Import articles into PROJECT.db (created if missing): .txt files (first "
            "non-empty line is the title), quote JSONL (with or without quotes), Prodigy task "
            "JSONL, CSV with a text column, brat standoff folders (PolNeAR convention), and "
            "folders of them, recursively. Quotes with origin 'model' and no annotator, and "
            "the output folder of 'annotator detect --scheduler', become suggestions for "
            "every annotator, not anybody's annotations. Articles already in the project are "
            "skipped; each file gets a line in the report."
        ),
    )
    p.add_argument("project", help="the project file (.db)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to import")
    p.add_argument(
        "--annotator",
        help="owner of imported quotes that name no annotator (default: 'imported')",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    with Project.open(args.project) as project:
        bar = tqdm(total=0, unit="step", disable=args.quiet or None, file=sys.stderr, leave=False)

        def progress(done: int, total: int, current: str) -> None:
            bar.total = total
            if current:
                bar.set_postfix_str(Path(current).name[-40:], refresh=False)
            bar.update(done - bar.n)  # tqdm redraws at most every 0.1 s

        try:
            report = import_paths(project, args.paths, args.annotator, progress)
        finally:
            bar.close()
    for line in report.lines():
        print(line)
    print(report.summary())
    if not report.files:
        raise CliError(
            "no file to import (folders are searched for .txt, .jsonl, .csv and brat .ann files)"
        )
    if len(report.failed) == len(report.files):
        return 1
    return 0
