"""The window's File > Import, run in a process of its own (issue 16), through the one
protocol of :mod:`annotator.services.child_call` (``"ask"``: a cancel stops the import at
its next group, as Cancel import does in-process, and its report says cancelled).

In a thread of the window's process the import's Python work (rows, duplicate checks,
bulk statements) held the interpreter lock the window's thread needs for every key: at
load 6 on 2 cores, accept p50 116 ms and next article p50 132 ms with 20-27 ms of the
window's own CPU. In a child process it competes only for a core, and for the write lock
as a terminal import does (short groups; a window waiting for the lock goes first, see
:mod:`annotator.store.waiting`).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from annotator.core.errors import AnnotatorError
from annotator.services.child_call import ChildEnded, ChildFailed, call_in_child


class ImportProcessError(AnnotatorError):
    """The import process failed (its message says why: ``Type: message``) or ended
    without a report."""


def import_job(args: dict[str, Any], progress: Any, stop: Callable[[], bool]) -> Any:
    """In the child: :func:`~annotator.services.importing.import_paths` of ``{"project",
    "paths", "annotator", "interval"}`` on its own connection; the ImportReport, its lines
    grouped here rather than on the window's thread."""
    from annotator.services.importing import import_paths
    from annotator.store.project import Project

    with Project.open(args["project"], create=False) as project:
        report = import_paths(
            project,
            args["paths"],
            annotator=args["annotator"],
            progress=progress,
            cancel=stop,
            commit_interval=float(args["interval"]),
        )
    report.keep_lines()
    return report


def import_in_child(
    project: Path,
    paths: Sequence[str],
    annotator: str | None,
    progress: Callable[[int, int, str], None],
    cancelled: Callable[[], bool],
    interval: float,
    started: Callable[[subprocess.Popen[bytes]], None] | None = None,
) -> Any:
    """Import ``paths`` into ``project`` in a child process; return its ImportReport.

    ``progress(done, total, label)`` is called on this thread as the child reports (at most
    ten times a second, and the end); ``cancelled()`` is polled ten times a second and, once
    true, the child is told to stop at its next group (the report then says cancelled, as
    in-process). ``started(proc)`` is given the child as soon as it runs (a closing window
    kills it rather than wait for its group; see ``ImportTask.abandon``). Raises
    ImportProcessError when the child failed (its message) or ended without a report.
    """
    args = {
        "project": str(project),
        "paths": [str(p) for p in paths],
        "annotator": annotator,
        "interval": interval,
    }
    try:
        return call_in_child(
            "annotator.services.import_process:import_job",
            args,
            progress=progress,
            cancelled=cancelled,
            cancel="ask",
            started=started,
        )
    except ChildFailed as exc:
        raise ImportProcessError(f"{exc.type_name}: {exc.text}") from None
    except ChildEnded as exc:
        raise ImportProcessError(
            f"the import process ended without a report ({exc.code})"
        ) from None
