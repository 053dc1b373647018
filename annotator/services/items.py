"""The quotes of the open article as the window sees them: :class:`Item` and its :class:`ItemKey`.

An item is either one of the annotator's annotations or a detector suggestion they have not
decided yet; :class:`ItemKey` says which, instead of a sign or a string prefix.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import Literal

from annotator.core.model import AnnotationRecord, Quote, SuggestionRecord

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

    @cached_property
    def key(self) -> ItemKey:
        """The annotation's key when there is one, else the suggestion's (made once: the
        window asks for it on every paint and key)."""
        if self.annotation_id is not None:
            return annotation_key(self.annotation_id)
        return suggestion_key(self.suggestion_id or 0)

    #: The item's place in text order, as plain integers: start, end, then its key
    #: (annotations before suggestions, then by id; the order of :class:`ItemKey`).
    #: Made with the item (not a cached_property: its first read took a lock, 5 us of
    #: each of the 20,000 items of an article opening), so sorting and bisecting compare
    #: tuples of ints, never call Python.
    order: tuple[int, int, int, int] = field(init=False, repr=False, compare=False)
    #: The first code point any span of the quote covers (content, speaker, cue; the
    #: content's start when it has none): where the article view's fill must have got
    #: before the quote is painted. Made with the item, as ``order`` is (the window sorted
    #: 20,000 arrived suggestions by it on its thread, issue 16).
    first: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        q = self.quote
        spans = q.content_spans
        start, end = (spans[0][0], spans[-1][1]) if spans else (0, 0)
        if self.annotation_id is not None:
            order = (start, end, 0, self.annotation_id)
        else:
            order = (start, end, 1, self.suggestion_id or 0)
        object.__setattr__(self, "order", order)
        first = min((a for a, _ in spans), default=start)
        for more in (q.speaker_spans, q.cue_spans):
            if more:
                first = min(first, min(a for a, _ in more))
        object.__setattr__(self, "first", first)

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


Spans = tuple[tuple[int, int], ...]


def text_order(item: Item) -> tuple[int, int, int, int]:
    """The order of the items in the open article: by start, end, then key (see
    :attr:`Item.order`)."""
    return item.order


#: Above this many items changed by one annotation (suggestions sharing its spans: an
#: import of thousands of suggestions on one span), :meth:`ItemSet.replace` rebuilds the
#: list in one linear pass instead of one bisect and one list insert/delete per item.
BULK_CHANGE = 64


_order_of = attrgetter("order")


def _first(pair: tuple[tuple[int, int, int, int], Item]) -> tuple[int, int, int, int]:
    return pair[0]


class ItemSet:
    """The open article's items in text order, kept current one annotation at a time.

    The items are the annotator's annotations plus the suggestions they have not handled:
    a suggestion is shown unless one of their annotations links it (``suggestion_id``) or
    covers the same content spans, or its confidence is below ``min_confidence``. After one
    annotation changed, :meth:`replace` updates the list in O(log n) lookups plus the
    suggestions that annotation can hide or show (the one it links, those with its old or
    new spans), instead of re-reading and re-sorting the whole article (issue 16: a key
    press on a 1,000-quote article).
    """

    def __init__(
        self,
        mine: Sequence[AnnotationRecord],
        suggestions: Sequence[SuggestionRecord],
        min_confidence: float = 0.0,
    ) -> None:
        self.min_confidence = min_confidence
        self._suggestions = {s.id: s for s in suggestions}
        self._by_spans: dict[Spans, list[int]] = {}
        for s in suggestions:
            self._by_spans.setdefault(s.quote.content_spans, []).append(s.id)
        self._mine = {r.id: Item(r.quote, r.id, r.suggestion_id) for r in mine}
        self._handled: Counter[int] = Counter()
        self._spans: Counter[Spans] = Counter()
        for it in self._mine.values():
            self._count(it, 1)
        # one Item per suggestion for the life of the set: shown again after an undo, it
        # comes back with its key and order already made
        self._items_of = {s.id: Item(s.quote, None, s.id) for s in suggestions}
        self._shown = {sid: it for sid, it in self._items_of.items() if self._visible(sid)}
        self.items: list[Item] = sorted(
            [*self._mine.values(), *self._shown.values()], key=_order_of
        )
        #: :attr:`Item.order` of :attr:`items`, position by position (bisected without
        #: computing a key: O(log n) int-tuple comparisons, ties in text order included)
        self._order: list[tuple[int, int, int, int]] = [it.order for it in self.items]
        #: how many items are decided (accepted or rejected annotations)
        self.done = sum(1 for it in self.items if it.decided)
        #: how many of the annotator's annotations are accepted
        self.accepted = sum(1 for it in self._mine.values() if it.quote.status == "accepted")
        self._hidden = sum(1 for sid in self._suggestions if self._below(sid))

    def _count(self, it: Item, sign: int) -> None:
        if it.suggestion_id is not None:
            self._handled[it.suggestion_id] += sign
        self._spans[it.quote.content_spans] += sign

    def _visible(self, suggestion_id: int) -> bool:
        s = self._suggestions[suggestion_id]
        conf = s.quote.confidence
        return (
            self._handled[suggestion_id] <= 0
            and self._spans[s.quote.content_spans] <= 0
            and (conf is None or conf >= self.min_confidence)
        )

    def _below(self, suggestion_id: int) -> bool:
        """Is the suggestion hidden by the threshold alone (not handled by the annotator)?"""
        s = self._suggestions[suggestion_id]
        conf = s.quote.confidence
        return (
            conf is not None
            and conf < self.min_confidence
            and self._handled[suggestion_id] <= 0
            and self._spans[s.quote.content_spans] <= 0
        )

    def hidden(self) -> int:
        """How many suggestions the threshold hides: not handled by the annotator, with a
        confidence below ``min_confidence`` (the window says so; they are kept). Kept
        current by :meth:`replace` (the status bar asks after every key)."""
        return self._hidden

    def replace(
        self, annotation_id: int, record: AnnotationRecord | None
    ) -> tuple[list[Item], list[Item]]:
        """Annotation ``annotation_id`` is now ``record`` (None: it is gone); return the
        items that left the list and those that came in (a changed one is in both)."""
        removed: list[Item] = []
        added: list[Item] = []
        old = self._mine.pop(annotation_id, None)
        new = None if record is None else Item(record.quote, record.id, record.suggestion_id)
        # only the suggestions the old and new annotation link or share spans with change
        candidates = {sid for it in (old, new) if it is not None for sid in self._linked(it)}
        self._hidden -= sum(self._below(sid) for sid in candidates)
        if old is not None:
            self._count(old, -1)
            removed.append(old)
        if record is not None and new is not None:
            self._mine[record.id] = new
            self._count(new, 1)
            added.append(new)
        self._hidden += sum(self._below(sid) for sid in candidates)
        for sid in sorted(candidates):
            want, shown = self._visible(sid), self._shown.get(sid)
            if shown is not None and not want:
                removed.append(self._shown.pop(sid))
            elif shown is None and want:
                self._shown[sid] = self._items_of[sid]
                added.append(self._shown[sid])
        if len(removed) + len(added) > BULK_CHANGE:
            self._rebuild(removed, added)
        else:
            for it in removed:
                self._remove(it)
            for it in added:
                i = bisect_left(self._order, it.order)
                self._order.insert(i, it.order)
                self.items.insert(i, it)
        self.done += sum(it.decided for it in added) - sum(it.decided for it in removed)
        self.accepted += (new is not None and new.quote.status == "accepted") - (
            old is not None and old.quote.status == "accepted"
        )
        return removed, added

    def find(self, key: ItemKey) -> int | None:
        """The position in :attr:`items` of the item whose own key is ``key``, in O(log n)
        (None: no such item; a suggestion's key may still match the annotation that
        decided it, see :meth:`Item.matches`)."""
        it = (self._mine if key.kind == "annotation" else self._shown).get(key.id)
        if it is None:
            return None
        i = bisect_left(self._order, it.order)
        return i if i < len(self.items) and self.items[i] is it else None

    def _remove(self, it: Item) -> None:
        i = bisect_left(self._order, it.order)
        if i < len(self.items) and self.items[i] is it:
            del self.items[i]
            del self._order[i]
        else:  # not where its order says (cannot happen while keys are unique)
            j = next(k for k, other in enumerate(self.items) if other is it)
            del self.items[j]
            del self._order[j]

    def _rebuild(self, removed: Sequence[Item], added: Sequence[Item]) -> None:
        """Take ``removed`` out and put ``added`` in with one filter and one sort of the
        precomputed keys (linear in the article's items, not in items x changed).
        :attr:`items` stays the same list object (the session holds it)."""
        gone = {id(it) for it in removed}
        kept = [(o, it) for o, it in zip(self._order, self.items) if id(it) not in gone]
        kept.extend((it.order, it) for it in added)
        kept.sort(key=_first)  # timsort: two sorted runs merge in linear time
        self._order[:] = [o for o, _ in kept]
        self.items[:] = [it for _, it in kept]

    def annotations(self) -> int:
        """How many annotations of the annotator's the article has (any status)."""
        return len(self._mine)

    def _linked(self, it: Item) -> list[int]:
        """The suggestions an annotation can hide: the one it links, those with its spans."""
        out = list(self._by_spans.get(it.quote.content_spans, ()))
        if it.suggestion_id is not None and it.suggestion_id in self._suggestions:
            out.append(it.suggestion_id)
        return out
