"""Agreement between annotators: quote F1, speaker and stance agreement, review differences.

Definitions (PRODUCT.md, "Agreement"): two annotators' quotes are matched one-to-one by
character overlap, largest first. Quote agreement is the reference scorer's F1 with the
first annotator as gold and the second as prediction (computed by
:mod:`annotator.core.scoring`, so it equals ``score_quotes.py`` on the same quotes).
Speakers agree when both canonical names are given and equal ignoring case, otherwise when
the mention spans overlap (or both quotes have no speaker). Stance: Cohen's kappa over
matched quotes where both gave a stance; Krippendorff's alpha (nominal) for any number of
annotators over clusters of overlapping quotes, with missing values.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from annotator.core.model import Article, Quote, spans_text
from annotator.core.scoring import (
    PropnWords,
    ScoredArticle,
    Scores,
    capitalised_words,
    char_set,
    overlap_matching,
    score_article,
    scored_quote,
    span_bounds,
)

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class AnnotatedArticle:
    """One article's text and each annotator's quotes (a missing key: not annotated)."""

    id: str
    text: str
    versions: Mapping[str, Sequence[Quote]]


def group_versions(articles: Iterable[Article]) -> list[AnnotatedArticle]:
    """Merge lines of the same article id, splitting quotes by their ``annotator`` field.

    This reads files such as ``dev_multiannotator.jsonl`` (one line per annotator and
    article); quotes without an annotator are filed under ``""``.
    """
    texts: dict[str, str] = {}
    versions: dict[str, dict[str, list[Quote]]] = {}
    for article in articles:
        ident = article.ext_id or ""
        texts.setdefault(ident, article.text)
        per = versions.setdefault(ident, {})
        for quote in article.quotes:
            per.setdefault(quote.annotator or "", []).append(quote)
    return [AnnotatedArticle(i, texts[i], versions[i]) for i in texts]


def match_quotes(a: Sequence[Quote], b: Sequence[Quote]) -> list[tuple[int, int]]:
    """One-to-one pairs (index in ``a``, index in ``b``) by character overlap, largest first."""
    pairs = overlap_matching([q.content_spans for q in a], [q.content_spans for q in b])
    return sorted(pairs.items())


def same_speaker(a: Quote, b: Quote) -> bool:
    """Same canonical speaker if both have one, else overlapping mentions (or neither has one)."""
    if a.speaker_name and b.speaker_name:
        return a.speaker_name.strip().casefold() == b.speaker_name.strip().casefold()
    if not a.speaker_spans and not b.speaker_spans:
        return True
    return bool(char_set(a.speaker_spans) & char_set(b.speaker_spans))


@dataclass
class PairAgreement:
    """Agreement of annotator A (taken as gold) with B, on one article or summed over many."""

    scores: Scores = field(default_factory=Scores)
    matched: int = 0
    speaker_agree: int = 0
    stance_pairs: list[tuple[str, str]] = field(default_factory=list)
    disagreements: int = 0

    def __add__(self, other: PairAgreement) -> PairAgreement:
        return PairAgreement(
            self.scores + other.scores,
            self.matched + other.matched,
            self.speaker_agree + other.speaker_agree,
            self.stance_pairs + other.stance_pairs,
            self.disagreements + other.disagreements,
        )

    @property
    def lenient_f1(self) -> float:
        """Quote F1, any overlap (the scorer's lenient F1)."""
        return self.scores.lenient[2]

    @property
    def jaccard_f1(self) -> float:
        """Quote F1, one-to-one with character Jaccard >= 0.5."""
        return self.scores.jaccard[2]

    @property
    def speaker_agreement(self) -> float | None:
        """Share of matched quotes with the same speaker (None when nothing matched)."""
        return self.speaker_agree / self.matched if self.matched else None

    @property
    def speaker_span_acc(self) -> float:
        """The scorer's spk_span with A as gold, for comparison with the reference."""
        return self.scores.speaker_span_acc

    @property
    def stance_kappa(self) -> float | None:
        """Cohen's kappa over matched quotes where both gave a stance."""
        return cohen_kappa(self.stance_pairs)


def compare_pair(
    article_id: str,
    text: str,
    a: Sequence[Quote],
    b: Sequence[Quote],
    propn_words: PropnWords = capitalised_words,
) -> PairAgreement:
    """Agreement of quotes ``a`` (as gold) and ``b`` (as prediction) on one article."""
    gold = ScoredArticle(article_id, text, tuple(scored_quote(q, gold=True) for q in a))
    scores = score_article(gold, b, "all", propn_words)
    pairs = match_quotes(a, b)
    speaker = sum(same_speaker(a[i], b[j]) for i, j in pairs)
    stance: list[tuple[str, str]] = []
    for i, j in pairs:
        sa, sb = a[i].stance, b[j].stance
        if sa is not None and sb is not None:
            stance.append((sa, sb))
    differing = sum(1 for i, j in pairs if describe_differences(a[i], b[j], text))
    unmatched = len(a) + len(b) - 2 * len(pairs)
    return PairAgreement(scores, len(pairs), speaker, stance, differing + unmatched)


def iter_pair_agreements(
    articles: Iterable[AnnotatedArticle],
    name_a: str,
    name_b: str,
    propn_words: PropnWords = capitalised_words,
) -> Iterator[tuple[str, PairAgreement]]:
    """(article id, agreement of ``name_a`` with ``name_b``) for each article both annotated.

    An article's ``disagreements`` equals ``len(article_disagreements(...))`` for it.
    """
    for art in articles:
        if name_a in art.versions and name_b in art.versions:
            a, b = art.versions[name_a], art.versions[name_b]
            yield art.id, compare_pair(art.id, art.text, a, b, propn_words)


def compare_annotators(
    articles: Iterable[AnnotatedArticle],
    name_a: str,
    name_b: str,
    propn_words: PropnWords = capitalised_words,
) -> PairAgreement:
    """Agreement of ``name_a`` (as gold) with ``name_b`` over the articles both annotated."""
    total = PairAgreement()
    for _, pair in iter_pair_agreements(articles, name_a, name_b, propn_words):
        total += pair
    return total


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """Cohen's kappa of two raters' labels; None when empty or undefined (one shared label)."""
    n = len(pairs)
    if not n:
        return None
    observed = sum(1 for x, y in pairs if x == y) / n
    count_a: dict[Hashable, int] = {}
    count_b: dict[Hashable, int] = {}
    for x, y in pairs:
        count_a[x] = count_a.get(x, 0) + 1
        count_b[y] = count_b.get(y, 0) + 1
    expected = sum(count_a[k] * count_b.get(k, 0) for k in count_a) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


Unit = Mapping[str, Hashable | None]


class StanceUnits:
    """Stance units counted by pattern: a unit is {annotator: label or None}, and alpha
    depends only on how many units have each pattern, so a project's hundreds of thousands
    of quote clusters are a few hundred counts (issue 16: a list of one dict per cluster
    grew the heap until each garbage collection paused the window for 0.1 to 1 s)."""

    def __init__(self, units: Iterable[Unit] = ()) -> None:
        self.patterns: Counter[tuple[tuple[str, Hashable | None], ...]] = Counter()
        for unit in units:
            self.add(unit)

    def add(self, unit: Unit) -> None:
        """Count one unit."""
        self.patterns[tuple(sorted(unit.items(), key=lambda kv: kv[0]))] += 1

    def __len__(self) -> int:
        return sum(self.patterns.values())


def _counted(units: Sequence[Unit] | StanceUnits) -> StanceUnits:
    return units if isinstance(units, StanceUnits) else StanceUnits(units)


def krippendorff_alpha_nominal(units: Sequence[Unit] | StanceUnits) -> float | None:
    """Krippendorff's alpha (nominal) of units given as {annotator: label or None} (or
    counted as :class:`StanceUnits`).

    Uses the ``krippendorff`` package (on the units' value counts, the form it computes
    from). None when alpha is undefined: no unit labelled by two annotators, or a single
    label over all such units.
    """
    import krippendorff
    import numpy as np

    # only units with two or more labels carry information (Krippendorff's "pairable" values)
    pairable = [
        (labels, n)
        for pattern, n in _counted(units).patterns.items()
        if len(labels := [v for _, v in pattern if v is not None]) >= 2
    ]
    values = sorted({v for labels, _ in pairable for v in labels}, key=repr)
    if len(values) < 2:
        return None
    code = {label: k for k, label in enumerate(values)}
    counts = np.zeros((len(pairable), len(values)))
    for row, (labels, _) in enumerate(pairable):
        for label in labels:
            counts[row, code[label]] += 1
    repeated = np.repeat(counts, [n for _, n in pairable], axis=0)
    return float(krippendorff.alpha(value_counts=repeated, level_of_measurement="nominal"))


def cluster_quotes(versions: Mapping[str, Sequence[Quote]]) -> list[dict[str, int]]:
    """Units for multi-annotator agreement: {annotator: quote index}, at most one per annotator.

    Overlapping quotes of different annotators join, largest overlap first, unless the two
    groups already hold a quote of the same annotator. Sorted by position in the text.
    """
    nodes = [(name, k) for name in sorted(versions) for k in range(len(versions[name]))]
    sets = [char_set(versions[name][k].content_spans) for name, k in nodes]
    bounds = [span_bounds(versions[name][k].content_spans) for name, k in nodes]
    # pairs of overlapping quotes, found by a sweep in start order (issue 16: comparing every
    # pair was most of the agreement's time), then put in the order a loop over every pair
    # (x before y) would give them, so ties of the stable sort below break as they always did
    order = sorted(range(len(nodes)), key=lambda i: bounds[i])
    found: list[tuple[int, int, int]] = []
    for pos, x in enumerate(order):
        x_end = bounds[x][1]
        for y in order[pos + 1 :]:
            if bounds[y][0] >= x_end:
                break
            if nodes[x][0] != nodes[y][0]:
                n = len(sets[x] & sets[y])
                if n:
                    found.append((min(x, y), max(x, y), n))
    found.sort()
    edges = [(n, nodes[x], nodes[y]) for x, y, n in found]
    edges.sort(key=lambda e: -e[0])
    group = {node: {node[0]: node[1]} for node in nodes}
    for _, node_a, node_b in edges:
        ga, gb = group[node_a], group[node_b]
        if ga is gb or set(ga) & set(gb):
            continue
        ga.update(gb)
        for name, k in gb.items():
            group[(name, k)] = ga
    unique = {id(g): g for g in group.values()}.values()

    def start(g: dict[str, int]) -> tuple[int, int]:
        return min((versions[n][k].start, versions[n][k].end) for n, k in g.items())

    return sorted(unique, key=start)


def stance_units(articles: Iterable[AnnotatedArticle]) -> list[dict[str, str | None]]:
    """Each quote cluster of each article as {annotator: stance} (None: no stance given)."""
    units: list[dict[str, str | None]] = []
    for art in articles:
        for cluster in cluster_quotes(art.versions):
            units.append({n: art.versions[n][k].stance for n, k in cluster.items()})
    return units


def stance_alpha(articles: Iterable[AnnotatedArticle]) -> float | None:
    """Krippendorff's alpha (nominal) of stance over the quote clusters of all articles."""
    return krippendorff_alpha_nominal(stance_units(articles))


def alpha_undefined_reason(units: Sequence[Unit] | StanceUnits) -> str | None:
    """Why :func:`krippendorff_alpha_nominal` gives None for ``units``, in words; None when
    it is defined. Alpha needs units labelled by two annotators and two categories in use
    (Krippendorff 2011, "Computing Krippendorff's alpha-reliability")."""
    patterns = _counted(units).patterns
    given = sum(n * sum(v is not None for _, v in p) for p, n in patterns.items())
    pairable = {p: n for p, n in patterns.items() if sum(v is not None for _, v in p) >= 2}
    labels = {v for p in pairable for _, v in p if v is not None}
    if not pairable:
        if given == 0:
            return "no stance labels given"
        return f"no quote has stance labels from two annotators ({given} given)"
    if len(labels) == 1:
        n = sum(k * sum(v is not None for _, v in p) for p, k in pairable.items())
        return f"all {n} stance labels in one category ({next(iter(labels))})"
    return None


def _speaker_label(q: Quote, text: str) -> str:
    if q.speaker_name:
        return q.speaker_name
    if q.speaker_spans:
        return spans_text(text, q.speaker_spans, " ")
    return q.speaker_text or "none"


def _words_touching(text: str, chars: set[int] | frozenset[int]) -> int:
    """Number of words of ``text`` with at least one character in ``chars``."""
    if not chars:
        return 0
    lo, hi = min(chars), max(chars)
    # only [lo, hi] is read: a word cut at either end is still one word touching them (the
    # whole text was read: 1.1 s for a review of a 10 MB article, issue 16)
    return sum(
        1
        for m in _WORD.finditer(text, lo, hi + 1)
        if any(i in chars for i in range(m.start(), m.end()))
    )


def describe_differences(
    a: Quote, b: Quote | None, text: str, name_a: str = "A", name_b: str = "B"
) -> list[str]:
    """Short phrases for a reviewer saying how two matched versions of a quote differ.

    ``b`` None means the quote is only in ``name_a``'s version. An empty list: they agree.
    """
    del name_b  # kept in the signature so callers name both sides symmetrically
    if b is None:
        return [f"only in {name_a}'s"]
    out = []
    ca, cb = char_set(a.content_spans), char_set(b.content_spans)
    same_content = ca == cb
    if not same_content:
        words = _words_touching(text, ca ^ cb)
        if words:
            out.append(f"boundary differs by {words} word{'s' if words != 1 else ''}")
        else:
            out.append("boundary differs only in punctuation or spacing")
    if not same_speaker(a, b):
        prefix = "same quote, " if same_content else ""
        out.append(
            f"{prefix}different speaker ({_speaker_label(a, text)} vs {_speaker_label(b, text)})"
        )
    if (a.cue_spans or b.cue_spans) and not char_set(a.cue_spans) & char_set(b.cue_spans):
        out.append("different cue")
    if a.kind != b.kind:
        out.append(f"kind {a.kind} vs {b.kind}")
    ta, tb = a.stance_target or "", b.stance_target or ""
    target_differs = ta != tb and (a.stance is not None or b.stance is not None)
    on = f" ({ta or 'no target'} vs {tb or 'no target'})"
    if a.stance != b.stance:
        where = f" on different targets{on}" if target_differs else ""
        out.append(f"stance {a.stance or 'none'} vs {b.stance or 'none'}{where}")
    elif target_differs:
        out.append(f"same stance {a.stance} on different targets{on}")
    return out


@dataclass(frozen=True)
class Disagreement:
    """One quote the two versions of an article disagree on, with the reviewer's phrases."""

    a_index: int | None
    b_index: int | None
    differences: tuple[str, ...]


def article_disagreements(
    text: str, a: Sequence[Quote], b: Sequence[Quote], name_a: str, name_b: str
) -> list[Disagreement]:
    """Every unmatched or differing quote of two annotators' versions, in text order."""
    pairs = match_quotes(a, b)
    out: list[tuple[int, Disagreement]] = []
    for i, j in pairs:
        words = describe_differences(a[i], b[j], text, name_a, name_b)
        if words:
            out.append((a[i].start, Disagreement(i, j, tuple(words))))
    matched_a = {i for i, _ in pairs}
    matched_b = {j for _, j in pairs}
    for i, q in enumerate(a):
        if i not in matched_a:
            words = describe_differences(q, None, text, name_a, name_b)
            out.append((q.start, Disagreement(i, None, tuple(words))))
    for j, q in enumerate(b):
        if j not in matched_b:
            words = describe_differences(q, None, text, name_b, name_a)
            out.append((q.start, Disagreement(None, j, tuple(words))))
    out.sort(key=lambda x: x[0])
    return [d for _, d in out]


def disagreement_counts(
    articles: Iterable[AnnotatedArticle], name_a: str, name_b: str
) -> dict[str, int]:
    """Per article id, how many quotes ``name_a`` and ``name_b`` disagree on."""
    return {
        art.id: len(
            article_disagreements(
                art.text, art.versions[name_a], art.versions[name_b], name_a, name_b
            )
        )
        for art in articles
        if name_a in art.versions and name_b in art.versions
    }
