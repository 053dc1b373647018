"""The article list's pages after the first are read on a pool thread (issue 16); a row the
window changes while its page is on the way must still show the change."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from annotator.store import queries
from annotator.store.project import Project
from annotator.ui import main_window
from tests.ui.test_scale_ui import _many


def test_a_row_changed_while_its_page_is_read_shows_the_change(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(main_window, "LIST_PAGE", 3)
    path = _many(tmp_path / "p.db", 10)
    release, computed = threading.Event(), threading.Event()
    real = queries.article_page

    def stale_page(project: Project, annotator: str | None, after: int, limit: int) -> Any:
        rows = real(project, annotator, after, limit)
        if threading.current_thread() is not threading.main_thread():
            computed.set()
            release.wait(20)  # read before the window's write, delivered after it
        return rows

    monkeypatch.setattr(queries, "article_page", stale_page)
    w = main_window.MainWindow(path, annotator="alice", load_model=False)
    qtbot.addWidget(w)
    with Project.open(path) as p:
        target = p.article_ids()[4]  # on the second page: the reader's first
    assert computed.wait(20)
    w.open_article(target)
    w.accept_quote()
    release.set()
    qtbot.waitUntil(lambda: w.article_list.model.rowCount() == 10 and w._list_task is None)
    with Project.open(path) as p:
        fresh = queries.article_row(p, target, "alice")
        assert fresh.quotes_done == 1
        model = w.article_list.model
        shown = model.article(model.row_of(target))  # type: ignore[arg-type]
        assert shown == fresh
        assert model.totals() == queries.totals(p, "alice")
    w.close()


def test_closing_mid_fill_stops_the_reader(qtbot: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(main_window, "LIST_PAGE", 2)
    path = _many(tmp_path / "p.db", 40)
    w = main_window.MainWindow(path, annotator="alice", load_model=False)
    qtbot.addWidget(w)
    task = w._list_task
    assert task is not None
    w.close()
    assert task.cancelled
    assert w.list_pool.activeThreadCount() == 0


def test_a_short_first_page_then_full_pages(qtbot: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(main_window, "FIRST_PAGE", 2)
    monkeypatch.setattr(main_window, "LIST_PAGE", 4)
    path = _many(tmp_path / "p.db", 11)
    w = main_window.MainWindow(path, annotator="alice", load_model=False)
    qtbot.addWidget(w)
    assert w.article_list.model.rowCount() == 2  # what the window read itself
    qtbot.waitUntil(lambda: w.article_list.model.rowCount() == 11 and w._list_task is None)
    model = w.article_list.model
    with Project.open(path) as p:
        assert [model.article(i) for i in range(11)] == queries.article_rows(p, "alice")
    w.close()


def test_the_reader_sends_the_next_page_only_once_the_window_took_the_last(
    qtbot: Any, tmp_path: Path
) -> None:
    from annotator.ui.workers import ListPagesTask

    path = _many(tmp_path / "p.db", 10)
    with Project.open(path) as p:
        first = p.article_ids()[0]
    task = ListPagesTask(path, "alice", first, 3, generation=7)
    pages: list[list[int]] = []
    task.list_signals.page.connect(lambda _g, rows: pages.append([r.id for r in rows]))
    done: list[object] = []
    task.list_signals.finished.connect(done.append)
    runner = threading.Thread(target=task.run)
    runner.start()
    qtbot.waitUntil(lambda: len(pages) == 1)
    qtbot.wait(200)
    assert len(pages) == 1  # nothing more is read while the window has not taken it
    for expected in (2, 3):
        task.page_taken()
        qtbot.waitUntil(lambda n=expected: len(pages) == n)  # type: ignore[misc]
    task.page_taken()
    qtbot.waitUntil(lambda: done == [7])
    runner.join(10)
    with Project.open(path) as p:
        assert [i for page in pages for i in page] == p.article_ids()[1:]


def test_a_cancel_frees_a_reader_waiting_for_the_window(qtbot: Any, tmp_path: Path) -> None:
    from annotator.ui.workers import ListPagesTask

    path = _many(tmp_path / "p.db", 10)
    task = ListPagesTask(path, "alice", -1, 2, generation=1)
    pages: list[object] = []
    task.list_signals.page.connect(lambda _g, rows: pages.append(rows))
    runner = threading.Thread(target=task.run)
    runner.start()
    qtbot.waitUntil(lambda: len(pages) == 1)
    task.cancel()
    runner.join(10)
    assert not runner.is_alive() and len(pages) == 1


def test_the_next_page_waits_until_the_analyst_pauses(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(main_window, "LIST_PAGE", 3)
    monkeypatch.setattr(main_window, "LIST_IDLE_MS", 60_000)
    path = _many(tmp_path / "p.db", 10)
    w = main_window.MainWindow(path, annotator="alice", load_model=False)
    qtbot.addWidget(w)
    model = w.article_list.model
    # the window's own page, then the reader's first; the next waits for a quiet minute
    qtbot.waitUntil(lambda: model.rowCount() == 6)
    qtbot.waitUntil(w._list_idle.isActive)
    qtbot.wait(300)
    assert model.rowCount() == 6
    with Project.open(path) as p:
        w.open_article(p.article_ids()[1])
    w.accept_quote()
    qtbot.wait(300)
    assert w._list_idle.isActive() and model.rowCount() == 6  # work puts the reading off
    w._list_idle.setInterval(0)  # the analyst pauses: the rest comes in
    w._list_idle.start()
    qtbot.waitUntil(lambda: model.rowCount() == 10 and w._list_task is None)
    with Project.open(path) as p:
        assert model.totals() == queries.totals(p, "alice")
    w.close()
