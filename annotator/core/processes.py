"""How this program runs work in a Python child process: the one protocol of its children
(the window's counts and import, :mod:`annotator.services.child_call`; the detection and
training processes the window drives through a ``QProcess``; the parallel JSONL reader).

start
    :func:`python_argv` / :func:`module_argv`. ``python -c CODE`` and ``python -m MODULE``
    put the current folder first on ``sys.path``: a ``json.py`` or ``csv.py`` in the folder
    the app was started from (a downloaded corpus, an analyst's home folder) would be
    imported by the child instead of the standard library's and run (review of session
    13). The command built here leaves the current folder out (``-P`` from Python 3.11,
    and the first statement for 3.10) and finds this package where the parent found it,
    whatever the current folder. A long child runs at a lower priority
    (:func:`lower_priority`): the window comes first.
parent -> child
    the request (arguments, or a first JSON line), then JSON lines of commands; every child
    takes ``{"cancel": true}`` as "stop at your next unit, keep what is whole"
    (:func:`watch_input`). The end of its input means the parent went away (closed, died,
    gave up): the child stops as at a cancel, or exits at once when it writes nothing.
child -> parent
    children whose answers are Python objects (an import report, a summary's rows) send
    frames (:func:`send_frame`, :func:`receive_frame`): pickles, so only ever between this
    program's own processes, never from a file or a socket; the ones the window reads
    through a ``QProcess`` say JSON lines (:class:`EventWriter`, :class:`EventLines`).
    Either way: progress (through :class:`~annotator.core.throttle.Throttle`), then one
    answer (a result, or a failure as a message), and a child killed from outside is
    seen as the end of its output without an answer.
end
    the parent closes the child's input, waits a bounded time, then kills it.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

import annotator

#: Added to a long child's nice value (detection, training): the window's process gets the
#: CPU first.
NICENESS = 10

#: The folder holding the ``annotator`` package the parent runs.
PACKAGE_ROOT = str(Path(annotator.__file__).resolve().parents[1])


def python_argv(code: str, *args: str) -> list[str]:
    """The command line of a child running ``code`` (Python statements) with ``args`` in
    its ``sys.argv[1:]``: this interpreter, without the current folder on its path, with
    this package's folder at the end of it."""
    flags = ["-P"] if sys.version_info >= (3, 11) else []
    prefix = (
        "import sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]"
        f" + [{PACKAGE_ROOT!r}]; "
    )
    return [sys.executable, *flags, "-c", prefix + code, *args]


def module_argv(module: str, *args: str) -> list[str]:
    """:func:`python_argv` running ``module`` as ``python -m module args`` would."""
    code = f"import runpy; runpy.run_module({module!r}, run_name='__main__', alter_sys=True)"
    return python_argv(code, *args)


def send_frame(out: IO[bytes], obj: object) -> None:
    """Write one frame to ``out``: the length of the pickle (8 bytes, big-endian), then
    ``obj`` pickled; flushed, so the other process sees it at once."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(len(data).to_bytes(8, "big") + data)
    out.flush()


def receive_frame(src: IO[bytes]) -> object:
    """The next frame :func:`send_frame` wrote to ``src`` (a child of ours: its pickle is
    trusted). Raises EOFError when the stream ends, also inside a frame."""
    head = src.read(8)
    size = int.from_bytes(head, "big") if len(head) == 8 else -1
    data = src.read(size) if size >= 0 else b""
    if size < 0 or len(data) != size:
        raise EOFError
    return pickle.loads(data)  # noqa: S301 - a frame of our own child process


class EventWriter:
    """The JSON-lines side of a child the window drives through a ``QProcess`` (the
    detection and training processes): one JSON object per line on ``stream``, whole lines
    only (the detection process writes from two threads). A parent that went away (broken
    pipe, closed stream) is not an error: :attr:`closed` turns true and the rest is dropped.
    """

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.lock = threading.Lock()
        #: The parent's end of the pipe is closed (it went away): nothing more is written.
        self.closed = False

    def say(self, **event: Any) -> None:
        """Write ``event`` as one line (keys and values JSON-serialisable)."""
        line = json.dumps(event) + "\n"
        with self.lock:
            if self.closed:
                return
            try:
                self.stream.write(line)
                self.stream.flush()
            except (BrokenPipeError, ValueError):
                self.closed = True


class EventLines:
    """The parent's side of :class:`EventWriter`: :meth:`feed` takes the bytes read so far
    and returns the whole lines' events; a line that is not a JSON object (a stray print
    of the child, a traceback) is passed over."""

    def __init__(self) -> None:
        self._rest = b""

    def feed(self, data: bytes) -> list[dict[str, Any]]:
        """The events of the whole lines in what was read before plus ``data`` (bytes of
        the child's output, any cut); a line's unfinished end is kept for the next call."""
        *lines, self._rest = (self._rest + data).split(b"\n")
        events = []
        for line in lines:
            if not line.strip():
                continue
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict):
                events.append(event)
        return events


def lower_priority(step: int = NICENESS) -> None:
    """Make this process ``step`` nice levels lower (where the system has nice values)."""
    if hasattr(os, "nice"):
        os.nice(step)


def watch_input(
    stdin: Iterable[str], stop: threading.Event, at_end: Callable[[], None] | None = None
) -> None:
    """In a thread of its own (a daemon), set ``stop`` at a ``{"cancel": true}`` line of
    ``stdin`` and when ``stdin`` ends (the parent went away: then ``at_end()`` too, e.g.
    ``os._exit`` for a child that writes nothing). Other lines are passed over."""

    def listen() -> None:
        try:
            for line in stdin:
                if not line.strip():
                    continue
                try:
                    command = json.loads(line)
                except ValueError:
                    continue
                if isinstance(command, dict) and command.get("cancel"):
                    stop.set()
        except (OSError, ValueError):
            pass
        if at_end is not None:
            at_end()
        stop.set()

    threading.Thread(target=listen, daemon=True).start()
