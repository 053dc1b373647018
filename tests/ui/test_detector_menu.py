"""The Detector menu (issue 13): the detector choice persists in the project, re-detection
replaces the undecided articles' open suggestions only, Ctrl+U goes to the article where the
detector is least sure. Driven through the menu and keys; checked in the project's rows."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QMessageBox

from annotator.core.model import Article, Quote
from annotator.nlp.detect import DETECTOR_VERSION
from annotator.nlp.pipeline import rules_only_pipeline
from annotator.store import learning
from annotator.store.project import Project
from annotator.ui.article_list import ID_ROLE
from annotator.ui.controllers import training as training_ctl
from annotator.ui.controllers.training import ModelEntry
from annotator.ui.dialogs import shortcut_rows
from tests.ui.conftest import open_window

OLD = "old detector 0.1"
TEXTS = {
    "fresh": "“The bridge will reopen in May,” said engineer Ana Silva. Costs rose.",
    "decided": "“Prices will fall,” said trader Bo Lind. The market was calm.",
    "pending": "“We need more nurses,” said Dr Kim Park. Hospitals agreed.",
    "done": "“Nothing changes,” said mayor Eva Holm. The council met.",
}


def span(text: str, sub: str) -> tuple[int, int]:
    i = text.index(sub)
    return i, i + len(sub)


def quote(text: str, sub: str, conf: float | None = 0.5, kind: str = "indirect") -> Quote:
    return Quote(content_spans=(span(text, sub),), kind=kind, confidence=conf)


def rows(path: Path, table: str) -> list[dict[str, Any]]:
    with Project.open(path) as p:
        return list(p.db.query(f"SELECT * FROM {table} ORDER BY id"))


def menu_texts(w: Any) -> list[str]:
    w.detector_menu.aboutToShow.emit()
    return [a.text() for a in w.detector_menu.actions()]


def pick(w: Any, text: str) -> None:
    w.detector_menu.aboutToShow.emit()
    (act,) = [a for a in w.detector_menu.actions() if a.text() == text]
    act.trigger()


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[ModelEntry]:
    found = [ModelEntry("tiny", tmp_path / "tiny"), ModelEntry("wide", tmp_path / "wide")]
    monkeypatch.setattr(training_ctl, "trained_models", lambda: list(found))
    return found


def test_the_choice_of_detector_persists_in_the_project(
    qtbot: Any, project_path: Path, models: list[ModelEntry]
) -> None:
    w = open_window(qtbot, project_path)
    assert w.detector_label.text() == "Detector: Rules (no trained model)"
    assert menu_texts(w)[:3] == ["Rules (no trained model)", "tiny", "wide"]
    pick(w, "wide")
    assert w.detector_label.text() == "Detector: wide"
    w.close()

    w2 = open_window(qtbot, project_path)
    assert w2.detector_label.text() == "Detector: wide"
    checked = [a.text() for a in w2.detector_menu.actions() if a.isChecked()]
    assert checked == ["wide"]
    pick(w2, "Rules (no trained model)")
    w2.close()
    w3 = open_window(qtbot, project_path)
    assert w3.detector_label.text() == "Detector: Rules (no trained model)"
    # a model that left this computer is still named, and said to be missing
    models.pop()
    with Project.open(project_path) as p:
        p.set_setting("detector_model", "wide")
    w3.close()
    w4 = open_window(qtbot, project_path)
    assert w4.detector_label.text() == "Detector: wide (missing)"
    assert "wide (missing)" in menu_texts(w4)


def test_the_detector_menu_is_in_the_shortcut_sheet(qtbot: Any, project_path: Path) -> None:
    w = open_window(qtbot, project_path)
    sheet = dict(shortcut_rows(w._menus))
    names = dict(sheet["Detector"])
    assert names["Ctrl+U"] == "Next most useful article"
    assert w.menuBar().actions()[-2].text() == "&Detector"  # before Help


def build(path: Path) -> dict[str, int]:
    with Project.open(path) as p:
        ids = {k: p.add_article(Article(k, t, {}))[0] for k, t in TEXTS.items()}
        for key, text in TEXTS.items():
            sub = "Costs rose" if key == "fresh" else text.split(". ")[1].rstrip(".")
            p.set_suggestions(ids[key], OLD, [quote(text, sub)])
        t = TEXTS["decided"]
        accepted = replace(quote(t, "Prices will fall"), status="accepted", origin="manual")
        p.add_annotation(ids["decided"], "alice", accepted)
        t = TEXTS["pending"]
        kept, _ = p.set_suggestions(
            ids["pending"], OLD, [quote(t, "We need more nurses", kind="direct"), quote(t, "Hosp")]
        )
        p.add_annotation(ids["pending"], "bob", quote(t, "We need more nurses", None), kept)
        p.set_progress(ids["done"], "bob", "done")
    return ids


def test_redetect_replaces_only_the_undecided_suggestions(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.db"
    ids = build(path)
    before_sugg = rows(path, "suggestions")
    before_ann = rows(path, "annotations")
    w = open_window(qtbot, path)
    w.open_article(ids["fresh"])
    w.detection.nlp = rules_only_pipeline()  # the base pipeline, as loaded at start
    asked: list[str] = []

    def answer(_parent: Any, _title: str, text: str, *_a: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Cancel if len(asked) == 1 else QMessageBox.Ok

    monkeypatch.setattr(QMessageBox, "question", answer)
    w.act_redetect.trigger()  # first answer: Cancel
    # asked once the undecided articles are counted off the window's thread, with their number
    qtbot.waitUntil(lambda: len(asked) == 1)
    assert "cannot be undone" in asked[0] and "Rules (no trained model)" in asked[0]
    assert "Re-detect 2 undecided articles?" in asked[0]
    assert rows(path, "suggestions") == before_sugg
    with qtbot.waitSignal(w.trainer.redetected, timeout=60000):
        w.act_redetect.trigger()
    after = rows(path, "suggestions")
    for key in ("decided", "done"):
        assert [r for r in after if r["article_id"] == ids[key]] == [
            r for r in before_sugg if r["article_id"] == ids[key]
        ]
    fresh = [r for r in after if r["article_id"] == ids["fresh"]]
    text = TEXTS["fresh"]
    assert [(r["detector_version"], json.loads(r["content_spans"])) for r in fresh] == [
        (DETECTOR_VERSION, [list(span(text, "The bridge will reopen in May"))])
    ]
    pending = [r["id"] for r in after if r["article_id"] == ids["pending"]]
    assert pending == [r["id"] for r in before_sugg if r["article_id"] == ids["pending"]][:1]
    assert rows(path, "annotations") == before_ann
    # the open article shows the new suggestion, and the status bar said what happened
    shown = [w.session.quote_text(it) for it in w.session.items]
    assert shown == ["The bridge will reopen in May"]
    assert w.statusBar().currentMessage() == "Re-detected 2 undecided articles: 1 suggestion."
    assert not w.redetect_bar.isVisible()


def test_ctrl_u_goes_to_the_least_certain_undecided_article(qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    confidences: dict[str, list[float | None]] = {
        "sure": [0.95, 0.9, 0.97],
        "decided": [0.5, 0.5, 0.5, 0.5],
        "unsure": [0.5, 0.45, 0.6],
        "one": [0.52],
        "none": [None, None],
    }
    ids = {}
    with Project.open(path) as p:
        for key, confs in confidences.items():
            text = f"Article {key}. " + " ".join(f"Clause {i} is here." for i in range(len(confs)))
            aid = ids[key] = p.add_article(Article(key, text, {}))[0]
            p.set_suggestions(
                aid, OLD, [quote(text, f"Clause {i} is here", c) for i, c in enumerate(confs)]
            )
        t = p.article(ids["decided"]).text
        p.add_annotation(
            ids["decided"], "bob", replace(quote(t, "Clause 0"), status="rejected", origin="model")
        )
    w = open_window(qtbot, path)
    w.open_article(ids["sure"])
    qtbot.keyClick(w.view, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.session.article.id == ids["unsure"])
    said = w.statusBar().currentMessage()
    assert said == "Most useful: least sure here (3 near 0.5)"
    assert w.statusBar().toolTip() == "least sure here: 3 open suggestions, 3 near 0.5"
    qtbot.keyClick(w.view, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.session.article.id == ids["one"])
    # the list shows where the window went
    (selected,) = w.article_list.table.selectionModel().selectedRows()
    assert selected.data(ID_ROLE) == ids["one"]


@pytest.mark.parametrize(
    ("model", "uncertainty", "expected"),
    [
        ("p_gui-2026-12-01-0512", 0.3123, "Most useful: least sure here (0.312)"),
        ("a-very-long-model-name-" * 4, 0.0449, "Most useful: least sure here (0.045)"),
    ],
)
def test_ctrl_u_message_fits_beside_the_permanent_labels(
    qtbot: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    model: str,
    uncertainty: float,
    expected: str,
) -> None:
    path = tmp_path / "p.db"
    ids = build(path)
    ranked = learning.ModelDoubt(ids["fresh"], "fresh", uncertainty, f"rules + {model}@1")
    monkeypatch.setattr(learning, "most_uncertain", lambda *_a, **_k: [ranked])
    w = open_window(qtbot, path)
    w.resize(1366, 768)
    qtbot.waitUntil(lambda: w.width() == 1366)
    w.open_article(ids["pending"])
    qtbot.keyClick(w.view, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.session.article.id == ids["fresh"])
    bar = w.statusBar()
    assert bar.currentMessage() == expected
    assert model in bar.toolTip() and f"uncertainty {uncertainty:.3f} of 0.5" in bar.toolTip()
    room = w.status.message_room()
    assert 0 < room < 1366
    assert QFontMetrics(bar.font()).horizontalAdvance(expected) <= room
    # the tooltip goes with the message it explains
    w.status.say("Something else.", 1000)
    assert bar.toolTip() == ""


@pytest.mark.parametrize("chosen", ["wide", "gone-model"])
def test_redetect_with_a_missing_model_is_refused_at_once(
    qtbot: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    models: list[ModelEntry],
    chosen: str,
) -> None:
    path = tmp_path / "p.db"
    build(path)
    before = rows(path, "suggestions")
    with Project.open(path) as p:
        p.set_setting("detector_model", chosen)
    models[:] = [m for m in models if m.name != "wide"]  # "wide" was deleted
    w = open_window(qtbot, path)
    asked: list[str] = []
    warned: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a: asked.append(a[2]) or QMessageBox.StandardButton.Cancel
    )
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))
    w.act_redetect.trigger()
    assert asked == []  # no confirmation that promises a re-detection
    assert len(warned) == 1
    assert f"'{chosen}' is missing" in warned[0]
    assert "Rules (no trained model)" in warned[0] and "another detector" in warned[0]
    assert w.statusBar().currentMessage() == (f"Re-detection refused: model '{chosen}' is missing.")
    assert w.trainer.redetect_task is None
    # the controller refuses too, and says so, when asked without the menu
    w.trainer.redetect()
    assert w.trainer.redetect_task is None
    assert "is missing" in w.statusBar().currentMessage()
    assert rows(path, "suggestions") == before
    # a model that is there is still offered for confirmation
    pick(w, "tiny")
    w.act_redetect.trigger()
    qtbot.waitUntil(lambda: len(asked) == 1)
    assert "Detector: tiny" in asked[0]


@pytest.mark.parametrize(
    ("version", "shown"),
    [
        ("annotator_quotes 1.5 + mL@1b5be815", "Detector: mL@1b5be815"),
        ("annotator_quotes 1.5 + court-2026-12-03@00ff00aa", "Detector: court-2026-12-03@00ff00aa"),
        ("annotator_quotes 1.5", "Detector: Rules (no trained model)"),
        ("", "Detector: Rules (no trained model)"),
    ],
)
def test_a_trained_model_given_by_model_is_named(
    qtbot: Any, project_path: Path, version: str, shown: str
) -> None:
    """Opened with --model TRAINED_DIR and the project's choice the rules, the status bar
    names the trained model that makes the suggestions, not the rules (tester22 F9)."""
    w = open_window(qtbot, project_path)
    w.detection.detector_loaded.emit(version)
    assert w.detector_label.text() == shown
    tip = w.detector_label.toolTip()
    assert ("--model" in tip) == ("+" in version)
    w.close()
