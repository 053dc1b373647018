"""New-user slips: .prodigy files, counted nouns ("1 article", never "1 articles"), and
``report --gold`` in a project nobody has reviewed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from annotator.core.model import Article, Quote
from annotator.core.wording import count_noun, plural
from annotator.services.importing import detect_format
from annotator.services.merge import MergeReport
from annotator.store.project import Project
from annotator.store.review import GoldState, ReviewStore

CliRunner = Callable[..., Any]
TEXT = '"The bridge opens in May," Mayor Ana Ruiz said.'
TASK = {
    "text": TEXT,
    "spans": [{"start": 1, "end": 24, "label": "CONTENT"}],
}


@pytest.mark.parametrize(
    ("n", "word", "expected"),
    [
        (1, "article", "1 article"),
        (0, "article", "0 articles"),
        (2, "gold quote", "2 gold quotes"),
        (1, "bad entry", "1 bad entry"),
        (3, "bad entry", "3 bad entries"),
        (2, "status", "2 statuses"),
        (-1, "line", "-1 line"),
        (100004, "article", "100,004 articles"),
        (1000, "bad entry", "1,000 bad entries"),
    ],
)
def test_count_noun(n: int, word: str, expected: str) -> None:
    assert count_noun(n, word) == expected


def test_plural_verbs() -> None:
    assert [plural(n, "has") for n in (1, 2)] == ["has", "have"]
    assert [plural(n, "is") for n in (1, 5)] == ["is", "are"]


def test_a_prodigy_file_is_imported_as_prodigy_tasks(tmp_path: Path, run_cli: CliRunner) -> None:
    src = tmp_path / "export.prodigy"
    src.write_text(json.dumps(TASK) + "\n", encoding="utf-8")
    assert detect_format(src) == "prodigy"
    r = run_cli("import", str(tmp_path / "p.db"), str(src), "--annotator", "ana")
    assert r.returncode == 0, r.stderr
    assert "Imported 1 article and 1 quote from 1 file." in r.stdout
    with Project.open(tmp_path / "p.db", readonly=True) as p:
        (aid,) = p.article_ids()
        (rec,) = p.annotations(aid)
        a, b = rec.quote.content_spans[0]
        assert TEXT[a:b].startswith("The bridge opens in May")


def test_a_prodigy_file_in_a_folder_is_found(tmp_path: Path, run_cli: CliRunner) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.prodigy").write_text(json.dumps(TASK) + "\n", encoding="utf-8")
    r = run_cli("import", str(tmp_path / "p.db"), str(folder), "--annotator", "ana")
    assert r.returncode == 0 and "1 article" in r.stdout, r.stdout + r.stderr


def test_a_prodigy_file_holding_something_else_is_refused_clearly(
    tmp_path: Path, run_cli: CliRunner
) -> None:
    src = tmp_path / "quotes.prodigy"
    src.write_text(json.dumps({"text": TEXT, "quotes": []}) + "\n", encoding="utf-8")
    r = run_cli("import", str(tmp_path / "p.db"), str(src))
    assert r.returncode == 1
    assert str(src) in r.stdout and "not a Prodigy task" in r.stdout and ".jsonl" in r.stdout
    assert not (tmp_path / "p.db").exists()


def _one_of_each(path: Path) -> None:
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Bridge", TEXT))
        p.add_annotation(
            aid, "ana", Quote(((1, 24),), annotator="ana", status="accepted", kind="direct")
        )


SINGULAR_SLIP = re.compile(r"\b1 (articles|quotes|files|annotators|reviews|lines|gold quotes)\b")


def test_cli_messages_count_one_in_the_singular(tmp_path: Path, run_cli: CliRunner) -> None:
    db = tmp_path / "p.db"
    _one_of_each(db)
    outputs = [
        run_cli("backup", str(db), str(tmp_path / "copy.db"), check=True).stdout,
        run_cli(
            "export", str(db), "--format", "jsonl", "-o", str(tmp_path / "o.jsonl"), check=True
        ).stdout,
        run_cli("report", str(db), "-o", str(tmp_path / "r.csv"), check=True).stdout,
        run_cli("stats", str(db), check=True).stdout,
    ]
    text = "\n".join(outputs)
    assert "(1 article)" in outputs[0]
    assert "Exported 1 quote from 1 article" in outputs[1]
    assert outputs[2].startswith("1 quote (")
    assert not SINGULAR_SLIP.search(text), text


def test_merge_report_counts_one_in_the_singular() -> None:
    r = MergeReport("x.db", reviews_added=1, gold_quotes_added=1, left_out_added=1)
    text = "\n".join(r.lines())
    assert "(1 gold quote)" in text and "1 mark copied" in text
    assert not SINGULAR_SLIP.search(text)


def test_report_gold_without_reviews_says_so_and_writes_nothing(
    tmp_path: Path, run_cli: CliRunner
) -> None:
    db = tmp_path / "p.db"
    _one_of_each(db)
    out = tmp_path / "gold.csv"
    r = run_cli("report", str(db), "--gold", "-o", str(out))
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("annotator: error:")
    assert "no reviews" in lines[0] and "--annotator" in lines[0]
    assert not out.exists()
    # once somebody reviewed, --gold counts the gold versions
    with Project.open(db) as p:
        (aid,) = p.article_ids()
        quote = Quote(((1, 24),), annotator="rev", kind="direct")
        ReviewStore(p).put_gold(aid, "rev", ["ana"], GoldState(quote, "added"))
    r = run_cli("report", str(db), "--gold", "-o", str(out), check=True)
    assert r.stdout.startswith("1 quote (") and out.read_text(encoding="utf-8").count("\n") >= 2
