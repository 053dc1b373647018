"""List the detector's speaker errors on a gold JSONL, grouped by kind.

Uses the cached parses of ``bench/cache_docs.py`` and the matching of the reference scorer
(each gold quote with a speaker against the prediction overlapping it most, ties to the
later one); an error is a prediction whose speaker mention does not overlap the gold one.
Each error gets one kind, the first that fits in this order:

- ``no_speaker``: the prediction has no speaker;
- ``gold_verb``: the gold speaker is a reporting verb (``said``), an annotation slip;
- ``relative``: either mention is a relative pronoun (``who said``);
- ``as_put``: the gold speaker sits in an ``As X put it`` frame;
- ``byline``: the gold speaker is after a dash (``-- Jones``) or on another line;
- ``colon``: a colon follows the gold speaker (``More from Jones:``);
- ``same_entity_pronoun`` / ``same_entity_description``: the canonical name of the
  prediction names the gold speaker, but another mention was chosen (a pronoun, or a
  description against a name);
- ``same_sentence``: another mention of the gold speaker's sentence (a wrong cue);
- ``other_sentence``: a mention elsewhere.

Usage: python bench/speaker_errors.py DATA.jsonl [--lines 401-840] [--direct]
       [--show KIND] [--max N]
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
from score_cached import line_range  # noqa: E402
from spacy.tokens import Doc  # noqa: E402

from annotator.core.scoring import scored_article  # noqa: E402
from annotator.nlp import lexicon as lx  # noqa: E402
from annotator.nlp.docindex import QuoteRecord  # noqa: E402
from annotator.nlp.quotes import extract_quotes  # noqa: E402

KINDS = (
    "no_speaker",
    "gold_verb",
    "relative",
    "as_put",
    "byline",
    "colon",
    "same_entity_pronoun",
    "same_entity_description",
    "same_sentence",
    "other_sentence",
)
_WORD = re.compile(r"[A-Za-z][\w'’.-]*")


def _chars(spans: Any) -> set[int]:
    return set().union(*(range(a, b) for a, b in spans)) if spans else set()


def _sentence(doc: Doc, pos: int) -> int:
    """Index (start token) of the sentence holding character ``pos``."""
    span = doc.char_span(pos, pos + 1, alignment_mode="expand")
    return span.sent.start if span is not None else -1


def classify(doc: Doc, gold_spk: list[tuple[int, int]], gold_content: Any, rec: QuoteRecord) -> str:
    """The kind of one speaker error (see the module docstring)."""
    text = doc.text
    g0, g1 = gold_spk[0][0], gold_spk[-1][1]
    gtext = " ".join(text[a:b] for a, b in gold_spk).strip()
    if rec.speaker is None:
        return "no_speaker"
    p0, p1 = rec.speaker
    ptext = text[p0:p1].strip()
    gspan = doc.char_span(g0, g1, alignment_mode="expand")
    if gspan is not None and all(t.lemma_.lower() in lx.SPEECH_VERBS for t in gspan):
        return "gold_verb"
    if gtext.lower() in ("who", "that", "which") or ptext.lower() in ("who", "that", "which"):
        return "relative"
    before = text[max(0, g0 - 30) : g0]
    if re.search(r"\bas\s*$", before, re.I) and re.match(r"[^.\n]{0,40}\bput it", text[g1:]):
        return "as_put"
    c0 = gold_content[0][0]
    if re.search(r"[-–—]\s*$", before) or "\n" in text[min(c0, g0) : max(c0, g0)]:
        return "byline"
    if re.match(r"\s*:", text[g1 : g1 + 3]):
        return "colon"
    name = rec.speaker_name or ""
    gwords = {w.lower() for w in _WORD.findall(gtext) if w[:1].isupper()}
    if gwords & {w.lower() for w in _WORD.findall(name)}:
        if ptext.lower() in lx.PRONOUNS or gtext.lower() in lx.PRONOUNS:
            return "same_entity_pronoun"
        return "same_entity_description"
    if _sentence(doc, g0) == _sentence(doc, p0):
        return "same_sentence"
    return "other_sentence"


def errors(
    articles: list[dict[str, Any]], docs: list[Doc], chosen: range, direct_only: bool
) -> list[dict[str, Any]]:
    """One row per speaker error: kind, article id, texts and a window of context."""
    rows = []
    for i in chosen:
        art, doc = articles[i], docs[i]
        records = extract_quotes(doc)
        g = scored_article(art)
        p_sets = [_chars(r.content) for r in records]
        for gq in g.quotes:
            if not gq.speaker or (direct_only and not gq.direct):
                continue
            gs = _chars(gq.content)
            found = [(len(gs & ps), pi) for pi, ps in enumerate(p_sets) if gs & ps]
            if not found:
                continue
            rec = records[max(found)[1]]
            if rec.speaker is not None and _chars([rec.speaker]) & _chars(gq.speaker):
                continue
            kind = classify(doc, list(gq.speaker), gq.content, rec)
            text = doc.text
            lo = max(0, min(gq.speaker[0][0], gq.content[0][0]) - 80)
            hi = min(len(text), max(gq.speaker[-1][1], gq.content[-1][1]) + 80)
            rows.append(
                {
                    "kind": kind,
                    "id": art["id"],
                    "direct": gq.direct,
                    "rule": rec.rule,
                    "gold": " ".join(text[a:b] for a, b in gq.speaker),
                    "pred": text[rec.speaker[0] : rec.speaker[1]] if rec.speaker else None,
                    "name": rec.speaker_name,
                    "context": text[lo:hi].replace("\n", " / "),
                }
            )
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data")
    ap.add_argument("--lines")
    ap.add_argument("--direct", action="store_true", help="direct quotes only")
    ap.add_argument("--show", help="print the errors of this kind ('all' for every kind)")
    ap.add_argument("--max", type=int, default=30)
    args = ap.parse_args()
    articles, docs = load_docs(args.data)
    rows = errors(articles, docs, line_range(args.lines, len(articles)), args.direct)
    counts = Counter(r["kind"] for r in rows)
    direct = Counter(r["kind"] for r in rows if r["direct"])
    print(f"{len(rows)} speaker errors ({sum(direct.values())} on direct quotes)")
    for kind in KINDS:
        print(f"  {kind:<26} {counts[kind]:4d}  direct {direct[kind]:3d}")
    if args.show:
        shown = [r for r in rows if args.show in ("all", r["kind"])][: args.max]
        for r in shown:
            print(
                f"\n[{r['kind']}] {r['id']} {'D' if r['direct'] else 'I'} {r['rule']}: "
                f"gold={r['gold']!r} pred={r['pred']!r} name={r['name']!r}\n  {r['context']}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
