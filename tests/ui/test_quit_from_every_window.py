"""Ctrl+Q quits from every window the app shows beside the main window (tester17 F8b):
the keyboard-shortcut sheet, the colour legend and every lazy window (export, review,
dashboard, speakers, summary) — all opened at once, then Ctrl+Q pressed into each one in
turn while it is the active window."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from annotator.ui.actions import ACTIONS
from tests.ui.conftest import shown_window

#: every menu command that shows a window of its own with show() (derived from ACTIONS,
#: so a new lazy window is walked without changing this test)
WINDOW_ACTIONS = [
    s.attr
    for s in ACTIONS
    if s.slot.startswith("lazy:") or s.slot in ("show_shortcuts", "show_legend")
]


def _others(w: QWidget) -> list[QWidget]:
    return [
        t
        for t in QApplication.topLevelWidgets()
        if t is not w
        and t.isVisible()
        and t.isWindow()
        and not t.isModal()
        and t.windowType() in (Qt.WindowType.Window, Qt.WindowType.Dialog)
    ]


def _press_ctrl_q(qtbot: Any, win: QWidget) -> None:
    win.activateWindow()
    win.raise_()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)  # window shortcuts need it
    target = QApplication.focusWidget() or win
    qtbot.keyClick(target, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)


def test_the_walk_knows_the_windows() -> None:
    assert {"act_shortcuts", "act_legend", "act_export", "act_dashboard"} <= set(WINDOW_ACTIONS)


def test_ctrl_q_reaches_the_quit_action_from_every_open_window(
    qtbot: Any, project_path: Path
) -> None:
    w = shown_window(qtbot, project_path)
    for name in WINDOW_ACTIONS:
        getattr(w, name).trigger()
    others = _others(w)
    titles = sorted(t.windowTitle() for t in others)
    assert len(others) == len(WINDOW_ACTIONS), titles
    assert any("Keyboard shortcuts" in t for t in titles)
    assert any("Colour legend" in t for t in titles)
    # the quit is counted, not done, so every window gets its turn
    w.act_quit.triggered.disconnect()
    quits: list[str] = []
    for t in others:
        w.act_quit.triggered.connect(lambda _c=False, t=t: quits.append(t.windowTitle()))
        _press_ctrl_q(qtbot, t)
        w.act_quit.triggered.disconnect()
    assert sorted(quits) == titles  # once from each window, through the main window's Quit
    w.act_quit.triggered.connect(w.close)
    w.act_quit.trigger()
    qtbot.waitUntil(lambda: not _others(w) and not w.isVisible(), timeout=60000)


@pytest.mark.parametrize("action", ["act_shortcuts", "act_legend"])
def test_ctrl_q_in_the_sheet_or_legend_closes_the_app(
    qtbot: Any, project_path: Path, action: str
) -> None:
    w = shown_window(qtbot, project_path)
    getattr(w, action).trigger()
    (sheet,) = _others(w)
    _press_ctrl_q(qtbot, sheet)
    qtbot.waitUntil(lambda: not w.isVisible() and not sheet.isVisible(), timeout=60000)
    assert w._closing


def test_a_second_show_keeps_one_quit_action(qtbot: Any, project_path: Path) -> None:
    w = shown_window(qtbot, project_path)
    w.act_legend.trigger()
    (legend,) = _others(w)
    w.show_window(legend)  # shown again through the same path: no second Ctrl+Q (ambiguous)
    keys = [a for a in legend.findChildren(type(w.act_quit)) if a.shortcut().toString() == "Ctrl+Q"]
    assert len(keys) == 1
