"""Two windows (or a window and another program) on one project as the same annotator:
a change that meets the other's change says so in words and shows the state saved there."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.errors import OpenCancelled
from annotator.services.session import Session
from annotator.store import open_sessions
from annotator.store.project import Project
from annotator.ui import open_elsewhere
from annotator.ui.main_window import MainWindow
from tests.ui.conftest import open_window, span


def _key(qtbot: Any, key: Any) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key)


def _rows(path: Path, who: str = "alice") -> list[tuple[int | None, str, str]]:
    """(suggestion id, status, origin) of ``who``'s annotations of the first article."""
    with Project.open(path, readonly=True) as p:
        recs = p.annotations(p.article_ids()[0], who)
        return [(r.suggestion_id, r.quote.status, r.quote.origin) for r in recs]


def _elsewhere(path: Path, do: str, who: str = "alice") -> None:
    """Another window of ``who`` decides the first article's first quote: ``accept``,
    ``reject`` or ``delete`` (its annotation)."""
    with Project.open(path) as p:
        s = Session(p, who)
        s.open_article(p.article_ids()[0])
        op = {"accept": s.plan_accept, "reject": s.plan_reject}.get(do)
        if do == "delete":
            cur = s.items[0]
            assert cur.annotation_id is not None
            p.delete_annotation(cur.annotation_id, actor=who)
        else:
            assert op is not None
            s.run(op())


def _conflict_text(w: MainWindow) -> str:
    box = w.conflict_box
    assert box is not None and box.isVisible()
    return f"{box.text()} {box.informativeText()}"


def _no_sql(text: str) -> None:
    for word in ("UNIQUE", "constraint", "annotations.", "KeyError", "no annotation"):
        assert word not in text


def test_accept_after_accept_elsewhere(qtbot: Any, project_path: Path) -> None:
    w = open_window(qtbot, project_path)
    first = w.session.current
    assert first is not None and first.state == "suggested"
    _elsewhere(project_path, "accept")
    _key(qtbot, Qt.Key.Key_A)
    text = _conflict_text(w)
    _no_sql(text)
    assert "changed in another window" in text and "it is now accepted" in text
    assert "We will talk" in text  # the quote is named
    assert "another window" in w.statusBar().currentMessage()
    # the window shows the state saved there, on the same quote (not moved on)
    cur = w.session.current
    assert cur is not None and cur.state == "accepted"
    assert cur.suggestion_id == first.suggestion_id
    assert w.panel.isEnabled()
    # one row, nothing lost, nothing doubled; the undo stack holds nothing failed
    assert _rows(project_path) == [(first.suggestion_id, "accepted", "model")]
    assert w.undo_stack.count() == 0


def test_reject_after_accept_elsewhere(qtbot: Any, project_path: Path) -> None:
    w = open_window(qtbot, project_path)
    first = w.session.current
    assert first is not None
    _elsewhere(project_path, "accept")
    _key(qtbot, Qt.Key.Key_R)
    text = _conflict_text(w)
    _no_sql(text)
    assert "it is now accepted" in text
    assert _rows(project_path) == [(first.suggestion_id, "accepted", "model")]
    assert w.session.current is not None and w.session.current.state == "accepted"


def test_accept_after_reject_elsewhere(qtbot: Any, project_path: Path) -> None:
    w = open_window(qtbot, project_path)
    first = w.session.current
    assert first is not None
    _elsewhere(project_path, "reject")
    _key(qtbot, Qt.Key.Key_A)
    assert "it is now rejected" in _conflict_text(w)
    assert _rows(project_path) == [(first.suggestion_id, "rejected", "model")]
    cur = w.session.current
    assert cur is not None and cur.state == "rejected"
    # the analyst, now seeing it, can still change their mind here: A accepts it
    w.conflict_box.close()
    _key(qtbot, Qt.Key.Key_A)
    assert _rows(project_path) == [(first.suggestion_id, "accepted", "model")]


def test_edit_after_delete_elsewhere(qtbot: Any, project_path: Path) -> None:
    w = open_window(qtbot, project_path)
    first = w.session.current
    assert first is not None
    _key(qtbot, Qt.Key.Key_A)  # accepted here: an annotation row
    assert len(_rows(project_path)) == 1
    w.session.previous_quote()  # back to the accepted quote
    assert w.session.current is not None and w.session.current.annotation_id is not None
    _elsewhere(project_path, "delete")
    _key(qtbot, Qt.Key.Key_1)  # a stance on an annotation deleted there
    text = _conflict_text(w)
    _no_sql(text)
    assert "it was deleted there" in text
    assert _rows(project_path) == []  # nothing re-created, nothing doubled
    cur = w.session.current
    assert cur is not None and cur.state == "suggested"  # the suggestion is open again
    assert cur.suggestion_id == first.suggestion_id


def test_delete_after_delete_elsewhere(qtbot: Any, project_path: Path) -> None:
    w = open_window(qtbot, project_path)
    w.view.select_span(*span("Critics were unimpressed"))
    _key(qtbot, Qt.Key.Key_Q)  # a hand-made quote
    assert [r[2] for r in _rows(project_path)] == ["manual"]
    with Project.open(project_path) as p:
        ann = p.annotations(p.article_ids()[0], "alice")[0]
        p.delete_annotation(ann.id, actor="alice")
    cur = w.session.current
    assert cur is not None and cur.annotation_id == ann.id
    _key(qtbot, Qt.Key.Key_R)  # R deletes a hand-made quote
    text = _conflict_text(w)
    assert "Critics were unimpressed" in text and "it was deleted there" in text
    assert _rows(project_path) == []
    assert all(it.annotation_id != ann.id for it in w.session.items)


def test_focus_shows_the_other_windows_decisions(qtbot: Any, project_path: Path) -> None:
    a = open_window(qtbot, project_path)
    b = open_window(qtbot, project_path)
    first = b.session.current
    assert first is not None and first.state == "suggested"
    # A accepts the first quote and rejects the second
    a.activateWindow()
    a.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is a.view)
    _key(qtbot, Qt.Key.Key_A)
    _key(qtbot, Qt.Key.Key_R)
    assert sorted(r[1] for r in _rows(project_path)) == ["accepted", "rejected"]
    assert b.session.items[0].state == "suggested"  # B has not looked yet
    # B comes to the front: it shows A's decisions and counts, on the same quote
    b.activateWindow()
    b.view.setFocus()
    qtbot.waitUntil(lambda: [it.state for it in b.session.items] == ["accepted", "rejected"])
    assert b.session.current is not None and b.session.current.suggestion_id == first.suggestion_id
    assert b.session.article_counts.done == 2
    assert "another window" in b.statusBar().currentMessage()
    qtbot.waitUntil(lambda: getattr(b.article_list.model.totals(), "quotes_done", 0) == 2)
    # and B's next key works on the state it now shows: R changes A's accept to a reject
    _key(qtbot, Qt.Key.Key_R)
    assert b.conflict_box is None
    assert sorted(r[1] for r in _rows(project_path)) == ["rejected", "rejected"]


def test_no_refresh_without_a_change_elsewhere(qtbot: Any, project_path: Path) -> None:
    w = open_window(qtbot, project_path)
    _key(qtbot, Qt.Key.Key_A)  # this window's own write does not count as "elsewhere"
    assert not w.notice_elsewhere()
    _elsewhere(project_path, "reject")  # the second quote is current; the first was ours
    assert w.notice_elsewhere()
    assert not w.notice_elsewhere()  # seen once
    # a background write of this window (detection, import) re-reads everything itself
    with Project.open(project_path) as p:
        p.set_progress(p.article_ids()[1], "alice", "done", None)
    w.session_refresh(None)
    assert not w.notice_elsewhere()


# -- at open: the project is open elsewhere ------------------------------------------------


def test_second_window_of_the_same_annotator_is_warned(
    qtbot: Any, project_path: Path, open_elsewhere_answers: list[str]
) -> None:
    from tests.ui.conftest import ASKED, shown_window

    a = shown_window(qtbot, project_path, "alice")
    assert ASKED == []  # the first window: nothing to say
    assert a.open_record is not None and a.open_record.path is not None
    b = shown_window(qtbot, project_path, "alice")
    assert len(ASKED) == 1
    who, others = ASKED[0]
    assert who == "alice" and [o.annotator for o in others] == ["alice"]
    assert others[0].same_process
    text, info = open_elsewhere.message(project_path, "alice", others)
    assert "already open as alice in another window" in text
    assert "read-only" in info
    assert not b.readonly  # "Open anyway"
    # the closed window's record goes; a third window is then not asked
    a.close()
    b.close()
    shown_window(qtbot, project_path, "alice")
    assert len(ASKED) == 1


def test_open_read_only_when_open_elsewhere(
    qtbot: Any, project_path: Path, open_elsewhere_answers: list[str]
) -> None:
    from tests.ui.conftest import shown_window

    shown_window(qtbot, project_path, "alice")
    open_elsewhere_answers.append(open_elsewhere.READ_ONLY)
    b = shown_window(qtbot, project_path, "alice")
    assert b.readonly and b.project.readonly
    assert "[read-only]" in b.windowTitle()
    assert b.read_only_banner.isVisible()
    assert "another window" in b.read_only_banner.text()
    assert b.read_only.box is None  # chosen a moment ago: no second box, the banner says it
    b.activateWindow()
    b.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is b.view)
    _key(qtbot, Qt.Key.Key_A)  # refused, nothing written
    assert _rows(project_path) == []


def test_cancel_when_open_elsewhere(
    qtbot: Any, project_path: Path, open_elsewhere_answers: list[str]
) -> None:
    from tests.ui.conftest import shown_window

    a = shown_window(qtbot, project_path, "alice")
    open_elsewhere_answers.append(open_elsewhere.CANCEL)
    with pytest.raises(OpenCancelled):
        MainWindow(project_path, annotator="alice", load_model=False)
    # nothing of the cancelled window is left behind
    assert a.project is not None
    assert len(open_sessions.others(project_path)) == 1  # only a's record


def test_other_annotator_gets_a_note_not_a_question(qtbot: Any, project_path: Path) -> None:
    from tests.ui.conftest import ASKED, shown_window

    shown_window(qtbot, project_path, "alice")
    b = shown_window(qtbot, project_path, "bob")
    assert ASKED == []
    assert not b.readonly
    assert "Also open in another window: alice" in b.statusBar().currentMessage()


def test_records_of_dead_processes_are_ignored(tmp_path: Path, project_path: Path) -> None:
    folder = open_sessions.folder_for(project_path)
    folder.mkdir()
    host = socket.gethostname()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    rows = {
        "dead.json": {"pid": dead.pid, "host": host, "annotator": "alice", "token": "x"},
        "live.json": {"pid": os.getppid(), "host": host, "annotator": "bob", "token": "y"},
        "broken.json": "{not json",
        "crashed-here.json": {"pid": os.getpid(), "host": host, "annotator": "eve", "token": "z"},
    }
    for name, data in rows.items():
        text = (
            data
            if isinstance(data, str)
            else json.dumps({**data, "started": "2026-01-01T10:00:00Z"})
        )
        (folder / name).write_text(text, encoding="utf-8")
    found = open_sessions.others(project_path)
    assert [o.annotator for o in found] == ["bob"]
    assert "process" in found[0].describe()
    assert not (folder / "dead.json").exists()  # cleaned up
    assert not (folder / "crashed-here.json").exists()  # this pid, not a live window


def test_a_read_only_folder_keeps_no_record(tmp_path: Path) -> None:
    from tests.ui.conftest import make_project

    folder = tmp_path / "ro"
    folder.mkdir()
    path = make_project(folder / "p.db")
    folder.chmod(0o555)
    try:
        rec = open_sessions.register(path, "alice")
        assert rec.path is None or os.geteuid() == 0
        rec.close()
    finally:
        folder.chmod(0o755)
