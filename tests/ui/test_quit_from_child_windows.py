"""Ctrl+Q in a child window (dashboard, summary, review, speakers, export) quits the
application through the main window's own Quit, which closes every window."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMainWindow

from tests.ui.conftest import shown_window


@pytest.mark.parametrize(
    "action", ["act_dashboard", "act_summary", "act_review", "act_speakers", "act_export"]
)
def test_ctrl_q_in_a_child_window_quits_through_the_main_window(
    qtbot: Any, project_path: Path, action: str
) -> None:
    w = shown_window(qtbot, project_path)
    quits: list[bool] = []
    w.act_quit.triggered.connect(lambda _c=False: quits.append(True))
    getattr(w, action).trigger()
    (child,) = w._windows
    qtbot.addWidget(child)
    qtbot.waitExposed(child)
    child.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is child)  # window shortcuts need it
    target = QApplication.focusWidget() or child
    qtbot.keyClick(target, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert quits == [True]  # the main window's own Quit, not a path of the child's
    qtbot.waitUntil(lambda: not w.isVisible() and not child.isVisible(), timeout=60000)
    if isinstance(child, QMainWindow) and child.menuBar().actions():
        first = child.menuBar().actions()[0].menu()
        assert "Ctrl+Q" in [a.shortcut().toString() for a in first.actions()]
