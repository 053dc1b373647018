"""The trained part of the detector: a linear-chain CRF that tags quote content per token.

A project's accepted quotes teach a CRF (CRFsuite through ``python-crfsuite``) to label
every token ``B`` (first token of a content fragment), ``I`` (inside one) or ``O``. The
features (:func:`token_features`) are the word and its neighbours, the tagger's and the
parser's labels, and what the parse says about the token's place in reported speech: the
reporting verb it hangs under and by which relation (``ccomp`` of ``say``), whether it is
in that verb's subject, the distance to the nearest reporting verb of its sentence,
whether it is inside quotation marks, whether the sentence holds ``according to``. These
follow the feature sets of the CRF attribution extractors for PARC 3.0 (Pareti, 2015;
Scheible et al., 2016), on spaCy's parse. On a Doc without a parse (the rules-only base)
only the word, shape and quotation-mark features are there.

The component ``annotator_learned_quotes`` writes the tagged fragments to
``doc.spans["learned"]`` (label ``CONTENT``) with each fragment's confidence in
``doc.spans["learned"].attrs["confidence"]`` (a list, one float in 0..1 per span): the mean
marginal probability of its tokens' labels, calibrated by :class:`Calibration` with what
governs the fragment (a reporting verb, another verb, nothing: :func:`fragment_cues`), so
that it reads as the share of such fragments that are quotes. Fragments under the model's
``min_confidence`` (both chosen on the dev part in training) are left out: an unmatched
learned fragment costs precision in every subset of the scorer, direct quotes included.
The article's uncertainty is in
``doc._.quote_uncertainty`` (a float in 0..0.5, see :func:`article_uncertainty`).
:func:`merge_learned` merges those fragments with the rules' quotes (the overlap rule is
there).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Token

from annotator.core.model import DEFAULT_MIN_CONFIDENCE
from annotator.nlp import lexicon as lx
from annotator.nlp.direct import WEAK_RULES
from annotator.nlp.docindex import DocIndex, QuoteRecord, Span, kind_of, overlaps
from annotator.nlp.nesting import split_inner_reports
from annotator.nlp.quotemarks import find_segments
from annotator.nlp.speakers import clip_subtree, fragment_speaker, subject

LEARNED = "learned"
FACTORY = "annotator_learned_quotes"
MODEL_FILE = "model.crfsuite"
#: Bumped when :func:`token_features` changes: a model trained on other features is refused.
FEATURES_VERSION = 1
LABELS = ("B", "I", "O")

if not Doc.has_extension("quote_uncertainty"):
    Doc.set_extension("quote_uncertainty", default=None)

_CUE_LEMMAS = lx.SPEECH_VERBS | lx.CLAUSE_VERBS | lx.OBJECT_VERBS | lx.POSITION_VERBS
_QUOTE_CHARS = frozenset("\"“”«»‘’'")


def _bucket(n: int) -> str:
    """A distance in tokens as a coarse bucket (0, 1, 2, 3-4, 5-8, 9-16, far)."""
    if n <= 2:
        return str(n)
    if n <= 4:
        return "3-4"
    if n <= 8:
        return "5-8"
    if n <= 16:
        return "9-16"
    return "far"


def _word(tok: Token) -> str:
    return tok.lower_ if len(tok.lower_) <= 20 else tok.shape_


def _is_cue(idx: DocIndex, tok: Token) -> bool:
    if idx.has_lemma and idx.has_pos:
        return tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in _CUE_LEMMAS
    return idx.is_cue(tok)


def token_features(doc: Doc, use_parse: bool = True) -> list[list[str]]:
    """One list of string features per token of ``doc`` (the CRF's input).

    ``use_parse`` False leaves out the tagger's and parser's features even when the Doc
    has them (the surface-only variant measured in ``bench/bench_train.py``). Linear in
    the tokens, apart from the walk up each token's heads (at most 8 steps).
    """
    text = doc.text
    idx = DocIndex(doc, find_segments(text), use_parse, text)
    n = len(doc)
    has_dep, has_pos = idx.has_dep, idx.has_pos
    cues = [_is_cue(idx, tok) for tok in doc]
    # sentence of each token, sentence-level flags, nearest cue before / after
    sent_of = [0] * n
    sent_flags: list[list[str]] = []
    sents = list(doc.sents) if (has_dep or doc.has_annotation("SENT_START")) else [doc[:]]
    for k, sent in enumerate(sents):
        flags = []
        lowered = {t.lower_ for t in sent}
        if any(cues[t.i] for t in sent):
            flags.append("s_cue")
        if "according" in lowered:
            flags.append("s_according")
        if any(t.text in _QUOTE_CHARS or t.is_quote for t in sent):
            flags.append("s_mark")
        if any(idx.in_quote[t.i] for t in sent):
            flags.append("s_inquote")
        sent_flags.append(flags)
        for t in sent:
            sent_of[t.i] = k
    prev_cue = [-1] * n
    last = -1
    for i in range(n):
        prev_cue[i] = last
        if cues[i]:
            last = i
    next_cue = [-1] * n
    last = -1
    for i in range(n - 1, -1, -1):
        next_cue[i] = last
        if cues[i]:
            last = i
    words = [_word(t) for t in doc]
    pos = [t.pos_ if has_pos else "" for t in doc]
    out: list[list[str]] = []
    for i, tok in enumerate(doc):
        k = sent_of[i]
        f = [
            "bias",
            "w=" + words[i],
            "suf=" + words[i][-3:],
            "shape=" + tok.shape_[:4],
        ]
        if tok.is_punct:
            f.append("punct")
        if "\n" in tok.text:
            f.append("newline")
        if tok.is_quote or tok.text in _QUOTE_CHARS:
            f.append("mark")
        if idx.in_quote[i]:
            f.append("inquote")
        if tok.is_sent_start:
            f.append("sent_start")
        if i + 1 == n or doc[i + 1].is_sent_start:
            f.append("sent_end")
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < n:
                f.append(f"w{d}={words[j]}")
                if has_pos:
                    f.append(f"p{d}={pos[j]}")
            else:
                f.append(f"w{d}=<edge>")
        f.extend(sent_flags[k])
        for name, j in (("prevcue", prev_cue[i]), ("nextcue", next_cue[i])):
            if j >= 0 and sent_of[j] == k:
                f.append(f"{name}={_bucket(abs(i - j))}")
        if cues[i]:
            f.append("cue")
        if has_pos:
            f.append("pos=" + pos[i])
            f.append("tag=" + tok.tag_)
        if has_dep:
            f.extend(_dep_features(tok, cues))
        out.append(f)
    return out


def _dep_features(tok: Token, cues: Sequence[bool]) -> list[str]:
    """Where ``tok`` hangs in the parse: its relation, its head, the governing cue."""
    head = tok.head
    f = ["dep=" + tok.dep_, "hpos=" + head.pos_, "hdep=" + head.dep_]
    if head.pos_ in ("VERB", "AUX"):
        f.append("hlemma=" + head.lemma_.lower())
    child = tok
    cur = tok
    for depth in range(8):
        parent = cur.head
        if parent is cur:
            f.append("no_cue_above")
            break
        child, cur = cur, parent
        if cues[cur.i]:
            rel = child.dep_
            f.append("gov_rel=" + rel)
            f.append("gov=" + cur.lemma_.lower() + "|" + rel)
            f.append("gov_depth=" + _bucket(depth))
            if rel in ("nsubj", "nsubjpass", "agent"):
                f.append("in_cue_subject")
            break
        if cur.lower_ == "according":
            f.append("under_according")
            break
    return f


def _labels_from_spans(doc: Doc, spans: Iterable[tuple[int, int]]) -> list[str]:
    """``B``/``I``/``O`` per token of ``doc`` from content fragments (character offsets)."""
    labels = ["O"] * len(doc)
    for a, b in sorted(spans):
        span = doc.char_span(a, b, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        for j, t in enumerate(span):
            if labels[t.i] == "O":
                labels[t.i] = "B" if j == 0 else "I"
    return labels


def token_labels(doc: Doc, content: Iterable[tuple[int, int]]) -> list[str]:
    """The training labels of ``doc``: ``B``/``I`` for the tokens of the accepted quotes'
    content fragments ``content`` (character offsets), ``O`` for every other token (the
    tokens of rejected suggestions included: they are the negatives)."""
    return _labels_from_spans(doc, content)


class LearnedQuotes:
    """The ``annotator_learned_quotes`` component: CRF tags to ``doc.spans["learned"]``.

    ``model_bytes`` is a CRFsuite model file's content (empty: the component tags nothing,
    as before training). ``model_name`` and ``model_hash`` (the first 12 hex digits of the
    SHA-1 of the bytes) name the detector in the suggestions' version string.
    """

    def __init__(self, name: str = FACTORY, model_name: str = "") -> None:
        self.name = name
        self.model_name = model_name
        self.model_bytes = b""
        self.model_hash = ""
        self.info: dict[str, Any] = {}
        #: fragments below this confidence are dropped (chosen on the dev part in training)
        self.min_confidence = 0.0
        #: raw CRF confidence to probability of being a quote (fitted on the dev part)
        self.calibration = Calibration()
        self._tagger: Any = None

    # -- the model -----------------------------------------------------------------------

    def set_model(self, data: bytes, info: dict[str, Any] | None = None) -> None:
        """Use the CRFsuite model ``data`` (the bytes of a model file)."""
        import pycrfsuite

        self.model_bytes = data
        self.model_hash = hashlib.sha1(data).hexdigest()[:12] if data else ""
        if info is not None:
            self.info = dict(info)
            self.min_confidence = float(self.info.get("min_confidence", 0.0))
            self.calibration = Calibration.from_json(self.info.get("calibration"))
        self._tagger = None
        if data:
            tagger = pycrfsuite.Tagger()
            tagger.open_inmemory(data)
            self._tagger = tagger

    # -- tagging -------------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        spans, confidence, uncertainty = self.predict(doc)
        if self._tagger is None:  # untrained: no fragments at all, the rules alone
            doc._.quote_uncertainty = uncertainty
            return doc
        kept = [k for k, c in enumerate(confidence) if c >= self.min_confidence]
        spans = [spans[k] for k in kept]
        confidence = [confidence[k] for k in kept]
        group = [doc[a:b] for a, b in spans]
        for span in group:
            span.label_ = "CONTENT"
        doc.spans[LEARNED] = group
        doc.spans[LEARNED].attrs["confidence"] = confidence
        doc._.quote_uncertainty = uncertainty
        return doc

    def predict(self, doc: Doc) -> tuple[list[tuple[int, int]], list[float], float]:
        """(token ranges of the tagged fragments, their calibrated confidences (see
        :class:`Calibration`), the article's uncertainty)."""
        if self._tagger is None or len(doc) == 0:
            return [], [], 0.0
        spans, raw, uncertainty = tag_doc(self._tagger, doc, token_features(doc))
        cues = fragment_cues(doc, spans)
        return spans, self.calibration.apply_all(raw, cues), uncertainty

    # -- serialisation (spaCy calls these for nlp.to_disk / spacy.load) ------------------

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        p = Path(path)
        p.mkdir(parents=True, exist_ok=True)
        (p / MODEL_FILE).write_bytes(self.model_bytes)
        meta = {
            "model_name": self.model_name,
            "model_hash": self.model_hash,
            "features_version": FEATURES_VERSION,
            "info": self.info,
        }
        (p / "learned.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> LearnedQuotes:
        p = Path(path)
        meta = json.loads((p / "learned.json").read_text(encoding="utf-8"))
        if meta.get("features_version") != FEATURES_VERSION:
            raise ValueError(
                f"{p}: trained with features version {meta.get('features_version')}, this "
                f"program reads version {FEATURES_VERSION}: train the model again"
            )
        self.model_name = str(meta.get("model_name") or self.model_name)
        self.set_model((p / MODEL_FILE).read_bytes(), meta.get("info") or {})
        return self


def model_identity(path: Path) -> tuple[str, str] | None:
    """(model name, SHA-1 hex digest of the CRF bytes) of the trained component saved in
    ``path`` (the ``annotator_learned_quotes`` folder of a model), as :meth:`LearnedQuotes.
    from_disk` would set them; None when ``path`` holds no readable trained component or
    an empty (untrained) one."""
    try:
        meta = json.loads((path / "learned.json").read_text(encoding="utf-8"))
        data = (path / MODEL_FILE).read_bytes()
    except (OSError, ValueError):
        return None
    if not data or not isinstance(meta, dict):
        return None
    return str(meta.get("model_name") or ""), hashlib.sha1(data).hexdigest()


def tag_doc(
    tagger: Any, doc: Doc, features: list[list[str]]
) -> tuple[list[tuple[int, int]], list[float], float]:
    """Tag ``doc`` with a CRFsuite ``tagger``: fragments (token ranges, end exclusive, at
    least 2 tokens with a word character), their confidences, and the article uncertainty
    (:func:`article_uncertainty` of the per-token probability of ``O``)."""
    labels = tagger.tag(features)
    p_out = [tagger.marginal("O", i) for i in range(len(labels))]
    spans: list[tuple[int, int]] = []
    confidence: list[float] = []
    start = -1
    for i, lab in enumerate([*labels, "O"]):
        if start >= 0 and lab != "I":
            if _worth(doc, start, i):
                spans.append((start, i))
                confidence.append(sum(1.0 - p for p in p_out[start:i]) / (i - start))
            start = -1
        if lab == "B" or (lab == "I" and start < 0):
            start = i
    return spans, confidence, article_uncertainty(p_out)


#: The levels of :func:`fragment_cues`.
NO_CUE, OTHER_VERB, REPORTING_CUE = 0, 1, 2


def fragment_cues(doc: Doc, spans: Sequence[tuple[int, int]]) -> list[int]:
    """Per fragment (token range, end exclusive), what governs it, found as
    :func:`merge_learned` finds its cue (a head outside it, or a child ``according`` or
    parataxis): :data:`REPORTING_CUE` (a reporting verb of the lexicon, or ``according``),
    :data:`OTHER_VERB` (another verb) or :data:`NO_CUE`. All :data:`NO_CUE` without a
    parse."""
    if not spans:
        return []
    idx = DocIndex(doc, find_segments(doc.text), True, doc.text)
    if not idx.has_dep:
        return [NO_CUE] * len(spans)
    out = []
    for a, b in spans:
        cue = _cue_of(idx, a, b - 1)
        if cue is None:
            out.append(NO_CUE)
        elif cue.lower_ == "according" or _is_cue(idx, cue):
            out.append(REPORTING_CUE)
        else:
            out.append(OTHER_VERB)
    return out


#: Upper edges of the raw-confidence bins of :class:`Calibration` (the last bin runs to 1).
CALIBRATION_EDGES: tuple[float, ...] = (0.6, 0.75, 0.9)
#: How many fragments' worth of weight the raw confidence keeps in a bin (additive
#: smoothing toward it: a bin with few dev fragments stays near the CRF's own figure).
CALIBRATION_PRIOR = 5.0
_N_CELLS = 3 * (len(CALIBRATION_EDGES) + 1)


class Calibration:
    """The probability that a learned fragment is a quote, from its raw CRF confidence
    (mean token marginal, :func:`tag_doc`) and what governs it (:func:`fragment_cues`):
    histogram binning (Zadrozny and Elkan, 2001) over :data:`CALIBRATION_EDGES` times the
    three cue levels, fitted in training on the dev part's fragments that become quotes of
    their own (correct: they overlap an accepted quote).

    Each bin holds ``(hits + w * mean raw) / (n + w)``, ``w`` = :data:`CALIBRATION_PRIOR`;
    a bin with no fragment, or no calibration at all (a model trained before it), gives
    the raw confidence back. Values are floats in 0..1.

    Measured on the held-out part of PolNeAR train (model of the other 670 articles):
    fragments under a reporting verb of the lexicon were quotes 85% of the time, under
    another verb 74%, under nothing 63%; the raw confidence does not tell them apart.
    """

    def __init__(self, cells: Sequence[float | None] = ()) -> None:
        n = _N_CELLS
        self.cells: list[float | None] = list(cells) if len(cells) == n else [None] * n

    @staticmethod
    def cell(raw: float, cue: int) -> int:
        """The bin of a fragment (``cue``: a level of :func:`fragment_cues`)."""
        k = sum(1 for e in CALIBRATION_EDGES if raw >= e)
        level = min(max(int(cue), NO_CUE), REPORTING_CUE)
        return k + level * (len(CALIBRATION_EDGES) + 1)

    @classmethod
    def fit(cls, samples: Iterable[tuple[float, int, bool]]) -> Calibration:
        """Fit on (raw confidence, cue level, correct) triples."""
        n = _N_CELLS
        count, hits, raw_sum = [0] * n, [0] * n, [0.0] * n
        for raw, cue, correct in samples:
            k = cls.cell(raw, cue)
            count[k] += 1
            hits[k] += int(correct)
            raw_sum[k] += raw
        w = CALIBRATION_PRIOR
        cells: list[float | None] = [
            (hits[k] + w * raw_sum[k] / count[k]) / (count[k] + w) if count[k] else None
            for k in range(n)
        ]
        return cls(cells)

    def apply(self, raw: float, cue: int) -> float:
        """The calibrated confidence of one fragment."""
        value = self.cells[self.cell(raw, cue)]
        return raw if value is None else value

    def apply_all(self, raw: Sequence[float], cues: Sequence[int]) -> list[float]:
        """:meth:`apply` over parallel lists."""
        return [self.apply(r, c) for r, c in zip(raw, cues, strict=True)]

    def to_json(self) -> dict[str, Any]:
        return {"edges": list(CALIBRATION_EDGES), "cells": self.cells}

    @classmethod
    def from_json(cls, obj: Any) -> Calibration:
        """The calibration stored by :meth:`to_json`; none (raw figures) for anything
        else, or for other bin edges."""
        if not isinstance(obj, dict) or obj.get("edges") != list(CALIBRATION_EDGES):
            return cls()
        cells = obj.get("cells")
        if not isinstance(cells, list):
            return cls()
        return cls([None if c is None else float(c) for c in cells])


def _worth(doc: Doc, a: int, b: int) -> bool:
    words = [t for t in doc[a:b] if not (t.is_punct or t.is_space or t.is_quote)]
    return len(words) >= 2


def article_uncertainty(p_outside: Sequence[float]) -> float:
    """How unsure the model is about an article: the mean over its tokens of
    ``min(p, 1 - p)``, ``p`` being the probability that the token is outside every quote.

    A float in 0..0.5 (0: every token certain; 0.5: every token a coin flip); 0.0 for an
    empty article. Higher first is the "next most useful article" order (uncertainty
    sampling, Lewis and Gale, 1994).
    """
    if not p_outside:
        return 0.0
    return sum(min(p, 1.0 - p) for p in p_outside) / len(p_outside)


@Language.factory(FACTORY, default_config={"model_name": ""})
def make_learned_quotes(nlp: Language, name: str, model_name: str) -> LearnedQuotes:
    """Factory registered with spaCy (also through the ``spacy_factories`` entry point, so
    ``spacy.load(MODEL_DIR)`` finds it in a fresh process)."""
    return LearnedQuotes(name, model_name)


# -- from tagged fragments to quotes ----------------------------------------------------------


def learned_spans(doc: Doc) -> list[tuple[int, int, float]] | None:
    """The fragments the trained component wrote on ``doc``: (start char, end char,
    confidence); None when no trained component tagged it (none in the pipeline, or an
    untrained one), empty when one did and found nothing."""
    if LEARNED not in doc.spans:
        return None
    group = doc.spans[LEARNED]
    conf = list(group.attrs.get("confidence", []))
    out = []
    for k, span in enumerate(group):
        c = float(conf[k]) if k < len(conf) else 0.5
        out.append((span.start_char, span.end_char, c))
    return out


#: The rules' guesses at words in marks that are no attribution of their own (titles, scare
#: quotes, short runs standing alone: confidence 0.1 to 0.15): with a trained model they
#: are kept only where its fragments overlap them, so that the project's own annotations
#: decide whether such runs are quotes. The direct quotes the rules keep apart from reported
#: speech but show (chants, cited runs after a colon, clauses in marks opening their
#: sentence: 0.3 to 0.6) are not the model's to drop: on PolNeAR train 401-840 (model of
#: lines 1-400) dropping them lost 8 direct quotes the rules found, 1 false one.
MODEL_DECIDES = (WEAK_RULES | {"direct_standalone_short"}) - {
    "direct_chant",
    "direct_open_unframed",
    "direct_cited",
}

#: The overlap rule's variant: learned bounds replace those of the rules' reported speech.
REPLACE_INDIRECT_BOUNDS = True
#: Learned quotes are cut at the reports with a source of their own they hold.
SPLIT_INNER_REPORTS = True


def merge_learned(
    idx: DocIndex, learned: Sequence[tuple[int, int, float]], records: Sequence[QuoteRecord]
) -> list[QuoteRecord]:
    """The rules' ``records`` with the trained fragments ``learned`` merged in.

    With a trained model the rules' titles, scare quotes and other weak runs in marks
    (:data:`MODEL_DECIDES`) are kept only where a fragment of ``learned`` overlaps them
    (``learned`` empty: none is kept): on PolNeAR dev 50 of the 65 such runs the rules
    proposed were no quote, and a run the model does not tag costs precision in every
    subset, the direct one included. A fragment that holds no word outside such runs (the
    title or scare quote itself, with its marks) keeps the run as the rules found it, with
    their low confidence: 54% of such fragments were quotes on PolNeAR train 1-400 (a
    model of lines 401-840), against 79% of the other learned fragments.

    The overlap rule: a trained fragment that overlaps exactly one rule quote, an
    ``indirect`` one (reported speech, whose bounds the rules guess from the parse), and
    not that quote's speaker, gives that quote its content bounds; the rule keeps its cue,
    speaker and confidence. A fragment that overlaps any other rule quote (direct or
    mixed: the quotation marks fix their bounds) or several is dropped. Every other
    fragment becomes a quote of its own, ``indirect`` (``mixed`` when it holds quotation
    marks), rule ``learned``, with the model's confidence; its cue is the reporting verb
    it hangs under (the fragment's head's nearest head outside it, or a reporting verb or
    ``according`` attached to it), and its speaker that cue's subject as the rules find it
    (:func:`annotator.nlp.speakers.subject`), resolved to a name with the rules' quotes;
    but when the fragment hangs on a noun with a possessor (``her argument that ...``,
    ``his promise to ...``), that possessor (:func:`_owner`), a source whatever the verb:
    on PolNeAR train 1-400 (model of lines 401-840) and dev (model of train) 4 learned
    quotes got their speaker right this way, 1 lost it and 1 more came with a wrong one.
    A fragment whose speaker is none, or is not a source (:func:`_is_source`: under a verb
    that is no reporting verb, a mention naming nobody), is dropped: the rules' figures for
    speakers hold only if the learned quotes' speakers are as good. A learned quote that
    holds a second report with a source of its own (``that taxes rose, the clerk said
    families file suits``) is cut there, each report a quote of its source, by the rules'
    nesting (:func:`annotator.nlp.nesting.split_inner_reports`). A learned quote of a shape
    that is mostly no attribution (:func:`_weak_shape`: a prepositional phrase, a relative
    clause, a source ``who``...) keeps its confidence times :data:`WEAK_SHAPE_FACTOR`: a
    suggestion hidden under the default floor.
    Fragments are character offsets (start, end, confidence in 0..1).
    """
    frags = sorted((a, b) for a, b, _ in learned)
    records = [r for r in records if r.rule not in MODEL_DECIDES or overlaps(r.content, frags)]
    out = list(records)
    replaced: set[int] = set()
    absorbed: set[int] = set()
    taken = sorted(span for r in records for span in r.content)
    for a, b, conf in learned:
        first, last = idx.token_at(a), _last_token(idx, b)
        if TRIM_TO_CLAUSE and idx.has_dep:
            first, last = _trim_to_clause(idx.doc, first, last)
        got = idx.span_of(first, last)
        if got is None:
            continue
        hits = [k for k, r in enumerate(records) if overlaps([got], sorted(r.content))]
        kind = kind_of(idx.text[got[0] : got[1]])
        if hits and all(_holds_weak(got, out[k]) for k in hits):
            if not _words_outside(idx.text, got, [s for k in hits for s in out[k].content]):
                # the fragment is the title or scare quote itself: the rule's guess and
                # its low confidence stand (on PolNeAR train 54% of such fragments were
                # quotes, against 79% of the other learned fragments)
                continue
            # 'the cause of "immigration reform"': the trained fragment is the mixed
            # quote around a scare quote or title, which it replaces
            gone = absorbed | set(hits)
            held = sorted(s for j, r in enumerate(out) if j not in gone for s in r.content)
            if overlaps([got], held):
                continue
            absorbed.update(hits)
            kind = "mixed"  # words in quotation marks inside reported words
        elif hits:
            if not REPLACE_INDIRECT_BOUNDS or len(hits) > 1:
                continue
            k = hits[0]
            rec = out[k]
            if k in replaced or rec.kind != "indirect" or rec.rule == "learned":
                continue
            if rec.speaker is not None and overlaps([got], [rec.speaker]):
                continue
            others = sorted(s for j, r in enumerate(out) if j != k for s in r.content)
            if overlaps([got], others):
                continue
            out[k] = replace(rec, content=(got,))
            replaced.add(k)
            continue
        elif overlaps([got], taken) or overlaps(
            [got], sorted(s for j, r in enumerate(out) if j not in absorbed for s in r.content)
        ):
            continue
        first, last = idx.token_at(got[0]), _last_token(idx, got[1])
        cue = _cue_of(idx, first, last) if idx.has_dep else None
        speaker = None
        cue_span = None
        owner = _owner(idx, first, last) if idx.has_dep else None
        if owner is not None:  # "her argument that ...": the noun is the cue
            speaker, noun = owner
            cue_span = (noun.idx, noun.idx + len(noun.text))
        elif cue is not None:
            lo, hi = idx.line_lo[cue.i], idx.line_hi[cue.i]
            speaker = subject(idx, cue, lo, hi)
            if speaker is not None and overlaps([speaker], [got]):
                speaker = None
            cue_span = (cue.idx, cue.idx + len(cue.text))
        if speaker is None:  # the subject further up, or of the clause it hangs on
            speaker = fragment_speaker(idx, first, last, cue)
        if owner is None and not _is_source(idx, speaker, cue):
            continue
        rec = QuoteRecord((got,), speaker, cue_span, kind, round(float(conf), 3), rule="learned")
        if not (SPLIT_INNER_REPORTS and idx.has_dep):
            out.append(rec)
            continue
        for part in split_inner_reports(idx, rec, lambda tok: _is_cue(idx, tok)):
            if _weak_shape(idx, part):
                part = replace(part, confidence=round(part.confidence * WEAK_SHAPE_FACTOR, 3))
            out.append(part)
    return [r for k, r in enumerate(out) if k not in absorbed]


#: Learned fragments that hold a reported clause and, before it, the person it was told
#: to (``told reporters he ...``, ``asked Sanders how ...``) keep the clause only
#: (:func:`_trim_to_clause`).
TRIM_TO_CLAUSE = True
#: Verbs whose object is the person spoken to, outside the reported words (the gold
#: convention: ``told [reporters] that ...``), not the reported thing (``describe``,
#: ``call``, ``show``: there the object is the content).
_RECIPIENT_VERBS = frozenset(
    {"tell", "ask", "assure", "reassure", "inform", "warn", "remind", "advise", "notify"}
)
#: Relations of the words beside the clause that are the verb's, not the reported words'.
_BESIDE_CLAUSE = frozenset({"dobj", "dative", "iobj", "npadvmod"})


def _trim_to_clause(doc: Doc, first: int, last: int) -> tuple[int, int]:
    """Tokens ``first..last`` (inclusive) of a learned fragment, cut to its reported
    clause when it holds one (a word of relation ``ccomp`` whose head is outside the
    fragment, a verb of :data:`_RECIPIENT_VERBS`) and every other word hanging outside it
    is that verb's object or recipient, with a time or not (``told reporters Tuesday he
    ...``, ``asked Sanders how he is feeling``); otherwise unchanged. On PolNeAR train 1-400
    (a model of lines 401-840) such cuts made 26 learned bounds exact and 2 inexact
    (strict F1 52.1 -> 52.3, lenient unchanged), where cutting under any verb made 36
    exact and 13 inexact (``describe her experience``, ``call the situation ...``: there
    the object is reported) and cutting to an ``xcomp`` too (``urged voters to ...``) 11
    exact and 23 inexact (``asked him to resign``: gold holds ``him``). Needs a parse."""
    tops = [
        doc[i]
        for i in range(first, last + 1)
        if not doc[i].is_punct and (not first <= doc[i].head.i <= last or doc[i].head.i == i)
    ]
    clauses = [t for t in tops if t.dep_ == "ccomp"]
    if len(clauses) != 1 or len(tops) < 2:
        return first, last
    clause = clauses[0]
    verb = clause.head
    if verb.i == clause.i or verb.lemma_.lower() not in _RECIPIENT_VERBS:
        return first, last
    others = [t for t in tops if t is not clause]
    if any(t.dep_ not in _BESIDE_CLAUSE or t.head.i != verb.i for t in others):
        return first, last
    if all(t.dep_ == "npadvmod" for t in others):
        return first, last  # a time alone ('told Tuesday he ...'): no person told
    lo, hi = max(first, clause.left_edge.i), min(last, clause.right_edge.i)
    if hi - lo < 1:
        return first, last
    return lo, hi


#: A learned quote of a shape that is mostly no attribution (:func:`_weak_shape`) keeps its
#: confidence times this: under the default floor of the list and of ``evaluate``
#: (:data:`annotator.core.model.DEFAULT_MIN_CONFIDENCE`), a hidden suggestion.
WEAK_SHAPE_FACTOR = DEFAULT_MIN_CONFIDENCE
#: Relations of a fragment's top word that make a phrase, not reported words (``on ABC's
#: "This Week"``, ``that vote on March 1``, ``... and signed it``, ``up``, ``as she
#: accepted her award``).
_WEAK_RELATIONS = frozenset({"prep", "relcl", "conj", "prt", "advcl"})
#: First words of a fragment that open no report: a preposition, a number, a conjunction.
_WEAK_STARTS = frozenset({"ADP", "NUM", "CCONJ"})
#: Speakers that name nobody by themselves (the relative pronoun's noun is often wrong;
#: ``it`` mostly a thing or no one: ``It seems that ...``, ``it shows ...``).
_WEAK_SOURCES = frozenset({"who", "that", "what", "it"})


def _weak_shape(idx: DocIndex, rec: QuoteRecord) -> bool:
    """Is the learned quote ``rec`` of a shape that was mostly no attribution on PolNeAR
    train (each half scored with a model of the other, floor 0.75: 47-58% of such
    learned quotes overlapped no gold attribution, against 23% of all): its first word a
    preposition, number or conjunction (``on ABC's "This Week"``); its top word (the one
    hanging outside it) a preposition, relative clause, conjunct or particle, or an
    object predicate or adverb with no verb in the fragment; or its speaker ``who``,
    ``that`` or ``what``. Also a speaker found after the fragment's start (``..., he
    said``, or a subject further on): on the same halves 54% of those learned quotes that
    matched a gold attribution had its source (84% of the others), and 31% matched none
    (18% of the others). Also, measured on PolNeAR train 1-400 with a model of lines
    401-840 (floor 0.8): a noun phrase with no verb opening on a determiner (``the
    Trump-Cruz matchup``, ``an overwhelming victory in ...``: 52 such quotes, 20
    overlapping no attribution), a clause of time or manner (top word ``advcl``: ``as she
    accepted her award``, 3 of 7) and the source ``it`` (``It shows ...``: 10 of 34).
    Every learned quote that overlaps no attribution is a false positive of the direct
    subset too (the reference scorer counts any such prediction there). Needs a parse."""
    doc = idx.doc
    first, last = idx.token_at(rec.start), idx.token_at(rec.end) - 1
    if first > last:
        return False
    if doc[first].pos_ in _WEAK_STARTS:
        return True
    if rec.speaker is not None:
        if rec.speaker[0] > rec.start:
            return True  # a source found after the reported words
        words = idx.text[rec.speaker[0] : rec.speaker[1]].lower().split()
        if words and words[0] in _WEAK_SOURCES:
            return True
    top = next(
        (
            doc[i]
            for i in range(first, last + 1)
            if not doc[i].is_punct and (not first <= doc[i].head.i <= last or doc[i].head.i == i)
        ),
        None,
    )
    if top is None:
        return False
    if top.dep_ in _WEAK_RELATIONS:
        return True
    verbless = not any(doc[i].pos_ in ("VERB", "AUX") for i in range(first, last + 1))
    if verbless and doc[first].pos_ == "DET":
        return True  # "the Trump-Cruz matchup": a thing, not reported words
    return top.dep_ in ("oprd", "advmod") and verbless


def _owner(idx: DocIndex, first: int, last: int) -> tuple[Span, Token] | None:
    """The possessor (a pronoun or a name, with its own words: ``Senator Lee's``) of the
    noun the fragment of tokens ``first..last`` hangs on (``her argument that she is
    popular``, ``his promise to build a wall``, ``Trump's claim that ...``), as character
    offsets within the noun's line, and the noun; None when the fragment's top token hangs
    on no noun, the noun has no such possessor, or the possessor is in quotation marks or
    inside the fragment. Needs a parse.

    The words are the possessor's, whatever verb the noun phrase hangs on (``Politifact did
    a fact-check on Trump's claim that ...``): :func:`annotator.nlp.speakers.governing_subject`
    gives the rules' scare quotes the same source."""
    doc = idx.doc
    top = next((doc[i] for i in range(first, last + 1) if not first <= doc[i].head.i <= last), None)
    if top is None or top.head is top:
        return None
    noun = top.head
    if noun.pos_ != "NOUN" or idx.in_quote[noun.i]:
        return None
    for child in noun.children:
        if child.dep_ != "poss" or child.pos_ not in ("PRON", "PROPN"):
            continue
        if not first <= child.i <= last:
            span = clip_subtree(idx, child, idx.line_lo[noun.i], idx.line_hi[noun.i])
            return None if span is None else (span, noun)
    return None


#: Personal pronouns a source of a learned quote may be (``they`` included; ``it`` not).
_PERSONAL = lx.PERSON_PRONOUNS | {"they"}
#: Subjects that name nobody (``It means that ...``, ``This shows ...``).
_EMPTY = frozenset({"it", "there", "this", "that", "what", "which"})


def _is_source(idx: DocIndex, speaker: Span | None, cue: Token | None) -> bool:
    """Can ``speaker`` (a mention, character offsets) be the source of a learned quote
    whose cue is ``cue``? Never None: an attribution has a source; on PolNeAR dev 13 of
    the 40 learned quotes without one overlapped no attribution, and none of the 18
    attributions they found got its speaker right (``bench/learned_costs.py``). Under a
    reporting verb or ``according``, any mention; under another verb or none (``The
    losses mean Trump may not have paid ...``), one that names someone (a capitalised
    word among its first four after an article, not an empty ``It``/``This``) or a
    personal pronoun. Any fragment without a parse (no speakers are found then)."""
    if not idx.has_dep:
        return True  # no parse, no speakers: the fragment is all there is
    if speaker is None:
        return False
    if cue is not None and (cue.lower_ == "according" or _is_cue(idx, cue)):
        return True
    words = idx.text[speaker[0] : speaker[1]].split()
    if not words or words[0].lower() in _EMPTY:
        return False
    if words[0].lower() in _PERSONAL:
        return True
    if words[0].lower() in ("the", "a", "an"):
        words = words[1:]  # "The losses": capitalised as the sentence starts
    return any(w[:1].isupper() for w in words[:4])


def _words_outside(text: str, got: Span, spans: Sequence[Span]) -> bool:
    """Does ``text[got[0]:got[1]]`` hold a word character outside every span of ``spans``
    (character offsets)?"""
    inside = sorted(spans)
    for i in range(got[0], got[1]):
        if (text[i].isalnum() or text[i] == "_") and not any(a <= i < b for a, b in inside):
            return True
    return False


def _holds_weak(got: tuple[int, int], rec: QuoteRecord) -> bool:
    """Is ``rec`` a title, scare quote or cited run (low confidence, no frame) lying wholly
    inside the trained fragment ``got``?"""
    return rec.rule in WEAK_RULES and got[0] <= rec.start and rec.end <= got[1]


def _last_token(idx: DocIndex, end: int) -> int:
    """Index of the last token starting before character ``end``."""
    return max(0, idx.token_at(end) - 1)


def _cue_of(idx: DocIndex, first: int, last: int) -> Token | None:
    doc = idx.doc
    inside = range(first, last + 1)
    roots = [doc[i] for i in inside if not first <= doc[i].head.i <= last or doc[i].head.i == i]
    fallback: Token | None = None
    for root in roots:
        cur = root
        for _ in range(4):
            if cur.head is cur:
                break
            cur = cur.head
            if first <= cur.i <= last:
                continue
            if cur.lower_ == "according" or _is_cue(idx, cur):
                return cur
            if fallback is None and cur.pos_ == "VERB":
                fallback = cur
        for child in root.children:
            if first <= child.i <= last:
                continue
            if child.lower_ == "according" or (_is_cue(idx, child) and child.dep_ == "parataxis"):
                return child
    return fallback
