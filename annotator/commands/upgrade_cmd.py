"""``annotator upgrade PROJECT.db``: bring a project written by an older version to this
version's schema, without opening the window (for servers and scripts).

The upgrade is the one the window makes on first open: a consistent copy of the old file is
kept beside it as ``PROJECT.db.vN-<time>.bak``, then the migrations run in one go.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from annotator.commands import CliError
from annotator.commands.notes import say_open_note
from annotator.core.errors import ProjectError
from annotator.store.project import Project


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "upgrade",
        help="bring a project of an older version to this version's schema (keeps a backup)",
        description=(
            "Upgrade PROJECT.db to this version's schema, as the window does on first open: "
            "a copy of the old file is kept beside it as PROJECT.db.vN-<time>.bak. A "
            "project already up to date is left as it is."
        ),
    )
    p.add_argument("project", help="the project file (.db)")
    p.set_defaults(func=run)


def upgrade_step(line: str) -> None:
    """Say one upgrade step on stderr as it starts (a large project takes seconds)."""
    print(f"annotator: {line}", file=sys.stderr, flush=True)


def _backups(path: Path) -> set[Path]:
    return set(path.parent.glob(f"{path.name}.v*.bak"))


def run(args: argparse.Namespace) -> int:
    path = Path(args.project)
    try:
        with Project.open(path, create=False, readonly=True) as project:
            print(f"{path}: already at schema {project.schema_version}; nothing to do")
            return 0
    except ProjectError as exc:
        if "needs an upgrade" not in str(exc):
            raise CliError(str(exc)) from None
    before = _backups(path)
    started = time.perf_counter()
    try:
        with Project.open(path, create=False, progress=upgrade_step) as project:
            say_open_note(project)
            version = project.schema_version
    except ProjectError as exc:
        raise CliError(str(exc)) from None
    made = sorted(_backups(path) - before)
    kept = f"; the old version is kept as {made[-1]}" if made else ""
    took = time.perf_counter() - started
    print(f"{path}: upgraded to schema {version} in {took:.1f} s{kept}")
    return 0
