"""Two waits at the start of work: the project's open before the window (the schema check)
and the quote summary's first figures (the first chart waits for matplotlib's import).

    python bench/bench_start_summary.py PROJECT.db [--runs 5] [--annotator alice]

Each run is a fresh process (nothing imported or cached yet), on a copy of PROJECT.db in
a temporary folder:

- ``open``: ``prepare_project`` (what ``annotator PROJECT.db`` does before Qt is
  imported: the schema check builds our schema in memory and compares), wall ms;
- ``summary``: the real MainWindow offscreen (no model), Quote summary triggered: the
  seconds until the count line shows a number, until the charts are in (the count is
  over), and the longest event-loop gap meanwhile (ms).

``BENCH_REPO=/path/to/checkout`` runs that checkout's code (its own venv's python is
not needed: the path is put first).

Measured on the shared 2-core machine, main c69fe42 -> low15, ``--runs 3``, a
one-article project with one quote (load 2.2), and scale_1000.db's open (load 7-8):

=============================  ==============  ==============
step                           before          after
=============================  ==============  ==============
open, one article (load 2.2)   68-75 ms        15-18 ms
open, scale_1000 (load 7-8)    117-194 ms      40-69 ms
summary count line             0.62-0.79 s     0.02 s
summary charts in              0.62-0.79 s     0.67-0.81 s
longest loop gap (summary)     16-24 ms        15-19 ms
=============================  ==============  ==============
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(os.environ.get("BENCH_REPO") or Path(__file__).resolve().parents[1])

_OPEN = """
import sys, time
sys.path.insert(0, {repo!r})
t = time.perf_counter()
from pathlib import Path
from annotator.commands.open_cmd import prepare_project
t1 = time.perf_counter()
prepare_project(Path({path!r}))
print(f"{{(time.perf_counter() - t1) * 1000:.0f}}")
"""

_SUMMARY = """
import os, sys, time
sys.path.insert(0, {repo!r})
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication
app = QApplication([])
QCoreApplication.setOrganizationName("quote-annotator-bench")
from annotator.ui.main_window import MainWindow
from annotator.ui.summary_window import SummaryWindow
w = MainWindow(Path({path!r}), annotator={who!r}, load_model=False)
w.show()
end = time.perf_counter() + 3
while time.perf_counter() < end:
    app.processEvents()
    time.sleep(0.005)
t0 = time.perf_counter()
w.act_summary.trigger()
win = next(x for x in w._windows if isinstance(x, SummaryWindow))
line, longest, last = None, 0.0, time.perf_counter()
while time.perf_counter() < t0 + 120:
    app.processEvents()
    now = time.perf_counter()
    longest, last = max(longest, now - last), now
    if line is None and win.total.text()[:1].isdigit():
        line = now - t0
    if not win.counting():
        break
    time.sleep(0.002)
print(f"{{line:.2f}} {{time.perf_counter() - t0:.2f}} {{longest * 1000:.0f}}")
"""


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("project")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--annotator", default="alice")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_start_"))
    try:
        opens, summaries = [], []
        for _ in range(args.runs):
            copy = tmp / "p.db"
            for leftover in tmp.glob("p.db*"):
                leftover.unlink()
            shutil.copyfile(args.project, copy)
            opens.append(_run(_OPEN.format(repo=str(REPO), path=str(copy))))
            summaries.append(
                _run(_SUMMARY.format(repo=str(REPO), path=str(copy), who=args.annotator))
            )
        print(f"code: {REPO}; load {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
        print("open (prepare_project) ms: " + ", ".join(opens))
        print("summary: count line s / charts in s / longest loop gap ms")
        for s in summaries:
            print("  " + " / ".join(s.split()))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
