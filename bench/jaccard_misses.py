"""List the direct gold quotes found leniently but without a Jaccard >= 0.5 match, by kind.

Reads a gold and a prediction JSONL (as ``bench/score_cached.py`` writes them under
``bench/_out``) and pairs them as the reference scorer's direct subset does (predictions
that overlap only indirect/mixed gold are left out; one-to-one greedy matching on
character Jaccard, highest first). Each gold quote that some kept prediction overlaps but
that got no pair with Jaccard >= 0.5 gets one kind, the first that fits:

- ``taken``: a prediction overlapping it reaches 0.5 with it but was paired with another
  gold quote (one-to-one);
- ``we_join``: the prediction overlapping it most also overlaps another gold quote (we
  join what gold splits);
- ``we_split``: two or more predictions overlap it (gold joins what we split);
- ``multi_para``: gold spans a paragraph break and the prediction does not reach it;
- ``gold_lead``: gold starts before the prediction (words outside the marks) and ends
  about where it ends;
- ``gold_tail``: gold ends after the prediction;
- ``pred_longer``: the prediction holds gold and more;
- ``other``.

Prints the counts and, with ``--show KIND``, each case (gold and prediction in context).
Prints; not a test.

Usage: python bench/jaccard_misses.py GOLD.jsonl PRED.jsonl [--show KIND] [--max N]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from typing import Any


def _chars(spans: Any) -> set[int]:
    return set().union(*(range(a, b) for a, b in spans)) if spans else set()


def _direct(q: dict[str, Any]) -> bool:
    return bool(q["direct"]) if "direct" in q else q.get("kind") == "direct"


def _one_to_one(pairs: list[tuple[float, int, int]]) -> dict[int, int]:
    used_g: set[int] = set()
    used_p: set[int] = set()
    out: dict[int, int] = {}
    for _s, gi, pi in sorted(pairs, key=lambda x: -x[0]):
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        out[gi] = pi
    return out


def _show(text: str, spans: Any) -> str:
    return " | ".join(text[a:b] for a, b in spans).replace("\n", " / ")


def classify(art: dict[str, Any], pred: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, description) of each Jaccard miss of one article."""
    text = art["text"]
    gold = [q for q in art["quotes"] if _direct(q)]
    other = [_chars(q["content_spans"]) for q in art["quotes"] if not _direct(q)]
    gsets = [_chars(q["content_spans"]) for q in gold]
    preds = pred.get("quotes", [])
    psets = [_chars(q["content_spans"]) for q in preds]
    keep = [
        i
        for i, ps in enumerate(psets)
        if any(ps & g for g in gsets) or not any(ps & o for o in other)
    ]
    ov = {
        (gi, pi): len(gsets[gi] & psets[pi])
        for gi in range(len(gold))
        for pi in keep
        if gsets[gi] & psets[pi]
    }
    jac = {k: v / len(gsets[k[0]] | psets[k[1]]) for k, v in ov.items()}
    matched = _one_to_one([(j, gi, pi) for (gi, pi), j in jac.items() if j >= 0.5])
    out = []
    for gi, g in enumerate(gsets):
        cands = sorted(((v, pi) for (g2, pi), v in ov.items() if g2 == gi), reverse=True)
        if not cands or gi in matched:
            continue
        pi = cands[0][1]
        p = psets[pi]
        if any(jac[(gi, p2)] >= 0.5 for _v, p2 in cands):
            kind = "taken"
        elif sum(1 for g2 in range(len(gold)) if (g2, pi) in ov) > 1:
            kind = "we_join"
        elif len(cands) > 1:
            kind = "we_split"
        elif "\n" in text[min(g) : max(g)] and "\n" not in text[min(p) : max(p)]:
            kind = "multi_para"
        elif min(g) < min(p) - 2 and max(g) <= max(p) + 3:
            kind = "gold_lead"
        elif max(g) > max(p) + 3:
            kind = "gold_tail"
        elif g <= p or (min(p) <= min(g) and max(p) >= max(g)):
            kind = "pred_longer"
        else:
            kind = "other"
        desc = (
            f"{art['id']} J={jac[(gi, pi)]:.2f}\n  GOLD: {_show(text, gold[gi]['content_spans'])}"
            f"\n  PRED: {_show(text, preds[pi]['content_spans'])}"
        )
        out.append((kind, desc))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold")
    ap.add_argument("pred")
    ap.add_argument("--show")
    ap.add_argument("--max", type=int, default=30)
    args = ap.parse_args()
    with open(args.pred, encoding="utf-8") as fh:
        preds = {p["id"]: p for p in map(json.loads, fh) if p}
    kinds: Counter[str] = Counter()
    shown = 0
    with open(args.gold, encoding="utf-8") as fh:
        for line in fh:
            art = json.loads(line)
            for kind, desc in classify(art, preds.get(art["id"], {"quotes": []})):
                kinds[kind] += 1
                if kind == args.show and shown < args.max:
                    shown += 1
                    print(desc)
    for kind, n in kinds.most_common():
        print(f"{kind:<12} {n:4d}")
    print(f"total        {sum(kinds.values()):4d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
