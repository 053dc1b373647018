"""The current quote stays in view when the text reflows (first show at the window's size,
a restored layout, a narrower or wider window): reopening a project showed only the last word
of the quote the panel named."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QTextCursor

from annotator.core.model import Quote
from annotator.services.items import Item
from annotator.ui.article_view import ArticleView

PARAS = [
    f"Paragraph {i}: the council met again and the mayor said “the bridge will reopen "
    f"in spring {i}” before residents asked about the ferry timetable and the tolls."
    for i in range(60)
]
TEXT = "\n".join(PARAS)


def _visible(view: ArticleView, item: Item) -> bool:
    cur = QTextCursor(view.document())
    cur.setPosition(item.quote.start)
    top = view.cursorRect(cur).top()
    cur.setPosition(item.quote.end)
    bottom = view.cursorRect(cur).bottom()
    return top >= 0 and bottom <= view.viewport().height()


@pytest.mark.parametrize(
    ("paragraph", "sizes"),
    [
        (45, [(900, 500), (420, 500)]),
        (50, [(380, 400), (1200, 400)]),
        (58, [(600, 300), (500, 700), (350, 300)]),
    ],
)
def test_current_quote_is_back_in_view_after_each_reflow(
    qtbot: Any, paragraph: int, sizes: list[tuple[int, int]]
) -> None:
    start = TEXT.index(f"“the bridge will reopen in spring {paragraph}”")
    item = Item(Quote(((start + 1, start + 34),), status="pending", origin="model"), None, 1)
    view = ArticleView()
    qtbot.addWidget(view)
    view.set_article(TEXT, [item], item)  # before the first show: no real size yet
    view.resize(*sizes[0])
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: _visible(view, item), timeout=60000)
    for size in sizes[1:]:
        view.resize(*size)
        qtbot.waitUntil(lambda: _visible(view, item), timeout=60000)
    assert view.verticalScrollBar().value() > 0  # the quote is far down: it did scroll


def test_a_selection_is_not_scrolled_away(qtbot: Any) -> None:
    start = TEXT.index("“the bridge will reopen in spring 50”")
    item = Item(Quote(((start + 1, start + 34),), status="pending", origin="model"), None, 1)
    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(700, 400)
    view.show()
    qtbot.waitExposed(view)
    view.set_article(TEXT, [item], item)
    qtbot.waitUntil(lambda: _visible(view, item), timeout=60000)
    view.select_span(10, 30)  # the analyst is selecting words near the top
    view.verticalScrollBar().setValue(0)
    view.resize(650, 400)
    qtbot.wait(50)
    assert view.verticalScrollBar().value() == 0
