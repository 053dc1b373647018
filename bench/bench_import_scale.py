"""Import of quote JSONL at scale: 1k, 10k and 100k articles with quotes, side by side.

Usage:
    python bench/bench_import_scale.py [--sizes 1000,10000,100000] [--cache DIR]

The import files are made from ``../shared/data/polnear/train.jsonl``: article ``i`` is
text ``i mod 840`` with one line added at its end (``(Copy i.)``), so every text is new,
and its quotes kept (their offsets still point at the same characters). They are cached in
``--cache`` (default /work/cache/scale, never in the repository) and reused.

Each size is imported into a new project by a child process, as ``annotator import``
runs it (the command line's commit interval). Printed per size: wall time (s), CPU time
(s, the child and its own children, e.g. the JSONL reader), peak memory (MB, the child's
peak RSS plus its largest child's), and the 1-minute load average before and after
(``os.getloadavg``: the machine is shared, figures under load are slower).
Budget (issue 16): 100k under 300 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TRAIN = REPO.parent / "shared" / "data" / "polnear" / "train.jsonl"
DEFAULT_CACHE = Path("/work/cache/scale")


def make_file(n: int, cache: Path) -> Path:
    """``import_<n>.jsonl`` in ``cache`` (made once; see the module docstring)."""
    dest = cache / f"import_{n}.jsonl"
    if dest.exists():
        return dest
    cache.mkdir(parents=True, exist_ok=True)
    with open(TRAIN, encoding="utf-8") as fh:
        docs = [json.loads(line) for line in fh if line.strip()]
    tmp = dest.with_suffix(".part")
    with open(tmp, "w", encoding="utf-8") as out:
        for i in range(n):
            d = dict(docs[i % len(docs)])
            d["id"] = f"{d['id']}-{i}"
            d["text"] = f"{d['text']}\n\n(Copy {i}.)"
            out.write(json.dumps(d, ensure_ascii=False) + "\n")
    tmp.replace(dest)
    return dest


def child(src: str, db: str) -> None:
    """Import ``src`` into the new project ``db``; print one JSON line of figures."""
    from annotator.services.importing import CLI_COMMIT_INTERVAL_S, import_paths
    from annotator.store.project import Project

    t0 = time.perf_counter()
    with Project.open(db) as project:
        report = import_paths(project, [src], commit_interval=CLI_COMMIT_INTERVAL_S)
    wall = time.perf_counter() - t0
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu": cpu,
                "cpu_main": me.ru_utime + me.ru_stime,
                "mb": (me.ru_maxrss + kids.ru_maxrss) / 1024,
                "articles": report.articles_added,
                "quotes": report.quotes_added,
            }
        )
    )


def measure(n: int, cache: Path) -> dict[str, Any]:
    src = make_file(n, cache)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        load0 = os.getloadavg()[0]
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(src), str(Path(tmp) / "p.db")],
            capture_output=True,
            text=True,
            check=True,
            cwd=str(REPO),
        )
        res: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    res["load"] = f"{load0:.1f}/{os.getloadavg()[0]:.1f}"
    return res


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {}
    for n in sizes:
        results[n] = measure(n, args.cache)
        print(f"  {n}: {results[n]}", file=sys.stderr, flush=True)
    head = f"{'import JSONL with quotes':<28}" + "".join(f"{n:>12,}" for n in sizes)
    print(head)
    rows = [
        ("wall (s)", "wall", "{:.1f}"),
        ("CPU, all processes (s)", "cpu", "{:.1f}"),
        ("CPU, importing process (s)", "cpu_main", "{:.1f}"),
        ("peak memory (MB)", "mb", "{:.0f}"),
        ("quotes stored", "quotes", "{:,}"),
        ("load 1-min (before/after)", "load", "{}"),
    ]
    for label, key, fmt in rows:
        print(f"{label:<28}" + "".join(f"{fmt.format(results[n][key]):>12}" for n in sizes))
    if 100_000 in results:
        print(f"budget: 100k under 300 s wall; measured {results[100_000]['wall']:.1f} s")


if __name__ == "__main__":
    main()
