"""Two windows of the same annotator edit the same quote: the later write, made on a version
the other window has changed since, writes nothing and says in words what the quote is now
(speaker, stance, span, kind, deleted), shows it as saved there, keeps the place and leaves
nothing on the undo stack. One window alone still edits, undoes and redoes as before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.model import Quote
from annotator.services.session import Session
from annotator.store.project import Project
from annotator.ui.main_window import MainWindow
from tests.ui.conftest import open_window, span


def _key(qtbot: Any, key: Any, modifier: Any = Qt.KeyboardModifier.NoModifier) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key, modifier)


def _accepted(path: Path) -> int:
    """Accept the first article's first suggestion as alice (before any window opens);
    return the annotation's id."""
    with Project.open(path) as p:
        s = Session(p, "alice")
        s.open_article(p.article_ids()[0])
        s.run(s.plan_accept())
        return p.annotations(p.article_ids()[0], "alice")[0].id


def _stored(path: Path, ann_id: int) -> Quote:
    with Project.open(path, readonly=True) as p:
        return p.annotation(ann_id).quote


def _count(path: Path) -> int:
    with Project.open(path, readonly=True) as p:
        return len(p.annotations(p.article_ids()[0], "alice"))


def _window_on(qtbot: Any, path: Path, ann_id: int) -> MainWindow:
    """A window with the keyboard in the text and the annotation ``ann_id`` current."""
    w: MainWindow = open_window(qtbot, path)
    while w.session.current is not None and w.session.current.annotation_id != ann_id:
        assert w.session.previous_quote()
    return w


def _conflict_text(w: MainWindow) -> str:
    box = w.conflict_box
    assert box is not None and box.isVisible()
    return f"{box.text()} {box.informativeText()}"


def _type_speaker(qtbot: Any, w: MainWindow, name: str) -> None:
    """E, the name, Enter: what the analyst does to set the canonical speaker."""
    _key(qtbot, Qt.Key.Key_E)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.panel.speaker_edit)
    w.panel.speaker_edit.selectAll()
    qtbot.keyClicks(w.panel.speaker_edit, name)
    qtbot.keyClick(w.panel.speaker_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.view)


def _unchanged_place(w: MainWindow, ann_id: int) -> None:
    cur = w.session.current
    assert cur is not None and cur.annotation_id == ann_id
    assert w.undo_stack.count() == 0


def test_speaker_after_speaker_elsewhere(qtbot: Any, project_path: Path) -> None:
    ann = _accepted(project_path)
    a = _window_on(qtbot, project_path, ann)
    b = _window_on(qtbot, project_path, ann)  # B read the quote before A's write
    # A names the speaker (through A's own panel signal: B keeps the keyboard)
    a.panel.speaker_name_edited.emit("Kim Ji-ho")
    assert _stored(project_path, ann).speaker_name == "Kim Ji-ho"
    # B, not knowing, names another speaker
    _type_speaker(qtbot, b, "Park Min-su")
    text = _conflict_text(b)
    assert "changed in another window" in text
    assert "its speaker is now Kim Ji-ho" in text
    assert "We will talk" in text  # the quote is named
    assert "your change was not applied" in text
    assert "another window" in b.statusBar().currentMessage()
    # nothing written: A's speaker stays, no second row; B shows A's version, same quote
    assert _stored(project_path, ann).speaker_name == "Kim Ji-ho"
    assert _count(project_path) == 1
    _unchanged_place(b, ann)
    assert b.session.current is not None
    assert b.session.current.quote.speaker_name == "Kim Ji-ho"
    assert b.panel.speaker_edit.text() == "Kim Ji-ho"
    # B, now seeing A's version, can change it: that write goes through
    b.conflict_box.close()
    b.view.setFocus()
    _type_speaker(qtbot, b, "Park Min-su")
    assert b.conflict_box is None or not b.conflict_box.isVisible()
    assert _stored(project_path, ann).speaker_name == "Park Min-su"
    assert b.undo_stack.count() == 1


def test_note_after_note_elsewhere(qtbot: Any, project_path: Path) -> None:
    """The field typed in is reset to the note saved there: leaving it (the box takes the
    focus) must not write the typed text over the other window's note afterwards."""
    ann = _accepted(project_path)
    a = _window_on(qtbot, project_path, ann)
    b = _window_on(qtbot, project_path, ann)
    a.panel.note_edited.emit("Check the date")
    _key(qtbot, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is b.panel.note_edit)
    qtbot.keyClicks(b.panel.note_edit, "Ask the desk")
    qtbot.keyClick(b.panel.note_edit, Qt.Key.Key_Return)
    assert "its note was changed" in _conflict_text(b)
    assert b.panel.note_edit.text() == "Check the date"
    b.conflict_box.close()
    b.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is b.view)
    assert _stored(project_path, ann).note == "Check the date"
    _unchanged_place(b, ann)


def test_stance_after_span_elsewhere(qtbot: Any, project_path: Path) -> None:
    ann = _accepted(project_path)
    b = _window_on(qtbot, project_path, ann)
    before = _stored(project_path, ann)
    # another window shrinks the quote's end by a word
    with Project.open(project_path) as p:
        s = Session(p, "alice")
        s.open_article(p.article_ids()[0])
        assert s.select(b.session.current.key)  # type: ignore[union-attr]
        s.run(s.plan_resize("shrink_end"))
    shrunk = _stored(project_path, ann).content_spans
    assert shrunk != before.content_spans
    _key(qtbot, Qt.Key.Key_2)  # B: stance "oppose" on the version it read
    text = _conflict_text(b)
    assert "its span is now “We will talk, … Peace comes”" in text, text
    now = _stored(project_path, ann)
    assert now.content_spans == shrunk and now.stance is None
    _unchanged_place(b, ann)
    assert b.session.current is not None and b.session.current.quote.content_spans == shrunk


def test_span_after_stance_elsewhere(qtbot: Any, project_path: Path) -> None:
    ann = _accepted(project_path)
    a = _window_on(qtbot, project_path, ann)
    b = _window_on(qtbot, project_path, ann)
    a.set_stance("support")  # A's stance button
    assert _stored(project_path, ann).stance == "support"
    old_spans = _stored(project_path, ann).content_spans
    _key(qtbot, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)  # B shrinks the end
    text = _conflict_text(b)
    assert "its stance is now support" in text
    now = _stored(project_path, ann)
    assert now.stance == "support" and now.content_spans == old_spans
    _unchanged_place(b, ann)


def test_kind_after_delete_elsewhere(qtbot: Any, project_path: Path) -> None:
    w = open_window(qtbot, project_path)
    w.view.select_span(*span("Critics were unimpressed"))
    _key(qtbot, Qt.Key.Key_Q)  # a hand-made quote, current
    cur = w.session.current
    assert cur is not None and cur.annotation_id is not None
    w.undo_stack.clear()
    with Project.open(project_path) as p:
        p.delete_annotation(cur.annotation_id, actor="alice")
    _key(qtbot, Qt.Key.Key_T)  # its kind
    text = _conflict_text(w)
    assert "Critics were unimpressed" in text and "it was deleted there" in text
    assert _count(project_path) == 0  # not re-created
    assert w.undo_stack.count() == 0


def test_delete_after_edit_elsewhere(qtbot: Any, project_path: Path) -> None:
    w = open_window(qtbot, project_path)
    w.view.select_span(*span("Critics were unimpressed"))
    _key(qtbot, Qt.Key.Key_Q)
    cur = w.session.current
    assert cur is not None and cur.annotation_id is not None
    ann = cur.annotation_id
    w.undo_stack.clear()
    with Project.open(project_path) as p:  # another window gives it a stance
        rec = p.annotation(ann)
        p.update_annotation(ann, rec.quote.with_(stance="neutral"), actor="alice")
    _key(qtbot, Qt.Key.Key_R)  # R deletes a hand-made quote: not the version changed there
    text = _conflict_text(w)
    assert "its stance is now neutral" in text
    assert _stored(project_path, ann).stance == "neutral"  # still there
    _unchanged_place(w, ann)


def test_undo_after_edit_elsewhere(qtbot: Any, project_path: Path) -> None:
    ann = _accepted(project_path)
    a = _window_on(qtbot, project_path, ann)
    _key(qtbot, Qt.Key.Key_2)  # A: stance oppose
    assert _stored(project_path, ann).stance == "oppose"
    assert a.undo_stack.count() == 1
    # another window, having seen A's stance, changes the kind
    with Project.open(project_path) as p:
        s = Session(p, "alice")
        s.open_article(p.article_ids()[0])
        assert s.select(a.session.current.key)  # type: ignore[union-attr]
        s.run(s.plan_kind("mixed"))
    # A undoes its stance: that would also undo the kind set there
    _key(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    text = _conflict_text(a)
    assert "its kind is now mixed" in text
    now = _stored(project_path, ann)
    assert (now.stance, now.kind) == ("oppose", "mixed")
    _unchanged_place(a, ann)  # the undo command that no longer fits is gone
    assert not a.undo_stack.canRedo()


def test_redo_after_edit_elsewhere(qtbot: Any, project_path: Path) -> None:
    ann = _accepted(project_path)
    a = _window_on(qtbot, project_path, ann)
    _key(qtbot, Qt.Key.Key_3)  # neutral
    _key(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undone
    assert _stored(project_path, ann).stance is None
    with Project.open(project_path) as p:
        rec = p.annotation(ann)
        p.update_annotation(ann, rec.quote.with_(stance="unclear"), actor="alice")
    _key(
        qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert "its stance is now unclear" in _conflict_text(a)
    assert _stored(project_path, ann).stance == "unclear"
    _unchanged_place(a, ann)


def test_one_window_edits_undoes_and_redoes(qtbot: Any, project_path: Path) -> None:
    ann = _accepted(project_path)
    w = _window_on(qtbot, project_path, ann)
    _type_speaker(qtbot, w, "Kim Ji-ho")
    _key(qtbot, Qt.Key.Key_1)  # support
    _key(qtbot, Qt.Key.Key_T)  # direct -> mixed
    _key(qtbot, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)  # shrink the end
    now = _stored(project_path, ann)
    assert (now.speaker_name, now.stance, now.kind) == ("Kim Ji-ho", "support", "mixed")
    shrunk = now.content_spans
    assert w.undo_stack.count() == 4
    for _ in range(4):
        _key(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    back = _stored(project_path, ann)
    assert (back.speaker_name, back.stance, back.kind) == ("Lee In-young", None, "direct")
    assert back.content_spans != shrunk
    for _ in range(4):
        _key(qtbot, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    again = _stored(project_path, ann)
    assert (again.speaker_name, again.stance, again.kind) == ("Kim Ji-ho", "support", "mixed")
    assert again.content_spans == shrunk
    assert w.conflict_box is None
    assert w.undo_stack.count() == 4 and w.undo_stack.index() == 4


def test_article_target_after_article_target_elsewhere(
    qtbot: Any, project_path: Path, monkeypatch: Any
) -> None:
    w = open_window(qtbot, project_path)
    with Project.open(project_path) as p:  # another window aims the article's stances
        p.set_article_target(p.article_ids()[0], "ferry fares", actor="alice")
    monkeypatch.setattr(w, "ask_article_target", lambda _current, _targets: "bridge toll")
    _key(qtbot, Qt.Key.Key_G, Qt.KeyboardModifier.ShiftModifier)
    text = _conflict_text(w)
    assert "This article's stance target was changed in another window" in text
    assert "it is now “ferry fares”" in text and "your change was not applied" in text
    with Project.open(project_path, readonly=True) as p:
        assert p.article(p.article_ids()[0]).stance_target == "ferry fares"
    assert w.session.article is not None and w.session.article.stance_target == "ferry fares"
    assert "ferry fares" in w.panel.target_label.text()
    assert w.undo_stack.count() == 0
    assert "bridge toll" not in w.panel.targets()
