"""Guard against Qt bindings that corrupt Python's reference counts.

PySide6 6.12.0 on Python 3.11 returns None from void methods without a reference; after
a few thousand calls the interpreter aborts. pyproject.toml excludes that release; this
test fails fast if a broken build is installed anyway.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_void_calls_keep_none_alive(qtbot) -> None:  # type: ignore[no-untyped-def]
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for i in range(500):
        label.setText(str(i))
    # other threads may take or drop a few references meanwhile; a leak loses ~500
    assert sys.getrefcount(None) - before > -100
