"""The wait cursor while work holds the window's thread (a report counted, a window built)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication


@contextmanager
def busy_cursor() -> Iterator[None]:
    """Show the wait cursor over every window of the application while the block runs;
    the cursor before it comes back however the block ends (also on an exception).
    Blocks may nest."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()
