"""Run one function of this program in a child process: the one protocol of the window's
jobs in a child (the quote summary and the dashboard's counts, File > Import).

Why a child: a minute of pure Python (agreement over 100,000 articles, the quote summary of
970,000 quotes, an import's rows and checks) in a thread of the window's process holds the
interpreter lock beside the GUI thread: the window stood still 100-650 ms at a time (the
dashboard, tester16), 200-480 ms (the quote summary, tester18 T6), and at load 6 on 2 cores
an import made accept p50 116 ms (issue 16). In a child the window's process only waits on
a pipe.

The protocol:

start
    ``python -c "...child_main()"`` built by :func:`~annotator.core.processes.python_argv`
    (the current folder is never on the child's path).
parent -> child (standard input)
    one JSON line ``{"target": "package.module:function", "args": {...}, "every": s,
    "cancel": "kill" | "ask"}``; the child imports the target (only names under
    :data:`ALLOWED_PREFIX`: nothing read from a project file picks it) and calls
    ``function(args, progress, stop)``. Then, with ``"ask"``, ``{"cancel": true}`` is the
    cancel (:func:`~annotator.core.processes.watch_input`): ``stop()`` turns true and the
    function ends at its next unit with what it has (an import's report says cancelled).
child -> parent (standard output, :func:`~annotator.core.processes.send_frame`)
    ``("progress", done, total, *more)`` through a
    :class:`~annotator.core.throttle.Throttle` of ``every`` seconds (the end always);
    either ``("piece", item)`` for each item of a generator or ``("result", value)``;
    then ``("done",)`` or ``("failed", type name, message, known)`` (``known``: an
    :class:`AnnotatorError`, whose message is meant for the analyst as it is).
cancel
    ``"kill"`` (read-only work): the parent kills the child at once and raises
    :class:`Stopped`; ``"ask"`` (work that writes): the parent sends the cancel line and
    waits for the answer.
end
    The parent keeps the child's standard input open while it waits; when it closes (the
    parent ended, died or gave up) a ``"kill"`` child exits at once and an ``"ask"`` child
    stops as at a cancel. The parent then waits for the child (an ``"ask"`` child up to
    ``end_wait`` seconds, as it closes its project) and kills it if it is still there.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import types
from collections.abc import Callable
from typing import IO, Any, Literal

from annotator.core.errors import AnnotatorError, Stopped
from annotator.core.processes import python_argv, receive_frame, send_frame, watch_input
from annotator.core.throttle import PROGRESS_EVERY_S, throttled

#: Targets a child may run: this package's own functions only.
ALLOWED_PREFIX = "annotator."
#: Seconds an ``"ask"`` child has to end after its answer or the parent's end (it closes
#: its project: a checkpoint of the write-ahead log) before it is killed.
END_WAIT_S = 30.0

Cancel = Literal["kill", "ask"]
_CHILD = "from annotator.services.child_call import child_main; child_main()"


class ChildFailed(AnnotatorError):
    """The function in the child raised: ``type_name`` and ``text`` of its exception;
    ``known`` for an :class:`AnnotatorError` (the message is then the text alone, else
    ``Type: text``)."""

    def __init__(self, type_name: str, text: str, known: bool) -> None:
        super().__init__(text if known else f"{type_name}: {text}")
        self.type_name, self.text, self.known = type_name, text, known


class ChildEnded(AnnotatorError):
    """The child ended (killed from outside, crashed) without an answer; ``code`` is its
    exit status."""

    def __init__(self, code: int) -> None:
        super().__init__(f"the computation ended early (exit code {code})")
        self.code = code


def _target(name: str) -> Callable[..., Any]:
    """The function ``package.module:function`` (ValueError outside this package)."""
    import importlib

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
    stop = threading.Event()
    # the parent gone: a "kill" job (it writes nothing) exits at once, an "ask" one stops
    gone = (lambda: os._exit(1)) if request.get("cancel", "kill") == "kill" else None
    watch_input(sys.stdin, stop, at_end=gone)
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not break the stream of frames

    def send(*message: Any) -> None:
        send_frame(out, message)

    try:
        func = _target(str(request["target"]))
        every = float(request.get("every", PROGRESS_EVERY_S))
        progress = throttled(lambda *values: send("progress", *values), every)
        value = func(request["args"], progress, stop.is_set)
        if isinstance(value, types.GeneratorType):
            for item in value:
                send("piece", item)
        else:
            send("result", value)
        send("done")
    except Exception as exc:  # noqa: BLE001 (the parent shows every failure as its message)
        send("failed", type(exc).__name__, str(exc), isinstance(exc, AnnotatorError))


def _read_messages(stream: IO[bytes], into: queue.Queue[tuple[Any, ...] | None]) -> None:
    """Receive the child's frames into ``into`` until its output ends (then None)."""
    try:
        while True:
            into.put(receive_frame(stream))  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 (any frame that cannot be read ends the reading)
        # the end of the output, or a frame that does not unpickle here (a class this
        # process cannot make): the caller then sees the child's exit, never waits forever
        into.put(None)


def call_in_child(
    target: str,
    args: dict[str, Any],
    progress: Callable[..., None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    every: float = PROGRESS_EVERY_S,
    cancel: Cancel = "kill",
    end_wait: float = END_WAIT_S,
    started: Callable[[subprocess.Popen[bytes]], None] | None = None,
) -> Any:
    """``target(args, progress, stop)`` run in a child process: its result, or the list of
    the items it yielded when it is a generator.

    Args:
        target: ``"annotator.module:function"``; the function takes (args, progress, stop)
            and returns a picklable value or a generator of picklable items.
        args: JSON-serialisable arguments (paths as strings).
        progress: called as progress(done, total, *more) with the child's reports (at most
            every ``every`` seconds, and the end).
        cancelled: polled every 0.1 s; once true, the child is killed (``"kill"``) or
            told to stop at its next unit (``"ask"``: its answer still comes back).
        end_wait: seconds an ``"ask"`` child has to end after its answer before it is
            killed.
        started: given the child's process as soon as it runs (to kill it from another
            thread, e.g. a closing window).

    Raises:
        Stopped: ``cancelled`` turned true with ``"kill"`` (the child is gone).
        ChildFailed: the function raised (an AnnotatorError: its message).
        ChildEnded: the child ended without an answer.
    """
    child = subprocess.Popen(python_argv(_CHILD), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert child.stdin is not None and child.stdout is not None
    if started is not None:
        started(child)
    messages: queue.Queue[tuple[Any, ...] | None] = queue.Queue()
    reader = threading.Thread(target=_read_messages, args=(child.stdout, messages), daemon=True)
    reader.start()
    pieces: list[Any] = []
    request = {"target": target, "args": args, "every": every, "cancel": cancel}
    told = False
    try:
        _write(child.stdin, json.dumps(request) + "\n")  # kept open: see the protocol
        while True:
            if not told and cancelled is not None and cancelled():
                if cancel == "kill":
                    raise Stopped("no longer wanted")
                told = True
                _write(child.stdin, json.dumps({"cancel": True}) + "\n")
            try:
                message = messages.get(timeout=0.1)
            except queue.Empty:
                continue
            if message is None:
                raise ChildEnded(child.wait())
            kind = message[0]
            if kind == "progress":
                if progress is not None:
                    progress(*message[1:])
            elif kind == "piece":
                pieces.append(message[1])
            elif kind == "result":
                pieces = message[1]
            elif kind == "failed":
                raise ChildFailed(*message[1:])
            elif kind == "done":
                return pieces
    finally:
        if cancel == "kill" and child.poll() is None:
            child.kill()
        with contextlib.suppress(OSError):  # the child ended first: its end is closed
            child.stdin.close()
        try:
            child.wait(end_wait)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        reader.join(5)  # its output ended with the child: the reader has stopped
        child.stdout.close()


def _write(stdin: IO[bytes], line: str) -> None:
    """Write ``line`` to the child; a child that already ended is not an error here (the
    end of its output says what became of it)."""
    with contextlib.suppress(OSError):
        stdin.write(line.encode())
        stdin.flush()
