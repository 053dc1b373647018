"""Two windows of the same annotator mark the same article done or reopen it (issue 16):
the status is written only while it is still the one the window read (or already the one
wanted), otherwise nothing is written and the window says in words what it is now."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.store.project import Project
from annotator.ui.main_window import MainWindow
from tests.ui.conftest import open_window


def _stored(path: Path, article_id: int) -> str:
    with Project.open(path, readonly=True) as p:
        return p.progress(article_id, "alice")


def _ctrl_d(qtbot: Any, w: MainWindow) -> None:
    """Ctrl+D in ``w`` (its text has the keyboard)."""
    w.activateWindow()
    w.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.view)
    qtbot.keyClick(w.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)


def _status(w: MainWindow) -> str:
    return w.session.article_counts.status


def _box(w: MainWindow) -> str:
    box = w.conflict_box
    assert box is not None and box.isVisible()
    return f"{box.text()} {box.informativeText()}"


def _no_box(w: MainWindow) -> bool:
    box = getattr(w, "conflict_box", None)
    return box is None or not box.isVisible()


def _two(qtbot: Any, path: Path) -> tuple[MainWindow, MainWindow, int]:
    a = open_window(qtbot, path)
    b = open_window(qtbot, path)
    art = a.session.article.id
    assert b.session.article.id == art
    return a, b, art


def test_both_mark_it_done_is_no_conflict(qtbot: Any, project_path: Path) -> None:
    a, b, art = _two(qtbot, project_path)
    _ctrl_d(qtbot, a)
    assert _stored(project_path, art) == "done"
    b.act_done.trigger()  # B read it before A's write (not re-read): wants done, done it is
    assert _stored(project_path, art) == "done" and _status(b) == "done"
    assert _no_box(b) and b.undo_stack.count() == 1


def test_undo_after_a_reopen_elsewhere_writes_nothing(qtbot: Any, project_path: Path) -> None:
    a, b, art = _two(qtbot, project_path)
    before = _stored(project_path, art)
    _ctrl_d(qtbot, a)  # A: done
    b.notice_elsewhere()  # B sees it (as on activation) and reopens it
    assert _status(b) == "done"
    _ctrl_d(qtbot, b)
    assert _stored(project_path, art) == "in_progress"
    a.undo_stack.undo()  # A takes back its "done": it would have reset B's reopen to new
    assert _stored(project_path, art) == "in_progress" != before
    text = _box(a)
    assert text.startswith("This article was changed in another window.")
    assert "status was changed in another window" in text
    assert "it is in progress there" in text and "your change was not applied" in text
    assert "another window" in a.statusBar().currentMessage()
    assert _status(a) == "in_progress"  # A shows what is stored


def test_mark_done_after_a_decision_elsewhere_is_refused_then_works(
    qtbot: Any, project_path: Path
) -> None:
    a, b, art = _two(qtbot, project_path)
    assert _stored(project_path, art) == "new"
    a.accept_quote()  # A's first decision: the article is in progress
    assert _stored(project_path, art) == "in_progress"
    _ctrl_d(qtbot, b)  # B still reads it as new
    assert _stored(project_path, art) == "in_progress"
    assert "it is in progress there" in _box(b)
    assert b.undo_stack.count() == 0 and _status(b) == "in_progress"
    assert b.statusBar().currentMessage() != "Article marked done."
    b.conflict_box.close()
    _ctrl_d(qtbot, b)  # now B knows: marked done
    assert _stored(project_path, art) == "done" and _no_box(b)
    assert b.undo_stack.count() == 1


def test_one_window_marks_done_reopens_undoes_and_redoes(qtbot: Any, project_path: Path) -> None:
    w = open_window(qtbot, project_path)
    art = w.session.article.id
    _ctrl_d(qtbot, w)
    assert _stored(project_path, art) == "done"
    _ctrl_d(qtbot, w)
    assert _stored(project_path, art) == "in_progress"
    w.undo_stack.undo()
    assert _stored(project_path, art) == "done"
    w.undo_stack.undo()
    assert _stored(project_path, art) == "new"
    w.undo_stack.redo()
    w.undo_stack.redo()
    assert _stored(project_path, art) == "in_progress" and _no_box(w)
