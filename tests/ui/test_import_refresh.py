"""The end of an import from the window: the list shows what it added, the open article
stays open, and an import that stored nothing does not rebuild the list (issue 16: the
rebuild of a 100,000-row list held the GUI 80-220 ms for nothing)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from annotator.store.project import Project

from .conftest import shown_window

LINES = [
    {
        "text": 'Ferry timetable changes\n\n"Sailings start at six," the ferry office said.',
        "meta": {"title": "Ferry timetable changes"},
    },
    {
        "text": "Market moves indoors\n\nThe market will use the old station hall in winter.",
        "meta": {"title": "Market moves indoors"},
    },
]


def _write(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def _import(qtbot: Any, w: Any, path: Path) -> Any:
    with qtbot.waitSignal(w.import_finished, timeout=60000) as blocker:
        w.start_import([str(path)])
    qtbot.waitUntil(lambda: w.importer.task is None)
    return blocker.args[0]


def _resets(w: Any) -> list[int]:
    seen: list[int] = []
    w.article_list.model.modelAboutToBeReset.connect(lambda: seen.append(1))
    return seen


def test_import_lists_new_articles_and_keeps_the_open_one(
    qtbot: Any, project_path: Path, tmp_path: Path
) -> None:
    w = shown_window(qtbot, project_path, list_ready=True)
    model = w.article_list.model
    opened = model.id_at(model.rowCount() - 1)
    w.open_article(opened)
    rows_before = model.rowCount()
    resets = _resets(w)

    report = _import(qtbot, w, _write(tmp_path / "new.jsonl", LINES))

    assert report.articles_added == 2
    with Project.open(project_path) as p:
        new = [
            i
            for i in p.article_ids()
            if p.article(i).title in ("Ferry timetable changes", "Market moves indoors")
        ]
    assert len(new) == 2
    qtbot.waitUntil(lambda: not w.list_busy())
    assert model.rowCount() == rows_before + 2
    assert all(model.row_of(i) is not None for i in new)
    # the article worked on is still open and still the selected row
    assert w.session.article is not None and w.session.article.id == opened
    selected = w.article_list.table.selectionModel().selectedRows()
    assert [model.id_at(i.row()) for i in selected] == [opened]
    # appended at the end in id order, not rebuilt
    assert resets == []
    assert model.ids()[-2:] == sorted(new)
    # the totals count the new articles
    qtbot.waitUntil(lambda: w._totals_task is None)
    totals = model.totals()
    assert totals is not None and totals.articles == rows_before + 2


def test_import_into_a_sorted_list_lists_the_new_articles_in_order(
    qtbot: Any, project_path: Path, tmp_path: Path
) -> None:
    w = shown_window(qtbot, project_path, list_ready=True)
    lst = w.article_list
    lst.ask_order(1, True)  # by title, descending: new articles are not simply appended
    qtbot.waitUntil(lambda: not w.list_busy())
    rows = lst.model.rowCount()

    report = _import(qtbot, w, _write(tmp_path / "new.jsonl", LINES))

    assert report.articles_added == 2
    qtbot.waitUntil(lambda: not w.list_busy())
    assert lst.model.rowCount() == rows + 2
    with Project.open(project_path) as p:
        titles = [p.article(i).title for i in lst.model.ids()]
    assert titles == sorted(titles, key=str.casefold, reverse=True) or titles == sorted(
        titles, reverse=True
    )


def test_import_of_nothing_new_does_not_rebuild_the_list(
    qtbot: Any, project_path: Path, tmp_path: Path
) -> None:
    path = _write(tmp_path / "again.jsonl", LINES)
    w = shown_window(qtbot, project_path, list_ready=True)
    _import(qtbot, w, path)
    qtbot.waitUntil(lambda: not w.list_busy())
    model = w.article_list.model
    opened = model.id_at(1)
    w.open_article(opened)
    ids_before = model.ids()
    resets = _resets(w)

    report = _import(qtbot, w, path)

    assert report.articles_added == 0
    assert sum(f.articles_present for f in report.files) == 2
    assert resets == []  # the list was not rebuilt
    assert model.ids() == ids_before
    assert w.session.article is not None and w.session.article.id == opened
    # a window activation later does not take the import for a change made elsewhere
    assert not w.notice_elsewhere()
    assert resets == []


def test_import_of_one_new_article_among_known_ones_rebuilds_and_lists_it(
    qtbot: Any, project_path: Path, tmp_path: Path
) -> None:
    w = shown_window(qtbot, project_path, list_ready=True)
    _import(qtbot, w, _write(tmp_path / "first.jsonl", LINES[:1]))
    qtbot.waitUntil(lambda: not w.list_busy())
    resets = _resets(w)
    rows = w.article_list.model.rowCount()

    report = _import(qtbot, w, _write(tmp_path / "both.jsonl", LINES))

    assert report.articles_added == 1
    assert resets  # something new: the list is read again
    qtbot.waitUntil(lambda: not w.list_busy())
    assert w.article_list.model.rowCount() == rows + 1
