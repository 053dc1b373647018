"""The article list says what it is doing (issue 16, a tester at 100,000 articles): a sort
or filter being read veils the old rows and says so, an empty answer says which search or
filter no article passes, the narrow columns show their widest figures whole, and the
current row is always whole in view."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import QApplication

from annotator.core.model import Article, Quote
from annotator.store import bulk, queries
from annotator.store.project import Project
from annotator.ui.article_list import STALE_COLOUR, STATUS_COLOUR
from annotator.ui.main_window import MainWindow
from tests.ui.conftest import DETECTOR, shown_ids, shown_window

CTRL = Qt.KeyboardModifier.ControlModifier
FRUIT = ("Quince", "medlar", "Sloe", "rowan", "Damson")


def _project(path: Path, n: int = 30) -> Path:
    """``n`` articles; every third has an open suggestion (undecided), the others none."""
    with Project.open(path) as p, p.batch():
        for i in range(n):
            text = f'Note {i} on {FRUIT[i % 5]}.\n\n"It grows well," the grower said of row {i}.'
            aid, _ = p.add_article(Article(f"{FRUIT[i % 5]} orchard {i}", text, {}))
            if i % 3 == 0:
                a = text.index("It grows")
                p.set_suggestions(aid, DETECTOR, [Quote(content_spans=((a, a + 14),))])
    return path


def _window(qtbot: Any, path: Path, size: tuple[int, int] = (1366, 768)) -> MainWindow:
    w: MainWindow = shown_window(qtbot, path, size=size, list_ready=True)
    return w


def _painted(w: MainWindow) -> str:
    """The message drawn over the list's rows in a paint done now ("" none)."""
    table = w.article_list.table
    table.viewport().repaint()
    return table.painted_message


def _open_id(w: MainWindow) -> int:
    assert w.session.article is not None
    return w.session.article.id


def _held(monkeypatch: Any, name: str) -> tuple[threading.Event, threading.Event]:
    """Hold the pool's ``queries.<name>`` until the first event is set; the second is set
    once the read has begun."""
    release, started = threading.Event(), threading.Event()
    real = getattr(queries, name)

    def slow(*args: Any, **kw: Any) -> Any:
        started.set()
        release.wait(20)
        return real(*args, **kw)

    monkeypatch.setattr(queries, name, slow)
    return release, started


def test_a_filter_being_read_veils_the_old_rows_and_takes_no_keys(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    path = _project(tmp_path / "p.db")
    w = _window(qtbot, path)
    lst = w.article_list
    assert lst.count_label.text() == "30 articles"
    assert _painted(w) == ""
    before_rows, before_open = shown_ids(w), _open_id(w)
    release, started = _held(monkeypatch, "filter_article_ids")
    lst.filter_combo.setFocus()
    qtbot.keyClick(lst.filter_combo, Qt.Key.Key_Down)  # "Has undecided quotes"
    assert lst.filter() == ("undecided", "")
    assert started.wait(20)
    # the moment it is asked: the list says it is filtering, the old rows are veiled grey
    assert lst.count_label.text() == "Filtering 30 articles…"
    assert _painted(w) == "Filtering…\nEsc stops it"
    assert lst.model.index(0, 3).data(Qt.ItemDataRole.ForegroundRole) == QColor(STALE_COLOUR)
    bar = w.status.list_bar
    assert bar.isVisible() and bar.text() == "List: filtering…"
    # keys and clicks leave the old rows alone; the open article stays open and usable
    lst.table.setFocus()
    current = lst.table.currentIndex().row()
    for key in (Qt.Key.Key_Down, Qt.Key.Key_End, Qt.Key.Key_Return):
        qtbot.keyClick(lst.table, key)
    rect = lst.table.visualRect(lst.model.index(5, 0))
    qtbot.mouseClick(lst.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.wait(250)  # longer than the list's pause before a row reached by keys opens
    assert lst.table.currentIndex().row() == current
    assert _open_id(w) == before_open and shown_ids(w) == before_rows
    assert QApplication.focusWidget() is lst.table
    w.view.setFocus()
    qtbot.keyClick(w.view, Qt.Key.Key_Down, CTRL)  # next article: not from an old list
    assert _open_id(w) == before_open
    assert "being filtered" in w.statusBar().currentMessage()
    # the open article's quote is decided meanwhile (it had the only undecided one)
    qtbot.keyClick(w.view, Qt.Key.Key_A)
    with Project.open(path) as p:
        assert [r.quote.status for r in p.annotations(before_open, "alice")] == ["accepted"]
    release.set()
    qtbot.waitUntil(lambda: not w.list_busy())
    with Project.open(path) as p:
        undecided = queries.filter_article_ids(p, "alice", "undecided")
    assert before_open not in undecided
    # the answer lists the undecided articles, and the one being worked on stays open,
    # listed apart (see ArticleList.keep)
    assert set(shown_ids(w)) == undecided | {before_open}
    assert _open_id(w) == before_open
    assert lst.count_label.text() == f"{len(undecided)} of 30 articles (and the open one)"
    assert _painted(w) == ""
    assert not bar.isVisible()
    status = lst.model.index(1, 3).data(Qt.ItemDataRole.ForegroundRole)
    assert status == QColor(STATUS_COLOUR["new"])
    # the list's rows act again
    qtbot.keyClick(w.view, Qt.Key.Key_Down, CTRL)
    assert _open_id(w) == shown_ids(w)[1]
    w.close()


def test_a_sort_being_read_says_sorting_and_a_newer_one_wins(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    path = _project(tmp_path / "p.db")
    w = _window(qtbot, path)
    lst = w.article_list
    release, started = _held(monkeypatch, "article_order")
    header = lst.table.horizontalHeader()
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(header.sectionViewportPosition(0) + 5, header.height() // 2),
    )
    assert started.wait(20)
    assert lst.count_label.text() == "Sorting 30 articles…"
    assert _painted(w) == "Sorting…\nEsc stops it"
    assert w.status.list_bar.text() == "List: sorting…"
    lst.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # asked again before the answer
    release.set()
    qtbot.waitUntil(lambda: not w.list_busy())
    assert lst.sort_key == (0, True)
    with Project.open(path) as p:
        rows = queries.article_rows(p, "alice")
    titles = sorted((r.title.lower() for r in rows), reverse=True)
    shown = [lst.model.article(r).title.lower() for r in range(lst.model.rowCount())]
    assert shown == titles
    assert lst.count_label.text() == "30 articles" and _painted(w) == ""
    assert not w.status.list_bar.isVisible()
    w.close()


def test_a_search_answered_during_a_sort_opens_its_first_hit_in_the_new_order(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    path = _project(tmp_path / "p.db")
    w = _window(qtbot, path)
    lst = w.article_list
    before = _open_id(w)
    release, started = _held(monkeypatch, "article_order")
    lst.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert started.wait(20)
    lst.search.setFocus()
    qtbot.keyClicks(lst.search, "damson")  # the open article (Quince) does not match
    qtbot.waitUntil(lambda: not lst.search_pending() and lst.model.rowCount() == 6)
    assert lst.working() == "Sorting…" and _painted(w) == "Sorting…\nEsc stops it"
    assert _open_id(w) == before  # no hit of the old order opens
    release.set()
    qtbot.waitUntil(lambda: not w.list_busy())
    titles = [lst.model.article(r).title for r in range(6)]
    assert titles == sorted(titles, key=str.lower, reverse=True)
    assert all(t.startswith("Damson") for t in titles)
    assert _open_id(w) == shown_ids(w)[0]
    w.close()


def test_a_search_being_read_says_searching(qtbot: Any, tmp_path: Path, monkeypatch: Any) -> None:
    path = _project(tmp_path / "p.db")
    w = _window(qtbot, path)
    lst = w.article_list
    release, started = threading.Event(), threading.Event()
    real = Project.search_articles

    def slow(project: Project, query: str) -> list[int]:
        assert threading.current_thread() is not threading.main_thread()
        started.set()
        release.wait(20)
        return real(project, query)

    monkeypatch.setattr(Project, "search_articles", slow)
    lst.search.setFocus()
    qtbot.keyClicks(lst.search, "sloe")
    qtbot.keyClick(lst.search, Qt.Key.Key_Return)  # Enter: search now, then the first hit
    assert started.wait(20)
    assert lst.count_label.text() == "Searching 30 articles…"
    assert _painted(w) == "Searching…"
    assert w.status.list_bar.text() == "List: searching…"
    release.set()
    qtbot.waitUntil(lambda: not w.list_busy())
    assert lst.count_label.text() == "6 of 30 articles" and _painted(w) == ""
    # Enter went to the first hit once the articles were found
    assert "Sloe" in str(lst.model.index(0, 0).data())
    assert _open_id(w) == shown_ids(w)[0]
    assert w.view.current_hit() == 0
    w.close()


def test_a_search_without_hits_lists_nothing_and_says_so(qtbot: Any, tmp_path: Path) -> None:
    path = _project(tmp_path / "p.db")
    w = _window(qtbot, path)
    lst = w.article_list
    # a search with hits first: its first hit opens
    lst.search.setFocus()
    qtbot.keyClicks(lst.search, "medlar")
    qtbot.waitUntil(lambda: not lst.search_pending() and not w.list_busy())
    assert lst.count_label.text() == "6 of 30 articles"
    hit = _open_id(w)
    assert "medlar" in str(lst.model.index(0, 0).data())
    # then words no article has
    lst.search.clear()
    qtbot.keyClicks(lst.search, "medlar zzyzx")
    qtbot.waitUntil(lambda: not lst.search_pending() and not w.list_busy())
    assert lst.model.rowCount() == 0
    assert _painted(w) == "No article matches “medlar zzyzx”."
    assert lst.count_label.text() == "0 of 30 articles"
    # the open article stays open in the editor; the list selects nothing
    assert _open_id(w) == hit
    assert not lst.table.selectionModel().selectedRows()
    # moving to another article has nowhere to go and says why
    w.view.setFocus()
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
        qtbot.keyClick(w.view, key, CTRL)
        assert _open_id(w) == hit
        assert "No article matches “medlar zzyzx”" in w.statusBar().currentMessage()
    qtbot.keyClick(w.view, Qt.Key.Key_F3)
    assert _open_id(w) == hit
    assert w.statusBar().currentMessage() == "No article matches “medlar zzyzx”."
    w.close()


def test_a_filter_without_hits_says_which(qtbot: Any, tmp_path: Path) -> None:
    path = _project(tmp_path / "p.db")
    w = _window(qtbot, path)
    lst = w.article_list
    lst.filter_combo.setCurrentIndex(lst.filter_combo.findData("kind"))
    lst.filter_value.setCurrentText("mixed")
    line = lst.filter_value.lineEdit()
    assert line is not None
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not w.list_busy())
    assert lst.model.rowCount() == 0
    assert _painted(w) == "No article has mixed quotes."
    # with a search as well: both are said
    lst.search.setFocus()
    qtbot.keyClicks(lst.search, "rowan")
    qtbot.waitUntil(lambda: not lst.search_pending() and not w.list_busy())
    assert _painted(w) == "No article matches “rowan” and has mixed quotes."
    w.close()


def test_the_open_article_kept_listed_is_not_shown_as_a_match(qtbot: Any, tmp_path: Path) -> None:
    """The article worked on stays listed after its last undecided quote is decided (the
    list selection equals the shown article), marked as kept; when it is the only row
    the list says no article passes."""
    path = _project(tmp_path / "p.db", 6)  # articles 0 and 3 have undecided quotes
    w = _window(qtbot, path)
    lst = w.article_list
    with Project.open(path) as p:
        ids = p.article_ids()
    lst.filter_combo.setCurrentIndex(lst.filter_combo.findData("undecided"))
    qtbot.waitUntil(lambda: not w.list_busy())
    assert shown_ids(w) == [ids[0], ids[3]]
    w.open_article(ids[0])
    w.view.setFocus()
    qtbot.keyClick(w.view, Qt.Key.Key_A)  # its only quote decided: it no longer passes
    qtbot.waitUntil(lambda: not w.list_busy())
    assert shown_ids(w) == [ids[0], ids[3]]
    assert lst.count_label.text() == "1 of 6 articles (and the open one)"
    assert lst.model.index(0, 0).data(Qt.ItemDataRole.FontRole).italic()
    qtbot.keyClick(w.view, Qt.Key.Key_Down, CTRL)
    assert _open_id(w) == ids[3]
    qtbot.keyClick(w.view, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: not w.list_busy())
    assert shown_ids(w) == [ids[3]] and _open_id(w) == ids[3]
    assert lst.model.index(0, 0).data(Qt.ItemDataRole.FontRole).italic()
    assert _painted(w) == "No article has undecided quotes."
    assert lst.count_label.text() == "0 of 6 articles (and the open one)"
    # chosen again, the filter drops it
    lst.filter_combo.setCurrentIndex(0)
    lst.filter_combo.setCurrentIndex(lst.filter_combo.findData("undecided"))
    qtbot.waitUntil(lambda: not w.list_busy())
    assert shown_ids(w) == [] and _open_id(w) == ids[3]
    assert lst.count_label.text() == "0 of 6 articles"
    w.close()


def test_the_quotes_column_shows_a_thousand_quotes_whole(qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    text = " ".join(f"w{i:04d}" for i in range(1000))
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("A very long article with a thousand quotes", text, {}))
        quotes = [
            Quote(content_spans=((6 * i, 6 * i + 5),), status="accepted", origin="manual")
            for i in range(1000)
        ]
        bulk.add_annotations(p, [(aid, "alice", q, None) for q in quotes])
        p.add_article(Article("Short", "Nothing said.", {}))
    w = _window(qtbot, path)
    table = w.article_list.table
    qtbot.waitUntil(lambda: w.article_list.model.cached(aid) is not None)
    fm = QFontMetrics(table.font())
    for col, want in ((4, "1,000/1,000"), (3, "in progress")):
        if col == 4:
            assert table.model().index(0, col).data() == want
        rect = table.visualRect(table.model().index(0, col))
        # Qt elides what does not fit its cell less the margins on both sides
        assert fm.elidedText(want, Qt.TextElideMode.ElideRight, rect.width() - 6) == want
    # the title takes the rest of the list's width
    title = table.columnWidth(0)
    assert title + sum(table.columnWidth(c) for c in (3, 4)) >= table.viewport().width() - 1
    assert title > 120
    w.close()


def _whole(w: MainWindow) -> bool:
    lst = w.article_list
    row = lst.model.row_of(_open_id(w))
    assert row is not None
    return lst.table.viewport().rect().contains(lst.table.visualRect(lst.model.index(row, 0)))


def test_the_current_row_is_whole_after_next_previous_open_and_filter(
    qtbot: Any, tmp_path: Path
) -> None:
    path = _project(tmp_path / "p.db", 80)
    w = _window(qtbot, path, (1366, 768))
    lst = w.article_list
    w.view.setFocus()
    for _ in range(25):
        qtbot.keyClick(w.view, Qt.Key.Key_Down, CTRL)
        assert _whole(w)
    for _ in range(12):
        qtbot.keyClick(w.view, Qt.Key.Key_Up, CTRL)
        assert _whole(w)
    # a row at the bottom edge, then a status bar message and a smaller window
    with Project.open(path) as p:
        ids = p.article_ids()
    bottom = lst.table.rowAt(lst.table.viewport().height() - 3)
    w.open_article(ids[bottom])
    assert _whole(w)
    w.status.say("A long passing message " * 10)
    w.resize(1366, 600)
    qtbot.waitUntil(lambda: _whole(w))
    # a filter that keeps the open article
    w.open_article(ids[60])
    lst.filter_combo.setCurrentIndex(lst.filter_combo.findData("undecided"))
    qtbot.waitUntil(lambda: not w.list_busy())
    assert _open_id(w) == ids[60] and _whole(w)
    w.close()


def test_the_row_reopened_at_start_is_whole(qtbot: Any, tmp_path: Path) -> None:
    path = _project(tmp_path / "p.db", 80)
    w = _window(qtbot, path)
    with Project.open(path) as p:
        far = p.article_ids()[40]
    w.open_article(far)
    w.close()
    w = _window(qtbot, path)
    assert _open_id(w) == far
    qtbot.waitUntil(lambda: _whole(w))
    # the window manager fits the new window to a smaller screen once it is shown
    w.resize(1366, 560)
    qtbot.waitUntil(lambda: _whole(w))
    w.close()
