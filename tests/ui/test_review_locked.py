"""The review window when another program keeps the project's write lock: a decision, an
undo or a redo is not saved, the status line says so, nothing raises, and the undo stack
stays where it was, so the same key works once the lock is free (review of tester17 F13's
fix: a refused Ctrl+Z there used to turn the next redo into a second undo)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from annotator.ui.review_window import ReviewWindow
from tests.ui.conftest import open_review
from tests.ui.test_review_window import _gold, project_path  # noqa: F401  (fixture)

CTRL = Qt.KeyboardModifier.ControlModifier


def _window(qtbot: Any, path: Path) -> ReviewWindow:
    w: ReviewWindow = open_review(qtbot, path, 3)
    return w


@pytest.mark.parametrize("begin", ["BEGIN IMMEDIATE", "BEGIN EXCLUSIVE"])
def test_locked_undo_and_redo_keep_their_place(qtbot: Any, project_path: Path, begin: str) -> None:  # noqa: F811
    w = _window(qtbot, project_path)
    qtbot.keyClick(w.table, Qt.Key.Key_A)  # accept the agreement: gold
    assert [g[1] for g in _gold(project_path)] == ["agreed"]
    other = sqlite3.connect(project_path, isolation_level=None)
    other.execute(begin)
    other.execute("INSERT INTO settings (key, value) VALUES ('other program', '1')")
    w.undo_stack.undo()  # refused
    assert "Not saved" in w.statusBar().currentMessage()
    qtbot.waitUntil(lambda: w.undo_stack.index() == 1)  # taken back: still undoable
    other.execute("ROLLBACK")
    w.undo_stack.redo()  # nothing to redo: the stack is at its end
    assert [g[1] for g in _gold(project_path)] == ["agreed"]
    w.undo_stack.undo()  # the lock is free: the undo is written now
    assert _gold(project_path) == []
    w.undo_stack.redo()
    assert [g[1] for g in _gold(project_path)] == ["agreed"]
    other.close()


def test_locked_decisions_say_so_and_write_nothing(qtbot: Any, project_path: Path) -> None:  # noqa: F811
    w = _window(qtbot, project_path)
    other = sqlite3.connect(project_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    for key in (Qt.Key.Key_A, Qt.Key.Key_X):
        w.statusBar().clearMessage()
        qtbot.keyClick(w.table, key)
        assert "Not saved" in w.statusBar().currentMessage()
    w.pick(0)
    assert "Not saved" in w.statusBar().currentMessage()
    assert w.undo_stack.count() == 0
    other.execute("ROLLBACK")
    other.close()
    assert _gold(project_path) == []
    qtbot.keyClick(w.table, Qt.Key.Key_A)
    assert [g[1] for g in _gold(project_path)] == ["agreed"]


def test_review_refusals_are_counted_and_a_saved_decision_replaces_the_line(
    qtbot: Any,
    project_path: Path,  # noqa: F811
) -> None:
    w = _window(qtbot, project_path)
    other = sqlite3.connect(project_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    qtbot.keyClick(w.table, Qt.Key.Key_A)
    assert w.statusBar().currentMessage().startswith("Not saved: ")
    qtbot.keyClick(w.table, Qt.Key.Key_A)
    assert w.statusBar().currentMessage().startswith("Not saved (2 keys in a row): ")
    other.execute("ROLLBACK")
    other.close()
    qtbot.keyClick(w.table, Qt.Key.Key_A)
    assert [g[1] for g in _gold(project_path)] == ["agreed"]
    said = w.statusBar().currentMessage()
    assert "Not saved" not in said and said == "1 agreed quote made gold"
    assert w.lock_notice.refused == 0
