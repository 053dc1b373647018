"""Time of "Next most useful article" and of finding the undecided articles on a large
project (prints figures; issue 13).

Builds a project of N short articles (default 100,000) with K suggestions each (default 5,
random confidences), a tenth of the articles decided (one accepted annotation each) and a
tenth marked done, then times :func:`annotator.services.detection.next_most_useful` and
:func:`annotator.services.detection.undecided_articles` (median of 3 runs) and re-detection
bookkeeping for 200 articles (:func:`annotator.store.learning.replace_open_suggestions`).

Usage: python bench/bench_next_useful.py [--articles 100000] [--suggestions 5] [--db PATH]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from annotator.core.model import Article, Quote
from annotator.services.detection import next_most_useful, undecided_articles
from annotator.store.learning import replace_open_suggestions
from annotator.store.project import Project


def build(path: Path, n: int, k: int) -> None:
    rng = random.Random(0)
    with Project.open(path) as p, p.batch():
        for i in range(n):
            text = f"Article {i}. " + " ".join(f"Clause {j} of {i} is here." for j in range(k))
            aid, _ = p.add_article(Article(f"Article {i}", text, {}))
            quotes = []
            pos = text.index("Clause")
            for _j in range(k):
                end = text.index(".", pos)
                quotes.append(
                    Quote(content_spans=((pos, end),), kind="indirect", confidence=rng.random())
                )
                pos = end + 2
            ids = p.set_suggestions(aid, "bench 1", quotes)
            if i % 10 == 1:
                q = quotes[0]
                p.add_annotation(aid, "alice", q, ids[0])
                p.update_annotation(
                    p.annotations(aid, "alice")[0].id,
                    Quote(q.content_spans, kind="indirect", status="accepted", origin="model"),
                )
            elif i % 10 == 2:
                p.set_progress(aid, "bob", "done")


def timed(fn: object, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--suggestions", type=int, default=5)
    ap.add_argument("--db", type=Path)
    args = ap.parse_args()
    path = args.db or Path(tempfile.mkdtemp()) / "bench.db"
    if not path.exists():
        t0 = time.perf_counter()
        build(path, args.articles, args.suggestions)
        print(f"built {args.articles} articles in {time.perf_counter() - t0:.0f} s: {path}")
    with Project.open(path) as p:
        best = next_most_useful(p)
        print(f"next most useful: {best.title if best else None}: {best.reason if best else ''}")
        print(f"next_most_useful: {timed(lambda: next_most_useful(p)):.3f} s (median of 3)")
        print(f"undecided_articles: {timed(lambda: undecided_articles(p)):.3f} s (median of 3)")
        ids = undecided_articles(p)[:200]
        t0 = time.perf_counter()
        for aid in ids:
            text = p.article(aid).text
            end = text.index(".", text.index("Clause"))
            q = Quote(content_spans=((text.index("Clause"), end),), kind="indirect", confidence=0.7)
            replace_open_suggestions(p, aid, "bench 2", [q])
        dt = time.perf_counter() - t0
        print(f"replace_open_suggestions: {dt / len(ids) * 1000:.2f} ms per article")


if __name__ == "__main__":
    main()
