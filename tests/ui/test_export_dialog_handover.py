"""The Export dialog hands over files without surprises (issue 15): the extension follows
the format, an existing file is replaced only after a yes, exports go to the documents
folder by default, labels show no "&", and several annotators' versions need a choice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import platformdirs
import pytest
import spacy
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMessageBox
from pytestqt.qtbot import QtBot
from spacy.tokens import DocBin

import annotator.ui.export_dialog as export_dialog
from annotator.ui.export_dialog import ExportDialog, with_format_extension
from tests.ui.test_export_dialog import choose_format, dialog, export_db, run, set_output

__all__ = ["export_db"]  # the fixture, used by name


@pytest.mark.parametrize(
    ("name", "fmt", "expect"),
    [
        ("data.csv", "jsonl", "data.jsonl"),
        ("data.csv", "prodigy", "data.jsonl"),
        ("data.jsonl", "spacy", "data.spacy"),
        ("data.spacy", "brat", "data"),
        ("data", "csv", "data.csv"),
        ("report.v2", "jsonl", "report.v2.jsonl"),
        ("report.v2.jsonl", "csv", "report.v2.csv"),
        ("DATA.CSV", "jsonl", "DATA.jsonl"),
    ],
)
def test_extension_rule(name: str, fmt: str, expect: str) -> None:
    assert with_format_extension(Path("/x") / name, fmt) == Path("/x") / expect


def test_extension_follows_the_format_in_the_dialog_and_on_disk(
    qtbot: QtBot, export_db: Path, tmp_path: Path
) -> None:
    d = dialog(qtbot, export_db)
    set_output(qtbot, d, tmp_path / "data.csv")
    for fmt, shown in (("jsonl", "data.jsonl"), ("spacy", "data.spacy"), ("brat", "data")):
        choose_format(d, fmt)
        assert Path(d.output_edit.text()) == tmp_path / shown
    choose_format(d, "jsonl")
    set_output(qtbot, d, tmp_path / "typed.csv")  # the user typed a CSV name for JSONL
    qtbot.mouseClick(d.all_annotators_check, Qt.MouseButton.LeftButton)
    run(qtbot, d)
    assert not (tmp_path / "typed.csv").exists()
    lines = (tmp_path / "typed.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 6 and json.loads(lines[0])["quotes"]
    assert Path(d.output_edit.text()) == tmp_path / "typed.jsonl"


def test_an_existing_file_is_replaced_only_after_yes(
    qtbot: QtBot, export_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "data.csv"
    target.write_text("my own spreadsheet\n", encoding="utf-8")
    asked: list[str] = []

    def answer(reply: QMessageBox.StandardButton) -> Any:
        def question(parent: Any, title: str, text: str, *args: Any) -> Any:
            asked.append(text)
            return reply

        return question

    d = dialog(qtbot, export_db)
    set_output(qtbot, d, target)
    alice = d.annotator_list.item_of("alice")
    assert alice is not None
    alice.setCheckState(Qt.CheckState.Checked)
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    qtbot.mouseClick(d.export_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and str(target) in asked[0]
    assert not d.running and "kept" in d.status_label.text()
    assert target.read_text(encoding="utf-8") == "my own spreadsheet\n"

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    report = run(qtbot, d)
    assert len(asked) == 2
    assert report.quotes == 6  # type: ignore[attr-defined]
    assert target.read_text(encoding="utf-8").startswith("quote_id,")

    fresh = tmp_path / "fresh.csv"  # a new file: no question
    set_output(qtbot, d, fresh)
    run(qtbot, d)
    assert len(asked) == 2 and fresh.exists()


def test_default_folder_is_the_documents_folder(
    qtbot: QtBot, export_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "Documents"
    docs.mkdir()
    monkeypatch.setattr(export_dialog, "user_documents_path", lambda: docs)
    d = dialog(qtbot, export_db)
    assert Path(d.output_edit.text()) == docs / "rail-export.csv"
    choose_format(d, "spacy")
    assert Path(d.output_edit.text()) == docs / "rail-export.spacy"
    assert export_db.parent != docs
    monkeypatch.undo()
    real = platformdirs.user_documents_path()
    assert ExportDialog.default_folder() == (real if real.is_dir() else Path.home())


def test_no_label_shows_a_literal_ampersand(qtbot: QtBot, export_db: Path) -> None:
    d = dialog(qtbot, export_db)
    shown: list[str] = []
    for label in d.findChildren(QLabel):
        text = label.text().replace("&&", "")
        if "&" in text and label.buddy() is None:  # without a buddy, "&" is drawn as is
            shown.append(label.text())
    assert shown == []
    for widget in [*d.findChildren(QAbstractButton), *d.findChildren(QGroupBox)]:
        text = widget.text() if isinstance(widget, QAbstractButton) else widget.title()
        assert text.count("&") - 2 * text.count("&&") <= 1, text  # one mnemonic at most


def test_several_annotators_need_a_choice(qtbot: QtBot, export_db: Path, tmp_path: Path) -> None:
    d = dialog(qtbot, export_db)
    choose_format(d, "spacy")
    out = tmp_path / "train.spacy"
    set_output(qtbot, d, out)
    with qtbot.waitSignal(d.failed, timeout=60000) as blocker:
        qtbot.mouseClick(d.export_button, Qt.MouseButton.LeftButton)
    message = blocker.args[0]
    assert "alice, bob" in message and "one annotator" in message
    assert "Every annotator's versions" in message and "one document per annotator" in message
    assert not out.exists() and not d.running

    qtbot.mouseClick(d.all_annotators_check, Qt.MouseButton.LeftButton)
    report = run(qtbot, d)
    assert report.quotes == 12  # type: ignore[attr-defined]
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    assert len(docs) == 12  # six articles, one Doc per annotator
    assert sorted({d_.user_data["quote_annotator"]["annotator"] for d_ in docs}) == [
        "alice",
        "bob",
    ]
