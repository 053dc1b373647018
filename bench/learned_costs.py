"""What a trained model costs the rules on PolNeAR dev: direct-quote and speaker figures.

Runs the rules alone and rules + a trained model's fragments over the cached dev parses
(``bench/_out/dev.spacy``, from ``bench/cache_docs.py``) and splits the differences of the
two subsets of issue 13 that the trained part should leave alone:

- direct lenient: the predictions the ``direct`` subset counts (all but those overlapping
  only non-direct gold quotes), per rule, with how many overlap no direct gold quote
  (false positives); direct gold quotes found by one run and not the other;
- speaker accuracy (names, by capitalisation): per rule of the prediction that overlaps a
  found gold quote most, how many speakers were right; gold quotes found by both runs
  whose speaker changed from right to wrong or back.

Local measurement only (PolNeAR is never committed).

    python bench/learned_costs.py MODEL_DIR [--floor X] [--examples 5]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from cache_docs import load_docs  # noqa: E402
from score_cached import line_range  # noqa: E402

from annotator.core.scoring import (  # noqa: E402
    ScoredQuote,
    _name_match,
    capitalised_words,
    char_set,
    score,
    scored_article,
)
from annotator.nlp.learned import LearnedQuotes, learned_spans  # noqa: E402
from annotator.nlp.quotes import extract_quotes  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "polnear"


def _scored(records: list[Any]) -> list[ScoredQuote]:
    return [
        ScoredQuote(
            r.content, (r.speaker,) if r.speaker else (), r.speaker_text, r.kind == "direct"
        )
        for r in records
    ]


def _speakers(art: Any, preds: list[ScoredQuote]) -> dict[int, tuple[int, bool]]:
    """Per found gold quote with a speaker: (best prediction, speaker right)."""
    p_sets = [char_set(p.content) for p in preds]
    out = {}
    for gi, g in enumerate(art.quotes):
        gs = char_set(g.content)
        found = [(len(gs & ps), pi) for pi, ps in enumerate(p_sets) if gs & ps]
        if not found or not g.speaker:
            continue
        best = max(found)[1]
        pq = preds[best]
        ok = bool(pq.speaker) and bool(char_set(pq.speaker) & char_set(g.speaker))
        text = pq.speaker_text or (" ".join(art.text[a:b] for a, b in pq.speaker) or None)
        out[gi] = (best, ok or _name_match(art, g.speaker, text, capitalised_words))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("--floor", type=float, default=None)
    ap.add_argument("--examples", type=int, default=4)
    ap.add_argument("--data", default=str(DATA / "dev.jsonl"))
    ap.add_argument("--lines", help="1-based inclusive range of --data, e.g. 1-400")
    ap.add_argument("--min-confidence", type=float, default=0.2)
    args = ap.parse_args()
    comp = LearnedQuotes().from_disk(Path(args.model) / "annotator_learned_quotes")
    if args.floor is not None:
        comp.min_confidence = args.floor
    objs, docs = load_docs(args.data)
    chosen = set(line_range(args.lines, len(objs)))
    gold, pred_r, pred_m = [], {}, {}
    direct_fp: dict[str, Counter[str]] = {"rules": Counter(), "model": Counter()}
    direct_n: dict[str, Counter[str]] = {"rules": Counter(), "model": Counter()}
    spk: dict[str, Counter[str]] = {"rules": Counter(), "model": Counter()}
    spk_ok: dict[str, Counter[str]] = {"rules": Counter(), "model": Counter()}
    changes: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    lost_direct = gained_direct = 0
    for n, (obj, doc) in enumerate(zip(objs, docs, strict=True)):
        if n not in chosen:
            continue
        art = scored_article(obj)
        gold.append(art)
        text = art.text
        floor = args.min_confidence
        runs = {"rules": [r for r in extract_quotes(doc) if r.confidence >= floor]}
        comp(doc)
        runs["model"] = [
            r for r in extract_quotes(doc, learned=learned_spans(doc)) if r.confidence >= floor
        ]
        pred_r[art.id], pred_m[art.id] = _scored(runs["rules"]), _scored(runs["model"])
        d_sets = [char_set(q.content) for q in art.quotes if q.direct]
        o_sets = [char_set(q.content) for q in art.quotes if not q.direct]
        found: dict[str, set[int]] = {}
        for name, recs in runs.items():
            hit: set[int] = set()
            for r in recs:
                ps = char_set(r.content)
                on_direct = [k for k, g in enumerate(d_sets) if ps & g]
                if not on_direct and any(ps & o for o in o_sets):
                    continue
                direct_n[name][r.rule] += 1
                if not on_direct:
                    direct_fp[name][r.rule] += 1
                    if name == "model" and r.rule == "learned":
                        ex = examples.setdefault("direct FP learned", [])
                        if len(ex) < args.examples:
                            ex.append(" | ".join(text[a:b] for a, b in r.content)[:200])
                hit.update(on_direct)
            found[name] = hit
        lost_direct += len(found["rules"] - found["model"])
        gained_direct += len(found["model"] - found["rules"])
        s_r = _speakers(art, pred_r[art.id])
        s_m = _speakers(art, pred_m[art.id])
        for name, s, recs in (("rules", s_r, runs["rules"]), ("model", s_m, runs["model"])):
            for best, ok in s.values():
                spk[name][recs[best].rule] += 1
                spk_ok[name][recs[best].rule] += ok
        for gi, (best, ok) in s_m.items():
            if gi not in s_r:
                key = f"new gold found ({'right' if ok else 'wrong'})"
            elif s_r[gi][1] == ok:
                key = "same outcome"
            else:
                key = f"{'wrong->right' if ok else 'right->wrong'}"
                rec = runs["model"][best]
                key += f" ({runs['rules'][s_r[gi][0]].rule} -> {rec.rule})"
                ex = examples.setdefault(key, [])
                if len(ex) < args.examples:
                    g = art.quotes[gi]
                    ex.append(
                        f"G: {' | '.join(text[a:b] for a, b in g.content)[:150]!r} "
                        f"spk {' '.join(text[a:b] for a, b in g.speaker)!r}\n"
                        f"      P: {' | '.join(text[a:b] for a, b in rec.content)[:150]!r} "
                        f"spk {rec.speaker_text!r}"
                    )
            changes[key] += 1
    for name, pred in (("rules", pred_r), ("model", pred_m)):
        for subset in ("all", "direct"):
            print(f"{name:6} {subset:6} {score(gold, pred, subset).line(subset)}")  # type: ignore[arg-type]
    print(
        f"\ndirect gold found by rules, not with the model: {lost_direct}; "
        f"the reverse: {gained_direct}"
    )
    print("\ndirect subset predictions per rule: rules n/FP | model n/FP")
    for rule in sorted(set(direct_n["rules"]) | set(direct_n["model"])):
        print(
            f"  {rule:26s} {direct_n['rules'][rule]:5d} {direct_fp['rules'][rule]:5d} | "
            f"{direct_n['model'][rule]:5d} {direct_fp['model'][rule]:5d}"
        )
    print("\nspeakers per rule of the best prediction: rules n/right | model n/right")
    for rule in sorted(set(spk["rules"]) | set(spk["model"])):
        print(
            f"  {rule:26s} {spk['rules'][rule]:5d} {spk_ok['rules'][rule]:5d} | "
            f"{spk['model'][rule]:5d} {spk_ok['model'][rule]:5d}"
        )
    print("\nfound gold quotes (with a speaker) under the model, against the rules alone:")
    for key, n in changes.most_common():
        print(f"  {n:5d}  {key}")
    for key, ex in examples.items():
        print(f"\n== {key}")
        for e in ex:
            print("   ", e)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
