"""Detector > Train from this project runs in a child process (issue 16: a training thread
in the window's process held the interpreter lock and stopped the window for up to 0.9 s).
The child writes the model training in-process writes; Cancel, a cancel the child does not
hear, closing the window and Ctrl+Q each end the child process, and the models folder is
left with a whole model or none."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from annotator.services import training
from annotator.services.training import train_from_project
from annotator.store.project import Project
from annotator.ui.controllers import training as controller
from tests.conftest import make_training_project
from tests.ui.conftest import open_window


@pytest.fixture
def models_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return training.default_models_dir()


def _gone(pid: int) -> bool:
    """No process ``pid`` (ended and reaped: not even a zombie is left)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _crf(model: Path) -> bytes:
    return (model / "annotator_learned_quotes" / "model.crfsuite").read_bytes()


def _whole_or_none(models: Path, name: str) -> None:
    """The folder holds the model whole (it loads) or nothing; no temporary files."""
    left = sorted(p.name for p in models.iterdir())
    assert left == ([name] if (models / name).exists() else []), left
    if (models / name).exists():
        import spacy

        assert "annotator_learned_quotes" in spacy.load(models / name).pipe_names


def _annotations(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as c:
        return c.execute("SELECT * FROM annotations ORDER BY id").fetchall()


@pytest.mark.parametrize(
    ("n", "seed", "dev", "rounds"),
    [
        (12, 0, 0.2, (10, 20)),
        # two trainings each (the child's and the one in-process): 10-15 s under load
        pytest.param(14, 3, 0.4, (5,), marks=pytest.mark.slow),
        pytest.param(16, 7, 0.25, (8, 4, 12), marks=pytest.mark.slow),
    ],
)
def test_the_child_writes_the_model_training_in_process_writes(
    qtbot: Any, tmp_path: Path, models_home: Path, n: int, seed: int, dev: float, rounds: Any
) -> None:
    path = make_training_project(tmp_path / "p.db", n=n)
    before = _annotations(path)
    w = open_window(qtbot, path)
    w.trainer.base_model = "rules-only"
    options = w.trainer.options(annotators=("ann",), rounds=rounds, seed=seed, dev_fraction=dev)
    epochs: list[Any] = []
    stages: list[tuple[str, int, int, str]] = []
    w.trainer.epoch.connect(epochs.append)
    with qtbot.waitSignal(w.trainer.trained, timeout=120000) as blocker:
        prog = w.start_training("child", options)
        assert prog is not None
        task = w.trainer.train_task
        assert task is not None and task.child_pid not in (0, os.getpid())
        pid = task.child_pid
        # while it runs, Cancel is the only button (Detect and Close were shown too)
        qtbot.waitExposed(prog)
        assert prog.cancel_button.isVisible()
        assert not prog.use_button.isVisible() and not prog.close_button.isVisible()
        # connected after the dialog's own slot: the text is the one it shows for it
        w.trainer.train_stage.connect(
            lambda what, done, total: stages.append((what, done, total, prog.state.text()))
        )
    result = blocker.args[0]
    # the steps came through the pipe as they went, and the dialog said each
    n_dev, n_train = result.dev_articles, result.train_articles
    seen = [s[:3] for s in stages]
    assert ("dev", n_dev, n_dev) in seen and ("train", n_train, n_train) in seen
    assert [s for s in seen if s[0] == "round"] == [
        ("round", k, len(rounds)) for k in range(1, len(rounds) + 1)
    ]
    texts = {s[:3]: s[3] for s in stages}
    assert f"parsing the held-out articles ({n_dev} of {n_dev})" in texts[("dev", n_dev, n_dev)]
    assert (
        f"(parsing the articles to learn from ({n_train} of {n_train}))"
        in (texts[("train", n_train, n_train)])
    )
    assert f"(round 1 of {len(rounds)}: learning" in texts[("round", 1, len(rounds))]
    # measured in the child: it ran there (the window's process never trained)
    assert result.peak_rss_mb is not None and result.peak_rss_mb > 0
    qtbot.waitUntil(lambda: _gone(pid), timeout=60000)
    assert w.trainer.train_task is None
    here = train_from_project(path, tmp_path / "in-process", options)
    assert _crf(models_home / "child") == _crf(tmp_path / "in-process") != b""
    assert result.best_dev == here.best_dev
    assert (result.epochs, result.train_articles, result.dev_articles) == (
        here.epochs,
        here.train_articles,
        here.dev_articles,
    )
    assert [r.epoch for r in epochs] == list(range(1, len(rounds) + 1))
    assert prog.rounds.count() == len(rounds)
    assert "Saved as child" in prog.state.text()
    assert prog.use_button.isVisible() and prog.close_button.isVisible()
    assert not prog.cancel_button.isVisible()
    assert _annotations(path) == before  # the child opened the project read-only


@pytest.mark.parametrize("after_rounds", (0, 1, 3))
def test_cancel_ends_the_child_process(
    qtbot: Any, tmp_path: Path, models_home: Path, after_rounds: int
) -> None:
    path = make_training_project(tmp_path / "p.db")
    w = open_window(qtbot, path)
    w.trainer.base_model = "rules-only"
    options = w.trainer.options(annotators=("ann",), rounds=(5,) * 60)
    epochs: list[Any] = []
    w.trainer.epoch.connect(epochs.append)
    prog = w.start_training("cancelled", options)
    assert prog is not None
    task = w.trainer.train_task
    assert task is not None
    pid = task.child_pid
    qtbot.waitUntil(lambda: len(epochs) >= after_rounds, timeout=60000)
    qtbot.mouseClick(prog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.trainer.train_task is None, timeout=60000)
    assert _gone(pid)
    assert len(epochs) < 60
    assert prog.close_button.isVisible()
    if after_rounds:  # a round ended before the cancel: its model stays, whole
        assert prog.finished_ok and "stopped early" in prog.state.text()
    _whole_or_none(models_home, "cancelled")


@pytest.mark.parametrize("after_rounds", (0, 1))
def test_a_child_that_does_not_stop_is_ended_after_the_grace_period(
    qtbot: Any,
    tmp_path: Path,
    models_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    after_rounds: int,
) -> None:
    monkeypatch.setattr(controller, "CANCEL_GRACE_MS", 300)
    path = make_training_project(tmp_path / "p.db")
    w = open_window(qtbot, path)
    w.trainer.base_model = "rules-only"
    options = w.trainer.options(annotators=("ann",), rounds=(5,) * 60)
    epochs: list[Any] = []
    failed: list[str] = []
    w.trainer.epoch.connect(epochs.append)
    w.trainer.train_failed.connect(failed.append)
    prog = w.start_training("deaf", options)
    assert prog is not None
    task = w.trainer.train_task
    assert task is not None
    pid = task.child_pid
    qtbot.waitUntil(lambda: len(epochs) >= after_rounds, timeout=60000)
    # the cancel message never reaches the child (as a child stuck in compiled code)
    monkeypatch.setattr(task.proc, "write", lambda _data: 0)
    qtbot.mouseClick(prog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.trainer.train_task is None, timeout=60000)
    assert _gone(pid)
    (message,) = failed
    assert message.startswith("the training process did not stop in time and was ended")
    assert "Training stopped: the training process did not stop" in prog.state.text()
    _whole_or_none(models_home, "deaf")
    if (models_home / "deaf").exists():
        assert message.endswith("the best model so far stays")


@pytest.mark.parametrize("after_rounds", (0, 1, 2))
def test_closing_the_window_ends_the_child(
    qtbot: Any, tmp_path: Path, models_home: Path, after_rounds: int
) -> None:
    path = make_training_project(tmp_path / "p.db")
    before = _annotations(path)
    w = open_window(qtbot, path)
    w.trainer.base_model = "rules-only"
    options = w.trainer.options(annotators=("ann",), rounds=(5,) * 60)
    epochs: list[Any] = []
    w.trainer.epoch.connect(epochs.append)
    assert w.start_training("closed", options) is not None
    task = w.trainer.train_task
    assert task is not None
    pid = task.child_pid
    qtbot.waitUntil(lambda: len(epochs) >= after_rounds, timeout=60000)
    w.close()
    assert _gone(pid)  # ended (and waited for) inside the close
    _whole_or_none(models_home, "closed")
    assert _annotations(path) == before


def test_the_dialog_lists_the_quotes_left_out(
    qtbot: Any, tmp_path: Path, models_home: Path
) -> None:
    path = make_training_project(tmp_path / "p.db")
    with Project.open(path, create=False, readonly=True) as p:
        (first, *_rest) = list(p.iter_annotation_rows())
        length = len(p.article(first.article_id).text)
    with sqlite3.connect(path) as c:
        c.execute(
            "UPDATE annotations SET content_spans = ? WHERE id = ?",
            (f"[[2, {length + 5}]]", first.id),
        )
    w = open_window(qtbot, path)
    w.trainer.base_model = "rules-only"
    options = w.trainer.options(annotators=("ann",), rounds=(5,))
    with qtbot.waitSignal(w.trainer.trained, timeout=120000) as blocker:
        prog = w.start_training("tampered", options)
        assert prog is not None
    (line,) = blocker.args[0].left_out
    assert line.startswith(f"article {first.article_id}, quote {first.id}: content span [2,")
    assert "1 accepted quote was left out" in prog.state.text()
    items = [prog.rounds.item(i).text() for i in range(prog.rounds.count())]
    assert items[-1] == f"Left out: {line}"
