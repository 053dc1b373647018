"""Precision of each detector rule, split by cue lemma, on a gold file from cached parses.

For every rule (``QuoteRecord.rule``) prints how many quotes it proposed, the share that
overlap a gold attribution (the reference scorer's ``lenient`` criterion) and the share
whose speaker also overlaps that gold quote's source (its ``e2e_span`` criterion, without
the one-to-one pairing). ``--by-cue`` splits each rule by the lemma of its cue, which is
how the verb lists of :mod:`annotator.nlp.lexicon` were pruned::

    python bench/rule_cues.py ../shared/data/polnear/train.jsonl --lines 1-400 --by-cue

(the per-rule figures of :mod:`annotator.nlp.confidence` come from
``bench/rule_precision.py``, which pairs quotes one-to-one as the reference scorer does).

Usage: python bench/rule_cues.py DATA.jsonl [--lines A-B] [--by-cue] [--rule NAME]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from cache_docs import load_docs  # noqa: E402
from score_cached import line_range  # noqa: E402

from annotator.nlp.quotes import extract_quotes  # noqa: E402


def _chars(spans: object) -> set[int]:
    return {i for a, b in spans for i in range(a, b)}  # type: ignore[attr-defined]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data")
    ap.add_argument("--lines")
    ap.add_argument("--by-cue", action="store_true")
    ap.add_argument("--rule", help="only this rule (with --by-cue: its cue lemmas)")
    args = ap.parse_args()
    articles, docs = load_docs(args.data)
    n: Counter[str] = Counter()
    ok: Counter[str] = Counter()
    e2e: Counter[str] = Counter()
    for i in line_range(args.lines, len(articles)):
        art, doc = articles[i], docs[i]
        gold = [
            (_chars(q["content_spans"]), _chars(q.get("speaker_spans") or []))
            for q in art.get("quotes", [])
        ]
        for rec in extract_quotes(doc):
            if args.rule and rec.rule != args.rule:
                continue
            key = rec.rule
            if args.by_cue:
                cue = doc.char_span(*rec.cue, alignment_mode="expand") if rec.cue else None
                key += ":" + (cue[0].lemma_.lower() if cue is not None and len(cue) else "-")
            chars = _chars(rec.content)
            spk = _chars([rec.speaker]) if rec.speaker else set()
            hits = [g for g in gold if chars & g[0]]
            n[key] += 1
            ok[key] += bool(hits)
            e2e[key] += any((spk & s) or (not spk and not s) for _, s in hits)
    print(f"{'rule':<40} {'n':>5} {'lenient P':>10} {'e2e P':>8}")
    for key, count in sorted(n.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"{key:<40} {count:5d} {100 * ok[key] / count:9.1f}% {100 * e2e[key] / count:7.1f}%")
    total = sum(n.values())
    print(f"{'all':<40} {total:5d} {100 * sum(ok.values()) / max(total, 1):9.1f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
