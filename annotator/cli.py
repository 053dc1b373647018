"""The ``annotator`` command: the composition root of the application.

``annotator`` alone opens the window on the default project; ``annotator PROJECT.db``
opens that project; ``annotator COMMAND ...`` runs a sub-command (see ``--help``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from annotator import __version__
from annotator.commands import CliError
from annotator.core.errors import AnnotatorError
from annotator.store.db import StoreDatabaseError, damage_message, is_damage

# Each module registers one sub-command; order is the order shown by --help. A command
# is named after its module (``import`` -> ``import_cmd``), so the command line can import
# only the module of the command it runs: the others pull in importers, exporters and the
# agreement maths, a third of a second that the window waited for at every launch (issue 16).
COMMAND_MODULES = (
    "annotator.commands.open_cmd",
    "annotator.commands.import_cmd",
    "annotator.commands.stats_cmd",
    "annotator.commands.detect_cmd",
    "annotator.commands.evaluate_cmd",
    "annotator.commands.train_cmd",
    "annotator.commands.merge_cmd",
    "annotator.commands.agreement_cmd",
    "annotator.commands.export_cmd",
    "annotator.commands.backup_cmd",
    "annotator.commands.upgrade_cmd",
    "annotator.commands.speakers_cmd",
    "annotator.commands.report_cmd",
)

#: Command name -> the module that registers it.
COMMANDS = {m.rsplit(".", 1)[1].removesuffix("_cmd"): m for m in COMMAND_MODULES}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered (``only``: that command
    alone, which parses its own arguments the same way)."""
    parser = argparse.ArgumentParser(
        prog="annotator",
        description=(
            "Quote Annotator: label quotes, speakers and stance in news articles. "
            "Run without a command to open the window on your default project, or give "
            "a PROJECT.db to open that project."
        ),
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES if only is None else (COMMANDS[only],):
        importlib.import_module(name).register(sub)
    return parser


#: Commands that use a second database file besides PROJECT.db, and its argument.
_OTHER_DATABASE = {"merge": "other", "backup": "output"}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    # `annotator` and `annotator PROJECT.db [--model M]` mean `annotator open ...`
    first = args_list[0] if args_list else ""
    opens_window = not first or (first not in COMMANDS and not first.startswith("-"))
    if opens_window or first in ("--model", "--annotator"):
        args_list = ["open", *args_list]
    # a command's own module only (`--help`, `--version`, a typo: every command)
    parser = build_parser(args_list[0] if args_list[0] in COMMANDS else None)
    args = parser.parse_args(args_list)
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"annotator: error: {exc}", file=sys.stderr)
        return exc.code
    except AnnotatorError as exc:
        print(f"annotator: error: {exc}", file=sys.stderr)
        return 1
    except StoreDatabaseError as exc:
        project = getattr(args, "project", None)
        # a command that reads or writes a second database file (merge's OTHER.db,
        # backup's OUT.db) cannot tell here which of them failed: both are named, never
        # the project alone (its backup restored over healthy work, review21 R12)
        second = _OTHER_DATABASE.get(args_list[0])
        others = [str(getattr(args, second))] if second and getattr(args, second, None) else []
        if project and not others and is_damage(exc):
            print(f"annotator: error: {damage_message(project, exc)}", file=sys.stderr)
        elif project and others:
            files = " or ".join([str(project), *others])
            print(
                f"annotator: error: a database file this command used ({files}) could not "
                f"be read or written (SQLite: {exc}); `annotator stats FILE` on each tells "
                "which.",
                file=sys.stderr,
            )
        else:
            where = f"{project}: " if project else ""
            print(f"annotator: error: {where}database problem: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("annotator: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``annotator stats P.db | head -3``): stop quietly, as Unix
        # tools do; point stdout at devnull so the exit flush does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except OSError as exc:  # a file a command writes or reads: its name and why, no traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"annotator: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
