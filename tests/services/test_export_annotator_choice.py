"""Exports of a project with several annotators' versions say whose (issue 15).

One article has alice's (3), bob's (2) and a gold review's (2) versions; a second article
only alice's (1). Each choice gives its own record counts; no choice stops with one line.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from annotator.cli import main
from annotator.core.model import Article, Quote
from annotator.store.project import Project
from annotator.store.review import GoldState, ReviewStore

TEXT = (
    '"Rents must fall," said Mira Holt. The council said it would act. '
    '"We have no money," Jon Bell replied, according to the minutes.'
)
OTHER = 'A quiet day. "Nothing to report," said the clerk.'


def sp(sub: str, text: str = TEXT) -> tuple[int, int]:
    i = text.index(sub)
    return i, i + len(sub)


def q(content: str, speaker: str, kind: str = "direct", text: str = TEXT) -> Quote:
    return Quote(
        (sp(content, text),), (sp(speaker, text),), kind=kind, status="accepted", origin="manual"
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "team.db"
    with Project.open(path) as p:
        a1, _ = p.add_article(Article("Rents", TEXT))
        a2, _ = p.add_article(Article("Quiet", OTHER))
        rents = q("Rents must fall,", "Mira Holt")
        council = q("it would act", "The council", "indirect")
        money = q("We have no money,", "Jon Bell")
        for quote in (rents, council, money):
            p.add_annotation(a1, "alice", quote)
        for quote in (rents, money):
            p.add_annotation(a1, "bob", quote)
        p.add_annotation(a2, "alice", q("Nothing to report,", "the clerk", text=OTHER))
        store = ReviewStore(p)
        for quote in (rents, money):
            store.put_gold(a1, "carol", ["alice", "bob"], GoldState(quote, "agreed", None))
        store.set_status(a1, "carol", "done")
    return str(path)


def export(db: str, fmt: str, out: Path, *extra: str) -> int:
    return main(["export", db, "--format", fmt, "-o", str(out), "--quiet", *extra])


def jsonl_quotes(path: Path) -> list[dict[str, object]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [quote for line in lines for quote in json.loads(line)["quotes"]]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "prodigy", "spacy", "brat"])
def test_no_choice_stops_with_one_line_naming_annotators_and_choices(
    db: str, tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"out.{fmt}"
    assert export(db, fmt, out) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("annotator: error: ")
    for word in ("alice", "bob", "--gold", "--annotator NAME", "--all-annotators"):
        assert word in err[0]
    assert "one document per annotator" in err[0]
    assert not out.exists()


def test_each_choice_gives_the_expected_records(db: str, tmp_path: Path) -> None:
    assert export(db, "jsonl", tmp_path / "gold.jsonl", "--gold") == 0
    gold = jsonl_quotes(tmp_path / "gold.jsonl")
    assert len(gold) == 2 and {g["annotator"] for g in gold} == {"carol"}

    assert export(db, "jsonl", tmp_path / "alice.jsonl", "--annotator", "alice") == 0
    assert len(jsonl_quotes(tmp_path / "alice.jsonl")) == 4
    assert export(db, "jsonl", tmp_path / "bob.jsonl", "--annotator", "bob") == 0
    assert len(jsonl_quotes(tmp_path / "bob.jsonl")) == 2

    assert export(db, "jsonl", tmp_path / "all.jsonl", "--all-annotators") == 0
    every = jsonl_quotes(tmp_path / "all.jsonl")
    assert len(every) == 6
    assert sorted(str(x["annotator"]) for x in every) == ["alice"] * 4 + ["bob"] * 2

    assert export(db, "csv", tmp_path / "all.csv", "--all-annotators") == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "all.csv").read_text(encoding="utf-8"))))
    assert sorted(r["annotator"] for r in rows) == ["alice"] * 4 + ["bob"] * 2


def test_all_annotators_gives_one_document_per_annotator(db: str, tmp_path: Path) -> None:
    assert export(db, "spacy", tmp_path / "all.spacy", "--all-annotators") == 0
    docs = list(DocBin().from_disk(tmp_path / "all.spacy").get_docs(spacy.blank("en").vocab))
    per_doc = sorted(
        (d.user_data["quote_annotator"]["annotator"], len(d.spans["quotes"])) for d in docs
    )
    assert per_doc == [("alice", 1), ("alice", 3), ("bob", 2)]
    # no Doc holds two versions of one quote
    for d in docs:
        starts = [s.start_char for s in d.spans["quotes"]]
        assert len(starts) == len(set(starts))

    assert export(db, "prodigy", tmp_path / "all.jsonl", "--all-annotators") == 0
    tasks = [json.loads(x) for x in (tmp_path / "all.jsonl").read_text("utf-8").splitlines()]
    per_task = sorted(
        (t["_annotator_id"], sum(s["label"] == "QUOTE" for s in t["spans"])) for t in tasks
    )
    assert per_task == [("alice", 1), ("alice", 3), ("bob", 2)]

    assert export(db, "spacy", tmp_path / "bob.spacy", "--annotator", "bob") == 0
    docs = list(DocBin().from_disk(tmp_path / "bob.spacy").get_docs(spacy.blank("en").vocab))
    assert [len(d.spans["quotes"]) for d in docs] == [2]


def test_single_annotator_project_exports_as_before(tmp_path: Path) -> None:
    path = tmp_path / "solo.db"
    with Project.open(path) as p:
        a1, _ = p.add_article(Article("Rents", TEXT))
        a2, _ = p.add_article(Article("Quiet", OTHER))
        p.add_annotation(a1, "alice", q("Rents must fall,", "Mira Holt"))
        p.add_annotation(a2, "bob", q("Nothing to report,", "the clerk", text=OTHER))
    # two annotators, but never on the same article: nothing would be repeated
    assert export(str(path), "jsonl", tmp_path / "solo.jsonl") == 0
    assert len(jsonl_quotes(tmp_path / "solo.jsonl")) == 2
    assert export(str(path), "spacy", tmp_path / "solo.spacy") == 0
    docs = list(DocBin().from_disk(tmp_path / "solo.spacy").get_docs(spacy.blank("en").vocab))
    assert len(docs) == 2
