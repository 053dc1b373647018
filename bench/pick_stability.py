"""How much the training's round and floor pick moves, and what it costs on held-out articles.

For each seed (the shuffle that splits the training lines 80/20 into the part learned from
and the part the round and floor are chosen on, as ``annotator train --seed`` does), trains
every round of :data:`annotator.services.training.ROUNDS` from the cached parses of
``bench/cache_docs.py`` and scores rules + learned fragments at every confidence floor of
:data:`~annotator.services.training.THRESHOLDS` twice: on the internal dev part (what the
training sees, :func:`~annotator.services.training._dev_table`) and on held-out lines of
PolNeAR train (with the calibration fitted on the internal dev part). The tables are kept
in ``bench/_out/pick_SEED_LINES.json``; then each pick rule (the training's
:func:`~annotator.services.training._pick_floor` and the alternatives named in
``RULES``) is applied to the internal tables and the held-out figures of its pick printed
per seed, with their spread. Local measurement only (PolNeAR is never committed).

    nice -n 15 python bench/pick_stability.py [--seeds 0,1,2] [--lines 401-840] [--held 1-400]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_train import _article  # noqa: E402
from cache_docs import OUT, load_docs  # noqa: E402
from score_cached import line_range  # noqa: E402

from annotator.services import training as tr  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "polnear"
Table = list[dict[str, float]]


def tables(
    seed: int, lines: str, held: str, objs: list[Any], docs: list[Any]
) -> list[tuple[Table, Table]]:
    """Per round: (internal dev table, held-out table), computed or read from the cache."""
    path = OUT / f"pick_{seed}_{lines}_{held}.json"
    if path.exists():
        return [(a, b) for a, b in json.loads(path.read_text())]
    import pycrfsuite

    from annotator.nlp.learned import token_features, token_labels

    chosen = list(line_range(lines, len(objs)))
    arts = [_article(k, objs[k]) for k in chosen]
    train, dev = tr._split(arts, tr.TrainOptions(seed=seed))
    held_arts = [_article(k, objs[k]) for k in line_range(held, len(objs))]
    dev_items = tr._DevInMemory(dev, [docs[a.ident] for a in dev])
    held_items = tr._DevInMemory(held_arts, [docs[a.ident] for a in held_arts])
    trainer = pycrfsuite.Trainer(verbose=False)
    for art in train:
        doc = docs[art.ident]
        trainer.append(token_features(doc), token_labels(doc, art.content))
    out = []
    model = OUT / f".pick_{seed}.crfsuite"
    for iterations in tr.ROUNDS:
        t0 = time.perf_counter()
        trainer.set_params(
            {
                "c1": tr.C1,
                "c2": tr.C2,
                "max_iterations": iterations,
                "feature.possible_transitions": True,
            }
        )
        trainer.train(str(model))
        crf = model.read_bytes()  # the tagger reads these bytes in place: keep them
        tagger = pycrfsuite.Tagger()
        tagger.open_inmemory(crf)
        inner, calibration = tr._dev_table(tagger, dev_items, False)
        outer, _ = tr._dev_table(tagger, held_items, False, calibration=calibration)
        out.append((inner, outer))
        print(f"  seed {seed} round {iterations}: {time.perf_counter() - t0:.0f} s", flush=True)
    model.unlink(missing_ok=True)
    path.write_text(json.dumps(out))
    return out


def pick_current(rounds: Sequence[Table]) -> tuple[int, int]:
    """The training's own pick: best floor per round by ``_pick_floor``, then the first
    round whose pick beats the earlier ones (``_better``)."""
    best: tuple[int, int] | None = None
    best_fig: dict[str, float] | None = None
    for r, table in enumerate(rounds):
        fig = tr._pick_floor(table)
        if tr._better(fig, best_fig):
            best, best_fig = (r, table.index(fig)), fig
    assert best is not None
    return best


def _smoothed(table: Table, f: int, key: str = "objective") -> float:
    """``key`` at floor ``f`` averaged with its neighbours (a floor whose figure is a spike
    of one or two quotes on a small dev part is not chosen over a plateau)."""
    near = table[max(0, f - 1) : f + 2]
    return sum(x[key] for x in near) / len(near)


def _keeps(fig: dict[str, float], tol: float) -> bool:
    direct_ok = fig.get("direct_gold", 1.0) == 0 or (
        fig["direct_lenient_f1"] + tol >= fig["rules_direct_lenient_f1"]
    )
    return direct_ok and fig["speaker_name_acc"] + tol >= fig["rules_speaker_name_acc"]


def pick_by(rank: Callable[[Table, int], Any]) -> Callable[[Sequence[Table]], tuple[int, int]]:
    """The (round, floor) of the highest ``rank(table, floor)``; ties to the earlier round,
    then the lower floor."""

    def pick(rounds: Sequence[Table]) -> tuple[int, int]:
        best, best_rank = (0, 0), None
        for r, table in enumerate(rounds):
            for f in range(len(table)):
                got = rank(table, f)
                if best_rank is None or got > best_rank:
                    best, best_rank = (r, f), got
        return best

    return pick


RULES: dict[str, Callable[[Sequence[Table]], tuple[int, int]]] = {
    "current": pick_current,
    "same, by rank": pick_by(lambda t, f: tr._rank(t[f])),
    "tol 0.5": pick_by(lambda t, f: (_keeps(t[f], 0.005), t[f]["objective"])),
    "tol 1.0": pick_by(lambda t, f: (_keeps(t[f], 0.01), t[f]["objective"])),
    "smoothed": pick_by(lambda t, f: (_keeps(t[f], 0.0), _smoothed(t, f))),
    "smoothed tol 0.5": pick_by(lambda t, f: (_keeps(t[f], 0.005), _smoothed(t, f))),
    "smoothed tol 1.0": pick_by(lambda t, f: (_keeps(t[f], 0.01), _smoothed(t, f))),
    "objective only": pick_by(lambda t, f: t[f]["objective"]),
    "smoothed only": pick_by(lambda t, f: _smoothed(t, f)),
    "round 1 floor 0.75": lambda rounds: (0, tr.THRESHOLDS.index(0.75)),
    "round 1 floor 0.8": lambda rounds: (0, tr.THRESHOLDS.index(0.8)),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--lines", default="401-840")
    ap.add_argument("--held", default="1-400")
    args = ap.parse_args()
    objs, docs = load_docs(DATA / "train.jsonl")
    per_seed = {
        int(s): tables(int(s), args.lines, args.held, objs, docs) for s in args.seeds.split(",")
    }
    keys = ("all_lenient_f1", "all_strict_f1", "direct_lenient_f1", "speaker_name_acc")
    for name, rule in RULES.items():
        print(f"== pick rule {name}")
        got: dict[str, list[float]] = {k: [] for k in keys}
        for seed, rounds in per_seed.items():
            r, f = rule([inner for inner, _ in rounds])
            inner, outer = rounds[r][0][f], rounds[r][1][f]
            for k in keys:
                got[k].append(outer[k])
            print(
                f"  seed {seed}: round {r + 1} floor {inner['min_confidence']:g}  held-out "
                + " ".join(
                    f"{k[:-3] if k.endswith('_f1') else k} {100 * outer[k]:.1f}" for k in keys
                )
                + f"  (rules direct {100 * outer['rules_direct_lenient_f1']:.1f}"
                f" spk {100 * outer['rules_speaker_name_acc']:.1f})"
            )
        print(
            "  spread (max-min): "
            + " ".join(f"{k} {100 * (max(v) - min(v)):.1f}" for k, v in got.items())
            + "  mean: "
            + " ".join(f"{100 * statistics.mean(v):.1f}" for v in got.values())
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
