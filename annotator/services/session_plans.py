"""Planning the session's ops (decisions, edits, hand-made spans); nothing is written here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.model import Quote, StoredArticle, clean_target, effective_target
from annotator.services.editing import (
    fragment_at,
    merge_spans,
    move_edge,
    quoted,
    resize,
    trim_span,
)
from annotator.services.items import Item
from annotator.services.ops import AnnotationOp, ArticleTargetOp, ProgressOp
from annotator.store import queries
from annotator.store.project import Project


class SessionPlans:
    """Mixin of :class:`annotator.services.session.Session`: every ``plan_*`` method."""

    project: Project
    annotator: str
    article: StoredArticle | None
    items: list[Item]
    _suggested: dict[int, Quote]
    _status: str

    if TYPE_CHECKING:

        @property
        def current(self) -> Item | None: ...

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
        return ArticleTargetOp(
            label, self.article.id, self.annotator, value, self.article.stance_target
        )

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
        project's ``quote_marks_inside`` setting (marks and trailing commas skipped when off).
        A step stays inside the quote's paragraph and never overlaps another quote of the
        article or the quote's own speaker and cue spans (None then; :meth:`why_not_resize`
        says why)."""
        spans, _why = self._resized(which)
        item = self.current
        if item is None or not spans or spans == item.quote.content_spans:
            return None
        label = which.replace("_", " ").capitalize()
        return self._edited(label, content_spans=spans)

    def why_not_resize(self, which: str) -> str:
        """Why :meth:`plan_resize` (``which``) plans nothing now, as a sentence ("" when it
        plans a step or there is no current quote)."""
        return self._resized(which)[1]

    def _resized(self, which: str) -> tuple[tuple[tuple[int, int], ...] | None, str]:
        item = self.current
        if item is None or self.article is None:
            return None, ""
        # the other quotes a step must not run into: everything shown but this quote and
        # the quotes the annotator rejected (no longer quotes to them)
        others = [
            it.quote.content_spans
            for it in self.items
            if it.key != item.key and it.quote.status != "rejected"
        ]
        return resize(
            self.article.text,
            item.quote.content_spans,
            which,
            self.project.marks_inside(),
            others,
            (item.quote.speaker_spans, item.quote.cue_spans),
        )

    # -- hand annotation: spans from the selection and the mouse (issue 10) -------------------

    def _selection(self, start: int, end: int) -> tuple[int, int] | None:
        if self.article is None or self.current is None:
            return None
        start, end = trim_span(self.article.text, start, end)
        return (start, end) if end > start else None

    def plan_respan(self, start: int, end: int) -> AnnotationOp | None:
        """Make ``[start, end)`` (code points) the current quote's only fragment."""
        span = self._selection(start, end)
        if span is None or self.current is None or self.current.quote.content_spans == (span,):
            return None
        return self._edited("Re-span quote", content_spans=(span,))

    def plan_add_fragment(self, start: int, end: int) -> AnnotationOp | None:
        """Add ``[start, end)`` as another fragment of the current quote (overlapping or
        touching fragments join), as in ``"A," she said, "B."``."""
        span = self._selection(start, end)
        if span is None or self.current is None:
            return None
        spans = merge_spans(self.current.quote.content_spans, span)
        if spans == self.current.quote.content_spans:
            return None
        return self._edited("Add fragment", content_spans=spans)

    def plan_remove_fragment(self, pos: int) -> AnnotationOp | None:
        """Remove the current quote's fragment holding code point ``pos``.

        None when no fragment holds it, or when it is the only one (R removes a quote).
        """
        cur = self.current
        if cur is None or len(cur.quote.content_spans) < 2:
            return None
        i = fragment_at(cur.quote.content_spans, pos)
        if i is None:
            return None
        spans = cur.quote.content_spans[:i] + cur.quote.content_spans[i + 1 :]
        return self._edited("Remove fragment", content_spans=spans)

    def plan_cue(self, start: int, end: int) -> AnnotationOp | None:
        """Make ``[start, end)`` the current quote's cue (the verb or phrase of saying)."""
        span = self._selection(start, end)
        if span is None or self.current is None or self.current.quote.cue_spans == (span,):
            return None
        return self._edited("Set cue", cue_spans=(span,))

    def plan_move_edge(self, which: str, pos: int) -> AnnotationOp | None:
        """Move the current quote's ``start`` or ``end`` edge to code point ``pos`` (snapped
        out to a word edge, see :func:`annotator.services.editing.move_edge`)."""
        cur = self.current
        if cur is None or self.article is None:
            return None
        spans = move_edge(self.article.text, cur.quote.content_spans, which, pos)
        if spans is None or spans == cur.quote.content_spans:
            return None
        return self._edited(f"Move {which}", content_spans=spans)

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
            before=self._status,
        )
