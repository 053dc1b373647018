"""Whether a window or message box would reach a person (no Qt widgets imported here)."""

from __future__ import annotations

import os
import sys

from PySide6.QtGui import QGuiApplication

#: Qt platforms with no screen: a modal box there would wait for a click that never comes.
HEADLESS_PLATFORMS = frozenset({"offscreen", "minimal", "minimalegl"})


def can_show_windows() -> bool:
    """True when a message box would reach a person (a screen; not offscreen tests, not ssh)."""
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):
        return QGuiApplication.platformName() not in HEADLESS_PLATFORMS
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(":")[0] not in HEADLESS_PLATFORMS
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True
