"""A window closes while a background worker still runs (tester17 F8).

:meth:`MainWindow.closeEvent <annotator.ui.main_window.MainWindow.closeEvent>` asks every
worker to stop and waits up to :data:`CLOSE_WAIT_MS` for each pool. A worker that is still
running after that (one that ignores the stop for a while) keeps using the project's
connection, so the project is never closed under it: :func:`close_after_workers` closes it
when the last of its pools is idle (polled from this thread), and :func:`end_process` ends
the process at once when the event loop returns while such a worker still runs (the
operating system releases the connection; SQLite rolls back any transaction left open, so
the file keeps every committed write and nothing half-written).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from PySide6.QtCore import QCoreApplication, QThreadPool, QTimer

#: How long, in milliseconds, a closing window waits for each pool's workers to stop.
CLOSE_WAIT_MS = 30000
#: How often, in milliseconds, the pools of a closed window are looked at.
POLL_MS = 200

#: (project, pools, poll timer) of closed windows whose workers still run
_LEFT: list[tuple[Any, list[QThreadPool], QTimer]] = []


def close_after_workers(project: Any, pools: list[QThreadPool]) -> None:
    """Close ``project`` (an object with ``close()``) once every pool of ``pools`` has no
    active thread. The pools (but the global one) are taken from their window (their
    parent), so deleting the window never blocks on them; they live until then. Returns
    at once."""
    for pool in pools:
        if pool is not QThreadPool.globalInstance():
            pool.setParent(None)
    timer = QTimer(QCoreApplication.instance())
    entry = (project, pools, timer)
    _LEFT.append(entry)

    def look() -> None:
        if any(p.activeThreadCount() for p in pools):
            return
        timer.stop()
        timer.deleteLater()
        if entry in _LEFT:
            _LEFT.remove(entry)
        project.close()

    timer.setInterval(POLL_MS)
    timer.timeout.connect(look)
    timer.start()


def leftover_workers() -> int:
    """How many closed windows still have a worker running (their project is open)."""
    return sum(1 for _p, pools, _t in _LEFT if any(p.activeThreadCount() for p in pools))


def end_process(code: int) -> int:
    """After the event loop returned with ``code``: when a closed window's worker still
    runs, flush the output and end the process now (``os._exit``: the worker thread
    would otherwise keep it alive, and Python's exit would wait for it). Otherwise close
    the projects left (their workers ended) and return ``code``."""
    if leftover_workers():
        print(
            "annotator: a background task did not stop in time; the project was left "
            "for the system to close (every saved change is kept)",
            file=sys.stderr,
        )
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    for project, _pools, timer in list(_LEFT):
        timer.stop()
        project.close()
    _LEFT.clear()
    return code
