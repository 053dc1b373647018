"""``annotator [PROJECT.db]``: open the annotation window."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from annotator.commands import CliError
from annotator.commands.upgrade_cmd import upgrade_step
from annotator.core.errors import ProjectError
from annotator.services.locations import default_project_path, seeds_dir
from annotator.store.db import read_only_message, read_only_reason
from annotator.store.project import Project


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "open",
        help="open the annotation window (the default when no command is given)",
        description=(
            "Open the annotation window on PROJECT.db (created if missing). Without a "
            "project, open your default project in the user data folder; the first time, "
            "the bundled sample articles are imported so there is something to read."
        ),
    )
    p.add_argument("project", nargs="?", help="the project file (.db)")
    p.add_argument("--model", help="spaCy pipeline to load (default: en_core_web_sm)")
    p.add_argument("--annotator", help="annotate as NAME (asked once otherwise)")
    p.set_defaults(func=run)


def prepare_project(path: Path | None) -> tuple[Path, str | None]:
    """Create/upgrade the project (checking it), seeding the default one; return a message."""
    message = None
    if path is None:
        path = default_project_path()
        with Project.open(path) as project:
            if project.readonly:  # nothing can be seeded; the window says why
                return path, message
            if project.count_articles() == 0 and not project.get_setting("seeded"):
                # the readers only the first start needs (their imports: 0.1 s)
                from annotator.services.importing import import_paths

                report = import_paths(project, [seeds_dir()])
                project.set_setting("seeded", True)
                message = f"Welcome: {report.summary()} ({path})"
        return path, message
    if _needs_upgrade(path):
        # a consistent copy of the old file is written first: seconds for gigabytes
        print(
            f"annotator: upgrading {path} to this version's format; a copy of the old file"
            " is kept beside it first (a large project takes a while, once)",
            file=sys.stderr,
            flush=True,
        )
        started = time.perf_counter()
        with Project.open(path, progress=upgrade_step):
            pass
        took = time.perf_counter() - started
        print(f"annotator: upgraded in {took:.1f} s", file=sys.stderr, flush=True)
        return path, message
    with Project.open(path):
        pass
    return path, message


def _needs_upgrade(path: Path) -> bool:
    """Does the project at ``path`` exist and need an upgrade (see ``annotator upgrade``)?
    Any other refusal is left to the real open, which says it."""
    if not path.is_file():
        return False
    try:
        with Project.open(path, create=False, readonly=True):
            return False
    except ProjectError as exc:
        return "needs an upgrade" in str(exc)


def _show_in_window(message: str) -> None:
    """cli.main prints the refusal as one line; a launch from a desktop icon needs a box."""
    try:
        from annotator.ui.application import show_project_error
    except ImportError:  # no Qt: the line on stderr is all there is
        return
    show_project_error(message)


def run(args: argparse.Namespace) -> int:
    from annotator.ui.platform_check import window_problem  # no Qt: safe before the checks

    # before anything is created: Qt would abort the process (exit 134) after we had
    # made the project file, with a message that often names the wrong library
    problem = window_problem()
    if problem:
        raise CliError(f"{problem}; nothing was created")
    try:
        path, message = prepare_project(Path(args.project) if args.project else None)
    except ProjectError as exc:
        _show_in_window(str(exc))
        raise
    try:
        from annotator.ui.application import run_app
    except ImportError as exc:
        raise CliError(f"the window cannot start: {exc}") from None
    print(f"annotator: opening {path}", file=sys.stderr)
    why = read_only_reason(path)
    if why:  # the window says so too, in a box and a banner
        done = "The window opens it for reading only."
        print(f"annotator: {read_only_message(path, why, done)}", file=sys.stderr)
    return int(run_app(path, model=args.model, annotator=args.annotator, message=message))
