"""``annotator import PROJECT.db PATH... [--annotator NAME | --annotator-override NAME]``."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from annotator.commands import CliError
from annotator.commands.notes import say_open_note
from annotator.core.entry_checks import name_problem
from annotator.io.decode import check_encoding
from annotator.services.importing import (
    CLI_COMMIT_INTERVAL_S,
    WINDOW_OPEN_COMMIT_INTERVAL_S,
    import_paths,
)
from annotator.store import open_sessions
from annotator.store.db import read_only_message
from annotator.store.project import Project


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "import",
        help="import articles (.txt, quote or Prodigy .jsonl, .prodigy, .csv, brat folders)"
        " into a project",
        description=(
            "Import articles into PROJECT.db (created if missing): .txt files (first "
            "non-empty line is the title), quote JSONL (with or without quotes), Prodigy task "
            "JSONL, CSV with a text column, brat standoff folders (PolNeAR convention), and "
            "folders of them, recursively. Quotes with origin 'model' and no annotator, and "
            "the output folder of 'annotator detect --scheduler', become suggestions for "
            "every annotator, not anybody's annotations. Articles already in the project are "
            "skipped; each file gets a line in the report, and each bad line or row one more "
            "line naming the file, the line and the problem (the good entries next to it are "
            "imported). A bad quote in a quote-JSONL line costs only that quote: its line is "
            "named with the quote's place in the line's quotes, and the article and its other "
            "quotes are imported."
        ),
        epilog=(
            "Exit code: 0 when every file and entry was imported or was already in the "
            "project; 1 when some file, line or row could not be imported (the rest was); "
            "also 1 when the project cannot be opened or written. When another program "
            "holds the project's lock past the wait (or it turns read-only) partway, the "
            "import stops, names the files done and not done, and keeps what it stored; "
            "running the same import again adds only what is missing. Ctrl+C stops the "
            "import at the next group of articles: what was stored is kept (whole articles "
            "with their quotes), the report says how many, and the exit code is 130; the "
            "same import again adds the rest."
        ),
    )
    p.add_argument("project", help="the project file (.db)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to import")
    who = p.add_mutually_exclusive_group()
    who.add_argument(
        "--annotator",
        metavar="NAME",
        help="owner of imported quotes that name no annotator (default: 'imported'); "
        "quotes that name their annotator keep it (the report says whose they became)",
    )
    who.add_argument(
        "--annotator-override",
        metavar="NAME",
        help="owner of every imported quote, also of those that name another annotator",
    )
    p.add_argument(
        "--encoding",
        metavar="NAME",
        help="decode .txt and .csv files with this encoding (a Python codec name: cp1250, "
        "shift_jis, cp932, gb18030, koi8-r ...) instead of detecting it; a file that does "
        "not decode so is refused with the byte named. JSONL stays UTF-8 (RFC 8259). "
        "Command line only: the window always detects",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _remove_project(path: Path) -> None:
    """Remove a project file this command created (and SQLite's companions of it)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


@contextmanager
def _sigint_sets(event: threading.Event) -> Iterator[None]:
    """While inside: the first Ctrl+C (SIGINT) sets ``event`` (the import stops at its next
    group of articles and reports), a second one interrupts at once (KeyboardInterrupt,
    the open transaction is rolled back). Only in the main thread (elsewhere: no change)."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(
        signal.SIGINT
    ) in (signal.SIG_IGN, None):
        yield  # started with Ctrl+C ignored (nohup, a background job): it stays so
        return

    def first(signum: int, frame: object) -> None:
        event.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        print("\nannotator: stopping the import at the next group of articles…", file=sys.stderr)

    old = signal.signal(signal.SIGINT, first)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def commit_interval(project: Path) -> float:
    """The import's commit interval (seconds): shorter while a window has the project open
    (it waits for the group under way before an accept is saved; see
    WINDOW_OPEN_COMMIT_INTERVAL_S)."""
    try:
        open_now = bool(open_sessions.others(project))
    except OSError:
        open_now = False
    return WINDOW_OPEN_COMMIT_INTERVAL_S if open_now else CLI_COMMIT_INTERVAL_S


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    target = Path(args.project)
    new_project = not target.exists()
    annotator = args.annotator_override or args.annotator
    encoding = getattr(args, "encoding", None)
    if encoding is not None:
        try:
            encoding = check_encoding(encoding)
        except ValueError as exc:
            raise CliError(f"--encoding: {exc}. Nothing was imported.") from None
    if annotator is not None:  # the rule every quote's own name follows (entry_checks)
        why = name_problem(annotator, "the --annotator name")
        if why is not None:
            raise CliError(f"{why}. Nothing was imported.")
    with Project.open(target) as project:
        say_open_note(project)
        if project.read_only_why:
            raise CliError(
                read_only_message(target, project.read_only_why, "Nothing was imported.")
            )
        bar = tqdm(total=0, unit="step", disable=args.quiet or None, file=sys.stderr, leave=False)

        def progress(done: int, total: int, current: str) -> None:
            bar.total = total
            if current:
                bar.set_postfix_str(Path(current).name[-40:], refresh=False)
            bar.update(done - bar.n)  # tqdm redraws at most every 0.1 s

        interrupted = threading.Event()
        try:
            with _sigint_sets(interrupted):
                report = import_paths(
                    project,
                    args.paths,
                    annotator,
                    progress,
                    cancel=interrupted.is_set,
                    override=bool(args.annotator_override),
                    commit_interval=commit_interval(target),
                    encoding=encoding,
                )
        finally:
            bar.close()
    created_nothing = new_project and report.articles_added == 0 and report.quotes_added == 0
    if created_nothing:  # a new project holding nothing is not worth a file
        _remove_project(target)
    for line in report.lines():
        print(line)
    print(report.summary())
    if not report.files:
        raise CliError(
            "no file to import (folders are searched for .txt, .jsonl, .csv, .tsv, .prodigy and"
            " brat .ann "
            f"files){'; no project was created' if created_nothing else ''}"
        )
    if created_nothing:
        print(f"Nothing was imported, so {target} was not created.")
    elif report.held_no_quotes:
        # the window runs the detector on every article it has not run on, in the
        # background once the model has loaded (DetectionController.start(auto=True))
        print(
            f"{report.no_quotes_note()} The detector will suggest quotes in "
            f"{'this article' if report.articles_added == 1 else 'these articles'} when you "
            f"open the project in the window (annotator {target}): it runs in the background "
            "once the model has loaded, on every article it has not seen (File > Detect quotes "
            "in new articles runs it on demand)."
        )
    if report.cancelled:
        return 130  # as for any command stopped by Ctrl+C (SIGINT)
    if report.stopped or report.failed or any(f.problems for f in report.files):
        return 1  # the good entries went in; the lines above say what did not
    return 0
