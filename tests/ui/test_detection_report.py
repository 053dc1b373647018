"""An article the detector fails on is shown to the user: a status-bar message, a lasting
note, and File > Detection report naming the article and the reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from annotator.core.model import Article
from annotator.store.project import Project
from annotator.ui.main_window import MainWindow

BROKEN = "Broken wire story"
TRIGGER = "GARBLED"


@Language.component("test_fails_on_garbled")
def _fails_on_garbled(doc: Doc) -> Doc:
    if TRIGGER in doc.text:
        raise RuntimeError("the parser broke on this text")
    return doc


def _loader() -> Any:
    from annotator.nlp.pipeline import ModelInfo, rules_only_pipeline

    def load() -> tuple[Any, Any]:
        nlp = rules_only_pipeline()
        nlp.add_pipe("test_fails_on_garbled", first=True)
        return nlp, ModelInfo("rules-only", True, "rules only, for tests")

    return load


def _add(path: Path, *texts: tuple[str, str]) -> list[int]:
    with Project.open(path) as p:
        return [p.add_article(Article(title, text))[0] for title, text in texts]


def _run_detection(qtbot: Any, path: Path) -> MainWindow:
    w = MainWindow(path, annotator="alice", pipeline_loader=_loader())
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.detection.nlp is not None, timeout=60000)
    qtbot.waitUntil(lambda: w.detection.task is None, timeout=60000)
    return w


def test_a_skipped_article_is_shown_and_reported(qtbot: Any, project_path: Path) -> None:
    from annotator.nlp.detect import DETECTOR_VERSION

    (broken,) = _add(project_path, (BROKEN, f'"It is {TRIGGER} here," said Lee.'))
    w = _run_detection(qtbot, project_path)
    message = w.statusBar().currentMessage()
    assert "Detection finished: 3 articles." in message
    assert "1 article skipped" in message and "Detection report" in message
    assert "1 article skipped" in w.status.info_label.text()
    # the other articles were detected
    with Project.open(project_path, readonly=True) as p:
        others = [a for a in p.article_ids() if a != broken]
        assert all(p.suggestions(a, DETECTOR_VERSION) for a in others[1:])
        assert p.suggestions(broken, DETECTOR_VERSION) == []
    # File > Detection report names the article, its title and the reason
    assert w.act_detect_report.isEnabled()
    w.act_detect_report.trigger()
    box = w.detection.report_box
    assert box is not None
    assert "skipped 1 article" in box.text()
    details = box.detailedText()
    assert f"article {broken}" in details and BROKEN in details
    assert "RuntimeError: the parser broke on this text" in details
    w.close()


def test_several_skipped_articles_and_none(qtbot: Any, project_path: Path) -> None:
    _add(
        project_path,
        ("One", f"{TRIGGER} one."),
        ("Two", f"{TRIGGER} two."),
    )
    w = _run_detection(qtbot, project_path)
    assert "2 articles skipped: the detector failed on them" in w.statusBar().currentMessage()
    w.act_detect_report.trigger()
    box = w.detection.report_box
    assert box is not None and len(box.detailedText().splitlines()) == 2
    w.close()


def test_the_report_says_when_nothing_was_skipped(qtbot: Any, project_path: Path) -> None:
    w = _run_detection(qtbot, project_path)
    assert "skipped" not in w.statusBar().currentMessage()
    assert w.status.info_label.text() == ""
    w.act_detect_report.trigger()
    box = w.detection.report_box
    assert box is not None and "skipped no article" in box.text() and box.detailedText() == ""
    w.close()
