"""A project damaged in an index page opens (the open reads no such page), and the first
key that writes finds it: the box names the file, says it is damaged and gives the ways
to the work, not a bare SQLite message (verify21 V7)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.ui.conftest import open_window


@pytest.mark.parametrize(
    "index", ["annotations_speaker", "annotations_target", "annotations_suggestion"]
)
def test_a_key_on_a_project_damaged_in_an_index_names_the_file_and_the_way_out(
    qtbot: Any, project_path: Path, monkeypatch: pytest.MonkeyPatch, index: str
) -> None:
    w = open_window(qtbot, project_path)
    w.close()
    with sqlite3.connect(project_path) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = c.execute("PRAGMA page_size").fetchone()[0]
        (root,) = c.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [index]).fetchone()
    with open(project_path, "r+b") as fh:
        fh.seek((root - 1) * size)
        fh.write(b"\xab" * size)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: said.append(text))
    w = open_window(qtbot, project_path)
    qtbot.keyClick(w.view, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: bool(said))
    assert said[0].startswith("The change was not saved:")
    assert f"{project_path}: the project file is damaged" in said[0]
    assert ".recover" in said[0]
