"""Ctrl+Q in every child window: quit the application the way the main window does.

A child window (dashboard, quote summary, review, speakers, export…) is a top-level window
of its own, so the main window's Ctrl+Q, a window shortcut, does nothing while it has the
focus. :func:`add_quit` gives it an action with the same key that triggers the main
window's own Quit action (which asks about unsaved work and cleans up), never a shortcut
path of its own.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

QUIT_KEYS = "Ctrl+Q"


def add_quit(window: QWidget, quit_action: QAction) -> QAction:
    """Give ``window`` a "Quit" action on Ctrl+Q that triggers ``quit_action``.

    In a :class:`QMainWindow` whose menu bar has menus, the action is added at the end of
    the first menu (after a separator), so the menu shows the key; elsewhere it is added to
    the window itself (key only). Returns the new action (owned by ``window``).
    """
    act = QAction("&Quit", window)
    act.setShortcut(QKeySequence(QUIT_KEYS))
    act.setStatusTip("Quit the application (as File > Quit of the main window)")
    act.triggered.connect(lambda _checked=False: quit_action.trigger())
    menus = window.menuBar().actions() if isinstance(window, QMainWindow) else []
    first = menus[0].menu() if menus else None
    if isinstance(first, QMenu):
        first.addSeparator()
        first.addAction(act)
    else:
        window.addAction(act)
    return act
