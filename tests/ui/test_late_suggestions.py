"""An article with very many suggestions (issue 16, tester18 T8): its text shows at once and
its suggestions are read off the window's thread. Until they come, keys that act on a
quote are refused with a status line and nothing is written; once they come the quotes
are painted (those below the screen by steps), the first undecided one is outlined and
keys act on it. Opening another article meanwhile drops the late answer. Articles under
the threshold keep getting their quotes in the same call that opens them.

The threshold is made small here (50 suggestions), and the worker's read is held by an
event so "not come yet" is a state the test controls, not a race.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.model import Article, Quote
from annotator.services.session import Session
from annotator.store.project import Project
from annotator.ui import article_view, workers
from annotator.ui.highlighting import STATE_COLOURS
from tests.ui.conftest import open_window
from tests.ui.doc_walk import painted_at, walk

UNIT = 'Kappa said "fine now". '  # content "fine now" at 12..20, speaker "Kappa" at 0..5
N = 400
SMALL = 'Lena said "all good". Omar said "not yet".'


def _content(i: int) -> tuple[tuple[int, int], ...]:
    return ((i * len(UNIT) + 12, i * len(UNIT) + 20),)


def _text() -> str:
    # a paragraph every 50 sentences, as in the tester's article
    return "".join(UNIT + ("\n" if i % 50 == 49 else "") for i in range(N)).replace(" \n", "\n")


def _project(path: Path) -> tuple[Path, int, int]:
    text = _text()
    starts = []
    pos = 0
    while len(starts) < N:
        pos = text.index("Kappa", pos)
        starts.append(pos)
        pos += 5
    with Project.open(path) as p:
        big, _ = p.add_article(Article("Many quotes", text))
        p.set_suggestions(
            big,
            "test-detector 1",
            [
                Quote(
                    content_spans=((s + 12, s + 20),),
                    speaker_spans=((s, s + 5),),
                    speaker_text="Kappa",
                    confidence=0.9,
                )
                for s in starts
            ],
        )
        small, _ = p.add_article(Article("Few quotes", SMALL))
        p.set_suggestions(
            small,
            "test-detector 1",
            [
                Quote(content_spans=((11, 19),), speaker_spans=((0, 4),), confidence=0.8),
                Quote(content_spans=((32, 39),), speaker_spans=((22, 26),), confidence=0.8),
            ],
        )
    return path, big, small


def _accepted(path: Path, aid: int) -> list[tuple[tuple[int, int], ...]]:
    with Project.open(path) as p:
        return [
            r.quote.content_spans
            for r in p.annotations(aid, "alice")
            if r.quote.status == "accepted"
        ]


def _rows(path: Path, aid: int) -> int:
    with Project.open(path) as p:
        return len(p.annotations(aid, "alice"))


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The worker's read of late suggestions waits until the event is set."""
    event = threading.Event()
    work = workers.SuggestionsTask.work

    def held(self: workers.SuggestionsTask) -> object:
        event.wait(30)
        return work(self)

    monkeypatch.setattr(workers.SuggestionsTask, "work", held)
    monkeypatch.setattr(article_view, "ARRIVED_STEP", 25)  # several steps below the screen
    yield event
    event.set()


def _window(qtbot: Any, path: Path) -> Any:
    w = open_window(qtbot, path)
    w.session.late_suggestions = 50
    return w


def _arrived(w: Any) -> bool:
    return w.session.suggestions_pending is None and w._suggestions_task is None


def test_many_suggestions_come_after_the_text_and_keys_wait_for_them(
    qtbot: Any, tmp_path: Path, gate: threading.Event
) -> None:
    path, big, _small = _project(tmp_path / "many.db")
    w = _window(qtbot, path)
    w.open_article(big)
    text = w.session.article.text
    qtbot.waitUntil(w.view.is_filled, timeout=60000)
    walk(w.view.document(), text)  # the whole stored text is on screen
    assert w.session.suggestions_pending == big
    assert w.session.items == [] and w.view.outlined() is None
    # A and R on quotes not read yet: refused with a reason, nothing written
    for key in (Qt.Key.Key_A, Qt.Key.Key_R, Qt.Key.Key_2):
        qtbot.keyClick(w.view, key)
        assert "quotes are not on screen yet" in w.statusBar().currentMessage()
    assert _rows(path, big) == 0
    gate.set()
    qtbot.waitUntil(lambda: _arrived(w), timeout=60000)
    assert len(w.session.items) == N
    assert w.view.outlined() is not None
    assert w.view.outlined().quote.content_spans == _content(0)
    assert w.view.outlined() is w.session.current
    # every quote gets painted, those far below the screen too (by steps)
    wanted = {i for k in range(N) for a, b in _content(k) for i in range(a, b)}

    def all_painted() -> bool:
        doc = w.view.document()
        return painted_at(doc, walk(doc, text), STATE_COLOURS["suggested"][0]) == wanted

    qtbot.waitUntil(all_painted, timeout=60000)
    qtbot.keyClick(w.view, Qt.Key.Key_A)
    assert _accepted(path, big) == [_content(0)]
    assert w.view.outlined().quote.content_spans == _content(1)
    qtbot.keyClick(w.view, Qt.Key.Key_R)
    assert _rows(path, big) == 2
    qtbot.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _rows(path, big) == 1
    w.close()


def test_another_article_opened_while_they_load_keeps_its_own_quotes(
    qtbot: Any, tmp_path: Path, gate: threading.Event
) -> None:
    path, big, small = _project(tmp_path / "many.db")
    w = _window(qtbot, path)
    w.open_article(big)
    assert w.session.suggestions_pending == big
    w.open_article(small)  # before the big article's suggestions come
    assert w.session.suggestions_pending is None
    assert [it.quote.content_spans for it in w.session.items] == [((11, 19),), ((32, 39),)]
    gate.set()
    qtbot.waitUntil(lambda: w._suggestions_task is None, timeout=60000)
    for _ in range(5):
        QApplication.processEvents()
    assert w.session.article.id == small
    assert w.view.document().toPlainText() == SMALL
    assert len(w.session.items) == 2
    qtbot.keyClick(w.view, Qt.Key.Key_A)
    assert _accepted(path, small) == [((11, 19),)]
    assert _rows(path, big) == 0
    # back to the big one: read again, and its quotes come
    w.open_article(big)
    qtbot.waitUntil(lambda: _arrived(w), timeout=60000)
    assert len(w.session.items) == N
    w.close()


def test_a_decided_quote_shows_at_once_and_the_first_undecided_is_picked_on_arrival(
    qtbot: Any, tmp_path: Path, gate: threading.Event
) -> None:
    path, big, small = _project(tmp_path / "many.db")
    w = _window(qtbot, path)
    w.open_article(big)
    gate.set()
    qtbot.waitUntil(lambda: _arrived(w), timeout=60000)
    qtbot.keyClick(w.view, Qt.Key.Key_A)  # quote 0 accepted
    gate.clear()
    w.open_article(small)
    w.open_article(big)
    # while the rest loads: the accepted quote alone, current; its keys work
    assert [it.quote.content_spans for it in w.session.items] == [_content(0)]
    assert w.view.outlined().quote.content_spans == _content(0)
    gate.set()
    qtbot.waitUntil(lambda: _arrived(w), timeout=60000)
    assert len(w.session.items) == N
    # the analyst had not moved: the first undecided quote is outlined now
    assert w.view.outlined().quote.content_spans == _content(1)
    qtbot.keyClick(w.view, Qt.Key.Key_A)
    assert _accepted(path, big) == [_content(0), _content(1)]
    w.close()


def test_a_small_article_gets_its_quotes_in_the_call_that_opens_it(
    qtbot: Any, tmp_path: Path, gate: threading.Event
) -> None:
    path, big, small = _project(tmp_path / "many.db")
    w = open_window(qtbot, path)  # the real threshold (2,000): 400 are read at once
    w.open_article(big)
    assert w.session.suggestions_pending is None and w._suggestions_task is None
    assert len(w.session.items) == N
    assert w.view.outlined().quote.content_spans == _content(0)
    w.session.late_suggestions = 50
    w.open_article(small)
    assert w.session.suggestions_pending is None and w._suggestions_task is None
    assert w.view.outlined().quote.content_spans == ((11, 19),)
    qtbot.keyClick(w.view, Qt.Key.Key_A)
    assert _accepted(path, small) == [((11, 19),)]
    w.close()


def test_session_drops_suggestions_that_come_for_an_article_no_longer_open(
    tmp_path: Path,
) -> None:
    path, big, small = _project(tmp_path / "many.db")
    with Project.open(path) as p:
        asked: list[int] = []
        s = Session(p, "alice")
        s.late_suggestions = 50
        s.on_late_suggestions = asked.append
        s.open_article(big)
        assert asked == [big] and s.items == []
        rows = p.suggestions(big)
        s.open_article(small)
        assert asked == [big]  # two suggestions: read at once
        assert not s.suggestions_arrived(big, rows)
        assert len(s.items) == 2
        s.open_article(big)
        assert asked == [big, big]
        assert s.suggestions_arrived(big, rows)
        assert len(s.items) == N and s.current.quote.content_spans == _content(0)
        assert not s.suggestions_arrived(big, rows)  # once only


def _statuses(path: Path, aid: int) -> list[tuple[tuple[tuple[int, int], ...], str]]:
    with Project.open(path) as p:
        return [(r.quote.content_spans, r.quote.status) for r in p.annotations(aid, "alice")]


def test_while_they_load_the_lines_say_how_many_and_then_the_right_count(
    qtbot: Any, tmp_path: Path, gate: threading.Event
) -> None:
    path, big, _small = _project(tmp_path / "many.db")
    w = _window(qtbot, path)
    w.open_article(big)
    # not "0/0" nor "No quote": the truth, with the number being read
    assert w.session.suggestions_loading == N
    assert "loading 400 suggestions…" in w.status.progress_label.text()
    assert "0/0" not in w.status.progress_label.text()
    assert w.panel.header.text() == "Loading 400 suggestions…"
    qtbot.keyClick(w.view, Qt.Key.Key_A)
    assert "400 suggestions are still being read" in w.statusBar().currentMessage()
    w.statusBar().clearMessage()
    qtbot.keyClick(w.view, Qt.Key.Key_N)  # moving finds nothing, says why, writes nothing
    assert "400 suggestions are still being read" in w.statusBar().currentMessage()
    assert _rows(path, big) == 0
    gate.set()
    qtbot.waitUntil(lambda: _arrived(w), timeout=60000)
    assert w.session.suggestions_loading == 0
    assert "this article 0/400" in w.status.progress_label.text()
    assert "loading" not in w.status.progress_label.text()
    assert w.panel.header.text().startswith("<b>Quote 1 of 400</b>")
    w.close()


def test_keys_on_a_quote_read_before_the_rest_act_on_that_quote(
    qtbot: Any, tmp_path: Path, gate: threading.Event
) -> None:
    path, big, small = _project(tmp_path / "many.db")
    w = _window(qtbot, path)
    w.open_article(big)
    gate.set()
    qtbot.waitUntil(lambda: _arrived(w), timeout=60000)
    for _ in range(3):  # quotes 0, 1, 2 accepted
        qtbot.keyClick(w.view, Qt.Key.Key_A)
    gate.clear()
    w.open_article(small)
    w.open_article(big)
    assert [it.quote.content_spans for it in w.session.items] == [_content(i) for i in range(3)]
    header = w.panel.header.text()
    assert "Quote 1 of 3 read so far" in header and "loading 400 suggestions…" in header
    assert "loading 400 suggestions…" in w.status.progress_label.text()
    # move to the second accepted quote and reject it: that quote, no other
    qtbot.keyClick(w.view, Qt.Key.Key_N)
    assert w.view.outlined().quote.content_spans == _content(1)
    qtbot.keyClick(w.view, Qt.Key.Key_R)
    assert _statuses(path, big) == [
        (_content(0), "accepted"),
        (_content(1), "rejected"),
        (_content(2), "accepted"),
    ]
    gate.set()
    qtbot.waitUntil(lambda: _arrived(w), timeout=60000)
    assert len(w.session.items) == N
    assert "this article 3/400" in w.status.progress_label.text()
    # the analyst had moved: the same quote stays current once the rest comes
    assert w.view.outlined().quote.content_spans == _content(1)
    qtbot.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _statuses(path, big)[1] == (_content(1), "accepted")
    w.close()
