"""How this program starts Python child processes (detection, training, the window's import
and counts, the parallel JSONL reader).

``python -c CODE`` and ``python -m MODULE`` put the current folder first on ``sys.path``:
a ``json.py`` or ``csv.py`` in the folder the app was started from (a downloaded corpus,
an analyst's home folder) would be imported by the child instead of the standard library's
and run (review of session 13). The command built here leaves the current folder out
(``-P`` from Python 3.11, and the first statement for 3.10) and finds this package where
the parent found it, whatever the current folder.

Children run through :mod:`annotator.services.child_call` answer in frames
(:func:`send_frame`, :func:`receive_frame`): pickles, so only ever between this program's
own processes, never from a file or a socket. The detection and training processes, which
the window reads through a ``QProcess``, speak JSON lines (:class:`EventWriter`,
:class:`EventLines`).
"""

from __future__ import annotations

import json
import pickle
import sys
import threading
from pathlib import Path
from typing import IO, Any

import annotator

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
