"""Keys and open on articles with very many suggestions (tester17 F10, issue 16).

Builds a small project (in a temporary folder) with two hostile articles, written straight
into the store so the import's de-duplication does not apply:

- ``many``: 320,000 characters ('Zeta said "ok". ' x 20,000), 20,000 suggestions, one per
  sentence;
- ``same``: 1,000 characters, 5,000 suggestions on the very same span (ties in text order).

``--import`` builds instead with ``annotator import`` of a quote JSONL written here (our own
texts): ``said``, 20,000 sentences 'Name N said, "...".' with one suggestion each (content,
speaker and cue spans, kinds and confidences varied), and ``same`` as above. ``--project
P.db --titles a,b`` measures articles of an existing project (copy it first).

Then, in a real MainWindow (offscreen 1366x768, no model), opens each article N times
(the article list's signal, as a click on its row sends it; "painted": until the first
screen is painted, "open": until the event loop is idle, the whole text filled in) and
presses A, R, Ctrl+Z and the stance keys 1/2/3 N times each, timing every key until the
event loop is idle
(:class:`bench_scale.KeyClock`). Prints wall and CPU p50/p95 (ms) per step.

    python bench/bench_many_suggestions.py [--n 20] [--opens 5] [--import]
                                           [--project P.db --titles T1,T2] [--profile OUT]

``BENCH_REPO=/path/to/checkout`` measures that checkout's code (the before figures).
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
REPO = Path(os.environ.get("BENCH_REPO") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
# this tree's shared bench helpers, also when BENCH_REPO is an older checkout without them
sys.path.append(str(Path(__file__).resolve().parent))

from _common import key_table  # noqa: E402


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


NAMES = ("Ana Lima", "Bo Chen", "Cy Okafor", "Dee Park", "Eli Novak", "Fay Haddad")
VERBS = ("said", "told reporters", "added", "warned")


def write_jsonl(path: Path, n: int = 20_000, same: int = 5_000) -> None:
    """A quote JSONL of two articles: ``said`` (``n`` sentences 'Name N said, "..."' with
    one suggestion each) and ``same`` (``same`` suggestions on one span)."""
    import json
    import random

    rng = random.Random(16)
    parts: list[str] = []
    quotes = []
    pos = 0
    for i in range(n):
        name = f"{rng.choice(NAMES)} {i}"
        verb = rng.choice(VERBS)
        words = " ".join(
            rng.choice(("budget", "roads", "we", "will", "not", "wait", "now"))
            for _ in range(rng.randrange(3, 9))
        )
        head = f"{name} {verb}, "
        sentence = f'{head}"{words.capitalize()}." '
        if i % 40 == 39:
            sentence += "\n"
        q0 = pos + len(head)
        quotes.append(
            {
                "content_spans": [[q0 + 1, q0 + 1 + len(words) + 1]],
                "speaker_spans": [[pos, pos + len(name)]],
                "cue_spans": [[pos + len(name) + 1, pos + len(name) + 1 + len(verb)]],
                "speaker_text": name,
                "speaker_name": None,
                "kind": rng.choice(("direct", "direct", "direct", "mixed")),
                "stance": None,
                "stance_target": None,
                "annotator": None,
                "status": "pending",
                "origin": "model",
                "confidence": round(rng.uniform(0.3, 1.0), 2),
            }
        )
        parts.append(sentence)
        pos += len(sentence)
    text = "".join(parts)
    unit = 'Zeta said "ok". '
    same_q = {
        "content_spans": [[10, 14]],
        "speaker_spans": [[0, 4]],
        "cue_spans": [[5, 9]],
        "speaker_text": "Zeta",
        "speaker_name": None,
        "kind": "direct",
        "stance": None,
        "stance_target": None,
        "annotator": None,
        "status": "pending",
        "origin": "model",
        "confidence": 0.9,
    }
    with path.open("w", encoding="utf-8") as f:
        for rec in (
            {"id": "said", "title": "said", "text": text, "meta": {}, "quotes": quotes},
            {
                "id": "same",
                "title": "same",
                "text": unit * 64,
                "meta": {},
                # other speaker and cue spans each: not exact copies (the import drops those)
                "quotes": [
                    {
                        **same_q,
                        "speaker_spans": [[i % 1000, i % 1000 + 4]],
                        "cue_spans": [[5, 6 + i // 1000]],
                    }
                    for i in range(same)
                ],
            },
            {
                "id": "small",
                "title": "small",
                "text": 'Alpha said "hello there". ' * 10,
                "meta": {},
                "quotes": [],
            },
        ):
            f.write(json.dumps(rec) + "\n")


def build_by_import(path: Path) -> dict[str, int]:
    """The project made by ``annotator import`` of :func:`write_jsonl`'s file."""
    import subprocess

    src = path.with_suffix(".jsonl")
    write_jsonl(src)
    subprocess.run(
        [sys.executable, "-m", "annotator", "import", "--quiet", str(path), str(src)],
        check=True,
        cwd=str(REPO),  # -m puts it first on the path: BENCH_REPO's code imports
    )
    return titles(path, ["said", "same", "small"])


def titles(path: Path, names: list[str]) -> dict[str, int]:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        rows = con.execute(
            f"SELECT title, id FROM articles WHERE title IN ({', '.join('?' * len(names))})",
            names,
        ).fetchall()
    finally:
        con.close()
    return dict(rows)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--opens", type=int, default=5)
    ap.add_argument("--import", dest="by_import", action="store_true")
    ap.add_argument("--project", type=Path, help="an existing project (a copy: it is written)")
    ap.add_argument("--titles", default="", help="with --project: the articles to measure")
    ap.add_argument("--annotator", default="bench")
    ap.add_argument("--profile", type=Path, help="cProfile of the opens and A keys into this file")
    args = ap.parse_args()
    from bench_scale import KeyClock, laptop_screen

    tmp = Path(tempfile.mkdtemp(prefix="bench_many_"))
    t, c = time.perf_counter(), time.process_time()
    db = tmp / "p.db"
    if args.project:
        db = args.project
        ids = titles(db, args.titles.split(","))
        small = 1
    elif args.by_import:
        ids = build_by_import(db)
        small = ids.pop("small")
    else:
        ids = build(db)
        small = max(ids.values()) + 1
    print(f"build {time.perf_counter() - t:.1f} s wall, {time.process_time() - c:.1f} s CPU")
    laptop_screen()
    from PySide6.QtCore import QCoreApplication, QSettings, Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    QCoreApplication.setOrganizationName("quote-annotator-bench")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "qs"))
    from annotator.ui.main_window import MainWindow

    w = MainWindow(db, annotator=args.annotator, load_model=False)
    w.show()
    clock = KeyClock(app, w)
    clock.settle()
    rows = []
    prof = None
    if args.profile:
        import cProfile

        prof = cProfile.Profile()
    arrivals: list[float] = []  # GUI thread CPU of each arrival of late suggestions
    arrived = getattr(w.session, "suggestions_arrived", None)
    if arrived is not None:

        def timed(*args: object) -> bool:
            g = time.thread_time()
            try:
                return arrived(*args)
            finally:
                arrivals.append(time.thread_time() - g)

        w.session.suggestions_arrived = timed
    for name in ids:
        arrivals.clear()
        opens = []
        painted = []  # until the first screen is painted (the rest fills in steps after)
        gui: list[float] = []  # GUI thread CPU until the first screen is painted
        turns: list[float] = []  # GUI thread CPU of each event loop turn after that
        for _ in range(args.opens):
            w.article_list.article_chosen.emit(small)
            clock.settle()
            t0, c0, g0 = time.perf_counter(), time.process_time(), time.thread_time()
            if prof is not None:
                prof.enable()
            w.article_list.article_chosen.emit(ids[name])  # as a click in the list
            app.processEvents()
            w.view.viewport().repaint()
            painted.append((time.perf_counter() - t0, time.process_time() - c0))
            gui.append(time.thread_time() - g0)
            # the quotes of an article with very many come from a pool thread: wait for
            # them, timing each turn of this (the GUI) thread's event loop meanwhile
            # (a round: events processed until a posted sentinel comes, an upper bound of
            # one turn)
            deadline = time.perf_counter() + 30
            while time.perf_counter() < deadline:
                g1 = time.thread_time()
                worked = clock._round()
                turns.append(time.thread_time() - g1)
                pending = getattr(w.session, "suggestions_pending", None) is not None
                if not (worked or pending or clock._pools_busy()):
                    break
                time.sleep(0.001)
            if prof is not None:
                prof.disable()
            opens.append((time.perf_counter() - t0, time.process_time() - c0))
        rows.append((name, "painted", painted))
        rows.append((name, "open", opens))
        print(
            f"{name}: GUI thread CPU to first paint p50 {statistics.median(gui) * 1000:.0f} ms"
            f" max {max(gui) * 1000:.0f}; longest later round"
            f" {max(turns, default=0) * 1000:.0f} ms CPU; the suggestions' arrival (read"
            f" off the GUI thread): max {max(arrivals, default=0) * 1000:.0f} ms GUI CPU"
        )
        w.view.setFocus()
        clock.settle()
        no = Qt.KeyboardModifier.NoModifier
        ctrl = Qt.KeyboardModifier.ControlModifier
        for label, key, mod in (
            ("A", Qt.Key.Key_A, no),
            ("R", Qt.Key.Key_R, no),
            ("Ctrl+Z", Qt.Key.Key_Z, ctrl),
            ("1/2/3", None, no),
        ):
            got = []
            for i in range(args.n):
                if prof is not None and label == "A":
                    prof.enable()
                if key is None:  # a stance on the current quote (after the undos: accepted)
                    digit = (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3)[i % 3]
                    wall, cpu, _h = clock.press(digit, mod, limit=30.0)
                else:
                    wall, cpu, _h = clock.press(key, mod, limit=30.0)
                if prof is not None:
                    prof.disable()
                got.append((wall, cpu))
            rows.append((name, label, got))
    clock.close()
    w.close()
    if prof is not None:
        prof.dump_stats(str(args.profile))
    print("\n".join(key_table(rows, 8, show_max=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
