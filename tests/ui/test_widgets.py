"""Each widget on its own (article list, article view, quote panel), then wired into the
window: clicks and keys on that widget, asserting on what the project file holds."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from annotator.services.session import Session
from annotator.store import queries
from annotator.store.project import Project
from annotator.ui.article_list import ID_ROLE, ArticleList, ArticleListModel
from annotator.ui.article_view import ArticleView
from annotator.ui.quote_panel import QuotePanel
from tests.ui.conftest import TEXT, span
from tests.ui.test_main_window import _key, _mine, _open

# -- article list --------------------------------------------------------------------------


def _lazy(model: ArticleListModel, p: Project) -> list[list[int]]:
    """Serve ``model``'s reads from ``p``; returns the list of the id lists it asked for."""
    asked: list[list[int]] = []

    def fetch(ids: list[int]) -> list[queries.ArticleRow]:
        asked.append(list(ids))
        return queries.article_rows_for(p, "alice", ids)

    model.fetch = fetch
    return asked


def test_article_list_model_passes_the_model_tester(qtmodeltester: Any, project_path: Path) -> None:
    with Project.open(project_path) as p:
        model = ArticleListModel()
        _lazy(model, p)
        model.set_ids(p.article_ids())
        qtmodeltester.check(model)
        lst = ArticleList()
        _lazy(lst.model, p)
        lst.set_order(p.article_ids(), (-1, False), None)
        qtmodeltester.check(lst.model)
        assert [lst.model.article(i) for i in range(2)] == queries.article_rows(p, "alice")


def test_article_list_totals_follow_the_rows_the_store_gives(project_path: Path) -> None:
    with Project.open(project_path) as p:
        model = ArticleListModel()
        _lazy(model, p)
        model.set_ids(p.article_ids())
        model.set_totals(queries.totals(p, "alice"))
        first = p.article_ids()[0]
        model.remember(first)
        s = Session(p, "alice")
        s.open_article(first)
        s.run(s.plan_accept())
        s.run(s.plan_done())
        model.update_row(queries.article_row(p, first, "alice"))
        totals = model.totals()
        assert totals == queries.totals(p, "alice")
        assert totals is not None and (totals.quotes_done, totals.articles_done) == (1, 1)
        assert model.article(0) == queries.article_row(p, first, "alice")
        # an unknown id changes nothing, but says the totals may be out of date
        stale: list[bool] = []
        model.totals_stale.connect(lambda: stale.append(True))
        model.update_row(replace(queries.article_row(p, p.article_ids()[1], "alice"), id=999))
        assert model.totals() == totals and stale == [True]
        assert model.cached(999) is None


def test_clicking_a_list_row_opens_that_article_and_a_then_writes_there(
    qtbot: Any, project_path: Path
) -> None:
    w = _open(qtbot, project_path)
    lst = w.article_list
    second = w.project.article_ids()[1]
    row = next(
        r for r in range(lst.model.rowCount()) if lst.model.index(r, 0).data(ID_ROLE) == second
    )
    rect = lst.table.visualRect(lst.model.index(row, 0))
    qtbot.mouseClick(lst.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.session.article is not None and w.session.article.id == second
    w.view.setFocus()
    _key(qtbot, w, Qt.Key.Key_A)  # a project without suggestions there: a hint, no write
    with Project.open(project_path) as p:
        assert p.annotations(second, "alice") == []
    assert "No quote here" in w.statusBar().currentMessage()
    w.close()


# -- article view --------------------------------------------------------------------------


def _session_items(project_path: Path) -> Any:
    with Project.open(project_path) as p:
        s = Session(p, "alice")
        s.open_article(p.article_ids()[0])
        return s.items


def test_article_view_highlights_and_maps_selections_in_code_points(
    qtbot: Any, project_path: Path
) -> None:
    items = _session_items(project_path)
    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    view.set_article(TEXT, items, items[0])
    # the emoji before the quotes is two UTF-16 units but one code point each side
    a, b = span("Peace comes first.")
    view.select_span(a, b)
    assert view.selected_span() == (a, b)
    assert view.textCursor().selectedText() == "Peace comes first."
    # every item's content is in the highlighter's index, in the block it sits in
    formats = {key for entries in view.highlighter.index.values() for _s, _n, key in entries}
    assert {"suggested", "speaker"} <= formats
    view.clear_selection()
    assert view.selected_span() is None


def test_clicking_a_quote_in_the_view_makes_it_current_and_a_accepts_that_one(
    qtbot: Any, project_path: Path
) -> None:
    w = _open(qtbot, project_path)
    a, b = span("it hoped for progress")
    m = w.view._index.map
    cur = QTextCursor(w.view.document())
    cur.setPosition(m.to_view(a + 3))
    point: QPoint = w.view.cursorRect(cur).center()
    qtbot.mouseClick(w.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert w.session.current is not None and w.session.current.quote.start == a
    assert "2 of 2" in w.panel.header.text()
    _key(qtbot, w, Qt.Key.Key_A)
    mine = _mine(project_path)
    assert [(q.content_spans, q.status) for q in mine] == [(((a, b),), "accepted")]
    w.close()


# -- quote panel ---------------------------------------------------------------------------


def test_quote_panel_shows_an_item_and_reports_edits(qtbot: Any, project_path: Path) -> None:
    items = _session_items(project_path)
    panel = QuotePanel()
    qtbot.addWidget(panel)
    panel.set_stance_labels(["pro", "contra"], "talks")
    panel.show_item(items[0], "We will talk, Peace comes first.", 1, 2)
    assert "Quote 1 of 2" in panel.header.text()
    assert panel.speaker_edit.text() == "Lee In-young"
    edited: list[str] = []
    panel.speaker_name_edited.connect(edited.append)
    panel.speaker_edit.clear()
    qtbot.keyClicks(panel.speaker_edit, "Kim")
    qtbot.keyClick(panel.speaker_edit, Qt.Key.Key_Return)
    assert edited == ["Kim"]
    stances: list[str] = []
    panel.stance_clicked.connect(stances.append)
    panel._stance_buttons["contra"].click()
    assert stances == ["contra"]
    panel.show_item(None, "", 0, 0)
    assert not panel.speaker_edit.isEnabled() and panel.header.text() == "No quote"
    panel.set_read_only(True)
    panel.show_item(items[0], "x", 1, 2)
    assert not panel.speaker_edit.isEnabled()


def test_quote_panel_edits_reach_the_store(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    w.panel._stance_buttons[w.project.stance_labels()[0]].click()
    w.panel.speaker_edit.setFocus()
    w.panel.speaker_edit.selectAll()
    qtbot.keyClicks(w.panel.speaker_edit, "Andrey Kulik")
    qtbot.keyClick(w.panel.speaker_edit, Qt.Key.Key_Return)
    w.panel.note_edit.setFocus()
    qtbot.keyClicks(w.panel.note_edit, "check the date")
    qtbot.keyClick(w.panel.note_edit, Qt.Key.Key_Return)
    (q,) = _mine(project_path)
    assert q.stance == w.project.stance_labels()[0]
    assert q.speaker_name == "Andrey Kulik" and q.note == "check the date"
    assert q.status == "pending" and q.origin == "model-corrected"
    w.close()


# -- the window's one refresh --------------------------------------------------------------


def test_status_bar_counts_match_the_store_after_every_kind_of_change(
    qtbot: Any, project_path: Path
) -> None:
    w = _open(qtbot, project_path)

    def figures() -> str:
        with Project.open(project_path) as p:
            t = queries.totals(p, "alice")
        return (
            f"articles done {t.articles_done:,}/{t.articles:,} · quotes done "
            f"{t.quotes_done:,}/{t.quotes:,}"
        )

    # the project's totals are counted on a pool thread; after that every change moves them
    qtbot.waitUntil(lambda: figures() in w.progress_label.text())
    _key(qtbot, w, Qt.Key.Key_A)
    assert figures() in w.progress_label.text()
    _key(qtbot, w, Qt.Key.Key_R)
    _key(qtbot, w, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert "articles done 1/2" in w.progress_label.text() and figures() in w.progress_label.text()
    _key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert figures() in w.progress_label.text()
    # a write by another process, announced as a refresh of every article
    with Project.open(project_path) as p:
        other = p.article_ids()[1]
        s = Session(p, "alice")
        s.open_article(other)
        s.run(s.plan_done())
    w.refresh_from_store()  # counted again on the pool thread
    qtbot.waitUntil(lambda: figures() in w.progress_label.text())
    assert "articles done 1/2" in w.progress_label.text()
    w.close()
