"""``annotator train PROJECT.db -o MODEL_DIR [--annotator NAME ... | --gold] [...]``."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import Any

from annotator.commands import CliError
from annotator.services.training import (
    EpochReport,
    TrainOptions,
    direct_f1,
    train_from_project,
)


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "train",
        help="train the detector on a project's accepted quotes (a spaCy model folder)",
        description=(
            "Train the detector's learned part (a CRF over the parse) on the accepted quotes "
            "of PROJECT.db; tokens outside them, rejected suggestions included, are "
            "negatives. Writes a spaCy pipeline folder that `annotator detect --model DIR` "
            "and the window use with the rules. A line per training round gives the dev "
            "scores; Ctrl+C stops and keeps the best model so far. The project is only read."
        ),
    )
    p.add_argument("project", help="the project file (.db)")
    p.add_argument("-o", "--output", required=True, metavar="MODEL_DIR", help="model folder")
    who = p.add_mutually_exclusive_group()
    who.add_argument(
        "--annotator",
        action="append",
        metavar="NAME",
        help="learn from this annotator's quotes (repeat for several); default: everybody's, "
        "when each article has one annotator",
    )
    who.add_argument("--gold", action="store_true", help="learn from the reviewed (gold) quotes")
    p.add_argument(
        "--dev-fraction",
        type=float,
        default=0.2,
        metavar="F",
        help="share of the annotated articles held out to score each round (default 0.2)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the train/dev split (default 0)")
    p.add_argument(
        "--max-minutes",
        type=float,
        metavar="M",
        help="time limit of the whole run, in minutes. Reading and parsing the articles may "
        "use half of it (the held-out part a tenth of the time left once the model is "
        "loaded): the articles not parsed by then are left out, so a large project trains "
        "on a random sample (the output says how many). The first round always runs to its "
        "end, so a model is written even when it ends after M minutes; a later round still "
        "running at M minutes is stopped and the best model so far stays. Ctrl+C stops at "
        "any time",
    )
    p.add_argument(
        "--base-model",
        metavar="NAME",
        help="the English pipeline whose parse the model reads (default: the installed one; "
        "rules-only: none)",
    )
    p.set_defaults(func=run)


def _direct(dev: dict[str, float]) -> str:
    value = direct_f1(dev)
    return "n/a (no direct quote held out)" if value is None else f"{100 * value:.1f}"


def _rules_alone(dev: dict[str, float]) -> str:
    """The rules' own direct F1 and speaker accuracy on the dev part, when measured."""
    if "rules_speaker_name_acc" not in dev:
        return ""
    direct = (
        "" if direct_f1(dev) is None else f"direct {100 * dev['rules_direct_lenient_f1']:.1f}, "
    )
    return f" (rules alone: {direct}speaker {100 * dev['rules_speaker_name_acc']:.1f})"


def _line(report: EpochReport) -> str:
    d = report.dev
    mark = "  * best, saved" if report.best else ""
    return (
        f"round {report.epoch}: {report.seconds:.0f} s, loss {report.loss:.0f} | dev all "
        f"lenient F1 {100 * d['all_lenient_f1']:.1f} (P {100 * d['all_lenient_p']:.1f} "
        f"R {100 * d['all_lenient_r']:.1f}), strict F1 {100 * d['all_strict_f1']:.1f} | "
        f"direct lenient F1 {_direct(d)} | speaker {100 * d['speaker_name_acc']:.1f}"
        f"{_rules_alone(d)}{mark}"
    )


def run(args: argparse.Namespace) -> int:
    names: list[str] = []
    for value in args.annotator or []:
        names.extend(n.strip() for n in value.split(",") if n.strip())
    options = TrainOptions(
        annotators=tuple(dict.fromkeys(names)),
        gold=bool(args.gold),
        dev_fraction=args.dev_fraction,
        seed=args.seed,
        max_minutes=args.max_minutes,
        base_model=args.base_model,
    )
    out = Path(args.output)
    interrupted = threading.Event()

    def progress(report: EpochReport) -> None:
        print(_line(report), file=sys.stderr, flush=True)

    print(f"annotator: training on {args.project} -> {out}", file=sys.stderr, flush=True)
    try:
        result = train_from_project(
            Path(args.project), out, options, progress=progress, should_stop=interrupted.is_set
        )
    except KeyboardInterrupt:
        # Ctrl+C outside CRFsuite's loop (parsing, scoring, writing): the best model so
        # far is whole (written by rename), or there is none
        from annotator.services.training import model_info

        if model_info(out) is not None:
            raise CliError(f"interrupted; the best model so far is in {out}", 130) from None
        raise CliError(
            "interrupted before the first model was saved; nothing was written", 130
        ) from None
    if result.left_out:
        n = len(result.left_out)
        print(
            f"warning: {n} accepted quote{'s' if n != 1 else ''} left out, with spans outside "
            "the article's text or overlapping (the project was changed outside the program?):",
            file=sys.stderr,
        )
        for line in result.left_out:
            print(f"    {line}", file=sys.stderr)
    if result.train_available or result.dev_available:
        parts = []
        if result.train_available:
            parts.append(f"{result.train_articles:,} of {result.train_available:,} training")
        if result.dev_available:
            parts.append(f"{result.dev_articles:,} of {result.dev_available:,} held-out")
        print(
            f"note: --max-minutes {args.max_minutes:g} left time to parse {' and '.join(parts)}"
            " articles (a random sample); a longer limit uses more",
            file=sys.stderr,
        )
    d = result.best_dev
    how = "stopped early" if result.stopped_early else f"{result.epochs} rounds"
    print(
        f"Trained on {result.train_articles} articles ({result.dev_articles} held out) in "
        f"{result.seconds / 60:.1f} min ({how}); best dev: all lenient F1 "
        f"{100 * d['all_lenient_f1']:.1f}, strict F1 {100 * d['all_strict_f1']:.1f}, direct "
        f"lenient F1 {_direct(d)}. Model: {result.model_dir}",
        flush=True,
    )
    return 0
