"""An article whose text has no paragraph break (a scraped page flattened to one line) is
shown as blocks Qt can lay out piece by piece (issue 16), and everything that counts
positions still lands on the stored text: highlights, selection, copy, click, word keys,
search hits, quotes across a cut.

The reference for "where is code point i on screen" is read from the document itself: its
blocks, walked against the stored text (each block's text is the next stretch of the stored
text; between two blocks the text has a line break, a space the view cut at, or nothing).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from annotator.core.model import Article, Quote
from annotator.core.text import BLOCK_CHARS, ViewText
from annotator.services.editing import word_step
from annotator.services.items import Item
from annotator.store.project import Project
from annotator.ui.article_view import ArticleView
from annotator.ui.highlighting import STATE_COLOURS
from annotator.ui.review_window import ReviewWindow
from tests.ui.doc_walk import painted_at, repeat, walk

SENTENCES = "Lorem ipsum dolor sit amet. Consectetur adipiscing elit, sed do eiusmod. "


TEXTS = {
    "flat sentences": repeat(SENTENCES, 40_000),
    "flat no space": repeat("Loremipsumdolorsitametconsectetur", 40_000),
    "long paragraph among short ones": (
        "A short opening paragraph.\n\n" + repeat(SENTENCES, 20_000).strip() + "\nShort end."
    ),
    "flat with emoji": repeat("Lorem 🙂 ipsum\u00a0dolor 👍🏽 sit amet. ", 40_000),
    "flat no space with emoji": repeat("Lorem🙂ipsum👍🏽dolor", 40_000),
}


def _doc_pos(view: ArticleView, starts: list[int], i: int) -> int:
    """Document position of code point i, from the walk (UTF-16 inside the block)."""
    doc = view.document()
    b = max(k for k, s in enumerate(starts) if s <= i)
    block = doc.findBlockByNumber(b)
    inside = block.text()[: i - starts[b]]
    return block.position() + len(inside.encode("utf-16-le")) // 2


def _item(spans: tuple[tuple[int, int], ...], n: int = 1) -> Item:
    return Item(Quote(spans, status="pending", origin="model"), None, n)


def _view(qtbot: Any, text: str, items: list[Item]) -> ArticleView:
    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    view.set_article(text, items, items[0] if items else None)
    QApplication.processEvents()
    return view


def _spans_over_cuts(text: str, starts: list[int]) -> list[tuple[int, int]]:
    """A quote across the second cut, one inside a block, one at the end of the text."""
    cuts = [s for s in starts if s > 100 and text[s - 1] != "\n"]  # made by the view
    cut = cuts[1]
    return [(cut - 40, cut + 60), (cuts[0] + 10, cuts[0] + 25), (len(text) - 30, len(text))]


@pytest.mark.parametrize("name", list(TEXTS))
def test_flat_text_is_cut_into_blocks_and_highlights_land_on_the_stored_spans(
    qtbot: Any, name: str
) -> None:
    text = TEXTS[name]
    view = _view(qtbot, text, [])
    starts = walk(view.document(), text)
    doc = view.document()
    assert doc.blockCount() >= len(text) // BLOCK_CHARS
    block = doc.begin()
    while block.isValid():
        assert len(block.text()) <= BLOCK_CHARS
        # a block the view cut has no paragraph gap under it; a paragraph of the text has
        end = starts[block.blockNumber()] + len(block.text())
        made = block.next().isValid() and text[end] != "\n"
        assert block.blockFormat().bottomMargin() == (0.0 if made else 6.0)
        block = block.next()
    spans = _spans_over_cuts(text, starts)
    items = [_item((s,), n) for n, s in enumerate(spans, 1)]
    view.set_article(text, items, None)
    starts = walk(view.document(), text)
    painted = painted_at(view.document(), starts, STATE_COLOURS["suggested"][0])
    # every character of the quotes is painted, nothing else: a space the view cut at is
    # a block separator now (as a line break is), so it has no glyph to paint
    cut_spaces = {s - 1 for s in starts[1:] if text[s - 1] == " "}
    wanted = {i for a, b in spans for i in range(a, b)} - cut_spaces
    wanted -= {i for i in wanted if text[i] == "\n"}
    assert painted == wanted


@pytest.mark.parametrize("name", list(TEXTS))
def test_selection_copy_and_word_keys_give_the_stored_text_back(qtbot: Any, name: str) -> None:
    text = TEXTS[name]
    view = _view(qtbot, text, [])
    starts = walk(view.document(), text)
    a, b = starts[3] - 50, starts[3] + 50  # across a cut
    view.select_span(a, b)
    cur = view.textCursor()
    assert (cur.selectionStart(), cur.selectionEnd()) == (
        _doc_pos(view, starts, a),
        _doc_pos(view, starts, b),
    )
    assert view.selected_span() == (a, b)
    assert view.createMimeDataFromSelection().text() == text[a:b]
    # Shift+Right from just before a cut selects word by word over it
    view.setFocus()
    view.clear_selection()
    cur = view.textCursor()
    start = starts[3] - 3
    cur.setPosition(_doc_pos(view, starts, start))
    view.setTextCursor(cur)
    end = start
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
        end = word_step(text, end, 1)
    assert view.selected_span() == (start, end)
    assert view.textCursor().selectionEnd() == _doc_pos(view, starts, end)


@pytest.mark.parametrize("name", ["flat sentences", "flat no space with emoji"])
def test_click_and_search_hit_far_down_a_flat_text(qtbot: Any, name: str) -> None:
    text = TEXTS[name]
    view = _view(qtbot, text, [])
    starts = walk(view.document(), text)
    a = starts[-2] + 7  # in the last blocks, between two letters (a click's nearest edge)
    while not (text[a - 1].isascii() and text[a].isascii()):
        a += 1
    view.set_hits([(a, a + 5)], 0)
    QApplication.processEvents()
    cur = QTextCursor(view.document())
    cur.setPosition(_doc_pos(view, starts, a))
    rect = view.cursorRect(cur)
    assert view.viewport().rect().contains(rect.center())  # scrolled to the hit
    # a click there reports the code point under the mouse
    clicked: list[int] = []
    view.clicked.connect(clicked.append)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert clicked == [a]


def test_current_quote_across_a_cut_is_outlined_on_both_blocks(qtbot: Any) -> None:
    text = TEXTS["flat sentences"]
    view = _view(qtbot, text, [])
    starts = walk(view.document(), text)
    a, b = starts[2] - 40, starts[2] + 60
    item = _item(((a, b),))
    view.set_article(text, [item], item)
    QApplication.processEvents()
    rects = view.span_rects(a, b)
    doc = view.document()
    layout = doc.documentLayout()
    top = layout.blockBoundingRect(doc.findBlockByNumber(1)).top()
    bottom = layout.blockBoundingRect(doc.findBlockByNumber(2)).bottom()
    assert len(rects) >= 2
    assert all(top <= r.top() and r.bottom() <= bottom for r in rects)
    # the extra selections of the current quote: one per block, not over the separator
    sels = view.extraSelections()
    got = [(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in sels]
    cut = _doc_pos(view, starts, starts[2])
    assert got == [(_doc_pos(view, starts, a), cut - 1), (cut, _doc_pos(view, starts, b))]


@pytest.mark.parametrize("name", ["flat sentences", "flat no space with emoji"])
def test_review_window_shows_a_flat_text_in_blocks_and_marks_the_versions(
    qtbot: Any, tmp_path: Path, name: str
) -> None:
    text = TEXTS[name]
    path = tmp_path / "flat.db"
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Flat", text))
        probe = ViewText(text)
        cut = probe.block_starts16[5]  # a cut the view makes, in the middle of the text
        a = probe.from_view(cut) - 30
        for who, extra in (("alice", 0), ("bob", 8)):
            quote = Quote(
                content_spans=((a, a + 70 + extra),),
                annotator=who,
                status="accepted",
                origin="manual",
                kind="direct",
            )
            p.add_annotation(aid, who, quote)
    w = ReviewWindow(path, "rita")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.table.rowCount() == 1)
    doc = w.text_view.document()
    assert doc.blockCount() >= len(text) // BLOCK_CHARS
    # the versions' marks hold the stored text: at a space the view cut at, the document
    # has a separator; in a run without spaces, a separator was put in
    put_back = " " if " " in text else ""
    marks = {
        s.cursor.selectedText().replace("\u2029", put_back) for s in w.text_view.extraSelections()
    }
    assert marks == {text[a : a + 70], text[a : a + 78]}
    spans = {
        (probe.from_view(s.cursor.selectionStart()), probe.from_view(s.cursor.selectionEnd()))
        for s in w.text_view.extraSelections()
    }
    assert spans == {(a, a + 70), (a, a + 78)}
    # a selection in the text comes back as the stored span (for E, edit the gold)
    cur = QTextCursor(doc)
    cur.setPosition(probe.to_view(a + 5))
    cur.setPosition(probe.to_view(a + 60), QTextCursor.MoveMode.KeepAnchor)
    w.text_view.setTextCursor(cur)
    assert w._text_selection() == (a + 5, a + 60)
    w.close()
