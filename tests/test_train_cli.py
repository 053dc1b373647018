"""``annotator train``: progress lines, Ctrl+C, one-line errors (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.services import training
from annotator.services.training import model_info
from tests.conftest import CliRunner, make_training_project


def test_train_prints_rounds_and_the_result(tmp_path: Path, run_cli: CliRunner) -> None:
    db = make_training_project(tmp_path / "p.db")
    out = tmp_path / "model"
    r = run_cli("train", str(db), "-o", str(out), "--base-model", "rules-only", check=True)
    rounds = [line for line in r.stderr.splitlines() if line.startswith("round ")]
    assert len(rounds) == len(training.ROUNDS)
    assert "dev all lenient F1" in rounds[0] and "best, saved" in rounds[0]
    assert f"Model: {out}" in r.stdout and "Trained on 10 articles (2 held out)" in r.stdout
    assert model_info(out) is not None
    # the tiny corpus holds out reported speech only: no direct figure to give
    assert "direct lenient F1 n/a (no direct quote held out)" in rounds[0]


def test_direct_f1_is_none_only_without_direct_gold() -> None:
    assert training.direct_f1({"direct_lenient_f1": 0.0, "direct_gold": 0.0}) is None
    assert training.direct_f1({"direct_lenient_f1": 0.0, "direct_gold": 3.0}) == 0.0
    assert training.direct_f1({"direct_lenient_f1": 0.5}) == 0.5


def test_ctrl_c_keeps_the_best_model_so_far(
    tmp_path: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = make_training_project(tmp_path / "p.db")
    out = tmp_path / "model"
    scored = training._dev_figures
    calls: list[int] = []

    def interrupted_second_time(*args: object) -> dict[str, float]:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return scored(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(training, "_dev_figures", interrupted_second_time)
    r = run_cli("train", str(db), "-o", str(out), "--base-model", "rules-only")
    assert r.returncode == 130
    assert r.stderr.splitlines()[-1] == (
        f"annotator: error: interrupted; the best model so far is in {out}"
    )
    assert model_info(out) is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model", "p.db"]


def test_ctrl_c_before_any_model(
    tmp_path: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = make_training_project(tmp_path / "p.db")

    def interrupted(*args: object) -> dict[str, float]:
        raise KeyboardInterrupt

    monkeypatch.setattr(training, "_dev_figures", interrupted)
    r = run_cli("train", str(db), "-o", str(tmp_path / "m"), "--base-model", "rules-only")
    assert r.returncode == 130
    assert "nothing was written" in r.stderr.splitlines()[-1]
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--dev-fraction", "2"], "--dev-fraction must be between 0 and 1"),
        (["--max-minutes", "0"], "--max-minutes must be positive"),
        (["--annotator", "zed"], "no annotator 'zed'"),
        (["--gold"], "no reviewed (gold) quotes"),
    ],
)
def test_bad_options(tmp_path: Path, run_cli: CliRunner, extra: list[str], expected: str) -> None:
    db = make_training_project(tmp_path / "p.db")
    r = run_cli("train", str(db), "-o", str(tmp_path / "m"), "--base-model", "rules-only", *extra)
    assert r.returncode == 1
    (line,) = r.stderr.splitlines()[1:]
    assert line.startswith("annotator: error: ") and expected in line


def test_no_project_and_no_annotations(tmp_path: Path, run_cli: CliRunner) -> None:
    r = run_cli("train", str(tmp_path / "none.db"), "-o", str(tmp_path / "m"))
    assert r.returncode == 1 and "none.db: no such project" in r.stderr
    assert not (tmp_path / "none.db").exists()
    empty = make_training_project(tmp_path / "empty.db", n=0)
    r = run_cli("train", str(empty), "-o", str(tmp_path / "m"), "--base-model", "rules-only")
    assert r.returncode == 1 and "only 0 annotated articles" in r.stderr


def test_annotator_and_gold_exclude_each_other(tmp_path: Path, run_cli: CliRunner) -> None:
    r = run_cli("train", "p.db", "-o", "m", "--gold", "--annotator", "x", cwd=tmp_path)
    assert r.returncode == 2 and "not allowed with" in r.stderr
