"""A trained detector loads and detects in the detection process, never in the window's
(issue 13); it is named name@hash8; "Choose model folder…" takes one from anywhere;
re-detecting when nothing is undecided says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from annotator.core.model import Article, Quote
from annotator.nlp.detect import DETECTOR_VERSION, model_detector_version
from annotator.store.project import Project
from annotator.ui.main_window import MainWindow

TEXTS = (
    'Prices rose again. "We cannot wait any longer," said Kim Lee. Kim said the vote '
    "would come on Monday.",
    'The council met on Friday. "The bridge stays open," the mayor said. She added that '
    "repairs would take a year.",
    "Unions said the strike would go on. Their leader told reporters that talks had failed.",
)


def _project(path: Path) -> Path:
    with Project.open(path) as p:
        for i, text in enumerate(TEXTS):
            p.add_article(Article(f"Story {i}", text, {}))
    return path


def _window(qtbot: Any, path: Path, monkeypatch: Any) -> MainWindow:
    # nothing of spaCy may load in the window's process: only in the child
    import annotator.nlp.pipeline as pipeline

    def refuse(*_a: Any, **_k: Any) -> Any:
        raise AssertionError("a pipeline was loaded in the window's process")

    monkeypatch.setattr(pipeline, "load_pipeline", refuse)
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Ok)
    w = MainWindow(path, model="rules-only", annotator="alice", load_model=True)
    qtbot.addWidget(w)
    w.show()
    det = w.detection
    qtbot.waitUntil(lambda: det.process is not None and det.process.ready, timeout=60000)
    qtbot.waitUntil(lambda: det.task is None, timeout=60000)
    return w


def _versions(path: Path) -> set[str]:
    with Project.open(path, readonly=True) as p:
        return {
            str(r[0]) for r in p.db.execute("SELECT DISTINCT detector_version FROM suggestions")
        }


def test_a_model_folder_chosen_anywhere_loads_and_redetects_in_the_child(
    qtbot: Any, tmp_path: Path, monkeypatch: Any, tiny_model: Path
) -> None:
    path = _project(tmp_path / "p.db")
    w = _window(qtbot, path, monkeypatch)
    det, tr = w.detection, w.trainer
    said: list[str] = []
    tr.message.connect(lambda text, _ms: said.append(text))
    assert _versions(path) == {DETECTOR_VERSION}  # the rules ran at start
    first = det.process
    monkeypatch.setattr(w, "ask_model_folder", lambda: str(tiny_model))
    w.detector_menu.aboutToShow.emit()
    (entry,) = [a for a in w.detector_menu.actions() if a.text() == "Choose model folder…"]
    entry.trigger()
    # the child is started again with the model; it loads there
    qtbot.waitUntil(
        lambda: det.process is not None and det.process is not first and det.process.ready,
        timeout=60000,
    )
    assert det.process_model == str(tiny_model.resolve())
    assert det.nlp is None and tr.nlp is None  # nothing loaded in this process
    version = model_detector_version(str(tiny_model))
    hash8 = version.rsplit("@", 1)[1]
    assert len(hash8) == 8
    qtbot.waitUntil(lambda: w.detector_label.text() == f"Detector: {tiny_model.name}@{hash8}")
    with Project.open(path, readonly=True) as p:
        assert p.get_setting("detector_model") == str(tiny_model.resolve())
    # Re-detect undecided articles: the child stores the trained detector's suggestions
    with qtbot.waitSignal(tr.redetected, timeout=60000):
        w.redetect_undecided()
    assert any(t.startswith("Re-detected 3 undecided articles") for t in said), said
    assert version in _versions(path)
    # a new article is detected by the trained model too, and counts as the rules' run
    with Project.open(path) as p:
        new, _ = p.add_article(Article("New", '"We will see," said Kim.', {}))
    w.detection.start()
    qtbot.waitUntil(lambda: det.task is None, timeout=60000)
    with Project.open(path, readonly=True) as p:
        got = {
            str(r[0])
            for r in p.db.execute(
                "SELECT DISTINCT detector_version FROM suggestions WHERE article_id = ?", [new]
            )
        }
        assert got == {version}
        assert new not in p.articles_without_suggestions(DETECTOR_VERSION)
    w.close()


def test_a_folder_that_is_no_model_is_refused(qtbot: Any, tmp_path: Path, monkeypatch: Any) -> None:
    path = _project(tmp_path / "p.db")
    w = MainWindow(path, annotator="alice", load_model=False)
    qtbot.addWidget(w)
    (tmp_path / "plain").mkdir()
    monkeypatch.setattr(w, "ask_model_folder", lambda: str(tmp_path / "plain"))
    w.choose_model_folder()
    assert "is not a trained model folder" in w.statusBar().currentMessage()
    assert w.trainer.choice is None
    assert w.detector_label.text() == "Detector: Rules (no trained model)"
    w.close()


@pytest.mark.parametrize("child", [True, False])
def test_redetect_with_nothing_undecided_says_so(
    qtbot: Any, tmp_path: Path, monkeypatch: Any, child: bool
) -> None:
    path = _project(tmp_path / "p.db")
    with Project.open(path) as p:
        ids = p.article_ids()
        # one article decided by a quote, one marked done, one with a rejected suggestion
        p.add_annotation(ids[0], "alice", Quote(((0, 10),), kind="indirect", status="accepted"))
        p.set_progress(ids[1], "alice", "done")
        p.add_annotation(ids[2], "bob", Quote(((0, 10),), kind="indirect", status="rejected"))
    if child:
        w = _window(qtbot, path, monkeypatch)
    else:
        monkeypatch.setattr(
            QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Ok
        )
        w = MainWindow(path, annotator="alice", load_model=False)
        qtbot.addWidget(w)
        from annotator.nlp.pipeline import rules_only_pipeline

        w._base_nlp = rules_only_pipeline()
    before = _versions(path)
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **_k: asked.append(a[2]))
    w.redetect_undecided()
    # counted first (off the window's thread): nothing to ask about, nothing started
    qtbot.waitUntil(lambda: w.statusBar().currentMessage().startswith("Nothing to re-detect"))
    message = w.statusBar().currentMessage()
    assert message.startswith("Nothing to re-detect: no article is undecided"), message
    assert asked == [] and w.trainer.redetect_task is None
    assert _versions(path) == before
    w.close()
