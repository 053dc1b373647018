"""Quotes whose spans cannot lie in their article's text (a project edited with SQL) are
left out of ``annotator agreement``, ``annotator report``, the review window and the
dashboard, each saying which in one line (the export's check,
:func:`annotator.core.model.quote_span_problem`). The project is built by ``annotator
import`` of a small JSONL file, then one UPDATE."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from annotator.services.adjudication import ReviewSession
from annotator.services.agreement import compute_agreement
from annotator.store.project import Project
from tests.conftest import CliRunner

TEXT = (
    'Lena Voss said "the bridge opens in June" at noon. '
    'Karl Aho said "the money is not there" later.'
)
LEN = len(TEXT)


def _at(part: str) -> list[list[int]]:
    start = TEXT.index(part)
    return [[start, start + len(part)]]


def _q(who: str, content: str, speaker: str, stance: str) -> dict[str, Any]:
    return {
        "content_spans": _at(content),
        "speaker_spans": _at(speaker),
        "cue_spans": [],
        "kind": "direct",
        "annotator": who,
        "status": "accepted",
        "origin": "manual",
        "stance": stance,
    }


@pytest.fixture
def project(run_cli: CliRunner, tmp_path: Path) -> Path:
    """ann and bob agree on both quotes; ids 1-2 are ann's, 3-4 bob's."""
    quotes = [
        _q(who, content, speaker, stance)
        for who in ("ann", "bob")
        for content, speaker, stance in (
            ("the bridge opens in June", "Lena Voss", "support"),
            ("the money is not there", "Karl Aho", "oppose"),
        )
    ]
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "b", "title": "Bridge", "text": TEXT, "quotes": quotes}))
    db = tmp_path / "p.db"
    run_cli("import", str(db), str(src), "--quiet", check=True)
    return db


BAD = [
    ("content_spans", "[[40, 99999]]", "content span [40, 99999] reaches past the end"),
    ("content_spans", "[[20, 10]]", "content span [20, 10] is empty or reversed"),
    ("speaker_spans", "[[-3, 4]]", "speaker span [-3, 4] starts before the text"),
]


def _tamper(db: Path, column: str, value: str, quote_id: int = 1) -> None:
    with sqlite3.connect(db) as c:
        c.execute(f"UPDATE annotations SET {column} = ? WHERE id = ?", [value, quote_id])


def test_a_clean_project_agrees_fully_and_says_nothing(run_cli: CliRunner, project: Path) -> None:
    res = run_cli("agreement", str(project), "--json", check=True)
    assert res.stderr == ""
    pair = json.loads(res.stdout)["pairs"][0]
    assert (pair["quote_f1_lenient"], pair["quotes_a"], pair["quotes_b"]) == (1.0, 2, 2)


@pytest.mark.parametrize(("column", "value", "why"), BAD)
def test_agreement_leaves_the_quote_out_and_names_it_on_stderr(
    run_cli: CliRunner, project: Path, column: str, value: str, why: str
) -> None:
    _tamper(project, column, value)
    res = run_cli("agreement", str(project), "--json", check=True)
    (line,) = res.stderr.splitlines()
    assert line.startswith("warning: left out of the figures: article 1, quote 1: ")
    assert why in line
    data = json.loads(res.stdout)
    pair = data["pairs"][0]
    # ann's version is her one good quote; bob's two: one matched, precision 1, recall 1/2
    assert (pair["quotes_a"], pair["quotes_b"], pair["matched"]) == (1, 2, 1)
    assert pair["quote_f1_lenient"] == pytest.approx(2 / 3)
    assert data["left_out"] == [line.removeprefix("warning: left out of the figures: ")]
    text = run_cli("agreement", str(project), check=True)
    assert text.stderr == res.stderr and "article 1, quote 1" not in text.stdout


def test_every_bad_quote_has_its_line(run_cli: CliRunner, project: Path) -> None:
    _tamper(project, "content_spans", "[[40, 99999]]", 1)
    _tamper(project, "cue_spans", f"[[0, {LEN + 1}]]", 4)
    res = run_cli("agreement", str(project), "--json", check=True)
    prefix = "warning: left out of the figures: "
    assert [x.removeprefix(prefix).split(": ")[0] for x in res.stderr.splitlines()] == [
        "article 1, quote 1",
        "article 1, quote 4",
    ]
    pair = json.loads(res.stdout)["pairs"][0]
    assert (pair["quotes_a"], pair["quotes_b"], pair["matched"]) == (1, 1, 0)


@pytest.mark.parametrize(("column", "value", "why"), BAD)
def test_the_report_does_not_count_the_quote_and_says_so(
    run_cli: CliRunner, project: Path, tmp_path: Path, column: str, value: str, why: str
) -> None:
    _tamper(project, column, value)
    out = tmp_path / "r.json"
    res = run_cli("report", str(project), "--annotator", "ann", "-o", str(out), check=True)
    (line,) = res.stderr.splitlines()
    assert line.startswith("warning: left out of the report: article 1, quote 1: ")
    assert why in line
    data = json.loads(out.read_text("utf-8"))
    assert data["total_quotes"] == 1
    assert [(r["value"], r["quotes"]) for r in data["tables"]["stance"]] == [("oppose", 1)]
    # bob's quotes are all good: his report is whole and says nothing
    bob = run_cli("report", str(project), "--annotator", "bob", "-o", str(out), check=True)
    assert bob.stderr == "" and json.loads(out.read_text("utf-8"))["total_quotes"] == 2


def test_the_review_session_leaves_the_quote_out_of_its_rows(project: Path) -> None:
    _tamper(project, "content_spans", "[[40, 99999]]")
    with Project.open(project) as p:
        s = ReviewSession(p, "rita", ["ann", "bob"])
        items = s.items(1)
        assert len(items) == 2
        for it in items:
            for v in it.versions:
                assert v is None or v.id != 1
        # bob's bridge quote is alone now: one row differs, the other agrees
        assert sorted(it.agreed for it in items) == [False, True]
        (line,) = s.left_out[1]
        assert line.startswith("article 1, quote 1: content span [40, 99999]")


def test_compute_agreement_counts_no_bad_quote(project: Path) -> None:
    _tamper(project, "speaker_spans", "[[-3, 4]]", 3)
    with Project.open(project, readonly=True) as p:
        report = compute_agreement(p)
    assert len(report.left_out) == 1 and "quote 3" in report.left_out[0]
    (pair,) = report.pairs
    assert (pair.quotes_a, pair.quotes_b) == (2, 1)


def test_the_review_window_says_it_once_in_the_status_line(qtbot, project: Path) -> None:  # type: ignore[no-untyped-def]
    from annotator.ui.review_window import ReviewWindow

    _tamper(project, "content_spans", "[[40, 99999]]")
    w = ReviewWindow(project, "rita")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.session.annotators == ("ann", "bob"))
    qtbot.waitUntil(lambda: w.table.rowCount() == 2)
    message = w.statusBar().currentMessage()
    assert message.startswith("1 quote left out of the review (a span outside its text):")
    assert "article 1, quote 1: content span [40, 99999]" in message
    assert w._left_out_said == {1}


def test_the_dashboard_says_it_in_the_status_line(qtbot, project: Path) -> None:  # type: ignore[no-untyped-def]
    from annotator.ui.dashboard import DashboardWindow

    _tamper(project, "content_spans", f"[[0, {LEN + 5}]]", 2)
    w = DashboardWindow(project)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.computed, timeout=60000) as blocker:
        pass
    assert blocker.args[0].pairs[0].quotes_a == 1
    message = w.statusBar().currentMessage()
    assert message.startswith("1 quote left out of the figures (a span outside its text):")
    assert "article 1, quote 2: content span" in message
