"""Detection time with a trained model (``annotator train``) against the rules pipeline.

Issue 13 allows detection with the trained model at most 2x the time of the rules
pipeline. Both pipelines detect the same texts (PolNeAR dev by default) in this process,
alternating, best of ``--repeat`` runs each; the CPU time of this process is printed
beside the wall time, as the CPU time is what other work on a shared machine disturbs
least.

    nice -n 5 python bench/bench_detect_trained.py MODEL_DIR [DATA.jsonl] [--repeat 2]
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

from annotator.nlp.detect import detect_texts, detector_version  # noqa: E402
from annotator.nlp.pipeline import load_pipeline  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "polnear" / "dev.jsonl"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("data", nargs="?", default=str(DEFAULT_DATA))
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    with open(args.data, encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh if line.strip()]
    pipelines = {"rules": load_pipeline(None)[0], "trained": load_pipeline(args.model)[0]}
    best = {name: (float("inf"), float("inf")) for name in pipelines}
    found = {}
    for nlp in pipelines.values():
        list(detect_texts(nlp, texts[:4]))  # warm up
    for _ in range(args.repeat):
        for name, nlp in pipelines.items():
            w0, c0 = time.perf_counter(), time.process_time()
            found[name] = sum(len(q) for q in detect_texts(nlp, texts))
            wall, cpu = time.perf_counter() - w0, time.process_time() - c0
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    print(f"{len(texts)} texts, {sum(map(len, texts)):,} characters")
    for name, nlp in pipelines.items():
        wall, cpu = best[name]
        print(
            f"{name:8} {detector_version(nlp)}: {wall:7.2f} s wall, {cpu:7.2f} s CPU "
            f"({found[name]} quotes)"
        )
    ratio_wall = best["trained"][0] / best["rules"][0]
    ratio_cpu = best["trained"][1] / best["rules"][1]
    verdict = "OK" if ratio_cpu <= 2 else "OVER the 2x budget"
    print(f"trained / rules: {ratio_wall:.2f}x wall, {ratio_cpu:.2f}x CPU [{verdict}]")
    print(f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
