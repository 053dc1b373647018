"""``annotator agreement``: pairs sharing no article and an alpha over one category say so
(issue 15), in text and in --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.model import Article, Quote
from annotator.store.project import Project

TEXT = '"Fix the roads," said Lee. "Fund the buses," said Park. "Hire nurses," said Cho.'
OTHER = '"Close the mine," said Ruiz on Friday.'


def sp(text: str, sub: str) -> tuple[int, int]:
    i = text.index(sub)
    return i, i + len(sub)


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        a1, _ = p.add_article(Article("Roads", TEXT))
        a2, _ = p.add_article(Article("Mine", OTHER))
        for who in ("alice", "bob"):
            for sub in ("Fix the roads,", "Fund the buses,", "Hire nurses,"):
                p.add_annotation(
                    a1, who, Quote((sp(TEXT, sub),), status="accepted", stance="support")
                )
        p.add_annotation(
            a2, "carol", Quote((sp(OTHER, "Close the mine,"),), status="accepted", stance="oppose")
        )
    return str(path)


def test_text_says_n_a_and_the_shared_article_count(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["agreement", db]) == 0
    out = capsys.readouterr().out
    rows = {
        tuple(line.split()[:2]): line for line in out.splitlines() if line[:5] in ("alice", "bob  ")
    }
    assert "1.000" in rows[("alice", "bob")]
    for pair in (("alice", "carol"), ("bob", "carol")):
        line = rows[pair]
        assert "n/a" in line and "0 shared articles" in line
        assert "0.000" not in line
    assert "all 6 stance labels in one category (support)" in out
    assert "fewer than two stance labels" not in out


def test_json_gives_null_and_the_shared_article_count(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["agreement", db, "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    pairs = {(p["a"], p["b"]): p for p in figures["pairs"]}
    assert pairs[("alice", "bob")]["quote_f1_lenient"] == 1.0
    assert pairs[("alice", "bob")]["shared_articles"] == 1
    for pair in (("alice", "carol"), ("bob", "carol")):
        assert pairs[pair]["quote_f1_lenient"] is None
        assert pairs[pair]["quote_f1_jaccard"] is None
        assert pairs[pair]["shared_articles"] == 0
    assert figures["stance_alpha"] is None
    assert figures["stance_alpha_note"] == "all 6 stance labels in one category (support)"


def test_alpha_reasons_name_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "none.db"
    with Project.open(path) as p:
        a1, _ = p.add_article(Article("Roads", TEXT))
        for who in ("alice", "bob"):
            p.add_annotation(a1, who, Quote((sp(TEXT, "Fix the roads,"),), status="accepted"))
    assert main(["agreement", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["stance_alpha_note"] == "no stance labels given"
