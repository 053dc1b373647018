"""Training checks the spans of the quotes it learns from as the import and the exports do
(issue 16, after tester17 F9): a quote of a project changed by hand (SQL) whose spans do
not fit its article's text is left out and listed (article, quote id, why), never a crash,
and the rest is learned as if that quote had never been there."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.services.training import TrainOptions, train_from_project
from annotator.store.project import Project
from tests.conftest import make_training_project

OPTIONS = TrainOptions(base_model="rules-only", rounds=(5,), annotators=("ann",))


def _quotes(db: Path) -> list[tuple[int, int, int]]:
    """(article id, quote id, text length) of every annotation, by id."""
    with Project.open(db, create=False, readonly=True) as p:
        lengths = {a.id: len(a.text) for a in p.iter_articles(p.article_ids())}
        return [(r.article_id, r.id, lengths[r.article_id]) for r in p.iter_annotation_rows()]


def _tamper(db: Path, changes: list[tuple[str, str, int]]) -> None:
    with sqlite3.connect(db) as c:
        for column, value, ident in changes:
            c.execute(f"UPDATE annotations SET {column} = ? WHERE id = ?", (value, ident))


def _crf(model: Path) -> bytes:
    return (model / "annotator_learned_quotes" / "model.crfsuite").read_bytes()


# (column, value from the text's length n, what the list says)
BAD = [
    ("content_spans", lambda n: "[[-5, 20]]", "content span [-5, 20] starts before the text"),
    ("content_spans", lambda n: "[[30, 10]]", "content span [30, 10] is empty or reversed"),
    ("content_spans", lambda n: "[[12, 12]]", "content span [12, 12] is empty or reversed"),
    (
        "content_spans",
        lambda n: f"[[0, {n + 7}]]",
        "content span [0, {n7}] reaches past the end of the text ({n} characters)",
    ),
    ("speaker_spans", lambda n: f"[[{n}, {n + 3}]]", "speaker span [{n}, {n3}] reaches past"),
    ("cue_spans", lambda n: "[[-1, 3]]", "cue span [-1, 3] starts before the text"),
    (
        "content_spans",
        lambda n: "[[0, 20], [10, 30]]",
        "content spans [0, 20] and [10, 30] overlap",
    ),
]


@pytest.mark.parametrize(("column", "value", "said"), BAD)
@pytest.mark.parametrize("which", [0, 5, 11])
def test_a_quote_with_bad_spans_is_left_out_and_listed(
    tmp_path: Path, column: str, value: object, said: str, which: int
) -> None:
    db = make_training_project(tmp_path / "p.db")
    quotes = _quotes(db)
    aid, qid, n = quotes[which]
    bad = value(n)  # type: ignore[operator]
    _tamper(db, [(column, bad, qid)])
    result = train_from_project(db, tmp_path / "m", OPTIONS)
    (line,) = result.left_out
    expected = said.format(n=n, n3=n + 3, n7=n + 7)
    assert line.startswith(f"article {aid}, quote {qid}: ") and expected in line, line
    assert (tmp_path / "m" / "meta.json").is_file()


def test_the_rest_is_learned_as_without_the_bad_quote(tmp_path: Path) -> None:
    """The model is the one trained on the project with that quote deleted (same bytes)."""
    tampered = make_training_project(tmp_path / "a.db", n=14)
    deleted = make_training_project(tmp_path / "b.db", n=14)
    quotes = _quotes(tampered)
    aid, qid, n = quotes[3]
    _tamper(tampered, [("content_spans", f"[[5, {n + 1}]]", qid)])
    with sqlite3.connect(deleted) as c:
        c.execute("DELETE FROM annotations WHERE id = ?", (qid,))
    one = train_from_project(tampered, tmp_path / "one", OPTIONS)
    two = train_from_project(deleted, tmp_path / "two", OPTIONS)
    assert len(one.left_out) == 1 and two.left_out == ()
    assert one.best_dev == two.best_dev
    assert _crf(tmp_path / "one") == _crf(tmp_path / "two")


def test_several_bad_quotes_in_both_parts_are_all_listed(tmp_path: Path) -> None:
    db = make_training_project(tmp_path / "p.db", n=16)
    quotes = _quotes(db)
    picked = [quotes[i] for i in (0, 4, 9, 15)]
    _tamper(
        db,
        [
            ("content_spans", f"[[0, {picked[0][2] + 1}]]", picked[0][1]),
            ("content_spans", "[[40, 20]]", picked[1][1]),
            ("speaker_spans", "[[-3, 2]]", picked[2][1]),
            ("content_spans", "[[1, 9], [3, 5]]", picked[3][1]),
        ],
    )
    result = train_from_project(
        db, tmp_path / "m", TrainOptions(base_model="rules-only", rounds=(5,), dev_fraction=0.5)
    )
    named = sorted(int(line.split(", quote ")[1].split(":")[0]) for line in result.left_out)
    assert named == sorted(q[1] for q in picked)
    # every article is still learned from or scored on (the others' quotes are kept)
    assert result.train_articles + result.dev_articles == len({q[0] for q in quotes})


def test_the_command_line_lists_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from annotator.cli import main

    db = make_training_project(tmp_path / "p.db")
    aid, qid, n = _quotes(db)[2]
    _tamper(db, [("content_spans", f"[[3, {n + 2}]]", qid)])
    code = main(["train", str(db), "-o", str(tmp_path / "m"), "--base-model", "rules-only"])
    err = capsys.readouterr().err
    assert code == 0
    assert "warning: 1 accepted quote left out" in err
    assert f"article {aid}, quote {qid}: content span [3, {n + 2}] reaches past the end" in err
