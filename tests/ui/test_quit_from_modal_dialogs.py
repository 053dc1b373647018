"""Ctrl+Q in a modal dialog (Project settings, About, Switch annotator, Train, the review
window's gold edit) closes the dialog as Cancel would and then quits through the window's
own Quit action (tester18 T11: the key did nothing there while the F1 sheet lists it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from annotator.store.project import Project
from annotator.ui.quit_shortcut import add_modal_quit, quit_action_of
from tests.ui.conftest import shown_window

#: menu actions of the main window that run a modal dialog with exec()
MODAL_ACTIONS = ["act_settings", "act_about", "act_switch", "act_train"]


def _press_in_modal(qtbot: Any, seen: list[str]) -> Callable[[], None]:
    """A timer callback: Ctrl+Q into the modal dialog once it is up and active (records its
    title); after 10 s without one it closes whatever modal is up and records "gave up", so
    a fault fails the test instead of leaving exec() waiting."""
    tries = [0]

    def press() -> None:
        modal = QApplication.activeModalWidget()
        tries[0] += 1
        if modal is None or QApplication.activeWindow() is not modal:
            if tries[0] < 500:
                QTimer.singleShot(20, press)
            elif isinstance(modal, QDialog):
                seen.append("gave up")
                modal.reject()
            return
        seen.append(modal.windowTitle() or type(modal).__name__)
        target = QApplication.focusWidget() or modal
        qtbot.keyClick(target, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
        if modal.isVisible():  # the key did not close it: the fault under test
            seen.append("gave up")
            if isinstance(modal, QDialog):
                modal.reject()

    return press


@pytest.mark.parametrize("action", MODAL_ACTIONS)
def test_ctrl_q_in_a_modal_dialog_closes_it_and_quits(
    qtbot: Any, project_path: Path, action: str
) -> None:
    w = shown_window(qtbot, project_path)
    assert hasattr(w, action), action
    with Project.open(project_path) as p:
        before = (p.annotators(), p.db.execute("SELECT count(*) FROM settings").fetchone()[0])
    quits: list[bool] = []
    w.act_quit.triggered.disconnect()
    w.act_quit.triggered.connect(lambda _c=False: quits.append(True))
    seen: list[str] = []
    QTimer.singleShot(50, _press_in_modal(qtbot, seen))
    getattr(w, action).trigger()  # returns when the dialog has closed
    assert seen and "gave up" not in seen, seen
    assert QApplication.activeModalWidget() is None
    qtbot.waitUntil(lambda: quits == [True], timeout=60000)
    with Project.open(project_path) as p:  # closed as Cancel: nothing written
        after = (p.annotators(), p.db.execute("SELECT count(*) FROM settings").fetchone()[0])
    assert after == before
    w.act_quit.triggered.connect(w.close)
    w.act_quit.trigger()
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=60000)


def test_a_dialog_with_no_quit_above_it_keeps_only_esc(qtbot: Any) -> None:
    lone = QDialog()
    qtbot.addWidget(lone)
    assert quit_action_of(lone) is None
    assert add_modal_quit(lone) is None


def test_a_dialog_of_a_child_window_finds_that_windows_quit(qtbot: Any, project_path: Path) -> None:
    w = shown_window(qtbot, project_path)
    w.act_review.trigger()
    (review,) = [
        t for t in QApplication.topLevelWidgets() if t.isVisible() and "Review" in t.windowTitle()
    ]
    dlg = QDialog(review)
    act = add_modal_quit(dlg)
    assert act is not None and act.shortcut().toString() == "Ctrl+Q"
    found = quit_action_of(review)
    assert found is not None and found is not act
    quits: list[bool] = []
    w.act_quit.triggered.disconnect()
    w.act_quit.triggered.connect(lambda _c=False: quits.append(True))
    seen: list[str] = []
    QTimer.singleShot(50, _press_in_modal(qtbot, seen))
    assert dlg.exec() == QDialog.DialogCode.Rejected
    assert seen and "gave up" not in seen, seen
    qtbot.waitUntil(lambda: quits == [True], timeout=60000)  # through the main window's Quit
    w.act_quit.triggered.connect(w.close)
    for t in QApplication.topLevelWidgets():
        if isinstance(t, QWidget) and t.isVisible():
            t.close()
