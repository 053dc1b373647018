"""Run a project-wide computation of the window in a child process.

A minute of pure Python (agreement over 100,000 articles, the quote summary of 970,000
quotes) in a thread of the window's process holds the interpreter lock beside the GUI
thread: on a loaded machine the window stood still 100-650 ms at a time (the dashboard,
tester16) and 200-480 ms (the quote summary, tester18 T6). In a child process the window's
process only waits on a pipe.

The protocol: the parent starts ``python -c "...child_main()"`` and writes one JSON line
``{"target": "package.module:function", "args": {...}}``; the child imports the target
(only names under :data:`ALLOWED_PREFIX`: nothing read from a project file picks it),
calls ``function(args, progress)`` and sends pickles on its standard output:
``("progress", done, total)``, then either ``("piece", item)`` for each item when the
function returns a generator, or ``("result", value)``; then ``("done",)`` or
``("failed", message)``. The parent keeps the child's standard input open: when it
closes (the parent ended or gave up), the child ends at once.
"""

from __future__ import annotations

import importlib
import json
import os
import pickle
import queue
import subprocess
import sys
import threading
import time
import types
from collections.abc import Callable
from typing import IO, Any

from annotator.core.errors import AnnotatorError, Stopped
from annotator.core.processes import python_argv

#: Targets a child may run: this package's own functions only.
ALLOWED_PREFIX = "annotator."
#: Seconds between two progress messages of the child (one per article would flood the
#: pipe and the window's queue).
PROGRESS_EVERY_S = 0.1

Progress = Callable[[int, int], None]
#: What the child runs.
_CHILD = "from annotator.services.child_call import child_main; child_main()"


def throttled(report: Progress, every: float) -> Progress:
    """``report(done, total)`` at the first and last call and at most every ``every`` s."""
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if done in (0, total) or now - last[0] >= every:
            last[0] = now
            report(done, total)

    return progress


def _target(name: str) -> Callable[..., Any]:
    """The function ``package.module:function`` (ValueError outside this package)."""
    module, _, func = name.partition(":")
    if not module.startswith(ALLOWED_PREFIX) or not func:
        raise ValueError(f"not a function of this program: {name!r}")
    found = getattr(importlib.import_module(module), func)
    if not callable(found):
        raise ValueError(f"not a function: {name!r}")
    return found  # type: ignore[no-any-return]


def child_main() -> None:
    """The child process's entry (see the module's docstring for the protocol)."""
    request = json.loads(sys.stdin.readline())

    def end_with_the_parent() -> None:
        sys.stdin.read()  # the parent keeps this pipe open: its end means it is gone
        os._exit(1)

    threading.Thread(target=end_with_the_parent, daemon=True).start()
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not break the stream of pickles

    def send(message: tuple[Any, ...]) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        func = _target(str(request["target"]))
        every = float(request.get("every", PROGRESS_EVERY_S))
        progress = throttled(lambda done, total: send(("progress", done, total)), every)
        value = func(request["args"], progress)
        if isinstance(value, types.GeneratorType):
            for item in value:
                send(("piece", item))
        else:
            send(("result", value))
        send(("done",))
    except Exception as exc:  # noqa: BLE001 (the parent shows every failure as its message)
        known = isinstance(exc, AnnotatorError)
        send(("failed", str(exc) if known else f"{type(exc).__name__}: {exc}"))


def _read_messages(stream: IO[bytes], into: queue.Queue[tuple[Any, ...] | None]) -> None:
    """Unpickle the child's messages into ``into`` until its output ends (then None)."""
    try:
        while True:
            into.put(pickle.load(stream))
    except (EOFError, OSError, ValueError, pickle.UnpicklingError):
        into.put(None)


def call_in_child(
    target: str,
    args: dict[str, Any],
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    every: float = PROGRESS_EVERY_S,
) -> Any:
    """``target(args, progress)`` run in a child process: its result, or the list of the
    items it yielded when it is a generator.

    Args:
        target: ``"annotator.module:function"``; the function takes (args, progress) and
            returns a picklable value or a generator of picklable items.
        args: JSON-serialisable arguments (paths as strings).
        progress: called as progress(done, total) with the child's reports (at most every
            ``every`` seconds).
        cancelled: polled every 0.1 s; when it turns true the child is killed.

    Raises:
        Stopped: ``cancelled`` turned true (the child is gone).
        AnnotatorError: the child failed (its message) or ended without an answer.
    """
    child = subprocess.Popen(
        python_argv("from annotator.services.child_call import child_main; child_main()"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert child.stdin is not None and child.stdout is not None
    messages: queue.Queue[tuple[Any, ...] | None] = queue.Queue()
    reader = threading.Thread(target=_read_messages, args=(child.stdout, messages), daemon=True)
    reader.start()
    pieces: list[Any] = []
    request = json.dumps({"target": target, "args": args, "every": every}) + "\n"
    try:
        try:
            child.stdin.write(request.encode())
            child.stdin.flush()  # kept open: the child ends when it closes (or we do)
        except OSError:
            pass  # the child ended at once: the end of its output says so below
        while True:
            if cancelled is not None and cancelled():
                raise Stopped("no longer wanted")
            try:
                message = messages.get(timeout=0.1)
            except queue.Empty:
                continue
            if message is None:
                code = child.wait()
                raise AnnotatorError(f"the computation ended early (exit code {code})")
            kind = message[0]
            if kind == "progress":
                if progress is not None:
                    progress(message[1], message[2])
            elif kind == "piece":
                pieces.append(message[1])
            elif kind == "result":
                pieces = message[1]
            elif kind == "failed":
                raise AnnotatorError(message[1])
            elif kind == "done":
                return pieces
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        reader.join(5)  # its output ended with the child: the reader has stopped
        child.stdout.close()
        child.stdin.close()
