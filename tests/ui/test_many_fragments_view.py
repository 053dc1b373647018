"""The outline and shade of a quote of very many fragments (tester20 U10): made for the
blocks near the viewport and kept while it stays there, they still cover exactly the
fragments on screen after a scroll, after a resize and in a long paragraph the view cut
into blocks; many search hits are selected near the viewport and follow it."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from annotator.core.model import Quote
from annotator.services.items import Item
from annotator.ui.article_view import EXTRAS_ALL, ArticleView
from annotator.ui.highlighting import CURRENT_DARKER, STATE_COLOURS

WORD = "wave"
#: one paragraph of 4,000 words (the view cuts it into blocks), then 60 short ones
ONE_PARAGRAPH = " ".join(f"{WORD}{i % 10}" for i in range(4000))
PARAGRAPHS = ONE_PARAGRAPH + "".join(
    f"\n\nParagraph {p} " + " ".join(f"tide{i % 10}" for i in range(40)) for p in range(60)
)
STEP = len(WORD) + 2  # "wave3 "


def _fragments(n: int, every: int = 2) -> tuple[tuple[int, int], ...]:
    """One fragment per ``every``-th word of the long paragraph, ``n`` of them."""
    return tuple((i * every * STEP, i * every * STEP + STEP - 1) for i in range(n))


def _view(qtbot: Any, spans: tuple[tuple[int, int], ...], text: str = PARAGRAPHS) -> ArticleView:
    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(700, 500)
    item = Item(Quote(spans, status="pending", origin="model"), None, 1)
    view.set_article(text, [item], item)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(view.is_filled, timeout=20_000)
    QApplication.processEvents()
    return view


def _on_screen(view: ArticleView, rects: list[QRectF]) -> list[tuple[float, ...]]:
    port = QRectF(view.viewport().rect())
    return sorted((r.left(), r.top(), r.right(), r.bottom()) for r in rects if r.intersects(port))


def _expected(view: ArticleView, spans: tuple[tuple[int, int], ...]) -> list[tuple[float, ...]]:
    """Every fragment's rectangles, measured one by one over the whole quote (the slow
    way the view used to paint), in viewport coordinates, those on screen."""
    dx = -view.horizontalScrollBar().value()
    dy = -view.verticalScrollBar().value()
    rects = [r.translated(dx, dy) for a, b in spans for r in view.span_rects(a, b)]
    return _on_screen(view, rects)


def _check(view: ArticleView, spans: tuple[tuple[int, int], ...]) -> None:
    view.viewport().repaint()
    got = _on_screen(view, view.outline_rects())
    assert got, "nothing of the quote is outlined on screen"
    assert got == _expected(view, spans)


def test_the_outline_covers_the_fragments_on_screen_after_scrolls(qtbot: Any) -> None:
    spans = _fragments(1500)
    view = _view(qtbot, spans)
    _check(view, spans)
    bar = view.verticalScrollBar()
    quote_bottom = view.span_rects(*spans[-1])[-1].bottom()
    for y in (300, 2_000, int(quote_bottom) - 400, int(quote_bottom) - 200):
        bar.setValue(y)
        QApplication.processEvents()
        _check(view, spans)
    # past the quote: nothing is outlined on screen
    bar.setValue(bar.maximum())
    QApplication.processEvents()
    view.viewport().repaint()
    assert _on_screen(view, view.outline_rects()) == []


def test_the_outline_is_kept_while_the_viewport_stays_and_made_again_after_a_resize(
    qtbot: Any,
) -> None:
    spans = _fragments(1500)
    view = _view(qtbot, spans)
    view.verticalScrollBar().setValue(1_500)
    QApplication.processEvents()
    view.viewport().repaint()
    kept = view._outline()
    view.viewport().repaint()
    assert view._outline() is kept  # the same paint state: not made again
    before = _on_screen(view, view.outline_rects())
    view.resize(520, 500)  # narrower: the text wraps elsewhere
    QApplication.processEvents()
    assert view._outline() is not kept
    _check(view, spans)
    assert _on_screen(view, view.outline_rects()) != before
    view.resize(900, 640)
    QApplication.processEvents()
    _check(view, spans)


def test_the_outline_follows_a_zoom(qtbot: Any) -> None:
    spans = _fragments(800)
    view = _view(qtbot, spans)
    view.verticalScrollBar().setValue(900)
    QApplication.processEvents()
    _check(view, spans)
    view.set_zoom(3)
    QApplication.processEvents()
    _check(view, spans)


def test_fragments_over_many_paragraphs_are_outlined_where_they_are(qtbot: Any) -> None:
    """One fragment in each short paragraph (the blocks are paragraphs, not cuts)."""
    starts = [i for i in range(len(PARAGRAPHS)) if PARAGRAPHS.startswith("Paragraph", i)]
    spans = tuple((s + 10, s + 20) for s in starts) + tuple((s + 30, s + 35) for s in starts)
    spans = tuple(sorted(spans))
    view = _view(qtbot, spans)
    bar = view.verticalScrollBar()
    middle = view.span_rects(*spans[len(spans) // 2])[0].top()
    for y in (int(middle) - 100, bar.maximum()):
        bar.setValue(y)
        QApplication.processEvents()
        _check(view, spans)


@pytest.mark.parametrize("n", [EXTRAS_ALL, 1500])
def test_the_shade_of_a_quote_of_many_fragments_is_painted_not_selected(qtbot: Any, n: int) -> None:
    spans = _fragments(n)
    view = _view(qtbot, spans)
    if n <= EXTRAS_ALL:  # a few fragments: one extra selection per fragment, as before
        assert len(view.extraSelections()) == n
        return
    assert view.extraSelections() == []
    image = view.viewport().grab().toImage()
    want = QColor(STATE_COLOURS["suggested"][0]).darker(CURRENT_DARKER)
    plain = QColor(STATE_COLOURS["suggested"][0])
    shaded = 0
    for r in view.outline_rects()[:40]:
        got = image.pixelColor(int(r.left()) + 2, int(r.top()) + 2)
        assert abs(got.red() - plain.red()) > 8 or abs(got.blue() - plain.blue()) > 8
        shaded += (
            max(
                abs(got.red() - want.red()),
                abs(got.green() - want.green()),
                abs(got.blue() - want.blue()),
            )
            <= 6
        )
    assert shaded >= 30  # a glyph may reach the probed pixel now and then


def test_many_search_hits_are_selected_near_the_viewport_and_follow_it(qtbot: Any) -> None:
    view = _view(qtbot, _fragments(1))
    hits = [(i * STEP, i * STEP + len(WORD)) for i in range(4000)]
    view.set_hits(hits, 0)
    QApplication.processEvents()
    first = [(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in view.extraSelections()]
    assert EXTRAS_ALL < len(first) < len(hits)  # the fragment's shade and the hits near
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 3)
    QApplication.processEvents()
    view.viewport().repaint()
    QApplication.processEvents()
    sels = view.extraSelections()
    port = QRectF(view.viewport().rect())
    on_screen = [s for s in sels if QRectF(view.cursorRect(s.cursor)).intersects(port)]
    assert on_screen, "no hit is marked on screen after the scroll"
    # every hit whose end lies on screen is marked
    marked = {(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in sels}
    cur = view.textCursor()
    visible = []
    for a, b in hits:
        cur.setPosition(b)
        if QRectF(view.cursorRect(cur)).intersects(port):
            visible.append((a, b))
    assert visible and set(visible) <= marked
