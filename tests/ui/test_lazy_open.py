"""A long article is cut into view blocks only as far as its fill has got (issue 16,
tester20 T9: cutting 30 MB at open held the window 1.3-1.5 s), and an article's many
suggestions are indexed by bounded parts (T8). After such a stepwise open the quotes
painted are those of the stored text, emoji (two UTF-16 units each) included, and the keys
act on the quote outlined, also while the text still fills.

The fill's sizes are made small (a few thousand characters a step) so a text of tens of
thousands of characters takes many steps; what is painted is read back from the document
(its blocks walked against the stored text), not from the code under test.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from annotator.core.model import Article, Quote
from annotator.services.items import SUGGESTED
from annotator.store.project import Project
from annotator.ui import article_view
from annotator.ui.highlighting import STATE_COLOURS
from tests.ui.conftest import open_window
from tests.ui.doc_walk import painted_at, small_fill_steps, walk

# one sentence: speaker "Zoë 🙂" at 0..5, content "we act 👍🏽 now" at 12..25
UNIT = 'Zoë 🙂 said "we act 👍🏽 now" 🎉. '
CONTENT = (12, 25)
SPEAKER = (0, 5)


@pytest.fixture(autouse=True)
def small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    small_fill_steps(monkeypatch, 6_000, 12_000, 2_000, 5_000)
    monkeypatch.setattr(article_view, "FILL_STEP_QUOTES", 40)  # many quote-bound steps


def _text(units: int) -> str:
    # a paragraph break every 400 sentences; the rest one long line the view cuts
    return "".join(UNIT + ("\n" if i % 400 == 399 else "") for i in range(units))


def _starts(text: str) -> list[int]:
    out, pos = [], 0
    while (pos := text.find("Zoë", pos)) >= 0:
        out.append(pos)
        pos += 3
    return out


def _project(path: Path, units: int, every: int = 1) -> tuple[Path, str, list[int]]:
    text = _text(units)
    starts = _starts(text)[::every]
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Long page", text))
        p.set_suggestions(
            aid,
            "test-detector 1",
            [
                Quote(
                    content_spans=((s + CONTENT[0], s + CONTENT[1]),),
                    speaker_spans=((s + SPEAKER[0], s + SPEAKER[1]),),
                    speaker_text="Zoë 🙂",
                    confidence=0.9,
                )
                for s in starts
            ],
        )
        p.add_article(Article("Short one", 'Officials said nothing. "It is fine," said Kim.'))
    return path, text, starts


def _accepted(path: Path) -> list[tuple[tuple[int, int], ...]]:
    with Project.open(path) as p:
        aid = p.article_ids()[0]
        return [r.quote.content_spans for r in p.annotations(aid, "alice")]


def _content(s: int) -> tuple[tuple[int, int], ...]:
    return ((s + CONTENT[0], s + CONTENT[1]),)


def test_many_late_suggestions_on_a_long_emoji_text_are_painted_where_they_are(
    qtbot: Any, tmp_path: Path
) -> None:
    path, text, starts = _project(tmp_path / "many.db", 1_600)  # 1,600 quotes, 52,000 chars
    w = open_window(qtbot, path)
    w.session.late_suggestions = 50  # read off the window's thread, then indexed by parts
    w.open_article(w.project.article_ids()[0])
    m = w.view._index.map
    assert not m.complete and m.built < len(text) // 2  # cut only as far as the fill
    qtbot.waitUntil(
        lambda: w.session.suggestions_pending is None and w._suggestions_task is None,
        timeout=30_000,
    )
    assert w.view.outlined().quote.content_spans == _content(starts[0])
    qtbot.waitUntil(lambda: w.view.is_filled() and not w.view.fill.stale(), timeout=60_000)
    qtbot.waitUntil(lambda: not w.view._reached.behind(), timeout=30_000)
    qtbot.waitUntil(gc.isenabled, timeout=30_000)  # held off only during the steps
    assert m.complete
    doc = w.view.document()
    blocks = walk(doc, text)  # the whole stored text, in order
    painted = painted_at(doc, blocks, STATE_COLOURS[SUGGESTED][0])
    want = {i for s in starts for i in range(s + CONTENT[0], s + CONTENT[1])}
    assert painted == want
    assert w.view.outlined().quote.content_spans == _content(starts[0])
    qtbot.keyClick(w.view, Qt.Key.Key_A)
    assert _accepted(path) == [_content(starts[0])]
    assert w.view.outlined().quote.content_spans == _content(starts[1])
    w.close()


def test_keys_during_the_fill_of_a_long_emoji_text_act_on_the_quote_outlined(
    qtbot: Any, tmp_path: Path
) -> None:
    path, text, starts = _project(tmp_path / "keys.db", 3_000, every=150)  # 20 quotes
    w = open_window(qtbot, path)
    w.open_article(w.project.article_ids()[0])
    assert not w.view.is_filled() and not w.view._index.map.complete
    # the first quote is on screen at once: A accepts it, the next one is far down
    assert w.view.outlined().quote.content_spans == _content(starts[0])
    qtbot.keyClick(w.view, Qt.Key.Key_A)
    assert _accepted(path) == [_content(starts[0])]
    assert w.view.outlined().quote.content_spans == _content(starts[1])
    far = starts[1]
    if not w.view.shows(far, far + CONTENT[1]):  # past the fill: refused, nothing written
        qtbot.keyClick(w.view, Qt.Key.Key_A)
        assert "not on screen yet" in w.statusBar().currentMessage()
        assert _accepted(path) == [_content(starts[0])]
    qtbot.waitUntil(lambda: w.view.shows(far, far + CONTENT[1]), timeout=30_000)
    qtbot.keyClick(w.view, Qt.Key.Key_A)
    assert _accepted(path) == [_content(starts[0]), _content(starts[1])]
    # the outline, the caret and the selection land on the stored text
    cur = w.view.outlined()
    assert cur.quote.content_spans == _content(starts[2])
    qtbot.waitUntil(lambda: w.view.shows(starts[2], starts[2] + CONTENT[1]), timeout=30_000)
    assert w.view.select_span(*cur.quote.content_spans[0])
    assert w.view.textCursor().selectedText() == "we act 👍🏽 now"
    qtbot.waitUntil(w.view.is_filled, timeout=60_000)
    walk(w.view.document(), text)
    w.close()
