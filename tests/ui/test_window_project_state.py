"""The window and the project file: resume position, refresh from the store, speaker names
from the model, read-only and refused files, the rules-only message on stderr."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.store import queries
from annotator.store.project import Project
from annotator.store.schema import MIGRATION_SET
from annotator.ui.controllers.read_only import READ_ONLY_NOTE
from annotator.ui.main_window import MainWindow
from annotator.ui.review_window import ReviewWindow
from tests.ui.conftest import span


def _show(qtbot: Any, w: MainWindow) -> MainWindow:
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.view)
    return w


def _open(qtbot: Any, path: Path, who: str = "alice", **kw: Any) -> MainWindow:
    return _show(
        qtbot, MainWindow(path, annotator=who, load_model=kw.pop("load_model", False), **kw)
    )


def _key(qtbot: Any, key: Any, mod: Any = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, mod)


def _changelog(path: Path) -> int:
    with Project.open(path) as p:
        return int(p.db.execute("SELECT count(*) FROM changelog").fetchone()[0])


def _other_machine(tmp_path: Path, name: str) -> None:
    """Fresh QSettings, as on a colleague's laptop."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / name))


# -- 1. the resume position travels with the project file -----------------------------------


def test_copied_project_reopens_where_the_annotator_stopped(
    qtbot: Any, project_path: Path, tmp_path: Path
) -> None:
    w = _open(qtbot, project_path)
    _key(qtbot, Qt.Key.Key_N)  # the second quote of the first article
    key = w.session.current.key if w.session.current else None
    article = w.session.article.id if w.session.article else None
    assert key is not None and w.session.index == 1
    _key(qtbot, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not w.isVisible()

    copy = tmp_path / "elsewhere" / "copy.db"
    copy.parent.mkdir()
    shutil.copy(project_path, copy)
    _other_machine(tmp_path, "laptop2")
    w2 = _open(qtbot, copy)
    assert w2.session.article is not None and w2.session.article.id == article
    assert w2.session.current is not None and w2.session.current.key == key

    # moving to another article is recorded at once (a crash loses nothing of it)
    _key(qtbot, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    second = w2.session.article.id if w2.session.article else None
    assert second != article
    with Project.open(copy) as p:
        point = queries.resume_point(p, "alice")
    assert point is not None and point[0] == second
    w2.close()


def test_quote_moves_write_nothing_until_a_pause(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    w.position.timer.setInterval(200)
    first = w.session.current
    assert first is not None and w.session.article is not None
    aid = w.session.article.id
    logged = _changelog(project_path)
    with Project.open(project_path) as p:
        assert queries.current_quote(p, aid, "alice") == first.key.stored()
    for k in (Qt.Key.Key_N, Qt.Key.Key_P, Qt.Key.Key_N):
        _key(qtbot, k)
    second = w.session.current
    assert second is not None and second.key != first.key
    with Project.open(project_path) as p:
        assert queries.current_quote(p, aid, "alice") == first.key.stored()  # not yet
    assert w.position.timer.isActive()

    def written() -> None:
        with Project.open(project_path) as p:
            assert queries.current_quote(p, aid, "alice") == second.key.stored()

    qtbot.waitUntil(written, timeout=3000)
    assert _changelog(project_path) == logged  # positions are no change-log noise
    # marking the article done keeps the recorded quote
    _key(qtbot, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    with Project.open(project_path) as p:
        assert p.progress(aid, "alice") == "done"
        assert queries.current_quote(p, aid, "alice") == second.key.stored()
    w.close()


def test_qsettings_still_serve_when_the_project_has_no_position(
    qtbot: Any, project_path: Path
) -> None:
    w = _open(qtbot, project_path)
    _key(qtbot, Qt.Key.Key_N)
    key = w.session.current.key if w.session.current else None
    w.close()
    with Project.open(project_path) as p:  # a project from before positions were recorded
        p.db.execute("DELETE FROM article_progress")
        p.db.conn.commit()
    w2 = _open(qtbot, project_path)
    assert w2.session.current is not None and w2.session.current.key == key
    w2.close()


# -- 2. refresh when the review window changes something --------------------------------------


def test_review_change_refreshes_list_and_highlights(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    _key(qtbot, Qt.Key.Key_A)  # alice accepts the first suggestion
    aid = w.session.article.id if w.session.article else 0
    model = w.article_list.model
    row = model.row_of(aid)
    assert row is not None and model.article(row).quotes_done == 1
    # another program (a colleague's merge, a second window) decides alice's second quote
    with Project.open(project_path) as p:
        sugg = p.suggestions(aid)[1]
        q = sugg.quote.with_(annotator="alice", status="accepted")
        p.add_annotation(aid, "alice", q, suggestion_id=sugg.id)
        p.add_annotation(aid, "bob", sugg.quote.with_(annotator="bob", status="accepted"))
    assert model.article(row).quotes_done == 1  # the window does not know yet

    w.act_review.trigger()
    review = next(x for x in w._windows if isinstance(x, ReviewWindow))
    qtbot.waitExposed(review)
    qtbot.waitUntil(lambda: review.table.rowCount() > 0)  # its articles are read on a pool thread
    with qtbot.waitSignal(review.changed, timeout=60000):
        review.accept_agreements()  # a real decision in the review window
    assert model.article(row).quotes_done == 2
    assert [it.state for it in w.session.items] == ["accepted", "accepted"]
    assert "this article 2/2" in w.progress_label.text()
    review.close()
    w.close()


# -- 3. speaker names from the model ----------------------------------------------------------


def _ner_loader(trained: bool) -> Any:
    from annotator.nlp.pipeline import ModelInfo, rules_only_pipeline

    def load() -> tuple[Any, Any]:
        nlp = rules_only_pipeline()
        ruler = nlp.add_pipe("entity_ruler", first=True)
        ruler.add_patterns(  # type: ignore[attr-defined]
            [
                {"label": "PERSON", "pattern": "Lee In-young"},
                {"label": "GPE", "pattern": "Seoul"},
                {"label": "PERSON", "pattern": "Kim"},
            ]
        )
        if trained:
            return nlp, ModelInfo("test_ner", False, "Model test_ner loaded")
        return nlp, ModelInfo("rules-only", True, "No trained English model is installed")

    return load


def test_speaker_completion_offers_the_models_people(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path, load_model=True, pipeline_loader=_ner_loader(True))
    # before the model: the capitalised-words scan
    assert "Minister Lee In-young" in w.panel.names()
    qtbot.waitUntil(lambda: "Lee In-young" in w.panel.names(), timeout=60000)
    names = w.panel.names()
    assert "Minister Lee In-young" not in names and "Andrey Kulik" not in names
    assert "Seoul" not in names  # a place, not a speaker
    completer = w.panel.speaker_edit.completer()
    completer.setCompletionPrefix("in-yo")
    assert completer.currentCompletion() == "Lee In-young"

    # the next article is parsed once; back and forth uses the cache
    _key(qtbot, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Kim" in w.panel.names(), timeout=60000)
    _key(qtbot, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert "Lee In-young" in w.panel.names() and w.names.task is None
    assert len(w.names.cache) == 2
    qtbot.waitUntil(lambda: w.detection.task is None, timeout=60000)
    w.close()


# -- 5. rules-only mode said in the window and on the command line ----------------------------


def test_rules_only_mode_is_said_on_stderr_and_in_the_window(
    qtbot: Any, project_path: Path, capsys: Any
) -> None:
    w = _open(qtbot, project_path, load_model=True, pipeline_loader=_ner_loader(False))
    qtbot.waitUntil(lambda: w.detection.nlp is not None, timeout=60000)
    # the status bar keeps saying it (a passing message would be gone after detection)
    assert "no trained English model" in w.model_label.text()
    assert "rules-only" in w.model_label.text() and w.model_label.isVisible()
    err = capsys.readouterr().err.splitlines()
    assert err == ["annotator: No trained English model is installed"]
    # no entities in rules-only mode: the scan stays
    assert "Minister Lee In-young" in w.panel.names()
    assert w.names.parse is None
    qtbot.waitUntil(lambda: w.detection.task is None, timeout=60000)
    w.close()


# -- 4. read-only, newer and locked project files --------------------------------------------


@pytest.fixture
def read_only(project_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The project file made read-only (root ignores the bits: make the check see them)."""
    with Project.open(project_path) as p:  # alice's work so far
        aid = p.article_ids()[0]
        sugg = p.suggestions(aid)[0]
        p.add_annotation(aid, "alice", sugg.quote.with_(annotator="alice", status="accepted"))
    project_path.chmod(stat.S_IRUSR)
    if os.access(project_path, os.W_OK):  # annotator.store.db asks os.access
        monkeypatch.setattr(os, "access", lambda p, mode: mode != os.W_OK)
    return project_path


def test_read_only_project_can_be_read_but_not_changed(qtbot: Any, read_only: Path) -> None:
    before = read_only.read_bytes()
    w = MainWindow(read_only, annotator="alice", load_model=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.read_only.box.isVisible())
    assert read_only.name in w.read_only.box.text()
    assert "read-only" in w.read_only.box.text()
    w.read_only.box.accept()
    _show(qtbot, w)
    assert w.read_only_banner.isVisible()
    assert READ_ONLY_NOTE in w.read_only_banner.text()
    assert w.read_only_label.text() == READ_ONLY_NOTE and w.read_only_label.isVisible()
    assert "[read-only]" in w.windowTitle()
    assert all(not a.isEnabled() for a in w.editing_actions())
    assert len(w.editing_actions()) > 15  # stance keys included
    assert not w.panel.speaker_edit.isEnabled() and not w.panel.kind_combo.isEnabled()

    # keys that edit do nothing; keys that move still move
    first = w.session.current
    assert first is not None
    _key(qtbot, Qt.Key.Key_N)
    assert w.session.current is not None and w.session.current.key != first.key
    for k in (Qt.Key.Key_A, Qt.Key.Key_R, Qt.Key.Key_1, Qt.Key.Key_T):
        _key(qtbot, k)
    w.view.select_span(*span("Critics were unimpressed"))
    _key(qtbot, Qt.Key.Key_Q)
    _key(qtbot, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    _key(qtbot, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert w.session.article is not None and w.session.article.title == "Second article"
    w.close()
    assert read_only.read_bytes() == before
    read_only.chmod(stat.S_IRUSR | stat.S_IWUSR)
    with Project.open(read_only) as p:
        statuses = [r.quote.status for r in p.annotations(p.article_ids()[0], "alice")]
    assert statuses == ["accepted"]


def _newer(path: Path) -> Path:
    Project.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
        [MIGRATION_SET, "9999_from_the_future", "2030-01-01"],
    )
    conn.commit()
    conn.close()
    return path


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes shown by the app module (offscreen: recorded instead of waiting)."""
    from annotator.ui import application as app_module

    shown: list[str] = []

    def record(box: QMessageBox) -> int:
        shown.append(box.informativeText())
        return 0

    monkeypatch.setattr(app_module, "can_show_windows", lambda: True)
    monkeypatch.setattr(QMessageBox, "exec", record)
    return shown


def test_newer_project_is_refused_with_a_box_not_a_traceback(
    qtbot: Any, tmp_path: Path, boxes: list[str], capsys: Any
) -> None:
    from annotator.ui.application import run_app

    path = _newer(tmp_path / "future.db")
    before = path.read_bytes()
    assert run_app(path, annotator="x") == 1
    assert len(boxes) == 1 and "future.db" in boxes[0] and "newer version" in boxes[0]
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "future.db" in err[0] and "Traceback" not in err[0]
    assert path.read_bytes() == before


def test_open_command_shows_the_refusal_too(tmp_path: Path, boxes: list[str], capsys: Any) -> None:
    from annotator.cli import main

    path = _newer(tmp_path / "future.db")
    assert main(["open", str(path)]) != 0
    assert len(boxes) == 1 and "newer version" in boxes[0]
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"annotator: error: {boxes[0]}"]


def test_locked_project_is_refused_with_a_box(
    qtbot: Any, project_path: Path, boxes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import annotator.store.db as dbmod
    from annotator.ui.application import run_app

    monkeypatch.setattr(dbmod, "_BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(project_path)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert run_app(project_path, annotator="x") == 1
    finally:
        holder.rollback()
        holder.close()
    assert len(boxes) == 1 and "p.db" in boxes[0] and "locked" in boxes[0]


def test_headless_refusal_only_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    from annotator.ui import application as app_module

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()))
    assert QApplication.platformName() == "offscreen"
    assert app_module.show_project_error("x.db: is locked") is False
    assert shown == []
