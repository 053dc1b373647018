"""The article list driven by keys (issue 16): Up/Down/Page keys/Home/End move the row and
the reached article opens once the keys rest; Shift+Tab from the article text reaches the
list. Asserted on what the window opens and on the position the project file records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.model import Article
from annotator.store import queries
from annotator.store.project import Project
from annotator.ui.main_window import MainWindow
from tests.ui.conftest import open_window

TITLES = [f"Harbour report {n}" for n in "ABCDEFGHIJKL"]


@pytest.fixture
def many(tmp_path: Path) -> tuple[Path, list[int]]:
    """A project of twelve short articles (no quotes); their ids in list order."""
    path = tmp_path / "p.db"
    ids = []
    with Project.open(path) as p:
        for i, title in enumerate(TITLES):
            aid, _ = p.add_article(
                Article(title, f"{title}.\n\nThe ferry ran {i} minutes late on Monday.", {})
            )
            ids.append(aid)
    return path, ids


def _saved(path: Path, who: str = "alice") -> int | None:
    """The article the project records as the annotator's position, read through a
    connection of its own (what the next start opens)."""
    with Project.open(path) as p:
        point = queries.resume_point(p, who)
    return None if point is None else point[0]


def _in_list(qtbot: Any, path: Path) -> tuple[MainWindow, Any]:
    w: MainWindow = open_window(qtbot, path)
    table = w.article_list.table
    table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is table)
    return w, table


def _opened(w: MainWindow) -> int | None:
    return None if w.session.article is None else w.session.article.id


def test_down_opens_the_reached_article_after_a_rest(qtbot: Any, many: Any) -> None:
    path, ids = many
    w, table = _in_list(qtbot, path)
    assert _opened(w) == ids[0] and _saved(path) == ids[0]
    chosen: list[int] = []
    w.article_list.article_chosen.connect(chosen.append)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    # the keys have not rested yet: the row moved, nothing opened
    assert table.currentIndex().row() == 2
    assert _opened(w) == ids[0] and w.article_list.open_pending()
    qtbot.waitUntil(lambda: _opened(w) == ids[2])
    assert chosen == [ids[2]]
    assert w.view.toPlainText().startswith(TITLES[2])
    assert _saved(path) == ids[2]
    assert QApplication.focusWidget() is table  # the next key still moves in the list
    qtbot.keyClick(table, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: _opened(w) == ids[1])
    assert chosen == [ids[2], ids[1]] and _saved(path) == ids[1]


def test_a_held_key_opens_only_the_row_where_it_stops(qtbot: Any, many: Any) -> None:
    path, ids = many
    w, table = _in_list(qtbot, path)
    chosen: list[int] = []
    w.article_list.article_chosen.connect(chosen.append)
    for _ in range(9):  # auto-repeat: the key events come faster than the rest
        qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: _opened(w) == ids[9])
    assert chosen == [ids[9]]
    assert _saved(path) == ids[9]


@pytest.mark.parametrize(("key", "where"), [(Qt.Key.Key_End, -1), (Qt.Key.Key_Home, 0)])
def test_home_and_end_go_to_the_first_and_last_row(
    qtbot: Any, many: Any, key: Qt.Key, where: int
) -> None:
    path, ids = many
    w, table = _in_list(qtbot, path)
    start = ids[5]
    w.open_article(start)
    assert table.currentIndex().row() == 5
    qtbot.keyClick(table, key)
    assert table.currentIndex().row() == (len(ids) - 1 if where < 0 else 0)
    qtbot.waitUntil(lambda: _opened(w) == ids[where])
    assert _saved(path) == ids[where]


def test_end_follows_the_sorted_filtered_list(qtbot: Any, many: Any) -> None:
    path, ids = many
    w, table = _in_list(qtbot, path)
    table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # titles L..A
    qtbot.waitUntil(lambda: w.article_list.sort_key == (0, True))
    qtbot.waitUntil(lambda: not w.list_busy())
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_End)
    qtbot.waitUntil(lambda: _opened(w) == ids[0])  # "A" is last in descending order
    qtbot.keyClick(table, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: _opened(w) == ids[-1])
    assert _saved(path) == ids[-1]


def test_the_position_reached_by_keys_is_where_the_next_start_opens(qtbot: Any, many: Any) -> None:
    path, ids = many
    w, table = _in_list(qtbot, path)
    for _ in range(4):
        qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: _opened(w) == ids[4])
    w.close()
    again = open_window(qtbot, path)
    assert _opened(again) == ids[4]


def test_reaching_the_open_article_again_does_not_reopen_it(qtbot: Any, many: Any) -> None:
    path, ids = many
    w, table = _in_list(qtbot, path)
    chosen: list[int] = []
    w.article_list.article_chosen.connect(chosen.append)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Up)  # back on the open article before the rest
    qtbot.waitUntil(lambda: not w.article_list.open_pending())
    assert chosen == [] and _opened(w) == ids[0]


def test_a_click_opens_at_once_and_cancels_the_keys_wait(qtbot: Any, many: Any) -> None:
    path, ids = many
    w, table = _in_list(qtbot, path)
    chosen: list[int] = []
    w.article_list.article_chosen.connect(chosen.append)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    rect = table.visualRect(w.article_list.model.index(3, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert _opened(w) == ids[3] and not w.article_list.open_pending()
    assert chosen == [ids[3]]


def test_shift_tab_from_the_text_reaches_the_list(qtbot: Any, many: Any) -> None:
    path, ids = many
    w: MainWindow = open_window(qtbot, path)
    assert QApplication.focusWidget() is w.view
    qtbot.keyClick(w.view, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    table = w.article_list.table
    assert QApplication.focusWidget() is table
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: _opened(w) == ids[1])
    assert _saved(path) == ids[1]
    qtbot.keyClick(table, Qt.Key.Key_Tab)  # and Tab goes back to the text
    assert QApplication.focusWidget() is w.view
