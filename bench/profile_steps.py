"""Profile "next article" and opening the 250k-character article in the main window
(issue 16): cProfile of each step, top functions by cumulative time, and the wall time of
each step (not niced; run on a copy of a built scale project).

    python bench/profile_steps.py bench/_out/scale_100000.db [--steps 30] [--top 25]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sqlite3
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
OUT = REPO / "bench" / "_out"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("project", type=Path)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--sort", default="cumulative")
    args = ap.parse_args()
    run = OUT / f"prof_{args.project.stem}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{run}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(args.project) as a, sqlite3.connect(run) as b:
        a.backup(b)

    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    QCoreApplication.setOrganizationName("quote-annotator-prof")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(OUT / "qs_p"))
    from annotator.ui.main_window import MainWindow

    t0 = time.perf_counter()
    w = MainWindow(run, annotator="alice", load_model=False)
    w.show()
    app.processEvents()
    w.view.viewport().repaint()
    print(f"visible {time.perf_counter() - t0:.2f} s")

    def painted() -> None:
        app.processEvents()
        w.view.viewport().repaint()

    t = time.perf_counter()
    while w.list_busy():  # let the list's background work (the totals) settle
        app.processEvents()
        time.sleep(0.02)
    print(f"list settled after {time.perf_counter() - t:.2f} s")
    big = w.project.db.execute("SELECT id FROM articles WHERE title = 'c250k'").fetchone()[0]

    prof = cProfile.Profile()
    times = []
    w.open_article(1)
    painted()
    for _ in range(args.steps):
        t = time.perf_counter()
        prof.enable()
        w.next_article()
        painted()
        prof.disable()
        times.append(time.perf_counter() - t)
    times.sort()
    print(f"next: median {statistics.median(times) * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms")
    pstats.Stats(prof).sort_stats(args.sort).print_stats(args.top)

    prof = cProfile.Profile()
    times = []
    for _ in range(3):
        w.open_article(1)
        painted()
        t = time.perf_counter()
        prof.enable()
        w.open_article(big)
        painted()
        prof.disable()
        times.append(time.perf_counter() - t)
    print(f"open 250k: {[round(x * 1000) for x in times]} ms")
    pstats.Stats(prof).sort_stats(args.sort).print_stats(args.top)
    w.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
