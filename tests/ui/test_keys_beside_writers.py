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
from annotator.store.project import WINDOW_WRITE_WAIT_S, Project
from annotator.ui import main_window
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


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ([(Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier)], ["accepted"]),
        ([(Qt.Key.Key_R, Qt.KeyboardModifier.NoModifier)], ["rejected"]),
        ([(Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_Z, CTRL)], []),
    ],
)
def test_keys_during_the_windows_import_are_saved_while_it_runs(
    qtbot: Any, project_path: Path, tmp_path: Path, keys: Any, expected: list[str]
) -> None:
    """The import runs in a process of its own and lets the window's write go before its
    next group: each key's write is in the project at once, long before the import ends
    (its rows are older than the import's last articles), and the import is whole."""
    src = _import_file(tmp_path, 8000)
    w = open_window(qtbot, project_path)
    aid = w.session.article.id
    w.start_import([str(src)])
    # the import has begun writing
    qtbot.waitUntil(lambda: len(_bridge_articles(project_path)) > 0, timeout=60000)
    # a key waits longer for the window's own (polite) import than for another's lock
    assert w.project.write_wait == main_window.OWN_IMPORT_WRITE_WAIT_S
    for key, mod in keys:
        qtbot.keyClick(QApplication.focusWidget(), key, mod)
    assert _alice_statuses(project_path, aid) == expected  # saved, read by another connection
    written = _last_write_of_alice(project_path)
    qtbot.waitUntil(lambda: w.importer.task is None, timeout=300000)
    report = w.importer.last_report
    assert report is not None and report.articles_added == 8000
    assert w.project.write_wait == WINDOW_WRITE_WAIT_S
    assert _alice_statuses(project_path, aid) == expected
    # the keys were written while the import still had articles to write
    assert written < max(_bridge_articles(project_path))


def _bridge_articles(path: Path) -> list[str]:
    """imported_at of the imported articles so far (another connection)."""
    with sqlite3.connect(path) as c:
        return [
            r[0] for r in c.execute("SELECT imported_at FROM articles WHERE title LIKE 'Bridge %'")
        ]


def _last_write_of_alice(path: Path) -> str:
    """The newest time alice wrote anything (annotations or the article's progress row)."""
    with sqlite3.connect(path) as c:
        row = c.execute(
            "SELECT max(t) FROM (SELECT max(a.updated_at) AS t FROM annotations a"
            " JOIN annotators n ON n.id = a.annotator_id WHERE n.name = 'alice'"
            " UNION ALL SELECT max(p.updated_at) FROM article_progress p"
            " JOIN annotators n ON n.id = p.annotator_id WHERE n.name = 'alice')"
        ).fetchone()
        return str(row[0])
