"""The quotes of an article in the order a stepwise fill reaches them (issue 16).

The article view puts a quote's highlights into its span index only once the document is
about to hold the quote's first character: a page of 50 MB with 10,000 suggestions cut
them all into block pieces at open (0.36 s of the open on the window's thread), though the
first screen shows a handful.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

from annotator.services.items import Item

# (first code point an item paints, its text order): unique per item
_Key = tuple[int, tuple[int, int, int, int]]


def first_position(item: Item) -> int:
    """The first code point any span of ``item`` (content, speaker, cue) covers
    (:attr:`Item.first`, made with the item)."""
    return item.first


class ItemsByReach:
    """Items split at a reach (a code point): those starting before it are *in* (the
    caller has them in its index), the rest wait, sorted by where they start."""

    def __init__(self) -> None:
        self.reach = 0
        self._keys: list[_Key] = []
        self._items: list[Item] = []
        # items before the reach not handed out yet (see reset_late)
        self._behind_keys: list[_Key] = []
        self._behind_items: list[Item] = []

    def reset(self, items: Iterable[Item], reach: int) -> list[Item]:
        """Take a new article's ``items``; return those starting before ``reach``."""
        pairs = sorted([((it.first, it.order), it) for it in items])
        self._keys = [k for k, _ in pairs]
        self._items = [it for _, it in pairs]
        self.reach = 0
        self._behind_keys, self._behind_items = [], []
        return self.take(reach)

    def take(self, reach: int) -> list[Item]:
        """Move the reach forward to ``reach``; return the items it passed."""
        if reach <= self.reach:
            return []
        self.reach = reach
        k = bisect_left(self._keys, (reach,))
        out = self._items[:k]
        del self._keys[:k], self._items[:k]
        return out

    def reset_late(self, items: Iterable[Item], reach: int, now: int) -> list[Item]:
        """Take the items of an article whose text is in up to ``reach`` already (they
        came after it): return those starting before ``now`` (to go in at once); those
        from ``now`` to ``reach`` are *behind* (:meth:`take_behind` hands them out), the
        rest wait for the reach as usual."""
        pairs = sorted([((it.first, it.order), it) for it in items])
        keys = [k for k, _ in pairs]
        its = [it for _, it in pairs]
        a = bisect_left(keys, (min(now, reach),))
        b = bisect_left(keys, (reach,))
        self._behind_keys, self._behind_items = keys[a:b], its[a:b]
        self._keys, self._items = keys[b:], its[b:]
        self.reach = reach
        return its[:a]

    def take_behind(self, n: int) -> list[Item]:
        """Hand out the next ``n`` items behind the reach (see :meth:`reset_late`)."""
        out = self._behind_items[:n]
        del self._behind_keys[:n], self._behind_items[:n]
        return out

    def behind(self) -> int:
        """How many items behind the reach are still to be handed out."""
        return len(self._behind_items)

    def position_of(self, n: int) -> int | None:
        """The first code point of the ``n``-th item waiting for the reach (from 1), or
        None when fewer wait."""
        return self._keys[n - 1][0] if 0 < n <= len(self._keys) else None

    def waiting(self) -> int:
        """How many items wait for the reach."""
        return len(self._items)

    def add(self, items: Sequence[Item]) -> list[Item]:
        """New items: return those before the reach, keep the others waiting."""
        out = []
        for it in items:
            key = (it.first, it.order)
            if key[0] < self.reach:
                out.append(it)
            else:
                i = bisect_left(self._keys, key)
                self._keys.insert(i, key)
                self._items.insert(i, it)
        return out

    def remove(self, items: Sequence[Item]) -> list[Item]:
        """Items gone: return those before the reach, drop the others from the waiting."""
        out = []
        for it in items:
            key = (it.first, it.order)
            if key[0] < self.reach:
                j = bisect_left(self._behind_keys, key)
                if j < len(self._behind_keys) and self._behind_keys[j] == key:
                    del self._behind_keys[j], self._behind_items[j]  # never handed out
                else:
                    out.append(it)
                continue
            i = bisect_left(self._keys, key)
            if i < len(self._keys) and self._keys[i] == key:
                del self._keys[i], self._items[i]
        return out
