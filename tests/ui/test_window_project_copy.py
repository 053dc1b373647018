"""The window keeps its project file whole: a copy of the .db alone, taken by another
process right after ten accepts, holds all ten; File > Save a copy writes one file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.model import Article, Quote
from annotator.store.db import is_wal_file
from annotator.store.project import Project
from annotator.ui.main_window import MainWindow

SENTENCES = [f'"Point {k} stands," said Speaker{k}.' for k in range(10)]
TEXT = " ".join(SENTENCES)


def _ten_suggestions(path: Path) -> Path:
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Ten quotes", TEXT))
        quotes = []
        for k in range(10):
            start = TEXT.index(f"Point {k} stands")
            quotes.append(Quote(((start, start + len(f"Point {k} stands,")),), kind="direct"))
        p.set_suggestions(aid, "test-detector 1", quotes)
    return path


COPY_AND_COUNT = (
    "import shutil, sqlite3, sys\n"
    "dst = shutil.copy(sys.argv[1], sys.argv[2])\n"
    "con = sqlite3.connect(dst)\n"
    "print(con.execute(\"SELECT count(*) FROM annotations WHERE status = 'accepted'\")"
    ".fetchone()[0])\n"
)


def test_copy_of_the_db_alone_right_after_ten_accepts_holds_all_ten(
    qtbot: Any, tmp_path: Path
) -> None:
    path = _ten_suggestions(tmp_path / "p.db")
    w = MainWindow(path, annotator="alice", load_model=False)
    qtbot.addWidget(w)
    w.project.db.execute("PRAGMA wal_autocheckpoint = 0")  # only the window's checkpoints
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.view)
    for _ in range(10):
        qtbot.keyClick(QApplication.focusWidget() or w.view, Qt.Key.Key_A)
    # the accepts are committed; the window's idle checkpoint ends the burst
    qtbot.waitUntil(lambda: not w.project.wal_pending)
    (tmp_path / "colleague").mkdir()
    out = subprocess.run(
        [sys.executable, "-c", COPY_AND_COUNT, str(path), str(tmp_path / "colleague" / "p.db")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(out.stdout) == 10
    assert (tmp_path / "p.db-wal").exists()  # the window is still open, in WAL mode
    w.close()


@pytest.mark.parametrize("accepts", [1, 4, 10])
def test_the_window_thread_never_runs_a_checkpoint(
    qtbot: Any, tmp_path: Path, accepts: int
) -> None:
    """The checkpoint (and its flush of the .db to disk, 0.9 s on a large project just
    copied) runs on the project's checkpoint thread, never on the window's connection;
    the .db alone still holds every accept once the burst is over."""
    path = _ten_suggestions(tmp_path / "p.db")
    w = MainWindow(path, annotator="alice", load_model=False)
    qtbot.addWidget(w)
    statements: list[str] = []
    w.project.db.conn.set_trace_callback(statements.append)
    w.show()
    qtbot.waitExposed(w)
    w.view.setFocus()
    for _ in range(accepts):
        w.act_accept.trigger()
    qtbot.waitUntil(lambda: not w.project.wal_pending)
    assert not [s for s in statements if "checkpoint" in s.lower()]
    assert w.project.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    (tmp_path / "colleague").mkdir()
    out = subprocess.run(
        [sys.executable, "-c", COPY_AND_COUNT, str(path), str(tmp_path / "colleague" / "p.db")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(out.stdout) == accepts
    w.close()


def test_save_a_copy_writes_one_whole_file(qtbot: Any, tmp_path: Path) -> None:
    path = _ten_suggestions(tmp_path / "p.db")
    w = MainWindow(path, annotator="alice", load_model=False)
    qtbot.addWidget(w)
    w.project.db.execute("PRAGMA wal_autocheckpoint = 0")
    w._checkpoint_timer.stop()  # noqa: SLF001 (leave the accepts in the WAL)
    w.show()
    qtbot.waitExposed(w)
    w.view.setFocus()
    for _ in range(3):
        w.act_accept.trigger()
    assert "Save a &copy…" in [a.text() for a in w.menuBar().actions()[0].menu().actions()]
    copy_dir = tmp_path / "out"
    copy_dir.mkdir()
    w.ask_copy_path = lambda: str(copy_dir / "copy.db")  # type: ignore[method-assign]
    w.act_save_copy.trigger()
    assert sorted(p.name for p in copy_dir.iterdir()) == ["copy.db"]
    assert not is_wal_file(copy_dir / "copy.db")
    with Project.open(copy_dir / "copy.db", readonly=True) as copy:
        accepted = [
            r for r in copy.annotations(copy.article_ids()[0]) if r.quote.status == "accepted"
        ]
        assert len(accepted) == 3
    w.close()
