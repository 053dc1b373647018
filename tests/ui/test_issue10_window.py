"""Issue 10 in the window, driven by keys and clicks: stance targets per quote and article,
colour legend, zoom, New/Open/Open recent project, About, dropping files, list filters.
Assertions are on the project file and on export bytes."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QMenu

import annotator
from annotator.services.export import ExportOptions, export_project
from annotator.store.project import Project
from annotator.ui.article_view import CUE_COLOUR, OUTLINE_COLOUR, SPEAKER_COLOUR, STATE_COLOURS
from annotator.ui.main_window import MainWindow
from annotator.ui.project_commands import LegendDialog, recent_projects
from tests.ui.conftest import make_project, open_window, span


def _open(qtbot: Any, path: Path, who: str = "alice") -> MainWindow:
    w: MainWindow = open_window(qtbot, path, who)
    return w


def _key(qtbot: Any, key: Any, mod: Any = Qt.KeyboardModifier.NoModifier) -> None:
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClick(widget, key, mod)


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _csv_targets(path: Path, out: Path) -> list[str]:
    with Project.open(path) as p:
        export_project(p, ExportOptions("csv", out, statuses=("accepted", "pending")))
    rows = csv.DictReader(io.StringIO(out.read_text("utf-8"), newline=""))
    return [r["stance_target"] for r in rows]


# -- stance targets ---------------------------------------------------------------------------


def test_quote_target_typed_with_completion_then_stance_by_key(
    qtbot: Any, project_path: Path, tmp_path: Path
) -> None:
    with Project.open(project_path) as p:
        p.set_setting("stance_target", "inter-Korean dialogue")
        p.set_article_target(2, "bridge toll")  # a target used before, offered by completion
    w = _open(qtbot, project_path)
    assert "inter-Korean dialogue</b> (project default)" in w.panel.target_label.text()
    assert w.panel.targets()[:2] == ["inter-Korean dialogue", "bridge toll"]

    _key(qtbot, Qt.Key.Key_G)  # G: into the quote's target field
    assert QApplication.focusWidget() is w.panel.target_edit
    qtbot.keyClicks(w.panel.target_edit, "bri")
    completer = w.panel.target_edit.completer()
    assert completer is not None and completer.currentCompletion() == "bridge toll"
    w.panel.target_edit.setText("")
    qtbot.keyClicks(w.panel.target_edit, "peace talks")
    _key(qtbot, Qt.Key.Key_Return)
    assert "peace talks</b> (this quote's)" in w.panel.target_label.text()
    # Enter stored the target and gave the keyboard back: 1 is a stance, A accepts
    assert QApplication.focusWidget() is w.view
    _key(qtbot, Qt.Key.Key_1)
    _key(qtbot, Qt.Key.Key_A)
    assert _rows(project_path, "SELECT stance, stance_target, status FROM annotations") == [
        ("support", "peace talks", "accepted")
    ]
    assert "peace talks" in w.panel.targets()
    # the next quote has none of its own: its stance is stored on the project's default
    _key(qtbot, Qt.Key.Key_2)
    assert _rows(project_path, "SELECT stance, stance_target FROM annotations ORDER BY id")[1] == (
        "oppose",
        "inter-Korean dialogue",
    )
    # Esc drops what was typed
    _key(qtbot, Qt.Key.Key_G)
    qtbot.keyClicks(w.panel.target_edit, "typo")
    _key(qtbot, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is w.view
    assert _rows(project_path, "SELECT stance_target FROM annotations ORDER BY id")[1] == (
        "inter-Korean dialogue",
    )
    # undo the stance, redo it: the target goes and comes back with it
    _key(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(_rows(project_path, "SELECT id FROM annotations")) == 1
    w.close()
    assert _csv_targets(project_path, tmp_path / "q.csv") == ["peace talks"]


def test_article_target_from_the_quote_menu_and_undo(
    qtbot: Any, project_path: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    with Project.open(project_path) as p:
        p.set_setting("stance_target", "inter-Korean dialogue")
    w = _open(qtbot, project_path)
    asked: list[tuple[str, list[str]]] = []

    def ask(current: str, targets: list[str]) -> str:
        asked.append((current, targets))
        return "  bridge toll "

    monkeypatch.setattr(w, "ask_article_target", ask)
    _key(qtbot, Qt.Key.Key_G, Qt.KeyboardModifier.ShiftModifier)
    assert asked == [("", ["inter-Korean dialogue"])]
    assert _rows(project_path, "SELECT stance_target FROM articles ORDER BY id") == [
        ("bridge toll",),
        (None,),
    ]
    assert "bridge toll</b> (this article's)" in w.panel.target_label.text()
    assert w.panel.target_edit.placeholderText() == "bridge toll (this article's)"
    _key(qtbot, Qt.Key.Key_3)  # neutral, on the article's target
    assert _rows(project_path, "SELECT stance, stance_target FROM annotations") == [
        ("neutral", "bridge toll")
    ]
    _key(qtbot, Qt.Key.Key_A)
    # undo the accept, the stance, then the article target
    for _ in range(3):
        _key(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _rows(project_path, "SELECT stance_target FROM articles ORDER BY id") == [
        (None,),
        (None,),
    ]
    assert "inter-Korean dialogue" in w.panel.target_label.text()
    _key(qtbot, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    _key(qtbot, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    _key(qtbot, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    w.close()
    assert _csv_targets(project_path, tmp_path / "q.csv") == ["bridge toll"]


# -- legend and zoom --------------------------------------------------------------------------


def test_colour_legend_in_view_menu_and_f1_sheet(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    view_menu = next(m for m in w._menus if m.title() == "&View")
    assert w.act_legend in view_menu.actions()
    _key(qtbot, Qt.Key.Key_F1, Qt.KeyboardModifier.ShiftModifier)
    dlg = w._legend
    assert isinstance(dlg, LegendDialog) and dlg.isVisible()
    html = dlg.view.toHtml().lower()
    for colour in (
        *(bg for bg, _line in STATE_COLOURS.values()),
        SPEAKER_COLOUR,
        CUE_COLOUR,
        OUTLINE_COLOUR,
    ):
        assert colour.lower() in html, colour
    text = dlg.view.toPlainText()
    for name in (
        "Suggested",
        "Accepted",
        "Hand-added",
        "Rejected",
        "Current",
        "Speaker mention",
        "Cue",
    ):
        assert name in text
    dlg.close()
    _key(qtbot, Qt.Key.Key_F1)
    assert "Colour legend" in w._shortcut_sheet.findChild(object, "shortcutSheet").toPlainText()
    w.close()


def test_zoom_keys_keep_the_typeface_and_are_remembered(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    family = w.view.document().defaultFont().family()
    base = w.view.point_size()
    _key(qtbot, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    _key(qtbot, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert w.view.point_size() > base
    assert w.view.document().defaultFont().family() == family
    assert int(QSettings().value("view/zoom")) == 2  # type: ignore[call-overload]
    for _ in range(20):  # clamped, never unreadable
        _key(qtbot, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert 6 < w.view.point_size() < base
    w.act_zoom_in.trigger()
    small = w.view.point_size()
    w.close()
    again = _open(qtbot, project_path)
    assert again.view.point_size() == small
    _key(qtbot, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert again.view.point_size() == base
    # the stance keys 1-9 still set stances (Ctrl+0 is not 0)
    assert _rows(project_path, "SELECT count(*) FROM annotations") == [(0,)]
    again.close()


# -- projects -------------------------------------------------------------------------------


def test_new_open_and_recent_projects_repoint_cleanly(
    qtbot: Any, project_path: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    # not given to qtbot: a window switched away from is deleted, which is checked here
    w = MainWindow(project_path, annotator="alice", load_model=False)
    w.show()
    old_db = w.project.db
    new_path = tmp_path / "fresh.db"
    monkeypatch.setattr(MainWindow, "ask_new_project_path", lambda self: str(new_path))
    w.act_new_project.trigger()
    assert not w.isVisible()
    with pytest.raises(sqlite3.ProgrammingError):  # the old connection is closed
        old_db.execute("SELECT 1")
    qtbot.waitUntil(lambda: not shiboken6.isValid(w))  # and the old window is gone
    new = next(
        x for x in QApplication.topLevelWidgets() if isinstance(x, MainWindow) and x.isVisible()
    )
    assert new.project_path == new_path and new.session.annotator == "alice"
    assert new.project.count_articles() == 0
    assert recent_projects(QSettings())[:2] == [
        str(new_path.resolve()),
        str(project_path.resolve()),
    ]
    # Open recent lists the other project; choosing it switches back
    new.fill_recent_menu()
    entries = [a for a in new.recent_menu.actions() if a.data()]
    assert [a.data() for a in entries] == [str(project_path.resolve())]
    entries[0].trigger()
    back = next(
        x
        for x in QApplication.topLevelWidgets()
        if isinstance(x, MainWindow) and x.isVisible() and x is not new
    )
    qtbot.addWidget(back)
    qtbot.waitUntil(lambda: not shiboken6.isValid(new))
    assert back.project_path == project_path
    assert back.project.count_articles() == 2
    # Open project… on something that is not a project: a message, and this window stays
    junk = tmp_path / "junk.db"
    junk.write_text("not sqlite", encoding="utf-8")
    warned: list[str] = []
    monkeypatch.setattr(MainWindow, "ask_open_project_path", lambda self: str(junk))
    monkeypatch.setattr(
        "annotator.ui.project_commands.QMessageBox.warning",
        lambda _p, _t, text: warned.append(text),
    )
    back.act_open_project.trigger()
    assert back.isVisible() and "not a Quote Annotator project" in warned[0]
    back.close()


def test_about_names_version_project_and_detector(qtbot: Any, project_path: Path) -> None:
    from annotator.nlp.detect import DETECTOR_VERSION

    w = _open(qtbot, project_path)
    text = w.about_text()
    assert annotator.__version__ in text
    assert str(project_path.resolve()) in text
    assert DETECTOR_VERSION in text and "not loaded" in text
    w.close()


# -- drop to import -------------------------------------------------------------------------


def test_dropping_files_and_folders_imports_them(
    qtbot: Any, project_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "a.txt").write_text('Dam opens\n\n"Water is back," the engineer said.\n', "utf-8")
    single = tmp_path / "b.txt"
    single.write_text("Park closes\n\nThe council said the park would close.\n", "utf-8")
    w = _open(qtbot, project_path)
    started: list[bool] = []
    w.detection.start_after_import = lambda: started.append(True)  # type: ignore[method-assign]
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(folder)), QUrl.fromLocalFile(str(single))])
    pos = QPointF(w.view.geometry().center())
    event = QDropEvent(
        pos,
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(w.import_finished, timeout=60000) as blocker:
        w.dropEvent(event)
    report = blocker.args[0]
    assert report.articles_added == 2 and started == [True]
    titles = {t for (t,) in _rows(project_path, "SELECT title FROM articles")}
    assert {"Dam opens", "Park closes"} <= titles
    assert w.article_list.model.rowCount() == 4
    w.close()


# -- list filters -----------------------------------------------------------------------------


def _settled(qtbot: Any, w: Any) -> None:
    """Wait for the list's filters, which run on a pool thread, to come back."""
    qtbot.waitUntil(lambda: not w.list_busy())


def test_list_filters_follow_the_store(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    combo = w.article_list.filter_combo

    combo.setCurrentIndex(combo.findData("undecided"))
    _settled(qtbot, w)
    assert w.article_list.model.rowCount() == 1  # only the first article has suggestions
    # decide both quotes of the first article: the filter is re-run, yet the open article
    # stays listed (the list selection equals the shown article) until the filter is chosen
    # again, when it drops out
    _key(qtbot, Qt.Key.Key_A)
    _key(qtbot, Qt.Key.Key_A)
    _settled(qtbot, w)
    assert w.article_list.model.rowCount() == 1
    combo.setCurrentIndex(combo.findData(""))
    combo.setCurrentIndex(combo.findData("undecided"))
    _settled(qtbot, w)
    assert w.article_list.model.rowCount() == 0
    combo.setCurrentIndex(combo.findData("speaker"))
    assert w.article_list.filter_value.isVisible()
    assert "Lee In-young" in [
        w.article_list.filter_value.itemText(i) for i in range(w.article_list.filter_value.count())
    ]
    w.article_list.filter_value.setCurrentText("Lee In-young")
    qtbot.keyClick(w.article_list.filter_value, Qt.Key.Key_Return)
    _settled(qtbot, w)
    assert w.article_list.model.rowCount() == 1
    combo.setCurrentIndex(combo.findData("confidence_below"))
    w.article_list.filter_value.setCurrentText("0.6")
    qtbot.keyClick(w.article_list.filter_value, Qt.Key.Key_Return)
    _settled(qtbot, w)
    assert w.article_list.model.rowCount() == 1  # the accepted quote keeps its 0.5
    w.article_list.filter_value.setCurrentText("0.4")
    qtbot.keyClick(w.article_list.filter_value, Qt.Key.Key_Return)
    _settled(qtbot, w)
    assert w.article_list.model.rowCount() == 0
    w.article_list.filter_value.setCurrentText("high")
    qtbot.keyClick(w.article_list.filter_value, Qt.Key.Key_Return)
    _settled(qtbot, w)
    assert "between 0 and 1" in w.statusBar().currentMessage()
    combo.setCurrentIndex(combo.findData("kind"))
    w.article_list.filter_value.setCurrentText("indirect")
    qtbot.keyClick(w.article_list.filter_value, Qt.Key.Key_Return)
    _settled(qtbot, w)
    assert w.article_list.model.rowCount() == 1
    combo.setCurrentIndex(0)
    _settled(qtbot, w)
    assert w.article_list.model.rowCount() == 2
    w.close()


def test_disagreement_filter(qtbot: Any, tmp_path: Path) -> None:
    path = make_project(tmp_path / "d.db")
    from annotator.core.model import Quote

    with Project.open(path) as p:
        q = Quote((span("We will talk,"),), kind="direct", status="accepted", stance="support")
        p.add_annotation(1, "alice", q)
        p.add_annotation(1, "bob", q.with_(stance="oppose"))
        p.add_annotation(2, "alice", Quote(((0, 9),), kind="indirect", status="accepted"))
        p.add_annotation(2, "bob", Quote(((0, 9),), kind="indirect", status="accepted"))
    w = _open(qtbot, path)
    combo = w.article_list.filter_combo
    combo.setCurrentIndex(combo.findData("disagreement"))
    _settled(qtbot, w)
    proxy = w.article_list.model
    assert proxy.rowCount() == 1
    assert proxy.index(0, 0).data().startswith("Talks resume")
    # Ctrl+Down moves within the filtered list only
    w.next_article()
    assert w.session.article is not None and w.session.article.id == 1
    assert isinstance(w.recent_menu, QMenu)
    w.close()


def test_review_shows_and_edits_the_stance_target(qtbot: Any) -> None:
    from annotator.core.model import Quote
    from annotator.ui.review_dialogs import GoldEditDialog, quote_html

    text = 'Toll row. "The toll must go," the mayor said.'
    q = Quote(((10, 30),), kind="direct", stance="oppose", stance_target="bridge toll")
    assert "stance: oppose on bridge toll" in quote_html(q, text)
    assert " on " not in quote_html(q.with_(stance=None), text).split("stance:")[1]
    dlg = GoldEditDialog(q, text, ["support", "oppose"], None)
    qtbot.addWidget(dlg)
    assert dlg.stance_target.text() == "bridge toll"
    dlg.stance_target.clear()
    qtbot.keyClicks(dlg.stance_target, " ferry fares ")
    assert dlg.result_quote().stance_target == "ferry fares"
    dlg.stance_target.clear()
    assert dlg.result_quote().stance_target is None
