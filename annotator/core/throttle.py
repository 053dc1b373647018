"""One progress throttle for every long job (the window's import, the counts in a child, the
training's steps): a job that reports every line or article would send thousands of
messages a second (a 50,000-line file flooded the window for 5-12 s, tester18 T3), while a
bar moves smoothly at ten to twenty updates a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any

#: Seconds between two progress reports of a job in a child process (the counts, the
#: window's import): ten a second.
PROGRESS_EVERY_S = 0.1


class Throttle:
    """Says whether a progress report is due: the first one, the end (``done >= total``),
    one of another ``key`` (a new step), a ``force``d one, and otherwise at most one every
    ``every`` seconds of ``clock`` (seconds, read at each call; ``time.monotonic`` unless
    another is given, as tests give a clock of their own instead of patching the process's)."""

    def __init__(self, every: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.every = every
        self.clock = clock
        self._last = float("-inf")
        self._key: Hashable = None

    def due(self, done: int, total: int, key: Hashable = None, force: bool = False) -> bool:
        """True when this report is to be sent (and it then counts as the last one sent)."""
        now = self.clock()
        if not (force or done >= total or key != self._key or now - self._last >= self.every):
            return False
        self._last, self._key = now, key
        return True


def throttled(
    report: Callable[..., None], every: float, clock: Callable[[], float] = time.monotonic
) -> Callable[..., None]:
    """``report(done, total, *more)`` called through a :class:`Throttle` of ``every``
    seconds of ``clock``."""
    throttle = Throttle(every, clock)

    def progress(done: int, total: int, *more: Any) -> None:
        if throttle.due(done, total):
            report(done, total, *more)

    return progress
