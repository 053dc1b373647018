"""`annotator agreement`: its figures equal the reference scorer's on real multi-annotator data."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from annotator.core.model import Article, Quote
from annotator.services.importing import import_paths
from annotator.store.project import Project

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "eval" / "score_quotes.py"
MULTI = SHARED / "data" / "polnear" / "dev_multiannotator.jsonl"
needs_shared = pytest.mark.skipif(
    not (SCORER.exists() and MULTI.exists()), reason="../shared (scorer and PolNeAR data) not here"
)


#: the ``run_cli`` fixture of conftest.py (``annotator`` run in process)
CliRunner = Callable[..., Any]


def _write_version(project: Project, annotator: str, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for art in project.iter_articles():
            quotes = [
                r.quote.to_json()
                for r in project.annotations(art.id, annotator)
                if r.quote.status == "accepted"
            ]
            obj = {"id": str(art.id), "text": art.text, "quotes": quotes}
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")


@needs_shared
def test_fifteen_pairs_equal_reference_scorer(tmp_path: Path, run_cli: CliRunner) -> None:
    db = tmp_path / "multi.db"
    with Project.open(db) as project:
        report = import_paths(project, [MULTI])
        assert not report.failed
        assert project.count_articles() == 2  # 12 lines, two texts: deduplicated by hash
        names = project.annotators()
        assert len(names) == 6
        for name in names:
            _write_version(project, name, tmp_path / f"{name}.jsonl")
    done = run_cli("agreement", str(db), "--json")
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    pairs = {(p["a"], p["b"]): p for p in figures["pairs"]}
    assert set(pairs) == set(combinations(names, 2)) and len(pairs) == 15
    for a in names:
        preds = [b for b in names if (a, b) in pairs]
        if not preds:
            continue
        out = tmp_path / f"ref-{a}.json"
        subprocess.run(
            [
                sys.executable,
                str(SCORER),
                str(tmp_path / f"{a}.jsonl"),
                *[str(tmp_path / f"{b}.jsonl") for b in preds],
                "--json",
                str(out),
                "--no-spacy",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        ref = json.loads(out.read_text())
        for b in preds:
            r = ref[str(tmp_path / f"{b}.jsonl")]["all"]
            mine = pairs[(a, b)]
            assert mine["quote_f1_lenient"] == pytest.approx(r["lenient"][2], abs=1e-12), (a, b)
            assert mine["quote_f1_jaccard"] == pytest.approx(r["j50"][2], abs=1e-12), (a, b)
            assert mine["speaker_agreement"] == pytest.approx(r["spk_span_acc"], abs=1e-12), (a, b)
    # no stance in PolNeAR: kappa and alpha are undefined, not zero
    assert all(p["stance_kappa"] is None for p in figures["pairs"])
    assert figures["stance_alpha"] is None
    assert [a["name"] for a in figures["per_annotator"]] == names
    worst = figures["per_article"]
    assert len(worst) == 2 and worst[0]["disagreements"] >= worst[1]["disagreements"] > 0


TEXT = (
    "“The plan works,” said Mayor Ruiz. Critics called it “a waste of money.” "
    "The governor said the state would help."
)


def _q(a: int, b: int, who: str, stance: str, spk: tuple[int, int] | None = None) -> Quote:
    return Quote(
        content_spans=((a, b),),
        speaker_spans=(spk,) if spk else (),
        annotator=who,
        status="accepted",
        origin="manual",
        stance=stance,
        kind="direct",
    )


def test_cli_text_json_and_errors(tmp_path: Path, run_cli: CliRunner) -> None:
    db = tmp_path / "p.db"
    with Project.open(db) as p:
        aid, _ = p.add_article(Article("Plan", TEXT))
        p.add_annotation(aid, "ann", _q(0, 17, "ann", "support", (23, 33)))
        p.add_annotation(aid, "ann", _q(53, 72, "ann", "oppose", (35, 42)))
        p.add_annotation(aid, "bob", _q(1, 16, "bob", "support", (28, 33)))
        p.add_annotation(aid, "cy", _q(0, 17, "cy", "neutral", (23, 33)))
    text = run_cli("agreement", str(db))
    assert text.returncode == 0, text.stderr
    assert "ann" in text.stdout and "Krippendorff" in text.stdout and "worst first" in text.stdout
    only = run_cli("agreement", str(db), "--annotators", "bob", "ann", "--json")
    figures = json.loads(only.stdout)
    [pair] = figures["pairs"]
    assert (pair["a"], pair["b"]) == ("bob", "ann")
    assert set(pair) >= {
        "a",
        "b",
        "quote_f1_lenient",
        "quote_f1_jaccard",
        "speaker_agreement",
        "stance_kappa",
    }
    # bob (gold) has 1 quote, ann 2: lenient P = 1/2, R = 1 -> F1 2/3
    assert pair["quote_f1_lenient"] == pytest.approx(2 / 3)
    assert pair["speaker_agreement"] == 1.0
    bad = run_cli("agreement", str(db), "--annotators", "ann", "zoe")
    assert bad.returncode == 1 and "zoe" in bad.stderr and "Traceback" not in bad.stderr
    missing = run_cli("agreement", str(tmp_path / "none.db"))
    assert missing.returncode == 1 and "none.db" in missing.stderr
