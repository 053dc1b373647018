"""Single-key commands (A accept, R reject, N next, 1-4 stance...) stay silent while the
analyst types in a text field (issue 16): the letter goes into the field and nothing is
written to the project."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QWidget

from annotator.store.project import Project
from annotator.ui.main_window import MainWindow
from tests.ui.conftest import open_window

#: Every letter and digit that is a command on its own in the annotation window.
COMMAND_KEYS = "aqrsemtfcgnjpk1230"
TYPED = "Grace Park-Adams 12 Nj"  # a name with command letters in it, Shift and space


def _snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read through a connection of its own."""
    con = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in con.execute(
                "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
            )
        ]
        return {n: sorted(map(tuple, con.execute(f'select * from "{n}"')), key=repr) for n in names}
    finally:
        con.close()


def _field(w: MainWindow, name: str) -> tuple[QWidget, QLineEdit]:
    """The widget that takes the keys and the line that shows the text."""
    if name == "search":
        return w.article_list.search, w.article_list.search
    if name == "filter value":  # an editable combo box: its line edit shows what is typed
        combo = w.article_list.filter_combo
        combo.setCurrentIndex(combo.findData("speaker"))
        line = w.article_list.filter_value.lineEdit()
        assert line is not None
        return w.article_list.filter_value, line
    field: QLineEdit = getattr(w.panel, name)
    return field, field


@pytest.mark.parametrize(
    "name", ["speaker_edit", "target_edit", "note_edit", "search", "filter value"]
)
def test_command_letters_typed_in_a_field_go_into_it(
    qtbot: Any, project_path: Path, name: str
) -> None:
    w: MainWindow = open_window(qtbot, project_path)
    before = _snapshot(project_path)
    current = w.session.current
    assert current is not None
    field, line = _field(w, name)
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    line.clear()
    for ch in COMMAND_KEYS:
        qtbot.keyClicks(field, ch)
    qtbot.keyClicks(field, TYPED)
    assert line.text() == COMMAND_KEYS + TYPED
    qtbot.keyClick(field, Qt.Key.Key_Delete)  # Del rejects a quote from the text, not here
    qtbot.keyClick(field, Qt.Key.Key_Home)
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    assert line.text() == COMMAND_KEYS[1:] + TYPED
    assert QApplication.focusWidget() is field
    assert w.session.current is not None and w.session.current.key == current.key
    assert _snapshot(project_path) == before
    assert w.undo_stack.count() == 0
    qtbot.keyClick(field, Qt.Key.Key_Escape)  # drop what was typed
    assert _snapshot(project_path) == before


@pytest.mark.parametrize(
    ("name", "field_name"),
    [("speaker_edit", "speaker_name"), ("target_edit", "stance_target"), ("note_edit", "note")],
)
def test_a_field_typed_in_when_the_window_closes_is_saved(
    qtbot: Any, project_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, field_name: str
) -> None:
    """The stance target was written after the project had closed: 'The change was not
    saved' (a modal box while the window closed) and the target was lost."""
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(str(a[2])))
    w: MainWindow = open_window(qtbot, project_path)
    field, line = _field(w, name)
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    line.clear()
    qtbot.keyClicks(field, "Grace Park")
    assert w.close()
    with Project.open(project_path) as p:  # a connection of its own
        (mine,) = p.annotations(p.article_ids()[0], "alice")
    assert getattr(mine.quote, field_name) == "Grace Park"
    assert warned == []


@pytest.mark.parametrize(("name", "prefix"), [("speaker_edit", "Lee"), ("target_edit", "pea")])
def test_command_letters_while_the_completions_show(
    qtbot: Any, project_path: Path, name: str, prefix: str
) -> None:
    """The completer's list takes the keys while it shows: they still go into the field."""
    w: MainWindow = open_window(qtbot, project_path)
    w.panel.set_targets(["peace talks", "peace on the peninsula"])
    before = _snapshot(project_path)
    field, line = _field(w, name)
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    line.clear()
    qtbot.keyClicks(field, prefix)
    completer = line.completer()
    popup = completer.popup()
    qtbot.waitUntil(popup.isVisible)
    for ch in "arn1":
        qtbot.keyClick(popup, ch)  # the keys go where a person's keys go: to the popup
    assert line.text() == prefix + "arn1"
    assert _snapshot(project_path) == before and w.undo_stack.count() == 0
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    qtbot.keyClick(field, Qt.Key.Key_Escape)


@pytest.mark.parametrize("where", ["search", "list"])
def test_closing_while_a_search_or_an_opening_waits(
    qtbot: Any, project_path: Path, where: str
) -> None:
    """Words typed (or a row reached by keys) just before the window closes: the search
    (the opening) waiting for the pause is dropped, not run on the closed project."""
    w: MainWindow = open_window(qtbot, project_path)
    lst = w.article_list
    if where == "search":
        lst.search.setFocus()
        qtbot.keyClicks(lst.search, "ministry")
        assert lst.search_pending()
    else:
        lst.table.setFocus()
        qtbot.keyClick(lst.table, Qt.Key.Key_Down)
        assert lst.open_pending()
    assert w.close()
    assert not lst.search_pending() and not lst.open_pending()
    qtbot.wait(400)  # past both pauses: an error in a slot would fail the test here
