"""Ctrl+Q while training or re-detection runs, at each of their phases (issue 16: "Ctrl+Q
leaves in < 1 s whatever runs").

    python bench/bench_quit_phase.py PROJECT.db --train read|load|parse|features|crf|dev
        [--annotator alice] [--after 0.3] [--runs 1]
    python bench/bench_quit_phase.py PROJECT.db --redetect count|detect [--after 1.0]

Measure a copy of a project (the window writes its position). The script starts itself
again as a child that opens the real window (offscreen) and starts training from the
window's Detector menu code (``start_training``, annotators ``--annotator``), or the
window's own re-detection in the pool (no detection process: the fallback path). The
child names each phase as it begins; ``--after`` seconds into the asked phase the parent
writes a line to the child's stdin, and the child's GUI thread sends Ctrl+Q to the window
when it reads it. Printed: the phase, key (parent's write) -> key handled in the GUI
thread, the key handler's length, and key -> process exit (the parent's waitpid), in s.
A key still not handled 30 s after it was sent counts as a hang (the child is killed).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _say(**what: Any) -> None:
    sys.stdout.write(json.dumps(what) + "\n")
    sys.stdout.flush()


def _instrument() -> None:
    """Name each phase of training on stdout as it begins (wrapping the module's steps)."""
    from annotator.nlp import pipeline
    from annotator.services import training

    def wrap(owner: Any, name: str, phase: str, after: str | None = None) -> None:
        real = getattr(owner, name)

        def step(*a: Any, **k: Any) -> Any:
            _say(phase=phase, t=time.time())
            out = real(*a, **k)
            if after:
                _say(phase=after, t=time.time())
            return out

        setattr(owner, name, step)

    wrap(training, "_read_articles", "read")
    wrap(pipeline, "load_pipeline", "load", after="parse")
    wrap(training, "_dev_figures", "dev")
    wrap(training, "_write_model", "write")
    real_class = training._trainer_class

    def trainer_class() -> Any:
        base = real_class()

        class Timed(base):  # type: ignore[misc,valid-type]
            appended = 0

            def append(self, *a: Any, **k: Any) -> Any:
                if not Timed.appended:
                    _say(phase="features", t=time.time())
                Timed.appended += 1
                return super().append(*a, **k)

            def train(self, *a: Any, **k: Any) -> Any:
                _say(phase="crf", t=time.time())
                return super().train(*a, **k)

        return Timed

    training._trainer_class = trainer_class


def _instrument_redetect() -> None:
    from annotator.services import detection

    real_undecided = detection.undecided_articles
    real_detect = detection._detect_measured

    def undecided(*a: Any, **k: Any) -> Any:
        _say(phase="undecided", t=time.time())
        return real_undecided(*a, **k)

    def detect(*a: Any, **k: Any) -> Any:
        _say(phase="detect", t=time.time())
        return real_detect(*a, **k)

    detection.undecided_articles = undecided
    detection._detect_measured = detect


def child(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QSocketNotifier, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from annotator.ui.main_window import MainWindow

    app = QApplication([])
    if args.train:
        _instrument()
        w = MainWindow(Path(args.project), annotator="bench", load_model=False)
    else:
        _instrument_redetect()
        from annotator.nlp.pipeline import load_pipeline

        # a loader of its own: the window runs the pipeline in its pool (no detection
        # process), the fallback path of Detector > Re-detect undecided articles
        w = MainWindow(
            Path(args.project),
            annotator="bench",
            load_model=True,
            pipeline_loader=lambda: load_pipeline(None),
        )
    w.show()
    out: dict[str, float] = {}

    def start() -> None:
        if args.train:
            from annotator.services import training

            opts = w.trainer.options(annotators=tuple(args.annotator.split(",")))
            folder = Path(args.models)
            folder.mkdir(parents=True, exist_ok=True)
            w.start_training("bench-model", opts, folder)
            _say(phase="started", t=time.time())
            assert training
        else:
            if w.detection.nlp is None:
                QTimer.singleShot(200, start)
                return
            w.detection.cancel()  # the window's own detection of new articles, if any
            w.trainer.redetect()
            _say(phase="started", t=time.time())

    def key() -> None:
        sys.stdin.readline()
        out["seen"] = time.time()
        target = QApplication.focusWidget() or w
        t0 = time.perf_counter()
        QTest.keyClick(target, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
        out["handler"] = time.perf_counter() - t0
        _say(
            key_seen=out["seen"],
            handler=out["handler"],
            visible=w.isVisible(),
            focus=type(target).__name__,
        )

    note = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    note.activated.connect(lambda *_a: key())
    QTimer.singleShot(300, start)
    app.exec()
    _say(loop_done=time.time())
    return 0


def parent(args: argparse.Namespace) -> int:
    want = args.train or args.redetect
    cmd = [sys.executable, __file__, *sys.argv[1:], "--child"]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdin is not None and proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), False)
    phase, since, sent = "", 0.0, 0.0
    seen: dict[str, Any] = {}
    buf = ""
    t_start = time.time()
    while proc.poll() is None:
        try:
            chunk = proc.stdout.read()
        except (BlockingIOError, TypeError):
            chunk = None
        if chunk:
            buf += chunk
            while "\n" in buf:
                line, buf = buf.split("\n", 1)
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue
                if "phase" in msg:
                    phase, since = msg["phase"], time.time()
                    print(f"  {since - t_start:7.1f} s  phase {phase}", flush=True)
                seen.update({k: v for k, v in msg.items() if k != "phase"})
        now = time.time()
        if not sent and phase == want and now - since >= args.after:
            proc.stdin.write("q\n")
            proc.stdin.flush()
            sent = time.time()
        if sent and now - sent > 30:
            proc.kill()
            handled = seen.get("key_seen", float("nan")) - sent
            print(
                f"phase {want}: no exit 30 s after the key (handled after {handled:.3f} s"
                f" in {seen.get('focus')}, window visible after: {seen.get('visible')}): killed"
            )
            return 1
        if not sent and now - t_start > args.timeout:
            proc.kill()
            print(f"phase {want} not reached in {args.timeout} s (last: {phase})")
            return 1
        time.sleep(0.005)
    ended = time.time()
    rest = proc.stdout.read() or ""
    for line in (buf + rest).splitlines():
        with contextlib.suppress(ValueError):
            seen.update(json.loads(line))
    if not sent:
        print(f"phase {want}: the child ended before the key (rc {proc.returncode})")
        return 1
    key_seen = seen.get("key_seen", float("nan")) - sent
    print(
        f"phase {want}: key -> handled {key_seen:.3f} s; handler {seen.get('handler', 0):.3f} s;"
        f" key -> process exit {ended - sent:.3f} s (rc {proc.returncode})"
    )
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("project")
    ap.add_argument("--train", choices=("read", "load", "parse", "features", "crf", "dev"))
    ap.add_argument("--redetect", choices=("undecided", "detect"))
    ap.add_argument("--annotator", default="alice", help="train on these (comma-separated)")
    ap.add_argument("--models", default="/tmp/bench_quit_models")
    ap.add_argument("--after", type=float, default=0.3)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--child", action="store_true")
    args = ap.parse_args()
    if not (args.train or args.redetect):
        ap.error("--train PHASE or --redetect PHASE")
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    raise SystemExit(main())
