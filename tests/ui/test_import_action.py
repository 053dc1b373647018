"""File > Import folder… in the main window: a background import, then the list and report."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from annotator.store.project import Project
from annotator.ui.main_window import MainWindow

FIRST = 'Harbour reopens\n\n"Boats are back," the harbour master said on Tuesday.\n'
SECOND = "Library extends hours\n\nThe council said the library would stay open until ten.\n"


def _titles(path: Path) -> list[str]:
    with Project.open(path) as p:
        return [p.article(i).title for i in p.article_ids()]


def test_import_folder_adds_articles_and_reports_the_empty_file(
    qtbot: Any, project_path: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "harbour.txt").write_text(FIRST, encoding="utf-8")
    (folder / "library.txt").write_text(SECOND, encoding="utf-8")
    (folder / "blank.txt").write_text("", encoding="utf-8")
    before = len(_titles(project_path))

    w = MainWindow(project_path, annotator="alice", load_model=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    assert w.act_import_files.shortcut().toString() == "Ctrl+I"
    assert w.act_import_folder.isEnabled()
    monkeypatch.setattr(w, "ask_import_folder", lambda: str(folder))
    rows_before = w.article_list.model.rowCount()

    with qtbot.waitSignal(w.import_finished, timeout=60000):
        w.act_import_folder.trigger()
    qtbot.waitUntil(lambda: w.importer.task is None)

    # the project file has the two new articles
    with Project.open(project_path) as p:
        ids = p.article_ids()
        texts = [p.article(i).text for i in ids]
    assert len(ids) == before + 2
    assert any("Boats are back" in t for t in texts)
    assert any("library would stay open" in t for t in texts)

    # the list shows them
    model = w.article_list.model
    assert model.rowCount() == rows_before + 2
    for ident in ids:
        assert model.row_of(ident) is not None

    # the report names the empty file as failed, and the status bar has the summary
    report = w.importer.last_report
    assert report is not None and report.articles_added == 2
    assert any("blank.txt" in line and "failed" in line for line in report.lines())
    assert "1 failed" in w.info_label.text()
    assert w.importer.report_box is not None
    assert "blank.txt" in w.importer.report_box.detailedText()
    assert not w.import_bar.isVisible()
    assert w.act_import_folder.isEnabled()


def test_import_is_off_in_read_only_mode(qtbot: Any, project_path: Path, monkeypatch: Any) -> None:
    project_path.chmod(stat.S_IRUSR)
    if os.access(project_path, os.W_OK):  # root ignores the bits: make the check see them
        monkeypatch.setattr(os, "access", lambda p, mode: mode != os.W_OK)
    w = MainWindow(project_path, annotator="alice", load_model=False)
    qtbot.addWidget(w)
    assert w.readonly
    assert not w.act_import_files.isEnabled()
    assert not w.act_import_folder.isEnabled()
    called: list[bool] = []
    monkeypatch.setattr(w, "ask_import_files", lambda: called.append(True) or [])
    w.import_files()
    assert called == [] and w.importer.task is None


def test_imported_articles_are_detected_when_the_model_is_loaded(
    qtbot: Any, project_path: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    from annotator.nlp.detect import DETECTOR_VERSION
    from annotator.nlp.pipeline import ModelInfo, rules_only_pipeline

    def loader() -> tuple[Any, Any]:
        return rules_only_pipeline(), ModelInfo("rules-only", True, "rules only, for tests")

    new = tmp_path / "harbour.txt"
    new.write_text(FIRST, encoding="utf-8")
    w = MainWindow(project_path, annotator="alice", pipeline_loader=loader)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.detection.nlp is not None and w.detection.task is None, timeout=60000)
    monkeypatch.setattr(w, "ask_import_files", lambda: [str(new)])
    with qtbot.waitSignal(w.import_finished, timeout=60000):
        w.act_import_files.trigger()
    assert w.importer.report_box is None  # nothing failed: no box
    qtbot.waitUntil(lambda: w.detection.task is None, timeout=60000)
    with Project.open(project_path) as p:
        assert p.articles_without_suggestions(DETECTOR_VERSION) == []
    w.close()


def test_import_task_cancelled_before_work_imports_nothing(
    qtbot: Any, project_path: Path, tmp_path: Path
) -> None:
    from annotator.ui.workers import ImportTask

    new = tmp_path / "harbour.txt"
    new.write_text(FIRST, encoding="utf-8")
    task = ImportTask(project_path, [str(new)], "alice")
    task.cancel()
    with qtbot.waitSignal(task.signals.finished, timeout=60000) as blocker:
        task.run()
    assert blocker.args[0].articles_added == 0
    assert len(_titles(project_path)) == 2


def test_the_no_quotes_note_is_true_the_window_suggests_quotes(
    qtbot: Any, tmp_path: Path, run_cli: Any, monkeypatch: Any
) -> None:
    """What `annotator import` promises for files without quotes: opening the project in
    the window runs the detector on them, and the window's own import says the same."""
    from annotator.nlp.detect import DETECTOR_VERSION
    from annotator.nlp.pipeline import ModelInfo, rules_only_pipeline

    def loader() -> tuple[Any, Any]:
        return rules_only_pipeline(), ModelInfo("rules-only", True, "rules only, for tests")

    project = tmp_path / "p.db"
    harbour = tmp_path / "harbour.txt"
    harbour.write_text(FIRST, encoding="utf-8")
    res = run_cli("import", str(project), str(harbour), "--quiet")
    assert "The imported file held no quotes. The detector will suggest" in res.stdout
    with Project.open(project) as p:
        (aid,) = p.article_ids()
        assert p.suggestions(aid, DETECTOR_VERSION) == []

    w = MainWindow(project, annotator="alice", pipeline_loader=loader)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.detection.nlp is not None and w.detection.task is None, timeout=60000)
    with Project.open(project) as p:
        (suggestion,) = p.suggestions(aid, DETECTOR_VERSION)
        text = p.article(aid).text
    ((a, b),) = suggestion.quote.content_spans
    assert text[a:b] == "Boats are back"

    library = tmp_path / "library.txt"
    library.write_text(SECOND, encoding="utf-8")
    monkeypatch.setattr(w, "ask_import_files", lambda: [str(library)])
    with qtbot.waitSignal(w.import_finished, timeout=60000):
        w.act_import_files.trigger()
    assert w.info_label.text() == (
        "Imported 1 article and 0 quotes from 1 file. The imported file held no quotes. "
        "The detector will suggest quotes in it in the background."
    )
    qtbot.waitUntil(lambda: w.detection.task is None, timeout=60000)
    with Project.open(project) as p:
        assert p.articles_without_suggestions(DETECTOR_VERSION) == []
    w.close()


def test_an_import_stopped_by_another_programs_lock_says_so(
    qtbot: Any, project_path: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    import sqlite3

    monkeypatch.setattr("annotator.store.db._BUSY_TIMEOUT_S", 0.3)
    # in the window's process, so that the shorter busy timeout applies to the import
    monkeypatch.setattr("annotator.ui.workers.ImportTask.in_child", False)
    new = tmp_path / "harbour.txt"
    new.write_text(FIRST, encoding="utf-8")
    w = MainWindow(project_path, annotator="alice", load_model=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    other = sqlite3.connect(project_path, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        monkeypatch.setattr(w, "ask_import_files", lambda: [str(new)])
        with qtbot.waitSignal(w.import_finished, timeout=60000):
            w.act_import_files.trigger()
    finally:
        other.execute("ROLLBACK")
        other.close()
    report = w.importer.last_report
    assert report is not None and report.stopped.endswith(
        "is locked by another program (waited 0.3 s)"
    )
    assert w.info_label.text().startswith(f"The import stopped: {project_path}: is locked")
    assert w.importer.report_box is not None
    assert f"{new}: not imported: " in w.importer.report_box.detailedText()
    assert len(_titles(project_path)) == 2  # the fixture's two; nothing half-written
    w.close()
