"""Build (or reuse) the scale bench's projects of 1k, 10k and 100k articles, in minutes.

    python bench/build_scale.py [--sizes 1000,10000,100000] [--rebuild]

From ../shared/data/polnear/train.jsonl (840 news articles): article i is text i mod 840
with a one-line change (so every copy is a new article), its PolNeAR quotes as detector
suggestions, two annotators (alice on 2 of 5 articles, bob on 2 of 5, so a fifth of the
articles are doubly annotated; bob rejects a quarter), 1 in 100 doubly annotated articles
reviewed by "rita" (alice's accepted quotes agreed into the gold, review done), and four
extra articles: one with 1,000 quotes and ones of 15,000, 60,000 and 250,000 characters.

Rows go in through the store's bulk writers (:mod:`annotator.store.bulk`: one executemany
per table per chunk of articles, one change-log row per chunk), so 100,000 articles take
minutes instead of the 45 minutes of one call per row. A built project is kept in
bench/_out/scale_N.db with a ``.built`` note (builder version, seconds); it is reused while
the note's version is this builder's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from annotator.core.model import Article, Quote  # noqa: E402
from annotator.nlp.detect import DETECTOR_VERSION  # noqa: E402
from annotator.store import bulk  # noqa: E402
from annotator.store.project import Project  # noqa: E402
from annotator.store.review import GoldState, ReviewStore  # noqa: E402

OUT = REPO / "bench" / "_out"
TRAIN = REPO.parent / "shared" / "data" / "polnear" / "train.jsonl"
#: The detector version of the suggestions: the app's own, so opening a built project finds
#: every article already detected (under "bench 1" each open re-detected all 100,000).
VERSION = DETECTOR_VERSION
#: Change it when the built projects change, so cached ones are rebuilt.
BUILDER = "bulk 3"
#: Articles per transaction (one change-log row each).
CHUNK = 1000
EXTRA = {
    "q1000": (120_000, 1000),
    "c15k": (15_000, 60),
    "c60k": (60_000, 200),
    "c250k": (250_000, 800),
}


def docs() -> list[dict[str, Any]]:
    with open(TRAIN, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def to_quote(q: dict[str, Any]) -> Quote:
    spans = {
        k: tuple((int(s[0]), int(s[1])) for s in q.get(k) or ())
        for k in ("content_spans", "speaker_spans", "cue_spans")
    }
    return Quote(
        content_spans=spans["content_spans"],
        speaker_spans=spans["speaker_spans"],
        cue_spans=spans["cue_spans"],
        speaker_text=q.get("speaker_text"),
        kind=q.get("kind") or "indirect",
    )


def _note(path: Path) -> Path:
    return path.with_name(path.name + ".built")


def cached(path: Path) -> float | None:
    """Seconds the cached project at ``path`` took to build, or None when it must be built."""
    note = _note(path)
    if not path.exists() or not note.exists():
        return None
    info = json.loads(note.read_text(encoding="utf-8"))
    return float(info["seconds"]) if info.get("builder") == BUILDER else None


def build(path: Path, n: int) -> float:
    """Build the n-article project at ``path``; return seconds (also written to its note)."""
    t0 = time.perf_counter()
    for suffix in ("", "-wal", "-shm", ".built"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with Project.open(path) as p:
        p.db.execute("PRAGMA synchronous = OFF")
        p.db.execute("PRAGMA cache_size = -200000")
        fill(p, docs(), n)
        p.db.execute("PRAGMA optimize")
    seconds = time.perf_counter() - t0
    _note(path).write_text(json.dumps({"builder": BUILDER, "seconds": seconds}), encoding="utf-8")
    return seconds


def fill(p: Project, source: list[dict[str, Any]], n: int, extra: bool = True) -> None:
    """Add ``n`` articles made from ``source`` (PolNeAR-shaped records: title, text, meta,
    quotes) to ``p``, with their suggestions under :data:`VERSION`, annotations, reviews
    and (``extra``) the four :data:`EXTRA` articles."""
    from bench_window import make_article

    quotes = [
        [to_quote(q) for q in d.get("quotes") or [] if q.get("content_spans")] for d in source
    ]
    accepted = [[replace(q, status="accepted", origin="model") for q in qs] for qs in quotes]
    rejected = [[replace(q, status="rejected", origin="model") for q in qs] for qs in quotes]
    rng = random.Random(16)
    reviews = ReviewStore(p)
    for start in range(0, n, CHUNK):
        idx = range(start, min(n, start + CHUNK))
        with p.logged_batch("bench", "build"):
            arts = []
            for i in idx:
                d = source[i % len(source)]
                text = f"{d['text']}\n\n(Copy {i}.)"
                arts.append(Article(f"{d['title']} #{i}", text, d.get("meta") or {}))
            aids = [aid for aid, _ in bulk.add_articles(p, arts)]
            runs = [(aid, VERSION, quotes[i % len(source)]) for aid, i in zip(aids, idx)]
            sids = bulk.set_suggestions(p, runs)
            items: list[tuple[int, str, Quote, int | None]] = []
            progress = []
            for aid, i, ids in zip(aids, idx, sids):
                k = i % len(source)
                for name, slots in (("alice", (0, 1)), ("bob", (1, 2))):
                    if i % 5 not in slots:
                        continue
                    for j, sid in enumerate(ids):
                        bad = name == "bob" and rng.random() < 0.25
                        items.append((aid, name, (rejected if bad else accepted)[k][j], sid))
                    progress.append((aid, name, "done" if i % 2 else "in_progress"))
            bulk.add_annotations(p, items)
            for aid, name, status in progress:
                p.set_progress(aid, name, status)
            for aid, i in zip(aids, idx):
                if i % 100 != 1:
                    continue
                for rec in p.annotations(aid, "alice"):
                    if rec.quote.status == "accepted":
                        state = GoldState(rec.quote, "agreed", rec.id)
                        reviews.put_gold(aid, "rita", ["alice", "bob"], state)
                reviews.set_status(aid, "rita", "done")
    if not extra:
        return
    rng2 = random.Random(7)
    with p.logged_batch("bench", "build"):
        for name, (chars, nq) in EXTRA.items():
            text, qs = make_article(rng2, chars, nq)
            aid, _ = p.add_article(Article(name, text, {"publisher": "Bench"}))
            p.set_suggestions(aid, VERSION, qs)


def project(n: int, rebuild: bool = False) -> tuple[Path, float, bool]:
    """(path, build seconds, built now) of the n-article project, built when needed."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"scale_{n}.db"
    seconds = None if rebuild else cached(path)
    if seconds is not None:
        return path, seconds, False
    return path, build(path, n), True


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    for n in (int(s) for s in args.sizes.split(",") if s):
        path, seconds, now = project(n, args.rebuild)
        size = os.path.getsize(path) / 1e6
        what = "built" if now else "cached (built)"
        print(f"{n:>7,} articles: {what} in {seconds:.1f} s, {size:.0f} MB, {path}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
