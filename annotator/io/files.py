"""Open input files safely: regular files only, and never more than a stated size.

A FIFO named ``.txt`` would block the import forever, a link to ``/dev/zero`` would fill
memory, a device or socket is not an article: they are refused with a reason. Files are
read whole up to :func:`max_file_bytes` (64 MB by default, set ``ANNOTATOR_MAX_FILE_MB``
to change it); line-per-article files (JSONL) are streamed and the limit applies to each
line instead.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from annotator.io.decode import NotTextError

#: Bytes in a megabyte, as the limit is stated (decimal, like file managers show sizes).
MB = 1_000_000
#: Default size limit for one file read whole, or one line of a JSONL file (bytes).
DEFAULT_MAX_FILE_BYTES = 64 * MB
_ENV = "ANNOTATOR_MAX_FILE_MB"


def max_file_bytes() -> int:
    """The size limit in bytes: ``ANNOTATOR_MAX_FILE_MB`` (a positive number) or 64 MB."""
    raw = os.environ.get(_ENV, "").strip()
    try:
        mb = float(raw)
    except ValueError:
        return DEFAULT_MAX_FILE_BYTES
    return int(mb * MB) if mb > 0 else DEFAULT_MAX_FILE_BYTES


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def check_regular(path: str | os.PathLike[str]) -> os.stat_result:
    """Stat ``path`` (following links); raise NotTextError unless it is a regular file."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise NotTextError(f"cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(st.st_mode):
        raise NotTextError(f"is {_kind(st.st_mode)}, not a file; skipped")
    return st


def _open(path: str | os.PathLike[str]) -> int:
    """Open for reading without blocking on a FIFO swapped in after the check."""
    check_regular(path)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise NotTextError(f"is {_kind(st.st_mode)}, not a file; skipped")
    return fd


def read_limited(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (default :func:`max_file_bytes`).

    Raises:
        NotTextError: not a regular file, unreadable, or larger than the limit.
    """
    limit = max_file_bytes() if limit is None else limit
    fd = _open(path)
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise NotTextError(
            f"is larger than the limit of {limit / MB:g} MB (set {_ENV} to import bigger files)"
        )
    return data


class LineTooLong(NotTextError):
    """One line of a streamed file is over the size limit."""


def iter_lines(
    path: str | os.PathLike[str], limit: int | None = None
) -> Iterator[tuple[int, bytes | LineTooLong]]:
    """``(line number, bytes)`` for each line of a regular file, streamed.

    A line longer than ``limit`` bytes comes back as a LineTooLong (its rest is skipped),
    so one huge line never costs the others.
    """
    limit = max_file_bytes() if limit is None else limit
    fd = _open(path)
    with os.fdopen(fd, "rb") as fh:
        lineno = 0
        while True:
            raw = fh.readline(limit + 1)
            if not raw:
                return
            lineno += 1
            if len(raw) > limit and not raw.endswith(b"\n"):
                while True:  # skip the rest of the over-long line
                    rest = fh.readline(1 << 20)
                    if not rest or rest.endswith(b"\n"):
                        break
                yield (
                    lineno,
                    LineTooLong(f"line {lineno} is longer than the limit of {limit / MB:g} MB"),
                )
                continue
            yield lineno, raw


def is_regular_file(path: Path) -> bool:
    """True for a regular file (links followed), without raising."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
