"""The review session: compare annotators' versions of an article and adjudicate a gold one.

No Qt here. For each article the chosen annotators' accepted quotes are matched one-to-one
by character overlap (largest first, PRODUCT.md "Agreement"); each match becomes a
:class:`ReviewItem` whose differences are said in words by
:func:`annotator.core.agreement.describe_differences`. Every decision (accept the
agreements, pick a version, edit one, add or drop a quote, finish the article) is written at
once and returns a :class:`ReviewEdit` that undoes it; applying that returns the redo.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from annotator.core.agreement import describe_differences
from annotator.core.errors import EditConflict
from annotator.core.model import (
    AnnotationRecord,
    Quote,
    StoredArticle,
    left_out_line,
    quote_span_problem,
)
from annotator.core.scoring import overlap_matching
from annotator.store import queries
from annotator.store.project import Project
from annotator.store.review import GoldRecord, GoldState, ReviewStore

#: The status of an annotation that counts as that annotator's quote.
COUNTED_STATUS = "accepted"


@dataclass(frozen=True)
class ReviewItem:
    """One quote as the compared annotators have it (some may lack it), and its gold."""

    annotators: tuple[str, ...]
    versions: tuple[AnnotationRecord | None, ...]
    differences: tuple[str, ...]
    gold: GoldRecord | None = None
    #: The reviewer left the quote out of the gold on purpose (X): decided, not a quote.
    left_out: bool = False
    #: Why each compared annotator has no version, in compare order ("" when they have
    #: one): "rejected" (they rejected it), "not marked" (they opened the article but did
    #: not mark it), "never opened" (they never opened the article).
    absent: tuple[str, ...] = ()

    def absence(self, annotator: str) -> str:
        """Why ``annotator`` has no version of this quote ("" when they have one)."""
        for name, why in zip(self.annotators, self.absent):
            if name == annotator:
                return why
        return ""

    @property
    def present(self) -> list[tuple[str, AnnotationRecord]]:
        """(annotator, version) for the annotators who have this quote, in compare order."""
        return [(n, v) for n, v in zip(self.annotators, self.versions) if v is not None]

    @property
    def present_v(self) -> tuple[AnnotationRecord, ...]:
        """The versions present, in compare order."""
        return tuple(v for v in self.versions if v is not None)

    @property
    def agreed(self) -> bool:
        """Two or more annotators compared, all have the quote and their versions agree."""
        return len(self.versions) >= 2 and all(self.versions) and not self.differences

    @property
    def decided(self) -> bool:
        """A gold version exists, or the reviewer left the quote out of the gold."""
        return self.gold is not None or self.left_out

    @property
    def version_ids(self) -> tuple[int, ...]:
        """The annotation ids of the versions present."""
        return tuple(v.id for v in self.versions if v is not None)

    @property
    def start(self) -> int:
        starts = [v.quote.start for v in self.versions if v is not None]
        if self.gold is not None:
            starts.append(self.gold.quote.start)
        return min(starts) if starts else 0

    @property
    def spans(self) -> tuple[tuple[int, int], ...]:
        """Content spans of every version and the gold, merged (for highlighting)."""
        out: set[tuple[int, int]] = set()
        for v in self.versions:
            if v is not None:
                out.update(v.quote.content_spans)
        if self.gold is not None:
            out.update(self.gold.quote.content_spans)
        return tuple(sorted(out))

    def version(self, annotator: str) -> AnnotationRecord | None:
        for name, v in zip(self.annotators, self.versions):
            if name == annotator:
                return v
        return None

    def summary(self) -> str:
        """The differences in one line (or "agreed")."""
        if self.agreed:
            return "agreed"
        if not any(self.versions):
            return "added by the reviewer"
        return "; ".join(self.differences)


def _same_gold(a: GoldState, b: GoldState | None) -> bool:
    """The same gold decision: how it was decided, from which version, and what the quote
    says (spans, kind, speaker, stance, target); the stored row and the state a session
    holds may differ in what no decision sets (the version's origin, the name)."""
    if b is None:
        return False
    qa, qb = a.quote, b.quote
    return (a.decision, a.source_annotation_id) == (b.decision, b.source_annotation_id) and (
        qa.content_spans,
        qa.speaker_spans,
        qa.cue_spans,
        qa.kind,
        qa.speaker_name,
        qa.stance,
        qa.stance_target,
    ) == (
        qb.content_spans,
        qb.speaker_spans,
        qb.cue_spans,
        qb.kind,
        qb.speaker_name,
        qb.stance,
        qb.stance_target,
    )


@dataclass(frozen=True)
class GoldChange:
    """One change to the gold table: ``gold_id`` goes from ``before`` to ``after``.

    ``gold_id`` None means a new row; ``after`` None means the row is deleted.
    """

    gold_id: int | None
    before: GoldState | None
    after: GoldState | None


@dataclass(frozen=True)
class ReviewEdit:
    """An undoable review action: gold changes and an optional review-status change."""

    label: str
    article_id: int
    changes: tuple[GoldChange, ...] = ()
    status: tuple[str, str] | None = None
    #: (annotation ids, True to mark them left out of the gold / False to take them back)
    left_out: tuple[tuple[int, ...], bool] | None = None

    @property
    def empty(self) -> bool:
        marks = self.left_out[0] if self.left_out is not None else ()
        return not self.changes and self.status is None and not marks


@dataclass(frozen=True)
class ReviewLabel:
    """What the review window's article list shows of one article: its title, how many of
    its quote rows differ, how many are decided (gold or left out) of how many, and the
    reviewer's review status (``new``, ``in_progress``, ``done``)."""

    id: int
    title: str
    differ: int
    decided: int
    quotes: int
    status: str


@dataclass
class ArticleRows:
    """The review rows of one article as last read (:meth:`ReviewSession.read`), kept up
    to date by :meth:`ReviewSession.update` after each decision without matching the
    versions again.

    ``items`` are in text order; ``stamp`` is :meth:`ReviewStore.review_stamp` as of
    ``items``; ``left_out_lines`` name the quotes left out for a span outside the text."""

    article_id: int
    items: list[ReviewItem]
    stamp: tuple[object, ...] = ()
    left_out_lines: list[str] = field(default_factory=list)
    #: each item's place before the text-order sort (ties keep it)
    base: list[int] = field(default_factory=list)
    #: annotation id -> index in ``items`` of the row holding that version
    row_of_version: dict[int, int] = field(default_factory=dict)
    #: gold id -> index in ``items``
    row_of_gold: dict[int, int] = field(default_factory=dict)
    #: some gold is not in the row of its source version (placed by overlap, or a
    #: reviewer's own quote): each change is read again in full
    loose: bool = False
    #: how many rows are agreed, and decided (gold or left out)
    agreed: int = 0
    decided: int = 0
    #: :meth:`Project.data_version` when ``stamp`` was last found current (-1: never)
    data_version: int = -1

    def index(self) -> None:
        """Build the lookups from ``items``."""
        self.row_of_version = {v.id: i for i, it in enumerate(self.items) for v in it.present_v}
        self.row_of_gold = {it.gold.id: i for i, it in enumerate(self.items) if it.gold}
        self.loose = any(
            it.gold is not None and it.gold.state.source_annotation_id not in it.version_ids
            for it in self.items
        )
        self.agreed = sum(1 for it in self.items if it.agreed)
        self.decided = sum(1 for it in self.items if it.decided)


def match_versions(
    annotators: Sequence[str], quotes: Sequence[Sequence[AnnotationRecord]]
) -> list[list[AnnotationRecord | None]]:
    """Group the annotators' quotes into rows, one-to-one by character overlap.

    Two annotators: exactly the pairwise matching of the agreement figures (largest overlap
    first). More: each further annotator is matched against the row's first version.
    """
    rows: list[list[AnnotationRecord | None]] = []
    for k, mine in enumerate(quotes):
        anchors = [next(v for v in row if v is not None) for row in rows]
        matching = overlap_matching(
            [a.quote.content_spans for a in anchors], [m.quote.content_spans for m in mine]
        )
        taken = set()
        for row_i, mine_i in matching.items():
            rows[row_i][k] = mine[mine_i]
            taken.add(mine_i)
        for i, rec in enumerate(mine):
            if i not in taken:
                row: list[AnnotationRecord | None] = [None] * len(annotators)
                row[k] = rec
                rows.append(row)
    return rows


def _only_in(names: Sequence[str]) -> str:
    return "only in " + " and ".join(f"{n}'s" for n in names)


def differences(
    text: str, annotators: Sequence[str], versions: Sequence[AnnotationRecord | None]
) -> tuple[str, ...]:
    """The differences between the versions of one row, in words, without repeats."""
    present = [(n, v) for n, v in zip(annotators, versions) if v is not None]
    missing = [n for n, v in zip(annotators, versions) if v is None]
    out: list[str] = []
    if missing and present:
        if len(present) == 1 or len(missing) == 1 and len(annotators) == 2:
            out.append(_only_in([n for n, _ in present]))
        else:
            out.append("missing in " + ", ".join(f"{n}'s" for n in missing))
    if len(present) >= 2:
        first_name, first = present[0]
        for name, other in present[1:]:
            for d in describe_differences(first.quote, other.quote, text, first_name, name):
                if len(present) > 2 and not d.startswith("only in"):
                    d = f"{d} ({first_name} vs {name})"
                if d not in out:
                    out.append(d)
    return tuple(out)


def _order_key(item: ReviewItem, base: int) -> tuple[object, ...]:
    """Where ``item`` goes in text order (``base``: its place before the sort, for ties)."""
    return (item.start, item.spans, base)


class ReviewSession:
    """A reviewer adjudicating the versions of chosen annotators, article by article."""

    def __init__(self, project: Project, reviewer: str, annotators: Sequence[str] = ()) -> None:
        reviewer = reviewer.strip()
        if not reviewer:
            raise ValueError("a review needs a reviewer's name")
        self.project = project
        self.store = ReviewStore(project)
        self.reviewer = reviewer
        self.annotators: tuple[str, ...] = tuple(annotators)
        #: article id -> a line per quote left out of its rows (see :meth:`_versions`)
        self.left_out: dict[int, list[str]] = {}

    def set_annotators(self, annotators: Sequence[str]) -> None:
        """Choose the annotators to compare (in the order their versions are shown)."""
        self.annotators = tuple(dict.fromkeys(annotators))

    def available_annotators(self) -> list[str]:
        """Annotators with at least one counted quote, by name."""
        return self.project.annotators_with_status(COUNTED_STATUS)

    def article_ids(self) -> list[int]:
        """Articles where at least one chosen annotator has a quote, or a gold exists
        (ascending). A project-wide read (0.6 s at 100,000 articles): not on a GUI thread."""
        return self.store.article_ids_to_review(self.reviewer, self.annotators, COUNTED_STATUS)

    def label(
        self, article_id: int, items: Sequence[ReviewItem], title: str, status: str | None = None
    ) -> ReviewLabel:
        """The list label of an article whose rows are ``items`` (``status`` None: read)."""
        return ReviewLabel(
            article_id,
            title,
            sum(1 for it in items if not it.agreed),
            sum(1 for it in items if it.decided),
            len(items),
            self.status(article_id) if status is None else status,
        )

    def rows_label(self, rows: ArticleRows, title: str) -> ReviewLabel:
        """:meth:`label` from the counts kept in ``rows`` (the status is read)."""
        n = len(rows.items)
        return ReviewLabel(
            rows.article_id, title, n - rows.agreed, rows.decided, n, self.status(rows.article_id)
        )

    def labels(self, article_ids: Sequence[int]) -> list[ReviewLabel]:
        """The list labels of ``article_ids`` (in that order; ids of deleted articles are
        left out). Reads and matches every version of each article (a few ms each): meant
        for a page of the list, on a pool thread."""
        statuses = self.store.statuses(self.reviewer, article_ids)
        out = []
        for aid in article_ids:
            try:
                art = self.project.article(aid)
            except KeyError:
                continue
            items = self.items(aid, art.text)
            out.append(self.label(aid, items, art.title, statuses.get(aid, "new")))
        return out

    def article(self, article_id: int) -> StoredArticle:
        return self.project.article(article_id)

    def status(self, article_id: int) -> str:
        """``new``, ``in_progress`` or ``done`` for this reviewer's review of the article."""
        rec = self.store.review(article_id, self.reviewer)
        return "new" if rec is None else rec.status

    # -- reading -------------------------------------------------------------------------------

    def _versions(self, article_id: int, text: str) -> list[list[AnnotationRecord]]:
        """The chosen annotators' counted quotes on the article, without those whose spans
        cannot lie in ``text`` (a project edited by hand: the export's check,
        :func:`~annotator.core.model.quote_span_problem`); each of those is a
        :func:`~annotator.core.model.left_out_line` in :attr:`left_out` of the article."""
        bad: list[str] = []
        out: list[list[AnnotationRecord]] = []
        for name in self.annotators:
            kept: list[AnnotationRecord] = []
            for r in self.project.annotations(article_id, name):
                if r.quote.status != COUNTED_STATUS:
                    continue
                why = quote_span_problem(r.quote, len(text))
                if why is None:
                    kept.append(r)
                else:
                    bad.append(left_out_line(article_id, r.id, why))
            out.append(kept)
        if bad:
            self.left_out[article_id] = bad
        else:
            self.left_out.pop(article_id, None)
        return out

    def items(self, article_id: int, text: str | None = None) -> list[ReviewItem]:
        """The article's quotes as matched rows with their differences and gold, in text order."""
        return self._read(article_id, text)[0]

    def read(self, article_id: int, text: str | None = None) -> ArticleRows:
        """The article's rows (:meth:`items`) with what :meth:`update` needs: their stamp
        (taken first, so a change made meanwhile shows as a newer stamp) and lookups.
        Reads and matches every version (about 1 s at 5,000 quotes per annotator): a
        long article is read on a pool thread."""
        stamp = self.stamp(article_id)
        items, base = self._read(article_id, text)
        rows = ArticleRows(article_id, items, stamp, list(self.left_out.get(article_id, ())), base)
        rows.index()
        return rows

    def fresh(self, rows: ArticleRows) -> bool:
        """True when ``rows`` are the project's now: no other connection committed since
        they were last found current (SQLite's data version: no read), or the
        article's :meth:`stamp` is still theirs."""
        version = self.project.data_version()
        if version == rows.data_version:
            return True
        if self.stamp(rows.article_id) != rows.stamp:
            return False
        rows.data_version = version
        return True

    def stamp(self, article_id: int) -> tuple[object, ...]:
        """:meth:`ReviewStore.review_stamp` of the article for this review."""
        return self.store.review_stamp(article_id, self.reviewer, self.annotators)

    def version_count(self, article_id: int) -> int:
        """How many annotations (any status) the compared annotators have on the article:
        the first item of :meth:`stamp`, an indexed count."""
        count = self.stamp(article_id)[0]
        return count if isinstance(count, int) else 0

    def _read(self, article_id: int, text: str | None) -> tuple[list[ReviewItem], list[int]]:
        """The items in text order and each one's place before that sort."""
        if text is None:
            text = self.project.article(article_id).text
        rows = match_versions(self.annotators, self._versions(article_id, text))
        golds = self.store.gold(article_id, self.reviewer)
        by_source = {g.state.source_annotation_id: g for g in golds if g.state.source_annotation_id}
        assigned: dict[int, GoldRecord] = {}
        used: set[int] = set()
        for i, row in enumerate(rows):
            for v in row:
                if v is not None and v.id in by_source and by_source[v.id].id not in used:
                    assigned[i] = by_source[v.id]
                    used.add(assigned[i].id)
                    break
        # gold rows whose source is gone (or never was): place them by overlap
        loose = [g for g in golds if g.id not in used]
        free = [i for i in range(len(rows)) if i not in assigned]
        if loose and free:
            row_spans = [
                tuple(s for v in rows[i] if v is not None for s in v.quote.content_spans)
                for i in free
            ]
            matching = overlap_matching(row_spans, [g.quote.content_spans for g in loose])
            for fi, gi in matching.items():
                assigned[free[fi]] = loose[gi]
                used.add(loose[gi].id)
        left = self.store.left_out(article_id, self.reviewer)
        why = self._absence(article_id)
        items = [
            ReviewItem(
                self.annotators,
                tuple(row),
                differences(text, self.annotators, row),
                assigned.get(i),
                left_out=i not in assigned and any(v is not None and v.id in left for v in row),
                absent=tuple(
                    "" if v is not None else why(name, row) for name, v in zip(self.annotators, row)
                ),
            )
            for i, row in enumerate(rows)
        ]
        for g in golds:
            if g.id not in used:
                empty: tuple[AnnotationRecord | None, ...] = (None,) * len(self.annotators)
                items.append(ReviewItem(self.annotators, empty, (), g))
        order = sorted(range(len(items)), key=lambda k: (items[k].start, items[k].spans))
        return [items[k] for k in order], order

    def _absence(self, article_id: int) -> Callable[[str, Sequence[AnnotationRecord | None]], str]:
        """A function telling why an annotator lacks a row's quote (see ReviewItem.absent);
        it reads the annotator's rejected quotes and progress on first need only."""
        known: dict[str, tuple[list[tuple[tuple[int, int], ...]], bool]] = {}

        def why(name: str, row: Sequence[AnnotationRecord | None]) -> str:
            if name not in known:
                rejected = [
                    r.quote.content_spans
                    for r in self.project.annotations(article_id, name)
                    if r.quote.status == "rejected"
                ]
                known[name] = (rejected, queries.has_opened(self.project, article_id, name))
            rejected, opened = known[name]
            spans = [s for v in row if v is not None for s in v.quote.content_spans]
            for theirs in rejected:
                if any(a < d and c < b for a, b in spans for c, d in theirs):
                    return "rejected"
            return "not marked" if opened else "never opened"

        return why

    def disagreements(self, article_id: int) -> int:
        """How many rows of the article are not agreed."""
        return sum(1 for it in self.items(article_id) if not it.agreed)

    def update(self, rows: ArticleRows, applied: ReviewEdit) -> list[int] | None:
        """Bring ``rows`` up to date after ``applied`` (the inverse :meth:`apply` or a
        decision returned) changed the gold of ``rows.article_id``: only the rows whose
        gold or left-out mark changed are made again (one read of each changed gold
        quote and of the article's left-out marks), the versions are not matched again.

        Returns the indices of the rows that changed, or None when ``rows`` was read
        again in full (their order or number may differ): when a gold quote is not in
        the row of its source version (placed by overlap, or the reviewer's own quote),
        or a change would put one there, or a row's place in text order moves. The
        result equals a fresh :meth:`read` (tests compare the two)."""
        if applied.article_id != rows.article_id:
            raise ValueError("the edit is about another article")
        if rows.loose:
            return self._reread(rows)
        items = rows.items
        touched: set[int] = set()
        was: dict[int, bool] = {}  # decided before this update, by row
        for ch in applied.changes:
            gid, state = ch.gold_id, ch.before  # the inverse's "before" is the state now
            if gid is None:
                return self._reread(rows)
            old = rows.row_of_gold.get(gid)
            target: int | None = None
            rec: GoldRecord | None = None
            if state is not None:
                src = state.source_annotation_id
                target = None if src is None else rows.row_of_version.get(src)
                rec = self.store.gold_quote(gid)
                if target is None or rec is None:
                    return self._reread(rows)
                there = items[target].gold
                if there is not None and there.id != gid:
                    return self._reread(rows)
            for i in (old, target):
                if i is not None:
                    was.setdefault(i, items[i].decided)
            if old is not None and old != target:
                items[old] = replace(items[old], gold=None)
                del rows.row_of_gold[gid]
                touched.add(old)
            if target is not None:
                items[target] = replace(items[target], gold=rec)
                rows.row_of_gold[gid] = target
                touched.add(target)
        if applied.left_out is not None:
            touched.update(
                rows.row_of_version[i] for i in applied.left_out[0] if i in rows.row_of_version
            )
        if touched:
            left = self.store.left_out(rows.article_id, self.reviewer)
            for i in touched:
                it = items[i]
                was.setdefault(i, it.decided)
                marked = it.gold is None and any(v.id in left for v in it.present_v)
                if marked != it.left_out:
                    items[i] = replace(it, left_out=marked)
        # a decision writes gold rows and left-out marks only: the versions' part of the
        # stamp stays as checked (a change made to them meanwhile shows at the next check)
        gold = self.store.gold_stamp(rows.article_id, self.reviewer)
        rows.stamp = (*rows.stamp[:-1], gold)
        rows.decided += sum(int(items[i].decided) - int(before) for i, before in was.items())
        for i in touched:
            if i > 0 and _order_key(items[i - 1], rows.base[i - 1]) > _order_key(
                items[i], rows.base[i]
            ):
                return self._reread(rows)
            if i + 1 < len(items) and _order_key(items[i], rows.base[i]) > _order_key(
                items[i + 1], rows.base[i + 1]
            ):
                return self._reread(rows)
        return sorted(touched)

    def _reread(self, rows: ArticleRows) -> list[int] | None:
        """Read ``rows`` again in full (see :meth:`update`)."""
        fresh = self.read(rows.article_id)
        rows.items, rows.stamp, rows.base = fresh.items, fresh.stamp, fresh.base
        rows.left_out_lines = fresh.left_out_lines
        rows.index()
        return None

    # -- writing -------------------------------------------------------------------------------

    def apply(self, edit: ReviewEdit) -> ReviewEdit:
        """Carry out ``edit`` in one transaction; return the edit that undoes it."""
        inverse: list[GoldChange] = []
        status: tuple[str, str] | None = None
        with self.project.batch():
            for ch in edit.changes:
                if ch.gold_id is not None:
                    self._expect(ch)
                if ch.after is None:
                    if ch.gold_id is None:
                        continue
                    old = self.store.delete_gold(ch.gold_id, self.reviewer)
                    inverse.append(GoldChange(ch.gold_id, None, old.state))
                else:
                    ident = self.store.put_gold(
                        edit.article_id, self.reviewer, self.annotators, ch.after, ch.gold_id
                    )
                    inverse.append(GoldChange(ident, ch.after, ch.before))
            if edit.status is not None:
                old_status, new_status = edit.status
                if new_status == "new":
                    new_status = "in_progress"
                prev = self.store.set_status(edit.article_id, self.reviewer, new_status)
                status = (new_status, prev)
            left_out = None
            if edit.left_out is not None and edit.left_out[0]:
                ids, on = edit.left_out
                changed = self.store.set_left_out(
                    edit.article_id, self.reviewer, self.annotators, ids, on
                )
                left_out = (changed, not on)
        return ReviewEdit(edit.label, edit.article_id, tuple(reversed(inverse)), status, left_out)

    def _expect(self, ch: GoldChange) -> None:
        """Raise EditConflict unless gold row ``ch.gold_id`` still holds ``ch.before`` (or
        is still absent when ``before`` is None): an undo or a decision of this session
        never replaces a decision made since in another window or program (verify21 V12:
        Ctrl+Z in one review window deleted the same reviewer's later pick in another)."""
        now = self.store.gold_quote(ch.gold_id) if ch.gold_id is not None else None
        if (now is None) != (ch.before is None) or (
            now is not None and not _same_gold(now.state, ch.before)
        ):
            raise EditConflict(
                "this quote's gold was changed in another window or program since; "
                "nothing was changed here"
            )

    def _gold_state(
        self, item: ReviewItem, quote: Quote, decision: str, source: int | None
    ) -> GoldState:
        return GoldState(quote.with_(annotator=self.reviewer, status="accepted"), decision, source)

    def _set(
        self, article_id: int, label: str, item: ReviewItem, state: GoldState | None
    ) -> ReviewEdit:
        gid = None if item.gold is None else item.gold.id
        before = None if item.gold is None else item.gold.state
        # a quote given a gold version is no longer left out
        back = (item.version_ids, False) if item.left_out and state is not None else None
        if before == state:
            return (
                ReviewEdit(label, article_id)
                if back is None
                else self.apply(ReviewEdit(label, article_id, (), None, back))
            )
        change = GoldChange(gid, before, state)
        return self.apply(ReviewEdit(label, article_id, (change,), None, back))

    def accept_agreements(
        self, article_id: int, items: Sequence[ReviewItem] | None = None
    ) -> ReviewEdit:
        """Make every agreed, undecided row gold (decision ``agreed``; a row already gold or
        left out of the gold stays so); return the undo.
        ``items``: the article's rows as shown (None: read them)."""
        changes = []
        for item in self.items(article_id) if items is None else items:
            # decided rows stay as decided: gold, or left out by the reviewer (verify21 V4)
            if item.agreed and item.gold is None and not item.left_out:
                name, rec = item.present[0]
                changes.append(
                    GoldChange(None, None, self._gold_state(item, rec.quote, "agreed", rec.id))
                )
        if not changes:
            return ReviewEdit("Accept agreements", article_id)
        return self.apply(ReviewEdit("Accept agreements", article_id, tuple(changes)))

    def pick(self, article_id: int, item: ReviewItem, annotator: str) -> ReviewEdit:
        """Make ``annotator``'s version of the row gold; return the undo."""
        rec = item.version(annotator)
        if rec is None:
            raise ValueError(f"{annotator} has no version of this quote")
        decision = "agreed" if item.agreed else "picked"
        state = self._gold_state(item, rec.quote, decision, rec.id)
        return self._set(article_id, f"Pick {annotator}'s version", item, state)

    def edit(
        self, article_id: int, item: ReviewItem, quote: Quote, base: str | None = None
    ) -> ReviewEdit:
        """Make an edited quote gold (``base``: the annotator whose version was edited)."""
        source = item.version(base) if base else None
        if source is None and item.gold is not None:
            source_id = item.gold.state.source_annotation_id
        else:
            source_id = None if source is None else source.id
        decision = "edited" if any(item.versions) else "added"
        state = self._gold_state(item, quote, decision, source_id)
        return self._set(article_id, "Edit the gold version", item, state)

    def add(self, article_id: int, quote: Quote) -> ReviewEdit:
        """Add a quote no annotator had to the gold (decision ``added``)."""
        state = GoldState(quote.with_(annotator=self.reviewer, status="accepted"), "added", None)
        return self.apply(
            ReviewEdit("Add a gold quote", article_id, (GoldChange(None, None, state),))
        )

    def drop(self, article_id: int, item: ReviewItem) -> ReviewEdit:
        """Leave the row out of the gold (it is not a quote): its gold version, if any, is
        deleted and the annotators' versions are marked left out, so the row counts as
        decided. Returns the undo (empty when the row was already left out)."""
        changes: tuple[GoldChange, ...] = ()
        if item.gold is not None:
            changes = (GoldChange(item.gold.id, item.gold.state, None),)
        mark = (item.version_ids, True) if item.version_ids and not item.left_out else None
        if not changes and mark is None:
            return ReviewEdit("Leave out of the gold", article_id)
        return self.apply(ReviewEdit("Leave out of the gold", article_id, changes, None, mark))

    def set_done(self, article_id: int, done: bool = True) -> ReviewEdit:
        """Mark this reviewer's review of the article finished (or not); return the undo."""
        new = "done" if done else "in_progress"
        old = self.status(article_id)
        if old == new:
            return ReviewEdit("Finish review", article_id)
        return self.apply(ReviewEdit("Finish review", article_id, (), (old, new)))
