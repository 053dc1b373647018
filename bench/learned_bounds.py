"""Where the detector's content bounds differ from gold on PolNeAR dev (issue 13, strict F1).

Runs rules + a trained model's fragments over the cached dev parses (``bench/_out/dev.spacy``,
from ``bench/cache_docs.py``), pairs each gold quote with the prediction that overlaps it
most, and sorts the pairs that are not a strict match (same word characters) by kind:
extra or missing words at the start or the end (with the commonest edge words), a gold
quote split over several predictions, several gold quotes joined in one. Predictions that
overlap no gold quote are counted per rule. Local measurement only (PolNeAR is never
committed).

    python bench/learned_bounds.py MODEL_DIR [--examples 5]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from cache_docs import load_docs  # noqa: E402

from annotator.nlp.learned import LearnedQuotes, learned_spans  # noqa: E402
from annotator.nlp.quotes import extract_quotes  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "polnear"
WORD = re.compile(r"\w+")


def words(text: str, spans: Any) -> list[tuple[int, int]]:
    out = []
    for a, b in sorted(spans):
        out.extend((a + m.start(), a + m.end()) for m in WORD.finditer(text[a:b]))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("--examples", type=int, default=4)
    ap.add_argument("--floor", type=float, default=None)
    args = ap.parse_args()
    comp = LearnedQuotes().from_disk(Path(args.model) / "annotator_learned_quotes")
    if args.floor is not None:
        comp.min_confidence = args.floor
    objs, docs = load_docs(DATA / "dev.jsonl")
    kinds: Counter[str] = Counter()
    edge: dict[str, Counter[str]] = {}
    examples: dict[str, list[str]] = {}
    fp_rule: Counter[str] = Counter()
    n_rule: Counter[str] = Counter()
    strict_rule: Counter[str] = Counter()
    for obj, doc in zip(objs, docs, strict=True):
        text = obj["text"]
        comp(doc)
        recs = extract_quotes(doc, learned=learned_spans(doc))
        gold = [[tuple(s) for s in q["content_spans"]] for q in obj["quotes"]]
        gw = [words(text, g) for g in gold]
        pw = [words(text, r.content) for r in recs]
        gch = [set(i for a, b in g for i in range(a, b)) for g in gold]
        pch = [set(i for a, b in r.content for i in range(a, b)) for r in recs]
        for k, r in enumerate(recs):
            n_rule[r.rule] += 1
            if not any(pch[k] & g for g in gch):
                fp_rule[r.rule] += 1
            elif any(set(pw[k]) == set(x) for x in gw):
                strict_rule[r.rule] += 1
        for gi in range(len(gold)):
            hits = [k for k in range(len(recs)) if pch[k] & gch[gi]]
            if not hits:
                kinds["missed"] += 1
                continue
            best = max(hits, key=lambda k: len(pch[k] & gch[gi]))
            gws, pws = gw[gi], pw[best]
            if set(gws) == set(pws):
                kinds["strict"] += 1
                continue
            rule = recs[best].rule
            labels = []
            if len(hits) > 1:
                labels.append("split")
            if sum(1 for x in gch if x & pch[best]) > 1:
                labels.append("joined")
            if not labels and gws and pws:
                if pws[0][0] < gws[0][0]:
                    extra = [text[a:b].lower() for a, b in pws if b <= gws[0][0]]
                    labels.append("start+" + ("long" if len(extra) > 3 else "short"))
                    edge.setdefault("start+", Counter())[" ".join(extra[-3:])] += 1
                elif pws[0][0] > gws[0][0]:
                    miss = [text[a:b].lower() for a, b in gws if b <= pws[0][0]]
                    labels.append("start-" + ("long" if len(miss) > 3 else "short"))
                    edge.setdefault("start-", Counter())[" ".join(miss[-3:])] += 1
                if pws[-1][1] > gws[-1][1]:
                    extra = [text[a:b].lower() for a, b in pws if a >= gws[-1][1]]
                    labels.append("end+" + ("long" if len(extra) > 3 else "short"))
                    edge.setdefault("end+", Counter())[" ".join(extra[:3])] += 1
                elif pws[-1][1] < gws[-1][1]:
                    miss = [text[a:b].lower() for a, b in gws if a >= pws[-1][1]]
                    labels.append("end-" + ("long" if len(miss) > 3 else "short"))
                    edge.setdefault("end-", Counter())[" ".join(miss[:3])] += 1
                if not labels:
                    labels.append("inner")
            key = rule + ":" + ",".join(labels)
            kinds[key] += 1
            ex = examples.setdefault(key, [])
            if len(ex) < args.examples:
                ex.append(
                    f"G: {' | '.join(text[a:b] for a, b in gold[gi])[:300]!r}\n"
                    f"      P: {' | '.join(text[a:b] for a, b in recs[best].content)[:300]!r}"
                )
    print("gold quotes by outcome (rule of the best-overlapping prediction: difference)")
    for key, n in kinds.most_common():
        print(f"  {n:5d}  {key}")
    print("\npredictions per rule: n / unmatched (FP) / strict")
    for rule, n in n_rule.most_common():
        print(f"  {rule:24s} {n:5d} {fp_rule[rule]:5d} {strict_rule[rule]:5d}")
    for side, c in edge.items():
        print(f"\ncommonest edge words {side}: {c.most_common(25)}")
    if args.examples:
        for key, ex in examples.items():
            print(f"\n== {key}")
            for e in ex:
                print("   ", e)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
