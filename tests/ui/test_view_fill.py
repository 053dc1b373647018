"""A long article goes into the view's document by steps (issue 16): the first part at
once, the rest at later turns of the event loop. While it fills and after, everything that
counts positions lands on the stored text: highlights, the outline, selection, copy, the
scroll to a quote; what lies past the part put in waits or is refused, keys that act on a
quote not on screen yet say so, and a new article stops the fill of the one before.

The fill's sizes are made small here (a few thousand characters a step), so texts of tens
of thousands of characters take several steps. The reference for "where is code point i"
is read from the document itself (its blocks walked against the stored text).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.model import Article, Quote
from annotator.core.text import ViewText
from annotator.services.items import Item
from annotator.store.project import Project
from annotator.ui import article_view
from annotator.ui.article_view import ArticleView
from annotator.ui.highlighting import STATE_COLOURS
from tests.ui.conftest import open_review, open_window
from tests.ui.doc_walk import painted_at, repeat, small_fill_steps, walk

N = 60_000
SHAPES = {
    "flat sentences": repeat("Lorem ipsum dolor sit amet. Consectetur adipiscing elit. ", N),
    "no space": repeat("Loremipsumdolorsitametconsectetur", N),
    "one letter": "x" * N,
    "long words": repeat("Donaudampfschifffahrtsgesellschaftskapitänswitwe" * 4 + " ", N),
    "short lines": repeat("A short line.\nAnother one, a bit longer.\n", N),
    "mixed scripts and emoji": repeat(
        "Lorem 🙂 ipsum\u00a0dolor. Съешь же ещё. 東京都の人口。 مرحبا 👍🏽 ", N
    ),
    "emoji, no space": repeat("ab🙂cd👍🏽éf東京", N),
}


@pytest.fixture(autouse=True)
def small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    small_fill_steps(monkeypatch, 6_000, 12_000, 2_000, 5_000)


def _item(a: int, b: int, n: int) -> Item:
    return Item(Quote(((a, b),), status="pending", origin="model"), None, n)


def _view(qtbot: Any) -> ArticleView:
    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    return view


def _spans(text: str) -> list[tuple[int, int]]:
    """Spans all along the text: across the cuts the view makes, and at the very end."""
    probe = ViewText(text)
    cuts = [probe.from_view(s) for s in probe.block_starts16[1:]]
    picked = cuts[:: max(1, len(cuts) // 12)]
    out = [(max(0, c - 25), min(len(text), c + 35)) for c in picked]
    return [*out, (len(text) - 20, len(text))]


@pytest.mark.parametrize("name", list(SHAPES))
def test_a_text_filled_by_steps_is_the_stored_text_with_its_highlights(
    qtbot: Any, name: str
) -> None:
    text = SHAPES[name]
    spans = _spans(text)
    items = [_item(a, b, i) for i, (a, b) in enumerate(spans)]
    view = _view(qtbot)
    steps: list[tuple[int, int]] = []
    view.filling.connect(lambda done, total: steps.append((done, total)))
    with qtbot.waitSignal(view.filled, timeout=60000):
        view.set_article(text, items, items[0])
        assert not view.is_filled()
        done, total = view.filled_part()
        assert 0 < done < total == len(text)
    assert view.is_filled()
    assert len(steps) >= 3 and steps[-1] == (len(text), len(text))
    assert [d for d, _ in steps] == sorted(d for d, _ in steps)
    starts = walk(view.document(), text)
    # the blocks are those a document filled at once has, with the same gaps below
    probe = ViewText(text)
    assert view.document().blockCount() == probe.block_count
    soft = set(probe.soft_breaks)
    block = view.document().begin()
    for b in range(probe.block_count):
        cut = b + 1 < probe.block_count and probe.block_starts[b + 1] - 1 in soft
        assert block.blockFormat().bottomMargin() == (0.0 if cut else 6.0), b
        block = block.next()
    # every suggestion is painted on exactly its stored characters
    painted = painted_at(view.document(), starts, STATE_COLOURS["suggested"][0])
    wanted = {i for a, b in spans for i in range(a, b) if text[i] not in "\n"}
    cut_spaces = {s - 1 for s in starts[1:] if text[s - 1] == " "}
    assert painted == wanted - cut_spaces


def test_what_lies_past_the_part_put_in_waits_for_the_fill(qtbot: Any) -> None:
    text = SHAPES["mixed scripts and emoji"]
    a = len(text) - 300
    far = _item(a, a + 40, 1)
    near = _item(100, 140, 2)
    view = _view(qtbot)
    view.set_article(text, [near, far], far)
    # the current quote is far down: not in the document yet, nothing selected or outlined
    assert not view.shows(a, a + 40)
    assert view.outline_rects() == []
    assert view.select_span(a, a + 10) is False
    assert view.selected_span() is None
    assert view.verticalScrollBar().value() == 0
    # a span in the part put in can be selected and copied while the rest goes in
    assert view.select_span(100, 140) is True
    assert view.createMimeDataFromSelection().text() == text[100:140]
    view.clear_selection()
    qtbot.waitUntil(view.is_filled, timeout=60000)
    QApplication.processEvents()
    # then the view scrolled to the quote, outlines it, and the caret is at its end
    rects = view.outline_rects()
    assert rects and all(view.viewport().rect().intersects(r.toRect()) for r in rects)
    assert view.caret() == a + 40
    sels = view.extraSelections()
    assert sels and view.selected_span() is None
    m = ViewText(text)
    assert (sels[0].cursor.selectionStart(), sels[-1].cursor.selectionEnd()) == (
        m.to_view(a),
        m.to_view(a + 40),
    )


def test_a_search_hit_past_the_fill_is_marked_and_scrolled_to_once_in(qtbot: Any) -> None:
    text = SHAPES["flat sentences"]
    view = _view(qtbot)
    view.set_article(text, [], None)
    hit = (len(text) - 500, len(text) - 495)
    view.set_hits([(5, 10), hit], 1)
    assert len(view.extraSelections()) == 1  # the hit put in so far
    qtbot.waitUntil(view.is_filled, timeout=60000)
    QApplication.processEvents()
    sels = view.extraSelections()
    assert [(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in sels] == [(5, 10), hit]
    rect = view.cursorRect(sels[1].cursor)
    assert view.viewport().rect().contains(rect.center())


def test_copy_of_the_whole_filled_text_gives_the_stored_text_back(qtbot: Any) -> None:
    for name in ("emoji, no space", "short lines", "mixed scripts and emoji"):
        text = SHAPES[name]
        view = _view(qtbot)
        view.set_article(text, [], None)
        qtbot.waitUntil(view.is_filled, timeout=60000)
        assert view.select_span(0, len(text))
        assert view.createMimeDataFromSelection().text() == text
        view.selectAll()
        assert view.createMimeDataFromSelection().text() == text


def test_a_new_article_stops_the_fill_of_the_one_before(qtbot: Any) -> None:
    long_text = SHAPES["no space"]
    short = "A short article. It fits at once."
    view = _view(qtbot)
    steps: list[int] = []
    view.filling.connect(lambda done, _total: steps.append(done))
    view.set_article(long_text, [], None)
    first = view.filled_part()[0]
    assert first < len(long_text)
    view.set_article(short, [_item(2, 7, 1)], None)
    assert view.is_filled()
    for _ in range(20):
        QApplication.processEvents()
    assert view.document().toPlainText() == short
    assert steps == []  # no step of the old fill ran after the new article came
    # the long one again: a new fill from its start, to the end
    with qtbot.waitSignal(view.filled, timeout=60000):
        view.set_article(long_text, [], None)
    walk(view.document(), long_text)
    assert view.document().blockCount() == ViewText(long_text).block_count
    # an empty text after a long one: all in at once, nothing of the long one left
    view.set_article(long_text, [], None)
    view.set_article("", [], None)
    assert view.is_filled() and view.filled_part() == (0, 0)
    assert view.document().toPlainText() == ""
    assert not view.shows(0, 1)


def _big_project(path: Path, text: str, spans: list[tuple[int, int]]) -> Path:
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Scraped page", text, {"publisher": "Web"}))
        quotes = [Quote(content_spans=(s,), kind="indirect", confidence=0.8) for s in spans]
        p.set_suggestions(aid, "test-detector 1", quotes)
        p.add_article(Article("Short one", 'Officials said nothing. "It is fine," said Kim.'))
    return path


def _accepted(path: Path) -> list[tuple[tuple[int, int], ...]]:
    with Project.open(path) as p:
        return [
            r.quote.content_spans
            for r in p.annotations(p.article_ids()[0], "alice")
            if r.quote.status == "accepted"
        ]


def test_keys_on_a_quote_not_on_screen_yet_are_refused_then_work(
    qtbot: Any, tmp_path: Path
) -> None:
    text = SHAPES["mixed scripts and emoji"]
    far = (len(text) - 400, len(text) - 350)
    path = _big_project(tmp_path / "big.db", text, [far])
    w = open_window(qtbot, path)
    w.open_article(w.project.article_ids()[0])
    assert not w.view.is_filled()
    assert w.view.outlined() is not None and w.view.outlined().quote.content_spans == (far,)
    qtbot.keyClick(w.view, Qt.Key.Key_A)
    assert _accepted(path) == []
    assert "not on screen yet" in w.statusBar().currentMessage()
    for _ in range(3):  # fill steps go on: the progress line does not hide why
        QApplication.processEvents()
    assert "not on screen yet" in w.statusBar().currentMessage()
    qtbot.keyClick(w.view, Qt.Key.Key_R)
    with Project.open(path) as p:
        assert p.annotations(p.article_ids()[0], "alice") == []
    qtbot.waitUntil(w.view.is_filled, timeout=60000)
    assert "on screen (" not in w.statusBar().currentMessage()
    qtbot.keyClick(w.view, Qt.Key.Key_A)
    assert _accepted(path) == [(far,)]
    w.close()


def test_keys_on_a_quote_shown_work_while_the_rest_fills(qtbot: Any, tmp_path: Path) -> None:
    text = SHAPES["no space"]
    spans = [(200, 260), (len(text) - 400, len(text) - 350)]
    path = _big_project(tmp_path / "big.db", text, spans)
    w = open_window(qtbot, path)
    w.open_article(w.project.article_ids()[0])
    QApplication.processEvents()
    assert not w.view.is_filled()
    assert "% on screen (" in w.statusBar().currentMessage()
    assert w.view.outlined().quote.content_spans == (spans[0],)
    qtbot.keyClick(w.view, Qt.Key.Key_A)
    assert _accepted(path) == [(spans[0],)]
    assert not w.view.is_filled()
    # the next undecided quote is far down: current (outlined) and refused until shown
    assert w.view.outlined().quote.content_spans == (spans[1],)
    qtbot.keyClick(w.view, Qt.Key.Key_A)
    assert _accepted(path) == [(spans[0],)]
    # Ctrl+Down opens the next article mid-fill: its text alone is shown
    qtbot.keyClick(w.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    for _ in range(10):
        QApplication.processEvents()
    assert w.view.is_filled()
    assert w.view.document().toPlainText() == 'Officials said nothing. "It is fine," said Kim.'
    w.close()


def test_a_title_stored_as_a_whole_page_shows_cut_in_the_list(qtbot: Any, tmp_path: Path) -> None:
    """A project imported before titles were cut may hold a title of megabytes (the first
    line of a page flattened to one line): the article list painted it for half a minute."""
    text = SHAPES["no space"]
    path = tmp_path / "title.db"
    with Project.open(path) as p:
        p.add_article(Article(text, text))
    w = open_window(qtbot, path)
    qtbot.waitUntil(lambda: w.article_list.model.rowCount() == 1)
    model = w.article_list.model
    shown = model.index(0, 0).data(Qt.ItemDataRole.DisplayRole)
    tip = model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert shown.split("\n")[0] == text[:199] + "…"
    assert tip.split("\n")[0] == text[:199] + "…"
    w.close()


@pytest.mark.parametrize("name", ["flat sentences", "emoji, no space", "short lines"])
def test_review_window_fills_a_long_text_by_steps_and_marks_the_versions(
    qtbot: Any, tmp_path: Path, name: str
) -> None:
    from annotator.ui.review_window import ReviewWindow

    text = SHAPES[name]
    a = len(text) - 700  # far past the first step
    path = tmp_path / "review.db"
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Long", text))
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
    probe = ViewText(text)
    doc = w.text_view.document()
    assert doc.blockCount() < probe.block_count  # the first step only
    qtbot.waitUntil(lambda: doc.blockCount() == probe.block_count, timeout=60000)
    assert doc.toPlainText() == probe.display.replace("\u2029", "\n")
    spans = {
        (probe.from_view(s.cursor.selectionStart()), probe.from_view(s.cursor.selectionEnd()))
        for s in w.text_view.extraSelections()
    }
    assert spans == {(a, a + 70), (a, a + 78)}
    w.close()


def _accepted_item(a: int, b: int, n: int) -> Item:
    return Item(Quote(((a, b),), status="accepted", origin="model-corrected"), n, n)


@pytest.mark.parametrize("name", ["flat sentences", "emoji, no space", "short lines"])
def test_many_blocks_repainted_mid_fill_keep_the_fill_where_it_was(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """A change that repaints more than REPAINT_BLOCKS_MAX blocks of a long article (every
    suggestion accepted at once, a re-detection) made a new document and filled the text
    again from its start."""
    monkeypatch.setattr(article_view, "REPAINT_BLOCKS_MAX", 2)
    text = SHAPES[name]
    spans = [(a, a + 40) for a in range(50, len(text) - 60, 700)]
    items = [_item(a, b, i) for i, (a, b) in enumerate(spans)]
    view = _view(qtbot)
    steps: list[int] = []
    view.filling.connect(lambda done, _total: steps.append(done))
    view.set_article(text, items, None)
    doc = view.document()
    while view.document().blockCount() < 8:
        QApplication.processEvents()
    done = view.filled_part()[0]
    assert done < len(text) // 2
    accepted = [_accepted_item(a, b, i + 1) for i, (a, b) in enumerate(spans)]
    view.set_items(accepted, None)
    assert view.document() is doc  # the same document, not a new one filled again
    assert view.filled_part()[0] == done
    steps.clear()
    qtbot.waitUntil(lambda: view.is_filled() and not view.fill.stale(), timeout=60000)
    assert steps and min(steps) > done  # the fill went on from where it was
    starts = walk(doc, text)
    wanted = {i for a, b in spans for i in range(a, b) if text[i] != "\n"}
    cut_spaces = {s - 1 for s in starts[1:] if text[s - 1] == " "}
    assert painted_at(doc, starts, STATE_COLOURS["accepted"][0]) == wanted - cut_spaces
    assert painted_at(doc, starts, STATE_COLOURS["suggested"][0]) == set()


def test_a_quote_changed_past_the_fill_is_painted_as_it_is_now(qtbot: Any) -> None:
    """Highlights go into the index as the fill reaches each quote: a quote accepted or
    removed before the fill got to it is painted (or not) as it is when it goes in."""
    text = SHAPES["mixed scripts and emoji"]
    near = _item(100, 140, 1)
    far_a, far_b = (len(text) - 900, len(text) - 860), (len(text) - 300, len(text) - 260)
    a, b = _item(*far_a, 2), _item(*far_b, 3)
    view = _view(qtbot)
    view.set_article(text, [near, a, b], near)
    assert not view.shows(*far_a)
    took = _accepted_item(*far_a, 7)
    view.update_items([a], [took], near)  # accepted before it is on screen
    view.update_items([b], [], near)  # gone (a suggestion hidden) before it is on screen
    qtbot.waitUntil(view.is_filled, timeout=60000)
    doc = view.document()
    starts = walk(doc, text)
    assert painted_at(doc, starts, STATE_COLOURS["accepted"][0]) == set(range(*far_a))
    assert painted_at(doc, starts, STATE_COLOURS["suggested"][0]) == set(range(100, 140))


def _review_project(path: Path, text: str, a: int) -> Path:
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Long", text))
        short_id, _ = p.add_article(Article("Short", 'Officials said nothing. "Fine," said Kim.'))
        for who, extra in (("alice", 0), ("bob", 8)):
            for art, span in ((aid, (a, a + 70 + extra)), (short_id, (24, 31))):
                quote = Quote(
                    content_spans=(span,),
                    annotator=who,
                    status="accepted",
                    origin="manual",
                    kind="direct",
                )
                p.add_annotation(art, who, quote)
    return path


def _golds(path: Path) -> list[str]:
    from annotator.store.review import ReviewStore

    with Project.open(path, create=False, readonly=True) as p:
        return [g.decision for aid in p.article_ids() for g in ReviewStore(p).gold(aid, "rita")]


@pytest.mark.parametrize("name", ["flat sentences", "no space"])
def test_review_keys_on_a_quote_not_in_the_text_yet_are_refused_then_work(
    qtbot: Any, tmp_path: Path, name: str
) -> None:
    text = SHAPES[name]
    path = _review_project(tmp_path / "review.db", text, len(text) - 700)
    w = open_review(qtbot, path, 1)
    assert not w.fill.is_filled()
    for key in (Qt.Key.Key_1, Qt.Key.Key_X):
        qtbot.keyClick(w.table, key)
        assert "not on screen yet" in w.statusBar().currentMessage()
        assert "1-9, X and E work once it shows" in w.statusBar().currentMessage()
    assert _golds(path) == []
    qtbot.waitUntil(w.fill.is_filled, timeout=60000)
    qtbot.keyClick(w.table, Qt.Key.Key_2)  # bob's version
    assert _golds(path) == ["picked"]
    w.close()


def test_review_next_article_mid_fill_stops_the_long_text(qtbot: Any, tmp_path: Path) -> None:
    text = SHAPES["emoji, no space"]
    path = _review_project(tmp_path / "review.db", text, len(text) - 700)
    w = open_review(qtbot, path, 1)
    assert not w.fill.is_filled()
    steps: list[int] = []
    w.fill.filling.connect(lambda done, _total: steps.append(done))
    qtbot.keyClick(w.table, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: w.text_view.toPlainText().startswith("Officials"))
    for _ in range(20):
        QApplication.processEvents()
    assert w.text_view.toPlainText() == 'Officials said nothing. "Fine," said Kim.'
    assert steps == [] and w.fill.is_filled()
    qtbot.keyClick(w.table, Qt.Key.Key_1)  # a quote on screen (both agree): gold at once
    assert _golds(path) == ["agreed"]
    # back to the long one: filled again from its start, to its end
    qtbot.keyClick(w.table, Qt.Key.Key_P)
    qtbot.waitUntil(w.fill.is_filled, timeout=60000)
    assert w.text_view.toPlainText() == ViewText(text).display.replace("\u2029", "\n")
    w.close()
