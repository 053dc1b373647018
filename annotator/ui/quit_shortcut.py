"""Ctrl+Q in every child window: quit the application the way the main window does.

A child window (dashboard, quote summary, review, speakers, export…) is a top-level window
of its own, so the main window's Ctrl+Q, a window shortcut, does nothing while it has the
focus. :func:`add_quit` gives it an action with the same key that triggers the main
window's own Quit action (which asks about unsaved work and cleans up), never a shortcut
path of its own.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMainWindow, QMenu, QWidget

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


def quit_action_of(widget: QWidget | None) -> QAction | None:
    """The Ctrl+Q action of ``widget``'s window or the nearest window above it (the main
    window's Quit, or the one :func:`add_quit` gave a child window); None when none has
    one."""
    while widget is not None:
        top = widget.window()
        for act in top.findChildren(QAction):
            if act.shortcut().toString() == QUIT_KEYS:
                return act
        widget = top.parentWidget()
    return None


def add_modal_quit(dialog: QDialog) -> QAction | None:
    """Give a modal ``dialog`` (one run with ``exec()``) Ctrl+Q: it closes the dialog as
    Cancel would, then quits the way the window it belongs to does. The dialog blocks its
    window, so that window's own Ctrl+Q could not be reached; the F1 sheet lists Ctrl+Q as
    Quit everywhere (tester18 T11). Returns the action, or None when no window above the
    dialog has a Quit action (the dialog keeps Esc)."""
    quit_action = quit_action_of(dialog.parentWidget())
    if quit_action is None:
        return None
    act = QAction("&Quit", dialog)
    act.setShortcut(QKeySequence(QUIT_KEYS))
    act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)

    def quit_after_closing() -> None:
        dialog.reject()  # the caller of exec() sees Cancel and does nothing more
        # with the action as context: nothing is called if its window is gone by then
        QTimer.singleShot(0, quit_action, quit_action.trigger)

    act.triggered.connect(lambda _checked=False: quit_after_closing())
    dialog.addAction(act)
    return act
