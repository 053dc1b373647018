"""List the detector's suggestions that overlap no gold attribution, by rule and confidence.

These are what cost the reference scorer's precision (``../shared/eval/score_quotes.py``:
a prediction overlapping no gold quote is a false positive in both subsets). Each is
printed with its confidence, kind, speaker and the sentence around it, so that they can be
grouped by kind (titles, scare quotes, slogans...) before a rule is changed. With
``--hits`` the suggestions of the chosen rules that do overlap gold are printed too (what a
change must keep). Uses the cached parses of ``bench/cache_docs.py``. Prints; not a test.

Usage: python bench/false_positives.py DATA.jsonl [--lines 1-400] [--rules R1,R2]
       [--min-confidence X] [--max N] [--hits] [--summary]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from cache_docs import load_docs  # noqa: E402
from score_cached import line_range  # noqa: E402

from annotator.nlp.quotes import extract_quotes  # noqa: E402


def context(text: str, a: int, b: int, width: int = 110) -> str:
    """``text`` around ``[a, b)`` on one line, the span in ``[[ ]]``."""
    lo, hi = max(0, a - width), min(len(text), b + width)
    out = text[lo:a] + "[[" + text[a:b] + "]]" + text[b:hi]
    return out.replace("\n", " / ")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data")
    ap.add_argument("--lines")
    ap.add_argument("--rules", default="")
    ap.add_argument("--min-confidence", type=float, default=0.0)
    ap.add_argument("--max", type=int, default=40)
    ap.add_argument("--hits", action="store_true")
    ap.add_argument("--summary", action="store_true")
    args = ap.parse_args()
    rules = set(filter(None, args.rules.split(",")))
    articles, docs = load_docs(args.data)
    shown: list[str] = []
    fp: Counter[str] = Counter()
    hit: Counter[str] = Counter()
    for i in line_range(args.lines, len(articles)):
        art, doc = articles[i], docs[i]
        text = art["text"]
        gsets = [set().union(*(range(a, b) for a, b in q["content_spans"])) for q in art["quotes"]]
        for rec in extract_quotes(doc):
            if rec.confidence < args.min_confidence:
                continue
            chars = set().union(*(range(a, b) for a, b in rec.content))
            good = any(chars & g for g in gsets)
            (hit if good else fp)[rec.rule] += 1
            if (rules and rec.rule not in rules) or (good and not args.hits):
                continue
            spk = text[rec.speaker[0] : rec.speaker[1]] if rec.speaker else "-"
            tag = "HIT" if good else "FP "
            shown.append(
                f"{tag} {rec.rule} c={rec.confidence:.2f} {rec.kind} spk={spk!r} line {i + 1}\n"
                f"    {context(text, rec.start, rec.end)}"
            )
    print(f"{'rule':<26} {'FP':>5} {'hit':>5}")
    for rule in sorted(set(fp) | set(hit), key=lambda r: -fp[r]):
        print(f"{rule:<26} {fp[rule]:5d} {hit[rule]:5d}")
    print(f"{'total':<26} {sum(fp.values()):5d} {sum(hit.values()):5d}")
    if not args.summary:
        random.seed(7)
        for line in random.sample(shown, min(args.max, len(shown))):
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
