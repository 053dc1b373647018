"""The review window on one long article: open time, longest GUI stall and decision keys
(issue 16, tester19 N4).

For each size N (quotes per annotator) it writes a JSONL of our own text (one article of
N sentences 'Speaker K said the plan K was fine.', alice and bob each with N accepted
quotes on the same spans, bob's a word shorter on every third, stances drawn with a fixed
seed), imports it with ``annotator import`` into a temporary project, then in a child
process opens a ReviewWindow (offscreen 1366x768) with a 10 ms heartbeat timer and:

- open: from the constructor until the table shows the N rows; the longest heartbeat gap
  meanwhile (a GUI stall);
- keys: on a chosen row, ``1`` (pick alice's), ``X`` (leave out) and ``Ctrl+Z`` (undo the
  X), ``--keys`` times each, each timed from the press until a 0 ms timer posted after it
  has run and the events it left are processed (wall and process CPU); the longest gap.

Prints one line per size (ms): open, open stall, then p50/p95 wall and p95 CPU of each key
and the longest gap during the keys, with the 1-minute load average.

    python bench/bench_review.py [--sizes 100,1000,5000] [--keys 20] [--code DIR]

``--code DIR`` runs that checkout's ``annotator`` package (the before figures: e.g. a
``git archive`` of main unpacked in DIR); the project is imported with the same code.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()


def write_jsonl(path: Path, n: int) -> None:
    """One article of ``n`` sentences with alice's and bob's quotes (see the module doc)."""
    rnd = random.Random(n)
    parts: list[str] = []
    quotes: list[dict[str, Any]] = []
    pos = 0
    for i in range(n):
        sentence = f"Speaker {i} said the plan {i} was fine."
        a = pos + sentence.index("the plan")
        b = pos + len(sentence) - 1
        sp = (pos, pos + len(f"Speaker {i}"))
        for who in ("alice", "bob"):
            end = b - 5 if who == "bob" and i % 3 == 0 else b  # "fine" left out
            quotes.append(
                {
                    "content_spans": [[a, end]],
                    "speaker_spans": [list(sp)],
                    "kind": "indirect",
                    "annotator": who,
                    "status": "accepted",
                    "stance": rnd.choice(["support", "oppose", "neutral"]),
                }
            )
        parts.append(sentence)
        pos += len(sentence) + 1
    doc = {"id": f"rv{n}", "title": f"Review bench {n:,}", "text": " ".join(parts)}
    doc["quotes"] = quotes
    path.write_text(json.dumps(doc) + "\n", encoding="utf-8")


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))] if s else 0.0


def child(db: str, n: int, keys: int) -> None:
    """Measure one project in this process (see the module doc); print a JSON line."""
    cfg = Path(tempfile.gettempdir()) / "bench_review_screen.json"
    screen = {"name": "s", "x": 0, "y": 0, "width": 1366, "height": 768}
    screen.update(logicalDpi=96, logicalBaseDpi=96, dpr=1)
    cfg.write_text(json.dumps({"screens": [screen]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={cfg}"
    from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    QCoreApplication.setOrganizationName("bench-review")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(Path(db).parent / "qs")
    )
    from annotator.ui.review_window import ReviewWindow

    gaps: list[tuple[float, float]] = []  # (gap, time)
    last = [time.perf_counter()]

    def beat() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0], now))
        last[0] = now

    hb = QTimer()
    hb.timeout.connect(beat)
    hb.start(10)

    def longest(since: float) -> float:
        return max((g for g, t in gaps if t >= since), default=0.0)

    def turn() -> None:
        fired = [False]
        QTimer.singleShot(0, lambda: fired.__setitem__(0, True))
        while not fired[0]:
            app.processEvents()
        app.processEvents()

    # Qt's first window (fonts, style, menus) costs a few hundred ms in a new process; the
    # app has a main window up before the review opens, so that cost is paid here first
    from PySide6.QtWidgets import QMainWindow, QPlainTextEdit, QSplitter, QTableView

    warm = QMainWindow()
    split = QSplitter()
    split.addWidget(QPlainTextEdit("warm up"))
    split.addWidget(QTableView())
    warm.setCentralWidget(split)
    warm.menuBar().addMenu("&Warm")
    warm.statusBar().showMessage("warm")
    warm.show()
    for _ in range(20):
        app.processEvents()
        time.sleep(0.01)
    warm.close()
    # and the main window has the project open: its schema check is made once a process
    from annotator.store.project import Project

    Project.open(Path(db), create=False, readonly=True).close()
    gaps.clear()
    t0 = time.perf_counter()
    c0 = time.process_time()
    last[0] = t0
    w = ReviewWindow(Path(db), "rita")
    w.resize(1366, 768)
    w.show()
    deadline = t0 + 600
    while w.table.rowCount() != n and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.001)
    opened = time.perf_counter() - t0
    open_cpu = time.process_time() - c0
    turn()
    end = time.perf_counter() + 0.5
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)
    open_stall = longest(t0)
    header = w.header.text()
    w.table.setFocus()
    times: dict[str, list[tuple[float, float]]] = {"1": [], "X": [], "Ctrl+Z": []}
    k0 = time.perf_counter()
    for i in range(keys):
        row = (i * 7 + 1) % max(1, n - 1)
        for name, key, mods in (
            ("1", Qt.Key.Key_1, Qt.KeyboardModifier.NoModifier),
            ("X", Qt.Key.Key_X, Qt.KeyboardModifier.NoModifier),
            ("Ctrl+Z", Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
        ):
            if name == "1":
                w.table.setCurrentCell(row, 1)
            elif name == "X":
                w.table.setCurrentCell(row + 1, 1)
            app.processEvents()
            t = time.perf_counter()
            c = time.process_time()
            QTest.keyClick(w.table, key, mods)
            turn()
            times[name].append((time.perf_counter() - t, time.process_time() - c))
    key_stall = longest(k0)
    out: dict[str, Any] = {
        "n": n,
        "open": opened,
        "open_cpu": open_cpu,
        "open_stall": open_stall,
        "key_stall": key_stall,
        "header": header,
        "code": str(Path(sys.modules["annotator"].__file__ or "").parent),
    }
    for name, vals in times.items():
        ws = [v[0] for v in vals]
        cs = [v[1] for v in vals]
        out[name] = (statistics.median(ws), pct(ws, 0.95), pct(cs, 0.95))
    w.close()
    print("RESULT " + json.dumps(out), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000,5000")
    ap.add_argument("--keys", type=int, default=20)
    ap.add_argument("--code", help="a checkout whose annotator package to measure")
    ap.add_argument("--child", nargs=2, metavar=("DB", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.keys)
        return
    env = dict(os.environ)
    if args.code:
        env["PYTHONPATH"] = str(Path(args.code).resolve())
    print(f"code: {args.code or HERE.parents[1]}  keys: {args.keys} of each")
    print(
        "quotes/annotator | open ms (CPU) | open stall | 1 p50/p95 (CPU p95) | "
        "X p50/p95 (CPU p95) | Ctrl+Z p50/p95 (CPU p95) | key stall | load"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            src = Path(tmp) / f"rv{n}.jsonl"
            db = Path(tmp) / f"rv{n}.db"
            write_jsonl(src, n)
            subprocess.run(
                [sys.executable, "-m", "annotator", "import", str(db), str(src)],
                env=env,
                check=True,
                capture_output=True,
                cwd=tmp,
            )
            proc = subprocess.run(
                [sys.executable, str(HERE), "--keys", str(args.keys), "--child", str(db), str(n)],
                env=env,
                capture_output=True,
                text=True,
                cwd=tmp,
            )
            line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
            if not line:
                print(f"{n:,}: failed\n{proc.stderr[-2000:]}")
                continue
            r = json.loads(line[0][7:])
            load = Path("/proc/loadavg").read_text().split()[0]

            def ms(x: float) -> str:
                return f"{x * 1000:,.0f}"

            keys = " | ".join(f"{ms(r[k][0])}/{ms(r[k][1])} ({ms(r[k][2])})" for k in "1X") + (
                f" | {ms(r['Ctrl+Z'][0])}/{ms(r['Ctrl+Z'][1])} ({ms(r['Ctrl+Z'][2])})"
            )
            print(
                f"{n:,} | {ms(r['open'])} ({ms(r['open_cpu'])}) | {ms(r['open_stall'])} | "
                f"{keys} | {ms(r['key_stall'])} | {load}",
                flush=True,
            )


if __name__ == "__main__":
    main()
