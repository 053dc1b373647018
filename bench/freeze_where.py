"""Where the window's thread stalls: the heartbeat of ../shared/tools/heartbeat.py, plus
what took the time.

    QT_QPA_PLATFORM=offscreen python bench/freeze_where.py PROJECT.db [SECONDS] [LIMIT_MS]

Starts the real app (as ``annotator PROJECT.db --annotator probe``) and prints, after
SECONDS (30): the longest gaps of a 20 ms timer (ms, and when they ended, seconds after
start), every event the window's thread took longer than LIMIT_MS (40) to handle (when,
ms, receiver class and object name, a timer's interval, the event type number: 206 is
Expose, the first paint; 77 a layout request; 1 a timer) and every garbage collection
longer than 10 ms or of the oldest generation (generation, when, ms, thread). A gap with
no slow event beside it was spent waiting for the interpreter lock (another thread ran
Python) or for a core. Issue 16 found with it: a checkpoint's fsync, a full cycle
collection, the first-name list parsed in a pool thread.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

T0 = time.monotonic()
SLOW: list[tuple[Any, ...]] = []
_DEPTH = [0]


class _TimedApp(QApplication):
    def __init__(self, limit_s: float) -> None:
        super().__init__(sys.argv[:1])
        self.limit_s = limit_s

    def notify(self, receiver: QObject, event: Any) -> bool:  # noqa: D102 (Qt's)
        _DEPTH[0] += 1
        start = time.monotonic()
        try:
            return super().notify(receiver, event)
        finally:
            _DEPTH[0] -= 1
            spent = time.monotonic() - start
            if spent > self.limit_s and _DEPTH[0] == 0:
                name = f"{type(receiver).__name__}:{receiver.objectName()}"
                if isinstance(receiver, QTimer):
                    name += f" interval={receiver.interval()}"
                kind = getattr(event.type(), "value", event.type())
                SLOW.append(("event", round(start - T0, 2), round(spent * 1000), name, kind))


def _collections() -> None:
    began = [0.0]

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began[0] = time.monotonic()
            return
        spent = time.monotonic() - began[0]
        if spent > 0.01 or info["generation"] == 2:
            when = round(began[0] - T0, 2)
            name = threading.current_thread().name
            SLOW.append(("gc", info["generation"], when, round(spent * 1000), name))

    gc.callbacks.append(watch)


def main() -> int:
    project = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0
    limit_ms = float(sys.argv[3]) if len(sys.argv) > 3 else 40.0
    app = _TimedApp(limit_ms / 1000)
    gaps: list[tuple[float, float]] = []
    loop = QApplication.exec

    def exec_(*_args: Any) -> int:
        last = [time.monotonic()]

        def beat() -> None:
            now = time.monotonic()
            gaps.append((now - last[0], now - T0))
            last[0] = now

        timer = QTimer()
        timer.timeout.connect(beat)
        timer.start(20)
        QTimer.singleShot(int(seconds * 1000), app.quit)
        code = loop()
        top = sorted(gaps, reverse=True)[:6]
        print("longest gaps (ms, ended at s):", [(round(g * 1000), round(t, 2)) for g, t in top])
        for row in SLOW:
            print(*row)
        return int(code)

    QApplication.exec = exec_  # type: ignore[method-assign,assignment]
    _collections()
    from annotator.cli import main as cli_main

    try:
        return cli_main([project, "--annotator", "probe"])
    except SystemExit as exc:
        return int(exc.code or 0)


if __name__ == "__main__":
    raise SystemExit(main())
