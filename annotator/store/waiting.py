"""A window waiting for the write lock says so to the other programs writing the project.

An import in another process (``annotator import`` in a terminal) writes a group of
articles, commits, and starts the next group; when it has the next group ready (a worker
process reads the file ahead) it takes the lock again within microseconds of the commit,
so a window polling for the lock every millisecond waited for several groups (issue 16:
accept p50 60 ms, p95 135-200 ms of lock wait beside a terminal import at load 5).

A window whose first try finds the lock taken writes a small flag file beside the project
(``.NAME.db.writer-waiting``) and removes it once it has the lock or gives up; a polite
writer (the import) looks for the flag before each transaction and, while a fresh one is
there, lets the window go first. So a window waits for the group under way at most. The
flag is a file (not a row) so that looking costs one ``stat`` and nothing is written into
the project; a flag older than :data:`FLAG_STALE_S` (a window that crashed while waiting)
is ignored. No SQL here.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from pathlib import Path

#: A flag older than this (seconds) is a leftover (windows wait a fraction of a second).
FLAG_STALE_S = 2.0
#: How long (seconds) a polite writer lets waiting windows go first at most, per
#: transaction (a window waits at most WINDOW_WRITE_WAIT_S, 0.2 s, then gives up).
YIELD_MAX_S = 0.5
#: How often (seconds) the polite writer looks whether the flag is gone.
_POLL_S = 0.001


def flag_for(project: Path) -> Path:
    """The flag file of ``project`` (``.NAME.db.writer-waiting`` beside it)."""
    return project.with_name(f".{project.name}.writer-waiting")


def raise_flag(project: Path) -> bool:
    """Say that a writer of this process waits for the lock; True when the flag was
    written (False: the folder is not writable, the others are not told)."""
    # never through a link or into a pipe someone put under the flag's name: a link would
    # have the window overwrite the file it points to, a pipe would block it
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(flag_for(project), flags, 0o644)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        os.write(fd, str(os.getpid()).encode())
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def lower_flag(project: Path) -> None:
    """The waiting writer has the lock (or gave up): the flag goes."""
    with contextlib.suppress(OSError):
        flag_for(project).unlink()


def writer_waiting(project: Path) -> bool:
    """True while a fresh flag says a window waits for the lock (one ``stat``)."""
    try:
        age = time.time() - flag_for(project).stat().st_mtime
    except OSError:
        return False
    return age < FLAG_STALE_S


def let_waiting_writers_go(project: Path, most: float | None = None) -> float:
    """Before a polite writer's transaction: while a window waits for the lock, wait (at
    most ``most`` seconds, :data:`YIELD_MAX_S` by default) so that it goes first. Returns
    the seconds waited (0.0 when no one waits: the usual case, one ``stat``)."""
    if not writer_waiting(project):
        return 0.0
    if most is None:  # read now, not when the function was defined
        most = YIELD_MAX_S
    start = time.monotonic()
    while writer_waiting(project) and time.monotonic() - start < most:
        time.sleep(_POLL_S)
    return time.monotonic() - start
