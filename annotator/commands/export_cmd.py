"""``annotator export PROJECT.db --format FORMAT -o PATH [filters] [--split 0.8,0.1,0.1]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from annotator.commands import CliError
from annotator.commands.notes import say_open_note
from annotator.core.model import KINDS, STATUSES
from annotator.core.outputs import write_problem
from annotator.services.export import (
    FORMATS,
    AnnotatorChoiceNeeded,
    ExportError,
    ExportOptions,
    export_project,
    parse_split,
)
from annotator.store.project import Project


def _csv_list(values: list[str] | None) -> tuple[str, ...]:
    """Repeated and comma-separated option values, in order, without repeats."""
    out: list[str] = []
    for value in values or []:
        for item in value.split(","):
            item = item.strip()
            if item and item not in out:
                out.append(item)
    return tuple(out)


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "export",
        help="export quotes as training data (CSV, JSONL, Prodigy, spaCy, brat)",
        description=(
            "Export the quotes of PROJECT.db. Formats: csv (one row per quote), jsonl (quote "
            "JSONL, one article per line), prodigy (Prodigy task JSONL with spans and "
            "relations), spacy (DocBin with span groups quotes/speakers/cues, for spacy "
            "train), brat (a folder of .txt/.ann in the PolNeAR convention). Accepted quotes "
            "are exported; when several annotators have quotes, say whose: --gold, "
            "--annotator NAME or --all-annotators."
        ),
    )
    p.add_argument("project", help="the project file (.db)")
    p.add_argument("--format", "-f", required=True, choices=FORMATS, help="output format")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="PATH",
        help="output file (a folder for brat); with --split, PATH gets .train/.dev/.test "
        "before its extension (brat: PATH/train, PATH/dev, PATH/test)",
    )
    p.add_argument(
        "--annotator",
        action="append",
        metavar="NAME",
        help="only this annotator's quotes (repeat, or NAME1,NAME2); with --gold, reviewer",
    )
    p.add_argument(
        "--status",
        action="append",
        metavar="STATUS",
        help=f"statuses to export ({', '.join(STATUSES)} or all; default accepted). "
        "Rejected suggestions can go out as negatives: --status accepted,rejected",
    )
    p.add_argument(
        "--kind",
        action="append",
        metavar="KIND",
        help=f"only quotes of these kinds ({', '.join(KINDS)})",
    )
    p.add_argument(
        "--gold",
        action="store_true",
        help="export the reviewed (gold) versions instead of the annotators' versions",
    )
    p.add_argument(
        "--all-annotators",
        action="store_true",
        help="export every annotator's version, each record naming its annotator (spacy, "
        "prodigy: one document per annotator); needed when several annotators have quotes "
        "and neither --gold nor --annotator is given",
    )
    p.add_argument(
        "--split",
        metavar="TRAIN,DEV[,TEST]",
        help="split by article, e.g. 0.8,0.1,0.1 (fractions adding up to 1)",
    )
    p.add_argument("--seed", type=int, default=0, help="shuffle seed for --split (default 0)")
    p.add_argument(
        "--bom", action="store_true", help="CSV: start with a UTF-8 byte order mark (for Excel)"
    )
    p.add_argument(
        "--spacy-labels",
        choices=("quote", "kind"),
        default="quote",
        help="spacy: label quote spans QUOTE (default) or by kind (direct/mixed/indirect)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def options_from_args(args: argparse.Namespace) -> ExportOptions:
    """The export options the command-line arguments ask for."""
    statuses = _csv_list(args.status) or ("accepted",)
    if "all" in statuses:
        statuses = ()
    split = parse_split(args.split) if args.split else None
    return ExportOptions(
        format=args.format,
        output=Path(args.output),
        annotators=_csv_list(args.annotator),
        statuses=statuses,
        kinds=_csv_list(args.kind),
        gold=args.gold,
        split=split,
        seed=args.seed,
        bom=args.bom,
        spacy_labels=args.spacy_labels,
        all_annotators=args.all_annotators,
    )


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    try:
        options = options_from_args(args)
    except ExportError as exc:
        raise CliError(str(exc), code=2) from None
    if args.gold and args.status:
        raise CliError("gold quotes have no status: leave out --status with --gold", code=2)
    with Project.open(args.project, create=False, readonly=True) as project:
        say_open_note(project)
        bar = tqdm(total=0, unit="quote", disable=args.quiet or None, file=sys.stderr, leave=False)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            report = export_project(project, options, progress)
        except AnnotatorChoiceNeeded as exc:
            raise CliError(str(exc), code=2) from None
        except ExportError as exc:
            raise CliError(str(exc)) from None
        except OSError as exc:  # disk full, no permission...: nothing was left half-written
            raise CliError(write_problem(Path(options.output), exc)) from None
        finally:
            bar.close()
    for line in report.lines():
        print(line)
    return 0
