"""How this program starts Python child processes (detection, training, the window's import
and counts, the parallel JSONL reader).

``python -c CODE`` and ``python -m MODULE`` put the current folder first on ``sys.path``:
a ``json.py`` or ``csv.py`` in the folder the app was started from (a downloaded corpus,
an analyst's home folder) would be imported by the child instead of the standard library's
and run (review of session 13). The command built here leaves the current folder out
(``-P`` from Python 3.11, and the first statement for 3.10) and finds this package where
the parent found it, whatever the current folder.

Our children answer in frames (:func:`send_frame`, :func:`receive_frame`): pickles, so
only ever between this program's own processes, never from a file or a socket.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path
from typing import IO

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
