"""Would a learned suggestion filter pay? Measured on cross-fitted PolNeAR train halves.

Issue 13: with a trained model the direct lenient F1 is capped by proposals that overlap no
gold attribution (the reference scorer counts each as a false positive of the direct subset
too, whatever its kind). This bench asks whether a classifier trained on the analysts'
decisions can find them: for every proposal of the detector (rules + merged learned
fragments, at the default floor 0.2) one sample, label = it overlaps a gold attribution;
features (:func:`suggestion_features`): rule, kind, confidence bucket, cue lemma, speaker
mention shape (name / pronoun / common noun / relative / none), side and first word,
content length, fragments, quotation marks, paragraph position, whole paragraph, other
proposals in the paragraph and the article (``--extra``: also the cue's tag and relation,
the speaker's entity label and relation, the first word's part of speech, title-case and
unfinished paragraphs). Classifier: a maximum-entropy model, CRFsuite over one-item
sequences (L1/L2 logistic regression, its marginal the probability; ``--c1/--c2``).

Each half's proposals come from a model trained on the other half (lines 1-400 with the
model of lines 401-840, ``--m401``, and back, ``--m1``), so that learned fragments are as
on unseen text; the filter is trained on one half's proposals (``--train-articles N``: a
random N of them, as the dev part a training run holds) and scores the other's: the
lowest-probability proposals (how many overlap nothing, how many are direct hits) and the
scorer's figures (:mod:`annotator.core.scoring`, the reference scorer's) with proposals
under each threshold left out (``--skip direct``: direct proposals never filtered).

Findings (session 15, models m1/m401/cli_f80 of /work/cache/models, floor 0.2, c1 0.1
c2 0.05): about 4% of the proposals overlap nothing (267 of 6157 on lines 1-400, 185 of
6207 on 401-840, 51 of 1495 on dev) and the filter's lowest 100-400 proposals hold only
15-20% of them: cutting removes 4-5 hits per false one. Filtering direct proposals too
costs about as many direct hits as false ones. With direct proposals never filtered
(``--skip direct --marginals``, threshold 0.7), all lenient / strict / direct lenient F1:
lines 1-400 73.6/52.2/91.9 -> 72.8/52.0/92.6; lines 401-840 72.8/53.7/95.1 ->
72.2/53.4/95.5; dev (filter of all 840 train articles, cli_f80) 77.5/54.2/93.1 ->
76.8/54.2/93.8 (0.5: 77.3/54.3/93.4): the mean of the three is unchanged at best. A
threshold picked as training would pick it (``--pick``, the filter's own 88 articles)
looks like +1.3 to +1.5 points there and is worse on the other half (1-400: 72.8/52.1/92.4,
401-840 at 0.8: 71.7/53.2/95.5). The content tagger's marginals over the proposal
(``--marginals``), the parse features (``--extra``) and article-level counts
(``--article``) do not change this, nor other penalties. An oracle that left out every
non-direct proposal overlapping nothing would give dev direct lenient 98.6 (all 78.5):
the cap is real, but these proposals look like the kept ones (many read as attributions
the annotators did not mark). The filter does not pay and was not put in the product.

Local measurement only (PolNeAR is never committed).

    nice -n 10 python bench/learned_filter.py [--m401 DIR] [--m1 DIR] [--skip direct]
        [--thresholds 0.3,0.5,0.7] [--train-articles N] [--pick] [--marginals] [--extra]
        [--article] [--dev FULL_TRAIN_MODEL] [--c1 X --c2 Y]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from cache_docs import load_docs  # noqa: E402
from score_cached import learned_fragments  # noqa: E402
from spacy.tokens import Doc  # noqa: E402

from annotator.core.scoring import (  # noqa: E402
    capitalised_words,
    score,
    scored_article,
    scored_quote,
)
from annotator.nlp import lexicon as lx  # noqa: E402
from annotator.nlp.component import write_records  # noqa: E402
from annotator.nlp.detect import detect_doc  # noqa: E402
from annotator.nlp.docindex import QuoteRecord  # noqa: E402
from annotator.nlp.quotes import extract_quotes  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "polnear" / "train.jsonl"
DEV = DATA.with_name("dev.jsonl")
#: the window's and ``evaluate``'s default floor
FLOOR = 0.2
KEEP, DROP = "keep", "drop"


def _words_bucket(n: int) -> str:
    """A count as a coarse bucket."""
    for edge in (1, 3, 6, 10, 16, 25, 40):
        if n <= edge:
            return f"<={edge}"
    return ">40"


def _conf_bucket(c: float) -> str:
    """A confidence (0..1) to a bucket of 0.05."""
    return f"{min(19, max(0, int(c * 20))) * 5:02d}"


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the text's non-empty lines, in order."""
    out = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            out.append((start, end))
        start = end + 1
    return out


_QUOTE_CHARS = frozenset('"“”«»')
_PERSONAL = lx.PERSON_PRONOUNS | lx.GROUP_PRONOUNS | {"they", "them"}


def _words_bucket(n: int) -> str:
    """A length in words as a coarse bucket."""
    for edge in (1, 3, 6, 10, 16, 25, 40):
        if n <= edge:
            return f"<={edge}"
    return ">40"


def _conf_bucket(c: float) -> str:
    """A confidence (0..1) to a bucket of 0.05."""
    return f"{min(19, max(0, int(c * 20))) * 5:02d}"


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the text's non-empty lines, in order."""
    out = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            out.append((start, end))
        start = end + 1
    return out


def _speaker_shape(doc: Doc, text: str, span: tuple[int, int] | None) -> str:
    """``none``, ``pron`` (a pronoun), ``name`` (a proper noun or a capitalised word after
    the first), ``common`` (a noun phrase naming nobody), ``other``."""
    if span is None:
        return "none"
    words = text[span[0] : span[1]].split()
    if not words:
        return "none"
    first = words[0].lower().strip(",.")
    if len(words) == 1 and first in _PERSONAL:
        return "pron"
    if first in ("who", "which", "that", "what"):
        return "rel"
    chars = doc.char_span(span[0], span[1], alignment_mode="expand")
    if chars is not None and doc.has_annotation("POS"):
        if any(t.pos_ == "PROPN" for t in chars):
            return "name"
        if any(t.pos_ == "NOUN" for t in chars):
            return "common"
        return "other"
    rest = words[1:] if first in ("the", "a", "an") else words
    return "name" if any(w[:1].isupper() for w in rest) else "common"


def _lemma_at(doc: Doc, span: tuple[int, int] | None) -> str:
    if span is None:
        return "none"
    chars = doc.char_span(span[0], span[1], alignment_mode="expand")
    if chars is None or len(chars) == 0:
        return "none"
    tok = chars.root if doc.has_annotation("DEP") else chars[0]
    lemma = tok.lemma_ if doc.has_annotation("LEMMA") else tok.lower_
    return (lemma or tok.lower_).lower()


def suggestion_features(
    doc: Doc, records: Sequence[QuoteRecord], extra: bool = False
) -> list[list[str]]:
    """One list of string features per record of ``records`` (the detector's proposals in
    ``doc``, character offsets into ``doc.text``), in order: the filter's input.

    Linear in the records and their paragraphs; needs no parse (with one, the cue's lemma
    and the speaker's part of speech are read from it)."""
    text = doc.text
    paras = _paragraphs(text)
    starts = [a for a, _ in paras]

    def para_of(char: int) -> int:
        lo, hi = 0, len(starts)
        while lo < hi:
            mid = (lo + hi) // 2
            if starts[mid] <= char:
                lo = mid + 1
            else:
                hi = mid
        return max(0, lo - 1)

    where = [para_of(r.start) for r in records]
    per_para: dict[int, int] = {}
    for p in where:
        per_para[p] = per_para.get(p, 0) + 1
    out: list[list[str]] = []
    for r, p in zip(records, where, strict=True):
        content = " ".join(text[a:b] for a, b in r.content)
        words = content.split()
        pa, pb = paras[p] if paras else (0, len(text))
        para_words = len(text[pa:pb].split())
        spk = _speaker_shape(doc, text, r.speaker)
        cue = _lemma_at(doc, r.cue)
        stripped = content.strip()
        f = [
            "bias",
            "rule=" + r.rule,
            "kind=" + r.kind,
            f"rule={r.rule}|conf={_conf_bucket(r.confidence)}",
            "conf=" + _conf_bucket(r.confidence),
            "cue=" + cue,
            f"rule={r.rule}|cue={cue}",
            "spk=" + spk,
            f"rule={r.rule}|spk={spk}",
            f"kind={r.kind}|spk={spk}",
            "len=" + _words_bucket(len(words)),
            f"kind={r.kind}|len={_words_bucket(len(words))}",
            f"frags={min(len(r.content), 3)}",
            "para=" + _words_bucket(p),
            f"in_para={min(per_para[p] - 1, 3)}",
            f"quotes={_words_bucket(len(records))}",
        ]
        if r.speaker_name:
            f.append("named")
        if r.speaker is not None:
            side = (
                "before" if r.speaker[1] <= r.start else "after" if r.speaker[0] >= r.end else "in"
            )
            f.append("spk_side=" + side)
            f.append(f"spk_side={side}|spk={spk}")
            first = text[r.speaker[0] : r.speaker[1]].split()[:1]
            if first and first[0].lower() in _PERSONAL:
                f.append("spk_word=" + first[0].lower())
        if r.cue is None:
            f.append("no_cue")
        if para_words and len(words) >= 0.9 * para_words:
            f.append("whole_para")
        if stripped[:1] in _QUOTE_CHARS or text[max(0, r.start - 1) : r.start] in _QUOTE_CHARS:
            f.append("opens_mark")
        if any(ch in _QUOTE_CHARS for ch in stripped[1:-1]):
            f.append("inner_mark")
        if stripped.endswith("?") or stripped.rstrip("\"”'’").endswith("?"):
            f.append("question")
        if words and words[0][:1].isupper():
            f.append("cap_start")
        if extra:
            f.extend(_parse_features(doc, r))
        if (
            extra
            and para_words
            and sum(w[:1].isupper() for w in text[pa:pb].split()) >= 0.6 * para_words
        ):
            f.append("title_case_para")
        if extra and not text[pa:pb].rstrip().endswith((".", '"', "”", "?", "!", "'", "’")):
            f.append("para_no_stop")
        out.append(f)
    return out


def _parse_features(doc: Doc, r: QuoteRecord) -> list[str]:
    """What the parse says of the proposal's cue, speaker and first word (none without a
    parse): the cue's tag and relation (``VBG`` / ``acl``: ``a super PAC supporting ...``),
    the speaker's entity label, the first word's part of speech."""
    if not doc.has_annotation("DEP"):
        return []
    f = []
    if r.cue is not None:
        span = doc.char_span(r.cue[0], r.cue[1], alignment_mode="expand")
        if span is not None and len(span):
            tok = span.root
            f.append("cue_tag=" + tok.tag_)
            f.append("cue_dep=" + tok.dep_)
            f.append(f"cue_tag={tok.tag_}|rule={r.rule}")
            if any(c.dep_ == "neg" for c in tok.children):
                f.append("cue_neg")
            if any(
                c.dep_ == "aux" and c.lower_ in ("will", "would", "could", "may", "might")
                for c in tok.children
            ):
                f.append("cue_modal")
    if r.speaker is not None:
        span = doc.char_span(r.speaker[0], r.speaker[1], alignment_mode="expand")
        if span is not None and len(span):
            ents = {t.ent_type_ for t in span if t.ent_type_}
            f.extend("spk_ent=" + e for e in sorted(ents)) if ents else f.append("spk_ent=none")
            f.append("spk_dep=" + span.root.dep_)
    first = doc.char_span(r.start, min(r.end, r.start + 40), alignment_mode="expand")
    if first is not None and len(first):
        words = [t for t in first if not (t.is_punct or t.is_space or t.is_quote)]
        if words:
            f.append("first_pos=" + words[0].pos_)
            f.append(f"first_pos={words[0].pos_}|kind={r.kind}")
            if words[0].lower_ == "to":
                f.append("first_to")
    return f


def train_filter(samples: Sequence[tuple[list[str], bool]], c1: float, c2: float) -> object:
    """A CRFsuite tagger trained on (features, kept) one-item sequences."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for features, kept in samples:
        trainer.append([features], [KEEP if kept else DROP])
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": 200})
    fd, name = tempfile.mkstemp(suffix=".crfsuite")
    os.close(fd)
    try:
        trainer.train(name)
        tagger = pycrfsuite.Tagger()
        tagger.open(name)
        return tagger
    finally:
        os.unlink(name)


def keep_probability(tagger: object, features: list[str]) -> float:
    tagger.set([features])  # type: ignore[attr-defined]
    return float(tagger.marginal(KEEP, 0))  # type: ignore[attr-defined]


def content_marginals(model: str | None, doc: Doc, recs: Sequence[QuoteRecord]) -> list[str]:
    """Per proposal, what the trained content tagger of ``model`` says of its tokens: the
    mean probability (bucket of 0.1) that a content token is not ``O``, and the share of
    its tokens tagged ``O`` (none / some / most)."""
    if not model:
        return [[] for _ in recs]
    import pycrfsuite

    from annotator.nlp.learned import MODEL_FILE, token_features

    tagger = _TAGGERS.get(model)
    if tagger is None:
        tagger = _TAGGERS[model] = pycrfsuite.Tagger()
        tagger.open(str(Path(model) / "annotator_learned_quotes" / MODEL_FILE))
    labels = tagger.tag(token_features(doc))
    p_in = [1.0 - tagger.marginal("O", i) for i in range(len(labels))]
    starts = [t.idx for t in doc]
    out = []
    for r in recs:
        toks = [
            i
            for i, st in enumerate(starts)
            if any(a <= st < b for a, b in r.content) and not doc[i].is_punct
        ]
        if not toks:
            out.append(["m=none"])
            continue
        mean = sum(p_in[i] for i in toks) / len(toks)
        outside = sum(labels[i] == "O" for i in toks) / len(toks)
        share = "none" if outside == 0 else "most" if outside > 0.5 else "some"
        out.append(
            [
                f"m={min(9, int(mean * 10))}",
                f"o={share}",
                f"m={min(9, int(mean * 10))}|kind={r.kind}",
            ]
        )
    return out


_TAGGERS: dict[str, object] = {}


def half(objs, docs, frags, rng, extra, model=None, article=False):
    """Per article of ``rng``: (doc, scored gold, proposals at :data:`FLOOR`, their
    features, whether each overlaps a gold attribution)."""
    out = []
    for i in rng:
        doc = docs[i]
        recs = [r for r in extract_quotes(doc, learned=frags[i]) if r.confidence >= FLOOR]
        g = scored_article(objs[i])
        gsets = [set().union(*(range(a, b) for a, b in gq.content)) for gq in g.quotes]
        labels = []
        for r in recs:
            chars = set().union(*(range(a, b) for a, b in r.content))
            labels.append(any(chars & s for s in gsets))
        feats = suggestion_features(doc, recs, extra)
        if article:
            n_direct = sum(r.kind == "direct" for r in recs)
            first = sum(
                1
                for r in recs
                if r.speaker and doc.text[r.speaker[0] : r.speaker[1]].lower() in ("i", "we")
            )
            per = len(recs) * 1000 // max(1, len(doc))
            n_learned = sum(r.rule == "learned" for r in recs)
            art_f = [
                f"a_direct={_words_bucket(n_direct)}",
                f"a_first={min(first, 3)}",
                f"a_per1000={_words_bucket(per)}",
                f"a_learned={_words_bucket(n_learned)}",
                f"a_len={_words_bucket(len(doc) // 100)}",
            ]
            for f, r in zip(feats, recs, strict=True):
                f.extend(art_f)
                f.extend(x + "|kind=" + r.kind for x in art_f[:3])
        for f, m in zip(feats, content_marginals(model, doc, recs), strict=True):
            f.extend(m)
        out.append((doc, g, recs, feats, labels))
    return out


def scores(arts, keep_of):
    """The scorer's all and direct :class:`Scores` with the proposals ``keep_of(article,
    k)`` keeps."""
    gold, pred = [], {}
    for k, (doc, g, recs, _f, _l) in enumerate(arts):
        write_records(doc, [r for j, r in enumerate(recs) if keep_of(k, j)])
        gold.append(g)
        pred[g.id] = [scored_quote(q, gold=False) for q in detect_doc(doc)]
    return [score(gold, pred, s, capitalised_words, set()) for s in ("all", "direct")]


def figures(arts, keep_of):
    """The scorer's all and direct lines with the proposals ``keep_of(article, k)`` keeps."""
    return [s.line(sub) for s, sub in zip(scores(arts, keep_of), ("all", "direct"))]


def rank(arts, keep_of):
    """What training would pick a threshold by: (keeps the direct lenient F1 and speaker
    accuracy of no filter, mean of all lenient F1, all strict F1, direct lenient F1)."""
    a, d = scores(arts, keep_of)
    return d.lenient[2], a.speaker_name_acc, (a.lenient[2] + a.strict[2] + d.lenient[2]) / 3


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--m401", default="/work/cache/models/m401")
    ap.add_argument("--m1", default="/work/cache/models/m1")
    ap.add_argument("--thresholds", default="0.3,0.5,0.7")
    ap.add_argument("--skip", default="", help="kinds never filtered, comma-separated")
    ap.add_argument("--train-articles", type=int, default=0)
    ap.add_argument("--extra", action="store_true")
    ap.add_argument("--marginals", action="store_true")
    ap.add_argument("--article", action="store_true")
    ap.add_argument("--dev", help="a model trained on all of train: score dev with it")
    ap.add_argument("--pick", action="store_true", help="threshold picked as training would")
    ap.add_argument("--c1", type=float, default=0.1)
    ap.add_argument("--c2", type=float, default=0.05)
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    objs, docs = load_docs(DATA)
    a = half(
        objs,
        docs,
        learned_fragments(args.m401, DATA, docs),
        range(0, 400),
        args.extra,
        args.m401 if args.marginals else None,
        args.article,
    )
    b = half(
        objs,
        docs,
        learned_fragments(args.m1, DATA, docs),
        range(400, len(objs)),
        args.extra,
        args.m1 if args.marginals else None,
        args.article,
    )
    runs = [("401-840 -> 1-400", b, a), ("1-400 -> 401-840", a, b)]
    if args.dev:
        # the filter of both halves' proposals (840 articles), on dev with a full-train model
        dobjs, ddocs = load_docs(DEV)
        d = half(
            dobjs,
            ddocs,
            learned_fragments(args.dev, DEV, ddocs),
            range(len(dobjs)),
            args.extra,
            args.dev if args.marginals else None,
            args.article,
        )
        runs = [("train 1-840 -> dev", a + b, d)]
    for name, tr, te in runs:
        if args.train_articles:
            tr = random.Random(0).sample(tr, min(args.train_articles, len(tr)))
        samples = [
            (f, lab)
            for art in tr
            for f, lab, r in zip(art[3], art[4], art[2], strict=True)
            if r.kind not in skip
        ]
        tagger = train_filter(samples, args.c1, args.c2)
        probs = [
            [1.0 if r.kind in skip else keep_probability(tagger, f) for f, r in zip(art[3], art[2])]
            for art in te
        ]
        if args.pick:
            # as a training run would: the threshold of the best rank on the articles the
            # filter was trained on (in-sample probabilities)
            tprobs = [
                [
                    1.0 if r.kind in skip else keep_probability(tagger, f)
                    for f, r in zip(art[3], art[2])
                ]
                for art in tr
            ]
            base = rank(tr, lambda k, j: True)
            best_t, best = 0.0, (True, base[2])
            for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
                got = rank(tr, lambda k, j, t=t, p=tprobs: p[k][j] >= t)
                key = (got[0] + 1e-9 >= base[0] and got[1] + 1e-9 >= base[1], got[2])
                print(
                    f"   pick on training articles: threshold {t:g}: direct {100 * got[0]:.1f} "
                    f"spk {100 * got[1]:.1f} objective {100 * got[2]:.2f} "
                    f"(none {100 * base[2]:.2f})"
                )
                if key > best:
                    best_t, best = t, key
            print(f"   picked threshold {best_t:g}")
            args.thresholds = str(best_t)
        flat = [
            (probs[k][j], art[4][j], art[2][j].kind)
            for k, art in enumerate(te)
            for j in range(len(art[2]))
        ]
        neg = sum(not lab for _, lab, _ in flat)
        print(
            f"== filter trained on {name}: {len(samples)} samples of {len(tr)} articles; "
            f"{len(flat)} test proposals, {neg} overlap nothing"
        )
        ranked = sorted(flat)
        for top in (25, 50, 100, 200, 400):
            low = ranked[:top]
            print(
                f"   lowest {top:3d}: {sum(not lab for _, lab, _ in low):3d} overlap nothing, "
                f"{sum(1 for _, lab, kd in low if lab and kd == 'direct'):3d} direct hits "
                f"(p <= {low[-1][0]:.2f})"
            )
        for t in [0.0] + [float(x) for x in args.thresholds.split(",")]:
            cut = [(lab, kd) for p, lab, kd in flat if p < t]
            print(
                f"-- threshold {t:g}: {len(cut)} left out, {sum(not lab for lab, _ in cut)} "
                f"overlapping nothing, {sum(1 for lab, kd in cut if lab and kd == 'direct')} "
                "direct hits"
            )
            for sub, line in zip(
                ("all", "direct"), figures(te, lambda k, j, t=t, probs=probs: probs[k][j] >= t)
            ):
                print(f"   {sub:<6} {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
