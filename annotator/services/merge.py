"""Merge a colleague's project into this one: annotators, speakers, annotations and reviews.

Articles are matched by content hash; articles we do not have are added (with the detector
suggestions they carry). An annotation's identity is (annotator, article hash, spans,
fields), so merging the same file twice adds nothing. A review is identified by (article
hash, reviewer): a review we lack is copied with its gold quotes (speakers remapped by name,
each gold quote's source annotation to our copy of it, else none); where we already have the
same reviewer's review of the article, ours is kept and, unless both hold the same gold
quotes, the difference is reported. The other file is opened read-only and never changed;
the whole merge is one transaction, so a failure leaves this project as it was.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from annotator.core.entry_checks import JOIN_OVER, check_fragments, joined_content, shown
from annotator.core.errors import ProjectError
from annotator.core.model import AnnotationRecord, Quote, StoredArticle
from annotator.core.schema import (
    GoldRowSchema,
    LeftOutRowSchema,
    ProgressRowSchema,
    ReviewRowSchema,
    SchemaError,
    check_aliases,
    check_name,
    check_quote,
    check_row,
)
from annotator.core.text import content_hash, normalise_text
from annotator.core.wording import count_noun
from annotator.store.foreign import dangling_rows, left_out_rows, progress_rows, review_rows
from annotator.store.project import Project, SpeakerIds
from annotator.store.review import GoldRecord, ReviewRecord, ReviewStore

_PROGRESS_RANK = {"new": 0, "in_progress": 1, "done": 2}

Progress = Callable[[int, int], None]


@dataclass
class MergeReport:
    """What a merge did, for the command line and the window."""

    source: str
    articles_matched: int = 0
    articles_added: int = 0
    annotators_added: list[str] = field(default_factory=list)
    speakers_added: int = 0
    suggestions_added: int = 0
    annotations_added: int = 0
    annotations_present: int = 0
    conflicts: list[str] = field(default_factory=list)
    reviews_added: int = 0
    gold_quotes_added: int = 0
    reviews_present: int = 0
    review_conflicts: list[str] = field(default_factory=list)
    left_out_added: int = 0
    progress_updated: int = 0
    skipped: list[str] = field(default_factory=list)
    joined: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.articles_added
            or self.annotators_added
            or self.speakers_added
            or self.annotations_added
            or self.reviews_added
            or self.gold_quotes_added
            or self.left_out_added
            or self.progress_updated
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        """The report as sentences for a person."""
        out = [
            f"merged {self.source}",
            f"articles: {self.articles_matched} matched, {self.articles_added} added",
            f"annotations: {self.annotations_added} added, {self.annotations_present} already here",
            f"reviews: {self.reviews_added} added "
            f"({count_noun(self.gold_quotes_added, 'gold quote')}),"
            f" {self.reviews_present} already here, {len(self.review_conflicts)} conflicting",
        ]
        if self.left_out_added:
            out.append(
                f"quotes left out of the gold: {count_noun(self.left_out_added, 'mark')} copied"
            )
        if self.progress_updated:
            out.append(
                f"article progress: {count_noun(self.progress_updated, 'status')} moved forward"
            )
        if self.annotators_added:
            out.append("new annotators: " + ", ".join(self.annotators_added))
        if self.speakers_added:
            out.append(f"new speakers: {self.speakers_added}")
        if self.suggestions_added:
            out.append(f"suggestions copied with new articles: {self.suggestions_added}")
        if self.conflicts:
            out.append(f"kept ours where the same annotator differs ({len(self.conflicts)}):")
            out.extend("  " + c for c in self.conflicts)
        if self.review_conflicts:
            out.append(
                "kept our review where the same reviewer's gold version differs"
                f" ({len(self.review_conflicts)}):"
            )
            out.extend("  " + c for c in self.review_conflicts)
        if self.joined:
            out.append(
                f"quotes of the other file {self.source} with their fragments joined "
                f"({len(self.joined)}):"
            )
            out.extend("  " + c for c in self.joined)
        if self.skipped:
            out.append(f"skipped as invalid in the other file {self.source} ({len(self.skipped)}):")
            out.extend("  " + c for c in self.skipped)
        if not self.changed:
            out.append("nothing new: this project already had everything")
        return out


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def annotation_identity(quote: Quote, speaker_id: int | None) -> Hashable:
    """What makes two annotations of the same article the same (besides the annotator)."""
    return (
        quote.annotator,
        quote.content_spans,
        quote.speaker_spans,
        quote.cue_spans,
        quote.speaker_text or None,
        speaker_id,
        quote.kind,
        quote.stance or None,
        quote.stance_target or None,
        quote.status,
        quote.origin,
        quote.note or None,
    )


def _content_key(quote: Quote) -> tuple[str | None, tuple[tuple[int, int], ...], str | None]:
    """Annotator, content spans and stance target: one quote of one annotator."""
    return (quote.annotator, tuple(quote.content_spans), quote.stance_target or None)


def merge_project(
    project: Project, other_path: str | os.PathLike[str], progress: Progress | None = None
) -> MergeReport:
    """Bring the annotations of the project at ``other_path`` into ``project``.

    Raises:
        ProjectError: the other file is not a project, or is this project itself.
    """
    other_p = Path(other_path)
    if _same_file(project.path, other_p):
        raise ProjectError(f"{other_p}: is this project itself; nothing to merge")
    with Project.open(other_p, create=False, readonly=True) as other:
        report = MergeReport(str(other_p))
        with project.action("merge", "project") as change:
            _merge(project, other, report, progress)
            change.payload = report.as_dict()
    return report


def _merge(
    project: Project, other: Project, report: MergeReport, progress: Progress | None
) -> None:
    report.skipped.extend(dangling_rows(other))
    ours_before = set(project.annotators())
    theirs: set[str] = set()
    for name in other.annotators():
        try:
            check_name(name)
        except SchemaError as exc:
            report.skipped.append(f"annotators row {name!r:.40}: {exc}; skipped")
            continue
        theirs.add(name)
        if name not in ours_before:
            project.annotator_id(name)
            report.annotators_added.append(name)
    for sp in other.speakers():
        if not isinstance(sp.name, str) or not sp.name.strip():
            report.skipped.append(f"speaker {sp.id}: name {sp.name!r:.40} is not a name; skipped")
            continue
        sid = project.speaker_id(sp.name, create=False)
        if sid is None:
            sid = project.speaker_id(sp.name, kind=sp.kind)
            report.speakers_added += 1
        assert sid is not None
        for alias in sp.aliases:
            try:
                check_aliases([alias])
            except SchemaError as exc:
                report.skipped.append(f"speaker {sp.name!r}: {exc}; skipped")
                continue
            project.add_speaker_alias(sid, alias)
    total = other.count_articles()
    for done, art in enumerate(other.iter_articles(), 1):
        why = _bad_article(art)
        if why:
            report.skipped.append(f"article {art.id}: {why}; skipped with its annotations")
            continue
        # matched by a hash of the text itself: the stored hash may be forged or stale
        ours = project.article_id_by_hash(content_hash(art.text))
        if ours is None:
            ours, _ = project.add_article(art.as_article(), source=art.source or str(other.path))
            report.articles_added += 1
            if art.stance_target:
                project.set_article_target(ours, art.stance_target)
            suggestion_map = _copy_suggestions(project, other, art.id, ours, report)
        else:
            report.articles_matched += 1
            if art.stance_target and project.article(ours).stance_target is None:
                project.set_article_target(ours, art.stance_target)
            suggestion_map = _match_suggestions(project, other, art.id, ours)
        annotation_map = _merge_annotations(
            project, other, art.id, ours, suggestion_map, theirs, report
        )
        _merge_progress(project, other, art.id, ours, theirs, report)
        _merge_reviews(project, other, art.id, ours, annotation_map, theirs, report)
        if progress is not None:
            progress(done, total)


def _bad_article(art: StoredArticle) -> str:
    """Why an article of the other file may not enter this project, or ""."""
    if not isinstance(art.text, str) or not art.text.strip():
        return "its text is not a text"
    if normalise_text(art.text) != art.text:
        return "its text is not normalised (CRLF, BOM or not NFC), so its offsets are unsure"
    if not isinstance(art.title, str):
        return f"its title {art.title!r:.40} is not a string"
    if not isinstance(art.meta, dict):
        return "its metadata is not a JSON object"
    return ""


def _valid(quote: Quote, text: str, what: str, report: MergeReport) -> bool:
    """Check a quote of the other file with the import's validator; report it if bad."""
    try:
        check_quote(quote.to_json(), len(text))
    except SchemaError as exc:
        report.skipped.append(f"{what}: {exc}; skipped")
        return False
    return True


def _taken(quote: Quote, text: str, what: str, report: MergeReport) -> Quote | None:
    """A valid quote of the other file as this project takes it, by the import's rules
    (:mod:`annotator.core.entry_checks`): its content fragments separated only by spaces
    joined in a quote of many (a line in ``report.joined``), None when a span list still
    holds more than ``MAX_FRAGMENTS`` (a line in ``report.skipped``, verify21 V11).
    ``what`` names the quote: its table, row id and article in the other file."""
    if not _valid(quote, text, what, report):
        return None
    taken, said = check_fragments(quote, text)
    if taken is None:
        report.skipped.append(f"{what}: {said}; skipped")
    elif said is not None:
        report.joined.append(f"{what}: {said}")
    return taken


def _as_taken(quote: Quote, text: str) -> Quote:
    """One of this project's quotes with its content as a merge would take it now (what
    the duplicate checks compare: a quote of many fragments stored before the joining is
    the same quote as the joined one)."""
    if len(quote.content_spans) <= JOIN_OVER:
        return quote
    return quote.with_(content_spans=joined_content(quote.content_spans, text))


def _where(table: str, row_id: int, article: int, title: str) -> str:
    """How a report line names a row of the other file: ``annotations row 7 (article 3
    'Title')``."""
    return f"{table} row {row_id} (article {article} {shown(title, 40)})"


def _copy_suggestions(
    project: Project, other: Project, their_article: int, our_article: int, report: MergeReport
) -> dict[int, int]:
    mapping: dict[int, int] = {}
    ours = project.article(our_article)
    text = ours.text
    for version in other.detector_versions(their_article):
        theirs: list[tuple[int, Quote]] = []
        for s in other.suggestions(their_article, version, problems=report.skipped):
            where = _where("suggestions", s.id, their_article, ours.title)
            taken = _taken(s.quote, text, where, report)
            if taken is not None:
                theirs.append((s.id, taken))
        ids = project.set_suggestions(our_article, version, [q for _, q in theirs])
        mapping.update({sid: new for (sid, _), new in zip(theirs, ids)})
        report.suggestions_added += len(ids)
    return mapping


def _match_suggestions(
    project: Project, other: Project, their_article: int, our_article: int
) -> dict[int, int]:
    """Their suggestion ids -> ours, where the same detector proposed the same spans
    (the content of both compared as a merge takes it)."""
    mapping: dict[int, int] = {}
    text = project.article(our_article).text
    for version in other.detector_versions(their_article):
        ours = {
            (_as_taken(s.quote, text).content_spans, s.quote.speaker_spans): s.id
            for s in project.suggestions(our_article, version)
        }
        for s in other.suggestions(their_article, version, problems=[]):
            hit = ours.get((_as_taken(s.quote, text).content_spans, s.quote.speaker_spans))
            if hit is not None:
                mapping[s.id] = hit
    return mapping


def _merge_annotations(
    project: Project,
    other: Project,
    their_article: int,
    our_article: int,
    suggestion_map: dict[int, int],
    annotators: set[str],
    report: MergeReport,
) -> dict[int, int]:
    """Merge one article's annotations; return their annotation ids -> ours (same identity)."""
    existing: dict[Hashable, int] = {}
    mapping: dict[int, int] = {}
    by_suggestion: dict[tuple[str | None, int], AnnotationRecord] = {}
    # one version per annotator per quote and stance target: the same content spans on
    # the same target are the same quote (another target is a version of its own)
    by_content: set[tuple[str | None, tuple[tuple[int, int], ...], str | None]] = set()
    speaker = SpeakerIds(project, create=True)
    article = project.article(our_article)
    title, text = article.title, article.text
    for rec in project.annotations(our_article):
        mine = _as_taken(rec.quote, text)
        existing.setdefault(annotation_identity(mine, speaker(mine.speaker_name)), rec.id)
        if rec.suggestion_id is not None:
            by_suggestion[(rec.quote.annotator, rec.suggestion_id)] = rec
        by_content.add(_content_key(mine))
    for rec in other.annotations(their_article, problems=report.skipped):
        taken = _taken(rec.quote, text, _where("annotations", rec.id, their_article, title), report)
        if taken is None:
            continue
        q = taken
        if q.annotator not in annotators:
            report.skipped.append(f"annotations row {rec.id}: its annotator was skipped; skipped")
            continue
        key = annotation_identity(q, speaker(q.speaker_name))
        if key in existing:
            mapping[rec.id] = existing[key]
            report.annotations_present += 1
            continue
        sugg = None if rec.suggestion_id is None else suggestion_map.get(rec.suggestion_id)
        same_suggestion = sugg is not None and (q.annotator, sugg) in by_suggestion
        if same_suggestion or _content_key(q) in by_content:
            # the same annotator has another version of this quote here (the same
            # suggestion, or the same content with another speaker, kind or stance): one
            # version per annotator per quote, and ours is the one they last worked on here
            a, b = q.content_spans[0] if q.content_spans else (0, 0)
            report.conflicts.append(f"{q.annotator} on {title!r} at {a}-{b}")
            continue
        assert q.annotator is not None
        new_id = project.add_annotation(our_article, q.annotator, q, suggestion_id=sugg)
        existing[key] = mapping[rec.id] = new_id
        by_content.add(_content_key(q))
        report.annotations_added += 1
    return mapping


def _merge_progress(
    project: Project,
    other: Project,
    their_article: int,
    our_article: int,
    annotators: set[str],
    report: MergeReport,
) -> None:
    """Move each annotator's status on the article forward to theirs (never back)."""
    for row in progress_rows(other, their_article):
        where = f"(article {their_article}, annotator {row.get('annotator_id')!r:.20})"
        try:
            if row.get("annotator") is None:
                raise SchemaError("its annotator_id names no annotator")
            p = check_row(ProgressRowSchema, row, annotators)
        except SchemaError as exc:
            report.skipped.append(f"article_progress row {where}: {exc}; skipped")
            continue
        if _PROGRESS_RANK[p.status] > _PROGRESS_RANK[project.progress(our_article, p.annotator)]:
            project.set_progress(our_article, p.annotator, p.status)
            report.progress_updated += 1


def _gold_identity(gold: GoldRecord, speaker_id: int | None, text: str) -> Hashable:
    """What makes two gold quotes of the same article (of ``text``) the same (the source
    link aside; the content as a merge takes it)."""
    q = _as_taken(gold.quote, text)
    return (
        gold.decision,
        q.content_spans,
        q.speaker_spans,
        q.cue_spans,
        q.speaker_text or None,
        speaker_id,
        q.kind,
        q.stance or None,
        q.stance_target or None,
        q.note or None,
    )


def _their_reviews(
    other: Project, their_article: int, annotators: set[str], report: MergeReport
) -> list[ReviewRecord]:
    """The article's reviews in the other file that pass the row check (the rest reported)."""
    out = []
    for row in review_rows(other, their_article):
        try:
            r = check_row(ReviewRowSchema, row, annotators)
        except SchemaError as exc:
            report.skipped.append(
                f"reviews row {row.get('id')!r:.20}: {exc}; skipped with its gold quotes"
            )
            continue
        status, times = r.status, (r.updated_at, r.created_at)
        out.append(
            ReviewRecord(r.id, r.article_id, r.reviewer, tuple(r.annotators), status, *times)
        )
    return out


def _their_gold(
    article_gold: list[GoldRecord],
    review: ReviewRecord,
    article: StoredArticle,
    report: MergeReport,
) -> list[GoldRecord]:
    """The review's gold quotes that pass the row and quote checks (the rest reported)."""
    out = []
    for g in article_gold:
        if g.review_id != review.id:
            continue
        row = {
            "id": g.id,
            "review_id": g.review_id,
            "article_id": g.article_id,
            "source_annotation_id": g.state.source_annotation_id,
            "decision": g.decision,
            "created_at": g.created_at,
            "updated_at": g.updated_at,
        }
        try:
            check_row(GoldRowSchema, row)
        except SchemaError as exc:
            report.skipped.append(f"gold_quotes row {g.id}: {exc}; skipped")
            continue
        where = _where("gold_quotes", g.id, g.article_id, article.title)
        taken = _taken(g.quote, article.text, where, report)
        if taken is not None:
            out.append(g if taken is g.quote else replace(g, state=replace(g.state, quote=taken)))
    return out


def _their_left_out(
    other: Project, review: ReviewRecord, annotation_map: dict[int, int], report: MergeReport
) -> list[int]:
    """Our ids of the annotations the review left out of the gold (bad marks reported)."""
    out = []
    for row in left_out_rows(other, review.id):
        where = f"(review {review.id}, annotation {row.get('annotation_id')!r:.20})"
        try:
            mark = check_row(LeftOutRowSchema, row)
        except SchemaError as exc:
            report.skipped.append(f"left_out row {where}: {exc}; skipped")
            continue
        if row.get("annotation_article") is None:
            report.skipped.append(
                f"left_out row {where}: its annotation_id names no annotation; skipped"
            )
        elif row.get("annotation_article") != review.article_id:
            report.skipped.append(
                f"left_out row {where}: its annotation is not of the review's article; skipped"
            )
        elif mark.annotation_id not in annotation_map:
            report.skipped.append(f"left_out row {where}: its annotation was not merged; skipped")
        else:
            out.append(annotation_map[mark.annotation_id])
    return out


def _merge_reviews(
    project: Project,
    other: Project,
    their_article: int,
    our_article: int,
    annotation_map: dict[int, int],
    annotators: set[str],
    report: MergeReport,
) -> None:
    """Copy the reviews (with gold quotes and left-out marks) of one article that we lack;
    report differing ones."""
    reviews = _their_reviews(other, their_article, annotators, report)
    if not reviews:
        return
    ours_store = ReviewStore(project)
    article_gold = ReviewStore(other).gold(their_article, problems=report.skipped)
    speaker = SpeakerIds(project, create=True)
    article = project.article(our_article)
    for review in reviews:
        their_gold = _their_gold(article_gold, review, article, report)
        ours = ours_store.review(our_article, review.reviewer)
        if ours is not None:
            our_gold = ours_store.gold(our_article, review.reviewer)
            same = Counter(
                _gold_identity(g, speaker(g.quote.speaker_name), article.text) for g in our_gold
            ) == Counter(
                _gold_identity(g, speaker(g.quote.speaker_name), article.text) for g in their_gold
            )
            if same:
                report.reviews_present += 1
            else:
                title = article.title
                report.review_conflicts.append(
                    f"{review.reviewer} on {title!r}: ours has "
                    f"{count_noun(len(our_gold), 'gold quote')}"
                    f" ({ours.status}), theirs {len(their_gold)} ({review.status})"
                )
            continue
        left_out = _their_left_out(other, review, annotation_map, report)
        ours_store.copy_review(
            our_article, review, their_gold, annotation_map, str(other.path), left_out
        )
        report.gold_quotes_added += len(their_gold)
        report.left_out_added += len(left_out)
        report.reviews_added += 1
