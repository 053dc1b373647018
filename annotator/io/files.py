"""Open input files safely: regular files only, and never more than a stated size.

A FIFO named ``.txt`` would block the import forever, a link to ``/dev/zero`` would fill
memory, a device or socket is not an article: they are refused with a reason. Files are
read whole up to :func:`max_file_bytes` (64 MB by default, set ``ANNOTATOR_MAX_FILE_MB``
to change it); line-per-article files (JSONL) are streamed and the limit applies to each
line instead.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from annotator.io.decode import NotTextError, describe_binary

#: Bytes in a megabyte, as the limit is stated (decimal, like file managers show sizes).
MB = 1_000_000
#: Default size limit for one file read whole, or one line of a JSONL file (bytes).
DEFAULT_MAX_FILE_BYTES = 64 * MB
_ENV = "ANNOTATOR_MAX_FILE_MB"
_log = logging.getLogger(__name__)


def max_file_bytes() -> int:
    """The size limit in bytes: ``ANNOTATOR_MAX_FILE_MB`` (a positive number) or 64 MB."""
    raw = os.environ.get(_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_FILE_BYTES
    try:
        mb = float(raw)
    except ValueError:
        mb = -1.0
    if not mb > 0 or mb == float("inf"):
        _warn_bad_limit(raw)
        return DEFAULT_MAX_FILE_BYTES
    return int(mb * MB)


@lru_cache(maxsize=8)
def _warn_bad_limit(raw: str) -> None:
    """Say once per value that a size limit was not understood (it is not silently ignored)."""
    _log.warning(
        "%s=%r is not a positive number of megabytes; using the default %d MB",
        _ENV,
        raw,
        DEFAULT_MAX_FILE_BYTES // MB,
    )


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
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:  # no permission, or gone since the check
        raise NotTextError(f"cannot be read ({exc.strerror or exc})") from None
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


#: Byte-order marks of the Unicode encodings that are not UTF-8 (longest first).
_OTHER_UNICODE = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
#: Bytes looked at by :func:`check_line_file` (the start of the file).
HEAD_BYTES = 4096


def check_line_file(head: bytes, size: int) -> None:
    """Refuse a line-per-article (UTF-8 JSONL) file by its first bytes, with the reason.

    ``head`` is the start of the file (up to HEAD_BYTES), ``size`` its length in bytes.

    Raises:
        NotTextError: the file is empty or only white space, a binary file (an image, an
            archive, a database...), or UTF-16/UTF-32 text (JSONL is UTF-8).
    """
    if size == 0 or (size <= len(head) and not head.strip()):
        raise NotTextError("the file is empty")
    for bom, name in _OTHER_UNICODE:
        if head.startswith(bom):
            raise NotTextError(
                f"the file is {name} text; JSONL files must be UTF-8 (save it as UTF-8)"
            )
    what = describe_binary(head)
    if what:
        raise NotTextError(f"the file is {what}, not text")


def check_line_path(path: str | os.PathLike[str]) -> None:
    """:func:`check_line_file` on the file at ``path`` (a regular file, read up to HEAD_BYTES).

    Raises:
        NotTextError: not a regular file, unreadable, empty, binary or UTF-16/32.
    """
    fd = _open(path)
    with os.fdopen(fd, "rb") as fh:
        check_line_file(fh.read(HEAD_BYTES), os.fstat(fd).st_size)


class LineTooLong(NotTextError):
    """One line of a streamed file is over the size limit."""


def iter_lines(
    path: str | os.PathLike[str], limit: int | None = None
) -> Iterator[tuple[int, bytes | LineTooLong]]:
    """``(line number, bytes)`` for each line of a regular file, streamed.

    A line longer than ``limit`` bytes comes back as a LineTooLong (its rest is skipped),
    so one huge line never costs the others.

    Raises:
        NotTextError: (on the first ``next()``) not a regular file, unreadable, or refused
            by :func:`check_line_file` (empty, binary, UTF-16).
    """
    limit = max_file_bytes() if limit is None else limit
    fd = _open(path)
    with os.fdopen(fd, "rb") as fh:
        check_line_file(fh.peek(HEAD_BYTES)[:HEAD_BYTES], os.fstat(fd).st_size)
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
