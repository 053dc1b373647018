"""Fair turns between the writers of one project file inside this process.

SQLite lets one writer at a time in and makes the others poll (the busy handler sleeps
1 ms, 2 ms, ... up to 100 ms between tries). A background import that commits every few
tens of milliseconds and starts its next transaction at once can win every race, so the
window's own write (an accept) waits the whole busy timeout and fails as "locked". Writers
in this process therefore queue here first, first come first served: a write that arrives
while an import batch is open runs right after that batch, i.e. within one batch time.
Writers in other processes still meet SQLite's busy timeout.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class TurnTimeout(Exception):
    """Waited longer than the timeout for the other writers of this file in the process."""


class _Turns:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._queue: deque[object] = deque()
        self._owner: int | None = None

    @contextmanager
    def turn(self, timeout: float) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            if self._owner == me:  # the same thread already writes this file
                reentrant = True
            else:
                reentrant = False
                token = object()
                self._queue.append(token)
                deadline = time.monotonic() + timeout
                while self._queue[0] is not token or self._owner is not None:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        self._queue.remove(token)
                        self._cond.notify_all()
                        raise TurnTimeout
                    self._cond.wait(left)
                self._queue.popleft()
                self._owner = me
        try:
            yield
        finally:
            if not reentrant:
                with self._cond:
                    self._owner = None
                    self._cond.notify_all()


_registry: dict[str, _Turns] = {}
_registry_lock = threading.Lock()


def _key(path: Path) -> str:
    try:
        return os.path.realpath(path)
    except OSError:
        return str(path)


@contextmanager
def write_turn(path: Path, timeout: float) -> Iterator[None]:
    """Hold the in-process write turn for the project file at ``path``.

    Raises:
        TurnTimeout: another writer of this process kept the file for ``timeout`` seconds.
    """
    key = _key(path)
    with _registry_lock:
        turns = _registry.setdefault(key, _Turns())
    with turns.turn(timeout):
        yield
