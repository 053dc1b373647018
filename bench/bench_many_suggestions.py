"""Keys and open on articles with very many suggestions (tester17 F10, issue 16).

Builds a small project (in a temporary folder) with two hostile articles, written straight
into the store so the import's de-duplication does not apply:

- ``many``: 320,000 characters ('Zeta said "ok". ' x 20,000), 20,000 suggestions, one per
  sentence;
- ``same``: 1,000 characters, 5,000 suggestions on the very same span (ties in text order).

Then, in a real MainWindow (offscreen 1366x768, no model), opens each article 5 times and
presses A, R and Ctrl+Z N times each, timing every key until the event loop is idle
(:class:`bench_scale.KeyClock`). Prints wall and CPU p50/p95 (ms) per step.

    python bench/bench_many_suggestions.py [--n 20] [--opens 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def build(path: Path) -> dict[str, int]:
    from annotator.core.model import Article, Quote
    from annotator.store.project import Project

    unit = 'Zeta said "ok". '
    ids = {}
    with Project.open(path) as p:
        text = unit * 20_000
        aid, _ = p.add_article(Article(title="many", text=text))
        quotes = [
            Quote(
                content_spans=((i * 16 + 10, i * 16 + 14),),
                speaker_spans=((i * 16, i * 16 + 4),),
                speaker_text="Zeta",
                confidence=0.9,
            )
            for i in range(20_000)
        ]
        p.set_suggestions(aid, "bench", quotes)
        ids["many"] = aid
        text = unit * 64
        aid, _ = p.add_article(Article(title="same", text=text))
        q = Quote(content_spans=((10, 14),), speaker_spans=((0, 4),), speaker_text="Zeta")
        p.set_suggestions(aid, "bench", [q] * 5_000)
        ids["same"] = aid
        p.add_article(Article(title="small", text='Alpha said "hello there". ' * 10))
    return ids


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--opens", type=int, default=5)
    args = ap.parse_args()
    from bench_scale import KeyClock, laptop_screen

    tmp = Path(tempfile.mkdtemp(prefix="bench_many_"))
    t, c = time.perf_counter(), time.process_time()
    ids = build(tmp / "p.db")
    print(f"build {time.perf_counter() - t:.1f} s wall, {time.process_time() - c:.1f} s CPU")
    laptop_screen()
    from PySide6.QtCore import QCoreApplication, QSettings, Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    QCoreApplication.setOrganizationName("quote-annotator-bench")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "qs"))
    from annotator.ui.main_window import MainWindow

    w = MainWindow(tmp / "p.db", annotator="bench", load_model=False)
    w.show()
    clock = KeyClock(app, w)
    clock.settle()
    small = max(ids.values()) + 1
    rows = []
    for name in ("many", "same"):
        opens = []
        for _ in range(args.opens):
            w.open_article(small)
            clock.settle()
            t0, c0 = time.perf_counter(), time.process_time()
            w.open_article(ids[name])
            w.view.viewport().repaint()
            clock.settle()
            opens.append((time.perf_counter() - t0, time.process_time() - c0))
        rows.append((name, "open", opens))
        w.view.setFocus()
        clock.settle()
        no = Qt.KeyboardModifier.NoModifier
        ctrl = Qt.KeyboardModifier.ControlModifier
        for label, key, mod in (
            ("A", Qt.Key.Key_A, no),
            ("R", Qt.Key.Key_R, no),
            ("Ctrl+Z", Qt.Key.Key_Z, ctrl),
        ):
            got = []
            for _ in range(args.n):
                wall, cpu, _h = clock.press(key, mod, limit=30.0)
                got.append((wall, cpu))
            rows.append((name, label, got))
    clock.close()
    w.close()
    head = f"{'wall p50':>9} {'p95':>7} {'max':>7} {'CPU p50':>8} {'p95':>7}"
    print(f"{'article':8} {'step':7} {head}")
    for name, step, got in rows:
        walls = [g[0] * 1000 for g in got]
        cpus = [g[1] * 1000 for g in got]
        print(
            f"{name:8} {step:7} {statistics.median(walls):9.1f} {pct(walls, 0.95):7.1f}"
            f" {max(walls):7.1f} {statistics.median(cpus):8.1f} {pct(cpus, 0.95):7.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
