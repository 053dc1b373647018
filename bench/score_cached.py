"""Score the detector on a gold JSONL using the cached parses of ``bench/cache_docs.py``.

Runs only quote extraction over the cached Docs, writes the predictions (and the gold lines
of the chosen range) under ``bench/_out`` and prints the figures of
``annotator.core.scoring`` (the reference scorer's; speaker names compared by
capitalisation unless ``--spacy``), plus the number of proposals and their lenient
precision per rule. For the reference figures run ``../shared/eval/score_quotes.py`` on the
two files it names.

With ``--model DIR`` a trained pipeline's learned fragments are merged in, as
``annotator evaluate --detect --model DIR`` does; the fragments are computed once per model
and data file and kept in ``bench/_out/frags_*.json`` (:func:`learned_fragments`), so that
the post-processing of learned spans is measured in seconds.

Usage: python bench/score_cached.py DATA.jsonl [--lines 401-840] [--spacy]
       [--marks in|out] [--min-confidence X] [--names] [--model DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from cache_docs import OUT, load_docs  # noqa: E402

from annotator.core.scoring import (  # noqa: E402
    SUBSETS,
    capitalised_words,
    score,
    scored_article,
    scored_quote,
)
from annotator.nlp.component import write_records  # noqa: E402
from annotator.nlp.detect import detect_doc  # noqa: E402
from annotator.nlp.quotes import extract_quotes  # noqa: E402


def learned_fragments(
    model: str | None, data: str | Path, docs: list
) -> list[list[tuple[int, int, float]] | None]:
    """Per doc, the learned fragments (start, end, confidence) of the trained component of
    ``model`` (None: no model, a list of None), cached per model hash and data file."""
    if not model:
        return [None] * len(docs)
    meta = json.loads((Path(model) / "annotator_learned_quotes" / "learned.json").read_text())
    path = OUT / f"frags_{meta['model_hash']}_{Path(data).stem}.json"
    if path.exists():
        got = json.loads(path.read_text())
        if len(got) == len(docs):
            return [[tuple(f) for f in frags] for frags in got]  # type: ignore[misc]
    import spacy

    from annotator.nlp.learned import learned_spans

    nlp = spacy.load(model)
    component = next(p for name, p in nlp.pipeline if "learned" in name)
    out = [learned_spans(component(doc)) or [] for doc in docs]
    path.write_text(json.dumps(out))
    return out  # type: ignore[return-value]


def line_range(spec: str | None, n: int) -> range:
    """``"401-840"`` (1-based, inclusive) as a range of 0-based indexes."""
    if not spec:
        return range(n)
    a, b = spec.split("-")
    return range(int(a) - 1, min(int(b), n))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data")
    ap.add_argument("--lines")
    ap.add_argument("--spacy", action="store_true", help="PROPN by the spaCy tagger")
    ap.add_argument("--marks", choices=("in", "out"), default=None)
    ap.add_argument("--min-confidence", type=float, default=0.0)
    ap.add_argument(
        "--names",
        action="store_true",
        help="speaker_text = the canonical speaker name (when found): spk_name then "
        "measures canonical-name accuracy instead of the mention's",
    )
    ap.add_argument("--model", help="a trained pipeline whose learned fragments merge in")
    args = ap.parse_args()
    articles, docs = load_docs(args.data)
    frags = learned_fragments(args.model, args.data, docs)
    chosen = line_range(args.lines, len(articles))
    tag = Path(args.data).stem + (f"_{args.lines}" if args.lines else "")
    tag += f"_c{args.min_confidence}" if args.min_confidence else ""
    tag += "_names" if args.names else ""
    tag += f"_{Path(args.model).name}" if args.model else ""
    gold_path, pred_path = OUT / f"{tag}.gold.jsonl", OUT / f"{tag}.pred.jsonl"
    gold, pred = [], {}
    per_rule: Counter[str] = Counter()
    good_rule: Counter[str] = Counter()
    kwargs = {} if args.marks is None else {"marks_inside": args.marks == "in"}
    with open(gold_path, "w", encoding="utf-8") as gf, open(pred_path, "w", encoding="utf-8") as pf:
        for i in chosen:
            art, doc = articles[i], docs[i]
            records = extract_quotes(doc, learned=frags[i], **kwargs)
            records = [r for r in records if r.confidence >= args.min_confidence]
            write_records(doc, records)
            quotes = detect_doc(doc)
            g = scored_article(art)
            gold.append(g)
            if args.names:
                quotes = [replace(q, speaker_text=q.speaker_name or q.speaker_text) for q in quotes]
            pred[g.id] = [scored_quote(q, gold=False) for q in quotes]
            gf.write(json.dumps(art) + "\n")
            row = {
                "id": art["id"],
                "quotes": [
                    {
                        "content_spans": [list(s) for s in q.content_spans],
                        "speaker_spans": [list(s) for s in q.speaker_spans],
                        "speaker_text": q.speaker_text,
                    }
                    for q in quotes
                ],
            }
            pf.write(json.dumps(row) + "\n")
            gsets = [set().union(*(range(a, b) for a, b in gq.content)) for gq in g.quotes]
            for rec in records:
                chars = set().union(*(range(a, b) for a, b in rec.content))
                per_rule[rec.rule] += 1
                good_rule[rec.rule] += any(chars & s for s in gsets)
    propn = capitalised_words
    if args.spacy:
        from annotator.nlp.propn import SpacyPropn, load_tagger

        propn = SpacyPropn(load_tagger())
    for subset in SUBSETS:
        print(f"{tag:<22} {subset:<6} {score(gold, pred, subset, propn, set()).line(subset)}")
    for rule, n in per_rule.most_common():
        print(f"  {rule:<26} {n:5d} proposed, lenient P {100 * good_rule[rule] / n:5.1f}%")
    print(f"files: {gold_path} {pred_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
