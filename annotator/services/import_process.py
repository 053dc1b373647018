"""The window's File > Import, run in a process of its own (issue 16).

In a thread of the window's process the import's Python work (rows, duplicate checks,
bulk statements) held the interpreter lock the window's thread needs for every key: at
load 6 on 2 cores, accept p50 116 ms and next article p50 132 ms with 20-27 ms of the
window's own CPU. In a child process it competes only for a core, and for the write lock
as a terminal import does (short groups; a window waiting for the lock goes first, see
:mod:`annotator.store.waiting`).

The child runs :func:`~annotator.services.importing.import_paths` on its own connection
and sends, over its standard output, pickled frames: ``("progress", done, total, label)``
at most every :data:`PROGRESS_S` (and at the end), then
``("report", ImportReport)`` or ``("failed", message)``. A line on its standard input,
or its end (the window's process went away), is the cancel: the import stops at its next
group as with Cancel import.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from annotator.core.errors import AnnotatorError
from annotator.core.processes import python_argv

#: Seconds between two progress frames (the bar moves ten times a second).
PROGRESS_S = 0.1
#: Seconds the window waits for the child to end after its report (it closes the project).
_END_WAIT_S = 30.0
_HEADER = struct.Struct("!I")


class ImportProcessError(AnnotatorError):
    """The import process failed (its message says why: ``Type: message``) or ended
    without a report."""


def _send(out: IO[bytes], obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_HEADER.pack(len(data)) + data)
    out.flush()


def _read_exact(src: IO[bytes], n: int) -> bytes | None:
    parts: list[bytes] = []
    while n:
        got = src.read(n)
        if not got:
            return None
        parts.append(got)
        n -= len(got)
    return b"".join(parts)


def _receive(src: IO[bytes]) -> object:
    """One frame; raises EOFError at the end of the stream."""
    head = _read_exact(src, _HEADER.size)
    if head is None:
        raise EOFError
    body = _read_exact(src, _HEADER.unpack(head)[0])
    if body is None:
        raise EOFError
    return pickle.loads(body)  # noqa: S301 - frames of our own child process


def child_main() -> None:
    """The child's entry: one JSON line on standard input says what to import
    (``project``, ``paths``, ``annotator``, ``interval``)."""
    from annotator.services.importing import import_paths
    from annotator.store.project import Project

    spec = json.loads(sys.stdin.readline())
    cancel = threading.Event()

    def watch() -> None:
        sys.stdin.readline()  # "cancel", or the end: the window went away
        cancel.set()

    threading.Thread(target=watch, daemon=True).start()
    out = sys.stdout.buffer
    told_at = [0.0]

    def progress(done: int, total: int, label: str) -> None:
        now = time.monotonic()
        if done < total and now - told_at[0] < PROGRESS_S:
            return  # at most ten a second, also over many small files (tester19 N3)
        told_at[0] = now
        _send(out, ("progress", done, total, label))

    try:
        with Project.open(spec["project"], create=False) as project:
            report = import_paths(
                project,
                spec["paths"],
                annotator=spec["annotator"],
                progress=progress,
                cancel=cancel.is_set,
                commit_interval=float(spec["interval"]),
            )
    except Exception as exc:  # said to the window, which shows it
        _send(out, ("failed", f"{type(exc).__name__}: {exc}"))
        return
    report.keep_lines()  # grouped here, not on the window's thread
    _send(out, ("report", report))


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

    ``progress(done, total, label)`` is called on this thread as the child reports;
    ``cancelled()`` is polled ten times a second and, once true, the child is told to stop
    at its next group (the report then says cancelled, as in-process). ``started(proc)``
    is given the child as soon as it runs (a closing window kills it rather than wait
    for its group; see ``ImportTask.abandon``). Raises ImportProcessError when the child
    failed (its message) or ended without a report.
    """
    env = dict(os.environ)
    # the child imports this package from where the window did
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    code = "from annotator.services.import_process import child_main; child_main()"
    proc = subprocess.Popen(
        python_argv(code),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None
    if started is not None:
        started(proc)
    spec = {
        "project": str(project),
        "paths": [str(p) for p in paths],
        "annotator": annotator,
        "interval": interval,
    }
    frames: queue.Queue[object] = queue.Queue()
    stdout = proc.stdout

    def read() -> None:
        while True:
            try:
                frames.put(_receive(stdout))
            except (EOFError, OSError, pickle.UnpicklingError):
                frames.put(EOFError())
                return

    threading.Thread(target=read, daemon=True).start()
    told = False
    try:
        proc.stdin.write(json.dumps(spec).encode() + b"\n")
        proc.stdin.flush()
        while True:
            if not told and cancelled():
                told = True
                try:
                    proc.stdin.write(b"cancel\n")
                    proc.stdin.flush()
                except OSError:
                    pass  # the child has ended: its report or failure is in the frames
            try:
                frame = frames.get(timeout=0.1)
            except queue.Empty:
                continue
            if isinstance(frame, EOFError):
                code_ = proc.wait()
                raise ImportProcessError(f"the import process ended without a report ({code_})")
            kind = frame[0]  # type: ignore[index]
            if kind == "progress":
                progress(*frame[1:])  # type: ignore[index]
            elif kind == "report":
                return frame[1]  # type: ignore[index]
            else:
                raise ImportProcessError(str(frame[1]))  # type: ignore[index]
    finally:
        with contextlib.suppress(OSError):
            proc.stdin.close()
        try:
            proc.wait(_END_WAIT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        stdout.close()
