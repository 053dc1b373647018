"""The annotation session: one annotator working through a project, quote by quote. No Qt.

The window only translates key presses and clicks into calls here. A session holds the
open article and its *items* in text order (:mod:`annotator.services.items`): the
annotator's own annotations merged with the detector's suggestions they have not decided
yet. Every change is an :data:`~annotator.services.ops.Op` applied in one transaction;
every change of what is shown (an op, a move, a write by another window) is announced to
the subscribers as one :class:`~annotator.services.ops.Change`.

Design rules (issue "annotation window"): a decision on a suggestion creates an annotation
row carrying ``suggestion_id`` (origin ``model`` when unchanged, ``model-corrected`` when
edited); a hand-made quote has origin ``manual``; only the session's annotator's rows are
ever written.
"""

from __future__ import annotations

import contextlib
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from annotator.core.errors import EditConflict
from annotator.core.model import (
    AnnotationRecord,
    Quote,
    StoredArticle,
    SuggestionRecord,
    quote_span_problem,
    quotes_inside,
    spans_text,
    with_mention,
)
from annotator.services.editing import (
    name_candidates,
)
from annotator.services.items import Item, ItemKey, ItemSet, annotation_key
from annotator.services.ops import AnnotationOp, ArticleTargetOp, Change, Op, ProgressOp
from annotator.services.session_plans import SessionPlans
from annotator.store import queries
from annotator.store.project import (
    AnnotationIdTaken,
    ArticleTargetChangedElsewhere,
    ProgressChangedElsewhere,
    Project,
)
from annotator.store.queries import Totals

__all__ = [
    "AnnotationOp",
    "ArticleTargetOp",
    "Change",
    "Item",
    "ItemKey",
    "ListFigures",
    "Op",
    "ProgressOp",
    "Session",
]

#: How much of an article's text the speaker completer scans for capitalised names when no
#: model found them (characters from the start).
NAME_SCAN_CHARS = 200_000

# -- the session ----------------------------------------------------------------------------


def _words(text: str, spans: Sequence[tuple[int, int]], limit: int = 60) -> str:
    """The text of ``spans`` on one line, cut to ``limit`` characters with "…"."""
    words = " ".join(spans_text(text, tuple(spans)).split())
    return words[: limit - 1].rstrip() + "…" if len(words) > limit else words


def differences(text: str, read: Quote, now: Quote) -> list[str]:
    """What another window changed in a quote, as clauses ("its speaker is now Kim Ji-ho"),
    from the version this window ``read`` to the one stored ``now`` (offsets into ``text``);
    empty when no field the analyst edits differs."""
    out: list[str] = []
    if now.status != read.status:
        out.append("it is now undecided" if now.status == "pending" else f"it is now {now.status}")
    if now.content_spans != read.content_spans:
        out.append(f"its span is now “{_words(text, now.content_spans)}”")
    if now.speaker_name != read.speaker_name:
        out.append(
            f"its speaker is now {now.speaker_name}"
            if now.speaker_name
            else "its speaker was removed"
        )
    if now.speaker_spans != read.speaker_spans:
        out.append(
            f"its speaker mention is now “{_words(text, now.speaker_spans)}”"
            if now.speaker_spans
            else "its speaker mention was removed"
        )
    if now.stance != read.stance:
        out.append(f"its stance is now {now.stance}" if now.stance else "its stance was cleared")
    if now.stance_target != read.stance_target and now.stance == read.stance:
        out.append(
            f"its stance target is now “{now.stance_target}”"
            if now.stance_target
            else "its own stance target was cleared"
        )
    if now.kind != read.kind:
        out.append(f"its kind is now {now.kind}")
    if now.cue_spans != read.cue_spans:
        out.append(
            f"its cue is now “{_words(text, now.cue_spans)}”"
            if now.cue_spans
            else "its cue was removed"
        )
    if (now.note or None) != (read.note or None):
        out.append("its note was changed" if now.note else "its note was removed")
    return out


@dataclass
class ArticleCounts:
    """Done/total quotes and the status of the open article (for the status bar)."""

    done: int = 0
    total: int = 0
    status: str = "new"
    #: suggestions hidden by the confidence threshold ``below`` (not in ``total``)
    hidden: int = 0
    below: float = 0.0
    #: suggestions of the article being read off the window's thread (0: none awaited);
    #: ``done`` and ``total`` count the items there are until they come
    loading: int = 0


@dataclass(frozen=True)
class ListFigures:
    """The figures of one article's list row that quote decisions change (the fields of
    :class:`~annotator.store.queries.ArticleRow` of the same names)."""

    status: str
    quotes_done: int
    quotes_total: int
    n_annotations: int
    n_accepted: int


def item_set_of(
    length: int,
    suggestions: list[SuggestionRecord],
    mine: list[AnnotationRecord],
    min_confidence: float,
) -> tuple[ItemSet, list[str]]:
    """The items of an article of ``length`` code points from its suggestions and one
    annotator's annotations (no database: a worker thread may call it), and the lines
    naming the quotes left out for a span outside the text ("quote 12: content span
    [-5, 99] starts before the text")."""
    # spans outside the text (a project changed by hand, with SQL) are not drawn nor
    # acted on; the window says so once (tester17 F9). The rows stay as they are.
    bad: list[str] = []
    kept_suggestions = _inside(suggestions, length, "suggestion", bad)
    kept_mine = _inside(mine, length, "quote", bad)
    return ItemSet(kept_mine, kept_suggestions, min_confidence), bad


_Rec = TypeVar("_Rec", SuggestionRecord, AnnotationRecord)


def _inside(records: list[_Rec], length: int, noun: str, bad: list[str]) -> list[_Rec]:
    """``records`` whose spans lie inside a text of ``length`` code points (the list
    itself when all do: the usual case, one pass); each left out is added to ``bad`` as
    ``"{noun} {id}: why"``."""
    if quotes_inside((r.quote for r in records), length):
        return records
    kept: list[_Rec] = []
    for r in records:
        why = quote_span_problem(r.quote, length)
        if why is None:
            kept.append(r)
        else:
            bad.append(f"{noun} {r.id}: {why}")
    return kept


@dataclass(frozen=True)
class LateItems:
    """What a worker made of an article's suggestions read off the window's thread:
    ``items`` and ``bad`` from :func:`item_set_of` over ``mine`` (the annotations it read
    beside them) at ``min_confidence``."""

    mine: list[AnnotationRecord]
    items: ItemSet
    bad: list[str]
    min_confidence: float


@dataclass
class Session(SessionPlans):
    """One annotator's session on a project: the open article, its items, the current one."""

    project: Project
    annotator: str
    article: StoredArticle | None = None
    items: list[Item] = field(default_factory=list)
    index: int = -1
    _suggested: dict[int, Quote] = field(default_factory=dict)
    _suggestions: list[SuggestionRecord] = field(default_factory=list)
    _suggestions_of: int | None = None
    _item_set: ItemSet | None = None
    #: the open article's quotes left out for a span outside its text ("quote 12: content
    #: span [-5, 99] starts before the text (negative offset)"); see _load_items
    bad_spans: list[str] = field(default_factory=list)
    _status: str = "new"
    _listeners: list[Callable[[Change], None]] = field(default_factory=list)
    #: suggestions (undecided model quotes) below this confidence are hidden; 0 shows all
    min_confidence: float = 0.0
    #: the last :meth:`apply` asked to advance found an undecided quote to move to
    advanced: bool = False
    #: :func:`queries.article_stamp` of the open article taken just before it was read
    #: (None: unknown, the next :meth:`changed_elsewhere` says True), and the project's
    #: ``data_version`` then (see :meth:`own_commit`)
    _stamp: tuple[object, ...] | None = None
    _stamp_version: int = -1
    #: times the open article's items were read (tests count the re-reads)
    reads: int = 0
    #: an article with more suggestions than this has them read elsewhere when
    #: ``on_late_suggestions`` is set (issue 16, tester18 T8: 20,000 took 0.23 s to read and
    #: 0.2 s more to index on the window's thread); smaller articles get theirs at once
    late_suggestions: int = 2_000
    #: the window's reader of late suggestions: called with the article id; it reads them
    #: off its thread and hands them to :meth:`suggestions_arrived`. None: read at once
    on_late_suggestions: Callable[[int], None] | None = None
    #: id of the open article whose suggestions are being read elsewhere (its items hold
    #: the annotator's annotations alone meanwhile); None when none are awaited
    suggestions_pending: int | None = None
    #: how many suggestions are awaited for :attr:`suggestions_pending` (0: none)
    suggestions_loading: int = 0
    #: (focus asked at open, key picked at open) while suggestions are awaited: when they
    #: arrive and the analyst has not moved, the pick is made again with them
    _pending_pick: tuple[ItemKey | None, ItemKey | None] = (None, None)

    # -- change notices --------------------------------------------------------------------

    def subscribe(self, listener: Callable[[Change], None]) -> None:
        """Call ``listener`` with a :class:`Change` after every change of what is shown."""
        self._listeners.append(listener)

    def announce(self, change: Change) -> None:
        """Tell every subscriber about ``change``."""
        for listener in list(self._listeners):
            listener(change)

    def _moved(self, moved: bool) -> bool:
        if moved and self.article is not None:
            self.announce(Change(article_ids=(self.article.id,), moved=True))
        return moved

    # -- opening and navigation ------------------------------------------------------------

    def open_article(self, article_id: int, focus: ItemKey | None = None) -> None:
        """Load an article and its items; select ``focus`` or the first undecided one.

        Announces ``Change(opened=True)``. Raises KeyError for an unknown article id.
        """
        self._open(article_id, focus)
        self.announce(Change(article_ids=(article_id,), opened=True))

    def _open(self, article_id: int, focus: ItemKey | None = None) -> None:
        self._take_stamp(article_id)
        self.article = self.project.article(article_id)
        self._status = self.project.progress(article_id, self.annotator)
        self.suggestions_pending = None
        self.suggestions_loading = 0
        self._load_items()
        self._pick(focus)
        if self.suggestions_pending is not None:
            self._pending_pick = (focus, self.current.key if self.current else None)

    def _pick(self, focus: ItemKey | None) -> None:
        """Make ``focus`` current, else the first undecided item, else the first."""
        self.index = -1
        if focus is not None:
            self.select(focus)
        if self.index < 0 and self.items:
            undecided = [i for i, it in enumerate(self.items) if not it.decided]
            self.index = undecided[0] if undecided else 0

    def suggestions_arrived(
        self, article_id: int, rows: list[SuggestionRecord], made: LateItems | None = None
    ) -> bool:
        """The suggestions of ``article_id`` read elsewhere (what
        :meth:`Project.suggestions` gives): when that article is open and awaits them, take
        them into its items, pick the quote to show again if the analyst has not moved, and
        announce ``Change(items_changed=True, items_arrived=True)``. ``made``: the items a
        worker built from them, taken as they are when its annotations and threshold are
        still this session's (else built here). False (nothing done) for rows come too
        late (another article opened, or the article re-read since)."""
        if self.suggestions_pending != article_id or self.article is None:
            return False
        if self.article.id != article_id:
            return False
        self.suggestions_pending = None
        self.suggestions_loading = 0
        self._suggestions = rows
        self._suggestions_of = article_id
        self._suggested = {s.id: s.quote for s in rows}
        focus, picked = self._pending_pick
        key = self.current.key if self.current else None
        if (
            made is not None
            and made.min_confidence == self.min_confidence
            and made.mine == self.project.annotations(article_id, self.annotator)
        ):
            self._item_set, self.bad_spans = made.items, made.bad
            self.items = made.items.items
        else:
            self._load_items(suggestions_too=False)
        stayed = key == picked  # the analyst is where the open put them
        if stayed:
            self._pick(focus)
        else:
            self.index = -1
            if key is not None:
                self.select(key)
            if self.index < 0 and self.items:
                self.index = 0
        self.announce(
            Change(article_ids=(article_id,), items_changed=True, moved=stayed, items_arrived=True)
        )
        return True

    def _load_items(self, suggestions_too: bool = True) -> None:
        """Re-read the open article's items. ``suggestions_too=False`` keeps the article's
        suggestions as read before (an annotation op never writes suggestions), so only
        the annotator's annotations are read again."""
        assert self.article is not None
        aid = self.article.id
        self.reads += 1
        late = self.on_late_suggestions
        if self.suggestions_pending == aid:
            pass  # being read elsewhere: the annotations alone until they come
        elif (
            (suggestions_too or self._suggestions_of != aid)
            and late is not None
            and self.project.has_suggestions_over(aid, self.late_suggestions)
        ):
            self.suggestions_pending = aid
            self.suggestions_loading = self.project.suggestion_count(aid)
            self._suggestions, self._suggestions_of, self._suggested = [], aid, {}
            late(aid)
        elif suggestions_too or self._suggestions_of != aid:
            self._suggestions = self.project.suggestions(aid)
            self._suggestions_of = aid
            self._suggested = {s.id: s.quote for s in self._suggestions}
        mine = self.project.annotations(aid, self.annotator)
        self._item_set, self.bad_spans = item_set_of(
            len(self.article.text), self._suggestions, mine, self.min_confidence
        )
        self.items = self._item_set.items

    def _replace_annotation(self, annotation_id: int) -> tuple[list[Item], list[Item]]:
        """Re-read one annotation of the open article and update the items from it alone;
        return the items that left and came (see :meth:`ItemSet.replace`)."""
        assert self.article is not None and self._item_set is not None
        try:
            rec: AnnotationRecord | None = self.project.annotation(annotation_id)
        except KeyError:
            rec = None
        if rec is not None and (
            rec.article_id != self.article.id
            or rec.quote.annotator != self.annotator
            or quote_span_problem(rec.quote, len(self.article.text)) is not None
        ):
            rec = None
        return self._item_set.replace(annotation_id, rec)

    def refresh(self, article_ids: Sequence[int] | None = None) -> None:
        """Another window or a background task wrote ``article_ids`` (None: any article):
        re-read the open article when it is among them, and announce the change."""
        art = self.article
        mine = art is not None and (article_ids is None or art.id in article_ids)
        had = [it.key for it in self.items]
        if mine:
            self.reload()
        ids = tuple(article_ids) if article_ids is not None else ()
        changed = mine and [it.key for it in self.items] != had
        self.announce(
            Change(
                article_ids=ids,
                all_articles=article_ids is None,
                counts_changed=True,
                opened=changed and not had,
                items_changed=mine,
            )
        )

    # -- changes made elsewhere ------------------------------------------------------------

    def _take_stamp(self, article_id: int) -> None:
        """The stamp of the article about to be read, taken before its rows are (a commit
        landing between the two makes the stamp older than what is shown: one re-read too
        many at worst, never a change missed)."""
        self._stamp_version = self.project.data_version()
        self._stamp = queries.article_stamp(self.project, article_id, self.annotator)

    def own_commit(self) -> None:
        """This session's connection committed (an accept, an undo, a position): its own
        write changed the open article's stamp. Take it again when no other connection
        committed since the stamp was taken, before or during this read (``data_version``
        the same throughout), else forget it (the next check re-reads the article)."""
        if self.article is None or self._stamp is None:
            return
        version = self.project.data_version()
        if version != self._stamp_version:
            self._stamp = None
            return
        stamp = queries.article_stamp(self.project, self.article.id, self.annotator)
        if self.project.data_version() != version:
            self._stamp = None
            return
        self._stamp = stamp

    def forget_stamp(self) -> None:
        """The open article's stamp is not known: the next check re-reads the article."""
        self._stamp = None

    def changed_elsewhere(self) -> bool:
        """True when another window or program may have changed what is shown of the open
        article (its stamp differs from the one read with it); an indexed read of that
        article's rows, never of the others. False when no article is open."""
        if self.article is None:
            return False
        if self._stamp is None:
            return True
        now = queries.article_stamp(self.project, self.article.id, self.annotator)
        return now != self._stamp

    def reload(self) -> None:
        """Re-read the open article's items, keeping the current quote when it is still there."""
        if self.article is None:
            return
        key = self.current.key if self.current else None
        pos = self.current.quote.start if self.current else 0
        self._take_stamp(self.article.id)
        self._status = self.project.progress(self.article.id, self.annotator)
        self._load_items()
        self.index = -1
        if key is not None:
            self.select(key)
        if self.index < 0 and self.items:
            self.index = self._nearest(pos)

    def set_min_confidence(self, value: float) -> None:
        """Hide the open suggestions below ``value`` (0..1; 0 shows all), reload, announce.

        Decided quotes always stay. The project totals still count every suggestion; the
        open article's counts follow what is shown. Raises ValueError outside 0..1.
        """
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"a confidence threshold lies between 0 and 1, not {value}")
        self.min_confidence = value
        self.reload()
        self.announce(Change(items_changed=True))

    def _nearest(self, pos: int) -> int:
        starts = [it.quote.start for it in self.items]
        return min(bisect_left(starts, pos), len(self.items) - 1)

    @property
    def current(self) -> Item | None:
        return self.items[self.index] if 0 <= self.index < len(self.items) else None

    def select(self, key: ItemKey) -> bool:
        """Make the item with ``key`` current; return False when there is none."""
        kept = self._item_set
        if kept is not None and self.items is kept.items:
            # the item of that key, found without walking the article's quotes (a key
            # on a 1,000-quote article selects the quote it wrote)
            found = kept.find(key)
            if found is not None:
                self.index = found
                return True
        for i, it in enumerate(self.items):
            if it.matches(key):
                self.index = i
                return True
        return False

    def select_at(self, pos: int) -> bool:
        """Make the quote covering character ``pos`` current (the shortest, if nested)."""
        best: tuple[int, int] | None = None
        for i, it in enumerate(self.items):
            if any(a <= pos < b for a, b in it.quote.content_spans) or any(
                a <= pos < b for a, b in it.quote.speaker_spans
            ):
                size = it.quote.end - it.quote.start
                if best is None or size < best[0]:
                    best = (size, i)
        if best is None:
            return False
        self.index = best[1]
        if self.article is not None:  # a click: the quote is on screen already
            self.announce(Change(article_ids=(self.article.id,)))
        return True

    def next_quote(self) -> bool:
        """Move to the next quote; announces ``Change(moved=True)``; False at the last one."""
        if self.index + 1 < len(self.items):
            self.index += 1
            return self._moved(True)
        return False

    def previous_quote(self) -> bool:
        """Move to the previous quote; announces ``Change(moved=True)``; False at the first."""
        if self.index > 0:
            self.index -= 1
            return self._moved(True)
        return False

    def next_undecided(self) -> bool:
        """Move to the next quote not yet accepted or rejected, wrapping around to the
        article's first; announces ``Change(moved=True)``. False when none is left (the
        current quote stays)."""
        before = self.index
        if not self._to_next_undecided():
            return False
        return True if self.index == before else self._moved(True)

    def _to_next_undecided(self) -> bool:
        """:meth:`next_undecided` without the notice."""
        n = len(self.items)
        for step in range(1, n + 1):
            i = (self.index + step) % n
            if not self.items[i].decided:
                self.index = i
                return True
        return False

    # -- applying ---------------------------------------------------------------------------

    def apply(self, op: Op, advance: bool = False) -> Op:
        """Write ``op``, refresh the items and select the quote it touched; return its inverse.

        ``advance``: then move on to the next undecided quote (as :meth:`next_undecided`;
        :attr:`advanced` says whether there was one), announced in the same notice: a
        decision key shows the article once, not once for the write and again for the move.

        Announces one :class:`Change` naming the article and quotes written.

        Raises:
            EditConflict: another window or process changed the quote first (nothing was
                written): the article is re-read and announced, the current quote kept
                where it can be, and the error's message says in plain words what the
                quote is now.
            Whatever else the store raises (nothing is then written).
        """
        opened = self.article is None or self.article.id != op.article_id
        if opened:
            self._open(op.article_id)
        try:
            inverse = op.apply(self.project)
        except EditConflict as exc:
            raise self._conflict(op, exc) from None
        if isinstance(op, ArticleTargetOp):
            self.article = self.project.article(op.article_id)
        old_pos = self.current.quote.start if self.current else 0
        self._status = self.project.progress(op.article_id, self.annotator)
        removed: list[Item] = []
        added: list[Item] = []
        # one annotation changed: update its items only (an article op changes none)
        delta = not opened and self._item_set is not None and self.items is self._item_set.items
        if delta and isinstance(inverse, AnnotationOp) and inverse.annotation_id is not None:
            removed, added = self._replace_annotation(inverse.annotation_id)
        elif not delta or isinstance(inverse, AnnotationOp):
            delta = False
            self._load_items(suggestions_too=False)
        focus = inverse.focus
        if isinstance(inverse, AnnotationOp) and inverse.after is None and inverse.annotation_id:
            focus = annotation_key(inverse.annotation_id)
        self.index = -1
        if (focus is None or not self.select(focus)) and self.items:
            self.index = self._nearest(old_pos)
        touched = self.index
        self.advanced = advance and self._to_next_undecided()
        self.announce(
            Change(
                article_ids=(op.article_id,),
                quote_keys=tuple(dict.fromkeys(op.keys + inverse.keys)),
                counts_changed=True,
                opened=opened,
                items_changed=True,
                moved=self.index != touched,
                items_delta=delta,
                items_removed=tuple(removed),
                items_added=tuple(added),
            )
        )
        return inverse

    def _conflict(self, op: Op, exc: EditConflict) -> EditConflict:
        """Re-read the open article after ``op`` met a change made elsewhere, announce it,
        and return the error to raise, its message naming the quote and its state now."""
        if isinstance(op, ArticleTargetOp) and isinstance(exc, ArticleTargetChangedElsewhere):
            return self._target_conflict(op, exc)
        if isinstance(op, ProgressOp) and isinstance(exc, ProgressChangedElsewhere):
            return self._status_conflict(op, exc)
        if not isinstance(op, AnnotationOp) or self.article is None:
            return exc
        text = self.article.text
        quote = op.before or op.after
        words = _words(text, quote.content_spans) if quote else ""
        self.reload()
        now = None
        if not isinstance(exc, AnnotationIdTaken):
            for it in self.items:
                if (op.annotation_id is not None and it.annotation_id == op.annotation_id) or (
                    op.suggestion_id is not None and it.suggestion_id == op.suggestion_id
                ):
                    now = it
                    break
        gone = op.annotation_id is not None and (now is None or now.annotation_id is None)
        if isinstance(exc, AnnotationIdTaken):
            state = "another quote was saved in its place since, so it was not restored"
        elif gone:
            state = "it was deleted there"
            if now is not None:
                state += " (the detector's suggestion is undecided again)"
        elif now is None:
            state = "it is no longer in this article"
        else:
            if now.annotation_id is None or now.quote.status == "pending":
                state = "it is now undecided"
            else:
                state = f"it is now {now.quote.status}"
            if op.before is not None and now.annotation_id is not None:
                # an edit of a version changed there: say what changed, in words
                state = "; ".join(differences(text, op.before, now.quote)) or state
            if now.annotation_id is not None and now is not self.current:
                self.select(now.key)
        self.announce(
            Change(
                article_ids=(self.article.id,),
                counts_changed=True,
                items_changed=True,
            )
        )
        named = f"The quote “{words}”" if words else "This quote"
        return EditConflict(
            f"{named} was changed in another window of this project: {state}. "
            "This window now shows it as saved there; your change was not applied.",
            exc.annotation_id,
            exc.suggestion_id,
        )

    def _target_conflict(
        self, op: ArticleTargetOp, exc: ArticleTargetChangedElsewhere
    ) -> EditConflict:
        """Re-read the article whose stance target another window set first, announce it,
        and return the error to raise, saying the target now in words."""
        self.article = self.project.article(op.article_id)
        self.reload()
        self.announce(Change(article_ids=(op.article_id,), counts_changed=True, items_changed=True))
        state = (
            f"it is now “{exc.now}”"
            if exc.now
            else "it was cleared there (the project's default applies)"
        )
        return EditConflict(
            "This article's stance target was changed in another window of this project: "
            f"{state}. This window now shows it as saved there; your change was not applied."
        )

    def _status_conflict(self, op: ProgressOp, exc: ProgressChangedElsewhere) -> EditConflict:
        """Re-read the article whose status another window set first, announce it, and
        return the error to raise, saying the status now in words."""
        self.reload()
        self.announce(Change(article_ids=(op.article_id,), counts_changed=True, items_changed=True))
        state = {
            "done": "it was marked done there",
            "in_progress": "it is in progress there (reopened, or a quote was decided)",
            "new": "it is new there (not started)",
        }.get(exc.now, f"it is now {exc.now}")
        return EditConflict(
            "This article's status was changed in another window of this project: "
            f"{state}. This window now shows it as saved there; your change was not applied."
        )

    def run(self, op: Op | None) -> Op | None:
        """Apply ``op`` when there is one; return its inverse (convenience for tests)."""
        return None if op is None else self.apply(op)

    # -- read-outs --------------------------------------------------------------------------

    @property
    def article_counts(self) -> ArticleCounts:
        """Decided and total quotes of the open article, and its status."""
        kept = self._item_set
        if kept is not None and self.items is kept.items:
            done = kept.done  # kept up to date by every change
        else:
            done = sum(1 for it in self.items if it.decided)
        return ArticleCounts(
            done=done,
            total=len(self.items),
            status=self._status,
            hidden=kept.hidden() if kept is not None else 0,
            below=self.min_confidence,
            loading=self.suggestions_loading if self.suggestions_pending is not None else 0,
        )

    def list_figures(self) -> ListFigures | None:
        """The open article's figures as the article list counts them (its status, decided
        quotes, quotes, annotations, accepted ones; :func:`queries.article_row`), from the
        items kept current one change at a time: no read, whatever the article's size.
        None when there is no article or its items were not built that way."""
        kept = self._item_set
        if self.article is None or kept is None or self.items is not kept.items:
            return None
        return ListFigures(
            status=self._status,
            quotes_done=kept.done,
            # the list counts the suggestions the threshold hides too
            quotes_total=len(self.items) + kept.hidden(),
            n_annotations=kept.annotations(),
            n_accepted=kept.accepted,
        )

    def totals(self) -> Totals:
        """The annotator's progress over the project, from the store (one query; ~0.4 s on
        10,000 articles, so the window sums its list rows instead)."""
        return queries.totals(self.project, self.annotator)

    def quote_text(self, item: Item | None = None) -> str:
        item = item or self.current
        if item is None or self.article is None:
            return ""
        return spans_text(self.article.text, item.quote.content_spans)

    def mention_text(self, item: Item | None = None) -> str:
        """The quote's speaker mention: its ``speaker_text``, else the text under its
        speaker spans (:func:`~annotator.core.model.with_mention`); "" when it has none."""
        item = item or self.current
        if item is None or self.article is None:
            return ""
        return with_mention(item.quote, self.article.text).speaker_text or ""

    def cue_text(self, item: Item | None = None) -> str:
        """The words of the quote's cue ("" when it has none)."""
        item = item or self.current
        if item is None or self.article is None:
            return ""
        return spans_text(self.article.text, item.quote.cue_spans)

    def name_suggestions(self, entities: Sequence[str] | None = None) -> list[str]:
        """Names for the canonical-speaker completer: registry first, then the article's.

        Args:
            entities: the article's PERSON/ORG names from a trained model (see
                :mod:`annotator.services.names`); None falls back to a scan of capitalised words.
        """
        names = queries.speaker_names(self.project)
        if entities is not None:
            names += entities
        elif self.article is not None:
            # the first NAME_SCAN_CHARS: a scraped page of 10 MB took 0.2-0.5 s here, on the
            # window's thread, at every open (issue 16); a news article is far shorter
            names += name_candidates(self.article.text[:NAME_SCAN_CHARS])
        return list(dict.fromkeys(names))

    # -- resume position --------------------------------------------------------------------

    def record_position(self, wait: bool = True) -> bool:
        """Write the open article and current quote into the project (no change-log entry).

        Cheap enough for every article change, too costly for every quote move (one
        transaction each): callers write on article change, on quit, and after a pause.
        Returns False when nothing was written (no article, or a read-only project).
        ``wait=False``: only if the write lock is free at once (another writer, such as
        an import, keeps it): else ProjectLockedError, nothing written.
        """
        if self.article is None or self.project.readonly:
            return False
        cur = self.current
        with contextlib.nullcontext() if wait else self.project.no_wait():
            self.project.set_progress(
                self.article.id,
                self.annotator,
                None,
                cur.key.stored() if cur is not None else None,
            )
        return True

    def resume_position(self) -> tuple[int, ItemKey | None] | None:
        """The article id and item key the annotator last recorded in the project, or None."""
        point = queries.resume_point(self.project, self.annotator)
        if point is None:
            return None
        return point[0], ItemKey.from_stored(point[1])
