"""``annotator detect IN.jsonl -o OUT.jsonl``: pre-highlight quotes in quote JSONL.

Every readable input line gives one output line with the same ``id`` and the detected
quotes (origin ``model``, status ``pending``). Bad lines are reported on stderr, naming
file and line, and skipped; the good lines are all written, the closing summary counts the
skipped lines and names them, and the exit status is then 1 (so that a script notices that
the output lacks some input lines). An article the detector cannot take (a lone surrogate in its
text) is reported the same way and written without quotes, with an ``error`` field that
the reference scorer counts. Progress goes to stderr.

``annotator detect IN... -o OUT_DIR --scheduler local[:N] | tcp://HOST:PORT`` runs on a
Dask cluster instead (:mod:`annotator.services.cluster`): any input ``import`` reads, one
shard per partition in OUT_DIR plus ``manifest.json``, resumable by running it again. Bad
entries and unreadable input files are named and skipped there too, with exit status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.commands import CliError
from annotator.core.model import MARKS_INSIDE_DEFAULT
from annotator.core.outputs import output_problem, write_problem
from annotator.core.wording import count_noun
from annotator.io.jsonload import load_json


def register(sub: Any) -> None:
    """Add the ``detect`` sub-command to ``sub`` (an argparse sub-parsers action)."""
    parser = sub.add_parser(
        "detect",
        help="detect quotes, speakers and cues in a quote-JSONL file",
        description=(
            "Read quote JSONL (articles with or without quotes) and write quote JSONL with "
            "the quotes the detector finds, one output line per input article. Unreadable "
            "lines are named on stderr and skipped; the exit status is then 1, after all the "
            "good lines are written. With "
            "--scheduler, run on a Dask cluster: read any files or folders import reads, and "
            "write one quote-JSONL shard per partition and manifest.json into the output "
            "folder; running the same command again finishes an interrupted run."
        ),
    )
    parser.add_argument(
        "input",
        nargs="+",
        metavar="IN",
        help="articles to read: one quote-JSONL file; with --scheduler, any files and folders "
        "that import reads (quote JSONL, .txt, CSV, Prodigy, brat)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        required=True,
        help="the output quote-JSONL file; with --scheduler, the output folder (shards and "
        "manifest.json)",
    )
    parser.add_argument(
        "--model",
        help="spaCy pipeline to load first (package name or path; 'rules-only' for the "
        "rules alone); with --scheduler it is loaded on every worker",
    )
    parser.add_argument(
        "--scheduler",
        metavar="local[:N]|tcp://HOST:PORT",
        help="run on a Dask cluster: a local one of N worker processes (default: one per "
        'CPU), or an existing scheduler (needs pip install "quote-annotator[cluster]")',
    )
    parser.add_argument(
        "--partition-size",
        type=int,
        metavar="K",
        help="with --scheduler: articles per partition and per output shard (default 200)",
    )
    parser.add_argument(
        "--n-process", type=int, default=1, metavar="N", help="worker processes (default 1)"
    )
    parser.add_argument("--batch-size", type=int, default=16, metavar="N")
    parser.add_argument(
        "--marks-inside",
        action=argparse.BooleanOptionalAction,
        default=MARKS_INSIDE_DEFAULT,
        help="direct quotes include their quotation marks and the comma before the closing "
        "mark (default: no, as the default guidelines say)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def _count_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.strip())


def _raw_texts(path: Path) -> Iterator[tuple[int, str | None]]:
    """Line number and ``text`` of every non-blank line exactly as written (None if unreadable).

    Detection runs on the text as given, and the output keeps it, so the offsets of the
    output refer to the input's own text (the reference scorer compares them with it).
    """
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                obj = load_json(raw.decode("utf-8-sig"))
            except ValueError:  # not UTF-8, or bad JSON (the reader reports the line)
                yield lineno, None
                continue
            text = obj.get("text") if isinstance(obj, dict) else None
            yield lineno, text if isinstance(text, str) else None


def run(args: argparse.Namespace) -> int:
    """Detect quotes in every article of ``args.input``; write ``args.output``."""
    if args.scheduler is not None:
        return run_on_cluster(args)
    if args.partition_size is not None:
        raise CliError("--partition-size applies only with --scheduler")
    if len(args.input) != 1:
        raise CliError("several inputs need --scheduler (without it, detect reads one JSONL file)")
    args.input = args.input[0]
    return run_single(args)


def run_on_cluster(args: argparse.Namespace) -> int:
    """``detect --scheduler``: partitions on a Dask cluster, shards and a manifest in OUT_DIR."""
    from tqdm import tqdm

    from annotator.services.cluster import (
        DEFAULT_PARTITION_SIZE,
        detect_on_cluster,
        parse_scheduler,
    )

    if args.n_process != 1:
        raise CliError(
            "--n-process does not apply with --scheduler (use local:N, or start more workers)"
        )
    if args.marks_inside != MARKS_INSIDE_DEFAULT:
        raise CliError(
            "--marks-inside is not available with --scheduler yet (the workers' detectors "
            "follow the default: marks left out)"
        )
    scheduler = parse_scheduler(args.scheduler)
    out = Path(args.output)
    for raw in args.input:
        if Path(raw).resolve() == out.resolve():
            raise CliError("the output folder must not be an input")

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    def notice(line: str) -> None:
        tqdm.write(f"annotator detect: {line}", file=sys.stderr)

    where = "a local cluster" if scheduler.is_local else f"the scheduler at {scheduler.address}"
    print(f"annotator detect: running on {where}", file=sys.stderr)
    bar = tqdm(total=0, unit="partition", file=sys.stderr, disable=args.quiet)
    try:
        report = detect_on_cluster(
            args.input,
            out,
            scheduler,
            partition_size=(
                DEFAULT_PARTITION_SIZE if args.partition_size is None else args.partition_size
            ),
            model=args.model,
            batch_size=args.batch_size,
            progress=progress,
            notice=notice,
        )
    finally:
        bar.close()
    for line in report.problems:
        print(f"annotator detect: skipped {line}", file=sys.stderr)
    for line in report.failed[:20]:
        print(f"annotator detect: failed {line}", file=sys.stderr)
    if len(report.failed) > 20:
        print(f"annotator detect: ... and {len(report.failed) - 20} more", file=sys.stderr)
    print(f"annotator detect: {report.summary()}", file=sys.stderr)
    bad = sum(i.bad_entries for i in report.manifest.inputs)
    if bad or report.problems:
        skipped = [count_noun(bad, "bad entry")] if bad else []
        skipped += [count_noun(len(report.problems), "unreadable file")] if report.problems else []
        print(
            f"annotator detect: {' and '.join(skipped)} skipped (named above); their articles "
            "are not in the output",
            file=sys.stderr,
        )
    return 1 if report.failed or bad or report.problems else 0


def run_single(args: argparse.Namespace) -> int:
    """Detection in this process (or ``--n-process`` forked ones): one JSONL in, one out."""
    from tqdm import tqdm

    from annotator.core.model import Article
    from annotator.io.decode import NotTextError
    from annotator.io.files import check_line_path
    from annotator.io.quote_jsonl import (
        LineError,
        QuoteError,
        article_to_json,
        iter_jsonl,
        write_jsonl_line,
    )
    from annotator.nlp.detect import detect_texts, text_problem
    from annotator.nlp.pipeline import load_pipeline

    src = Path(args.input)
    if src.is_dir():
        raise CliError(
            f"{src}: is a folder; without --scheduler detect reads one quote-JSONL file (run "
            f"`annotator detect {src} -o OUT_DIR --scheduler local` for a folder of articles, "
            "or import it into a project and detect there)"
        )
    if not src.is_file():
        raise CliError(f"{src}: no such file" if not src.exists() else f"{src}: not a file")
    if args.n_process < 1:
        raise CliError("--n-process must be at least 1")
    if Path(args.output).resolve() == src.resolve():
        raise CliError("the output file must not be the input file")
    why = output_problem(Path(args.output))  # before the model loads (seconds)
    if why:
        raise CliError(f"{args.output}: {why}")
    try:  # empty, binary (a project file, an image) or UTF-16: say so before the model loads
        check_line_path(src)
    except NotTextError as exc:
        hint = ""
        if "SQLite" in str(exc):
            hint = (
                "; detect reads quote JSONL: write a project's articles out with `annotator "
                f"export {src} --format jsonl -o OUT.jsonl` first"
            )
        raise CliError(f"{src}: {exc}{hint}") from None
    nlp, info = load_pipeline(args.model, strict=bool(args.model))
    print(f"annotator detect: {info.message}", file=sys.stderr)
    total = _count_lines(src)
    pending: deque[tuple[Article, str, int]] = deque()
    bad: list[int] = []  # line numbers of the lines skipped as unreadable
    failed: dict[int, str] = {}

    def texts() -> Iterator[str]:
        nonlocal bad
        raw_texts = _raw_texts(src)  # one per line, as iter_jsonl gives one Article or LineError
        for item in iter_jsonl(src):
            if isinstance(item, QuoteError):  # the input's quotes are not read: no matter
                continue
            lineno, original = next(raw_texts)
            if isinstance(item, LineError):
                bad.append(item.line)
                tqdm.write(f"annotator detect: skipped {item}", file=sys.stderr)
                bar.update(1)
                continue
            text = item.text if original is None else original
            pending.append((item, text, lineno))
            yield text

    def on_error(position: int, message: str) -> None:
        failed[position] = message

    written = undetected = 0
    try:
        out = open(args.output, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
    except OSError as exc:
        raise CliError(write_problem(Path(args.output), exc)) from None
    with tqdm(total=total, unit="article", file=sys.stderr, disable=args.quiet) as bar, out:
        found = detect_texts(
            nlp,
            texts(),
            args.n_process,
            args.batch_size,
            on_error,
            marks_inside=args.marks_inside,
        )
        for position, quotes in enumerate(found):
            article, text, lineno = pending.popleft()
            row = article_to_json(article, quotes)
            row["text"] = text
            error = failed.pop(position, None)
            if error is not None:
                undetected += 1
                ident = row.get("id")
                tqdm.write(
                    f"annotator detect: {src}:{lineno}: article {ident!r} not detected: {error}",
                    file=sys.stderr,
                )
                row["error"] = f"not detected: {error}"
            if text_problem(text) is None:
                write_jsonl_line(out, row)
            else:  # escaped, so that the text comes back exactly as it was read
                out.write(json.dumps(row, ensure_ascii=True) + "\n")
            written += 1
            bar.update(1)
    print(
        f"annotator detect: {count_noun(written, 'article')} written to {args.output}"
        + (f", {undetected} of them not detected" if undetected else "")
        + (f", {count_noun(len(bad), 'bad line')} skipped ({_where(src, bad)})" if bad else ""),
        file=sys.stderr,
    )
    return 1 if bad else 0


#: How many skipped line numbers the closing summary lists before "and N more".
_LINES_LISTED = 10


def _where(src: Path, lines: list[int]) -> str:
    """``in.jsonl, line 2`` or ``in.jsonl, lines 2, 5 and 9`` (the first ten, then a count)."""
    shown = [str(n) for n in lines[:_LINES_LISTED]]
    rest = len(lines) - len(shown)
    if rest:
        listed = f"{', '.join(shown)} and {rest} more"
    elif len(shown) > 1:
        listed = f"{', '.join(shown[:-1])} and {shown[-1]}"
    else:
        listed = shown[0]
    return f"{src}, {'line' if len(lines) == 1 else 'lines'} {listed}"
