"""How long the window takes to close while a long article-list read runs (issue 16: 25-27 s
at 100,000 articles before the reads could be interrupted).

    python bench/bench_quit.py PROJECT.db [--filter disagreement] [--after 2] [--annotator alice]
                               [--no-interrupt]

Opens the real window on PROJECT.db (measure a copy: the window writes its position),
notes every article as changed behind the store's back (as another program's write would,
so the filter reads the quotes straight instead of the summaries: the slow read of
before), chooses the "Show" filter, waits ``--after`` seconds and closes the window as
Ctrl+Q does, then prints how long the closing took and how long the filter had run. The
summaries are brought up to date again before the script ends.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("project")
    ap.add_argument("--filter", default="disagreement")
    ap.add_argument("--after", type=float, default=2.0)
    ap.add_argument("--annotator", default="alice")
    ap.add_argument(
        "--no-interrupt",
        action="store_true",
        help="as before issue 16's fix: a cancel only sets the task's flag",
    )
    args = ap.parse_args()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from annotator.store.project import Project
    from annotator.ui.main_window import MainWindow

    if args.no_interrupt:
        from annotator.ui.workers import Task

        Project.interrupt = lambda self: None  # type: ignore[method-assign]
        Project.stop_when = lambda self, stop, every=0: None  # type: ignore[method-assign]
        assert Task.cancel
    app = QApplication([])
    w = MainWindow(Path(args.project), annotator=args.annotator, load_model=False)
    w.show()
    out: dict[str, float] = {}

    def choose() -> None:
        if w.list_busy():  # the window's own first reads: wait for them
            QTimer.singleShot(200, choose)
            return
        con = sqlite3.connect(args.project)  # another program's write: the summaries wait
        con.execute("INSERT OR IGNORE INTO summary_dirty SELECT id FROM articles LIMIT 1")
        con.commit()
        con.close()
        combo = w.article_list.filter_combo
        out["asked"] = time.perf_counter()
        combo.setCurrentIndex(combo.findData(args.filter))
        QTimer.singleShot(int(args.after * 1000), close)

    def close() -> None:
        out["busy"] = float(w.list_busy())
        t0 = time.perf_counter()
        w.close()
        out["close_s"] = time.perf_counter() - t0
        out["ran_s"] = t0 - out["asked"]
        app.quit()

    QTimer.singleShot(500, choose)
    app.exec()
    with Project.open(args.project) as p, p.transaction():
        pass  # a write of the store: brings the summaries up to date
    state = "still reading" if out.get("busy") else "already answered"
    print(
        f"filter {args.filter!r} {state} after {out['ran_s']:.1f} s;"
        f" the window closed in {out['close_s']:.3f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
