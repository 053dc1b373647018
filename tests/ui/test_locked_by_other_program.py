"""Another program keeps the project's write lock (a DB browser with unsaved edits, a sync
tool): a key in the window waits a fraction of a second, then the status line says the
change was not saved; no box, nothing half written, the undo history stays as it was, and
the same key works once the lock is free (tester17 F13: 10 s freeze and a box per key)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.store.project import Project
from tests.ui.conftest import open_window

CTRL = Qt.KeyboardModifier.ControlModifier


def _key(qtbot: Any, key: Any, mod: Any = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, mod)


def _decided(path: Path, who: str = "alice") -> list[str]:
    with Project.open(path) as p:
        return [r.quote.status for r in p.annotations(p.article_ids()[0], who)]


class Holder:
    """Another program's connection to the project, and how it takes the lock."""

    def __init__(self, path: Path, begin: str) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.begin = begin

    def execute(self, sql: str) -> None:
        self.conn.execute(sql)


@pytest.fixture(params=["BEGIN IMMEDIATE", "BEGIN EXCLUSIVE"])
def holder(request: pytest.FixtureRequest, project_path: Path) -> Iterator[Holder]:
    h = Holder(project_path, request.param)
    yield h
    if h.conn.in_transaction:
        h.conn.execute("ROLLBACK")
    h.conn.close()


def _lock(holder: Holder) -> None:
    holder.execute(holder.begin)
    holder.execute("INSERT INTO settings (key, value) VALUES ('other program', '1')")


def _said(w: Any) -> str:
    return str(w.statusBar().currentMessage())


def test_accept_while_locked_says_so_and_works_when_free(
    qtbot: Any, project_path: Path, holder: Holder
) -> None:
    w = open_window(qtbot, project_path)
    first = w.session.current
    _lock(holder)
    _key(qtbot, Qt.Key.Key_A)
    assert _said(w).startswith("Not saved: another program holds the project's lock")
    assert QApplication.activeModalWidget() is None  # no box to dismiss
    assert w.session.current is not None and w.session.current.key == first.key
    assert w.undo_stack.count() == 0
    holder.execute("COMMIT")  # the other program's own write stays
    assert _decided(project_path) == []
    _key(qtbot, Qt.Key.Key_A)
    assert _decided(project_path) == ["accepted"]
    assert w.undo_stack.count() == 1
    with Project.open(project_path) as p:
        held = p.db.execute("SELECT value FROM settings WHERE key = 'other program'")
        assert held.fetchone()[0] == "1"


def test_undo_while_locked_keeps_the_decision_and_its_undo(
    qtbot: Any, project_path: Path, holder: Holder
) -> None:
    w = open_window(qtbot, project_path)
    _key(qtbot, Qt.Key.Key_R)
    assert _decided(project_path) == ["rejected"]
    _lock(holder)
    _key(qtbot, Qt.Key.Key_Z, CTRL)
    assert _said(w).startswith("Not saved:")
    # the stack takes the refused undo back at the next turn of the event loop
    qtbot.waitUntil(lambda: w.undo_stack.index() == 1)
    assert w.undo_stack.count() == 1 and w.undo_stack.canUndo()
    holder.execute("ROLLBACK")
    assert _decided(project_path) == ["rejected"]
    _key(qtbot, Qt.Key.Key_Z, CTRL)  # pressed again once free: undone
    assert _decided(project_path) == []
    assert w.undo_stack.index() == 0
    _key(qtbot, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)  # and redone
    assert _decided(project_path) == ["rejected"]


def test_redo_while_locked_stays_redoable(qtbot: Any, project_path: Path, holder: Holder) -> None:
    w = open_window(qtbot, project_path)
    _key(qtbot, Qt.Key.Key_A)
    _key(qtbot, Qt.Key.Key_Z, CTRL)
    assert _decided(project_path) == []
    _lock(holder)
    w.undo_stack.redo()
    assert _said(w).startswith("Not saved:")
    qtbot.waitUntil(lambda: w.undo_stack.index() == 0)
    assert w.undo_stack.canRedo()
    holder.execute("ROLLBACK")
    assert _decided(project_path) == []
    w.undo_stack.redo()
    assert _decided(project_path) == ["accepted"]


def test_refusals_in_a_row_are_counted_and_a_saved_key_replaces_the_line(
    qtbot: Any, project_path: Path, holder: Holder
) -> None:
    """tester18 T7: a second refusal showed the very same line, and a key saved after the
    lock was freed left "Not saved" up."""
    w = open_window(qtbot, project_path)
    _lock(holder)
    _key(qtbot, Qt.Key.Key_A)
    assert _said(w).startswith("Not saved: another program holds")
    _key(qtbot, Qt.Key.Key_R)
    assert _said(w).startswith("Not saved (2 keys in a row): another program holds")
    _key(qtbot, Qt.Key.Key_A)
    assert _said(w).startswith("Not saved (3 keys in a row):")
    holder.execute("ROLLBACK")
    _key(qtbot, Qt.Key.Key_A)
    assert _decided(project_path) == ["accepted"]
    assert _said(w).startswith("Saved: the project's lock is free again (3 keys before")
    assert "Not saved" not in _said(w)
    _key(qtbot, Qt.Key.Key_Z, CTRL)  # a saved key after a saved key: no new lock line
    assert _decided(project_path) == []
    assert "Not saved" not in _said(w) and w.lock_notice.refused == 0
    _lock(holder)
    _key(qtbot, Qt.Key.Key_A)  # a new run of refusals starts from one
    assert _said(w).startswith("Not saved: another program holds")
    holder.execute("COMMIT")
    _key(qtbot, Qt.Key.Key_A)
    assert _said(w).startswith("Saved: the project's lock is free again (1 key before this")
    assert "1 key before this one was not saved" in _said(w)
