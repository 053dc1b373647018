"""Learned quotes by shape and confidence: which groups overlap no gold attribution, and
what dropping each group would do to the scores (issue 13: direct precision with a model).

Runs rules + a trained model's fragments (cached as ``bench/score_cached.py`` does) over
the cached parses of chosen lines of a gold JSONL, keeps the suggestions ``annotator
evaluate`` scores (confidence >= ``--min-confidence``, 0.2 by default), and sorts every
learned quote (rule ``learned``) by a few shape features: what governs it (reporting
verb, other verb, none), its first word's part of speech, its top word's relation, its
speaker's first word class, whether it holds quotation marks, its length and its
confidence. For every group: how many, how many overlap no gold attribution (each one a
false positive of the direct subset too), how many gold attributions only it finds, and
the all/direct lenient F1 with the group dropped. Local measurement only.

    python bench/learned_shapes.py --model DIR [DATA.jsonl] [--lines 1-400] [--pairs]
        [--min-share 0.3]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from cache_docs import load_docs  # noqa: E402
from score_cached import learned_fragments, line_range  # noqa: E402

from annotator.core.scoring import ScoredQuote, char_set, score, scored_article  # noqa: E402
from annotator.nlp import lexicon as lx  # noqa: E402
from annotator.nlp.docindex import DocIndex  # noqa: E402
from annotator.nlp.learned import _cue_of, _is_cue  # noqa: E402
from annotator.nlp.quotemarks import find_segments  # noqa: E402
from annotator.nlp.quotes import extract_quotes  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "polnear"


def shape(idx: DocIndex, rec: Any) -> dict[str, str]:
    """The shape features of a learned quote."""
    doc = idx.doc
    first, last = idx.token_at(rec.start), max(0, idx.token_at(rec.end) - 1)
    cue = _cue_of(idx, first, last)
    if cue is None:
        gov = "none"
    elif cue.lower_ == "according" or _is_cue(idx, cue):
        gov = "report"
    else:
        gov = "other"
    top = next(
        (
            doc[i]
            for i in range(first, last + 1)
            if not doc[i].is_punct and (not first <= doc[i].head.i <= last or doc[i].head.i == i)
        ),
        None,
    )
    spk = "none"
    if rec.speaker is not None:
        w = idx.text[rec.speaker[0] : rec.speaker[1]].split()
        w0 = w[0].lower() if w else ""
        if w0 in lx.PERSON_PRONOUNS or w0 == "they":
            spk = "pron"
        elif w0 in ("the", "a", "an"):
            spk = "det"
        elif w and w[0][:1].isupper():
            spk = "name"
        else:
            spk = "other"
    n = last - first + 1
    c = rec.confidence
    return {
        "gov": gov,
        "first": doc[first].lower_ if doc[first].lower_ in ("that", "to") else doc[first].pos_,
        "top": top.dep_ if top is not None else "-",
        "spk": spk,
        "marks": "marks" if rec.kind == "mixed" else "plain",
        "len": "<6" if n < 6 else "<12" if n < 12 else "<25" if n < 25 else "25+",
        "conf": "<.5"
        if c < 0.5
        else "<.7"
        if c < 0.7
        else "<.8"
        if c < 0.8
        else "<.9"
        if c < 0.9
        else ".9+",
    }


def _scored(recs: list[Any]) -> list[ScoredQuote]:
    return [
        ScoredQuote(
            r.content, (r.speaker,) if r.speaker else (), r.speaker_text, r.kind == "direct"
        )
        for r in recs
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", default=str(DATA / "train.jsonl"))
    ap.add_argument("--lines")
    ap.add_argument("--model", required=True)
    ap.add_argument("--min-confidence", type=float, default=0.2)
    ap.add_argument("--pairs", action="store_true", help="also groups by two features")
    ap.add_argument(
        "--min-share", type=float, default=0.3, help="groups with at least this share unmatched"
    )
    args = ap.parse_args()
    objs, docs = load_docs(args.data)
    frags = learned_fragments(args.model, args.data, docs)
    gold = []
    preds: dict[str, list[Any]] = {}
    items: list[tuple[str, int, dict[str, str], bool, int]] = []  # art id, k, shape, fp, solo
    for i in line_range(args.lines, len(objs)):
        doc = docs[i]
        art = scored_article(objs[i])
        gold.append(art)
        recs = [
            r for r in extract_quotes(doc, learned=frags[i]) if r.confidence >= args.min_confidence
        ]
        preds[art.id] = recs
        idx = DocIndex(doc, find_segments(doc.text), True, doc.text)
        gsets = [char_set(q.content) for q in art.quotes]
        psets = [char_set(r.content) for r in recs]
        for k, r in enumerate(recs):
            if r.rule != "learned":
                continue
            hit = [g for g, gs in enumerate(gsets) if gs & psets[k]]
            solo = sum(
                1 for g in hit if not any(psets[j] & gsets[g] for j in range(len(recs)) if j != k)
            )
            items.append((art.id, k, shape(idx, r), not hit, solo))

    def figures(drop: set[tuple[str, int]]) -> tuple[float, float, float]:
        pred = {
            a: _scored([r for k, r in enumerate(recs) if (a, k) not in drop])
            for a, recs in preds.items()
        }
        al = score(gold, pred, "all")
        di = score(gold, pred, "direct")
        return al.lenient[2], al.strict[2], di.lenient[2]

    base = figures(set())
    all_l, all_s, dir_l = (100 * x for x in base)
    print(f"all lenient {all_l:.1f} strict {all_s:.1f} direct lenient {dir_l:.1f}")
    print(f"learned quotes {len(items)}, overlapping no gold {sum(fp for *_, fp, _ in items)}")
    groups: dict[str, list[tuple[str, int, bool, int]]] = defaultdict(list)
    feats = list(items[0][2]) if items else []
    for a, k, sh, fp, solo in items:
        for f in feats:
            groups[f"{f}={sh[f]}"].append((a, k, fp, solo))
        if args.pairs:
            for x in range(len(feats)):
                for y in range(x + 1, len(feats)):
                    f, g = feats[x], feats[y]
                    groups[f"{f}={sh[f]} {g}={sh[g]}"].append((a, k, fp, solo))
    rows = []
    for key, members in groups.items():
        n = len(members)
        fp = sum(m[2] for m in members)
        if n < 4 or fp / n < args.min_share:
            continue
        solo = sum(m[3] for m in members)
        got = figures({(m[0], m[1]) for m in members})
        rows.append((got[2] - base[2], key, n, fp, solo, got))
    rows.sort(reverse=True)
    print("group: n / no gold / gold only it finds | dropped: all len, strict, direct len (delta)")
    for _d, key, n, fp, solo, got in rows[:40]:
        cells = " ".join(f"{100 * got[j]:.1f} ({100 * (got[j] - base[j]):+.1f})" for j in range(3))
        print(f"  {key:<34} {n:4d} {fp:4d} {solo:4d} | {cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
