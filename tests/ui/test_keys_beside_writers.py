"""Keys while something else writes the project (issue 16): the next article never waits
for another writer to record the resume position (it is written once the lock is free);
a decision made during the window's own import is saved without waiting for the import."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from annotator.core.errors import ProjectLockedError
from annotator.services.items import ItemKey
from annotator.store import queries
from annotator.store.project import Project
from annotator.ui.controllers.position import PositionController
from tests.ui.conftest import open_window

CTRL = Qt.KeyboardModifier.ControlModifier


def test_position_controller_tries_and_comes_back_later(tmp_path: Path, qapp: Any) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    tries: list[str] = []
    busy = [True]

    def try_write() -> None:
        tries.append("try")
        if busy[0]:
            raise ProjectLockedError("p.db: is locked by another program", "locked")

    pos = PositionController(
        tmp_path / "p.db", settings, lambda: tries.append("wait"), False, try_write=try_write
    )
    said: list[str] = []
    pos.failed.connect(said.append)
    pos.annotator = "alice"
    pos.remember(3, ItemKey("suggestion", 7))
    pos.record_if_free()
    assert tries == ["try"]
    assert pos.timer.isActive()  # again after a pause
    assert said == []  # a busy lock is no failure
    assert pos.saved() == (3, ItemKey("suggestion", 7))  # QSettings has it at once
    busy[0] = False
    pos.timer.timeout.emit()
    assert tries == ["try", "try"]
    assert not pos.timer.isActive()
    pos.record()  # quit: the waiting write
    assert tries[-1] == "wait"


def test_position_controller_other_failure_is_said(tmp_path: Path, qapp: Any) -> None:
    def fail() -> None:
        raise OSError("disk full")

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    pos = PositionController(tmp_path / "p.db", settings, fail, False, try_write=fail)
    said: list[str] = []
    pos.failed.connect(said.append)
    pos.record_if_free()
    assert said and "disk full" in said[0]
    assert not pos.timer.isActive()


@pytest.mark.parametrize("how", ["BEGIN IMMEDIATE", "BEGIN EXCLUSIVE"])
def test_next_article_while_another_program_holds_the_lock(
    qtbot: Any, project_path: Path, how: str
) -> None:
    w = open_window(qtbot, project_path)
    first = w.session.article.id
    holder = sqlite3.connect(project_path, isolation_level=None)
    try:
        holder.execute(how)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down, CTRL)
        second = w.session.article.id
        assert second != first  # the article changed
        assert "not saved" not in w.statusBar().currentMessage().lower()
        assert w.position.timer.isActive()  # the position is written later
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    w.position.timer.timeout.emit()  # the pause is over, the lock is free
    point = queries.resume_point(w.project, "alice")
    assert point is not None and point[0] == second


def _import_file(tmp_path: Path, n: int) -> Path:
    """``n`` articles with a direct quote each (a quote JSONL file of our own)."""
    path = tmp_path / "many.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for k in range(n):
            text = f'Mayor Number{k} said "the bridge {k} opens today" at the town hall.'
            start = text.index('"')
            end = text.index('"', start + 1) + 1
            quote = {
                "content_spans": [[start, end]],
                "speaker_spans": [[0, text.index(" said")]],
                "cue_spans": [],
                "kind": "direct",
                "status": "accepted",
                "origin": "manual",
                "annotator": "carol",
            }
            f.write(json.dumps({"title": f"Bridge {k}", "text": text, "quotes": [quote]}) + "\n")
    return path


def _alice_statuses(path: Path, article_id: int) -> list[str]:
    with Project.open(path, readonly=True) as p:
        return [r.quote.status for r in p.annotations(article_id, "alice")]
