"""Undoable operations of the annotation session, and the :class:`Change` notice.

``op.apply(project)`` writes an op in one transaction and returns the op that undoes it,
so an undo stack just applies ops back and forth (HOUSE_STYLE "Undo"). Whatever changed
(an op, a move, another window's write) is announced as one :class:`Change`, from which
every view refreshes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from annotator.core.model import Quote, clean_target
from annotator.services.items import Item, ItemKey, annotation_key, suggestion_key
from annotator.store import queries
from annotator.store.project import Project, Unchecked


@dataclass(frozen=True)
class Change:
    """What an operation changed, for the views to refresh from.

    Attributes:
        article_ids: articles whose stored quotes or status changed (their list rows and
            the status-bar counts are re-read from the store).
        all_articles: any article may have changed (an import, another window): re-read
            the whole list.
        quote_keys: the quotes of the open article the operation wrote.
        counts_changed: quote or article counts may differ (re-read the totals).
        opened: another article is open: show its text.
        items_changed: the open article's quotes changed: redraw its highlights.
        moved: the current quote moved: bring it into view.
        items_delta: ``items_removed`` and ``items_added`` are the whole change to the open
            article's items (one annotation written): a view may patch just those.
        items_removed: items that left the open article's list (old versions).
        items_added: items that came into it (new versions; a changed item is in both).
        items_arrived: with ``items_changed``: the open article's many suggestions came
            (read off the window's thread after its text showed): a view may paint those
            on screen at once and the rest by steps.
    """

    article_ids: tuple[int, ...] = ()
    all_articles: bool = False
    quote_keys: tuple[ItemKey, ...] = ()
    counts_changed: bool = False
    opened: bool = False
    items_changed: bool = False
    moved: bool = False
    items_delta: bool = False
    items_removed: tuple[Item, ...] = ()
    items_added: tuple[Item, ...] = ()
    items_arrived: bool = False


@dataclass(frozen=True)
class AnnotationOp:
    """Turn one annotation from ``before`` into ``after`` (None: absent); one transaction."""

    label: str
    article_id: int
    annotator: str
    annotation_id: int | None
    suggestion_id: int | None
    before: Quote | None
    after: Quote | None

    def apply(self, project: Project) -> AnnotationOp:
        """Write the change; return the op that undoes it.

        An edit or delete is conditional: it writes only while the stored annotation is
        still ``before`` (the version this window read); the inverse carries the version
        stored by this write as its ``before``, so an undo or redo is conditional too.

        Raises:
            EditConflict: another window or process changed, deleted or decided the quote
                first (nothing written).
            ValueError: the op has no annotation to edit or delete.
        """
        if self.after is None:
            if self.annotation_id is None:
                raise ValueError("nothing to delete")
            rec = project.delete_annotation(
                self.annotation_id, actor=self.annotator, expected=self.before
            )
            return AnnotationOp(
                self.label,
                self.article_id,
                self.annotator,
                rec.id,
                rec.suggestion_id,
                None,
                rec.quote,
            )
        # the version stored comes back from the write itself (no second read)
        if self.before is None:
            rec = project.add_annotation_stored(
                self.article_id,
                self.annotator,
                self.after,
                suggestion_id=self.suggestion_id,
                annotation_id=self.annotation_id,
            )
            return AnnotationOp(
                self.label,
                self.article_id,
                self.annotator,
                rec.id,
                self.suggestion_id,
                rec.quote,
                None,
            )
        if self.annotation_id is None:
            raise ValueError("nothing to update")
        old, stored = project.update_annotation_stored(
            self.annotation_id, self.after, actor=self.annotator, expected=self.before
        )
        return AnnotationOp(
            self.label,
            self.article_id,
            self.annotator,
            self.annotation_id,
            self.suggestion_id,
            stored,
            old,
        )

    @property
    def focus(self) -> ItemKey | None:
        """The key of the item this op is about (for selecting it after apply)."""
        if self.annotation_id is not None and self.after is not None and self.before is not None:
            return annotation_key(self.annotation_id)
        if self.suggestion_id is not None:
            return suggestion_key(self.suggestion_id)
        return None

    @property
    def keys(self) -> tuple[ItemKey, ...]:
        """Every key this op touches (the annotation and the suggestion it decides)."""
        out = []
        if self.annotation_id is not None:
            out.append(annotation_key(self.annotation_id))
        if self.suggestion_id is not None:
            out.append(suggestion_key(self.suggestion_id))
        return tuple(out)


@dataclass(frozen=True)
class ProgressOp:
    """Set the annotator's status on an article (new, in_progress, done).

    ``before``: the status the window read; the write happens only while it is still
    stored, or the stored one is already ``status`` (an undo or redo too);
    :attr:`Unchecked.ANY` writes whatever is stored.
    """

    label: str
    article_id: int
    annotator: str
    status: str
    before: str | Unchecked = Unchecked.ANY

    def apply(self, project: Project) -> ProgressOp:
        """Write the status; return the op that undoes it.

        Raises:
            EditConflict: another window or process set another status first.
        """
        # set_progress replaces current_quote too: keep the resume position recorded there
        here = queries.current_quote(project, self.article_id, self.annotator)
        old = project.set_progress(
            self.article_id, self.annotator, self.status, here, expected=self.before
        )
        return ProgressOp(self.label, self.article_id, self.annotator, old, self.status)

    @property
    def focus(self) -> ItemKey | None:
        return None

    @property
    def keys(self) -> tuple[ItemKey, ...]:
        return ()


@dataclass(frozen=True)
class ArticleTargetOp:
    """Set the stance target of one article (None: use the project's default).

    ``before``: the target the window read; the write happens only while it is still
    stored (an undo or redo too); :attr:`Unchecked.ANY` writes whatever is stored.
    """

    label: str
    article_id: int
    annotator: str
    target: str | None
    before: str | None | Unchecked = Unchecked.ANY

    def apply(self, project: Project) -> ArticleTargetOp:
        """Write the target; return the op that undoes it.

        Raises:
            EditConflict: another window or process set another target first.
        """
        old = project.set_article_target(
            self.article_id, self.target, actor=self.annotator, expected=self.before
        )
        return ArticleTargetOp(
            self.label, self.article_id, self.annotator, old, clean_target(self.target)
        )

    @property
    def focus(self) -> ItemKey | None:
        return None

    @property
    def keys(self) -> tuple[ItemKey, ...]:
        return ()


Op = Union[AnnotationOp, ProgressOp, ArticleTargetOp]  # noqa: UP007  (a runtime alias on Python 3.10)
