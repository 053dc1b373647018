"""The GUI heartbeat of the gap benches (bench_import_gaps, bench_train_gaps,
bench_concurrent): a QTimer on the window's thread whose late beats are the window's
freezes, and a sampler naming where the threads were while a beat was late.

Import it after sys.path holds the repository (each bench inserts it) and before the
QApplication exists or after, as the bench needs: Qt is imported at the first Heartbeat.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any


class Heartbeat:
    """A ``QTimer`` beating every ``interval_ms`` on the GUI thread; :attr:`gaps` are the
    milliseconds between two beats (``QElapsedTimer``), :attr:`worst` the longest with what
    ``label()`` said then, :attr:`beat_at` the ``perf_counter`` of the last beat."""

    def __init__(self, interval_ms: int, label: Callable[[], str] = lambda: "") -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.label = label
        self.clock = QElapsedTimer()
        self.clock.start()
        self.gaps: list[float] = []
        self.last = self.clock.elapsed()
        self.worst: tuple[float, str] = (0.0, "")
        self.beat_at = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.beat)

    def beat(self) -> None:
        now = self.clock.elapsed()
        gap = now - self.last
        self.gaps.append(gap)
        if gap > self.worst[0]:
            self.worst = (gap, self.label())
        self.last = now
        self.beat_at = time.perf_counter()

    def start(self) -> None:
        """Beat from now on (the first gap counts from now)."""
        self.last = self.clock.elapsed()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def take(self, restart: bool = False) -> list[float]:
        """The gaps so far, and a fresh list from now on (``restart``: the next gap counts
        from now, not from the last beat)."""
        taken, self.gaps = self.gaps, []
        if restart:
            self.last = self.clock.elapsed()
        return taken


class LateStacks:
    """A thread that, every 10 ms while the last beat of ``heart`` is ``late_s`` old or
    more, counts where the threads were: the GUI thread (``main``) or every other one but
    itself, each as its innermost ``depth`` frames (innermost first). :attr:`places`
    counts them; :meth:`stop` ends it."""

    def __init__(self, heart: Heartbeat, late_s: float, depth: int, main: bool) -> None:
        self.heart, self.late_s, self.depth, self.main = heart, late_s, depth, main
        self.places: Counter[str] = Counter()
        self._stop = False
        self._main_id = threading.main_thread().ident
        threading.Thread(target=self._run, daemon=True).start()

    def stop(self) -> None:
        self._stop = True

    def _key(self, frame: Any) -> str:
        stack = traceback.extract_stack(frame)[-self.depth :]
        return " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in stack[::-1])

    def _run(self) -> None:
        while not self._stop:
            time.sleep(0.01)
            if time.perf_counter() - self.heart.beat_at < self.late_s:
                continue
            frames = sys._current_frames()
            if self.main:
                frame = frames.get(self._main_id or 0)
                if frame is not None:
                    self.places[self._key(frame)] += 1
                continue
            for tid, frame in frames.items():
                if tid not in (self._main_id, threading.get_ident()):
                    self.places[self._key(frame)] += 1


def percentiles(gaps: list[float]) -> tuple[float, float, float]:
    """(p50, p95, p99) of ``gaps`` (at least two)."""
    q = statistics.quantiles(gaps, n=100)
    return q[49], q[94], q[98]
