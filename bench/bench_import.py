"""Import 10,000 plain-text articles into a new project and print the time (budget: 30 s).

Usage: python bench/bench_import.py [N]
The articles are generated here (varied sentences with quotes), written as .txt files in a
temporary folder, then imported through the same service as `annotator import`.
"""

from __future__ import annotations

import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from annotator.services.importing import import_paths
from annotator.store.project import Project

WORDS = [
    "council",
    "budget",
    "minister",
    "election",
    "harbour",
    "river",
    "school",
    "hospital",
    "vote",
    "police",
    "union",
    "mayor",
    "report",
    "market",
    "farmers",
    "weather",
    "transport",
    "museum",
    "court",
    "energy",
    "housing",
]


def make_article(rng: random.Random, n: int) -> str:
    title = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} story number {n}"
    paras = []
    for _ in range(rng.randint(5, 15)):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60)))
        paras.append(f'"{words.capitalize()}," the spokesperson said on {rng.randint(1, 28)} May.')
    return title + "\n\n" + "\n\n".join(paras) + "\n"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        for i in range(n):
            sub = folder / f"batch{i // 1000:02d}"
            sub.mkdir(parents=True, exist_ok=True)
            (sub / f"a{i:05d}.txt").write_text(make_article(rng, i), encoding="utf-8")
        size = sum(f.stat().st_size for f in folder.rglob("*.txt"))
        project = Project.open(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        report = import_paths(project, [folder])
        elapsed = time.perf_counter() - t0
        t1 = time.perf_counter()
        again = import_paths(project, [folder])
        elapsed_again = time.perf_counter() - t1
        project.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles: {report.articles_added} ({size / 1e6:.1f} MB of text)")
    print(f"import: {elapsed:.2f} s ({n / elapsed:.0f} articles/s; budget 30 s for 10,000)")
    print(f"re-import (all duplicates): {elapsed_again:.2f} s, added {again.articles_added}")
    print(f"peak RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
