"""GUI gaps while an import from the window runs (issue 16: 60-95 ms gaps while the import
thread held the interpreter lock in JSON and Python work).

    python bench/bench_import_gaps.py PROJECT.db SOURCE.jsonl [--lines 2500]
                                      [--worker auto|always|never]

Measure a copy (the import writes to it). Writes ``--lines`` articles of SOURCE (a JSONL
with quotes, e.g. bench/_out/import_10000.jsonl) with a new last paragraph each, so every
run imports new articles, opens the real window offscreen (no model), imports the file,
and prints the import's wall time, and the gaps of a 5 ms heartbeat while it ran: p50,
p95, p99, the longest, and how many were over 50 ms; then the same heartbeat for as long
with nothing running (what the machine's load alone gives). ``--worker``: read the file
in the JSONL worker process always, never, or as the import decides (files of 32 MB+).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import fresh_source  # noqa: E402
from bench._heartbeat import Heartbeat, LateStacks, percentiles  # noqa: E402


def _file(source: Path, n: int) -> Path:
    return fresh_source(source, n, Path(tempfile.mkdtemp()) / "new.jsonl", "Bench tail")


def _figures(gaps: list[float]) -> str:
    if not gaps:
        return "no beats"
    p50, p95, p99 = percentiles(gaps)
    over = sum(g > 50 for g in gaps)
    return (
        f"p50 {p50:.0f} / p95 {p95:.0f} / p99 {p99:.0f} / max {max(gaps):.0f} ms, {over} over 50 ms"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("project")
    ap.add_argument("source")
    ap.add_argument("--lines", type=int, default=2500)
    ap.add_argument("--worker", choices=("auto", "always", "never"), default="auto")
    ap.add_argument(
        "--where",
        action="store_true",
        help="name where the other threads were when a beat was 40 ms+ late",
    )
    args = ap.parse_args()
    from PySide6.QtWidgets import QApplication

    from annotator.io import quote_jsonl
    from annotator.ui.main_window import MainWindow

    if args.worker != "auto":
        quote_jsonl.PARALLEL_MIN_BYTES = 0 if args.worker == "always" else 2**62
    path = _file(Path(args.source), args.lines)
    app = QApplication([])
    w = MainWindow(Path(args.project), annotator="alice", load_model=False)
    w.show()
    end = time.perf_counter() + 60
    while time.perf_counter() < end and w.list_busy():
        app.processEvents()
        time.sleep(0.005)
    heart = Heartbeat(5)
    ended: list[float] = []
    # the other threads' places while a beat is 40 ms+ late, until the import ends
    where = LateStacks(heart, 0.04, depth=4, main=False) if args.where else None
    w.import_finished.connect(lambda _r: ended.append(time.perf_counter()))
    heart.start()
    t0 = time.perf_counter()
    w.start_import([str(path)])
    while not ended and time.perf_counter() < t0 + 1800:
        app.processEvents()
        time.sleep(0.001)
    if where is not None:
        where.stop()
    took = ended[0] - t0 if ended else float("nan")
    during = heart.take()
    quiet_end = time.perf_counter() + min(took, 20)
    while time.perf_counter() < quiet_end:
        app.processEvents()
        time.sleep(0.001)
    heart.stop()
    print(f"import of {args.lines:,} articles ({args.worker} worker): {took:.1f} s")
    print(f"  heartbeat during the import: {_figures(during)}")
    print(f"  heartbeat after, nothing running: {_figures(heart.gaps)}")
    late = where.places if where is not None else {}
    for key, n in sorted(late.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {n:4d} x {key}")
    w.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
