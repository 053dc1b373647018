"""Opening a huge article and one with very many suggestions (issue 16, tester20 T8/T9).

Builds (in a temporary folder, or ``--project P.db --ids A,B`` of an existing copy) two
articles: ``huge``, one line of ``"word " x (MB * 200,000)`` (30 MB by default), and
``many``, 640,000 characters ('The minister said "we act" now. ' x 20,000) with one
suggestion per sentence. In a real MainWindow (offscreen 1366x768, no model) opens each
and waits until its text is filled and its quotes indexed, with a 20 ms heartbeat timer
on the window's thread. Prints per article: the open handler (wall and CPU, the first
paint included), the longest heartbeat gap (wall) and the most CPU the window's thread
spent between two beats (the longest turn), the turns over 100 ms of CPU, the time to
fill, the RSS after the open and after the fill, and the load average.

    python bench/bench_big_open.py [--mb 30] [--project P.db --ids HUGE,MANY (0: skip)]

``BENCH_REPO=/path/to/checkout`` measures that checkout's code (the before figures).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(os.environ.get("BENCH_REPO") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(REPO))

UNIT = 'The minister said "we act" now. '


def build(path: Path, mb: int) -> dict[str, int]:
    from annotator.core.model import Article, Quote
    from annotator.store.project import Project

    with Project.open(path) as p:
        huge, _ = p.add_article(Article("huge", "word " * (mb * 200_000)))
        text = UNIT * 20_000
        many, _ = p.add_article(Article("many", text))
        at = UNIT.index('"') + 1
        quotes = [
            Quote(
                content_spans=((i * len(UNIT) + at, i * len(UNIT) + at + 6),),
                speaker_spans=((i * len(UNIT) + 4, i * len(UNIT) + 12),),
                confidence=0.9,
            )
            for i in range(20_000)
        ]
        p.set_suggestions(many, "bench-detector 1", quotes)
    return {"huge": huge, "many": many}


def rss_mb() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") >> 20


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=30)
    ap.add_argument("--project", type=Path, help="an existing project (a copy: it is written)")
    ap.add_argument("--ids", default="", help="with --project: HUGE,MANY ids (0: skip)")
    ap.add_argument("--wait", type=float, default=60.0, help="longest wait for a fill (s)")
    args = ap.parse_args()

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from annotator.ui.main_window import MainWindow

    tmp = tempfile.TemporaryDirectory()
    if args.project:
        path = args.project
        huge, many = (int(x) for x in args.ids.split(","))
        ids = {k: v for k, v in (("huge", huge), ("many", many)) if v}
    else:
        path = Path(tmp.name) / "big.db"
        t = time.perf_counter()
        ids = build(path, args.mb)
        print(f"built {path} in {time.perf_counter() - t:.1f} s", flush=True)

    beats: list[tuple[float, float, str]] = []  # (wall gap, CPU gap of this thread, phase)
    phase = ["start"]
    last = [time.perf_counter(), time.thread_time()]

    def beat() -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        beats.append((now - last[0], cpu - last[1], phase[0]))
        last[:] = [now, cpu]

    hb = QTimer()
    hb.timeout.connect(beat)
    hb.start(20)

    def idle(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.002)

    w = MainWindow(str(path), annotator="bench", load_model=False)
    w.resize(1366, 768)
    w.show()
    idle(3)
    with open("/proc/loadavg") as f:
        print(f"load {f.read().split()[0]}; code {REPO}", flush=True)
    for name, aid in ids.items():
        phase[0] = name
        t, c = time.perf_counter(), time.thread_time()
        w.open_article(aid)
        w.view.viewport().repaint()
        wall, cpu = time.perf_counter() - t, time.thread_time() - c
        rss_open = rss_mb()
        t1 = time.perf_counter()
        done = None
        while time.perf_counter() - t1 < args.wait:
            idle(0.1)
            view = w.view
            reached = getattr(view, "_reached", None)
            if (
                view.is_filled()
                and not view.fill.stale()
                and w.session.suggestions_pending is None
                and (reached is None or not reached.behind())
            ):
                done = time.perf_counter() - t1
                break
        got = [b for b in beats if b[2] == name]
        gap = max(got, default=(0.0, 0.0, name))
        turn = max((b[1] for b in got), default=0.0)
        over = sum(1 for b in got if b[1] > 0.1)
        with open("/proc/loadavg") as f:
            load = f.read().split()[0]
        filled = "not filled" if done is None else f"{done:.1f} s"
        print(
            f"{name}: open {wall * 1000:.0f} ms (CPU {cpu * 1000:.0f}); longest gap "
            f"{gap[0] * 1000:.0f} ms, longest turn {turn * 1000:.0f} ms CPU, turns > 100 ms "
            f"CPU: {over}; filled in {filled}; RSS after open {rss_open} MB, filled "
            f"{rss_mb()} MB; load {load}",
            flush=True,
        )
        beats.clear()
    phase[0] = "close"
    w.close()
    idle(0.5)
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
