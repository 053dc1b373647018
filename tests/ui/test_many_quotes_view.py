"""The article view on an article with many quotes (issue 16): after every key (accept,
reject, undo, redo, a boundary edit) the highlights painted in every paragraph and the
current quote's outline are those of a fresh view of what the project holds, and a
decision re-lays out only the paragraphs it touched, the first one after opening too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from annotator.core.model import Article, Quote
from annotator.core.text import Utf16Map
from annotator.services.items import Item
from annotator.services.session import Session
from annotator.store.project import Project
from annotator.ui.article_view import REPAINT_BLOCKS_MAX, ArticleView
from annotator.ui.main_window import MainWindow
from tests.ui.conftest import DETECTOR, open_window

NAMES = ["Ana Ruiz", "Tom Okafor", "Mei Chen"]


def _many_quotes(n: int, low_every: int = 0) -> tuple[str, list[Quote]]:
    """``n`` paragraphs, each with a direct quote, its speaker and its cue; every fifth
    paragraph holds an emoji and a non-breaking space before its quote (UTF-16 offsets
    differ from code points after them), every seventh quote runs on into the next
    paragraph (pieces in two blocks)."""
    paras: list[str] = []
    quotes: list[Quote] = []
    pos = 0
    for i in range(n):
        lead = f"Paragraph {i} 🙂\u00a0opens here. " if i % 5 == 0 else f"Paragraph {i}. "
        body = f"We counted {i} votes and more"
        name = NAMES[i % len(NAMES)]
        para = f'{lead}"{body}," {name} said on day {i}.'
        a = pos + len(lead) + 1
        b = a + len(body)
        if i % 7 == 6 and i + 1 < n:
            b = pos + len(para) + 1 + len("Paragraph")  # into the next paragraph
        sp = pos + para.index(name)
        quotes.append(
            Quote(
                content_spans=((a, b),),
                speaker_spans=((sp, sp + len(name)),),
                cue_spans=((sp + len(name) + 1, sp + len(name) + 5),),
                speaker_text=name,
                speaker_name=name,
                kind="direct",
                confidence=0.3 if low_every and i % low_every == 0 else 0.8,
            )
        )
        paras.append(para)
        pos += len(para) + 1
    text = "\n".join(paras)
    assert text[quotes[1].content_spans[0][0] - 1] == '"'
    return text, quotes


def _project(path: Path, n: int = 120, low_every: int = 0) -> tuple[int, str]:
    text, quotes = _many_quotes(n, low_every)
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Many quotes", text, {"publisher": "Wire"}))
        p.set_suggestions(aid, DETECTOR, quotes)
    return aid, text


def _painted(view: ArticleView) -> list[list[tuple[Any, ...]]]:
    """Every block's highlight ranges: start, length, background, text colour, weight,
    underline style and strike-out, sorted."""
    out = []
    block = view.document().begin()
    while block.isValid():
        out.append(
            sorted(
                (
                    r.start,
                    r.length,
                    r.format.background().color().name(),
                    r.format.foreground().color().name(),
                    r.format.fontWeight(),
                    r.format.underlineStyle().value,
                    r.format.fontStrikeOut(),
                )
                for r in block.layout().formats()
            )
        )
        block = block.next()
    return out


def _assert_on_screen_is_stored(qtbot: Any, w: MainWindow, aid: int, text: str, step: str) -> None:
    """The view shows what a fresh session reads from the project: same items, same
    highlights in every paragraph, the current quote outlined over its fragments."""
    fresh = Session(w.project, w.session.annotator)
    fresh.open_article(aid)
    assert [(it.key, it.state, it.quote.content_spans) for it in w.session.items] == [
        (it.key, it.state, it.quote.content_spans) for it in fresh.items
    ], step
    other = ArticleView()
    qtbot.addWidget(other)
    other.set_article(text, fresh.items, None)
    assert _painted(w.view) == _painted(other), step
    assert w.view.highlighter.index == other.highlighter.index, step
    cur = w.session.current
    assert cur is not None
    m = Utf16Map(text)
    sels = w.view.extraSelections()
    outlined = [(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in sels]
    # one selection per block piece; together they cover the current quote's fragments
    covered = {p for a, b in outlined for p in range(a, b)}
    wanted = {
        p
        for a, b in cur.quote.content_spans
        for p in range(m.to_utf16(a), m.to_utf16(b))
        if text[m.from_utf16(p)] != "\n"
    }
    assert covered == wanted, step


def _key(qtbot: Any, w: MainWindow, spec: str) -> None:
    mods = Qt.KeyboardModifier.NoModifier
    *held, name = spec.split("+")
    for h in held:
        mods |= {"ctrl": Qt.KeyboardModifier.ControlModifier}.get(h) or (
            Qt.KeyboardModifier.ShiftModifier
        )
    key = getattr(Qt.Key, f"Key_{name}")
    qtbot.keyClick(QApplication.focusWidget() or w.view, key, mods)


SCRIPTS = {
    "accept, undo, redo": ["A", "A", "A", "ctrl+Z", "ctrl+Z", "ctrl+shift+Z", "A"],
    "reject and undo": ["R", "A", "R", "ctrl+Z", "ctrl+Z", "ctrl+Z"],
    "edit boundaries": ["ctrl+Right", "ctrl+Right", "ctrl+shift+Right", "ctrl+Z", "A"],
    "move then decide": ["N", "N", "A", "P", "R", "ctrl+Left", "ctrl+Z", "ctrl+Z"],
}


@pytest.mark.parametrize("script", list(SCRIPTS))
@pytest.mark.parametrize("start", [0, 60, 119])
def test_highlights_after_every_key_are_those_of_a_fresh_view(
    qtbot: Any, tmp_path: Path, script: str, start: int
) -> None:
    aid, text = _project(tmp_path / "p.db")
    w = open_window(qtbot, tmp_path / "p.db")
    w.open_article(aid)
    w.open_article(aid, w.session.items[start].key)
    w.view.setFocus()
    _assert_on_screen_is_stored(qtbot, w, aid, text, "opened")
    for i, spec in enumerate(SCRIPTS[script]):
        _key(qtbot, w, spec)
        _assert_on_screen_is_stored(qtbot, w, aid, text, f"{i}: {spec}")
    w.close()


@pytest.mark.parametrize("start", [0, 59, 118])
def test_the_first_decision_after_opening_relays_out_only_its_paragraphs(
    qtbot: Any, tmp_path: Path, start: int
) -> None:
    """Before, the paragraphs the highlighter painted as the text went in stayed marked as
    changed, and the first decision handed the whole text to the layout again (the layout
    then announced the whole document as changed)."""
    aid, text = _project(tmp_path / "p.db")
    w = open_window(qtbot, tmp_path / "p.db")
    w.open_article(aid)
    w.open_article(aid, w.session.items[start].key)
    w.view.setFocus()
    doc = w.view.document()
    assert w.view.highlighter.document() is doc and w.view.highlighter.parent() is doc
    cur = w.session.current
    assert cur is not None
    m = Utf16Map(text)
    layout = doc.documentLayout()
    layout.documentSize()  # the whole text laid out (else the lazy layout is still going)
    # the layout repaints from the paragraph before the quote's first to the one after its
    # last, give or take a margin (to the end of the document when that is its last)
    first = doc.findBlock(m.to_utf16(cur.quote.start))
    last = doc.findBlock(m.to_utf16(cur.quote.end))
    before, after = first.previous(), last.next()
    top = layout.blockBoundingRect(before).top() if before.isValid() else 0.0
    bottom = layout.blockBoundingRect(after).bottom() + 28 if after.isValid() else float("inf")
    laid_out: list[tuple[float, float]] = []
    layout.update.connect(lambda r: laid_out.append((r.top(), r.bottom())))
    _key(qtbot, w, "A")
    with Project.open(tmp_path / "p.db") as p:
        (rec,) = p.annotations(aid, "alice")
    assert rec.quote.status == "accepted" and rec.quote.content_spans == cur.quote.content_spans
    assert laid_out, "the accepted quote's paragraph was laid out again"
    for a, b in laid_out:
        assert top <= a and b <= bottom, (laid_out, top, bottom)
    w.close()


def test_counts_of_a_thousand_quotes_read_with_separators(qtbot: Any, tmp_path: Path) -> None:
    """The list row, the status bar and the quote panel write 1,200 (the tester read
    '100004 articles')."""
    aid, _text = _project(tmp_path / "p.db", n=1200)
    w = open_window(qtbot, tmp_path / "p.db")
    w.open_article(aid)
    w.view.setFocus()
    model = w.article_list.model
    row = w.article_list.table.currentIndex().row()
    qtbot.waitUntil(lambda: model.data(model.index(row, 4)) == "0/1,200")
    assert "this article 0/1,200" in w.progress_label.text()
    assert "of 1,200</b>" in w.panel.header.text()
    _key(qtbot, w, "A")
    qtbot.waitUntil(lambda: model.data(model.index(row, 4)) == "1/1,200")
    assert "this article 1/1,200" in w.progress_label.text()
    qtbot.waitUntil(lambda: "quotes done 1/1,200" in w.progress_label.text())
    w.close()


def _top_char(view: ArticleView) -> int:
    """The character under the middle of the first line shown (below the page margin)."""
    return view.cursorForPosition(QPoint(view.viewport().width() // 2, 40)).position()


@pytest.mark.parametrize("low_every", [2, 3, 40])
@pytest.mark.parametrize("where", ["top", "middle", "end"])
def test_a_new_threshold_repaints_every_paragraph_and_keeps_the_place(
    qtbot: Any, tmp_path: Path, low_every: int, where: str
) -> None:
    """Hiding or showing many suggestions at once (a confidence threshold; a re-detection
    refreshes the same way) paints what the project holds in every paragraph, keeps the
    selection and outlines the current quote."""
    aid, text = _project(tmp_path / "p.db", n=300, low_every=low_every)
    w = open_window(qtbot, tmp_path / "p.db")
    w.session.set_min_confidence(0.0)
    w.open_article(aid)
    bar = w.view.verticalScrollBar()
    w.view.document().documentLayout().documentSize()  # all laid out: the bar's full range
    bar.setValue({"top": 0, "middle": bar.maximum() // 2, "end": bar.maximum()}[where])
    top = _top_char(w.view)
    at = Utf16Map(text).from_utf16(top)  # the view counts UTF-16 units, spans code points
    w.view.select_span(at, min(at + 20, len(text)))  # the selection the keys act on
    selected = w.view.selected_span()
    for threshold in (0.5, 0.0, 0.5):
        w.session.set_min_confidence(threshold)
        hidden = 0 if threshold == 0.0 else len(range(0, 300, low_every))
        assert len(w.session.items) == 300 - hidden
        _assert_painted_is_stored(qtbot, w, aid, text, f"threshold {threshold}")
        assert w.view.highlighter.document() is w.view.document()
        assert w.view.selected_span() == selected, threshold
        cur = w.session.current
        assert cur is not None and w.view.outlined() is cur
    w.close()


@pytest.mark.parametrize("keep", [0.0, 0.5, 0.9, 0.97])
# (not the very end: a paragraph losing its bold speaker may wrap shorter, and a shorter
# document scrolled to its end shows more of what comes before, whichever way it repaints)
@pytest.mark.parametrize("where", [0.0, 0.5, 0.9])
def test_many_changed_paragraphs_keep_the_text_in_place(
    qtbot: Any, tmp_path: Path, keep: float, where: float
) -> None:
    """The view alone (no current quote to bring into view): after many highlights
    changed, the same character is at the top of the view and the selection stays."""
    text, quotes = _many_quotes(300)
    items = [Item(q, None, i) for i, q in enumerate(quotes, 1)]
    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(640, 500)
    view.show()
    qtbot.waitExposed(view)
    view.set_article(text, items, None)
    view.document().documentLayout().documentSize()
    bar = view.verticalScrollBar()
    bar.setValue(int(bar.maximum() * where))
    top = _top_char(view)
    at = Utf16Map(text).from_utf16(top)
    view.select_span(at, min(at + 20, len(text)))
    selected = view.selected_span()
    kept = items[: int(len(items) * keep)]
    before = view.document()
    view.set_items(kept, None)
    # few changed paragraphs repaint in place, many in a new document (both checked here)
    assert (view.document() is before) == (len(items) - len(kept) <= REPAINT_BLOCKS_MAX)
    assert _top_char(view) == top
    assert view.selected_span() == selected
    other = ArticleView()
    qtbot.addWidget(other)
    other.set_article(text, kept, None)
    assert _painted(view) == _painted(other)
    assert view.highlighter.index == other.highlighter.index


def _assert_painted_is_stored(qtbot: Any, w: MainWindow, aid: int, text: str, step: str) -> None:
    fresh = Session(w.project, w.session.annotator)
    fresh.min_confidence = w.session.min_confidence
    fresh.open_article(aid)
    assert [it.key for it in w.session.items] == [it.key for it in fresh.items], step
    other = ArticleView()
    qtbot.addWidget(other)
    other.set_article(text, fresh.items, None)
    assert _painted(w.view) == _painted(other), step
