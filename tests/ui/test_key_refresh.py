"""What the screen shows after each key that changes one quote (issue 16): the list row of
the open article, the status bar and the project's rows agree with a fresh read, though the
window no longer re-reads the article's counts after a key."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from annotator.core.model import Quote
from annotator.store import queries
from annotator.store.project import Project
from annotator.ui.article_view import ArticleView
from annotator.ui.main_window import MainWindow
from tests.ui.conftest import DETECTOR, TEXT, open_window, span

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier

#: Keys as a person presses them, each changing (at most) one quote or the article status.
KEYS: list[tuple[Qt.Key, Qt.KeyboardModifier]] = [
    (Qt.Key.Key_A, NONE),  # accept and next
    (Qt.Key.Key_R, NONE),  # reject and next
    (Qt.Key.Key_Z, CTRL),  # undo the reject
    (Qt.Key.Key_Z, CTRL | SHIFT),  # redo it
    (Qt.Key.Key_1, NONE),  # a stance on the current quote
    (Qt.Key.Key_T, NONE),  # its kind
    (Qt.Key.Key_Right, CTRL),  # its end grown by a word
    (Qt.Key.Key_D, CTRL),  # the article done
    (Qt.Key.Key_Z, CTRL),  # undone
    (Qt.Key.Key_Z, CTRL),
    (Qt.Key.Key_Z, CTRL),
    (Qt.Key.Key_Z, CTRL),
    (Qt.Key.Key_Z, CTRL),
    (Qt.Key.Key_Z, CTRL),
    (Qt.Key.Key_Z, CTRL),  # back to nothing decided
]


def _quotes_cell(w: MainWindow, article_id: int) -> str:
    m = w.article_list.model
    row = m.row_of(article_id)
    assert row is not None
    return str(m.index(row, 4).data())


def _db_figures(path: Path, article_id: int) -> tuple[int, int]:
    """(decided, annotations) of alice in the article, read through a connection of its own."""
    con = sqlite3.connect(path)
    try:
        done, n = con.execute(
            "SELECT coalesce(sum(x.status IN ('accepted', 'rejected')), 0), count(*)"
            " FROM annotations x JOIN annotators a ON a.id = x.annotator_id"
            " WHERE x.article_id = ? AND a.name = 'alice'",
            [article_id],
        ).fetchone()
        return int(done), int(n)
    finally:
        con.close()


def _check(w: MainWindow, path: Path) -> None:
    """The open article's list row equals a fresh read; the cell and the status bar say it."""
    art = w.session.article
    assert art is not None
    fresh = queries.article_row(w.project, art.id, "alice")
    assert w.article_list.model.cached(art.id) == fresh
    assert _quotes_cell(w, art.id) == f"{fresh.quotes_done}/{fresh.quotes_total}"
    assert f"this article {fresh.quotes_done}/" in w.progress_label.text()
    assert _db_figures(path, art.id) == (fresh.quotes_done, fresh.n_annotations)


def _add_suggestions(path: Path) -> None:
    """A newer detector run: the two suggestions again and a third of low confidence."""
    with Project.open(path) as p:
        aid = p.db.execute("SELECT min(id) FROM articles").fetchone()[0]
        old = [s.quote for s in p.suggestions(aid)]
        low = Quote(
            content_spans=(span("Critics were unimpressed"),), kind="indirect", confidence=0.1
        )
        p.set_suggestions(aid, DETECTOR + "b", [*old, low])


@pytest.mark.parametrize("threshold", [0.0, 0.3])
def test_every_key_leaves_the_list_row_as_a_fresh_read(
    qtbot: Any, project_path: Path, threshold: float
) -> None:
    _add_suggestions(project_path)
    w: MainWindow = open_window(qtbot, project_path)
    w.session.set_min_confidence(threshold)
    qtbot.waitUntil(lambda: w.article_list.model.totals() is not None)
    art = w.session.article
    assert art is not None and TEXT in art.text
    _check(w, project_path)
    start = w.article_list.model.totals()
    seen = set()
    for key, mods in KEYS:
        qtbot.keyClick(w.view, key, mods)
        qtbot.wait(1)
        _check(w, project_path)
        seen.add(_quotes_cell(w, art.id))
    assert len(seen) >= 3  # the figures did move: 0/3, 1/3, 2/3...
    assert _db_figures(project_path, art.id) == (0, 0)
    # the project totals the status bar shows moved with the rows, back to where they were
    assert w.article_list.model.totals() == start


def test_a_write_by_another_window_is_read_not_derived(qtbot: Any, project_path: Path) -> None:
    """After another window decided a quote, the next key's row comes from the store."""
    w: MainWindow = open_window(qtbot, project_path)
    art = w.session.article
    assert art is not None
    other = open_window(qtbot, project_path, "alice")
    qtbot.keyClick(other.view, Qt.Key.Key_A)  # alice accepts the first quote there
    w.activateWindow()
    w.view.setFocus()
    qtbot.waitUntil(lambda: w.isActiveWindow())
    w.notice_elsewhere()  # as on focus-in: the article is read again
    _check(w, project_path)
    assert _db_figures(project_path, art.id) == (1, 1)
    qtbot.keyClick(w.view, Qt.Key.Key_R)  # the quote decided there is current: rejected
    _check(w, project_path)
    qtbot.keyClick(w.view, Qt.Key.Key_R)  # the other one
    _check(w, project_path)
    assert _db_figures(project_path, art.id) == (2, 2)


def test_a_decision_shows_the_next_quote_in_one_refresh(qtbot: Any, project_path: Path) -> None:
    """A and R write and move on in one notice: the view, the panel, the remembered
    position and the store all show the next undecided quote; redo does not move on."""
    w: MainWindow = open_window(qtbot, project_path)
    notices: list[Any] = []
    w.session.subscribe(notices.append)
    first, second = w.session.items
    assert w.view.outlined() == first
    qtbot.keyClick(w.view, Qt.Key.Key_A)
    assert len(notices) == 1 and notices[0].moved
    assert w.view.outlined() is not None and w.view.outlined().key == second.key
    assert w.panel.header.text() == "<b>Quote 2 of 2</b> · Suggested"
    saved = w.position.saved()
    assert saved is not None and saved[1] == second.key
    art = w.session.article
    assert art is not None and _db_figures(project_path, art.id) == (1, 1)
    _check(w, project_path)
    # undo and redo: the accepted quote is current again, not the next one
    qtbot.keyClick(w.view, Qt.Key.Key_Z, CTRL)
    assert w.view.outlined() is not None and w.view.outlined().key == first.key
    qtbot.keyClick(w.view, Qt.Key.Key_Z, CTRL | SHIFT)
    cur = w.view.outlined()
    assert cur is not None and cur.suggestion_id == first.suggestion_id and cur.decided
    # the last undecided quote: R rejects it, nothing is left to move to, and it says so
    w.session.select(second.key)
    notices.clear()
    qtbot.keyClick(w.view, Qt.Key.Key_R)
    cur = w.view.outlined()
    assert cur is not None and cur.suggestion_id == second.suggestion_id
    assert cur.quote.status == "rejected"
    assert "No undecided quote left" in w.statusBar().currentMessage()
    assert _db_figures(project_path, art.id) == (2, 2)
    _check(w, project_path)


def test_keys_that_change_no_colour_repaint_no_block(qtbot: Any, project_path: Path) -> None:
    """A stance, a kind or a note leaves the highlights as they are: the document is not
    touched (a repainted block is laid out again with every block after it); a decision
    repaints, and the colours on screen are those of a fresh view either way."""
    from tests.ui.test_highlight_patch import _painted

    w: MainWindow = open_window(qtbot, project_path)
    qtbot.keyClick(w.view, Qt.Key.Key_A)  # the first quote accepted: now an annotation
    qtbot.keyClick(w.view, Qt.Key.Key_P)  # back to it
    changes: list[object] = []
    # the layout says what it laid out again (a repainted block and every one after it)
    w.view.document().documentLayout().update.connect(lambda *a: changes.append(a))
    for key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_T, Qt.Key.Key_T):
        qtbot.keyClick(w.view, key)
    w.panel.note_edit.setFocus()
    qtbot.keyClicks(w.panel.note_edit, "check the date")
    qtbot.keyClick(w.panel.note_edit, Qt.Key.Key_Return)
    cur = w.session.current
    assert cur is not None and cur.quote.stance is not None and cur.quote.note == "check the date"
    assert cur.quote.kind != "direct"
    assert changes == []
    fresh = ArticleView()
    qtbot.addWidget(fresh)
    art = w.session.article
    assert art is not None
    fresh.set_article(art.text, w.session.items, None)
    assert _painted(w.view) == _painted(fresh)
    w.view.setFocus()
    qtbot.keyClick(w.view, Qt.Key.Key_R)  # a colour changes: its block is repainted
    assert changes
    fresh.set_article(art.text, w.session.items, None)
    assert _painted(w.view) == _painted(fresh)


def test_keys_leave_the_settings_file_alone_until_a_pause(qtbot: Any, project_path: Path) -> None:
    """Quote keys do not rewrite the settings file (QSettings writes the whole file after
    every change); the position reaches it after the pause, with the project's, and at
    once on an article change; meanwhile the window knows it."""
    from PySide6.QtCore import QSettings

    w: MainWindow = open_window(qtbot, project_path)
    w.position.timer.setInterval(300)
    qtbot.waitUntil(lambda: not w.position.timer.isActive(), timeout=3000)
    w.settings.sync()
    ini = Path(w.settings.fileName())
    before = ini.read_bytes()
    for key in (Qt.Key.Key_N, Qt.Key.Key_P, Qt.Key.Key_A):
        qtbot.keyClick(w.view, key)
    qtbot.wait(50)  # QSettings would have written the file at this turn of the event loop
    assert ini.read_bytes() == before
    cur = w.session.current
    art = w.session.article
    assert cur is not None and art is not None
    assert w.position.saved() == (art.id, cur.key)

    def on_disk() -> None:
        fresh = QSettings(str(ini), QSettings.Format.IniFormat)
        keys = [k for k in fresh.allKeys() if k.endswith("/alice/quote")]
        assert keys and fresh.value(keys[0]) == str(cur.key)
        with Project.open(project_path) as p:
            assert queries.current_quote(p, art.id, "alice") == cur.key.stored()

    qtbot.waitUntil(on_disk, timeout=3000)
    # an article change writes at once
    qtbot.keyClick(w.view, Qt.Key.Key_Down, CTRL)
    second = w.session.article
    assert second is not None and second.id != art.id
    w.settings.sync()
    fresh = QSettings(str(ini), QSettings.Format.IniFormat)
    keys = [k for k in fresh.allKeys() if k.endswith("/alice/article")]
    assert keys and int(str(fresh.value(keys[0]))) == second.id


def test_a_filter_answer_that_did_not_change_leaves_the_list_alone(
    qtbot: Any, project_path: Path
) -> None:
    """With "Has undecided quotes" shown, a decision that leaves the article undecided
    brings the same answer: the list keeps its rows (no rebuild, no reset); the decision
    that changes the answer rebuilds it, the open article kept."""
    from tests.ui.conftest import shown_ids

    w: MainWindow = open_window(qtbot, project_path)
    lst = w.article_list
    lst.filter_combo.setCurrentIndex(lst.filter_combo.findData("undecided"))
    qtbot.waitUntil(lambda: not w.list_busy())
    art = w.session.article
    assert art is not None and shown_ids(w) == [art.id]
    resets: list[int] = []
    lst.model.modelReset.connect(lambda: resets.append(1))
    qtbot.keyClick(w.view, Qt.Key.Key_A)  # one of two quotes: still undecided
    qtbot.waitUntil(lambda: not w.list_busy())
    assert resets == []
    assert shown_ids(w) == [art.id]
    assert _quotes_cell(w, art.id) == "1/2"
    assert not lst.model.index(0, 0).data(Qt.ItemDataRole.FontRole)  # listed on its merits
    qtbot.keyClick(w.view, Qt.Key.Key_R)  # the last one: no longer passes, kept open
    qtbot.waitUntil(lambda: not w.list_busy())
    assert resets
    assert shown_ids(w) == [art.id] and _quotes_cell(w, art.id) == "2/2"
    assert lst.model.index(0, 0).data(Qt.ItemDataRole.FontRole).italic()
    assert _db_figures(project_path, art.id) == (2, 2)


def test_after_a_decision_the_filter_is_asked_about_that_article_alone(
    qtbot: Any, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The filter's refresh after a key reads the changed article only; the rest of the
    answer stays, and the list shows what a fresh read of the whole filter gives."""
    from annotator.ui import workers
    from tests.ui.conftest import shown_ids

    asked: list[list[int] | None] = []
    real = workers.ListFilterTask.work

    def work(task: Any) -> object:
        asked.append(task.only)
        return real(task)

    monkeypatch.setattr(workers.ListFilterTask, "work", work)
    w: MainWindow = open_window(qtbot, project_path)
    lst = w.article_list
    lst.filter_combo.setCurrentIndex(lst.filter_combo.findData("kind"))
    lst.filter_value.setCurrentText("direct")
    lst._emit_filter()
    qtbot.waitUntil(lambda: not w.list_busy() and not lst.filter_pending)
    art = w.session.article
    assert art is not None and shown_ids(w) == [art.id] and asked == [None]
    qtbot.keyClick(w.view, Qt.Key.Key_T)  # direct -> mixed: its other quote is indirect
    qtbot.waitUntil(lambda: not w.list_busy())
    assert asked[1:] == [[art.id]]
    with Project.open(project_path) as p:
        fresh = queries.filter_article_ids(p, "alice", "kind", "direct")
    assert fresh == set()
    answer = lst.filter_answer()
    assert answer is not None and answer[1] == fresh
    # no longer passing, the open article stays listed, kept
    assert shown_ids(w) == [art.id]
    assert lst.model.index(0, 0).data(Qt.ItemDataRole.FontRole).italic()
    qtbot.keyClick(w.view, Qt.Key.Key_Z, CTRL)  # direct again: passes on its merits
    qtbot.waitUntil(lambda: not w.list_busy())
    assert asked[2:] == [[art.id]]
    answer = lst.filter_answer()
    assert answer is not None and answer[1] == {art.id}
    assert not lst.model.index(0, 0).data(Qt.ItemDataRole.FontRole)
