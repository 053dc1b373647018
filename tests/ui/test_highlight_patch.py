"""After one decision the view patches its highlight index (issue 16): the index and the
painted blocks must be those of a fresh build from the new items."""

from __future__ import annotations

import random
from typing import Any

import pytest

from annotator.core.model import Quote
from annotator.services.items import REJECTED, Item
from annotator.ui.article_view import ArticleView
from annotator.ui.highlighting import SpanIndex

PARAS = [f"Line {i}: the mayor 🙂 said “all is well {i}” and left." for i in range(12)]
TEXT = "\n".join(PARAS)


def _item(rng: random.Random, ident: int) -> Item:
    a = rng.randrange(0, len(TEXT) - 80)
    b = a + rng.randrange(3, 80)  # some cross a line end: pieces in two blocks
    status = rng.choice(["pending", "accepted", "rejected"])
    q = Quote(
        content_spans=((a, b),),
        speaker_spans=((b + 1, b + 4),) if rng.random() < 0.5 else (),
        cue_spans=((a - 3, a - 1),) if a > 3 and rng.random() < 0.5 else (),
        status=status,
        origin=rng.choice(["model", "manual"]),
    )
    if status == "pending" and rng.random() < 0.5:
        return Item(q, None, ident)
    return Item(q, ident, None)


def _painted(view: ArticleView) -> list[list[tuple[int, int, str]]]:
    out = []
    block = view.document().begin()
    while block.isValid():
        out.append(
            sorted(
                (r.start, r.length, r.format.background().color().name())
                for r in block.layout().formats()
            )
        )
        block = block.next()
    return out


@pytest.mark.parametrize("seed", range(6))
def test_patched_highlights_equal_a_fresh_build(qtbot: Any, seed: int) -> None:
    rng = random.Random(seed)
    items = {i: _item(rng, i) for i in range(1, 30)}
    view = ArticleView()
    qtbot.addWidget(view)
    view.set_article(TEXT, list(items.values()), None)
    view.show()
    for step in range(25):
        ident = rng.choice(list(items))
        old = items[ident]
        removed, added = [old], []
        if rng.random() < 0.8:
            new = _item(rng, ident)
            items[ident] = new
            added.append(new)
        else:
            del items[ident]
        view.update_items(removed, added, None)
        fresh = SpanIndex(TEXT).build(list(items.values()))
        assert view.highlighter.index == fresh, step
        other = ArticleView()
        qtbot.addWidget(other)
        other.set_article(TEXT, list(items.values()), None)
        assert _painted(view) == _painted(other), step
        if not items:
            break


def test_rejected_quotes_paint_under_live_ones_after_a_patch(qtbot: Any) -> None:
    a = TEXT.index("all is well 0")
    live = Item(Quote(((a, a + 11),), status="accepted", origin="model"), 1, None)
    dead = Item(Quote(((a, a + 11),), status="rejected"), 2, None)
    view = ArticleView()
    qtbot.addWidget(view)
    view.set_article(TEXT, [live], None)
    view.update_items([], [dead], None)
    keys = [key for _s, _n, key in view.highlighter.index[0]]
    assert keys[0] == REJECTED and keys[-1] != REJECTED


@pytest.mark.parametrize(("ties", "spread"), [(20, 0), (150, 3), (400, 10)])
def test_many_quotes_on_one_span_patch_like_a_fresh_build(
    qtbot: Any, ties: int, spread: int
) -> None:
    """Hundreds of suggestions on one span leave and come back in one change (an accept
    hides them, its undo shows them): the patched index is a fresh build's."""
    a = TEXT.index("all is well 3")
    same = [
        Item(Quote(((a, a + 11),), speaker_spans=((a - 9, a - 5),)), None, i)
        for i in range(1, ties + 1)
    ]
    rng = random.Random(ties)
    others = [_item(rng, 10_000 + i) for i in range(spread)]
    decided = Item(Quote(((a, a + 11),), status="accepted"), 99_999, 1)
    view = ArticleView()
    qtbot.addWidget(view)
    view.set_article(TEXT, same + others, None)
    view.update_items(same, [decided], None)
    assert view.highlighter.index == SpanIndex(TEXT).build([*others, decided])
    view.update_items([decided], same, None)
    fresh = SpanIndex(TEXT).build(same + others)
    assert view.highlighter.index == fresh
    other = ArticleView()
    qtbot.addWidget(other)
    other.set_article(TEXT, same + others, None)
    assert _painted(view) == _painted(other)
