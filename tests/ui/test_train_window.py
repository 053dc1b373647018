"""Detector > Train from this project (issue 13): a tiny model trained from the window on
texts written for this test, then used to re-detect an undecided article (rows checked)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from annotator.core.model import Article, Quote
from annotator.nlp.pipeline import ModelInfo, rules_only_pipeline
from annotator.services import training
from annotator.services.detection import articles_to_detect
from annotator.store.project import Project
from annotator.ui.training_dialogs import TrainDialog, TrainProgressDialog, model_name_problem
from tests.ui.conftest import open_window

SPEAKERS = [
    "The mayor",
    "A spokeswoman for the port",
    "The union leader",
    "Local farmers",
    "The health minister",
    "Two economists",
    "The head teacher",
    "A police officer",
    "The ferry company",
    "Shop owners",
    "The opposition",
    "A hospital doctor",
    "The weather office",
]
CLAIMS = [
    "the new bridge would open before the winter",
    "ticket prices had doubled since March",
    "the strike could last for several weeks",
    "the rain had ruined most of the harvest",
    "waiting lists would shrink by next year",
    "inflation was likely to fall slowly",
    "the school needed more teachers",
    "the road would stay closed until Friday",
    "sailings were cancelled because of the storm",
    "the parking rules were driving customers away",
    "the budget left out the poorest families",
    "the ward was short of nurses every night",
    "the heat would break at the weekend",
]
FILLER = "The meeting ended early. Nobody else spoke to reporters."


def article_text(i: int) -> tuple[str, tuple[int, int]]:
    """An article with one piece of reported speech (no quotation marks) and its span."""
    lead = f"{SPEAKERS[i]} said on Tuesday that "
    text = f"{lead}{CLAIMS[i]}. {FILLER}"
    return text, (len(lead), len(lead) + len(CLAIMS[i]))


def build(path: Path, n_annotated: int = 12) -> int:
    """``n_annotated`` articles with alice's accepted quote each, and one undecided one
    (returned) with only the rules' empty run on it."""
    with Project.open(path) as p:
        for i in range(n_annotated):
            text, content = article_text(i)
            aid, _ = p.add_article(Article(f"Article {i}", text, {}))
            quote = Quote(
                content_spans=(content,),
                speaker_spans=((0, len(SPEAKERS[i])),),
                kind="indirect",
                status="accepted",
                origin="manual",
            )
            p.add_annotation(aid, "alice", quote)
            p.set_progress(aid, "alice", "done")
        text, _ = article_text(n_annotated)
        open_id, _ = p.add_article(Article("Undecided", text, {}))
    return open_id


@pytest.fixture
def models_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's models folder in the test's own folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return training.default_models_dir()


def fill_dialog(name: str) -> Any:
    def exec_(dlg: TrainDialog) -> int:
        dlg.name.setText(name)
        assert dlg.ok.isEnabled()
        return 1

    return exec_


def test_train_from_the_window_then_redetect_with_the_model(
    qtbot: Any, tmp_path: Path, models_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.db"
    open_id = build(path)
    before = [r for r in _rows(path, "annotations")]
    w = open_window(qtbot, path)
    # the window's base pipeline, as loaded at start (no English model: the test stays fast)
    base = rules_only_pipeline()
    w.detection.nlp = base
    w.detection.model_info = ModelInfo("rules-only", True, "")
    w._base_pipeline_loaded()
    assert w.trainer.base_model == "rules-only"
    monkeypatch.setattr(TrainDialog, "exec", fill_dialog("tiny"))
    with qtbot.waitSignal(w.trainer.trained, timeout=120000):
        w.act_train.trigger()
        prog = w.train_dialog
        assert prog is not None and prog.isVisible()
    # the dialog listed the rounds with their dev scores, and ends with the best one
    assert prog.rounds.count() >= 1
    assert "dev F1 all" in prog.rounds.item(0).text()
    assert "Best dev F1" in prog.state.text() and "Saved as tiny" in prog.state.text()
    assert (models_home / "tiny" / "meta.json").is_file()
    assert _rows(path, "annotations") == before  # training never changes the project
    # the new model is offered and, once chosen, named in the status bar
    qtbot.mouseClick(prog.use_button, Qt.MouseButton.LeftButton)
    assert w.detector_label.text() == "Detector: tiny"
    w.detector_menu.aboutToShow.emit()
    assert [a.text() for a in w.detector_menu.actions() if a.isChecked()] == ["tiny"]

    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Ok)
    with qtbot.waitSignal(w.trainer.redetected, timeout=120000):
        w.act_redetect.trigger()
    rows = [r for r in _rows(path, "suggestions") if r["article_id"] == open_id]
    assert rows, "the trained model found nothing in the undecided article"
    assert all("+ tiny" in r["detector_version"] for r in rows)
    text, content = article_text(12)
    found = [tuple(s) for r in rows for s in json.loads(r["content_spans"])]
    # the reported clause (no quotation marks: the rules alone find nothing there)
    assert any(a < content[1] and content[0] < b for a, b in found), (found, content)
    assert all(r["confidence"] is not None for r in rows)
    assert _rows(path, "annotations") == before
    # the model measured its uncertainty there: Ctrl+U goes there and says so
    (unc,) = _rows_by(path, "SELECT * FROM article_uncertainty")
    assert unc["article_id"] == open_id and 0.0 <= unc["uncertainty"] <= 0.5
    w.open_article(1)
    w.activateWindow()
    w.view.setFocus()
    qtbot.waitUntil(lambda: w.isActiveWindow())
    qtbot.keyClick(w.view, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.session.article.id == open_id)
    assert w.statusBar().currentMessage().startswith("Most useful: least sure here (0.")
    assert w.statusBar().toolTip().startswith("tiny is least sure here")
    # articles imported from now on are detected with the chosen model too, once
    qtbot.waitUntil(lambda: w.detection.nlp is w.trainer.nlp)
    text, _ = article_text(0)
    with Project.open(path) as p:
        new_id, _ = p.add_article(Article("Imported later", text + " More news.", {}))
    with qtbot.waitSignal(w.detection.finished, timeout=60000):
        w.detection.start()
    new_rows = _rows_by(
        path, f"SELECT detector_version FROM suggestions WHERE article_id = {new_id}"
    )
    assert new_rows and all("+ tiny@" in r["detector_version"] for r in new_rows)
    with Project.open(path) as p:
        assert articles_to_detect(p) == []  # the rules count as run: not detected again
    # back to the rules: new articles are detected with the base pipeline again
    w.detector_menu.aboutToShow.emit()
    (rules,) = [a for a in w.detector_menu.actions() if a.text() == "Rules (no trained model)"]
    rules.trigger()
    assert (
        w.detection.nlp is base and w.detector_label.text() == "Detector: Rules (no trained model)"
    )


def test_cancel_keeps_the_window_working(
    qtbot: Any, tmp_path: Path, models_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.db"
    build(path)
    w = open_window(qtbot, path)
    w.trainer.base_model = "rules-only"
    options = w.trainer.options(annotators=("alice",), rounds=(5, 5, 5, 5, 5, 5, 5, 5))
    prog = w.start_training("stopped", options)
    assert prog is not None
    # the window answers while training runs: the keys move between articles
    first = w.session.article.id
    w.activateWindow()
    w.view.setFocus()
    qtbot.waitUntil(lambda: w.isActiveWindow())
    qtbot.keyClick(w.view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.session.article.id != first)
    qtbot.mouseClick(prog.cancel_button, Qt.MouseButton.LeftButton)
    assert not prog.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: w.trainer.train_task is None, timeout=120000)
    # stopped: with the best model so far, or with nothing written before the first one
    assert prog.close_button.isVisible()
    model = models_home / "stopped"
    if prog.finished_ok:
        assert (model / "meta.json").is_file()
        assert "Best dev F1" in prog.state.text()
    else:
        assert "Training stopped" in prog.state.text()
        assert not (model / "meta.json").exists()


def test_model_names_are_checked_in_the_dialog(qtbot: Any, models_home: Path) -> None:
    assert model_name_problem("", []) == "Give the model a name."
    assert "cannot hold" in model_name_problem("a/b", [])
    assert "cannot hold" in model_name_problem("..", [])
    assert model_name_problem("ok name", []) == ""
    assert model_name_problem("tiny", ["tiny"]).endswith("replaced.")
    dlg = TrainDialog(["alice", "bob"], "bob", "p-2026", ["p-2026"])
    qtbot.addWidget(dlg)
    assert dlg.annotators() == ("bob",)
    assert dlg.ok.isEnabled() and "replaced" in dlg.problem.text()
    dlg.name.setText("x:y")
    assert not dlg.ok.isEnabled()
    dlg.name.setText("fine")
    dlg.who.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert not dlg.ok.isEnabled()  # nobody to learn from
    dlg.from_gold.setChecked(True)
    assert dlg.ok.isEnabled() and dlg.gold() and dlg.annotators() == ()
    assert dlg.dev_fraction() == 0.2


def test_the_model_folder_is_picked_in_the_dialog(
    qtbot: Any, tmp_path: Path, models_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "my models"
    (elsewhere / "old").mkdir(parents=True)
    (elsewhere / "old" / "meta.json").write_text(
        json.dumps({"quote_annotator": {"trained_at": "x"}}), encoding="utf-8"
    )
    (elsewhere / "notes").mkdir()
    asked: list[str] = []

    def pick(_parent: Any, _title: str, start: str) -> str:
        asked.append(start)
        return str(elsewhere)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", pick)
    dlg = TrainDialog(
        ["alice"],
        "alice",
        "new",
        [],
        taken_in=lambda folder: [m.name for m in training.list_trained_models(folder)],
    )
    qtbot.addWidget(dlg)
    # the user's models folder by default, and the picker opens there
    assert dlg.folder() == models_home and dlg.model_dir() == models_home / "new"
    qtbot.mouseClick(dlg.folder_button, Qt.MouseButton.LeftButton)
    assert asked == [str(models_home)]
    assert dlg.folder() == elsewhere and dlg.model_dir() == elsewhere / "new"
    assert dlg.ok.isEnabled() and dlg.problem.text() == ""
    # the names of that folder are checked: a model is replaced, anything else refused
    dlg.name.setText("old")
    assert dlg.ok.isEnabled() and "replaced" in dlg.problem.text()
    dlg.name.setText("notes")
    assert not dlg.ok.isEnabled() and "is not a trained model" in dlg.problem.text()
    dlg.name.setText("new")
    dlg.folder_edit.setText(str(tmp_path / "no such folder"))
    assert not dlg.ok.isEnabled() and "does not exist" in dlg.problem.text()
    # a second pick starts where the last one went
    dlg.folder_edit.setText(str(elsewhere))
    qtbot.mouseClick(dlg.folder_button, Qt.MouseButton.LeftButton)
    assert asked[-1] == str(elsewhere) and dlg.ok.isEnabled()


def test_a_model_trained_into_another_folder_is_used_from_there(
    qtbot: Any, tmp_path: Path, models_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.db"
    open_id = build(path)
    elsewhere = tmp_path / "shared models"
    elsewhere.mkdir()
    w = open_window(qtbot, path)
    w.detection.nlp = rules_only_pipeline()
    w.detection.model_info = ModelInfo("rules-only", True, "")
    w._base_pipeline_loaded()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a: str(elsewhere))

    def exec_(dlg: TrainDialog) -> int:
        dlg.name.setText("team")
        dlg.folder_button.click()
        assert dlg.ok.isEnabled()
        return 1

    monkeypatch.setattr(TrainDialog, "exec", exec_)
    with qtbot.waitSignal(w.trainer.trained, timeout=120000):
        w.act_train.trigger()
        prog = w.train_dialog
        assert prog is not None
    assert (elsewhere / "team" / "meta.json").is_file()
    assert not (models_home / "team").exists()
    qtbot.mouseClick(prog.use_button, Qt.MouseButton.LeftButton)
    # chosen by its folder: named in the status bar and ticked in the menu
    assert w.detector_label.text() == "Detector: team"
    w.detector_menu.aboutToShow.emit()
    assert [a.text() for a in w.detector_menu.actions() if a.isChecked()] == ["team"]
    with Project.open(path) as p:
        from annotator.services.project_settings import detector_choice

        assert detector_choice(p) == str((elsewhere / "team").resolve())
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Ok)
    with qtbot.waitSignal(w.trainer.redetected, timeout=120000):
        w.act_redetect.trigger()
    rows = [r for r in _rows(path, "suggestions") if r["article_id"] == open_id]
    assert rows and all("+ team@" in r["detector_version"] for r in rows)


def _rows_by(path: Path, sql: str) -> list[dict[str, Any]]:
    with Project.open(path) as p:
        return list(p.db.query(sql))


def _rows(path: Path, table: str) -> list[dict[str, Any]]:
    with Project.open(path) as p:
        return list(p.db.query(f"SELECT * FROM {table} ORDER BY id"))


FIGURES = {
    "all_lenient_f1": 2 / 3,
    "all_strict_f1": 0.5,
    "all_lenient_p": 0.75,
    "all_lenient_r": 0.6,
    "direct_lenient_f1": 0.4,
    "direct_strict_f1": 0.25,
    "speaker_name_acc": 0.8,
}


@pytest.mark.parametrize(
    ("epoch", "dev", "seconds", "best", "expected"),
    [
        (
            1,
            {**FIGURES, "direct_gold": 3},
            1.2,
            True,
            "Round 1: dev F1 all 66.7 (strict 50.0), direct 40.0 · 1.2 s — best so far",
        ),
        (
            12,
            {**FIGURES, "direct_gold": 0},
            1234.5,
            True,
            "Round 12: dev F1 all 66.7 (strict 50.0), direct n/a (no direct quote held out)"
            " · 1234.5 s — best so far",
        ),
        (
            100,
            {**FIGURES, "all_lenient_f1": 1.0, "all_strict_f1": 0.0},
            0.04,
            False,
            "Round 100: dev F1 all 100.0 (strict 0.0), direct 40.0 · 0.0 s",
        ),
    ],
)
def test_round_lines_read_as_the_cli_and_fit_without_a_sideways_scroll(
    qtbot: Any, epoch: int, dev: dict[str, float], seconds: float, best: bool, expected: str
) -> None:
    prog = TrainProgressDialog("p_gui-2026-12-01-0512", 8)
    qtbot.addWidget(prog)
    prog.show()
    qtbot.waitExposed(prog)
    for _ in range(3):  # several lines, the last one the one checked
        prog.show_epoch(training.EpochReport(epoch, seconds, 1.0, dev, best))
    assert prog.rounds.item(2).text() == expected
    qtbot.wait(50)  # the list lays its items out
    bar = prog.rounds.horizontalScrollBar()
    assert not bar.isVisible() and bar.maximum() == 0
    room = prog.rounds.viewport().width()
    for row in range(prog.rounds.count()):
        rect = prog.rounds.visualItemRect(prog.rounds.item(row))
        assert rect.left() >= 0 and rect.right() < room, (rect, room)
        # a line wider than the list wraps onto more lines rather than being cut
        lines = -(-prog.rounds.fontMetrics().horizontalAdvance(expected) // room)
        assert rect.height() >= lines * prog.rounds.fontMetrics().lineSpacing()


@pytest.fixture
def three_people(tmp_path: Path) -> Path:
    """alice with two accepted quotes, bob with one, rita (a reviewer) with none."""
    path = tmp_path / "people.db"
    text = "“Rates stay put,” the governor said. “Not for long,” an economist replied."
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Rates", text))
        for who, spans in (("alice", [(0, 17), (37, 52)]), ("bob", [(0, 17)])):
            for a, b in spans:
                p.add_annotation(aid, who, Quote(content_spans=((a, b),), status="accepted"))
        p.annotator_id("rita")
    return path


def _train_dialog(qtbot: Any, path: Path, me: str) -> TrainDialog:
    dlg = TrainDialog(["alice", "bob", "rita"], me, "p-2026", [], project_path=path)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.who.item(0).text() != "alice", timeout=60000)
    return dlg


def test_training_never_defaults_to_an_annotator_without_quotes(
    qtbot: Any, three_people: Path, models_home: Path
) -> None:
    """Issue 16 (the kind of the dashboard's ticked reviewer): rita opening Train ticked
    only herself, with nothing to learn from."""
    dlg = _train_dialog(qtbot, three_people, "rita")
    texts = [dlg.who.item(i).text() for i in range(3)]
    assert texts == ["alice (2)", "bob (1)", "rita (0)"]
    assert dlg.annotators() == ("alice", "bob") and dlg.ok.isEnabled()
    mine = _train_dialog(qtbot, three_people, "bob")
    assert mine.annotators() == ("bob",)  # mine, when I have some


def test_ticks_made_before_the_counts_arrive_are_kept(
    qtbot: Any, three_people: Path, models_home: Path
) -> None:
    dlg = TrainDialog(["alice", "bob", "rita"], "rita", "p-2026", [], project_path=three_people)
    qtbot.addWidget(dlg)
    dlg.who.item(1).setCheckState(Qt.CheckState.Checked)  # bob, by hand
    qtbot.waitUntil(lambda: dlg.who.item(0).text() != "alice", timeout=60000)
    assert dlg.annotators() == ("bob", "rita")


@pytest.mark.parametrize("wait_rounds", (0, 1))
def test_ctrl_q_in_the_training_dialog_quits_and_leaves_a_whole_model_or_none(
    qtbot: Any, tmp_path: Path, models_home: Path, wait_rounds: int
) -> None:
    """The progress dialog has the focus while training runs: Ctrl+Q there closes the
    window (it did nothing: the main window's shortcut is not seen from another window)
    and training stops with it; the models folder holds a whole model or nothing."""
    path = tmp_path / "p.db"
    build(path)
    before = _rows(path, "annotations")
    w = open_window(qtbot, path)
    w.trainer.base_model = "rules-only"
    options = w.trainer.options(annotators=("alice",), rounds=(5,) * 40)
    reports: list[Any] = []
    w.trainer.epoch.connect(reports.append)
    prog = w.start_training("quit", options)
    assert prog is not None
    prog.activateWindow()
    prog.rounds.setFocus()
    qtbot.waitUntil(lambda: prog.isActiveWindow())
    qtbot.waitUntil(lambda: len(reports) >= wait_rounds, timeout=60000)
    task = w.trainer.train_task
    assert task is not None and task.child_pid
    qtbot.keyClick(prog.rounds, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not w.isVisible() and w._closing
    # training (a child process, issue 16) ended in the close: no process is left
    assert task.cancelled and not task.running()
    with pytest.raises(ProcessLookupError):
        os.kill(task.child_pid, 0)
    model = models_home / "quit"
    assert [p.name for p in models_home.iterdir()] == (["quit"] if model.exists() else [])
    if model.exists():
        import spacy

        assert "annotator_learned_quotes" in spacy.load(model).pipe_names
    assert len(reports) < 40
    assert _rows(path, "annotations") == before
