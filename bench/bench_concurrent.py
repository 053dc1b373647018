"""Keys in the window while something else writes or copies the project (issue 16).

    python bench/bench_concurrent.py PROJECT.db --mode terminal|window|backup|none
                                     [--source SRC.jsonl] [--lines 3000] [--rounds 30]
                                     [--article ID] [--where]

Measure a copy (the run writes to it). Opens the real MainWindow offscreen (annotator
``bench``, no model) on the article ``--article`` (default: the first with 40+
suggestions), starts the load, waits a second and presses rounds of A (accept), R
(reject), Ctrl+Z (undo) and Ctrl+Down (next article) with QTest on the focused article view. Loads:

- ``terminal``: ``annotator import PROJECT.db NEW.jsonl`` in another process;
- ``window``: the window's own File > Import of NEW.jsonl (``start_import``);
- ``backup``: ``annotator backup PROJECT.db OUT.db --force`` in another process, again and
  again until the keys are done;
- ``none``: nothing (what the machine's load alone gives).

NEW.jsonl is made of the first ``--lines`` articles of SRC (a quote JSONL such as
bench/_out/import_10000.jsonl) with a new last paragraph each, so each run imports new
articles; it is written to a temporary folder and removed afterwards.

Prints for each key: wall (the press until the event loop delivered a sentinel posted
after it and then painted), the GUI thread's CPU over the same time, both p50/p95/max in
ms; the longest gap of a 5 ms heartbeat while keys were pressed; the load average.
``--where``: a watchdog thread takes the GUI thread's stack whenever a key has been
running 100 ms, and the most common places are printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._common import fresh_source, pct  # noqa: E402
from bench._heartbeat import Heartbeat  # noqa: E402

_OWN = REPO / "bench" / "_out" / "import_10000.jsonl"
#: the lead's scale file (bench_scale.py writes it) when this tree has none
DEFAULT_SOURCE = _OWN if _OWN.exists() else Path("/work/main/bench/_out/import_10000.jsonl")


def make_source(source: Path, n: int, folder: Path) -> Path:
    """The first ``n`` articles of ``source``, each with a new last paragraph (and id)."""
    return fresh_source(source, n, folder / "new.jsonl", "Concurrent bench tail")


def figures(label: str, rows: list[tuple[float, float]]) -> str:
    walls = [r[0] * 1000 for r in rows]
    cpus = [r[1] * 1000 for r in rows]
    return (
        f"  {label:22s} n={len(rows):3d}  wall p50 {statistics.median(walls):6.1f} / p95 "
        f"{pct(walls, 0.95):6.1f} / max {max(walls):6.1f} ms   GUI CPU p50 "
        f"{statistics.median(cpus):5.1f} / p95 {pct(cpus, 0.95):5.1f} ms"
    )


class Watchdog:
    """Takes the GUI thread's stack when a key has run ``after`` seconds (once per key)."""

    def __init__(self, after: float = 0.1) -> None:
        self.after = after
        self.main = threading.main_thread().ident
        self.started: float | None = None
        self.taken = False
        self.places: Counter[str] = Counter()
        self.stop = False
        threading.Thread(target=self._run, daemon=True).start()

    def begin(self) -> None:
        self.taken = False
        self.started = time.perf_counter()

    def end(self) -> None:
        self.started = None

    def _run(self) -> None:
        while not self.stop:
            time.sleep(0.005)
            t0 = self.started
            if t0 is None or self.taken or time.perf_counter() - t0 < self.after:
                continue
            frame = sys._current_frames().get(self.main or 0)
            if frame is None:
                continue
            self.taken = True
            stack = traceback.extract_stack(frame)
            own = [f for f in stack if "annotator" in f.filename or "sqlite" in f.filename]
            key = " < ".join(
                f"{Path(f.filename).parent.name}/{Path(f.filename).name}:{f.lineno} {f.name}"
                for f in (own or stack)[::-1][:4]
            )
            self.places[key] += 1


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("project")
    ap.add_argument("--mode", choices=("terminal", "window", "backup", "none"), required=True)
    ap.add_argument("--source", default=str(DEFAULT_SOURCE))
    ap.add_argument("--lines", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--article", type=int, default=0)
    ap.add_argument("--where", action="store_true")
    ap.add_argument(
        "--profile", type=int, default=0, help="print the GUI thread's N costliest functions"
    )
    args = ap.parse_args()

    from PySide6.QtCore import (
        QCoreApplication,
        QEvent,
        QObject,
        QSettings,
        Qt,
    )
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    tmp = Path(tempfile.mkdtemp(prefix="bench_conc_"))
    app = QApplication([])
    QCoreApplication.setOrganizationName("quote-annotator-bench")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "qs"))
    app.setCursorFlashTime(0)
    from annotator.store.project import Project
    from annotator.ui.main_window import MainWindow

    # where a key's wall time goes besides the GUI thread's CPU: the wait for the write
    # lock (this process's turn, then BEGIN IMMEDIATE) and the COMMIT (its disk sync),
    # summed per key
    spent = {"lock": 0.0, "commit": 0.0}
    begin = Project._begin_immediate

    def timed_begin(self: Any) -> None:
        t = time.perf_counter()
        try:
            begin(self)
        finally:
            if threading.current_thread() is threading.main_thread():
                spent["lock"] += time.perf_counter() - t

    Project._begin_immediate = timed_begin  # type: ignore[method-assign]
    from contextlib import contextmanager

    from annotator.store import project as project_module

    turn = project_module.write_turn

    @contextmanager
    def timed_turn(path: Path, timeout: float) -> Any:
        t = time.perf_counter()
        with turn(path, timeout):
            if threading.current_thread() is threading.main_thread():
                spent["lock"] += time.perf_counter() - t
            yield

    project_module.write_turn = timed_turn  # type: ignore[assignment]
    from sqlite_utils import Database

    execute = Database.execute

    def timed_execute(self: Any, sql: str, *a: Any, **k: Any) -> Any:
        if sql != "COMMIT" or threading.current_thread() is not threading.main_thread():
            return execute(self, sql, *a, **k)
        t = time.perf_counter()
        try:
            return execute(self, sql, *a, **k)
        finally:
            spent["commit"] += time.perf_counter() - t

    Database.execute = timed_execute  # type: ignore[method-assign]

    project = Path(args.project)
    new = (
        make_source(Path(args.source), args.lines, tmp)
        if args.mode in ("terminal", "window")
        else None
    )
    w = MainWindow(project, annotator="bench", load_model=False)
    w.resize(1366, 768)
    w.show()
    end = time.perf_counter() + 60
    while time.perf_counter() < end and w.list_busy():
        app.processEvents()
        time.sleep(0.005)
    aid = args.article or int(
        w.project.db.execute(
            "SELECT article_id FROM suggestions GROUP BY article_id HAVING count(*) >= 40"
            " ORDER BY article_id LIMIT 1"
        ).fetchone()[0]
    )
    w.activateWindow()
    w.view.setFocus()
    w.open_article(aid)
    for _ in range(50):
        app.processEvents()
        time.sleep(0.002)

    class Sentinel(QObject):
        fired = False

        def event(self, ev: Any) -> bool:  # noqa: D102
            if ev.type() == QEvent.Type.User:
                Sentinel.fired = True
                return True
            return bool(super().event(ev))

    sentinel = Sentinel()

    def settle() -> None:
        Sentinel.fired = False
        QCoreApplication.postEvent(sentinel, QEvent(QEvent.Type.User))
        while not Sentinel.fired:
            app.processEvents()
        app.processEvents()  # the repaint, posted behind the sentinel

    in_key = [""]
    hb = Heartbeat(5, label=lambda: in_key[0])
    dog = Watchdog() if args.where else None

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs: list[subprocess.Popen[bytes]] = []
    backups = [0]
    ended: list[float] = []

    def start_load() -> None:
        if args.mode == "terminal":
            cmd = [sys.executable, "-m", "annotator", "import", str(project), str(new)]
            procs.append(subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL))
        elif args.mode == "window":
            w.import_finished.connect(lambda _r: ended.append(time.perf_counter()))
            w.start_import([str(new)])
        elif args.mode == "backup":
            out = tmp / "backup.db"
            cmd = [sys.executable, "-m", "annotator", "backup", str(project), str(out), "--force"]
            procs.append(subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL))
            backups[0] += 1

    def load_running() -> bool:
        if args.mode == "window":
            return not ended
        if args.mode == "backup" and procs and procs[-1].poll() is not None:
            start_load()  # again and again while keys are pressed
        return bool(procs) and procs[-1].poll() is None

    t_load = time.perf_counter()
    start_load()
    wait = time.perf_counter() + 1.0
    while time.perf_counter() < wait:
        app.processEvents()
        time.sleep(0.002)

    ctrl = Qt.KeyboardModifier.ControlModifier
    none = Qt.KeyboardModifier.NoModifier
    keys = [
        ("A (accept)", Qt.Key.Key_A, none),
        ("R (reject)", Qt.Key.Key_R, none),
        ("Ctrl+Z (undo)", Qt.Key.Key_Z, ctrl),
        ("Ctrl+Down (next art.)", Qt.Key.Key_Down, ctrl),
    ]
    results: dict[str, list[tuple[float, float]]] = {k[0]: [] for k in keys}
    waits: dict[str, list[tuple[float, float]]] = {k[0]: [] for k in keys}
    # CPU of this process's other threads during the key (the window's pool threads):
    # Python work there holds the interpreter lock the GUI thread needs
    others: dict[str, list[float]] = {k[0]: [] for k in keys}
    under_load = 0
    prof = None
    if args.profile:
        import cProfile

        prof = cProfile.Profile()
    hb.start()
    for _ in range(args.rounds):
        for label, key, mod in keys:
            if not load_running() and args.mode != "none":
                break
            target = QApplication.focusWidget() or w.view
            in_key[0] = label
            if dog:
                dog.begin()
            spent["lock"] = spent["commit"] = 0.0
            t0 = time.perf_counter()
            c0 = time.thread_time()
            p0 = time.process_time()
            if prof is not None:
                prof.enable()
            QTest.keyClick(target, key, mod)
            settle()
            if prof is not None:
                prof.disable()
            results[label].append((time.perf_counter() - t0, time.thread_time() - c0))
            others[label].append(time.process_time() - p0 - results[label][-1][1])
            waits[label].append((spent["lock"], spent["commit"]))
            if dog:
                dog.end()
            in_key[0] = "between keys"
            under_load += 1
            # a person's pace: about four keys a second
            pause = time.perf_counter() + 0.25
            while time.perf_counter() < pause:
                app.processEvents()
                time.sleep(0.002)
    hb.stop()
    load_state = "still running" if load_running() else "ended"
    took = time.perf_counter() - t_load
    for p in procs:
        if p.poll() is None:
            p.terminate()
        p.wait()
    if args.mode == "window" and not ended:
        w.importer.cancel()
        end = time.perf_counter() + 30
        while not ended and time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.005)

    saved = w.project.db.execute(
        "SELECT count(*) FROM annotations a JOIN annotators n ON n.id = a.annotator_id"
        " WHERE n.name = 'bench'"
    ).fetchone()[0]
    print(
        f"mode {args.mode}: {project.name}, article {aid}, {under_load} keys in {took:.1f} s "
        f"(load {load_state}; load average {os.getloadavg()[0]:.1f})"
        + (f", {backups[0]} backups started" if args.mode == "backup" else "")
        + f"; bench's annotations now {saved}"
    )
    for label, rows in results.items():
        if rows:
            print(figures(label, rows))
            lk = [x[0] * 1000 for x in waits[label]]
            cm = [x[1] * 1000 for x in waits[label]]
            print(
                f"  {'':22s}        of it waiting for the lock p50 {statistics.median(lk):5.1f}"
                f" / p95 {pct(lk, 0.95):5.1f} ms, in COMMIT p50 {statistics.median(cm):5.1f}"
                f" / p95 {pct(cm, 0.95):5.1f} ms"
            )
            ot = [x * 1000 for x in others[label]]
            print(
                f"  {'':22s}        CPU of the window's other threads meanwhile p50 "
                f"{statistics.median(ot):5.1f} / p95 {pct(ot, 0.95):5.1f} ms"
            )
    if hb.gaps:
        gap, during = hb.worst
        print(f"  longest heartbeat gap while keys were pressed: {gap:.0f} ms ({during})")
    if dog:
        dog.stop = True
        print("  where the GUI thread was 100 ms into a slow key:")
        for place, n in dog.places.most_common(10):
            print(f"    {n:3d} x {place}")
    if prof is not None:
        import pstats

        print("  the GUI thread's costliest functions over all keys (own time):")
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.profile)
    w.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
