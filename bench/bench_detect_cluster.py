"""Benchmark: detection in one process, with ``--n-process 2``, and on a 2-worker Dask cluster.

Prints the throughput of the three on the same texts, side by side, and the overhead of the
cluster path: starting the local cluster and loading the pipeline in each worker, plus the
reading, hashing, shipping of texts and writing of shards that ``annotator detect
--scheduler`` does on top of detection. Not part of the tests (the figures depend on the
machine and on what else runs on it).

Usage: python bench/bench_detect_cluster.py [DATA.jsonl] [--model NAME] [--limit N]
       [--partition-size K]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from annotator.nlp.detect import detect_texts  # noqa: E402
from annotator.nlp.pipeline import load_pipeline  # noqa: E402
from annotator.services.cluster import Scheduler, _connect, detect_on_cluster  # noqa: E402
from annotator.services.cluster_worker import PLUGIN_NAME, DetectorPlugin  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "polnear" / "train.jsonl"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", default=str(DEFAULT_DATA))
    ap.add_argument("--model")
    ap.add_argument("--limit", type=int, help="only the first N articles")
    ap.add_argument("--partition-size", type=int, default=25)
    args = ap.parse_args()
    with open(args.data, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    if args.limit:
        rows = rows[: args.limit]
    texts = [r["text"] for r in rows]
    nlp, info = load_pipeline(args.model)
    n_tokens = sum(len(nlp.make_doc(t)) for t in texts)
    n_chars = sum(map(len, texts))
    print(f"{info.message}; {len(texts)} articles, {n_tokens:,} tokens, {n_chars:,} characters")
    list(detect_texts(nlp, texts[:4]))  # warm up

    walls: dict[str, float] = {}
    quotes: dict[str, int] = {}
    for n_process in (1, 2):
        label = "one process" if n_process == 1 else "--n-process 2"
        t0 = time.perf_counter()
        quotes[label] = sum(len(q) for q in detect_texts(nlp, texts, n_process=n_process))
        walls[label] = time.perf_counter() - t0

    # what the cluster path pays before any article is parsed: two worker processes
    # started, and the pipeline loaded in each (measured on a cluster of its own)
    t0 = time.perf_counter()
    client, cluster = _connect(Scheduler(workers=2))
    client.register_plugin(DetectorPlugin(args.model), name=PLUGIN_NAME)
    startup = time.perf_counter() - t0
    client.close()
    cluster.close()

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        with open(src, "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        label = "Dask local:2"
        t0 = time.perf_counter()
        report = detect_on_cluster(
            [src],
            Path(tmp) / "out",
            Scheduler(workers=2),
            partition_size=args.partition_size,
            model=args.model,
        )
        walls[label] = time.perf_counter() - t0
        quotes[label] = report.manifest.quotes
        if report.failed:
            print("cluster run failed partitions:", *report.failed, sep="\n  ")

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load} (other work slows every run)")
    print(f"{'':16} {'wall s':>8} {'articles/s':>11} {'tokens/s':>9} {'quotes':>7}")
    for label, wall in walls.items():
        print(
            f"{label:16} {wall:8.1f} {len(texts) / wall:11.2f} {n_tokens / wall:9,.0f} "
            f"{quotes[label]:7}"
        )
    base = walls["--n-process 2"]
    cluster_wall = walls["Dask local:2"]
    print(
        f"cluster overhead: {cluster_wall - base:+.1f} s against --n-process 2 "
        f"({100 * (cluster_wall - base) / base:+.0f}%); it includes starting 2 workers and "
        f"loading the pipeline in each ({startup:.1f} s when measured alone), reading and "
        f"hashing the input, shipping the texts and writing {report.manifest.partitions} "
        f"shards of {args.partition_size} articles"
    )
    same = len(set(quotes.values())) == 1
    print(f"same number of quotes in all three: {'yes' if same else 'NO'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
