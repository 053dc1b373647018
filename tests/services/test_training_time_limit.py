"""``--max-minutes`` leaves a model when it can (tester18 T12): reading and parsing may use
a share of the limit (the articles not parsed by then are left out: a random sample is
trained on, and the output says so), and the first round runs to its end. The shares are
set to 0 here (so the sample is as small as it gets) instead of timing anything."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from annotator.services import training
from annotator.services.training import (
    TrainingCancelled,
    TrainOptions,
    model_info,
    train_from_project,
)
from tests.conftest import CliRunner, make_training_project

OPTIONS = TrainOptions(base_model="rules-only", rounds=(10, 20), max_minutes=60)


@pytest.mark.parametrize(
    ("parse_share", "dev_share", "train_cut", "dev_cut"),
    [(0.0, 0.0, True, True), (1.0, 0.0, False, True), (0.0, 1.0, True, False)],
    ids=["both", "dev only", "train only"],
)
def test_the_parse_share_samples_the_parts_and_a_model_is_written(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    parse_share: float,
    dev_share: float,
    train_cut: bool,
    dev_cut: bool,
) -> None:
    monkeypatch.setattr(training, "PARSE_SHARE", parse_share)
    monkeypatch.setattr(training, "DEV_SHARE", dev_share)
    db = make_training_project(tmp_path / "p.db", n=20)
    result = train_from_project(db, tmp_path / "m", OPTIONS)
    whole = train_from_project(db, tmp_path / "w", TrainOptions(base_model="rules-only"))
    assert (result.train_available > 0) == train_cut
    assert (result.dev_available > 0) == dev_cut
    if train_cut:
        assert 1 <= result.train_articles < result.train_available == whole.train_articles
    else:
        assert result.train_articles == whole.train_articles
    if dev_cut:
        assert result.dev_articles == 1 and result.dev_available == whole.dev_articles
    else:
        assert result.dev_articles == whole.dev_articles
    info = model_info(tmp_path / "m")
    assert info is not None  # a model was written
    assert result.epochs == 2


def test_no_limit_uses_every_article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = make_training_project(tmp_path / "p.db", n=16)
    usual = train_from_project(db, tmp_path / "u", TrainOptions(base_model="rules-only"))
    monkeypatch.setattr(training, "PARSE_SHARE", 0.0)
    monkeypatch.setattr(training, "DEV_SHARE", 0.0)
    result = train_from_project(db, tmp_path / "m", TrainOptions(base_model="rules-only"))
    assert result.train_available == result.dev_available == 0
    assert (result.train_articles, result.dev_articles) == (
        usual.train_articles,
        usual.dev_articles,
    )
    assert result.train_articles > 5


def test_the_limit_does_not_stop_the_first_round(tmp_path: Path) -> None:
    """A limit that passes during the first round (here: from the first CRFsuite message
    on) lets it end and write its model; the second round is stopped."""
    db = make_training_project(tmp_path / "p.db", n=14)
    passed: list[bool] = []
    real = training.train_parsed

    def train_parsed(*args: object, **kw: object) -> training.TrainResult:
        over = kw["over"]

        def late_over() -> bool:
            # the limit passes once CRFsuite has logged (the first round is running)
            if sys._getframe(2).f_code.co_name == "message":
                passed.append(True)
            return bool(passed) or bool(over())  # type: ignore[operator]

        kw["over"] = late_over
        return real(*args, **kw)  # type: ignore[arg-type]

    training.train_parsed = train_parsed  # type: ignore[assignment]
    try:
        result = train_from_project(db, tmp_path / "m", OPTIONS)
    finally:
        training.train_parsed = real  # type: ignore[assignment]
    assert result.epochs == 1 and result.stopped_early
    assert model_info(tmp_path / "m") is not None


def test_a_cancel_still_stops_the_first_round(tmp_path: Path) -> None:
    db = make_training_project(tmp_path / "p.db", n=14)
    calls: list[str] = []

    def stop() -> bool:
        calls.append(sys._getframe(2).f_code.co_name)
        return "message" in calls

    with pytest.raises(TrainingCancelled, match="nothing was written"):
        train_from_project(db, tmp_path / "m", OPTIONS, should_stop=stop)
    assert model_info(tmp_path / "m") is None


def test_the_command_says_what_was_sampled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: CliRunner
) -> None:
    monkeypatch.setattr(training, "PARSE_SHARE", 0.0)
    monkeypatch.setattr(training, "DEV_SHARE", 0.0)
    db = make_training_project(tmp_path / "p.db", n=20, annotator="ann")
    res = run_cli(
        "train", str(db), "-o", str(tmp_path / "m"), "--base-model", "rules-only",
        "--max-minutes", "30",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "note: --max-minutes 30 left time to parse" in res.stderr
    assert "training and 1 of" in res.stderr and "(a random sample)" in res.stderr
    help_text = run_cli("train", "--help").stdout
    assert "first round always runs to its end" in " ".join(help_text.split())
