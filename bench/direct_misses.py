"""Why gold direct quotes miss the Jaccard and end-to-end criteria, by kind (prints; not a test).

For every gold quote of kind ``direct`` the predictions are matched as the reference scorer
(``../shared/eval/score_quotes.py``) matches them: one-to-one by Jaccard >= 0.5 and
one-to-one by overlap size (end-to-end). Each gold quote gets one label:

- ``ok``: Jaccard match and end-to-end right;
- ``missed``: no prediction overlaps it;
- Jaccard misses, by the prediction overlapping it most: ``joined`` (that prediction also
  overlaps another gold quote), ``short`` (it lies inside the gold quote), ``long`` (it
  holds the gold quote), ``shifted`` (both have characters the other lacks);
- end-to-end misses: ``e2e_taken`` (the overlap matching gave its best prediction to
  another gold quote, or none), ``e2e_speaker`` (matched, the speakers do not overlap),
  with the prediction's rule after a colon.

Only counts are printed unless ``--show LABEL`` is given: then each such quote with a few
words of context (stdout only; the data stays out of the repository). Uses the cached
parses of ``bench/cache_docs.py`` and the suggestions ``annotator evaluate`` scores
(``--min-confidence``, 0.2 by default).

Usage: python bench/direct_misses.py DATA.jsonl [--lines 1-400] [--show LABEL] [--max N]
       [--all]  (every gold attribution instead of direct ones)
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

from annotator.core.scoring import greedy_one_to_one  # noqa: E402
from annotator.nlp.quotes import extract_quotes  # noqa: E402


def chars(spans: list[list[int]] | tuple[tuple[int, int], ...]) -> set[int]:
    return set().union(*(range(a, b) for a, b in spans)) if spans else set()


def is_direct(q: dict) -> bool:
    """The reference scorer's test: the ``direct`` flag when there is one, else the kind."""
    return bool(q["direct"]) if "direct" in q else q.get("kind") == "direct"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data")
    ap.add_argument("--lines")
    ap.add_argument("--min-confidence", type=float, default=0.2)
    ap.add_argument("--show", default="")
    ap.add_argument("--max", type=int, default=40)
    ap.add_argument("--all", action="store_true")
    args = ap.parse_args()
    articles, docs = load_docs(args.data)
    counts: Counter[str] = Counter()
    shown = 0
    show = set(filter(None, args.show.split(",")))
    for i in line_range(args.lines, len(articles)):
        art, doc = articles[i], docs[i]
        text = art["text"]
        recs = [r for r in extract_quotes(doc) if r.confidence >= args.min_confidence]
        allg = art["quotes"]
        gold = [q for q in allg if args.all or is_direct(q)]
        other = [chars(q["content_spans"]) for q in allg if q not in gold]
        gsets = [chars(q["content_spans"]) for q in gold]
        psets = [chars(r.content) for r in recs]
        keep = [
            p
            for p, ps in enumerate(psets)
            if any(ps & g for g in gsets) or not any(ps & o for o in other)
        ]
        ov = {
            (g, p): len(gsets[g] & psets[p])
            for g in range(len(gold))
            for p in keep
            if gsets[g] & psets[p]
        }
        jac = greedy_one_to_one(
            [
                (n / len(gsets[g] | psets[p]), g, p)
                for (g, p), n in ov.items()
                if n / len(gsets[g] | psets[p]) >= 0.5
            ]
        )
        e2e = greedy_one_to_one([(n, g, p) for (g, p), n in ov.items()])
        for g, gq in enumerate(gold):
            cands = [(n, p) for (gg, p), n in ov.items() if gg == g]
            gsrc = chars(gq.get("speaker_spans") or [])
            if not cands:
                label = "missed"
                best = None
            else:
                best = max(cands)[1]
                bs = psets[best]
                p = e2e.get(g)
                spk_ok = False
                if p is not None:
                    psrc = chars([recs[p].speaker] if recs[p].speaker else [])
                    spk_ok = bool(gsrc & psrc) or (not gsrc and not psrc)
                if g in jac and spk_ok:
                    label = "ok"
                elif g not in jac:
                    if any(bs & gsets[o] for o in range(len(gold)) if o != g) or any(
                        bs & o for o in other
                    ):
                        label = "joined"
                    elif bs <= gsets[g]:
                        label = "short"
                    elif gsets[g] <= bs:
                        label = "long"
                    else:
                        label = "shifted"
                elif p is None or p != best and not spk_ok:
                    label = "e2e_taken"
                else:
                    label = "e2e_speaker"
                label = f"{label}:{recs[best].rule}"
            base = label.split(":")[0]
            counts[base] += 1
            if label != base:
                counts[label] += 1
            if (base in show or label in show) and shown < args.max:
                shown += 1
                a = min(s[0] for s in gq["content_spans"])
                b = max(s[1] for s in gq["content_spans"])
                lo, hi = max(0, a - 150), min(len(text), b + 150)
                print(f"--- {label} line {i + 1}")
                print(f"  GOLD {[text[x:y] for x, y in gq['content_spans']]}")
                if gsrc:
                    print(f"  GSPK {[text[x:y] for x, y in gq['speaker_spans']]}")
                if best is not None:
                    r = recs[best]
                    print(f"  PRED {[text[x:y] for x, y in r.content]}")
                    print(f"  PSPK {text[r.speaker[0] : r.speaker[1]] if r.speaker else None}")
                print("  CTX  " + text[lo:hi].replace("\n", " / "))
    total = sum(v for k, v in counts.items() if ":" not in k)
    print(f"gold {'all' if args.all else 'direct'} quotes: {total}")
    for k, v in sorted(counts.items(), key=lambda kv: (kv[0].split(":")[0], -kv[1])):
        indent = "    " if ":" in k else ""
        print(f"{indent}{k:<40} {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
