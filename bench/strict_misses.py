"""Why strict matches fail: a breakdown of strict misses among lenient matches, by rule.

For every gold attribution that some prediction overlaps (lenient match), the prediction
overlapping it most is compared on the reference scorer's strict criterion (the same
alphanumeric characters, ``../shared/eval/score_quotes.py``). Each miss is labelled by
where the two differ: ``+before``/``+after``/``+inside`` (the prediction has extra words
before, after or between the gold fragments; ``:that`` when the extra word is "that",
``:attrib`` when it holds a reporting verb) and ``-start``/``-end``/``-inside`` (gold
words the prediction lacks). Quote marks and punctuation never count (strict ignores
them). Then the predictions that overlap no gold quote, by rule.

Uses the cached parses of ``bench/cache_docs.py``. Prints figures; not a test.

``--min-confidence`` keeps only the suggestions ``annotator evaluate`` scores (0.2 there
by default); a model's fragments are cached as ``bench/score_cached.py`` does.

Usage: python bench/strict_misses.py DATA.jsonl [--lines 1-400] [--model DIR]
       [--min-confidence X] [--show KIND,LABELS,RULE ...]
       (e.g. --show "mixed,-start,direct_framed")
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from cache_docs import load_docs  # noqa: E402
from score_cached import learned_fragments, line_range  # noqa: E402

from annotator.nlp.quotes import extract_quotes  # noqa: E402

WORD = re.compile(r"\w")
CUE = re.compile(r"\b(said|says|added|told|according|asked|wrote)\b")


def runs(text: str, positions: set[int]) -> list[tuple[int, int]]:
    """Maximal runs of ``positions``, joined across characters that are not word chars."""
    out: list[list[int]] = []
    for p in sorted(positions):
        if out and not any(WORD.match(text[i]) for i in range(out[-1][1], p)):
            out[-1][1] = p + 1
        else:
            out.append([p, p + 1])
    return [(a, b) for a, b in out]


def labels(text: str, gold: set[int], pred: set[int]) -> str:
    """The labels of one strict miss (see the module docstring)."""
    ga = {p for p in gold if WORD.match(text[p])}
    pa = {p for p in pred if WORD.match(text[p])}
    tags = set()
    for a, b in runs(text, pa - ga):
        where = "before" if b <= min(gold) else "after" if a > max(gold) else "inside"
        tag = "+" + where
        if where == "before" and text[a:b].lower() == "that":
            tag += ":that"
        elif where == "inside" and CUE.search(text[a:b]):
            tag += ":attrib"
        tags.add(tag)
    for a, b in runs(text, ga - pa):
        tags.add("-" + ("start" if b <= min(pred) else "end" if a > max(pred) else "inside"))
    return " ".join(sorted(tags))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data")
    ap.add_argument("--lines")
    ap.add_argument("--model", help="a trained pipeline whose learned component runs too")
    ap.add_argument("--min-confidence", type=float, default=0.0)
    ap.add_argument("--show", nargs="*", default=[])
    args = ap.parse_args()
    articles, docs = load_docs(args.data)
    frags = learned_fragments(args.model, args.data, docs)
    matched: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    kinds: Counter[tuple[str, str, str]] = Counter()
    examples: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    unmatched: Counter[str] = Counter()
    for i in line_range(args.lines, len(articles)):
        art, doc = articles[i], docs[i]
        text = art["text"]
        recs = extract_quotes(doc, learned=frags[i])
        recs = [r for r in recs if r.confidence >= args.min_confidence]
        psets = [set().union(*(range(a, b) for a, b in r.content)) for r in recs]
        gold = art["quotes"]
        gsets = [set().union(*(range(a, b) for a, b in q["content_spans"])) for q in gold]
        unmatched.update(r.rule for r, ps in zip(recs, psets) if not any(ps & g for g in gsets))
        for q, gs in zip(gold, gsets):
            best = max(((len(gs & ps), k) for k, ps in enumerate(psets)), default=(0, -1))
            if best[0] == 0:
                continue
            rec, ps = recs[best[1]], psets[best[1]]
            matched[rec.rule] += 1
            key = labels(text, gs, ps)
            if not key:
                continue
            missed[rec.rule] += 1
            kinds[(q["kind"], key, rec.rule)] += 1
            g_text = " | ".join(text[a:b] for a, b in q["content_spans"])
            p_text = " | ".join(text[a:b] for a, b in rec.content)
            examples[(q["kind"], key, rec.rule)].append(f"G: {g_text[:200]}\n    P: {p_text[:200]}")
    print(f"lenient-matched gold {sum(matched.values())}, strict misses {sum(missed.values())}")
    for rule, n in matched.most_common():
        print(f"  {rule:<26} matched {n:5d}  strict misses {missed[rule]:5d}")
    by_label: Counter[str] = Counter()
    for (_, key, _), n in kinds.items():
        by_label[key] += n
    print("strict misses by labels:")
    for key, n in by_label.most_common(12):
        print(f"  {n:5d}  {key}")
    print("strict misses by gold kind, labels and rule:")
    for (kind, key, rule), n in kinds.most_common(40):
        print(f"  {n:5d}  {kind:<8} {key:<24} {rule}")
    print(f"predictions overlapping no gold quote: {sum(unmatched.values())}")
    for rule, n in unmatched.most_common():
        print(f"  {rule:<26} {n:5d}")
    random.seed(1)
    for spec in args.show:
        kind, key, rule = spec.split(",")
        pool = examples[(kind, key, rule)]
        print(f"== {spec}")
        for ex in random.sample(pool, min(10, len(pool))):
            print("  ", ex)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
