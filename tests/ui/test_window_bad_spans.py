"""The window neither draws nor acts on a quote whose span lies outside the text (a project
changed with SQL) and says so once in the status line; keys work on the rest (tester17 F9).
Qt warnings fail the test run (qt_log_level_fail): no 'setPosition out of range'."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import open_window


@pytest.mark.parametrize("value", ["[[-5, 99999999]]", "[[300, 100]]", "[[0, 100000]]"])
def test_a_suggestion_outside_the_text_is_not_shown(
    qtbot: Any, project_path: Path, value: str
) -> None:
    with sqlite3.connect(project_path) as c:
        (sid,) = c.execute("SELECT min(id) FROM suggestions").fetchone()
        c.execute("UPDATE suggestions SET content_spans = ? WHERE id = ?", (value, sid))
    w = open_window(qtbot, project_path)
    w.view.viewport().repaint()
    assert [it.suggestion_id for it in w.session.items] == [sid + 1]
    msg = w.statusBar().currentMessage()
    assert "1 quote of this article has a span outside the text and is not shown" in msg
    assert f"suggestion {sid}" in msg and value[1:-1] in msg
    qtbot.keyClick(w.view, Qt.Key.Key_A)  # the good one is accepted
    with sqlite3.connect(project_path) as c:
        rows = c.execute("SELECT suggestion_id, status FROM annotations").fetchall()
        assert rows == [(sid + 1, "accepted")]
        spans = c.execute("SELECT content_spans FROM suggestions WHERE id = ?", (sid,))
        assert spans.fetchone()[0] == value  # left as it was
    w.close()
