"""A long read of the article list stops when it is no longer wanted (issue 16: at 100,000
articles Ctrl+Q during a filter took 25 s, the query under way running to its end): the
window's closing, a newer filter or sort, and Esc interrupt the SQLite statement under
way; no error is shown and the project is left as it was.

The reads are made endless on purpose (a recursive query without end on the task's own
connection), so only an interrupt ends them."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from annotator.core.model import Article, Quote
from annotator.store import queries
from annotator.store.project import Project
from annotator.ui.main_window import MainWindow
from annotator.ui.workers import ListFilterTask, ReviewLoadTask, TaskRunner
from tests.ui.conftest import DETECTOR, shown_window

ENDLESS = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"


def _project(path: Path, n: int = 12) -> Path:
    """``n`` articles; every third has an open suggestion (undecided for alice); alice and
    bob disagree on article 2."""
    with Project.open(path) as p, p.batch():
        for i in range(n):
            text = f'Note {i}.\n\n"It grows well," the grower said of row {i}.'
            aid, _ = p.add_article(Article(f"Orchard {i}", text, {}))
            a = text.index("It grows")
            if i % 3 == 0:
                p.set_suggestions(aid, DETECTOR, [Quote(content_spans=((a, a + 14),))])
            if i == 1:
                q = Quote(content_spans=((a, a + 14),), status="accepted")
                p.add_annotation(aid, "alice", q)
                p.add_annotation(aid, "bob", q.with_(kind="indirect"))
    return path


def _rows(path: Path) -> list[tuple[Any, ...]]:
    """What the reads must leave as it was: quotes, suggestions and articles."""
    con = sqlite3.connect(path)
    try:
        out: list[tuple[Any, ...]] = []
        for table in ("articles", "suggestions", "annotations"):
            out += [(table, *r) for r in con.execute(f"SELECT * FROM {table} ORDER BY id")]
        return out
    finally:
        con.close()


def _endless(monkeypatch: Any, name: str, when: Any = lambda *a: True) -> threading.Event:
    """Make ``queries.<name>`` endless (for the calls ``when`` picks); the event is set once
    the endless statement is about to run."""
    started = threading.Event()
    real = getattr(queries, name)

    def slow(project: Project, *args: Any) -> Any:
        if not when(*args):
            return real(project, *args)
        started.set()
        project.db.execute(ENDLESS).fetchone()
        raise AssertionError("the endless statement ended by itself")

    monkeypatch.setattr(queries, name, slow)
    return started


def _choose(w: MainWindow, name: str) -> None:
    combo = w.article_list.filter_combo
    combo.setCurrentIndex(combo.findData(name))


def _said(w: MainWindow) -> str:
    return w.statusBar().currentMessage()


@pytest.mark.parametrize("how", ["close", "ctrl+q"])
def test_closing_interrupts_a_filter_being_read(
    qtbot: Any, tmp_path: Path, monkeypatch: Any, how: str
) -> None:
    path = _project(tmp_path / "p.db")
    before = _rows(path)
    w = shown_window(qtbot, path, list_ready=True)
    started = _endless(monkeypatch, "filter_article_ids")
    _choose(w, "undecided")
    assert started.wait(20)
    assert w.article_list.working() == "Filtering…"
    if how == "close":
        w.close()
    else:
        qtbot.keyClick(w, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not w.isVisible()
    # closing waited for no read: the list's threads are free once it returned
    assert w.list_pool.activeThreadCount() == 0
    assert w.page_pool.activeThreadCount() == 0
    assert _rows(path) == before


def test_closing_interrupts_a_sort_and_the_totals_being_read(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    path = _project(tmp_path / "p.db")
    before = _rows(path)
    w = shown_window(qtbot, path, list_ready=True)
    sorting = _endless(monkeypatch, "article_order")
    w.article_list.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    assert sorting.wait(20)
    counting = _endless(monkeypatch, "totals")
    w._count_totals()  # on its own thread: a filter or sort never waits for it
    assert counting.wait(20)
    w.close()  # interrupts both endless reads (the test would hang otherwise)
    assert w.list_pool.activeThreadCount() == 0
    assert w.count_pool.activeThreadCount() == 0
    assert _rows(path) == before


def test_a_newer_filter_interrupts_the_one_being_read(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    path = _project(tmp_path / "p.db")
    before = _rows(path)
    w = shown_window(qtbot, path, list_ready=True)
    started = _endless(
        monkeypatch, "filter_article_ids", lambda _ann, name, *v: name == "undecided"
    )
    _choose(w, "undecided")
    assert started.wait(20)
    _choose(w, "disagreement")
    # with the old read waited for, the list would say "Filtering…" for ever
    qtbot.waitUntil(lambda: not w.list_busy())
    lst = w.article_list
    assert lst.working() == ""
    assert [lst.model.id_at(r) for r in range(lst.model.rowCount())] == [2]
    assert "not applied" not in _said(w) and "interrupted" not in _said(w)
    assert lst.filter() == ("disagreement", "")
    w.close()
    assert _rows(path) == before


def test_a_newer_sort_interrupts_the_one_being_read(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    path = _project(tmp_path / "p.db")
    w = shown_window(qtbot, path, list_ready=True)
    started = _endless(monkeypatch, "article_order", lambda _ann, column, *d: column == 4)
    lst = w.article_list
    lst.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    assert started.wait(20)
    lst.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: not w.list_busy())
    assert lst.sort_key == (0, True)
    titles = [lst.model.article(r).title for r in range(lst.model.rowCount())]
    assert titles == sorted(titles, key=str.lower, reverse=True)
    assert "interrupted" not in _said(w)
    w.close()


def test_esc_stops_a_filter_and_the_list_stays_as_it_was(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    path = _project(tmp_path / "p.db")
    w = shown_window(qtbot, path, list_ready=True)
    lst = w.article_list
    _choose(w, "kind")  # a filter answered first: direct quotes (articles 1, 2, 4, ...)
    qtbot.waitUntil(lambda: not w.list_busy())
    shown = [lst.model.id_at(r) for r in range(lst.model.rowCount())]
    assert 0 < len(shown) < 12
    started = _endless(monkeypatch, "filter_article_ids")
    _choose(w, "undecided")
    assert started.wait(20)
    assert lst.working() == "Filtering…"
    lst.table.viewport().repaint()
    assert lst.table.painted_message == "Filtering…\nEsc stops it"
    lst.filter_combo.setFocus()
    qtbot.keyClick(lst.filter_combo, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not w.list_busy())
    assert lst.working() == ""
    assert lst.filter() == ("kind", "direct")  # the choice the rows answer
    assert [lst.model.id_at(r) for r in range(lst.model.rowCount())] == shown
    assert "Filter stopped" in _said(w)
    # the filter can be asked again and answers
    monkeypatch.undo()
    _choose(w, "undecided")
    qtbot.waitUntil(lambda: not w.list_busy())
    assert [lst.model.id_at(r) for r in range(lst.model.rowCount())] == [1, 4, 7, 10]
    w.close()


def test_esc_stops_a_sort(qtbot: Any, tmp_path: Path, monkeypatch: Any) -> None:
    path = _project(tmp_path / "p.db")
    w = shown_window(qtbot, path, list_ready=True)
    lst = w.article_list
    started = _endless(monkeypatch, "article_order")
    lst.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)
    assert started.wait(20)
    assert lst.working() == "Sorting…"
    qtbot.keyClick(lst.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not w.list_busy())
    assert lst.working() == ""
    assert [lst.model.id_at(r) for r in range(lst.model.rowCount())] == list(range(1, 13))
    assert "Sort stopped" in _said(w)
    w.close()


# -- the tasks themselves ----------------------------------------------------------------------


def test_a_cancelled_task_ends_stopped_not_failed(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """Every read-only task opens its project through Task.reading: cancel() interrupts
    the statement under way, and the task ends with ``stopped`` (no error message)."""
    path = _project(tmp_path / "p.db")
    started = _endless(monkeypatch, "filter_article_ids")
    ended: list[str] = []
    runner = TaskRunner(None)  # type: ignore[arg-type]
    task = ListFilterTask(path, "alice", "undecided", "", 1)
    runner.start(
        task,
        lambda _r: ended.append("done"),
        lambda m: ended.append(f"failed {m}"),
        lambda: ended.append("stopped"),
    )
    assert started.wait(20)
    runner.cancel(task)
    qtbot.waitUntil(lambda: bool(ended))
    assert ended == ["stopped"] and not runner.busy()
    runner.pool.waitForDone()


def test_a_task_cancelled_before_it_starts_never_reads(qtbot: Any, tmp_path: Path) -> None:
    path = _project(tmp_path / "p.db")
    ended: list[str] = []
    runner = TaskRunner(None)  # type: ignore[arg-type]
    blocker = threading.Event()
    first = ListFilterTask(path, "alice", "undecided", "", 1)
    first.work = lambda: blocker.wait(20)  # type: ignore[method-assign]
    runner.start(first, lambda _r: ended.append("first"), ended.append)
    second = ReviewLoadTask(path, "rita", None, 1)
    runner.start(
        second, lambda _r: ended.append("done"), ended.append, lambda: ended.append("stopped")
    )
    runner.cancel(second)  # still waiting behind the first
    assert ended == ["stopped"]
    blocker.set()
    qtbot.waitUntil(lambda: not runner.busy())
    assert ended == ["stopped", "first"]
    runner.pool.waitForDone()


def test_a_statement_started_after_the_cancel_stops_too(tmp_path: Path) -> None:
    """The cancel may land between two statements, where there is nothing to interrupt:
    the next statement stops by itself (Project.stop_when)."""
    path = _project(tmp_path / "p.db")
    task = ListFilterTask(path, "alice", "undecided", "", 1)
    with task.reading(path) as project:
        task.cancel()
        with pytest.raises(sqlite3.OperationalError, match="interrupted"):
            project.db.execute(ENDLESS).fetchone()


def test_esc_stops_the_read_a_status_filter_waits_for(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """The status filter needs the statuses, read with the order: Esc stops that read and
    the status choice goes back to All, as the rows shown are."""
    path = _project(tmp_path / "p.db")
    w = shown_window(qtbot, path, list_ready=True)
    lst = w.article_list
    lst.forget_statuses()
    started = _endless(monkeypatch, "article_order")
    lst.status_combo.setCurrentIndex(lst.status_combo.findData("new"))
    assert started.wait(20)
    assert lst.working() == "Filtering…"
    qtbot.keyClick(lst.status_combo, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not w.list_busy())
    assert lst.working() == "" and lst.status_combo.currentData() is None
    assert lst.model.rowCount() == 12
    w.close()


@pytest.mark.parametrize("where", ["search box", "list"])
def test_esc_stops_a_search_and_the_list_stays_as_it_was(
    qtbot: Any, tmp_path: Path, monkeypatch: Any, where: str
) -> None:
    """Issue 16: Esc left the list "Searching…" until the search ended by itself."""
    path = _project(tmp_path / "p.db")
    before = _rows(path)
    w = shown_window(qtbot, path, list_ready=True)
    lst = w.article_list
    lst.search.setText("row 3")  # a search answered first
    lst.flush_search()
    qtbot.waitUntil(lambda: not w.list_busy() and lst.model.rowCount() < 12)
    shown = [lst.model.id_at(r) for r in range(lst.model.rowCount())]
    started = threading.Event()
    real = Project.search_articles

    def endless(project: Project, words: str) -> Any:
        if words != "grower":
            return real(project, words)
        started.set()
        project.db.execute(ENDLESS).fetchone()
        raise AssertionError("the endless statement ended by itself")

    monkeypatch.setattr(Project, "search_articles", endless)
    lst.search.setText("grower")
    lst.flush_search()
    assert started.wait(20)
    assert lst.working() == "Searching…"
    target = lst.search if where == "search box" else lst.table
    target.setFocus()
    qtbot.keyClick(target, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not w.list_busy())
    assert lst.working() == ""
    assert lst.search.text() == "row 3"  # the words the rows answer
    assert [lst.model.id_at(r) for r in range(lst.model.rowCount())] == shown
    assert "Search stopped" in _said(w)
    qtbot.wait(50)  # the interrupted read ends without an error said
    assert "failed" not in _said(w)
    # the search can be asked again and answers
    monkeypatch.undo()
    lst.search.setText("grower")
    lst.flush_search()
    qtbot.waitUntil(lambda: not w.list_busy() and lst.model.rowCount() == 12)
    w.close()
    assert _rows(path) == before


def test_a_filter_does_not_wait_for_the_totals_being_counted(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """Issue 16: a filter asked just after the window opened waited for the opening count
    of the totals (4 s at 100,000 articles read from disk): they now read on threads of
    their own."""
    path = _project(tmp_path / "p.db")
    w = shown_window(qtbot, path, list_ready=True)
    lst = w.article_list
    counting = _endless(monkeypatch, "totals")
    w._count_totals()
    assert counting.wait(20)
    _choose(w, "undecided")
    qtbot.waitUntil(lambda: "match the filter" in _said(w))
    assert [lst.model.id_at(r) for r in range(lst.model.rowCount())] == [1, 4, 7, 10]
    assert w.list_busy()  # the count still runs, endless
    w.close()
