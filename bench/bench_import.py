"""Import benchmarks: 10,000 plain-text articles (budget: 30 s), or one huge JSONL line.

Usage:
    python bench/bench_import.py [N]            N plain-text articles (default 10,000)
    python bench/bench_import.py --line [MB]    one quote-JSONL line of MB megabytes of text
                                                (default 50), with quotes; time and peak RSS
                                                of the importing process
The articles are generated here (varied sentences with quotes), written to a temporary
folder, then imported through the same service as `annotator import`. For --line the import
runs in a child process, so its peak RSS is the import's alone.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
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


def write_long_line(path: Path, megabytes: float, rng: random.Random) -> int:
    """One JSONL article of about ``megabytes`` MB of ASCII text with 100 quotes."""
    chunks: list[str] = ["Long article\n\n"]
    size = len(chunks[0])
    quotes = []
    while size < megabytes * 1e6:
        para = " ".join(rng.choice(WORDS) for _ in range(200)) + "\n\n"
        if len(quotes) < 100 and rng.random() < 0.01:
            quotes.append({"content_spans": [[size, size + 40]], "annotator": "bench"})
        chunks.append(para)
        size += len(para)
    text = "".join(chunks)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "long", "text": text, "quotes": quotes}) + "\n")
    return len(text)


def _child_import(src: str, db: str) -> None:
    t0 = time.perf_counter()
    with Project.open(db) as project:
        report = import_paths(project, [src])
    elapsed = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"s": elapsed, "rss": rss, "lines": report.lines()}))


def bench_line(megabytes: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "long.jsonl"
        n_chars = write_long_line(src, megabytes, random.Random(7))
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(src), str(Path(tmp) / "b.db")],
            capture_output=True,
            text=True,
            check=True,
        )
        res = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"one JSONL line: {n_chars / 1e6:.1f} M characters, {res['lines'][0]}")
    print(f"import: {res['s']:.2f} s; peak RSS of the importing process: {res['rss']:.0f} MB")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child_import(sys.argv[2], sys.argv[3])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--line":
        bench_line(float(sys.argv[2]) if len(sys.argv) > 2 else 50)
        return
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
