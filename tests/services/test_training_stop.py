"""Training stopped in each of its steps (issue 16: Ctrl+Q and Cancel must not wait for a
whole step of a large project): what is left in the models folder and in the project."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import spacy

from annotator.services import training
from annotator.services.training import (
    EpochReport,
    TrainingCancelled,
    TrainOptions,
    model_info,
    train_from_project,
)
from annotator.store.project import Project
from tests.conftest import make_training_project

OPTIONS = TrainOptions(base_model="rules-only", rounds=(10, 20, 30))


def _state(db: Path) -> tuple[list[tuple[int, int, dict[str, object]]], str]:
    with Project.open(db, create=False, readonly=True) as project:
        rows = [(r.id, r.article_id, r.quote.to_json()) for r in project.iter_annotation_rows()]
    return rows, hashlib.sha256(db.read_bytes()).hexdigest()


def stop_in(step: str, after_rounds: int, reports: list[EpochReport]) -> Callable[[], bool]:
    """A ``should_stop`` that turns true (and stays so) the first time it is polled from
    the function named ``step`` once ``after_rounds`` rounds have ended."""
    seen: list[str] = []

    def stop() -> bool:
        caller = sys._getframe(2).f_code.co_name  # stop <- over <- the step polling
        if not seen and caller == step and len(reports) >= after_rounds:
            seen.append(caller)
        return bool(seen)

    stop.seen = seen  # type: ignore[attr-defined]
    return stop


# the steps by the function that polls: reading the annotations, parsing (before each
# pipeline component), the features of each article, CRFsuite's log (its feature
# generation and iterations), the dev part's scoring at each floor
STEPS = ("_read_rows", "_check", "train_parsed", "message", "_dev_table", "figures_of")


@pytest.mark.parametrize("step", STEPS)
def test_stopped_before_the_first_round_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    monkeypatch.setattr(training, "POLL_ROWS", 1)  # the tiny project polls at every row
    db = make_training_project(tmp_path / "p.db")
    before = _state(db)
    reports: list[EpochReport] = []
    stop = stop_in(step, 0, reports)
    with pytest.raises(TrainingCancelled, match="nothing was written"):
        train_from_project(db, tmp_path / "m", OPTIONS, progress=reports.append, should_stop=stop)
    assert stop.seen == [step]  # type: ignore[attr-defined]
    assert reports == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.db"]  # no folder, no temp file
    assert _state(db) == before


@pytest.mark.parametrize("step", ("message", "_dev_table", "figures_of"))
@pytest.mark.parametrize("rounds_done", (1, 2))
def test_stopped_in_a_later_round_keeps_the_best_so_far(
    tmp_path: Path, step: str, rounds_done: int
) -> None:
    db = make_training_project(tmp_path / "p.db")
    before = _state(db)
    reports: list[EpochReport] = []
    stop = stop_in(step, rounds_done, reports)
    result = train_from_project(
        db, tmp_path / "m", OPTIONS, progress=reports.append, should_stop=stop
    )
    assert stop.seen == [step]  # type: ignore[attr-defined]
    assert result.stopped_early and result.epochs == rounds_done == len(reports)
    best = max((r for r in reports if r.best), key=lambda r: r.epoch)
    info = model_info(tmp_path / "m")
    assert info is not None and info.best_dev == pytest.approx(best.dev)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m", "p.db"]
    nlp = spacy.load(tmp_path / "m")
    assert "annotator_learned_quotes" in nlp.pipe_names
    assert _state(db) == before


def test_a_stop_during_the_read_interrupts_the_statement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stop that comes while SQLite runs a statement ends it (the read of 100,000
    articles' annotations took a minute before its first row)."""
    db = make_training_project(tmp_path / "p.db")
    monkeypatch.setattr(training, "POLL_ROWS", 10**9)  # only the statement's own checks
    real = Project.stop_when
    # the tiny project's statements are short: SQLite asks at every step here
    monkeypatch.setattr(Project, "stop_when", lambda self, stop: real(self, stop, every=1))
    asked: list[str] = []

    def stop() -> bool:
        # the progress handler of Project.stop_when, in annotator/store
        if "store" in Path(sys._getframe(2).f_code.co_filename).parts:
            asked.append("sqlite")
        return bool(asked)

    with pytest.raises(TrainingCancelled, match="while reading the annotations"):
        train_from_project(db, tmp_path / "m", OPTIONS, should_stop=stop)
    assert asked
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.db"]


def test_a_model_folder_left_half_written_is_never_offered(tmp_path: Path) -> None:
    """A process killed while writing leaves ``.NAME.partial`` (the model is written there,
    then renamed): it is not listed, and the next training of NAME replaces it."""
    import shutil

    from annotator.services.training import list_trained_models

    db = make_training_project(tmp_path / "p.db")
    models = tmp_path / "models"
    models.mkdir()
    train_from_project(db, models / "m", TrainOptions(base_model="rules-only", rounds=(5,)))
    shutil.copytree(models / "m", models / ".m.partial")
    (models / ".m.partial" / "config.cfg").write_text("[half written")
    assert [m.name for m in list_trained_models(models)] == ["m"]
    train_from_project(db, models / "m", TrainOptions(base_model="rules-only", rounds=(5,)))
    assert sorted(p.name for p in models.iterdir()) == ["m"]
    assert "annotator_learned_quotes" in spacy.load(models / "m").pipe_names
