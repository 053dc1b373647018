"""A window waiting for the write lock says so to the other programs writing the project.

An import in another process (``annotator import`` in a terminal) writes a group of
articles, commits, and starts the next group; when it has the next group ready (a worker
process reads the file ahead) it takes the lock again within microseconds of the commit,
so a window polling for the lock every millisecond waited for several groups (issue 16:
accept p50 60 ms, p95 135-200 ms of lock wait beside a terminal import at load 5).

A window whose first try finds the lock taken writes a small flag file of its own into a
folder beside the project (``.NAME.db.writers-waiting/``, one file per waiting write, so
one window that stops waiting never clears another's request) and removes it once it has
the lock or gives up (the folder stays, empty); a polite writer (the import)
looks for a fresh flag there before each transaction and, while there is one, lets the
windows go first. So a window waits for the group under way at most. Flags are files
(not rows) so that looking costs a listing of a small folder (one failed ``open`` before
any window waited) and nothing is written into the project; a flag older than
:data:`FLAG_STALE_S` (a window that crashed while waiting) is ignored, and removed by the
next window that lowers its own. Nothing is written through a link or into a pipe or file
someone put under the folder's name. No SQL here.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import stat
import threading
import time
from pathlib import Path

#: A flag older than this (seconds) is a leftover (windows wait a fraction of a second).
FLAG_STALE_S = 2.0
#: How long (seconds) a polite writer lets waiting windows go first at most, per
#: transaction (a window waits at most WINDOW_WRITE_WAIT_S, 0.2 s, then gives up).
YIELD_MAX_S = 0.5
#: How often (seconds) the polite writer looks whether the flag is gone.
_POLL_S = 0.001


def folder_for(project: Path) -> Path:
    """The folder of ``project``'s flags (``.NAME.db.writers-waiting`` beside it)."""
    return project.with_name(f".{project.name}.writers-waiting")


_raised = itertools.count()
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)


def _open_folder(project: Path, create: bool) -> int | None:
    """A descriptor of the flags' folder (never through a link), made first when
    ``create``; None when there is none or it is not a folder."""
    folder = folder_for(project)
    for _ in range(3):
        if create:
            with contextlib.suppress(FileExistsError, OSError):
                os.mkdir(folder, 0o755)
        try:
            return os.open(folder, _DIR_FLAGS)
        except FileNotFoundError:
            if not create:
                return None
            continue  # the last flag's owner removed the folder meanwhile: again
        except OSError:
            return None
    return None


def raise_flag(project: Path) -> str | None:
    """Say that a writer of this process waits for the lock: a flag of its own in
    :func:`folder_for`. Returns the flag's name, for :func:`lower_flag` (None: the folder
    is not writable, or something that is not a folder is under its name; the others are
    not told)."""
    fd_dir = _open_folder(project, create=True)
    if fd_dir is None:
        return None
    name = f"{os.getpid()}-{threading.get_ident()}-{next(_raised)}"
    # never through a link, into a pipe or over someone's file under the flag's name
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(name, flags, 0o644, dir_fd=fd_dir)
    except OSError:
        os.close(fd_dir)
        return None
    try:
        os.write(fd, str(os.getpid()).encode())
    except OSError:
        pass  # the file is the flag; its bytes only help a person looking
    finally:
        os.close(fd)
        os.close(fd_dir)
    return name


def refresh_flag(project: Path, name: str) -> None:
    """A writer still waiting keeps its flag ``name`` fresh (a longer wait than
    :data:`FLAG_STALE_S` would otherwise look like a crashed window's)."""
    fd_dir = _open_folder(project, create=False)
    if fd_dir is None:
        return
    try:
        with contextlib.suppress(OSError):
            os.utime(name, dir_fd=fd_dir, follow_symlinks=False)
    finally:
        os.close(fd_dir)


def lower_flag(project: Path, name: str | None) -> None:
    """The waiting writer has the lock (or gave up): its flag ``name`` (what
    :func:`raise_flag` returned) goes, the flags of other waiters stay; stale flags (of
    windows that crashed) go too."""
    fd_dir = _open_folder(project, create=False)
    if fd_dir is None:
        return
    try:
        if name:
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=fd_dir)
        now = time.time()
        with contextlib.suppress(OSError), os.scandir(fd_dir) as entries:
            for e in entries:
                with contextlib.suppress(OSError):
                    if now - e.stat(follow_symlinks=False).st_mtime >= FLAG_STALE_S:
                        os.unlink(e.name, dir_fd=fd_dir)
    finally:
        os.close(fd_dir)
    # the folder stays, empty (removing it cost 3 ms a key on an overlay file system, and
    # raced with a window making its flag); an empty folder says no window waits


def writer_waiting(project: Path) -> bool:
    """True while a fresh flag says a window waits for the lock (one failed ``open``
    when none does)."""
    fd_dir = _open_folder(project, create=False)
    if fd_dir is None:
        return False
    now = time.time()
    try:
        with os.scandir(fd_dir) as entries:
            for e in entries:
                try:
                    st = e.stat(follow_symlinks=False)
                except OSError:
                    continue
                if stat.S_ISREG(st.st_mode) and now - st.st_mtime < FLAG_STALE_S:
                    return True
    except OSError:
        return False
    finally:
        os.close(fd_dir)
    return False


#: Seconds after a polite writer last let a window go during which it counts as a window
#: at work (pressing keys): see :func:`window_at_work`.
LATELY_S = 3.0
#: when this process's polite writers last found a window waiting, per project path
#: (:func:`window_at_work`, :func:`let_waiting_writers_go`)
_seen: dict[str, float] = {}


def window_at_work(project: Path, within: float | None = None) -> bool:
    """True when a window waits for ``project``'s lock now, or a polite writer of this
    process found one waiting within the last ``within`` seconds (:data:`LATELY_S` by
    default): someone is pressing keys, so the writer keeps its transactions short for a
    while. Costs what :func:`writer_waiting` costs (one failed ``open`` when no window
    waits). A writer asks at the end of its transaction: a window that waited for it has
    its flag up then, and usually has the lock before the writer's next
    :func:`let_waiting_writers_go`."""
    key = str(project)
    if writer_waiting(project):
        _seen[key] = time.monotonic()
        return True
    seen = _seen.get(key)
    if seen is None:
        return False
    return time.monotonic() - seen < (LATELY_S if within is None else within)


def let_waiting_writers_go(project: Path, most: float | None = None) -> float:
    """Before a polite writer's transaction: while a window waits for the lock, wait (at
    most ``most`` seconds, :data:`YIELD_MAX_S` by default) so that it goes first. Returns
    the seconds waited (0.0 when no one waits: the usual case, one ``stat``)."""
    if not writer_waiting(project):
        return 0.0
    _seen[str(project)] = time.monotonic()
    if most is None:  # read now, not when the function was defined
        most = YIELD_MAX_S
    start = time.monotonic()
    while writer_waiting(project) and time.monotonic() - start < most:
        time.sleep(_POLL_S)
    return time.monotonic() - start
