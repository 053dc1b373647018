"""Train the learned component on chosen lines of a gold JSONL, from cached parses.

``annotator train`` parses every article before its rounds; the boundary benches need
models trained on part of PolNeAR train (lines 401-840 to measure on lines 1-400, lines
1-400 to check on 401-840, all of it to check on dev) many times less often than they
score them, so this trains from the parses of ``bench/cache_docs.py`` with the training
service's own rounds, split (80/20, seed 0) and floor choice
(:func:`annotator.services.training.train_parsed`). The model goes to
``bench/_out/models/NAME`` (git-ignored: a model trained on PolNeAR is never committed).
Prints the rounds and the training time.

    nice -n 10 python bench/train_cached.py NAME [--lines 401-840] [DATA.jsonl]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_train import _article  # noqa: E402
from cache_docs import OUT, load_docs  # noqa: E402
from score_cached import line_range  # noqa: E402

from annotator.nlp.pipeline import load_pipeline  # noqa: E402
from annotator.services import training as tr  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "polnear"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("name")
    ap.add_argument("data", nargs="?", default=str(DATA / "train.jsonl"))
    ap.add_argument("--lines")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    objs, docs = load_docs(args.data)
    chosen = list(line_range(args.lines, len(objs)))
    arts = [_article(k, objs[k]) for k in chosen]
    by_id = {k: docs[k] for k in chosen}
    options = tr.TrainOptions(seed=args.seed)
    train, dev = tr._split(arts, options)
    nlp, _ = load_pipeline(None)
    nlp.remove_pipe("annotator_quotes")
    out = OUT / "models" / args.name
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    result = tr.train_parsed(
        nlp,
        tr.TrainingSet(train, [by_id[a.ident] for a in train], dev, [by_id[a.ident] for a in dev]),
        out,
        options,
        progress=lambda r: print(
            f"  round {r.epoch}: {r.seconds:.0f} s, internal dev all lenient F1 "
            f"{100 * r.dev['all_lenient_f1']:.1f} strict {100 * r.dev['all_strict_f1']:.1f} "
            f"floor {r.dev['min_confidence']:g}{' *' if r.best else ''}",
            flush=True,
        ),
    )
    took = time.perf_counter() - started
    print(f"{out}: {len(train)} + {len(dev)} articles, {result.epochs} rounds, {took / 60:.1f} min")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
