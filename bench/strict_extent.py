"""How far strict misses are from gold, and what fixing the near ones could give (issue 13).

For every gold attribution that a suggestion overlaps (the reference scorer's lenient
match; the suggestion overlapping it most, as ``bench/strict_misses.py`` pairs them), the
two are compared on words (``\\w+`` runs, what the strict criterion compares): the same
words (a strict match), the suggestion inside gold (``pred<gold``, words missing), gold
inside the suggestion (``pred>gold``, extra words) or ``both``, each by how many words
differ (1, 2-3, 4-8, 9+). A ``pred>gold`` miss whose suggestion also holds another whole
gold quote (nested or coordinated attributions: ``said X and proposed Y`` annotated as two
quotes) is counted apart: no bound moved on that one suggestion gives both.

The last lines are ceilings: the strict F1 if every miss differing by at most N words
were made exact (each fixed pair one more strict match, nothing lost). They say how much
span post-processing of the kinds seen can buy at most.

Uses the cached parses of ``bench/cache_docs.py`` and, with ``--model``, the cached
learned fragments of ``bench/score_cached.py``; scores the suggestions ``annotator
evaluate`` scores (``--min-confidence``, 0.2 by default). Prints figures; not a test.

Usage: python bench/strict_extent.py DATA.jsonl [--lines 1-400] [--model DIR]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from cache_docs import load_docs  # noqa: E402
from score_cached import learned_fragments, line_range  # noqa: E402

from annotator.core.model import DEFAULT_MIN_CONFIDENCE  # noqa: E402
from annotator.core.scoring import ScoredQuote, score, scored_article  # noqa: E402
from annotator.nlp.quotes import extract_quotes  # noqa: E402

WORDS = re.compile(r"\w+")


def _bucket(n: int) -> str:
    return "1" if n == 1 else "2-3" if n <= 3 else "4-8" if n <= 8 else "9+"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data")
    ap.add_argument("--lines")
    ap.add_argument("--model")
    ap.add_argument("--min-confidence", type=float, default=DEFAULT_MIN_CONFIDENCE)
    args = ap.parse_args()
    articles, docs = load_docs(args.data)
    frags = learned_fragments(args.model, args.data, docs)
    kinds: Counter[tuple[str, str, str]] = Counter()
    near: Counter[int] = Counter()  # misses by the number of differing words
    gold_n = pred_n = 0
    for i in line_range(args.lines, len(articles)):
        art, doc = articles[i], docs[i]
        text = art["text"]

        def words(spans: list[list[int]] | tuple[tuple[int, int], ...], t: str = text) -> set:
            return {(a + m.start()) for a, b in spans for m in WORDS.finditer(t[a:b])}

        recs = extract_quotes(doc, learned=frags[i])
        recs = [r for r in recs if r.confidence >= args.min_confidence]
        pred_n += len(recs)
        p_chars = [{c for a, b in r.content for c in range(a, b)} for r in recs]
        p_words = [words(r.content) for r in recs]
        g_words = [words(q["content_spans"]) for q in art["quotes"]]
        gold_n += len(art["quotes"])
        for q, gw in zip(art["quotes"], g_words, strict=True):
            chars = {c for a, b in q["content_spans"] for c in range(a, b)}
            best = max(((len(chars & pc), k) for k, pc in enumerate(p_chars)), default=(0, -1))
            if not best[0] or not gw:
                continue
            pw = p_words[best[1]]
            if pw == gw:
                kinds[(q["kind"], "strict", "")] += 1
                continue
            extra, missing = len(pw - gw), len(gw - pw)
            shape = "pred<gold" if not extra else "pred>gold" if not missing else "both"
            if shape == "pred>gold" and any(g < pw and g != gw for g in g_words):
                shape = "pred>gold, holds another gold"
            kinds[(q["kind"], shape, _bucket(max(extra, missing)))] += 1
            near[extra + missing] += 1
    # the one-to-one strict matches, as the scorer counts them
    gold = [scored_article(articles[i]) for i in line_range(args.lines, len(articles))]
    pred = {}
    for i, g in zip(line_range(args.lines, len(articles)), gold, strict=True):
        recs = [
            r
            for r in extract_quotes(docs[i], learned=frags[i])
            if r.confidence >= args.min_confidence
        ]
        pred[g.id] = [
            ScoredQuote(r.content, (r.speaker,) if r.speaker else (), r.speaker_text, False)
            for r in recs
        ]
    strict = score(gold, pred, "all").strict_tp  # type: ignore[arg-type]
    print(f"gold {gold_n}, suggestions {pred_n}, strict matches {strict}")
    for key, n in sorted(kinds.items()):
        print(f"  {n:5d}  {' / '.join(k for k in key if k)}")
    base = 2 * strict / (gold_n + pred_n)
    both = gold_n + pred_n
    print(
        f"strict F1 {100 * base:.1f}; ceilings if every miss differing by at most N words "
        "were exact:"
    )
    fixed = 0
    for n in range(1, 11):
        fixed += near[n]
        print(f"  N={n:2d}: +{fixed:5d} matches, strict F1 {200 * (strict + fixed) / both:.1f}")
    total = sum(near.values())
    print(f"  all:  +{total:5d} matches, strict F1 {200 * (strict + total) / both:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
