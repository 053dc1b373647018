"""The annotation window driven by keys, as an analyst would, asserting on the project file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QTextCursor
from PySide6.QtWidgets import QApplication

from annotator.core.model import Quote
from annotator.store.project import Project
from annotator.ui.main_window import MainWindow
from tests.ui.conftest import DETECTOR, TEXT, open_window, span


def _open(qtbot: Any, path: Path, who: str = "alice") -> MainWindow:
    w: MainWindow = open_window(qtbot, path, who)
    return w


def _key(qtbot: Any, w: MainWindow, key: Any, mod: Any = Qt.KeyboardModifier.NoModifier) -> None:
    target = QApplication.focusWidget() or w.view
    qtbot.keyClick(target, key, mod)


def _mine(path: Path, who: str = "alice") -> list[Quote]:
    with Project.open(path) as p:
        return [r.quote for r in p.annotations(p.article_ids()[0], who)]


def test_whole_session_with_keys(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    assert "alice" in w.windowTitle()
    assert w.session.current is not None and w.session.current.state == "suggested"

    # A accepts the first suggestion (unchanged: origin model) and moves on
    _key(qtbot, w, Qt.Key.Key_A)
    (first,) = _mine(project_path)
    assert (first.status, first.origin) == ("accepted", "model")
    assert w.session.current is not None and w.session.current.quote.kind == "indirect"

    # R rejects the second one
    _key(qtbot, w, Qt.Key.Key_R)
    assert [q.status for q in _mine(project_path)] == ["accepted", "rejected"]

    # P goes back; S makes the selection the speaker mention (a fix: model-corrected)
    _key(qtbot, w, Qt.Key.Key_P)
    w.view.select_span(*span("Lee In-young"))
    _key(qtbot, w, Qt.Key.Key_S)
    first = _mine(project_path)[0]
    assert first.speaker_spans == (span("Lee In-young"),)
    assert TEXT[slice(*first.speaker_spans[0])] == "Lee In-young"
    assert first.origin == "model-corrected"

    # 2 sets the project's second stance label
    _key(qtbot, w, Qt.Key.Key_2)
    assert _mine(project_path)[0].stance == "oppose"

    # E edits the canonical speaker: a new name joins the registry
    _key(qtbot, w, Qt.Key.Key_E)
    assert QApplication.focusWidget() is w.panel.speaker_edit
    qtbot.keyClicks(w.panel.speaker_edit, "Lee In-young (Unification Minister)")
    _key(qtbot, w, Qt.Key.Key_Return)
    _key(qtbot, w, Qt.Key.Key_Escape)
    assert _mine(project_path)[0].speaker_name == "Lee In-young (Unification Minister)"
    with Project.open(project_path) as p:
        assert "Lee In-young (Unification Minister)" in [s.name for s in p.speakers()]

    # Q makes the selected text a new quote, by hand
    w.view.select_span(*span("Critics were unimpressed by the announcement"))
    _key(qtbot, w, Qt.Key.Key_Q)
    manual = [q for q in _mine(project_path) if q.origin == "manual"]
    assert [q.content_spans for q in manual] == [
        (span("Critics were unimpressed by the announcement"),)
    ]

    # Ctrl+Right grows it by a word, Ctrl+Shift+Right shrinks its start
    _key(qtbot, w, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    _key(
        qtbot,
        w,
        Qt.Key.Key_Right,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    (manual_q,) = [q for q in _mine(project_path) if q.origin == "manual"]
    assert TEXT[slice(*manual_q.content_spans[0])] == "were unimpressed by the announcement on"

    # Ctrl+Z three times: back to the quote as added; Ctrl+Shift+Z redoes one step
    for _ in range(3):
        _key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not [q for q in _mine(project_path) if q.origin == "manual"]
    _key(
        qtbot,
        w,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    (manual_q,) = [q for q in _mine(project_path) if q.origin == "manual"]
    assert TEXT[slice(*manual_q.content_spans[0])] == "Critics were unimpressed by the announcement"
    # the undo of the speaker name is still there, further back
    assert _mine(project_path)[0].speaker_name == "Lee In-young (Unification Minister)"

    # Go to the first quote and remember where we are; quit with Ctrl+Q
    _key(qtbot, w, Qt.Key.Key_P)
    _key(qtbot, w, Qt.Key.Key_P)
    key = w.session.current.key if w.session.current else None
    article = w.session.article.id if w.session.article else None
    _key(qtbot, w, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not w.isVisible()

    # Reopen: same article, same quote, and the work is all there
    w2 = _open(qtbot, project_path)
    assert w2.session.article is not None and w2.session.article.id == article
    assert w2.session.current is not None and w2.session.current.key == key
    assert [q.status for q in _mine(project_path)] == ["accepted", "rejected", "accepted"]
    w2.close()


def test_next_article_and_done(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    first = w.session.article.id if w.session.article else None
    _key(qtbot, w, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    with Project.open(project_path) as p:
        assert p.progress(first or 0, "alice") == "done"
    _key(qtbot, w, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert w.session.article is not None and w.session.article.id != first
    # the project's totals are counted on a pool thread (again if a change came meanwhile)
    qtbot.waitUntil(lambda: "articles done 1/2" in w.progress_label.text())
    # undo of "done" goes back to that article
    _key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.session.article is not None and w.session.article.id == first
    _key(qtbot, w, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert w.session.article.id == first  # already the first one
    w.close()


def test_click_selects_quote(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    index = w.view._index
    assert index is not None
    cur = QTextCursor(w.view.document())
    cur.setPosition(index.map.to_view(span("hoped")[0]) + 1)
    qtbot.mouseClick(
        w.view.viewport(), Qt.MouseButton.LeftButton, pos=w.view.cursorRect(cur).center()
    )
    assert w.session.current is not None and w.session.current.quote.kind == "indirect"
    assert "Quote 2 of 2" in w.panel.header.text()
    w.close()


def test_every_command_is_in_a_menu_with_a_shortcut(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    in_menus: set[QAction] = set()
    for menu in w._menus:
        in_menus.update(menu.actions())
    for act in w.actions():
        assert act in in_menus, act.text()
    for act in (
        w.act_accept,
        w.act_reject,
        w.act_add,
        w.act_speaker_span,
        w.act_undo,
        w.act_redo,
        w.act_next,
        w.act_prev,
        w.act_next_article,
        w.act_prev_article,
        w.act_grow_end,
        w.act_shrink_end,
        w.act_grow_start,
        w.act_shrink_start,
        w.act_shortcuts,
    ):
        assert not act.shortcut().isEmpty(), act.text()
    for act in (w.act_review, w.act_dashboard, w.act_export):
        assert act in in_menus
    keys = [s.toString() for a in w.actions() for s in a.shortcuts()]
    assert len(keys) == len(set(keys)), "two commands share a key"
    w.close()


def test_shortcut_sheet_lists_keys(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    _key(qtbot, w, Qt.Key.Key_F1)
    sheet = w._shortcut_sheet
    qtbot.waitExposed(sheet)
    html = sheet.findChild(type(w.guidelines_view), "shortcutSheet").toPlainText()
    assert "Accept and next" in html and "Ctrl+Z" in html
    sheet.close()
    w.close()


def test_search_and_status_filter(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    lst = w.article_list
    assert lst.model.rowCount() == 2
    first = w.session.article.id if w.session.article else -1
    w.search.search("Kim")
    assert lst.working() == "Searching…"  # the words are looked up in the pool
    qtbot.waitUntil(lambda: not w.list_busy())
    assert lst.model.rowCount() == 1
    # the shown article follows the search (the list selection equals the shown article)
    assert w.session.article is not None and w.session.article.title == "Second article"
    w.search.search("")
    w.choose_article(first)
    lst.status_combo.setCurrentIndex(lst.status_combo.findData("new"))
    qtbot.waitUntil(lambda: not w.list_busy())  # the statuses are read on a pool thread
    assert lst.model.rowCount() == 2
    _key(qtbot, w, Qt.Key.Key_A)
    lst.status_combo.setCurrentIndex(lst.status_combo.findData("in_progress"))
    assert not w.list_busy()  # known statuses follow the window's changes: no new read
    assert lst.model.rowCount() == 1
    w.close()


def test_settings_dialog_changes_labels(qtbot: Any, project_path: Path, monkeypatch: Any) -> None:
    from annotator.ui import dialogs

    def fake_exec(self: dialogs.SettingsDialog) -> int:
        self.labels_edit.setPlainText("pro\ncontra")
        self.target_edit.setText("dialogue")
        self.guidelines_edit.setPlainText("# Rules\nBe kind.")
        assert not self.marks_box.isChecked()  # the guidelines' default: marks left out
        self.marks_box.setChecked(True)
        return 1

    monkeypatch.setattr(dialogs.SettingsDialog, "exec", fake_exec)
    w = _open(qtbot, project_path)
    w.edit_settings()
    with Project.open(project_path) as p:
        assert p.stance_labels() == ["pro", "contra"]
        assert p.stance_target() == "dialogue"
        assert p.marks_inside() is True
    assert "Be kind." in w.guidelines_view.toPlainText()
    _key(qtbot, w, Qt.Key.Key_2)
    assert _mine(project_path)[0].stance == "contra"
    w.close()


@pytest.mark.parametrize("who", ["bob"])
def test_switch_annotator_keeps_versions_apart(qtbot: Any, project_path: Path, who: str) -> None:
    w = _open(qtbot, project_path)
    _key(qtbot, w, Qt.Key.Key_A)
    w.switch_annotator(who)
    assert who in w.windowTitle()
    assert w.session.current is not None and w.session.current.state == "suggested"
    _key(qtbot, w, Qt.Key.Key_R)
    assert _mine(project_path, "alice")[0].status == "accepted"
    assert _mine(project_path, who)[0].status == "rejected"
    w.close()


def test_offsets_survive_emoji_nbsp_and_crlf(qtbot: Any, project_path: Path) -> None:
    """Every highlighted span covers, in the widget, exactly the stored characters."""
    w = _open(qtbot, project_path)
    index = w.view._index
    assert index is not None
    for item in w.session.items:
        for a, b in (*item.quote.content_spans, *item.quote.speaker_spans):
            # read back from the widget only to check the mapping
            cur = QTextCursor(w.view.document())
            cur.setPosition(index.map.to_view(a))
            cur.setPosition(index.map.to_view(b), QTextCursor.MoveMode.KeepAnchor)
            assert cur.selectedText().replace("\u2029", "\n") == TEXT[a:b]
    # a selection made in the widget comes back as code points of the stored text
    w.view.select_span(*span("Peace comes first."))
    assert w.view.selected_span() == span("Peace comes first.")
    w.close()


def test_background_detection_with_rules_only_pipeline(qtbot: Any, project_path: Path) -> None:
    from annotator.nlp.detect import DETECTOR_VERSION
    from annotator.nlp.pipeline import ModelInfo, rules_only_pipeline

    def loader() -> tuple[Any, Any]:
        return rules_only_pipeline(), ModelInfo("rules-only", True, "rules only, for tests")

    w = MainWindow(project_path, annotator="alice", pipeline_loader=loader)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.detection.nlp is not None, timeout=60000)
    assert "rules-only" in w.model_label.text()
    qtbot.waitUntil(lambda: w.detection.task is None, timeout=60000)
    with Project.open(project_path) as p:
        assert p.articles_without_suggestions(DETECTOR_VERSION) == []
        # the second article's direct quote was found by the rules
        second = p.article_ids()[1]
        assert p.suggestions(second, DETECTOR_VERSION)
    assert w.detect_bar.isHidden()
    w.close()


def test_detection_cancel_stops_before_work(qtbot: Any, project_path: Path) -> None:
    from annotator.ui.workers import DetectTask

    task = DetectTask(project_path, object(), [1, 2])
    task.cancel()
    with qtbot.waitSignal(task.signals.finished, timeout=60000) as blocker:
        task.run()
    assert blocker.args == [0]


def test_annotator_asked_once_then_remembered(
    qtbot: Any, project_path: Path, monkeypatch: Any
) -> None:
    from annotator.ui import dialogs

    asked: list[int] = []

    def fake_exec(self: dialogs.AnnotatorDialog) -> int:
        asked.append(1)
        self.combo.setCurrentText("carol")
        return 1

    monkeypatch.setattr(dialogs.AnnotatorDialog, "exec", fake_exec)
    w = MainWindow(project_path, load_model=False)
    qtbot.addWidget(w)
    assert w.session.annotator == "carol" and "carol" in w.windowTitle()
    w.close()
    w2 = MainWindow(project_path, load_model=False)
    qtbot.addWidget(w2)
    assert w2.session.annotator == "carol"
    assert len(asked) == 1
    w2.close()


def test_missing_window_module_disables_its_action(qtbot: Any, project_path: Path) -> None:
    w = _open(qtbot, project_path)
    menu = w.menuBar().addMenu("Test")
    act = w._lazy_action(menu, "Nothing", "annotator.ui.no_such_window", "X", lambda c: c())
    assert not act.isEnabled()
    assert "Not available" in act.toolTip()
    w.close()


def test_run_app_shows_message_and_returns(
    qtbot: Any, project_path: Path, monkeypatch: Any
) -> None:
    from PySide6.QtCore import QTimer

    from annotator.ui import application as app_module
    from annotator.ui import main_window

    seen: list[str] = []

    def close_soon() -> None:
        for top in QApplication.topLevelWidgets():
            # the window run_app made (a window of an earlier test may linger, closed)
            if isinstance(top, MainWindow) and top.isVisible():
                seen.append(top.info_label.text())
                top.close()

    monkeypatch.setattr(
        main_window, "default_loader", lambda model: lambda: (_ for _ in ()).throw(OSError("no"))
    )
    QTimer.singleShot(300, close_soon)
    rc = app_module.run_app(project_path, annotator="dave", message="Imported 2 articles")
    assert rc == 0
    assert seen == ["Imported 2 articles"]


def test_view_menu_hides_suggestions_below_a_threshold(
    qtbot: Any, project_path: Path, monkeypatch: Any
) -> None:
    from PySide6.QtWidgets import QInputDialog

    w = _open(qtbot, project_path)
    assert [it.quote.confidence for it in w.session.items] == [0.9, 0.5]
    monkeypatch.setattr(QInputDialog, "getDouble", lambda *a, **k: (0.6, True))
    w.act_min_confidence.trigger()
    assert [it.quote.confidence for it in w.session.items] == [0.9]
    assert w.session.article_counts.total == 1
    w.close()
    # the threshold is the analyst's: a new window on the project keeps it
    w2 = _open(qtbot, project_path)
    assert [it.quote.confidence for it in w2.session.items] == [0.9]
    monkeypatch.setattr(QInputDialog, "getDouble", lambda *a, **k: (0.0, True))
    w2.act_min_confidence.trigger()
    assert [it.quote.confidence for it in w2.session.items] == [0.9, 0.5]
    w2.close()


def test_suggestions_below_the_default_threshold_are_hidden_until_asked_for(
    qtbot: Any, project_path: Path, monkeypatch: Any
) -> None:
    from PySide6.QtWidgets import QInputDialog

    from annotator.core.model import DEFAULT_MIN_CONFIDENCE

    with Project.open(project_path) as p:
        aid = p.article_ids()[0]
        kept = [r.quote for r in p.suggestions(aid)]
        title = Quote(content_spans=(span("Peace comes first."),), kind="direct", confidence=0.1)
        p.set_suggestions(aid, DETECTOR, [*kept, title])
    w = _open(qtbot, project_path)
    # an analyst who never set a threshold sees what evaluate scores by default
    assert w.session.min_confidence == DEFAULT_MIN_CONFIDENCE
    assert [it.quote.confidence for it in w.session.items] == [0.9, 0.5]
    # hidden, not dropped: the status bar says how many and how to show them
    assert "1 hidden below 0.2" in w.status.progress_label.text()
    assert "View > Hide suggestions below confidence" in w.status.progress_label.toolTip()
    seen: list[float] = []

    def ask(*args: Any, **kwargs: Any) -> tuple[float, bool]:
        seen.append(args[3])  # the dialog opens on the threshold in force
        return 0.0, True

    monkeypatch.setattr(QInputDialog, "getDouble", ask)
    w.act_min_confidence.trigger()
    assert seen == [DEFAULT_MIN_CONFIDENCE]
    assert [it.quote.confidence for it in w.session.items] == [0.9, 0.1, 0.5]
    assert "hidden" not in w.status.progress_label.text()
    w.close()
    # 0 is the analyst's choice now, kept for the next window
    w2 = _open(qtbot, project_path)
    assert [it.quote.confidence for it in w2.session.items] == [0.9, 0.1, 0.5]
    w2.close()


def test_ctrl_right_stops_at_the_paragraph_end_and_says_so(qtbot: Any, project_path: Path) -> None:
    from annotator.services.editing import AT_PARAGRAPH_END

    w = _open(qtbot, project_path)
    _key(qtbot, w, Qt.Key.Key_N)  # the second suggestion: "it hoped for progress"
    assert w.session.current is not None
    assert TEXT[slice(*w.session.current.quote.content_spans[0])] == "it hoped for progress"
    for _ in range(6):
        _key(qtbot, w, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    (grown,) = [q for q in _mine(project_path) if q.status != "rejected"]
    # four words to the paragraph's end, then no further: "Critics" starts the next one
    assert TEXT[slice(*grown.content_spans[0])] == (
        "it hoped for progress, according to Andrey Kulik."
    )
    assert w.statusBar().currentMessage() == AT_PARAGRAPH_END


def test_settings_dialog_keeps_guidelines_in_step_and_tabs_on(qtbot: Any) -> None:
    """Ticking the boundary box rewrites the bundled boundary sentence (one undo step
    brings it back) or asks the analyst to check guidelines in their own words; Tab
    leaves the stance labels and the guidelines instead of typing a tab (tester22 F6)."""
    from annotator.services.project_settings import read_resource
    from annotator.ui.dialogs import SettingsDialog

    bundled = read_resource("guidelines.md")
    dlg = SettingsDialog(["support", "oppose"], "", bundled)
    qtbot.addWidget(dlg)
    dlg.marks_box.setChecked(True)
    assert "Include the quotation marks" in dlg.guidelines()
    assert "changed to match" in dlg.marks_note.text()
    dlg.marks_box.setChecked(False)
    assert dlg.guidelines() == bundled
    dlg.guidelines_edit.undo()
    assert "Include the quotation marks" in dlg.guidelines()  # undo steps back one change

    own = SettingsDialog(["support"], "", "# Ours\nKeep marks out.")
    qtbot.addWidget(own)
    own.marks_box.setChecked(True)
    assert own.guidelines() == "# Ours\nKeep marks out."
    assert "check" in own.marks_note.text()

    for edit in (dlg.labels_edit, dlg.guidelines_edit):
        assert edit.tabChangesFocus()
    before = dlg.labels_edit.toPlainText()
    dlg.show()
    dlg.labels_edit.setFocus()
    qtbot.keyClick(dlg.labels_edit, Qt.Key.Key_Tab)
    assert dlg.labels_edit.toPlainText() == before  # no tab typed into a label
