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
    """The first code point any span of ``item`` (content, speaker, cue) covers."""
    q = item.quote
    return min(
        (a for spans in (q.content_spans, q.speaker_spans, q.cue_spans) for a, _ in spans),
        default=q.start,
    )


class ItemsByReach:
    """Items split at a reach (a code point): those starting before it are *in* (the
    caller has them in its index), the rest wait, sorted by where they start."""

    def __init__(self) -> None:
        self.reach = 0
        self._keys: list[_Key] = []
        self._items: list[Item] = []

    def reset(self, items: Iterable[Item], reach: int) -> list[Item]:
        """Take a new article's ``items``; return those starting before ``reach``."""
        pairs = sorted(((first_position(it), it.order), it) for it in items)
        self._keys = [k for k, _ in pairs]
        self._items = [it for _, it in pairs]
        self.reach = 0
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

    def take_some(self, n: int, limit: int) -> list[Item]:
        """Move the reach forward past at most ``n`` more items, never beyond ``limit``;
        return the items it passed (none once the reach is at ``limit``)."""
        if self.reach >= limit:
            return []
        k = min(n, len(self._keys))
        reach = self._keys[k - 1][0] + 1 if k < len(self._keys) and k > 0 else limit
        return self.take(min(reach, limit))

    def waiting(self) -> int:
        """How many items wait for the reach."""
        return len(self._items)

    def add(self, items: Sequence[Item]) -> list[Item]:
        """New items: return those before the reach, keep the others waiting."""
        out = []
        for it in items:
            key = (first_position(it), it.order)
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
            key = (first_position(it), it.order)
            if key[0] < self.reach:
                out.append(it)
                continue
            i = bisect_left(self._keys, key)
            if i < len(self._keys) and self._keys[i] == key:
                del self._keys[i], self._items[i]
        return out
