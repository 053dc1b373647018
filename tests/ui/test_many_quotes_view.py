"""The article view on an article with many quotes (issue 16): after every key (accept,
reject, undo, redo, a boundary edit) the highlights painted in every paragraph and the
current quote's outline are those of a fresh view of what the project holds, and a
decision re-lays out only the paragraphs it touched, the first one after opening too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.model import Article, Quote
from annotator.core.text import Utf16Map
from annotator.services.session import Session
from annotator.store.project import Project
from annotator.ui.article_view import ArticleView
from annotator.ui.main_window import MainWindow
from tests.ui.conftest import DETECTOR, open_window

NAMES = ["Ana Ruiz", "Tom Okafor", "Mei Chen"]


def _many_quotes(n: int) -> tuple[str, list[Quote]]:
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
                confidence=0.8,
            )
        )
        paras.append(para)
        pos += len(para) + 1
    text = "\n".join(paras)
    assert text[quotes[1].content_spans[0][0] - 1] == '"'
    return text, quotes


def _project(path: Path, n: int = 120) -> tuple[int, str]:
    text, quotes = _many_quotes(n)
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
