"""Quote-detection metrics, the same figures as the reference scorer ``score_quotes.py``.

Definitions (PRODUCT.md, "Detector quality"): a quote is the *set* of character positions
of its content fragments. For each gold article the predictions of the same id are compared
with the gold quotes:

- lenient: a prediction is right if it overlaps any gold quote, a gold quote is found if any
  prediction overlaps it (not one-to-one);
- Jaccard >= 0.5, strict (equal sets of ``\\w`` characters) and GGT-0.3/0.8 (share of the
  gold quote covered > threshold): one-to-one, greedy, best score first, ties by gold then
  prediction order;
- speaker accuracy over gold quotes found by some prediction (the prediction overlapping it
  most, ties to the later prediction): ``span`` = speaker mentions overlap; ``name`` = span,
  or the mention strings are equal ignoring case, or they share a proper-noun word of the
  gold mention (``propn_words``); gold quotes without a speaker are only counted;
- end-to-end: one-to-one by overlap size, right when the speakers overlap or both are absent.

The ``direct`` subset keeps gold quotes of kind ``direct`` and ignores predictions that
overlap no direct gold quote but do overlap another gold quote. Pure Python: the proper-noun
tagger is injected, so this module needs no spaCy.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import Any, Literal, TypeAlias

from annotator.core.model import DEFAULT_MIN_CONFIDENCE, Article, Quote, Span

Subset = Literal["all", "direct"]
SUBSETS: tuple[Subset, ...] = ("all", "direct")

PropnWords = Callable[[str, str, Sequence[Span]], set[str]]
"""``propn_words(article_id, text, spans)``: proper-noun words whose first character lies in
``spans`` of the gold article (surface forms; the scorer lower-cases them)."""

_WORD_CHAR = re.compile(r"\w")
_WORD_RUN = re.compile(r"\w+")
_PRED_TOKEN = re.compile(r"[\w.\-’']+")
_POSSESSIVE = re.compile(r"['’]s?$")
_CAPITALISED = re.compile(r"[A-Z][\w.\-]+")
# Capitalised words that are not names (sentence-initial pronouns and articles).
_NOT_NAMES = frozenset(
    {"he", "she", "they", "we", "i", "it", "the", "his", "her", "their", "a", "an"}
)


@dataclass(frozen=True)
class ScoredQuote:
    """The scorer's view of a quote: content and speaker spans, speaker string, directness."""

    content: tuple[Span, ...]
    speaker: tuple[Span, ...] = ()
    speaker_text: str | None = None
    direct: bool = False
    confidence: float | None = None  # a prediction's confidence, 0..1, when it has one
    speaker_name: str | None = None  # the canonical speaker (registry name), when known

    def with_canonical_name(self) -> ScoredQuote:
        """This quote with its canonical speaker name as the speaker string, for the
        canonical-name figure (``spk_name`` of the canonical speaker, not of the mention)."""
        return replace(self, speaker_text=self.speaker_name or self.speaker_text)


@dataclass(frozen=True)
class ScoredArticle:
    """The scorer's view of a gold article: id, text and gold quotes."""

    id: str
    text: str
    quotes: tuple[ScoredQuote, ...]


QuoteLike: TypeAlias = Quote | ScoredQuote | Mapping[str, Any]
ArticleLike: TypeAlias = Article | ScoredArticle | Mapping[str, Any]


def _spans(value: Any, what: str) -> tuple[Span, ...]:
    """Spans given as ``[[s, e], ...]``, kept as written (empty or reversed spans cover nothing)."""
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"{what} must be a list of [start, end] pairs")
    out = []
    for item in value:
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise ValueError(f"{what} must be a list of [start, end] pairs")
        start, end = item
        if isinstance(start, bool) or isinstance(end, bool):
            raise ValueError(f"{what} holds a non-integer offset")
        if not isinstance(start, int) or not isinstance(end, int):
            raise ValueError(f"{what} holds a non-integer offset")
        if start < 0 or end < 0:
            raise ValueError(f"{what} holds a negative offset")
        out.append((start, end))
    return tuple(out)


def _json_spans(obj: Mapping[str, Any], keys: Sequence[str]) -> tuple[Span, ...]:
    """First non-empty ``KEY_spans`` list, else a single ``[s, e]`` under ``KEY`` itself."""
    for key in keys:
        value = obj.get(key + "_spans")
        if value:
            return _spans(value, key + "_spans")
    for key in keys:
        single = obj.get(key)
        if isinstance(single, str):
            continue  # a speaker's name, not a span
        if single is not None:
            return _spans([single], key) if single else ()
    return ()


def scored_quote(quote: QuoteLike, *, gold: bool) -> ScoredQuote:
    """Convert a Quote or quote-JSONL object; raise ValueError when its spans are malformed.

    Gold quotes may name the speaker ``source`` (PolNeAR's word) as well as ``speaker``;
    a ``direct`` key, when present, overrides ``kind`` as in the reference scorer.
    """
    if isinstance(quote, ScoredQuote):
        return quote
    if isinstance(quote, Quote):
        direct = quote.extra.get("direct", quote.kind == "direct")
        speaker = quote.speaker_spans
        if not speaker and gold and quote.extra.get("source_spans"):
            speaker = _spans(quote.extra["source_spans"], "source_spans")
        return ScoredQuote(
            quote.content_spans,
            speaker,
            quote.speaker_text,
            bool(direct),
            quote.confidence,
            quote.speaker_name,
        )
    if not isinstance(quote, Mapping):
        raise ValueError("a quote must be a JSON object")
    speaker_keys = ("speaker", "source") if gold else ("speaker",)
    text = quote.get("speaker_text")
    name = quote.get("speaker_name")
    direct = quote["direct"] if "direct" in quote else quote.get("kind") == "direct"
    conf = quote.get("confidence")
    if conf is not None and (isinstance(conf, bool) or not isinstance(conf, (int, float))):
        raise ValueError('"confidence" must be a number')
    return ScoredQuote(
        content=_json_spans(quote, ("content",)),
        speaker=_json_spans(quote, speaker_keys),
        speaker_text=text if isinstance(text, str) else None,
        direct=bool(direct),
        confidence=None if conf is None else float(conf),
        speaker_name=name if isinstance(name, str) and name.strip() else None,
    )


def scored_article(article: ArticleLike) -> ScoredArticle:
    """Convert an Article or quote-JSONL object to the scorer's view of a gold article."""
    if isinstance(article, ScoredArticle):
        return article
    if isinstance(article, Article):
        converted = tuple(scored_quote(q, gold=True) for q in article.quotes)
        return ScoredArticle(article.ext_id or "", article.text, converted)
    if not isinstance(article, Mapping):
        raise ValueError("an article must be a JSON object")
    text = article.get("text")
    if not isinstance(text, str):
        raise ValueError('no "text" string')
    raw = article.get("quotes") or []
    if not isinstance(raw, list):
        raise ValueError('"quotes" is not a list')
    quotes = []
    for n, q in enumerate(raw, 1):
        try:
            quotes.append(scored_quote(q, gold=True))
        except ValueError as exc:
            raise ValueError(f"quote {n}: {exc}") from None
    ident = article.get("id")
    return ScoredArticle("" if ident is None else str(ident), text, tuple(quotes))


def char_set(spans: Iterable[Span]) -> frozenset[int]:
    """Spans as a set of character positions (union of fragments)."""
    if isinstance(spans, tuple):
        return _tuple_char_set(spans)
    # the ranges are unioned in C: agreement calls this for every quote pair (issue 16)
    return frozenset().union(*[range(a, b) for a, b in spans])


@lru_cache(maxsize=1024)
def _tuple_char_set(spans: tuple[Span, ...]) -> frozenset[int]:
    # a quote's spans are a tuple (Quote, ScoredQuote): the scorer, the one-to-one matching
    # and the clustering each ask for the same quote's set, so it is made once (issue 16)
    return frozenset().union(*[range(a, b) for a, b in spans])


def span_bounds(spans: Iterable[Span]) -> tuple[int, int]:
    """(first position, end) of ``spans``: sets of spans whose bounds do not overlap share
    no position, so pairs can be skipped before their sets are intersected. (0, 0) when
    there are no spans."""
    starts, ends = [a for a, _ in spans], [b for _, b in spans]
    return (min(starts), max(ends)) if starts else (0, 0)


def word_char_set(text: str, spans: Iterable[Span]) -> frozenset[int]:
    """Positions in ``spans`` holding a word character (``\\w``): the strict criterion's view."""
    n = len(text)
    # one regex scan per span and a range per run of word characters, unioned in C (the
    # same positions as a match per \w character, a fifth of the Python steps; issue 16)
    runs = [m.span() for a, b in spans for m in _WORD_RUN.finditer(text, a, min(b, n))]
    return frozenset().union(*[range(a, b) for a, b in runs])


def normalise_word(word: str) -> str:
    """Lower-case and drop a final possessive (``Trump's`` -> ``trump``) for name matching."""
    return _POSSESSIVE.sub("", word.lower())


def capitalised_words(article_id: str, text: str, spans: Sequence[Span]) -> set[str]:
    """Proper nouns guessed by capitalisation, the scorer's ``--no-spacy`` fallback."""
    del article_id  # the guess needs no per-article cache
    return {
        w.lower()
        for a, b in spans
        for w in _CAPITALISED.findall(text[a:b])
        if w.lower() not in _NOT_NAMES
    }


def greedy_one_to_one(pairs: Sequence[tuple[float, int, int]]) -> dict[int, int]:
    """Match ``(score, gold, pred)`` pairs one-to-one, best score first; ties keep list order."""
    order = sorted(range(len(pairs)), key=lambda k: -pairs[k][0])
    used_pred: set[int] = set()
    out: dict[int, int] = {}
    for k in order:
        _, gi, pi = pairs[k]
        if gi in out or pi in used_pred:
            continue
        out[gi] = pi
        used_pred.add(pi)
    return out


def overlap_matching(a: Sequence[Sequence[Span]], b: Sequence[Sequence[Span]]) -> dict[int, int]:
    """One-to-one matching of two lists of span lists by character overlap, largest first.

    Returns {index in ``a``: index in ``b``}. Ties are broken as if every pair were compared
    in list order (``a`` first, then ``b``). Only pairs whose bounds overlap are compared:
    ``b`` sorted by start and swept along ``a`` sorted by start, with the ``b`` sets that
    cover the current start kept in a heap by end, so the cost is n log n plus the pairs
    that do overlap (every pair was compared before: 25 million for 5,000 quotes each,
    3 s; issue 16).
    """
    a_bounds = [span_bounds(s) for s in a]
    b_bounds = [span_bounds(s) for s in b]
    b_order = sorted(range(len(b)), key=lambda j: b_bounds[j][0])
    b_starts = [b_bounds[j][0] for j in b_order]
    b_sets: dict[int, frozenset[int]] = {}
    covering: list[tuple[int, int]] = []  # (end, j) of the b that start at or before here
    added = 0
    found: dict[int, list[tuple[int, int]]] = {}
    for i in sorted(range(len(a)), key=lambda k: a_bounds[k][0]):
        lo, hi = a_bounds[i]
        while added < len(b_order) and b_starts[added] <= lo:
            j = b_order[added]
            heapq.heappush(covering, (b_bounds[j][1], j))
            added += 1
        while covering and covering[0][0] <= lo:
            heapq.heappop(covering)
        if lo >= hi:
            continue  # no position: overlaps nothing
        # the b covering ``lo``, and those starting inside (lo, hi)
        near = [j for _end, j in covering]
        near += b_order[bisect.bisect_right(b_starts, lo) : bisect.bisect_left(b_starts, hi)]
        if not near:
            continue
        sa = char_set(a[i])
        hits = []
        for j in near:
            sb = b_sets.get(j)
            if sb is None:
                sb = b_sets[j] = char_set(b[j])
            n = len(sa & sb)
            if n:
                hits.append((j, n))
        if hits:
            found[i] = sorted(hits)
    pairs = [(float(n), i, j) for i in sorted(found) for j, n in found[i]]
    return greedy_one_to_one(pairs)


def prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 (0.0 where a denominator is zero)."""
    p = tp_pred / n_pred if n_pred else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


@dataclass
class Scores:
    """Counts of one scoring run; figures are properties so runs can be summed with ``+``."""

    n_gold: int = 0
    n_pred: int = 0
    n_pred_ignored: int = 0
    docs_with_error: int = 0
    lenient_tp_pred: int = 0
    lenient_tp_gold: int = 0
    jaccard_tp: int = 0
    strict_tp: int = 0
    ggt30_tp: int = 0
    ggt80_tp: int = 0
    speaker_n: int = 0
    speaker_span_ok: int = 0
    speaker_name_ok: int = 0
    gold_without_source: int = 0
    e2e_tp: int = 0

    def __add__(self, other: Scores) -> Scores:
        return Scores(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    def _prf(self, tp: int) -> tuple[float, float, float]:
        return prf(tp, self.n_pred, tp, self.n_gold)

    @property
    def lenient(self) -> tuple[float, float, float]:
        return prf(self.lenient_tp_pred, self.n_pred, self.lenient_tp_gold, self.n_gold)

    @property
    def jaccard(self) -> tuple[float, float, float]:
        return self._prf(self.jaccard_tp)

    @property
    def strict(self) -> tuple[float, float, float]:
        return self._prf(self.strict_tp)

    @property
    def ggt30(self) -> tuple[float, float, float]:
        return self._prf(self.ggt30_tp)

    @property
    def ggt80(self) -> tuple[float, float, float]:
        return self._prf(self.ggt80_tp)

    @property
    def e2e(self) -> tuple[float, float, float]:
        return self._prf(self.e2e_tp)

    @property
    def speaker_span_acc(self) -> float:
        return self.speaker_span_ok / self.speaker_n if self.speaker_n else 0.0

    @property
    def speaker_name_acc(self) -> float:
        return self.speaker_name_ok / self.speaker_n if self.speaker_n else 0.0

    def as_dict(self) -> dict[str, float | int | None]:
        """Every figure and count under a stable name (the ``--json`` output).

        The figures (fractions 0..1) are None when the gold holds no quote of the subset
        (``n_gold`` 0): there is nothing to score against, so 0.0 would be a false reading.
        The counts are always given.
        """
        out: dict[str, float | int | None] = {}
        scored = self.n_gold > 0
        for name in ("lenient", "jaccard", "strict", "ggt30", "ggt80", "e2e"):
            p, r, f = getattr(self, name) if scored else (None, None, None)
            out.update({f"{name}_p": p, f"{name}_r": r, f"{name}_f1": f})
        out["speaker_span_acc"] = self.speaker_span_acc if scored else None
        out["speaker_name_acc"] = self.speaker_name_acc if scored else None
        out.update({f.name: getattr(self, f.name) for f in fields(self)})
        return out

    def line(self, subset: Subset = "all") -> str:
        """One line in the reference scorer's format (percentages with one decimal).

        With no gold quote of ``subset`` the figures read "n/a (no direct quote in the
        gold)" (or "no quote" for ``all``) after the counts, instead of 0.0 everywhere.
        """

        def t(x: tuple[float, float, float]) -> str:
            return "/".join(f"{100 * v:.1f}" for v in x)

        if not self.n_gold:
            kind = "quote" if subset == "all" else f"{subset} quote"
            return (
                f"gold=0 pred={self.n_pred} | n/a (no {kind} in the gold) | "
                f"ignored_pred={self.n_pred_ignored} docs_err={self.docs_with_error}"
            )
        return (
            f"gold={self.n_gold} pred={self.n_pred} | lenient P/R/F {t(self.lenient)} | "
            f"jacc50 {t(self.jaccard)} | strict {t(self.strict)} | ggt30 {t(self.ggt30)} | "
            f"ggt80 {t(self.ggt80)} | spk_span {100 * self.speaker_span_acc:.1f}% "
            f"spk_name {100 * self.speaker_name_acc:.1f}% (n={self.speaker_n}, "
            f"+{self.gold_without_source} matched gold w/o source) | e2e {t(self.e2e)} | "
            f"ignored_pred={self.n_pred_ignored} docs_err={self.docs_with_error}"
        )


def _name_match(
    article: ScoredArticle,
    gold_speaker: Sequence[Span],
    pred_text: str | None,
    propn_words: PropnWords,
) -> bool:
    """Speaker strings equal ignoring case, or sharing a proper noun of the gold mention."""
    if not pred_text:
        return False
    gold_text = " ".join(article.text[a:b] for a, b in gold_speaker)
    if gold_text.strip().lower() == pred_text.strip().lower():
        return True
    gold_names = {normalise_word(w) for w in propn_words(article.id, article.text, gold_speaker)}
    return bool(gold_names & {normalise_word(w) for w in _PRED_TOKEN.findall(pred_text)})


def score_article(
    article: ArticleLike,
    predicted: Sequence[QuoteLike],
    subset: Subset = "all",
    propn_words: PropnWords = capitalised_words,
    error: bool = False,
) -> Scores:
    """Counts for one gold article and the quotes predicted for it (``error``: the
    prediction line reported an error)."""
    art = scored_article(article)
    text = art.text
    preds = [scored_quote(q, gold=False) for q in predicted]
    s = Scores(docs_with_error=int(error))
    gold = [q for q in art.quotes if q.direct] if subset == "direct" else list(art.quotes)
    others = [char_set(q.content) for q in art.quotes if not q.direct] if subset == "direct" else []
    g_sets = [char_set(q.content) for q in gold]
    p_sets = [char_set(q.content) for q in preds]
    kept = []
    for pi, ps in enumerate(p_sets):
        ignored = (
            subset == "direct" and not any(ps & gs for gs in g_sets) and any(ps & o for o in others)
        )
        if ignored:
            s.n_pred_ignored += 1
        else:
            kept.append(pi)
    s.n_gold = len(gold)
    s.n_pred = len(kept)
    # overlaps in gold-major, prediction-minor order: the tie order of every greedy matching;
    # only pairs whose bounds overlap are intersected (issue 16: most pairs are far apart)
    g_bounds = [span_bounds(q.content) for q in gold]
    p_bounds = [span_bounds(q.content) for q in preds]
    overlap: dict[tuple[int, int], int] = {}
    for gi, gs in enumerate(g_sets):
        g_lo, g_hi = g_bounds[gi]
        for pi in kept:
            p_lo, p_hi = p_bounds[pi]
            if p_lo >= g_hi or g_lo >= p_hi:
                continue
            n = len(gs & p_sets[pi])
            if n:
                overlap[(gi, pi)] = n
    s.lenient_tp_pred = len({pi for _, pi in overlap})
    s.lenient_tp_gold = len({gi for gi, _ in overlap})
    jaccard = [(n / len(g_sets[gi] | p_sets[pi]), gi, pi) for (gi, pi), n in overlap.items()]
    s.jaccard_tp = len(greedy_one_to_one([x for x in jaccard if x[0] >= 0.5]))
    # the word characters of the quotes that overlap something (the others are never compared)
    g_words = {gi: word_char_set(text, gold[gi].content) for gi in sorted({g for g, _ in overlap})}
    p_words = {pi: word_char_set(text, preds[pi].content) for pi in sorted({p for _, p in overlap})}
    strict = [(1.0, gi, pi) for gi, pi in overlap if g_words[gi] and g_words[gi] == p_words[pi]]
    s.strict_tp = len(greedy_one_to_one(strict))
    coverage = [(n / len(g_sets[gi]), gi, pi) for (gi, pi), n in overlap.items()]
    s.ggt30_tp = len(greedy_one_to_one([x for x in coverage if x[0] > 0.3]))
    s.ggt80_tp = len(greedy_one_to_one([x for x in coverage if x[0] > 0.8]))
    found_by_gold: dict[int, list[tuple[int, int]]] = {}
    for (g, pi), n in overlap.items():
        found_by_gold.setdefault(g, []).append((n, pi))
    for gi, gq in enumerate(gold):
        found = found_by_gold.get(gi)
        if not found:
            continue
        best = max(found)[1]
        if not gq.speaker:
            s.gold_without_source += 1
            continue
        s.speaker_n += 1
        pq = preds[best]
        span_ok = bool(pq.speaker) and bool(char_set(pq.speaker) & char_set(gq.speaker))
        pred_text = pq.speaker_text or (
            " ".join(text[a:b] for a, b in pq.speaker) if pq.speaker else None
        )
        s.speaker_span_ok += span_ok
        s.speaker_name_ok += span_ok or _name_match(art, gq.speaker, pred_text, propn_words)
    by_size = [(float(n), gi, pi) for (gi, pi), n in overlap.items()]
    for gi, pi in greedy_one_to_one(by_size).items():
        g_spk, p_spk = gold[gi].speaker, preds[pi].speaker
        if (g_spk and p_spk and char_set(g_spk) & char_set(p_spk)) or (not g_spk and not p_spk):
            s.e2e_tp += 1
    return s


def score(
    gold: Iterable[ArticleLike],
    pred: Mapping[str, Sequence[QuoteLike]],
    subset: Subset = "all",
    propn_words: PropnWords = capitalised_words,
    errors: Collection[str] = (),
) -> Scores:
    """Micro-averaged scores of ``pred`` (quotes by article id) against ``gold`` articles.

    Gold articles without a prediction count as predicted empty; ``errors`` holds the ids
    whose prediction line reported an error (counted, as the reference scorer does).
    """
    total = Scores()
    for article in gold:
        art = scored_article(article)
        total += score_article(art, pred.get(art.id, ()), subset, propn_words, art.id in errors)
    return total


def predictions_from_json(
    objects: Iterable[Mapping[str, Any]],
) -> tuple[dict[str, list[ScoredQuote]], set[str]]:
    """Quote-JSONL prediction objects -> (quotes by id, ids with an ``error``); last line wins.

    Raises ValueError naming the quote when a line is malformed.
    """
    quotes: dict[str, list[ScoredQuote]] = {}
    errors: set[str] = set()
    for obj in objects:
        ident = str(obj.get("id"))
        raw = obj.get("quotes") or []
        if not isinstance(raw, list):
            raise ValueError('"quotes" is not a list')
        parsed = []
        for n, q in enumerate(raw, 1):
            try:
                parsed.append(scored_quote(q, gold=False))
            except ValueError as exc:
                raise ValueError(f"quote {n}: {exc}") from None
        quotes[ident] = parsed
        if obj.get("error"):
            errors.add(ident)
        else:
            errors.discard(ident)
    return quotes, errors


#: Confidence bands of :func:`precision_by_band`: ``[low, high)``, the last one closed.
#: The first ends at the default display threshold: the suggestions the window hides.
CONFIDENCE_BANDS: tuple[tuple[float, float], ...] = (
    (0.0, DEFAULT_MIN_CONFIDENCE),
    (DEFAULT_MIN_CONFIDENCE, 0.3),
    (0.3, 0.5),
    (0.5, 0.7),
    (0.7, 0.9),
    (0.9, 1.0),
)


@dataclass(frozen=True)
class BandPrecision:
    """Predictions whose confidence lies in ``[low, high)`` and how many overlap gold."""

    low: float
    high: float
    n_pred: int
    n_correct: int

    @property
    def precision(self) -> float:
        return self.n_correct / self.n_pred if self.n_pred else 0.0

    def line(self) -> str:
        """``confidence 0.50-0.70: 123 predicted, lenient precision 91.1%``."""
        if not self.n_pred:
            return f"confidence {self.low:.2f}-{self.high:.2f}: none predicted"
        return (
            f"confidence {self.low:.2f}-{self.high:.2f}: {self.n_pred} predicted, "
            f"lenient precision {100 * self.precision:.1f}%"
        )


def precision_by_band(
    gold: Iterable[ArticleLike],
    pred: Mapping[str, Sequence[QuoteLike]],
    bands: Sequence[tuple[float, float]] = CONFIDENCE_BANDS,
) -> tuple[list[BandPrecision], int]:
    """Lenient precision (any character overlap with a gold quote) per confidence band.

    Returns the bands and the number of predictions without a confidence (not in any
    band). Only articles of ``gold`` count. A confidence equal to the last band's ``high``
    falls in the last band.
    """
    n = [0] * len(bands)
    ok = [0] * len(bands)
    without = 0
    for article in gold:
        art = scored_article(article)
        gold_chars = [char_set(q.content) for q in art.quotes]
        for raw in pred.get(art.id, ()):
            q = scored_quote(raw, gold=False)
            if q.confidence is None:
                without += 1
                continue
            k = next(
                (
                    j
                    for j, (lo, hi) in enumerate(bands)
                    if lo <= q.confidence < hi or (j == len(bands) - 1 and q.confidence == hi)
                ),
                None,
            )
            if k is None:
                continue
            chars = char_set(q.content)
            n[k] += 1
            ok[k] += any(chars & g for g in gold_chars)
    out = [BandPrecision(lo, hi, n[j], ok[j]) for j, (lo, hi) in enumerate(bands)]
    return out, without
