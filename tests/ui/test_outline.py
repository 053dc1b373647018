"""The current quote's outline covers the quote's glyphs and nothing else (issue 16): for
quotes starting or ending mid-line, over several lines and paragraphs, at the start or the
end of the text, at a line's wrap, after an emoji and a non-breaking space.

Glyph cells are read from Qt's glyph runs (where each character is drawn), not from the
view's own rectangle code."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QApplication

from annotator.core.model import Quote
from annotator.core.text import Utf16Map
from annotator.services.items import Item
from annotator.ui.article_view import ArticleView

TEXT = (
    "Opening words at the very start of the story. The harbour master said the new pier "
    "would open in spring, and that the ferry timetable would change for the summer season "
    "across the whole of the bay.\n\n"
    "Residents 🇰🇷 asked\u00a0questions at the meeting on Tuesday evening. "
    '"We want answers now," one of them said at the end.'
)
TOL = 0.5  # pixels of rounding between glyph positions and caret positions


def _span(sub: str, text: str = TEXT) -> tuple[int, int]:
    i = text.index(sub)
    return i, i + len(sub)


def _view(qtbot: Any, text: str = TEXT, width: int = 560) -> ArticleView:
    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(width, 700)
    view.set_article(text, [], None)
    view.show()
    qtbot.waitExposed(view)
    QApplication.processEvents()
    return view


def _outline(view: ArticleView, a: int, b: int, text: str = TEXT) -> list[QRectF]:
    item = Item(Quote(((a, b),), status="pending", origin="model"), None, 1)
    view.set_current(item, scroll=False)
    QApplication.processEvents()
    dx = view.horizontalScrollBar().value()
    dy = view.verticalScrollBar().value()
    rects = [r.translated(dx, dy) for r in view.outline_rects()]  # document coordinates
    assert rects == view.span_rects(a, b)
    return rects


def _cells(view: ArticleView, text: str) -> list[tuple[int, int, QRectF]]:
    """(code point, line key, document rectangle where Qt draws it) for every character
    that is not whitespace; the line key tells visual lines apart."""
    doc = view.document()
    layout = doc.documentLayout()
    m = Utf16Map(text)
    out = []
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        p16, n16 = m.to_utf16(i), m.to_utf16(i + 1) - m.to_utf16(i)
        block = doc.findBlock(p16)
        tl = block.layout()
        origin = layout.blockBoundingRect(block).topLeft()
        line = tl.lineForTextPosition(p16 - block.position())
        box = QRectF()
        for run in line.glyphRuns(p16 - block.position(), n16):
            box = box.united(run.boundingRect())
        if box.isEmpty():
            continue  # a zero-width mark (the flag's second half is drawn with its first)
        top = origin.y() + line.y()
        cell = QRectF(origin.x() + box.left(), top, box.width(), line.height())
        out.append((i, block.blockNumber() * 10_000 + line.lineNumber(), cell))
    return out


def _overlap(r: QRectF, s: QRectF) -> float:
    """Width of the horizontal overlap of two rectangles on the same line (0: none)."""
    if r.bottom() <= s.top() or s.bottom() <= r.top():
        return 0.0
    return max(0.0, min(r.right(), s.right()) - max(r.left(), s.left()))


def _check(view: ArticleView, a: int, b: int, text: str = TEXT) -> list[QRectF]:
    rects = _outline(view, a, b, text)
    cells = _cells(view, text)
    inside = [(i, key, c) for i, key, c in cells if a <= i < b]
    outside = [(i, key, c) for i, key, c in cells if not a <= i < b]
    lines = sorted({key for _, key, _ in inside})
    # one rectangle per visual line holding a glyph of the span: none on a line without
    assert len(rects) == len(lines), (rects, lines)
    for key, rect in zip(lines, sorted(rects, key=lambda r: (r.top(), r.left())), strict=True):
        mine = [c for _, k, c in inside if k == key]
        left, right = min(c.left() for c in mine), max(c.right() for c in mine)
        # from the first glyph's left edge to the last one's right edge, the line's height
        assert abs(rect.left() - left) <= TOL and abs(rect.right() - right) <= TOL, (rect, key)
        assert abs(rect.top() - mine[0].top()) <= TOL
        assert abs(rect.bottom() - mine[0].bottom()) <= TOL
    # no character outside the span is under the outline
    for i, _key, cell in outside:
        for rect in rects:
            assert _overlap(rect, cell) <= TOL, (repr(text[i]), i, cell, rect)
    return rects


@pytest.mark.parametrize(
    "sub",
    [
        "harbour master",  # a few words (at 560 px it crosses a wrap, at 900 px it does not)
        "said",  # one word mid-line
        "the new pier would open in spring, and that the ferry timetable would change for the"
        " summer season across the whole",  # several lines, mid-line at both ends
        "Opening words at the very",  # at the start of the text
        "one of them said at the end.",  # at the end of the text
        "whole of the bay.\n\nResidents",  # across paragraphs and the empty line
        "asked\u00a0questions",  # after an emoji, over a non-breaking space
        "We want answers now,",  # inside quotation marks: the marks stay outside
        TEXT,  # the whole text
    ],
)
@pytest.mark.parametrize("width", [560, 900])
def test_the_outline_covers_the_span_and_nothing_else(qtbot: Any, sub: str, width: int) -> None:
    view = _view(qtbot, width=width)
    a, b = _span(sub)
    rects = _check(view, a, b)
    assert rects


@pytest.mark.parametrize("width", [420, 560, 900])
def test_spans_at_a_line_wrap(qtbot: Any, width: int) -> None:
    """The space a line wraps at is drawn nowhere: a span ending with it hugs the last
    word; a span starting with it has no sliver at the end of the line above."""
    view = _view(qtbot, width=width)
    block = view.document().firstBlock()
    line = block.layout().lineAt(0)
    wrap = line.textStart() + line.textLength()  # the next line starts here
    assert TEXT[wrap - 1] == " " and TEXT[wrap] != " "  # no emoji before the first wrap
    ends_with_space = _check(view, wrap - 8, wrap)
    assert len(ends_with_space) == 1
    starts_with_space = _check(view, wrap - 1, wrap + 5)
    assert len(starts_with_space) == 1
    across = _check(view, wrap - 6, wrap + 6)
    assert len(across) == 2


def test_a_quote_of_several_fragments_is_outlined_fragment_by_fragment(qtbot: Any) -> None:
    view = _view(qtbot)
    first, second = _span("We want answers"), _span("said at the end")
    item = Item(Quote((first, second), status="pending", origin="model"), None, 1)
    view.set_current(item, scroll=False)
    QApplication.processEvents()
    dx, dy = view.horizontalScrollBar().value(), view.verticalScrollBar().value()
    rects = [r.translated(dx, dy) for r in view.outline_rects()]
    assert rects == view.span_rects(*first) + view.span_rects(*second)
    between = _span(' now," one of them ')
    for i, _key, cell in _cells(view, TEXT):
        if between[0] <= i < between[1]:
            assert all(_overlap(r, cell) <= TOL for r in rects), TEXT[i]


def test_the_speaker_outline_hugs_the_mention(qtbot: Any) -> None:
    view = _view(qtbot)
    quote = Quote(
        (_span("the new pier would open in spring"),),
        speaker_spans=(_span("The harbour master"),),
        status="pending",
        origin="model",
    )
    view.set_current(Item(quote, None, 1), scroll=False)
    QApplication.processEvents()
    dx, dy = view.horizontalScrollBar().value(), view.verticalScrollBar().value()
    speaker = [r.translated(dx, dy) for r in view.outline_rects(speaker=True)]
    assert speaker == view.span_rects(*_span("The harbour master"))


@pytest.mark.parametrize(
    "sub", ["whole of the bay.\n\nResidents", "Opening words", "one of them said at the end."]
)
def test_the_current_shade_paints_no_line_break(qtbot: Any, sub: str) -> None:
    """The current quote's shade (extra selections) covers the span's characters only:
    a selection over a paragraph break painted a box past the line's end and over the
    empty line."""
    view = _view(qtbot)
    a, b = _span(sub)
    _outline(view, a, b)
    m = Utf16Map(TEXT)
    covered: set[int] = set()
    for sel in view.extraSelections():
        cur = sel.cursor  # type: ignore[attr-defined]
        assert "\u2029" not in cur.selectedText()  # Qt's paragraph separator
        covered |= set(range(m.from_utf16(cur.selectionStart()), m.from_utf16(cur.selectionEnd())))
    assert covered == {i for i in range(a, b) if TEXT[i] != "\n"}
