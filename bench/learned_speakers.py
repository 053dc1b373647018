"""Speaker accuracy of the learned quotes of a trained model, by how their source was found.

Uses the cached parses of ``bench/cache_docs.py`` and the learned fragments of
``bench/score_cached.py`` (cached per model). Detects with the rules alone and with the
model at the default threshold (``--min-confidence``, 0.2), matches each gold quote with a
source to the prediction overlapping it most (ties to the later one, as the reference
scorer) and counts:

- the gold quotes whose speaker verdict (``spk_name``: mention overlap or a shared proper
  noun) differs between the two runs, by the rule of the model's prediction;
- per learned quote (rule ``learned``), a group: the cue the fragment hangs under
  (``report``: a reporting verb; ``according``; ``verb``: another verb; ``nocue``), where
  the speaker came from (``subj``: the cue's subject, :func:`annotator.nlp.speakers.subject`,
  the code the rules' reported speech uses; ``frag``: the fallback
  :func:`annotator.nlp.speakers.fragment_speaker`) and whether it is a pronoun; then per
  group the gold quotes it is matched to with a right and a wrong speaker (``inside``: of
  the wrong ones, those whose gold content lies strictly inside the fragment: a nested
  attribution no prediction of its own found) and the learned quotes overlapping no gold
  quote (``fp``).

``--show GROUP`` (as printed, e.g. ``report/subj/np``) prints the wrong ones of a group
with their context. Usage: python bench/learned_speakers.py DATA.jsonl --model DIR
[--lines 1-400] [--min-confidence 0.2] [--show GROUP] [--max N]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from cache_docs import load_docs  # noqa: E402
from score_cached import learned_fragments, line_range  # noqa: E402

from annotator.core.scoring import (  # noqa: E402
    ScoredArticle,
    _name_match,
    capitalised_words,
    char_set,
    scored_article,
)
from annotator.nlp import learned as lq  # noqa: E402
from annotator.nlp.docindex import DocIndex, QuoteRecord  # noqa: E402
from annotator.nlp.quotemarks import find_segments  # noqa: E402
from annotator.nlp.quotes import extract_quotes  # noqa: E402
from annotator.nlp.speakers import RELATIVE_PRONOUNS, subject  # noqa: E402


def best_match(gold_content: Any, records: list[QuoteRecord]) -> int | None:
    """Index of the record overlapping ``gold_content`` most (ties: the later one)."""
    gs = char_set(gold_content)
    best: tuple[int, int] | None = None
    for k, rec in enumerate(records):
        n = len(gs & char_set(rec.content))
        if n and (best is None or (n, k) >= best):
            best = (n, k)
    return None if best is None else best[1]


def right_speaker(art: ScoredArticle, gold_speaker: Any, rec: QuoteRecord) -> bool:
    """The reference scorer's ``spk_name`` verdict for one matched pair."""
    if rec.speaker is None:
        return False
    if char_set([rec.speaker]) & char_set(gold_speaker):
        return True
    mention = art.text[rec.speaker[0] : rec.speaker[1]]
    return _name_match(art, gold_speaker, mention, capitalised_words)


def group_of(idx: DocIndex, rec: QuoteRecord) -> str:
    """``cue/source/pronoun`` of a learned quote (see the module docstring)."""
    first, last = idx.token_at(rec.content[0][0]), lq._last_token(idx, rec.content[-1][1])
    cue = lq._cue_of(idx, first, last)
    if cue is None:
        kind = "nocue"
    elif cue.lower_ == "according":
        kind = "according"
    else:
        kind = "report" if lq._is_cue(idx, cue) else "verb"
    source = "frag"
    if cue is not None and subject(idx, cue, idx.line_lo[cue.i], idx.line_hi[cue.i]) == rec.speaker:
        source = "subj"
    mention = idx.text[rec.speaker[0] : rec.speaker[1]].lower() if rec.speaker else ""
    pronoun = mention in lq._PERSONAL or mention in RELATIVE_PRONOUNS
    return f"{kind}/{source}/{'pron' if pronoun else 'np'}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data")
    ap.add_argument("--model", required=True)
    ap.add_argument("--lines")
    ap.add_argument("--min-confidence", type=float, default=0.2)
    ap.add_argument("--show")
    ap.add_argument("--max", type=int, default=40)
    args = ap.parse_args()
    articles, docs = load_docs(args.data)
    frags = learned_fragments(args.model, args.data, docs)
    changed: Counter[tuple[str, str, str]] = Counter()
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    shown = 0
    for i in line_range(args.lines, len(articles)):
        art, doc = scored_article(articles[i]), docs[i]
        rules = [r for r in extract_quotes(doc) if r.confidence >= args.min_confidence]
        model = [
            r for r in extract_quotes(doc, learned=frags[i]) if r.confidence >= args.min_confidence
        ]
        idx = DocIndex(doc, find_segments(doc.text), True, doc.text)
        matched: dict[int, list[Any]] = defaultdict(list)
        for gq in art.quotes:
            if not gq.speaker:
                continue
            kr, km = best_match(gq.content, rules), best_match(gq.content, model)
            before = "unmatched" if kr is None else str(right_speaker(art, gq.speaker, rules[kr]))
            after = "unmatched" if km is None else str(right_speaker(art, gq.speaker, model[km]))
            if before != after:
                changed[(before, after, "-" if km is None else model[km].rule)] += 1
            if km is not None:
                matched[km].append(gq)
        gold_sets = [char_set(gq.content) for gq in art.quotes]
        for k, rec in enumerate(model):
            if rec.rule != "learned":
                continue
            group = group_of(idx, rec)
            chars = char_set(rec.content)
            if not any(chars & gs for gs in gold_sets):
                groups[group]["fp"] += 1
            for gq in matched.get(k, []):
                if right_speaker(art, gq.speaker, rec):
                    groups[group]["right"] += 1
                    continue
                groups[group]["wrong"] += 1
                groups[group]["inside"] += char_set(gq.content) < chars
                if args.show == group and shown < args.max:
                    shown += 1
                    text = art.text
                    a, b = rec.content[0][0], rec.content[-1][1]
                    gold = " ".join(text[x:y] for x, y in gq.speaker)
                    said = text[rec.speaker[0] : rec.speaker[1]] if rec.speaker else None
                    print(f"--- {art.id}: gold {gold!r}, learned {said!r}")
                    print("   ", text[max(0, a - 160) : a].replace("\n", " "), "[[", end=" ")
                    print(text[a:b].replace("\n", " ")[:200], "]]")
    print("gold quotes whose speaker verdict changed (rules -> model, model's rule):")
    for (before, after, rule), n in changed.most_common():
        print(f"  {n:5d}  {before:>9} -> {after:<9} {rule}")
    print("learned quotes by group (cue/source/pronoun):")
    total: Counter[str] = Counter()
    for group, c in sorted(groups.items(), key=lambda kv: -sum(kv[1].values())):
        total.update(c)
        n = c["right"] + c["wrong"]
        acc = 100 * c["right"] / n if n else 0.0
        print(
            f"  {group:<22} right {c['right']:4d} wrong {c['wrong']:4d} ({acc:5.1f}%) "
            f"inside {c['inside']:3d} fp {c['fp']:4d}"
        )
    n = total["right"] + total["wrong"]
    print(
        f"  {'all':<22} right {total['right']:4d} wrong {total['wrong']:4d} "
        f"({100 * total['right'] / max(n, 1):5.1f}%) inside {total['inside']:3d} "
        f"fp {total['fp']:4d}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
