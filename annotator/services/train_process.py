"""Training in a process of its own, for the window (issue 16).

Training parses with spaCy, builds features and runs CRFsuite's iterations: long stretches
that hold Python's global interpreter lock, so a training thread in the window's process
stopped the window for up to 0.9 s at a time (a 20 ms heartbeat, a 10,000-article
project). The window therefore starts a fresh interpreter (never a fork of a process with
Qt loaded)::

    python -m annotator.services.train_process PROJECT.db OUT_DIR OPTIONS_JSON

``OPTIONS_JSON`` is :func:`options_to_json` of the
:class:`~annotator.services.training.TrainOptions`. The process runs at a lower CPU
priority (the window comes first), opens the project read-only (as
:func:`~annotator.services.training.train_from_project` always does: training never
writes the project; it writes only the model folder ``OUT_DIR``, whole or not at all),
reads commands on stdin and writes events on stdout, one JSON object per line:

commands
    ``{"cancel": true}``: stop after the step running (the best model so far stays). The
    end of stdin (the window closed or died) stops it the same way.
events
    ``{"stage": [what, done, total]}`` as the steps go (``what``: ``dev``, ``train`` or
    ``round``, see :data:`~annotator.services.training.STAGE_DEV`; at most every
    :data:`STAGE_EVERY_S` seconds within a step, and at its last article);
    ``{"epoch": ...}`` after each round (:func:`epoch_to_json`); then one of
    ``{"result": ...}`` (:func:`result_to_json`, with ``peak_rss_mb``: this process's
    peak resident memory) or ``{"failed": message, "expected": bool}`` (``expected``: a
    :class:`~annotator.services.training.TrainingError` the analyst can act on, shown as
    its message alone; else ``Type: message``, with the traceback on stderr).

The exit status is 0 after ``result``, 1 after ``failed``, 2 on bad arguments.
"""

from __future__ import annotations

import json
import sys
import threading
import traceback
from pathlib import Path
from typing import Any, TextIO

from annotator.core.processes import EventWriter, lower_priority, watch_input
from annotator.core.throttle import Throttle
from annotator.services.training import STAGE_ROUND, EpochReport, TrainOptions, TrainResult

#: Seconds between two ``stage`` events of the same step (each article would be hundreds
#: of lines a second on short texts).
STAGE_EVERY_S = 0.25


def options_to_json(options: TrainOptions) -> str:
    """``options`` as one line of JSON (the process's third argument)."""
    return json.dumps(
        {
            "annotators": list(options.annotators),
            "gold": options.gold,
            "dev_fraction": options.dev_fraction,
            "seed": options.seed,
            "max_minutes": options.max_minutes,
            "base_model": options.base_model,
            "rounds": list(options.rounds),
        }
    )


def options_from_json(text: str) -> TrainOptions:
    """The :class:`TrainOptions` :func:`options_to_json` wrote. Raises ValueError or
    KeyError on anything else."""
    d = json.loads(text)
    return TrainOptions(
        annotators=tuple(str(a) for a in d["annotators"]),
        gold=bool(d["gold"]),
        dev_fraction=float(d["dev_fraction"]),
        seed=int(d["seed"]),
        max_minutes=None if d["max_minutes"] is None else float(d["max_minutes"]),
        base_model=None if d["base_model"] is None else str(d["base_model"]),
        rounds=tuple(int(r) for r in d["rounds"]),
    )


def epoch_to_json(report: EpochReport) -> dict[str, Any]:
    return {
        "epoch": report.epoch,
        "seconds": report.seconds,
        "loss": report.loss,
        "dev": report.dev,
        "best": report.best,
    }


def epoch_from_json(d: dict[str, Any]) -> EpochReport:
    return EpochReport(
        int(d["epoch"]),
        float(d["seconds"]),
        float(d["loss"]),
        {str(k): float(v) for k, v in d["dev"].items()},
        bool(d["best"]),
    )


def result_to_json(result: TrainResult) -> dict[str, Any]:
    return {
        "model_dir": str(result.model_dir),
        "epochs": result.epochs,
        "best_dev": result.best_dev,
        "train_articles": result.train_articles,
        "dev_articles": result.dev_articles,
        "seconds": result.seconds,
        "stopped_early": result.stopped_early,
        "left_out": list(result.left_out),
        "peak_rss_mb": result.peak_rss_mb,
    }


def result_from_json(d: dict[str, Any]) -> TrainResult:
    rss = d.get("peak_rss_mb")
    return TrainResult(
        model_dir=Path(d["model_dir"]),
        epochs=int(d["epochs"]),
        best_dev={str(k): float(v) for k, v in d["best_dev"].items()},
        train_articles=int(d["train_articles"]),
        dev_articles=int(d["dev_articles"]),
        seconds=float(d["seconds"]),
        stopped_early=bool(d["stopped_early"]),
        left_out=tuple(str(s) for s in d.get("left_out", ())),
        peak_rss_mb=None if rss is None else float(rss),
    )


def peak_rss_mb() -> float | None:
    """This process's peak resident memory in MB (None where the system does not say)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # kilobytes on Linux, bytes on macOS
    return kb / (1024 * 1024) if sys.platform == "darwin" else kb / 1024


def run(project: Path, out_dir: Path, options: TrainOptions, stdin: TextIO, stdout: TextIO) -> int:
    """Train as :func:`~annotator.services.training.train_from_project` does, listening
    to ``stdin`` and telling ``stdout`` (see the module's protocol); the exit status."""
    from annotator.services.training import TrainingError, train_from_project

    out = EventWriter(stdout)
    stop = threading.Event()
    watch_input(stdin, stop)  # a cancel command, or the window went away
    throttle = Throttle(STAGE_EVERY_S)  # a new step and every round are always said

    def stage(what: str, done: int, total: int) -> None:
        if throttle.due(done, total, key=what, force=what == STAGE_ROUND):
            out.say(stage=[what, done, total])

    try:
        result = train_from_project(
            project,
            out_dir,
            options,
            progress=lambda report: out.say(epoch=epoch_to_json(report)),
            should_stop=lambda: stop.is_set() or out.closed,
            stage=stage,
        )
    except TrainingError as exc:
        out.say(failed=str(exc), expected=True)
        return 1
    except Exception as exc:  # the window says it; the traceback goes to the terminal
        traceback.print_exc()
        out.say(failed=f"{type(exc).__name__}: {exc}", expected=False)
        return 1
    from dataclasses import replace

    out.say(result=result_to_json(replace(result, peak_rss_mb=peak_rss_mb())))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``PROJECT OUT_DIR OPTIONS_JSON``; 2 on bad arguments."""
    args = sys.argv[1:] if argv is None else argv
    try:
        if len(args) != 3:
            raise ValueError("three arguments")
        options = options_from_json(args[2])
    except (ValueError, KeyError, TypeError):
        print(
            "usage: python -m annotator.services.train_process PROJECT OUT_DIR OPTIONS_JSON",
            file=sys.stderr,
        )
        return 2
    lower_priority()
    return run(Path(args[0]), Path(args[1]), options, sys.stdin, sys.stdout)


if __name__ == "__main__":
    raise SystemExit(main())
