"""The longest GUI gap at the end of an import from the window into a sorted or filtered
list (issue 16: the list was rebuilt on the GUI thread, 35-60 ms at 100,000 articles,
plus the reset to id order and back).

    python bench/bench_import_end.py PROJECT.db --list sorted|filtered|plain [--new 300]

Measure a copy (the import writes to it; each run adds ``--new`` articles of its own
texts). Opens the real window offscreen (no model: no detection afterwards), sorts the
list by title descending or chooses "Show: Has undecided quotes", scrolls to the middle,
opens an article there, waits for the list to be idle, imports a JSONL file of new
articles, and prints the longest gap of a 5 ms heartbeat from 0.5 s before the import's
end to 3 s after, whether the current article is still selected, and how far the list's
scroll moved.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _file(n: int) -> Path:
    stamp = time.time_ns()
    out = Path(tempfile.mkdtemp()) / "new.jsonl"
    with out.open("w", encoding="utf-8") as f:
        for k in range(n):
            text = (
                f"Bench story {stamp}-{k}. The harbour board met on day {k} of the trial. "
                f"'We will keep the ferry running,' said its chair, Ada Brook {k}."
            )
            f.write(json.dumps({"id": f"b{stamp}-{k}", "title": f"B{k}", "text": text}) + "\n")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("project")
    ap.add_argument("--list", choices=("sorted", "filtered", "plain"), default="sorted")
    ap.add_argument("--new", type=int, default=300)
    args = ap.parse_args()
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from annotator.ui.main_window import MainWindow

    app = QApplication([])
    w = MainWindow(Path(args.project), annotator="alice", load_model=False)
    w.show()
    lst = w.article_list

    def settle(limit: float = 120) -> None:
        end = time.perf_counter() + limit
        while time.perf_counter() < end and (
            w.list_busy() or lst.filter_pending or lst.pending_order is not None
        ):
            app.processEvents()
            time.sleep(0.005)
        for _ in range(50):
            app.processEvents()
            time.sleep(0.002)

    settle()
    if args.list == "sorted":
        lst.ask_order(0, True)
    elif args.list == "filtered":
        lst.filter_combo.setCurrentIndex(lst.filter_combo.findData("undecided"))
    settle()
    middle = lst.model.rowCount() // 2
    w.choose_article(lst.model.id_at(middle))
    settle()
    bar = lst.table.verticalScrollBar()
    scroll_before = bar.value()
    current = w.session.article.id
    gaps: list[tuple[float, float]] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def beat() -> None:
        now = clock.elapsed()
        gaps.append((now, now - last[0]))
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(beat)
    timer.start()
    ended: list[float] = []
    w.import_finished.connect(lambda _r: ended.append(clock.elapsed()))
    path = _file(args.new)
    w.start_import([str(path)])
    end = time.perf_counter() + 600
    while not ended and time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)
    stop = time.perf_counter() + 3
    while time.perf_counter() < stop:
        app.processEvents()
        time.sleep(0.001)
    settle()
    timer.stop()
    t_end = ended[0]
    around = [g for t, g in gaps if t_end - 500 <= t <= t_end + 3000]
    top = sorted(((g, t - t_end) for t, g in gaps if t_end - 500 <= t <= t_end + 3000))[-3:]
    rows = lst.table.selectionModel().selectedRows()
    selected = lst.model.id_at(rows[0].row()) if rows else None
    print(
        f"{args.list} list, {lst.model.rowCount():,} rows: longest gap around the import's"
        f" end {max(around):.0f} ms; current article still selected:"
        f" {selected == current} (article {current}); scroll {scroll_before} -> {bar.value()};"
        f" longest three (ms, at ms from the end): {[(int(g), int(t)) for g, t in top]}"
    )
    w.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
