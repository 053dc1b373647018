"""The pipeline in a child process (issue 16): the window detects and finds names there,
so spaCy never holds the window's interpreter lock; the child stores what it detects."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QProcess

from annotator.core.model import Article
from annotator.store.project import Project
from annotator.ui.main_window import MainWindow
from tests.ui.conftest import shown_window

from .conftest import make_project

NEW_TEXT = 'The mayor spoke on Friday. "We will rebuild the bridge," said Kim.'


def _ner_model(folder: Path) -> Path:
    """A tiny pipeline on disk that knows one PERSON, loadable by name in a child."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Kim"}])  # type: ignore[attr-defined]
    nlp.to_disk(folder)
    return folder


def _suggestion_count(path: Path, article_id: int) -> int:
    with Project.open(path, readonly=True) as p:
        return len(p.suggestions(article_id))


def _with_new_article(path: Path) -> int:
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("New one", NEW_TEXT, {"publisher": "Wire"}))
    return aid


def _open(qtbot: Any, path: Path, model: str) -> MainWindow:
    w: MainWindow = shown_window(qtbot, path, model=model, load_model=True)
    return w


def test_the_window_detects_new_articles_in_a_child_process(qtbot: Any, tmp_path: Path) -> None:
    path = make_project(tmp_path / "p.db")
    new = _with_new_article(path)
    assert _suggestion_count(path, new) == 0
    w = _open(qtbot, path, "rules-only")
    det = w.detection
    qtbot.waitUntil(lambda: det.process is not None and det.process.ready, timeout=60000)
    proc = det.process
    assert proc is not None
    assert proc.proc.processId() not in (0, os.getpid())
    # the pipeline lives in the child only
    assert det.nlp is None and "rules-only" in w.model_label.text()
    qtbot.waitUntil(lambda: det.task is None and _suggestion_count(path, new) > 0, timeout=60000)
    # the child stored the quote; the window shows it when the article is opened
    w.open_article(new)
    texts = [w.session.quote_text(it) for it in w.session.items]
    assert any("We will rebuild the bridge" in t for t in texts)
    w.close()
    assert proc.proc.state() == QProcess.ProcessState.NotRunning


def test_names_come_from_the_child_and_are_cached(qtbot: Any, tmp_path: Path) -> None:
    model = _ner_model(tmp_path / "ner")
    path = make_project(tmp_path / "p.db")
    new = _with_new_article(path)
    w = _open(qtbot, path, str(model))
    qtbot.waitUntil(lambda: w.names.remote is not None, timeout=60000)
    w.open_article(new)
    qtbot.waitUntil(lambda: w.names.cached(new) == ["Kim"], timeout=60000)
    assert "Kim" in w.panel.names()
    assert w.names.parse is None  # nothing parsed in this process
    qtbot.waitUntil(lambda: w.detection.task is None, timeout=60000)
    w.close()


def test_closing_the_window_ends_a_running_detection(qtbot: Any, tmp_path: Path) -> None:
    path = make_project(tmp_path / "p.db")
    with Project.open(path) as p, p.batch():
        for i in range(300):
            p.add_article(Article(f"Copy {i}", f"{NEW_TEXT} ({i})" * 20, {}))
    w = _open(qtbot, path, "rules-only")
    det = w.detection
    qtbot.waitUntil(lambda: det.task is not None and bool(det.task.article_ids), timeout=60000)
    assert det.task is not None and det.task.article_ids[:3] == [1, 2, 3]
    proc = det.process
    assert proc is not None
    w.close()
    assert proc.proc.state() == QProcess.ProcessState.NotRunning
    # whatever was stored is whole: each stored article has its detection recorded
    with Project.open(path, readonly=True) as p:
        assert p.articles_without_suggestions("no such version")  # the project still opens


def _serve(path: Path, model: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "annotator.services.model_process", str(path), model],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _ask(child: subprocess.Popen[str], **command: object) -> None:
    assert child.stdin is not None
    child.stdin.write(json.dumps(command) + "\n")
    child.stdin.flush()


def _events(child: subprocess.Popen[str], until: str) -> list[dict[str, Any]]:
    assert child.stdout is not None
    out = []
    for line in child.stdout:
        out.append(json.loads(line))
        if until in out[-1]:
            break
    return out


def test_the_protocol_detects_stores_and_reports(tmp_path: Path) -> None:
    path = make_project(tmp_path / "p.db")
    new = _with_new_article(path)
    child = _serve(path, "rules-only")
    (loaded,) = _events(child, "model")
    assert loaded["model"]["name"] == "rules-only" and loaded["model"]["rules_only"] is True
    _ask(child, detect=True)
    events = _events(child, "done")
    total = events[0]["total"]
    with Project.open(path, readonly=True) as p:
        every = p.article_ids()
    assert total == len(every) == 3
    assert events[-1] == {"done": total}
    # each chunk says which articles it stored, every article once, in order
    stored = [i for e in events if "progress" in e for i in e["stored"]]
    assert stored == every and new in stored
    assert [e["progress"] for e in events if "progress" in e][-1] == [total, total]
    assert _suggestion_count(path, new) > 0
    # a second run finds nothing left to do
    _ask(child, detect=True)
    assert _events(child, "done") == [
        {"total": 0},
        {"progress": [0, 0], "stored": []},
        {"done": 0},
    ]
    assert child.stdin is not None
    child.stdin.close()
    assert child.wait(60) == 0


def test_the_protocol_reports_a_missing_project_and_names(tmp_path: Path) -> None:
    model = _ner_model(tmp_path / "ner")
    child = _serve(tmp_path / "missing.db", str(model))
    (loaded,) = _events(child, "model")
    assert loaded["model"]["entities"] is True
    _ask(child, names=[7, NEW_TEXT])
    assert _events(child, "names") == [{"names": [7, ["Kim"]]}]
    _ask(child, detect=True)
    (err,) = _events(child, "detect_error")
    assert "missing.db" in err["detect_error"]
    assert not (tmp_path / "missing.db").exists()  # nothing created
    assert child.stdin is not None
    child.stdin.close()
    assert child.wait(60) == 0


@pytest.mark.parametrize("argv", [[], ["only-one"], ["a", "b", "c"]])
def test_the_process_says_how_to_call_it(argv: list[str], capsys: Any) -> None:
    from annotator.services.model_process import main

    assert main(argv) == 2
    assert "usage:" in capsys.readouterr().err


def test_a_window_gone_mid_detection_ends_the_child_quietly(tmp_path: Path) -> None:
    path = make_project(tmp_path / "p.db")
    child = subprocess.Popen(
        [sys.executable, "-m", "annotator.services.model_process", str(path), "rules-only"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _events(child, "model")
    assert child.stdout is not None and child.stdin is not None
    child.stdout.close()  # the window's end of the pipe goes away
    _ask(child, detect=True)
    child.stdin.close()
    assert child.wait(60) == 0
    assert child.stderr is not None
    assert "Traceback" not in child.stderr.read()


# -- a child that ends unasked, a model folder that is not there (issue 13) -----------------


def _kill_child(w: MainWindow) -> None:
    proc = w.detection.process
    assert proc is not None and proc.ready
    os.kill(int(proc.proc.processId()), 9)


def test_a_killed_detection_child_is_restarted_twice_then_the_window_says_so(
    qtbot: Any, tmp_path: Path
) -> None:
    path = make_project(tmp_path / "p.db")
    w = _open(qtbot, path, "rules-only")
    det = w.detection
    said: list[str] = []
    det.message.connect(lambda text, _ms: said.append(text))
    qtbot.waitUntil(lambda: det.process is not None and det.process.ready, timeout=60000)
    qtbot.waitUntil(lambda: det.task is None, timeout=60000)
    # an article arrives while the child is down: the restarted child detects it
    new = _with_new_article(path)
    first = det.process
    _kill_child(w)
    qtbot.waitUntil(lambda: any("restarting (1 of 2)" in t for t in said), timeout=60000)
    assert any(t.startswith("Detector stopped") for t in said)
    assert not any("could not be loaded" in t for t in said)
    qtbot.waitUntil(lambda: det.process is not None and det.process.ready, timeout=60000)
    assert det.process is not first
    qtbot.waitUntil(lambda: _suggestion_count(path, new) > 0, timeout=60000)
    qtbot.waitUntil(lambda: det.task is None, timeout=60000)
    _kill_child(w)
    qtbot.waitUntil(lambda: any("restarting (2 of 2)" in t for t in said), timeout=60000)
    qtbot.waitUntil(lambda: det.process is not None and det.process.ready, timeout=60000)
    _kill_child(w)
    qtbot.waitUntil(lambda: any("stopped 3 times" in t for t in said), timeout=60000)
    assert det.process is None
    assert "stopped" in w.model_label.text()
    assert "stopped 3 times" in w.statusBar().currentMessage()
    assert not w.act_detect.isEnabled()
    w.close()


def test_a_missing_model_folder_is_named_and_the_default_model_used(
    qtbot: Any, tmp_path: Path
) -> None:
    path = make_project(tmp_path / "p.db")
    new = _with_new_article(path)
    missing = tmp_path / "no" / "such-model"
    w = _open(qtbot, path, str(missing))
    det = w.detection
    said: list[str] = []
    det.message.connect(lambda text, _ms: said.append(text))
    qtbot.waitUntil(lambda: det.process is not None and det.process.ready, timeout=120000)
    qtbot.waitUntil(lambda: any(str(missing) in t for t in said), timeout=60000)
    (note,) = [t for t in said if str(missing) in t]
    assert "does not exist" in note and "instead" in note
    assert "rules only" in note or "base model" in note
    assert "could not be loaded" not in " ".join(said)
    # the model's label says it too (a passing message is cut short beside the bars)
    assert f"({missing} not found)" in w.model_label.text()
    # the stand-in detects
    qtbot.waitUntil(lambda: _suggestion_count(path, new) > 0, timeout=120000)
    w.close()


@pytest.mark.parametrize(
    ("model", "missing"),
    [
        ("en_core_web_sm", False),  # a package name: spaCy looks it up, not a folder
        ("rules-only", False),
        ("", False),
        ("/no/such/folder", True),
        ("./not-here", True),
        ("~/not-here-either-3141", True),
    ],
)
def test_which_models_are_missing_folders(model: str, missing: bool) -> None:
    from annotator.services.model_process import missing_folder

    assert missing_folder(model) == (model if missing else "")


def test_an_existing_folder_is_not_missing(tmp_path: Path) -> None:
    from annotator.services.model_process import missing_folder

    assert missing_folder(str(tmp_path)) == ""


# -- a window gone mid-detection: the child lets go of the project at once ----------------

LONG_TEXT = " ".join(
    f'Paragraph {i}. "The harbour will stay open until the storm passes," said pilot '
    f"Ann Berg {i}. The council said it would meet again on Monday to decide."
    for i in range(40)
)


@pytest.mark.parametrize("commands", [['{"detect": true}'], ['{"redetect": true}']])
def test_end_of_input_mid_job_leaves_without_closing_the_project(
    tmp_path: Path, commands: list[str]
) -> None:
    """The window gone (closed or killed) while a job runs: the child leaves at once
    (``os._exit``) instead of finishing its chunk and closing its connection, which
    checkpoints and deletes ``NAME.db-wal`` by name, seconds after the window died, when
    the user may already have a new project of that name. What was stored before stays,
    and the project opens whole."""
    import io

    from annotator.services import model_process

    path = tmp_path / "p.db"
    with Project.open(path) as p:
        for i in range(200):
            p.add_article(Article(f"Long {i}", f"Article {i}. {LONG_TEXT}", {}))
    left: list[int] = []
    out = io.StringIO()
    status = model_process.serve(
        path, "rules-only", io.StringIO("\n".join(commands) + "\n"), out, leave=left.append
    )
    assert left == [0] and status == 0
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    assert "model" in events[0]
    with Project.open(path, readonly=True) as reader:
        assert len(reader.article_ids()) == 200
        assert reader.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_end_of_input_while_idle_ends_normally(tmp_path: Path) -> None:
    import io

    from annotator.services import model_process

    path = make_project(tmp_path / "p.db")
    left: list[int] = []
    out = io.StringIO()
    stdin = io.StringIO(json.dumps({"names": [1, NEW_TEXT]}) + "\n")
    assert model_process.serve(path, "rules-only", stdin, out, leave=left.append) == 0
    assert left == []
