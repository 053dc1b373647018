"""The article list is lazy (issue 16): the window knows every id at once, reads display
rows a page at a time as they scroll into view, and reads sort orders, status filters and
totals on a pool thread, never on the window's."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt

from annotator.core.model import Article, Quote
from annotator.store import queries
from annotator.store.project import Project
from annotator.ui import article_list
from annotator.ui.article_list import ID_ROLE, ArticleListModel
from annotator.ui.main_window import MainWindow
from tests.ui.conftest import DETECTOR, shown_ids, shown_window

N = 300
WORDS = ("Zinc", "apple", "Mango", "bridge", "Kettle", "orchard", "ferry")


def _project(path: Path, n: int = N) -> Path:
    """``n`` short articles whose titles, publishers and dates do not follow their ids;
    alice is done with every fourth, in progress on every fifth; every third has a
    suggestion; alice stopped at the first."""
    with Project.open(path) as p, p.batch():
        for i in range(n):
            text = f'Item {i}\n\n"We will see," Kim said of number {i}.'
            meta = {"publisher": WORDS[(i * 3) % 7] + " Post", "date": f"2024-{1 + i % 12:02d}-01"}
            aid, _ = p.add_article(Article(f"{WORDS[i % 7]} story {i}", text, meta))
            if i % 3 == 0:
                a = text.index("We will")
                quote = Quote(content_spans=((a, a + 12),), kind="direct")
                p.set_suggestions(aid, DETECTOR, [quote])
            if i % 4 == 0:
                p.set_progress(aid, "alice", "done")
            elif i % 5 == 0:
                p.set_progress(aid, "alice", "in_progress")
        # alice stopped at the first article: the window opens there, at the list's top
        p.set_progress(p.article_ids()[0], "alice", "done")
    return path


@pytest.fixture
def off_thread(monkeypatch: Any) -> list[str]:
    """Record the project-wide list queries; fail any that runs on the window's thread."""
    calls: list[str] = []
    for name in ("article_order", "article_statuses", "totals", "filter_article_ids"):
        real = getattr(queries, name)

        def spy(*args: Any, _real: Any = real, _name: str = name, **kw: Any) -> Any:
            assert threading.current_thread() is not threading.main_thread(), _name
            calls.append(_name)
            return _real(*args, **kw)

        monkeypatch.setattr(queries, name, spy)
    return calls


def test_rows_appear_at_once_and_only_the_visible_pages_are_read(
    qtbot: Any, tmp_path: Path, off_thread: list[str], monkeypatch: Any
) -> None:
    path = _project(tmp_path / "p.db")
    pages_here: list[int] = []
    real = queries.article_rows_for

    def spy(project: Project, annotator: str | None, ids: list[int]) -> Any:
        if threading.current_thread() is threading.main_thread():
            pages_here.append(len(ids))
        return real(project, annotator, ids)

    monkeypatch.setattr(queries, "article_rows_for", spy)
    w = shown_window(qtbot, path)
    model = w.article_list.model
    assert model.rowCount() == N  # every id is known from the start
    qtbot.waitUntil(lambda: not w.list_busy() and model.cached(model.id_at(5)) is not None)
    # only the open article's own row is read on this thread; pages come from the pool
    assert pages_here == [1]
    with Project.open(path) as p:
        ids = p.article_ids()
        assert shown_ids(w) == ids
        # what the first rows show is what the store says
        first = queries.article_rows_for(p, "alice", ids[:3])
    assert [model.article(i) for i in range(3)] == first
    assert model.index(0, 0).data().startswith(first[0].title)
    # a screenful was read, not the project
    assert 1 <= model.pages_read <= 3
    assert sum(model.cached(i) is not None for i in ids) <= 3 * article_list.PAGE
    w.close()


def test_scrolling_to_the_end_reads_the_last_article(qtbot: Any, tmp_path: Path) -> None:
    path = _project(tmp_path / "p.db")
    w = shown_window(qtbot, path)
    model, table = w.article_list.model, w.article_list.table
    with Project.open(path) as p:
        last = p.article_ids()[-1]
        want = queries.article_row(p, last, "alice")
    assert model.cached(last) is None
    table.scrollToBottom()
    qtbot.waitUntil(lambda: model.cached(last) is not None)
    assert model.cached(last) == want
    # the last row on screen is the last article, drawn from its row
    bottom = table.indexAt(QPoint(5, table.viewport().height() - 5))
    assert bottom.data(ID_ROLE) == last
    assert bottom.data().startswith(want.title)
    assert model.pages_read < N // article_list.PAGE  # the middle pages were never read
    w.close()


def test_sorting_by_a_header_click_reads_the_order_off_the_window_thread(
    qtbot: Any, tmp_path: Path, off_thread: list[str]
) -> None:
    path = _project(tmp_path / "p.db")
    w = shown_window(qtbot, path)
    lst = w.article_list
    header = lst.table.horizontalHeader()
    with Project.open(path) as p:
        rows = queries.article_rows(p, "alice")
    by_title = [r.id for r in sorted(rows, key=lambda r: (r.title.lower(), r.id))]
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(header.sectionViewportPosition(0) + 5, header.height() // 2),
    )
    qtbot.waitUntil(lambda: not w.list_busy() and lst.sort_key == (0, False))
    assert "article_order" in off_thread
    assert shown_ids(w) == by_title
    # the first row's page is read off this thread, then drawn
    title = rows[by_title[0] - 1].title
    qtbot.waitUntil(lambda: str(lst.model.index(0, 0).data()).startswith(title))
    # quotes, most first (ties by id, newest first)
    lst.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: not w.list_busy() and lst.sort_key == (4, True))
    by_quotes = [r.id for r in sorted(rows, key=lambda r: (r.quotes_total, r.id), reverse=True)]
    assert shown_ids(w) == by_quotes
    assert lst.model.article(0).quotes_total == 1
    # Ctrl+Down follows the sorted order
    w.open_article(by_quotes[10])
    w.next_article()
    assert w.session.article is not None and w.session.article.id == by_quotes[11]
    w.close()


def test_status_and_show_filters_give_the_right_articles(
    qtbot: Any, tmp_path: Path, off_thread: list[str]
) -> None:
    path = _project(tmp_path / "p.db")
    w = shown_window(qtbot, path)
    lst = w.article_list
    with Project.open(path) as p:
        ids = p.article_ids()
    done = [a for i, a in enumerate(ids) if i % 4 == 0]
    in_progress = [a for i, a in enumerate(ids) if i % 4 and i % 5 == 0]
    lst.status_combo.setCurrentIndex(lst.status_combo.findData("done"))
    qtbot.waitUntil(lambda: not w.list_busy() and lst.statuses_known())
    assert "article_statuses" in off_thread
    # the open article stays listed until the analyst moves on (see ArticleList.keep)
    open_id = w.session.article.id if w.session.article else None
    assert open_id in done  # the first article was done: it stays open
    assert shown_ids(w) == done and lst.model.rowCount() == N // 4
    lst.status_combo.setCurrentIndex(lst.status_combo.findData("in_progress"))
    qtbot.waitUntil(lambda: not w.list_busy())
    assert shown_ids(w) == in_progress
    lst.status_combo.setCurrentIndex(lst.status_combo.findData(None))
    qtbot.waitUntil(lambda: not w.list_busy())
    assert lst.model.rowCount() == N
    # "Has undecided quotes": every third article has an open suggestion
    combo = lst.filter_combo
    combo.setCurrentIndex(combo.findData("undecided"))
    qtbot.waitUntil(lambda: not w.list_busy() and lst.model.rowCount() < N)
    assert "filter_article_ids" in off_thread
    undecided = [a for i, a in enumerate(ids) if i % 3 == 0]
    assert set(shown_ids(w)) - {w.session.article.id if w.session.article else -1} <= set(undecided)
    assert set(undecided) <= set(shown_ids(w))
    assert f"{len(undecided)} articles match the filter." in w.statusBar().currentMessage()
    # back to every article: the count of the filter no longer holds and goes
    combo.setCurrentIndex(combo.findData(None))
    qtbot.waitUntil(lambda: not w.list_busy() and lst.model.rowCount() == N)
    assert "match the filter" not in w.statusBar().currentMessage()
    w.close()


def test_the_filter_count_is_written_with_a_thousands_separator(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from annotator.store import queries

    path = _project(tmp_path / "p.db", 12)
    w = shown_window(qtbot, path)
    lst = w.article_list
    # as many as a 100k project keeps (ids the list does not hold are simply not shown)
    monkeypatch.setattr(queries, "filter_article_ids", lambda *a: set(range(1, 99767)))
    lst.filter_combo.setCurrentIndex(lst.filter_combo.findData("undecided"))
    qtbot.waitUntil(lambda: "match the filter" in w.statusBar().currentMessage())
    assert w.statusBar().currentMessage() == "99,766 articles match the filter."
    monkeypatch.setattr(queries, "filter_article_ids", lambda *a: {1})
    lst.filter_combo.setCurrentIndex(lst.filter_combo.findData("disagreement"))
    qtbot.waitUntil(lambda: "1 article " in w.statusBar().currentMessage())
    assert w.statusBar().currentMessage() == "1 article matches the filter."
    w.close()


def test_totals_are_counted_off_the_window_thread_and_follow_changes(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    path = _project(tmp_path / "p.db", 40)
    release, counting = threading.Event(), threading.Event()
    real = queries.totals

    def slow(project: Project, annotator: str | None) -> Any:
        assert threading.current_thread() is not threading.main_thread()
        result = real(project, annotator)
        counting.set()
        release.wait(20)  # counted before the window's change, delivered after it
        return result

    monkeypatch.setattr(queries, "totals", slow)
    w = MainWindow(path, annotator="alice", load_model=False)
    qtbot.addWidget(w)
    assert "counting" in w.progress_label.text()
    assert counting.wait(20)
    with Project.open(path) as p:
        target = p.article_ids()[3]  # a suggestion, not read by the list yet
    w.open_article(target)
    w.accept_quote()
    release.set()

    def figures() -> str:
        with Project.open(path) as p:
            t = real(p, "alice")
        return (
            f"articles done {t.articles_done:,}/{t.articles:,} · quotes done "
            f"{t.quotes_done:,}/{t.quotes:,}"
        )

    qtbot.waitUntil(lambda: not w.list_busy())
    assert figures() in w.progress_label.text()
    assert "quotes done 1/" in w.progress_label.text()
    w.close()


def test_a_lazy_model_passes_the_model_tester_across_pages(
    qtmodeltester: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(article_list, "PAGE", 7)
    monkeypatch.setattr(article_list, "CACHE_ROWS", 20)
    with Project.open(_project(tmp_path / "p.db", 50)) as p:
        model = ArticleListModel()
        model.fetch = lambda ids: queries.article_rows_for(p, "alice", ids)
        qtmodeltester.check(model)
        ids = list(reversed(p.article_ids()))
        model.set_ids(ids)
        qtmodeltester.check(model)
        # every row read back in the order given, the cache never above its bound
        seen = []
        for r in range(model.rowCount()):
            seen.append(model.article(r))
            assert sum(model.cached(i) is not None for i in ids) <= 20
        assert seen == queries.article_rows_for(p, "alice", ids)


def test_a_burst_of_filter_questions_reads_the_first_and_the_last_only(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    path = _project(tmp_path / "p.db", 30)
    release = threading.Event()
    asked: list[tuple[str, str]] = []
    real = queries.filter_article_ids

    def slow(project: Project, annotator: str | None, name: str, value: str = "") -> set[int]:
        asked.append((name, value))
        release.wait(20)
        return real(project, annotator, name, value)

    monkeypatch.setattr(queries, "filter_article_ids", slow)
    w = shown_window(qtbot, path)
    w.apply_list_filter("kind", "indirect")
    qtbot.waitUntil(lambda: len(asked) == 1)
    for _ in range(5):  # every accept key re-runs the filter: only the last one is asked
        w.apply_list_filter("kind", "mixed")
    w.apply_list_filter("undecided", "")
    release.set()
    qtbot.waitUntil(lambda: not w.list_busy())
    assert asked == [("kind", "indirect"), ("undecided", "")]
    with Project.open(path) as p:
        want = real(p, "alice", "undecided")
    keep = w.session.article.id if w.session.article else None
    assert set(shown_ids(w)) - {keep} == want - {keep} and want
    # clearing the filter while a read runs is not undone by the question kept for later
    release.clear()
    w.apply_list_filter("kind", "indirect")
    qtbot.waitUntil(lambda: len(asked) == 3)
    w.apply_list_filter("kind", "direct")
    w.apply_list_filter("", "")
    release.set()
    qtbot.waitUntil(lambda: not w.list_busy())
    assert len(asked) == 3 and w.article_list.model.rowCount() == 30
    w.close()
