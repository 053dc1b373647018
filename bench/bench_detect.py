"""Benchmark of the quote detector on PolNeAR dev (prints figures; not part of the tests).

Prints the bare spaCy parse time of the texts, the extra time of quote extraction (the
budget is 10% of the parse, PRODUCT.md) and the wall time of detection with one and two
processes. ``bench_detect_scale.py`` does the same for single long and odd articles
(10k, 100k and 1M characters), and ``rule_precision.py`` prints each rule's precision.

Usage: python bench/bench_detect.py [DATA.jsonl] [--model NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from annotator.nlp.detect import detect_texts  # noqa: E402
from annotator.nlp.pipeline import load_pipeline  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "polnear" / "dev.jsonl"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", default=str(DEFAULT_DATA))
    ap.add_argument("--model")
    args = ap.parse_args()
    with open(args.data, encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh if line.strip()]
    nlp, info = load_pipeline(args.model)
    print(f"{info.message}; {len(texts)} texts, {sum(map(len, texts)):,} characters")

    with nlp.select_pipes(disable=["annotator_quotes"]):
        list(nlp.pipe(texts[:4]))  # warm up
        t0 = time.perf_counter()
        docs = list(nlp.pipe(texts, batch_size=16))
        parse = time.perf_counter() - t0
    component = nlp.get_pipe("annotator_quotes")
    t0 = time.perf_counter()
    n_quotes = 0
    for doc in docs:
        n_quotes += len(component(doc)._.quote_records)
    extract = time.perf_counter() - t0
    share = 100 * extract / parse
    verdict = "OK" if share <= 10 else "OVER BUDGET"
    print(f"parse (spaCy, no detector): {parse:7.2f} s")
    print(f"extraction on parsed docs:  {extract:7.2f} s = {share:.1f}% of parse [{verdict}]")
    print(f"quotes found: {n_quotes}")

    # best of two runs each, alternating, to damp the noise of other work on the machine
    walls: dict[int, float] = {1: float("inf"), 2: float("inf")}
    found: dict[int, int] = {}
    for _ in range(2):
        for n_process in (1, 2):
            t0 = time.perf_counter()
            found[n_process] = sum(len(q) for q in detect_texts(nlp, texts, n_process=n_process))
            walls[n_process] = min(walls[n_process], time.perf_counter() - t0)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load} (other work slows both runs)")
    for n_process in (1, 2):
        wall = walls[n_process]
        print(f"detect_texts n_process={n_process}: {wall:7.2f} s wall ({found[n_process]} quotes)")
    faster = "faster" if walls[2] < walls[1] else "NOT faster"
    print(f"n_process=2 is {walls[1] / walls[2]:.2f}x n_process=1 ({faster})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
