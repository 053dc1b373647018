"""Learning curve of ``annotator train``: dev F1 after training on 50..840 PolNeAR articles.

For each size N (the first N articles of ``train.jsonl`` after a seeded shuffle), the
training service's own rounds (:func:`annotator.services.training.train_parsed`: 80% of
the N to learn from, 20% to choose the round and the confidence floor) train a model,
which is then scored on PolNeAR ``dev.jsonl`` with the whole detector (rules + learned
fragments) by :mod:`annotator.core.scoring` (speaker names compared by capitalisation), on
the suggestions ``annotator evaluate`` scores by default (confidence at least
``DEFAULT_MIN_CONFIDENCE``, what the window shows; ``--min-confidence 0`` scores them all,
as the reference scorer does on a prediction file).
The parses come from ``bench/cache_docs.py`` (parsed once; the time a training spends
parsing is printed apart, per article). Models go to ``bench/_out/curve/N`` (git-ignored:
PolNeAR has no licence for redistribution, models trained on it are never committed).

    nice -n 5 python bench/bench_train.py [--sizes 50,100,200,400,840] [--rounds 20,40,70,110,160]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from cache_docs import OUT, load_docs  # noqa: E402

from annotator.core.model import DEFAULT_MIN_CONFIDENCE, Quote  # noqa: E402
from annotator.core.scoring import score  # noqa: E402
from annotator.nlp.learned import FACTORY, learned_spans  # noqa: E402
from annotator.nlp.pipeline import load_pipeline  # noqa: E402
from annotator.nlp.quotes import extract_quotes  # noqa: E402
from annotator.services import training as tr  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "polnear"


def _article(k: int, obj: dict[str, Any]) -> Any:
    art = tr._Article(k, obj["text"])
    for q in obj.get("quotes", []):
        quote = Quote(
            content_spans=tuple(tuple(s) for s in q["content_spans"]),  # type: ignore[misc]
            speaker_spans=tuple(tuple(s) for s in q.get("speaker_spans") or ()),  # type: ignore[misc]
            speaker_text=q.get("speaker_text"),
            kind=q.get("kind") or "indirect",
            status="accepted",
        )
        art.content.extend(quote.content_spans)
        art.quotes.append(quote)
    return art


def dev_scores(
    docs: list[Any], gold: list[dict[str, Any]], component: Any, floor: float
) -> dict[str, float]:
    """Figures of rules + ``component`` (None: rules only) on the cached dev docs, on the
    suggestions of confidence at least ``floor``."""
    pred: dict[str, list[dict[str, Any]]] = {}
    for obj, doc in zip(gold, docs, strict=True):
        if component is not None:
            component(doc)
            learned = learned_spans(doc)
        else:
            learned = None
        records = [r for r in extract_quotes(doc, learned=learned) if r.confidence >= floor]
        pred[obj["id"]] = [
            {
                "content_spans": [list(s) for s in r.content],
                "speaker_spans": [list(r.speaker)] if r.speaker else [],
                "speaker_text": r.speaker_text,
                "kind": r.kind,
            }
            for r in records
        ]
    out: dict[str, float] = {}
    for subset in ("all", "direct"):
        s = score(gold, pred, subset)  # type: ignore[arg-type]
        out[f"{subset}_lenient_p"], out[f"{subset}_lenient_r"], out[f"{subset}_lenient_f1"] = (
            s.lenient
        )
        out[f"{subset}_strict_f1"] = s.strict[2]
        if subset == "all":
            out["speaker_name_acc"] = s.speaker_name_acc
    return out


def _row(label: str, d: dict[str, float], seconds: str) -> str:
    return (
        f"{label:>8} | {100 * d['all_lenient_f1']:5.1f} ({100 * d['all_lenient_p']:4.1f}/"
        f"{100 * d['all_lenient_r']:4.1f}) | {100 * d['all_strict_f1']:5.1f} | "
        f"{100 * d['direct_lenient_f1']:5.1f} | {100 * d['direct_strict_f1']:5.1f} | "
        f"{100 * d['speaker_name_acc']:5.1f} | {seconds}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="50,100,200,400,840")
    ap.add_argument("--rounds", default=",".join(str(r) for r in tr.ROUNDS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--min-confidence", type=float, default=DEFAULT_MIN_CONFIDENCE)
    ap.add_argument(
        "--surface",
        action="store_true",
        help="the compared variant: the same CRF on word, shape and quotation-mark features "
        "only (no tagger or parser features)",
    )
    args = ap.parse_args()
    if args.surface:
        import annotator.nlp.learned as learned

        full = learned.token_features
        learned.token_features = lambda doc, use_parse=True: full(doc, False)  # type: ignore[assignment]
    sizes = [int(x) for x in args.sizes.split(",")]
    rounds = tuple(int(x) for x in args.rounds.split(","))
    t0 = time.perf_counter()
    train_objs, train_docs = load_docs(DATA / "train.jsonl")
    dev_objs, dev_docs = load_docs(DATA / "dev.jsonl")
    print(f"parses loaded in {time.perf_counter() - t0:.0f} s", flush=True)
    print(f"dev scored on suggestions of confidence >= {args.min_confidence:g}", flush=True)
    order = list(range(len(train_objs)))
    random.Random(args.seed).shuffle(order)
    header = (
        "articles | all lenient F1 (P/R) | all strict F1 | direct lenient F1 | "
        "direct strict F1 | speaker name acc | training time"
    )
    lines = [header, _row("rules", dev_scores(dev_docs, dev_objs, None, args.min_confidence), "-")]
    print(lines[-1], flush=True)
    for n in sizes:
        chosen = order[:n]
        arts = [_article(k, train_objs[k]) for k in chosen]
        docs = {k: train_docs[k] for k in chosen}
        options = tr.TrainOptions(seed=args.seed, rounds=rounds)
        train, dev = tr._split(arts, options)
        nlp, _ = load_pipeline(None)
        nlp.remove_pipe("annotator_quotes")
        out = OUT / ("curve-surface" if args.surface else "curve") / str(n)
        out.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        result = tr.train_parsed(
            nlp,
            tr.TrainingSet(
                train, [docs[a.ident] for a in train], dev, [docs[a.ident] for a in dev]
            ),
            out,
            options,
            progress=lambda r, n=n: print(
                f"  N={n} round {r.epoch}: {r.seconds:.0f} s, internal dev all lenient F1 "
                f"{100 * r.dev['all_lenient_f1']:.1f}{' *' if r.best else ''}",
                flush=True,
            ),
        )
        took = time.perf_counter() - started
        scores = dev_scores(dev_docs, dev_objs, nlp.get_pipe(FACTORY), args.min_confidence)
        lines.append(_row(str(n), scores, f"{took / 60:.1f} min ({result.epochs} rounds)"))
        print(lines[-1], flush=True)
    print("\n".join(["", *lines]))
    with open("/proc/loadavg") as fh:
        print(f"load average at the end: {fh.read().strip()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
