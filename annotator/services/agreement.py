"""Agreement figures of a project: load each annotator's quotes and hand them to core.

The maths lives in :mod:`annotator.core.agreement` (and :mod:`annotator.core.scoring`, the
reference scorer's definitions); this module decides what counts and gathers the figures for
``annotator agreement`` and the dashboard:

- an annotator's quotes on an article are their ``accepted`` annotations;
- an article counts for an annotator when they have any annotation on it or marked it done
  (so "I found no quote here" is an answer, not a gap);
- a pair (A, B) is scored over the articles both annotated, A as gold and B as prediction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from itertools import combinations
from typing import Any

from annotator.core.agreement import (
    AnnotatedArticle,
    PairAgreement,
    StanceUnits,
    alpha_undefined_reason,
    cluster_quotes,
    describe_differences,
    iter_pair_agreements,
    krippendorff_alpha_nominal,
)
from annotator.core.errors import AnnotatorError, Stopped
from annotator.core.model import Quote, left_out_line, quote_span_problem
from annotator.store.project import Project
from annotator.store.review import ReviewStore

#: The annotation status that makes a quote part of an annotator's version.
COUNTED_STATUS = "accepted"

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PairFigures:
    """Agreement of annotator ``a`` (as gold) with ``b`` (as prediction)."""

    a: str
    b: str
    #: None (printed n/a) when the pair shares no article: there is nothing to compare
    quote_f1_lenient: float | None
    quote_f1_jaccard: float | None
    #: the reference scorer's speaker accuracy (spk_span): over A's quotes that B overlaps,
    #: B's speaker mention overlaps A's
    speaker_agreement: float | None
    #: PRODUCT.md's reading over one-to-one matches: same canonical speaker, else mentions
    speaker_agreement_canonical: float | None
    stance_kappa: float | None
    articles: int
    quotes_a: int
    quotes_b: int
    matched: int
    disagreements: int


@dataclass(frozen=True)
class AnnotatorFigures:
    """Counts and progress of one annotator."""

    name: str
    accepted: int
    rejected: int
    pending: int
    articles_annotated: int
    articles_done: int
    articles_total: int

    @property
    def total(self) -> int:
        return self.accepted + self.rejected + self.pending

    @property
    def progress(self) -> float:
        """Share of the project's articles this annotator marked done."""
        return self.articles_done / self.articles_total if self.articles_total else 0.0


@dataclass(frozen=True, slots=True)
class ArticleFigures:
    """How much the annotators disagree on one article (slots: 20,000 of them are sent to
    the dashboard's process, where fewer objects mean shorter garbage collections)."""

    id: int
    title: str
    annotators: int
    quotes: int
    contested: int
    disagreements: int


@dataclass
class AgreementReport:
    """Every figure of ``annotator agreement`` and the dashboard."""

    annotators: list[str]
    pairs: list[PairFigures] = field(default_factory=list)
    stance_alpha: float | None = None
    #: why stance_alpha is None, in words ("all 6 stance labels in one category (support)")
    stance_alpha_note: str | None = None
    per_annotator: list[AnnotatorFigures] = field(default_factory=list)
    per_article: list[ArticleFigures] = field(default_factory=list)
    gold_articles: int = 0
    gold_quotes: int = 0
    #: quotes left out because a span cannot lie in their article's text (a project edited
    #: by hand), one ``article N, quote M: why`` line each
    #: (:func:`~annotator.core.model.left_out_line`)
    left_out: list[str] = field(default_factory=list)

    def pair(self, a: str, b: str) -> PairFigures | None:
        return next((p for p in self.pairs if p.a == a and p.b == b), None)

    def as_dict(self) -> dict[str, Any]:
        """The JSON of ``annotator agreement --json``."""
        return {
            "annotators": list(self.annotators),
            "pairs": [{**asdict(p), "shared_articles": p.articles} for p in self.pairs],
            "stance_alpha": self.stance_alpha,
            "stance_alpha_note": self.stance_alpha_note,
            "per_annotator": [
                {**asdict(a), "total": a.total, "progress": a.progress} for a in self.per_annotator
            ],
            "per_article": [asdict(a) for a in self.per_article],
            "gold": {"articles": self.gold_articles, "quotes": self.gold_quotes},
            "left_out": list(self.left_out),
        }


@dataclass
class _Loaded:
    articles: list[AnnotatedArticle]
    titles: dict[str, tuple[int, str]]


#: Articles read per round trip when streaming versions (texts and quotes of one chunk).
_CHUNK = 200


def worked_articles(
    project: Project, annotators: Sequence[str], min_versions: int = 1
) -> list[tuple[int, frozenset[str]]]:
    """(article id, the chosen annotators who worked on it), ascending, for the articles
    at least ``min_versions`` of them worked on: one grouped query, nothing else read."""
    return project.articles_worked_by(annotators, min_versions)


def iter_versions(
    project: Project,
    annotators: Sequence[str],
    min_versions: int = 1,
    worked: Sequence[tuple[int, frozenset[str]]] | None = None,
    left_out: list[str] | None = None,
) -> Iterator[tuple[AnnotatedArticle, str]]:
    """(article with the chosen annotators' accepted quotes, its title), in id order, for
    the articles at least ``min_versions`` of them worked on (``worked``: those articles
    as :func:`worked_articles` gave them, when the caller asked already).

    A quote with a span that cannot lie in its article's text (a project edited by hand:
    :func:`~annotator.core.model.quote_span_problem`, the export's check) is not part of
    its annotator's version: it would be scored against characters that do not exist.
    Each one adds a :func:`~annotator.core.model.left_out_line` to ``left_out`` when given.

    Streams: texts and quotes are read ``_CHUNK`` articles at a time and nothing is kept,
    so memory stays that of one chunk however large the project (with ``min_versions=2``
    the articles only one annotator touched are never read at all).
    """
    if worked is None:
        worked = worked_articles(project, annotators, min_versions)
    for start in range(0, len(worked), _CHUNK):
        chunk = worked[start : start + _CHUNK]
        ids = [aid for aid, _ in chunk]
        quotes: dict[int, dict[str, list[tuple[int, Quote]]]] = {
            aid: {n: [] for n in sorted(names)} for aid, names in chunk
        }
        for rec in project.iter_annotation_rows(
            annotators=list(annotators), statuses=[COUNTED_STATUS], article_ids=ids
        ):
            name = rec.quote.annotator or ""
            quotes[rec.article_id].setdefault(name, []).append((rec.id, rec.quote))
        for art in project.iter_articles(ids):
            length = len(art.text)
            versions: dict[str, list[Quote]] = {}
            for n in annotators:
                if n not in quotes[art.id]:
                    continue
                kept = versions[n] = []
                for qid, q in quotes[art.id][n]:
                    why = quote_span_problem(q, length)
                    if why is None:
                        kept.append(q)
                    elif left_out is not None:
                        left_out.append(left_out_line(art.id, qid, why))
            yield AnnotatedArticle(str(art.id), art.text, versions), art.title


def load_versions(project: Project, annotators: Sequence[str]) -> _Loaded:
    """Each article's text and the chosen annotators' accepted quotes (articles in id
    order), all in memory: for small selections; :func:`compute_agreement` streams."""
    articles = []
    titles = {}
    for art, title in iter_versions(project, annotators):
        articles.append(art)
        titles[art.id] = (int(art.id), title)
    return _Loaded(articles, titles)


def _annotator_figures(project: Project, names: Sequence[str]) -> list[AnnotatorFigures]:
    total = project.count_articles()
    counts = project.stats()["annotators"]
    out = []
    for name in names:
        c = counts.get(name, {})
        out.append(
            AnnotatorFigures(
                name,
                int(c.get("accepted", 0)),
                int(c.get("rejected", 0)),
                int(c.get("pending", 0)),
                project.count_articles_annotated(name),
                project.count_articles_done(name),
                total,
            )
        )
    return out


def _contested(art: AnnotatedArticle, clusters: Sequence[dict[str, int]]) -> tuple[int, int]:
    """(quote clusters, clusters where not every annotator has the same version), given the
    article's :func:`cluster_quotes`."""
    n_annotators = len(art.versions)
    contested = 0
    for cluster in clusters:
        if len(cluster) < n_annotators:
            contested += 1
            continue
        items = [art.versions[n][k] for n, k in cluster.items()]
        if any(describe_differences(items[0], q, art.text) for q in items[1:]):
            contested += 1
    return len(clusters), contested


def compute_agreement(
    project: Project,
    annotators: Sequence[str] | None = None,
    progress: Progress | None = None,
    stop: Callable[[], bool] | None = None,
) -> AgreementReport:
    """Pairwise, overall, per-annotator and per-article figures for ``annotators``.

    Args:
        annotators: the annotators to compare (default: every annotator of the project),
            in the order pairs are formed: each pair (A, B) has A earlier in this list.
        progress: called as progress(articles_done, articles_total) over the articles
            at least two of them worked on (the only ones compared): once with 0 before
            the first, then after each article.
        stop: asked before each article (about a minute for 20,000 doubly annotated
            articles, so a window that closes must be able to end it).

    Raises:
        AnnotatorError: a named annotator is not in the project, or fewer than two are given.
        Stopped: ``stop()`` answered True.
    """
    known = project.annotators()
    names = list(dict.fromkeys(annotators)) if annotators else known
    unknown = [n for n in names if n not in known]
    if unknown:
        raise AnnotatorError(
            f"no annotator named {', '.join(unknown)} in {project.path.name}"
            f" (annotators: {', '.join(known) or 'none'})"
        )
    report = AgreementReport(names)
    report.per_annotator = _annotator_figures(project, names)
    report.gold_quotes = ReviewStore(project).count_gold()
    report.gold_articles = ReviewStore(project).count_reviews(status="done")
    if len(names) < 2:
        return report
    pair_names = list(combinations(names, 2))
    aggs = {pair: PairAgreement() for pair in pair_names}
    n_articles = dict.fromkeys(pair_names, 0)
    units = StanceUnits()  # counted by pattern: a few hundred counts, not a dict per quote
    rows = []
    # one article at a time: only articles with two or more versions can disagree, and
    # every figure below is a sum over them (stance units of one annotator are unpairable)
    worked = worked_articles(project, names, min_versions=2)
    total = len(worked)
    if progress is not None:
        progress(0, total)
    versions = iter_versions(project, names, worked=worked, left_out=report.left_out)
    for done, (art, title) in enumerate(versions, 1):
        if stop is not None and stop():
            raise Stopped
        disagreements = 0
        for a, b in pair_names:
            for _, pair in iter_pair_agreements([art], a, b):
                aggs[(a, b)] += pair
                n_articles[(a, b)] += 1
                disagreements += pair.disagreements
        clusters = cluster_quotes(art.versions)  # once: the stance units and the contested
        for c in clusters:
            units.add({n: art.versions[n][k].stance for n, k in c.items()})
        n_quotes, contested = _contested(art, clusters)
        rows.append(
            ArticleFigures(
                int(art.id), title, len(art.versions), n_quotes, contested, disagreements
            )
        )
        if progress is not None:
            progress(done, total)
    for a, b in pair_names:
        agg = aggs[(a, b)]
        report.pairs.append(
            PairFigures(
                a=a,
                b=b,
                quote_f1_lenient=agg.lenient_f1 if n_articles[(a, b)] else None,
                quote_f1_jaccard=agg.jaccard_f1 if n_articles[(a, b)] else None,
                speaker_agreement=agg.speaker_span_acc if agg.scores.speaker_n else None,
                speaker_agreement_canonical=agg.speaker_agreement,
                stance_kappa=agg.stance_kappa,
                articles=n_articles[(a, b)],
                quotes_a=agg.scores.n_gold,
                quotes_b=agg.scores.n_pred,
                matched=agg.matched,
                disagreements=agg.disagreements,
            )
        )
    report.stance_alpha = krippendorff_alpha_nominal(units)
    if report.stance_alpha is None:
        report.stance_alpha_note = alpha_undefined_reason(units)
    rows.sort(key=lambda r: (-r.disagreements, -r.contested, r.id))
    report.per_article = rows
    return report
