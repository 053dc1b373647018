"""Which cue families does the detector miss? Counts over a gold file's missed attributions.

For every gold attribution that no detected quote overlaps (the reference scorer's lenient
criterion), the gold cue is looked up in the cached parse (``bench/cache_docs.py``): its
lemma (multi-word cues joined: ``according to``, ``in statement``) and its *frame*, how
the content hangs off the cue (``ccomp``, ``xcomp``, ``dobj``, ``prep:in``, ``colon``,
``none``). Prints the top missed cue lemmas and the top (lemma, frame) pairs, with how
many attributions that cue has in gold and how many of them were found. Only aggregate
counts are printed (the data itself stays out of the repository).

Usage: python bench/cue_misses.py DATA.jsonl [--lines 1-400] [--top 40]
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
from spacy.tokens import Doc, Span, Token  # noqa: E402

from annotator.nlp.quotes import extract_quotes  # noqa: E402


def _chars(spans: list[list[int]]) -> set[int]:
    return {i for a, b in spans for i in range(a, b)}


def cue_tokens(doc: Doc, spans: list[list[int]]) -> list[Token]:
    """The tokens of the gold cue spans (content words only)."""
    out: list[Token] = []
    for a, b in spans:
        span: Span | None = doc.char_span(a, b, alignment_mode="expand")
        if span is not None:
            out.extend(t for t in span if not (t.is_punct or t.is_space))
    return out


def cue_key(toks: list[Token]) -> str:
    """A lemma for the cue: the verb's lemma, else the content words' lemmas joined."""
    if not toks:
        return "(no cue)"
    verbs = [t for t in toks if t.pos_ in ("VERB", "AUX")]
    if len(toks) > 1 and verbs and len(toks) <= 2:
        return verbs[-1].lemma_.lower()
    words = [t.lemma_.lower() for t in toks if not t.is_stop or t.pos_ in ("ADP", "VERB")]
    return " ".join(words[:3]) or toks[0].lower_


def frame_of(doc: Doc, toks: list[Token], content: set[int]) -> str:
    """How the content hangs off the cue: the dependency from a cue token into the content."""
    if not toks:
        return "none"
    for t in toks:
        for child in t.children:
            if child.idx in content or any(c.idx in content for c in child.subtree):
                if child.dep_ == "prep":
                    return f"prep:{child.lower_}"
                return child.dep_
    head = toks[-1]
    if head.head.idx in content:
        return f"inside:{head.dep_}"
    nxt = head.i + 1
    if nxt < len(doc) and doc[nxt].text == ":":
        return "colon"
    return f"other:{head.dep_}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data")
    ap.add_argument("--lines")
    ap.add_argument("--top", type=int, default=40)
    args = ap.parse_args()
    articles, docs = load_docs(args.data)
    missed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    frames: Counter[tuple[str, str]] = Counter()
    n_gold = n_missed = 0
    for i in line_range(args.lines, len(articles)):
        art, doc = articles[i], docs[i]
        found = [_chars([list(s) for s in r.content]) for r in extract_quotes(doc)]
        for q in art.get("quotes", []):
            content = _chars(q["content_spans"])
            toks = cue_tokens(doc, q.get("cue_spans") or [])
            key = cue_key(toks)
            total[key] += 1
            n_gold += 1
            if any(content & f for f in found):
                continue
            n_missed += 1
            missed[key] += 1
            frames[(key, frame_of(doc, toks, content))] += 1
    print(f"{n_missed} of {n_gold} gold attributions missed ({100 * n_missed / n_gold:.1f}%)")
    print("\ntop missed cues (missed / in gold):")
    for key, n in missed.most_common(args.top):
        print(f"  {n:4d} / {total[key]:4d}  {key}")
    print("\ntop missed (cue, frame):")
    for (key, frame), n in frames.most_common(args.top):
        print(f"  {n:4d}  {key:<24} {frame}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
