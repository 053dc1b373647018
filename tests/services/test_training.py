"""Training the detector on a project's own annotations (issue 13): services.training."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.model import Article, Quote
from annotator.services.training import (
    THRESHOLDS,
    EpochReport,
    TooFewArticles,
    TrainingCancelled,
    TrainingError,
    TrainOptions,
    list_trained_models,
    model_info,
    train_from_project,
)
from annotator.store.project import Project
from tests.conftest import make_training_project, tiny_training_articles

FAST = TrainOptions(base_model="rules-only", rounds=(20, 40))


def _rows(db: Path) -> list[tuple[int, int, dict[str, object]]]:
    with Project.open(db, create=False, readonly=True) as project:
        return [(r.id, r.article_id, r.quote.to_json()) for r in project.iter_annotation_rows()]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_training_writes_a_model_and_never_writes_the_project(tmp_path: Path) -> None:
    db = make_training_project(tmp_path / "p.db")
    rows, digest = _rows(db), _digest(db)
    reports: list[EpochReport] = []
    result = train_from_project(db, tmp_path / "m", FAST, progress=reports.append)
    assert _rows(db) == rows
    assert _digest(db) == digest
    assert not list(tmp_path.glob("p.db-*"))  # no WAL or journal left behind
    assert (result.train_articles, result.dev_articles) == (10, 2)
    assert result.epochs == 2 and not result.stopped_early
    assert [r.epoch for r in reports] == [1, 2]
    assert reports[0].best
    for key in ("all_lenient_f1", "all_strict_f1", "direct_lenient_f1"):
        assert 0.0 <= reports[0].dev[key] <= 1.0
    # the rules alone on the same dev part, to keep their figures
    for key in ("rules_direct_lenient_f1", "rules_speaker_name_acc", "speaker_name_acc"):
        assert 0.0 <= reports[0].dev[key] <= 1.0
    assert reports[0].dev["min_confidence"] in THRESHOLDS
    # the tiny model finds the held-out dev contents
    assert result.best_dev["all_lenient_f1"] > 0.5
    info = model_info(tmp_path / "m")
    assert info is not None and info.best_dev == pytest.approx(result.best_dev)
    assert [m.name for m in list_trained_models(tmp_path)] == ["m"]


def test_the_model_opens_with_spacy_load_in_a_fresh_process(tiny_model: Path) -> None:
    code = (
        "import spacy, sys; nlp = spacy.load(sys.argv[1]); "
        "print(','.join(nlp.pipe_names)); "
        "doc = nlp('The mayor warned that the bridge will close for a month.'); "
        "print([s.text for s in doc.spans['learned']])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tiny_model)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout.splitlines()
    assert out[0] == "sentencizer,annotator_learned_quotes"
    assert "the bridge will close for a month" in out[1]


def test_should_stop_after_the_first_round_keeps_that_model(tmp_path: Path) -> None:
    db = make_training_project(tmp_path / "p.db")
    reports: list[EpochReport] = []
    result = train_from_project(
        db,
        tmp_path / "m",
        TrainOptions(base_model="rules-only", rounds=(20, 40, 60)),
        progress=reports.append,
        should_stop=lambda: bool(reports),
    )
    assert result.stopped_early and result.epochs == 1 and len(reports) == 1
    assert model_info(tmp_path / "m") is not None
    assert not list(tmp_path.glob(".m*"))  # no temporary folder or file left
    import spacy

    assert "annotator_learned_quotes" in spacy.load(tmp_path / "m").pipe_names


def test_should_stop_at_once_writes_nothing(tmp_path: Path) -> None:
    db = make_training_project(tmp_path / "p.db")
    with pytest.raises(TrainingCancelled, match="nothing was written"):
        train_from_project(db, tmp_path / "m", FAST, should_stop=lambda: True)
    assert not (tmp_path / "m").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.db"]


def test_a_new_training_replaces_an_old_model(tmp_path: Path) -> None:
    db = make_training_project(tmp_path / "p.db")
    train_from_project(db, tmp_path / "m", FAST)
    first = (tmp_path / "m" / "meta.json").read_text()
    train_from_project(
        db, tmp_path / "m", TrainOptions(base_model="rules-only", seed=3, rounds=(15,))
    )
    assert (tmp_path / "m" / "meta.json").read_text() != first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m", "p.db"]


def test_rejected_suggestions_are_negatives_and_their_articles_count(tmp_path: Path) -> None:
    db = make_training_project(tmp_path / "p.db", n=10)
    with Project.open(db) as project:
        text = "The weather was mild. The town clock struck noon twice."
        aid, _ = project.add_article(Article("Rejected", text, {}))
        project.add_annotation(aid, "ann", Quote(content_spans=((22, 55),), status="rejected"))
    result = train_from_project(db, tmp_path / "m", FAST)
    assert result.train_articles + result.dev_articles == 11


def _error(tmp_path: Path, db: Path, out: Path, options: TrainOptions) -> str:
    with pytest.raises(TrainingError) as info:
        train_from_project(db, out, options)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert "\n" not in message and message
    return message


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (TrainOptions(dev_fraction=0.0), "--dev-fraction"),
        (TrainOptions(dev_fraction=1.0), "--dev-fraction"),
        (TrainOptions(dev_fraction=-0.2), "--dev-fraction"),
        (TrainOptions(max_minutes=0), "--max-minutes"),
        (TrainOptions(max_minutes=-3), "--max-minutes"),
        (TrainOptions(annotators=("nobody",)), "no annotator 'nobody'"),
        (TrainOptions(gold=True), "no reviewed (gold) quotes"),
        (TrainOptions(rounds=()), "iteration"),
    ],
)
def test_bad_options_give_one_line_errors(
    tmp_path: Path, options: TrainOptions, expected: str
) -> None:
    db = make_training_project(tmp_path / "p.db")
    assert expected in _error(tmp_path, db, tmp_path / "m", options)
    assert not (tmp_path / "m").exists()


def test_missing_project(tmp_path: Path) -> None:
    message = _error(tmp_path, tmp_path / "none.db", tmp_path / "m", FAST)
    assert "no such project" in message
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize("n", [0, 1, 3])
def test_too_few_articles(tmp_path: Path, n: int) -> None:
    db = make_training_project(tmp_path / "p.db", n=n)
    with pytest.raises(TooFewArticles, match=f"only {n} annotated article"):
        train_from_project(db, tmp_path / "m", FAST)


def test_only_rejections_is_too_little(tmp_path: Path) -> None:
    db = make_training_project(tmp_path / "p.db", status="rejected")
    assert "no accepted quote" in _error(tmp_path, db, tmp_path / "m", FAST)


def test_an_output_that_is_not_a_model_is_never_touched(tmp_path: Path) -> None:
    db = make_training_project(tmp_path / "p.db")
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    assert "is not a trained model" in _error(tmp_path, db, folder, FAST)
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]
    afile = tmp_path / "file"
    afile.write_text("x")
    assert "is a file" in _error(tmp_path, db, afile, FAST)
    assert "does not exist" in _error(tmp_path, db, tmp_path / "no" / "m", FAST)


def test_two_annotators_on_one_article_need_a_choice(tmp_path: Path) -> None:
    db = make_training_project(tmp_path / "p.db")
    text, spans = tiny_training_articles(1)[0]
    with Project.open(db) as project:
        aid = project.article_ids()[0]
        project.add_annotation(aid, "other", Quote(content_spans=(spans[0],), status="accepted"))
    message = _error(tmp_path, db, tmp_path / "m", FAST)
    assert "2 annotators (ann, other)" in message and "--annotator" in message
    # naming them trains on both (their quotes together)
    both = TrainOptions(annotators=("ann", "other"), base_model="rules-only", rounds=(10,))
    assert train_from_project(db, tmp_path / "m", both).epochs == 1
    one = TrainOptions(annotators=("other",), base_model="rules-only", rounds=(10,))
    with pytest.raises(TooFewArticles, match="only 1 annotated article"):
        train_from_project(db, tmp_path / "m2", one)


def _figures(
    lenient: float, strict: float, direct: float, speaker: float, direct_gold: float = 5.0
) -> dict[str, float]:
    """Dev figures of one round and floor, the rules alone reaching direct 0.9, speaker 0.9."""
    from annotator.services.training import _objective

    d = {
        "all_lenient_f1": lenient,
        "all_strict_f1": strict,
        "direct_lenient_f1": direct,
        "speaker_name_acc": speaker,
        "direct_gold": direct_gold,
        "rules_direct_lenient_f1": 0.9,
        "rules_speaker_name_acc": 0.9,
    }
    d["objective"] = _objective(d)
    return d


def test_rounds_and_floors_that_keep_the_rules_figures_are_chosen_first() -> None:
    from annotator.services.training import _better, _keeps_rules, _rank

    keeps = _figures(0.78, 0.50, 0.91, 0.90)
    costs_direct = _figures(0.85, 0.55, 0.85, 0.95)  # a better mean, direct below the rules
    costs_speakers = _figures(0.85, 0.55, 0.95, 0.85)
    assert _keeps_rules(keeps)
    assert not _keeps_rules(costs_direct) and not _keeps_rules(costs_speakers)
    assert costs_direct["objective"] > keeps["objective"]
    assert max([costs_direct, keeps, costs_speakers], key=_rank) is keeps
    assert _better(keeps, costs_direct) and not _better(costs_direct, keeps)
    # among those that keep them the mean decides; so it does when none keeps them
    better = _figures(0.80, 0.52, 0.92, 0.91)
    assert max([keeps, better], key=_rank) is better
    assert max([costs_speakers, _figures(0.70, 0.4, 0.5, 0.5)], key=_rank) is costs_speakers
    # no direct quote held out: only the speakers are compared
    assert _keeps_rules(_figures(0.8, 0.5, 0.0, 0.9, direct_gold=0))
    assert not _keeps_rules(_figures(0.8, 0.5, 0.0, 0.8, direct_gold=0))


@pytest.mark.parametrize(("n", "rounds", "dev"), [(12, (3,), 0.2), (15, (2, 4, 6), 0.4)])
def test_each_step_is_told_as_it_goes(
    tmp_path: Path, n: int, rounds: tuple[int, ...], dev: float
) -> None:
    """``stage``: every held-out article parsed, then every article learned from, then the
    start of each round (issue 16: the window said "reading the annotations" until the
    first round ended, minutes into a large training)."""
    db = make_training_project(tmp_path / "p.db", n=n)
    told: list[tuple[str, int, int]] = []
    result = train_from_project(
        db,
        tmp_path / "m",
        TrainOptions(base_model="rules-only", rounds=rounds, dev_fraction=dev),
        stage=lambda what, done, total: told.append((what, done, total)),
    )
    n_dev, n_train = result.dev_articles, result.train_articles
    assert told == [
        *(("dev", k, n_dev) for k in range(1, n_dev + 1)),
        *(("train", k, n_train) for k in range(1, n_train + 1)),
        *(("round", k, len(rounds)) for k in range(1, len(rounds) + 1)),
    ]


def test_the_floor_pick_takes_the_lowest_of_equal_floors() -> None:
    from annotator.services.training import _pick_floor

    table = []
    for floor, lenient in ((0.5, 0.70), (0.6, 0.78), (0.7, 0.78), (0.8, 0.75)):
        figures = _figures(lenient, 0.5, 0.91, 0.90)
        figures["min_confidence"] = floor
        table.append(figures)
    assert _pick_floor(table)["min_confidence"] == 0.6
    # a floor that costs the rules' direct figure is not chosen, however good its mean
    table[0] = {**_figures(0.95, 0.7, 0.80, 0.90), "min_confidence": 0.5}
    assert _pick_floor(table)["min_confidence"] == 0.6
    assert _pick_floor(list(reversed(table)))["min_confidence"] == 0.7
