"""The quotes of the open article as the window sees them: :class:`Item` and its :class:`ItemKey`.

An item is either one of the annotator's annotations or a detector suggestion they have not
decided yet; :class:`ItemKey` says which, instead of a sign or a string prefix.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from annotator.core.model import Quote

#: Highlight states of an item (what the article view colours).
SUGGESTED, ACCEPTED, REJECTED, MANUAL = "suggested", "accepted", "rejected", "manual"

ItemKind = Literal["suggestion", "annotation"]


@dataclass(frozen=True, order=True)
class ItemKey:
    """Which quote an item is: an annotation row or an open suggestion row, by its id."""

    kind: ItemKind
    id: int

    def __str__(self) -> str:
        """``a:ID`` or ``s:ID`` (how QSettings keeps it)."""
        return f"{self.kind[0]}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> ItemKey | None:
        """The key written by :meth:`__str__` (None for "" or anything else)."""
        kind, _, ident = text.partition(":")
        if kind not in ("a", "s") or not ident.isdigit():
            return None
        return cls("annotation" if kind == "a" else "suggestion", int(ident))

    def stored(self) -> int:
        """The key as one integer for ``article_progress.current_quote``: the annotation id,
        or minus the suggestion id (row ids are positive)."""
        return self.id if self.kind == "annotation" else -self.id

    @classmethod
    def from_stored(cls, ref: int | None) -> ItemKey | None:
        """The key :meth:`stored` wrote (None for no quote: None or 0)."""
        if not ref:
            return None
        return cls("annotation", ref) if ref > 0 else cls("suggestion", -ref)


def annotation_key(annotation_id: int) -> ItemKey:
    return ItemKey("annotation", annotation_id)


def suggestion_key(suggestion_id: int) -> ItemKey:
    return ItemKey("suggestion", suggestion_id)


@dataclass(frozen=True)
class Item:
    """One quote in the open article: an annotation of ours, or an open suggestion."""

    quote: Quote
    annotation_id: int | None
    suggestion_id: int | None

    @property
    def key(self) -> ItemKey:
        """The annotation's key when there is one, else the suggestion's."""
        if self.annotation_id is not None:
            return annotation_key(self.annotation_id)
        return suggestion_key(self.suggestion_id or 0)

    @property
    def state(self) -> str:
        q = self.quote
        if self.annotation_id is None or q.status == "pending":
            return SUGGESTED
        if q.status == "rejected":
            return REJECTED
        return MANUAL if q.origin == "manual" else ACCEPTED

    @property
    def decided(self) -> bool:
        return self.annotation_id is not None and self.quote.status in ("accepted", "rejected")

    def matches(self, key: ItemKey) -> bool:
        """True for this item's key, and for the key of the suggestion it decides."""
        return key == self.key or (
            key.kind == "suggestion"
            and self.suggestion_id is not None
            and key.id == self.suggestion_id
        )


def keys_of(items: Iterable[Item]) -> list[ItemKey]:
    """The keys of ``items`` (handy in tests and logs)."""
    return [it.key for it in items]
