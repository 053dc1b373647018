"""Paint, keys and open with a quote of very many content fragments (tester20 U10).

Builds small projects (in a temporary folder), written straight into the store so the
import's joining and bound (:mod:`annotator.core.entry_checks`) do not apply (a project
made before them may hold such quotes):

- ``flat N``: one article of 600,000 characters in ONE paragraph ("ab ab ab ...") with
  one pending quote of the annotator whose content is N fragments of 2 characters;
- ``para N``: the same quote shape over 200 short paragraphs (about 78,000 characters).

Then, in a real MainWindow (offscreen 1366x768, no model), opens the article (wall and
CPU until the first screen is painted; the longest event-loop round of GUI-thread CPU
until the text is filled and the loop idle), repaints the view ``--n`` times (CPU), and
presses N, A, Ctrl+Z, R, Ctrl+Z ``--n`` times each, timing every key until the event loop
is idle (:class:`bench_scale.KeyClock`). Prints wall and CPU p50/p95 (ms) per step and
the load average before and after.

    python bench/bench_fragments.py [--sizes flat:300,flat:20000,para:2000] [--n 8]

``BENCH_REPO=/path/to/checkout`` measures that checkout's code (the before figures; at
20,000 fragments one paint took 16 s there: use ``--n 2``).

Measured on the shared 2-core machine (load 7.6-10), ``--n 3``, main 5cd1188 (before) ->
this branch (after). CPU ms of the one press that does something (the p95 column); "turn":
the longest stretch of GUI-thread CPU without an event-loop turn during that key (the
freeze felt); "open": CPU to the first screen painted; "round": the longest GUI round
after it while the text fills. 20,000 before: tester20 U10 (16 s a paint, A 4.2 s CPU).

===========  ======  ======  =====  ======  ========  ========  ========  =========
article      open    round   paint  A       A turn    Ctrl+Z    R         Ctrl+Z
===========  ======  ======  =====  ======  ========  ========  ========  =========
flat 1       --      --      --     --      --        --        --        --
  after      48      60      2      --      10        7         8         9
flat 300     630     471     220    262     --        247       23        250
  after      54      37      5      20      9         16 (8)    13 (7)    23 (14)
flat 1000    1593    1512    744    793     --        789       19        759
  after      91      58      9      30      --        30        19        39
flat 20000   8,900   16,000  16,000 4,200   --        --        --        --
  after      292     38      8-18   298     166       304 (175) 155 (80)  195 (102)
para 2000    405     2       155    2735    --        2411      98        1846
  after      45      1       1.5    119     25        95 (42)   73 (36)   78 (30)
===========  ======  ======  =====  ======  ========  ========  ========  =========

(after: a key's CPU until the loop is idle, its longest turn in brackets). At the import
bound (200 fragments) open, paint and keys cost what a one-fragment quote does (open 56,
paint 4.4, longest key turn 6-15 ms). Left at 20,000 fragments (a project made before the
bound): the key's own handler and the first open turn stay O(fragments) in the store
(decoding and encoding 20,000 spans) and the span index (SpanIndex.replace).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(os.environ.get("BENCH_REPO") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
# this tree's shared bench helpers, also when BENCH_REPO is an older checkout without them
sys.path.append(str(Path(__file__).resolve().parent))

from _common import key_table, load  # noqa: E402

WHO = "bench"


def build(path: Path, shape: str, n: int) -> int:
    """A project at ``path`` of one article (``shape`` "flat" or "para") whose one quote
    of :data:`WHO` (pending) has ``n`` fragments of 2 characters; returns the article id."""
    from annotator.core.model import Article, Quote
    from annotator.store.project import Project

    if shape == "flat":
        text = "ab " * 200_000
        spans = tuple((i * 3, i * 3 + 2) for i in range(n))
        speaker = (300_000, 300_002)
    else:
        para = "ab " * 130
        text = "\n\n".join(para.rstrip() for _ in range(200)) + "\n\nSpeaker said it."
        # fragments spread evenly over the paragraphs, on whole "ab" pairs
        per = -(-n // 200)
        spans = tuple(
            (p * (len(para) + 1) + k * 3, p * (len(para) + 1) + k * 3 + 2)
            for p in range(200)
            for k in range(per)
        )[:n]
        at = text.index("Speaker")
        speaker = (at, at + 7)
    with Project.open(path) as p:
        aid, _ = p.add_article(Article(title=f"{shape} {n}", text=text))
        quote = Quote(
            content_spans=spans,
            speaker_spans=(speaker,),
            speaker_text=text[speaker[0] : speaker[1]],
            annotator=WHO,
            status="pending",
            origin="manual",
        )
        p.add_annotation(aid, WHO, quote)
    return aid


def press(clock: Any, key: Any, mod: Any, limit: float = 60.0) -> tuple[float, float, float]:
    """Press ``key`` on the focus widget and run the event loop until it is idle, as
    :meth:`bench_scale.KeyClock.press` does; returns (wall, process CPU, the longest
    stretch of GUI-thread CPU the loop spent without a turn: the key's own handler or one
    later round of what it posted, such as a step of a paced repaint)."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    target = QApplication.focusWidget() or clock.w
    t0, c0, g0 = time.perf_counter(), time.process_time(), time.thread_time()
    QTest.keyClick(target, key, mod)
    longest = time.thread_time() - g0
    end, cend = time.perf_counter(), time.process_time()
    while time.perf_counter() < t0 + limit:
        g = time.thread_time()
        worked = clock._round()
        if worked:
            longest = max(longest, time.thread_time() - g)
            end, cend = time.perf_counter(), time.process_time()
            continue
        if not clock._pools_busy():
            break
        time.sleep(0.0005)
    return end - t0, cend - c0, longest


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="flat:300,flat:1000,flat:20000,para:2000")
    ap.add_argument("--n", type=int, default=8)
    args = ap.parse_args()
    from bench_scale import KeyClock, laptop_screen

    tmp = Path(tempfile.mkdtemp(prefix="bench_frags_"))
    laptop_screen()
    from PySide6.QtCore import QCoreApplication, QSettings, Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    QCoreApplication.setOrganizationName("quote-annotator-bench")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "qs"))
    from annotator.ui.main_window import MainWindow

    print(f"code: {REPO}; load before: {load()}")
    rows: list[tuple[str, str, list[tuple[float, float]]]] = []
    for size in args.sizes.split(","):
        shape, n = size.split(":")
        db = tmp / f"{shape}{n}.db"
        aid = build(db, shape, int(n))
        name = f"{shape} {n}"
        w = MainWindow(db, annotator=WHO, load_model=False)
        w.show()
        clock = KeyClock(app, w)
        clock.settle()
        t0, c0 = time.perf_counter(), time.process_time()
        w.open_article(aid)
        app.processEvents()
        w.view.viewport().repaint()
        painted = (time.perf_counter() - t0, time.process_time() - c0)
        rounds: list[float] = []
        deadline = time.perf_counter() + 120
        while time.perf_counter() < deadline:
            g = time.thread_time()
            worked = clock._round()
            rounds.append(time.thread_time() - g)
            if not (worked or clock._pools_busy() or not w.view.is_filled()):
                break
        rows.append((name, "open", [painted]))
        rows.append((name, "round", [(max(rounds, default=0.0), max(rounds, default=0.0))]))
        w.view.setFocus()
        clock.settle()
        paints = []
        for _ in range(args.n):
            t, c = time.perf_counter(), time.process_time()
            w.view.viewport().repaint()
            paints.append((time.perf_counter() - t, time.process_time() - c))
        rows.append((name, "paint", paints))
        no = Qt.KeyboardModifier.NoModifier
        ctrl = Qt.KeyboardModifier.ControlModifier
        for label, key, mod in (
            ("N", Qt.Key.Key_N, no),
            ("A", Qt.Key.Key_A, no),
            ("Ctrl+Z", Qt.Key.Key_Z, ctrl),
            ("R", Qt.Key.Key_R, no),
            ("Ctrl+Z", Qt.Key.Key_Z, ctrl),
        ):
            got = []
            turns = []
            for _ in range(args.n):
                wall, cpu, longest = press(clock, key, mod)
                got.append((wall, cpu))
                turns.append((longest, longest))
            rows.append((name, label, got))
            rows.append((name, label + " turn", turns))
        clock.close()
        w.close()
        app.processEvents()
        print(f"{name}: done, load {load()}", flush=True)
    print(f"load after: {load()}")
    note = "  (ms; 'round': the longest GUI-thread round)"
    print("\n".join(key_table(rows, 11, note=note)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
