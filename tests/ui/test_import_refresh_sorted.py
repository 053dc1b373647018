"""The end of an import into a sorted or filtered list (issue 16): the order and the
filter are read again on the list's thread while the list shows its rows; the list is
never listed in id order in between, the open article stays selected and the scroll
stays where it was."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.core.model import Article, Quote
from annotator.store.project import Project

from .conftest import shown_window

NEW = [
    {
        "text": f"Harbour note {k}\n\nThe pier will close for repairs on day {k}.",
        "meta": {"title": f"Harbour note {k}"},
    }
    for k in range(3)
]


def _project(path: Path, n: int = 150) -> Path:
    """``n`` articles titled "Story NNN"; every third one has an open suggestion."""
    with Project.open(path) as p:
        for k in range(n):
            text = f"Story {k:03d}\n\nThe council met on Monday. It said the road would reopen."
            aid, _ = p.add_article(Article(f"Story {k:03d}", text, {}))
            if k % 3 == 0:
                start = text.index("the road")
                quote = Quote(content_spans=((start, start + 21),), kind="indirect")
                p.set_suggestions(aid, "test detector", [quote])
    return path


def _import(qtbot: Any, w: Any, path: Path) -> Any:
    path.write_text("".join(json.dumps(x) + "\n" for x in NEW), encoding="utf-8")
    with qtbot.waitSignal(w.import_finished, timeout=60000) as blocker:
        w.start_import([str(path)])
    qtbot.waitUntil(lambda: w.importer.task is None)
    return blocker.args[0]


def _titles(path: Path, ids: list[int]) -> list[str]:
    with Project.open(path, create=False, readonly=True) as p:
        return [p.article(i).title for i in ids]


@pytest.mark.parametrize(
    "how", ("title descending", "status New", "undecided by title", "undecided")
)
def test_import_into_a_sorted_or_filtered_list(qtbot: Any, tmp_path: Path, how: str) -> None:
    path = _project(tmp_path / "p.db")
    w = shown_window(qtbot, path, size=(1000, 500), list_ready=True)
    lst = w.article_list
    if "descending" in how or "by title" in how:
        lst.ask_order(0, "descending" in how)
        qtbot.waitUntil(lambda: not w.list_busy() and lst.pending_order is None)
    if "undecided" in how:
        lst.filter_combo.setCurrentIndex(lst.filter_combo.findData("undecided"))
    if "status" in how:
        lst.status_combo.setCurrentIndex(lst.status_combo.findData("new"))
    qtbot.waitUntil(
        lambda: not w.list_busy() and not lst.filter_pending and lst.pending_order is None
    )
    model = lst.model
    shown_before = model.ids()
    opened = shown_before[len(shown_before) // 2]
    w.choose_article(opened)
    bar = lst.table.verticalScrollBar()
    assert bar.maximum() > 0  # the list scrolls: the test sees whether it moved
    bar.setValue(bar.maximum() // 3)
    scroll = bar.value()
    listed: list[list[int]] = []  # the ids of every reset of the list
    model.modelReset.connect(lambda: listed.append(model.ids()))

    report = _import(qtbot, w, tmp_path / "new.jsonl")

    assert report.articles_added == 3
    qtbot.waitUntil(
        lambda: not w.list_busy() and not lst.filter_pending and lst.pending_order is None
    )
    with Project.open(path, create=False, readonly=True) as p:
        new = [i for i in p.article_ids() if p.article(i).title.startswith("Harbour")]
    ids = model.ids()
    if "undecided" in how:  # no suggestion in them: not listed
        assert ids == shown_before and not set(new) & set(ids)
    else:
        assert sorted(ids) == sorted(shown_before + new)
    if "descending" in how or "by title" in how:
        titles = _titles(path, ids)
        assert titles == sorted(titles, reverse="descending" in how)
    # never listed in id order (or any other order) on the way: only the final answers
    assert all(seen in (ids, shown_before) for seen in listed), listed
    assert w.session.article is not None and w.session.article.id == opened
    selected = lst.table.selectionModel().selectedRows()
    assert [model.id_at(i.row()) for i in selected] == [opened]
    assert bar.value() == scroll
