"""Training streams its training part (tester17 F8): each article's text is read, parsed,
turned into features and dropped before the next one is parsed; the dev part alone is
kept. The model is the one the old all-in-memory way gave (same seed, same figures, same
CRF bytes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.nlp import detect, learned
from annotator.services import training
from annotator.services.training import TrainOptions, train_from_project
from annotator.store.project import Project
from tests.conftest import make_training_project


def _crf_bytes(model_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(model_dir.rglob("*.crfsuite")))


def _all_in_memory(db: Path, out: Path, options: TrainOptions) -> training.TrainResult:
    """What train_from_project did before: every text read and parsed up front."""
    from annotator.nlp.pipeline import load_pipeline

    with Project.open(db, create=False, readonly=True) as project:
        articles = training._read_articles(project, options)
        texts = {a.id: a.text for a in project.iter_articles([x.ident for x in articles])}
        marks = project.marks_inside()
    for art in articles:
        art.text = texts[art.ident]
    train, dev = training._split(articles, options)
    nlp, loaded = load_pipeline(options.base_model, strict=True)
    nlp.remove_pipe("annotator_quotes")
    docs = [detect.parse_polled(nlp, a.text, lambda: False) for a in (*train, *dev)]
    data = training.TrainingSet(
        train, docs[: len(train)], dev, docs[len(train) :], marks, loaded.name
    )
    return training.train_parsed(nlp, data, out, options)


@pytest.mark.parametrize(("n", "seed", "dev"), [(12, 0, 0.2), (15, 3, 0.4), (20, 7, 0.25)])
def test_streamed_training_gives_the_all_in_memory_model(
    tmp_path: Path, n: int, seed: int, dev: float
) -> None:
    db = make_training_project(tmp_path / "p.db", n=n)
    options = TrainOptions(base_model="rules-only", rounds=(10, 20), seed=seed, dev_fraction=dev)
    streamed = train_from_project(db, tmp_path / "streamed", options)
    before = _all_in_memory(db, tmp_path / "before", options)
    assert streamed.best_dev == before.best_dev
    assert (streamed.train_articles, streamed.dev_articles) == (
        before.train_articles,
        before.dev_articles,
    )
    assert _crf_bytes(tmp_path / "streamed") == _crf_bytes(tmp_path / "before") != b""


@pytest.mark.parametrize("n", [12, 18])
def test_at_most_one_training_doc_is_parsed_ahead_of_its_features(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n: int
) -> None:
    db = make_training_project(tmp_path / "p.db", n=n)
    options = TrainOptions(base_model="rules-only", rounds=(5,))
    parsed: list[int] = []
    featured: list[int] = []
    ahead: list[int] = []
    real_parse, real_features = detect.parse_polled, learned.token_features

    def parse(nlp, text, stop):  # type: ignore[no-untyped-def]
        doc = real_parse(nlp, text, stop)
        parsed.append(id(doc))
        return doc

    def features(doc):  # type: ignore[no-untyped-def]
        featured.append(id(doc))
        ahead.append(len(parsed) - len(featured))
        return real_features(doc)

    monkeypatch.setattr(detect, "parse_polled", parse)
    monkeypatch.setattr(learned, "token_features", features)
    result = train_from_project(db, tmp_path / "m", options)
    n_dev = result.dev_articles
    # the dev part is parsed first and kept; then each training text is parsed just
    # before its features, never all of them ahead
    training_steps = ahead[: result.train_articles]
    assert set(training_steps) == {n_dev}
    assert len(parsed) == result.train_articles + n_dev
