"""Precision of each detector rule on a gold quote-JSONL file (prints figures; not a test).

Runs the detector over every gold text and scores the quotes of each rule on their own
(``QuoteRecord.rule``, the keys of ``annotator/nlp/confidence.py``) with the reference
scorer's definitions (``annotator.core.scoring``, the same figures as
``../shared/eval/score_quotes.py``):

- ``lenient P``: share of the rule's quotes that overlap a gold quote;
- ``jacc50 P``: share matched one-to-one to a gold quote with character Jaccard >= 0.5;
- ``e2e P``: share matched one-to-one by overlap whose speaker also overlaps the gold one.

These are the figures quoted beside each confidence in ``annotator/nlp/confidence.py``.

Usage: python bench/rule_precision.py [GOLD.jsonl] [--model NAME] [--parsed DOCS.spacy]
       [--lines A-B]

``--parsed`` reads the texts already parsed (a spaCy DocBin of the same texts in the same
order, made with the detector disabled, e.g. by ``bench/cache_docs.py``) instead of
parsing them again; ``--lines 1-400`` scores the tuning half of train only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from annotator.core.scoring import ScoredQuote, Scores, score_article, scored_article  # noqa: E402
from annotator.nlp.component import write_records  # noqa: E402
from annotator.nlp.confidence import CONFIDENCE  # noqa: E402
from annotator.nlp.pipeline import load_pipeline  # noqa: E402
from annotator.nlp.quotes import extract_quotes  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "polnear" / "train.jsonl"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", nargs="?", default=str(DEFAULT_DATA))
    ap.add_argument("--model")
    ap.add_argument("--parsed", help="DocBin of the gold texts parsed without the detector")
    ap.add_argument("--lines", help="only gold lines A-B (1-based, inclusive), e.g. 1-400")
    args = ap.parse_args()
    with open(args.gold, encoding="utf-8") as fh:
        gold = [scored_article(json.loads(line)) for line in fh if line.strip()]
    first, last = 1, len(gold)
    if args.lines:
        first, last = (int(x) for x in args.lines.split("-"))
    nlp, info = load_pipeline(args.model)
    print(f"{info.message}; {len(gold)} gold articles from {args.gold}")
    t0 = time.perf_counter()
    if args.parsed:
        from spacy.tokens import DocBin

        docs = list(DocBin().from_disk(args.parsed).get_docs(nlp.vocab))
    else:
        with nlp.select_pipes(disable=["annotator_quotes"]):
            docs = list(nlp.pipe((a.text for a in gold), batch_size=16))
    print(f"parsed in {time.perf_counter() - t0:.1f} s")
    totals: dict[str, Scores] = defaultdict(Scores)
    gold, docs = gold[first - 1 : last], docs[first - 1 : last]
    for article, doc in zip(gold, docs, strict=True):
        if doc.text != article.text:
            raise SystemExit(f"{args.parsed}: the parsed texts are not those of {args.gold}")
        records = extract_quotes(doc, use_parse=not info.rules_only)
        write_records(doc, records)  # snaps spans to tokens exactly as the detector does
        scored: list[tuple[str, ScoredQuote]] = []  # in document order, as the detector gives
        for plain in doc._.quote_records:
            speaker = plain["speaker"]
            quote = ScoredQuote(
                content=tuple((a, b) for a, b in plain["content"]),
                speaker=((speaker[0], speaker[1]),) if speaker else (),
                speaker_text=plain["speaker_text"],
            )
            scored.append((records[int(plain["id"][1:])].rule, quote))
        for rule in CONFIDENCE:
            mine = [q for r, q in scored if r == rule]
            totals[rule] += score_article(article, mine, "all")
        every = [q for _r, q in scored]
        totals["(all rules)"] += score_article(article, every, "all")
    print(f"{'rule':<24} {'conf':>5} {'quotes':>7} {'lenient P':>10} {'jacc50 P':>9} {'e2e P':>7}")
    for rule in [*CONFIDENCE, "(all rules)"]:
        s = totals[rule]
        n = s.n_pred
        hits = (s.lenient_tp_pred, s.jaccard_tp, s.e2e_tp)
        cells = [f"{100 * x / n:.1f}" if n else "-" for x in hits]
        conf = f"{CONFIDENCE[rule]:.2f}" if rule in CONFIDENCE else ""
        print(f"{rule:<24} {conf:>5} {n:>7} {cells[0]:>10} {cells[1]:>9} {cells[2]:>7}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
