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

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from annotator.core.model import Quote, StoredArticle, clean_target, effective_target, spans_text
from annotator.services.editing import RESIZERS, name_candidates, quoted, trim_span
from annotator.services.items import Item, ItemKey, annotation_key
from annotator.services.ops import AnnotationOp, ArticleTargetOp, Change, Op, ProgressOp
from annotator.store import queries
from annotator.store.project import Project
from annotator.store.queries import Totals

__all__ = [
    "AnnotationOp",
    "ArticleTargetOp",
    "Change",
    "Item",
    "ItemKey",
    "Op",
    "ProgressOp",
    "Session",
]

# -- the session ----------------------------------------------------------------------------


@dataclass
class ArticleCounts:
    """Done/total quotes and the status of the open article (for the status bar)."""

    done: int = 0
    total: int = 0
    status: str = "new"


@dataclass
class Session:
    """One annotator's session on a project: the open article, its items, the current one."""

    project: Project
    annotator: str
    article: StoredArticle | None = None
    items: list[Item] = field(default_factory=list)
    index: int = -1
    _suggested: dict[int, Quote] = field(default_factory=dict)
    _status: str = "new"
    _listeners: list[Callable[[Change], None]] = field(default_factory=list)
    #: suggestions (undecided model quotes) below this confidence are hidden; 0 shows all
    min_confidence: float = 0.0

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
        self.article = self.project.article(article_id)
        self._status = self.project.progress(article_id, self.annotator)
        self._load_items()
        self.index = -1
        if focus is not None:
            self.select(focus)
        if self.index < 0 and self.items:
            undecided = [i for i, it in enumerate(self.items) if not it.decided]
            self.index = undecided[0] if undecided else 0

    def _load_items(self) -> None:
        assert self.article is not None
        aid = self.article.id
        suggestions = self.project.suggestions(aid)
        self._suggested = {s.id: s.quote for s in suggestions}
        mine = self.project.annotations(aid, self.annotator)
        handled = {r.suggestion_id for r in mine if r.suggestion_id is not None}
        spans = {r.quote.content_spans for r in mine}
        items = [Item(r.quote, r.id, r.suggestion_id) for r in mine]
        items += [
            Item(s.quote, None, s.id)
            for s in suggestions
            if s.id not in handled
            and s.quote.content_spans not in spans
            and (s.quote.confidence is None or s.quote.confidence >= self.min_confidence)
        ]
        items.sort(key=lambda it: (it.quote.start, it.quote.end, it.key))
        self.items = items

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

    def reload(self) -> None:
        """Re-read the open article's items, keeping the current quote when it is still there."""
        if self.article is None:
            return
        key = self.current.key if self.current else None
        pos = self.current.quote.start if self.current else 0
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
        """Move to the next quote not yet accepted or rejected (else just the next one)."""
        for i in range(self.index + 1, len(self.items)):
            if not self.items[i].decided:
                self.index = i
                return self._moved(True)
        return self.next_quote()

    # -- planning ops (nothing is written until the op is applied) ----------------------------

    def _op(self, label: str, item: Item | None, after: Quote | None) -> AnnotationOp | None:
        if self.article is None:
            return None
        if item is None:
            if after is None:
                return None
            return AnnotationOp(label, self.article.id, self.annotator, None, None, None, after)
        if item.annotation_id is None:
            if after is None:
                return None
            return AnnotationOp(
                label, self.article.id, self.annotator, None, item.suggestion_id, None, after
            )
        if after == item.quote:
            return None
        return AnnotationOp(
            label,
            self.article.id,
            self.annotator,
            item.annotation_id,
            item.suggestion_id,
            item.quote,
            after,
        )

    def _origin(self, item: Item, new: Quote) -> str:
        if item.annotation_id is not None and item.quote.origin == "manual":
            return "manual"
        if item.suggestion_id is None:
            return "manual"
        base = self._suggested.get(item.suggestion_id)
        if base is None:
            base = queries.suggestion_quote(self.project, item.suggestion_id)
        if base is None:
            return item.quote.origin
        changed = (
            new.content_spans != base.content_spans
            or new.speaker_spans != base.speaker_spans
            or new.cue_spans != base.cue_spans
            or new.kind != base.kind
            or (base.speaker_name is not None and new.speaker_name != base.speaker_name)
        )
        return "model-corrected" if changed else "model"

    def _edited(self, label: str, **changes: object) -> AnnotationOp | None:
        """An edit of the current quote; an open suggestion becomes a pending annotation."""
        item = self.current
        if item is None:
            return None
        new = item.quote.with_(**changes)
        status = "pending" if item.annotation_id is None else new.status
        new = new.with_(annotator=self.annotator, status=status)
        new = new.with_(origin=self._origin(item, new))
        return self._op(label, item, new)

    def plan_accept(self) -> AnnotationOp | None:
        item = self.current
        if item is None:
            return None
        new = item.quote.with_(annotator=self.annotator, status="accepted")
        new = new.with_(origin=self._origin(item, new))
        return self._op("Accept quote", item, new)

    def plan_reject(self) -> AnnotationOp | None:
        """Reject a suggestion; a hand-made quote is deleted instead."""
        item = self.current
        if item is None:
            return None
        if item.annotation_id is not None and item.quote.origin == "manual":
            return self._op("Delete quote", item, None)
        new = item.quote.with_(annotator=self.annotator, status="rejected")
        new = new.with_(origin=self._origin(item, new))
        return self._op("Reject quote", item, new)

    def plan_stance(self, label: str | None) -> AnnotationOp | None:
        """Set the stance (the same label again clears it)."""
        item = self.current
        if item is None:
            return None
        if label is not None and item.quote.stance == label:
            label = None
        if label is not None and item.quote.stance_target is None:
            # the target shown when the stance is given is stored with it, so a later
            # change of the article's or project's default does not re-aim this stance
            return self._edited(
                f"Stance {label}", stance=label, stance_target=self.inherited_target()
            )
        return self._edited(f"Stance {label or 'cleared'}", stance=label)

    def inherited_target(self) -> str | None:
        """The stance target a quote of the open article has unless it sets its own:
        the article's, else the project's default (None: neither is set)."""
        art = self.article.stance_target if self.article is not None else None
        return effective_target(None, art, self.project.stance_target())

    def inherited_source(self) -> str:
        """Where :meth:`inherited_target` comes from: "article", "project" or "" (none)."""
        if self.article is not None and self.article.stance_target:
            return "article"
        return "project" if self.project.stance_target().strip() else ""

    def stance_target(self, item: Item | None = None) -> str | None:
        """What the stance of ``item`` (default: the current quote) is about."""
        item = item or self.current
        own = item.quote.stance_target if item is not None else None
        return own or self.inherited_target()

    def plan_stance_target(self, target: str | None) -> AnnotationOp | None:
        """Give the current quote its own stance target (blank: inherit the article's or
        the project's again)."""
        item = self.current
        if item is None:
            return None
        value = clean_target(target)
        if value == item.quote.stance_target:
            return None
        return self._edited(
            "Set stance target" if value else "Clear stance target", stance_target=value
        )

    def plan_article_target(self, target: str | None) -> ArticleTargetOp | None:
        """Set the open article's stance target (blank: the project's default again)."""
        if self.article is None:
            return None
        value = clean_target(target)
        if value == self.article.stance_target:
            return None
        label = "Set article stance target" if value else "Clear article stance target"
        return ArticleTargetOp(label, self.article.id, self.annotator, value)

    def plan_speaker_name(self, name: str | None) -> AnnotationOp | None:
        """Set the canonical speaker (a new name joins the registry when written)."""
        name = (name or "").strip() or None
        if name is not None:
            name = queries.find_speaker(self.project, name) or name
        item = self.current
        if item is None or item.quote.speaker_name == name:
            return None
        return self._edited("Set speaker", speaker_name=name)

    def plan_note(self, note: str | None) -> AnnotationOp | None:
        note = (note or "").strip() or None
        item = self.current
        if item is None or (item.quote.note or None) == note:
            return None
        return self._edited("Edit note", note=note)

    def plan_kind(self, kind: str) -> AnnotationOp | None:
        item = self.current
        if item is None or item.quote.kind == kind:
            return None
        return self._edited(f"Kind {kind}", kind=kind)

    def plan_cycle_kind(self) -> AnnotationOp | None:
        item = self.current
        if item is None:
            return None
        kinds = ("direct", "mixed", "indirect")
        k = kinds.index(item.quote.kind) if item.quote.kind in kinds else -1
        return self.plan_kind(kinds[(k + 1) % len(kinds)])

    def plan_speaker_span(self, start: int, end: int) -> AnnotationOp | None:
        """Make ``[start, end)`` the current quote's speaker mention."""
        if self.article is None or self.current is None:
            return None
        start, end = trim_span(self.article.text, start, end)
        if end <= start:
            return None
        mention = self.article.text[start:end]
        name = queries.find_speaker(self.project, mention) or self.current.quote.speaker_name
        return self._edited(
            "Set speaker mention",
            speaker_spans=((start, end),),
            speaker_text=mention,
            speaker_name=name,
        )

    def plan_add(self, start: int, end: int, kind: str | None = None) -> AnnotationOp | None:
        """A new hand-made quote over ``[start, end)`` (accepted, origin manual)."""
        if self.article is None:
            return None
        start, end = trim_span(self.article.text, start, end)
        if end <= start:
            return None
        text = self.article.text
        if kind is None:
            kind = "direct" if quoted(text, start, end) else "indirect"
        quote = Quote(
            content_spans=((start, end),),
            kind=kind,
            annotator=self.annotator,
            status="accepted",
            origin="manual",
        )
        return self._op("Add quote", None, quote)

    def plan_resize(self, which: str) -> AnnotationOp | None:
        """Grow or shrink the current quote by a word: ``which`` is one of
        ``grow_end``, ``shrink_end``, ``grow_start``, ``shrink_start``. Words follow the
        project's ``quote_marks_inside`` setting (marks and trailing commas skipped when off)."""
        item = self.current
        if item is None or self.article is None:
            return None
        fn = RESIZERS[which]
        spans = fn(self.article.text, item.quote.content_spans, self.project.marks_inside())
        if not spans or spans == item.quote.content_spans:
            return None
        label = which.replace("_", " ").capitalize()
        return self._edited(label, content_spans=spans)

    def plan_done(self, done: bool = True) -> ProgressOp | None:
        if self.article is None:
            return None
        status = "done" if done else "in_progress"
        if self._status == status:
            return None
        return ProgressOp(
            "Mark article done" if done else "Reopen article",
            self.article.id,
            self.annotator,
            status,
        )

    # -- applying ---------------------------------------------------------------------------

    def apply(self, op: Op) -> Op:
        """Write ``op``, refresh the items and select the quote it touched; return its inverse.

        Announces one :class:`Change` naming the article and quotes written.
        Raises whatever the store raises (nothing is then written).
        """
        opened = self.article is None or self.article.id != op.article_id
        if opened:
            self._open(op.article_id)
        inverse = op.apply(self.project)
        if isinstance(op, ArticleTargetOp):
            self.article = self.project.article(op.article_id)
        old_pos = self.current.quote.start if self.current else 0
        self._status = self.project.progress(op.article_id, self.annotator)
        self._load_items()
        focus = inverse.focus
        if isinstance(inverse, AnnotationOp) and inverse.after is None and inverse.annotation_id:
            focus = annotation_key(inverse.annotation_id)
        self.index = -1
        if (focus is None or not self.select(focus)) and self.items:
            self.index = self._nearest(old_pos)
        self.announce(
            Change(
                article_ids=(op.article_id,),
                quote_keys=tuple(dict.fromkeys(op.keys + inverse.keys)),
                counts_changed=True,
                opened=opened,
                items_changed=True,
            )
        )
        return inverse

    def run(self, op: Op | None) -> Op | None:
        """Apply ``op`` when there is one; return its inverse (convenience for tests)."""
        return None if op is None else self.apply(op)

    # -- read-outs --------------------------------------------------------------------------

    @property
    def article_counts(self) -> ArticleCounts:
        """Decided and total quotes of the open article, and its status."""
        return ArticleCounts(
            done=sum(1 for it in self.items if it.decided),
            total=len(self.items),
            status=self._status,
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
            names += name_candidates(self.article.text)
        return list(dict.fromkeys(names))

    # -- resume position --------------------------------------------------------------------

    def record_position(self) -> bool:
        """Write the open article and current quote into the project (no change-log entry).

        Cheap enough for every article change, too costly for every quote move (one
        transaction each): callers write on article change, on quit, and after a pause.
        Returns False when nothing was written (no article, or a read-only project).
        """
        if self.article is None or self.project.readonly:
            return False
        cur = self.current
        self.project.set_progress(
            self.article.id, self.annotator, None, cur.key.stored() if cur is not None else None
        )
        return True

    def resume_position(self) -> tuple[int, ItemKey | None] | None:
        """The article id and item key the annotator last recorded in the project, or None."""
        point = queries.resume_point(self.project, self.annotator)
        if point is None:
            return None
        return point[0], ItemKey.from_stored(point[1])
