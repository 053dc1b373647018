"""A bad quote inside a good quote-JSONL line costs only that quote (not its article)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.store.project import Project
from tests.conftest import CliRunner

# CRLF line ends, a decomposed accent (NFD), an emoji and a no-break space: the reader
# normalises the text and moves the good quotes' offsets with it
RAW = (
    "Pier repairs\r\n\r\n"
    '"The pier will reopen in May," said Re\u0301ne\u0301e\u00a0Holm \U0001f6a2. '
    '"Money is there," she added. "Boats wait," said Ola Berg.'
)


def _q(raw_part: str, speaker: str | None = None, **over: Any) -> dict[str, Any]:
    start = RAW.index(raw_part)
    q: dict[str, Any] = {
        "content_spans": [[start, start + len(raw_part)]],
        "kind": "direct",
        "annotator": "ann",
        "status": "accepted",
        "origin": "manual",
        "speaker_name": speaker,
    }
    q.update(over)
    return q


def _import(
    run_cli: CliRunner, tmp_path: Path, quotes: list[Any]
) -> tuple[int, list[str], list[str]]:
    src = tmp_path / "in.jsonl"
    other = {"id": "other", "text": "Plain\n\nNobody spoke."}
    line = {"id": "pier", "title": "Pier", "text": RAW, "quotes": quotes}
    src.write_text(json.dumps(other) + "\n" + json.dumps(line) + "\n", "utf-8")
    project = tmp_path / "p.db"
    res = run_cli("import", str(project), str(src), "--quiet")
    with Project.open(project, readonly=True) as p:
        (pier,) = [a for a in p.article_ids() if p.article(a).ext_id == "pier"]
        text = p.article(pier).text
        stored = sorted(
            text[r.quote.content_spans[0][0] : r.quote.content_spans[0][1]]
            for r in p.annotations(pier)
        )
        assert p.count_articles() == 2
    return res.returncode, stored, res.stdout.splitlines()


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        ({"content_spans": [[40, 20]]}, "content_spans: span [40, 20] is empty or reversed"),
        ({"content_spans": [[5, 5000]]}, "content_spans: span [5, 5000] reaches past the end"),
        ({"speaker_spans": [[-2, 4]]}, "speaker_spans: span [-2, 4] starts before the text"),
        ({"kind": "shouted"}, "kind: Input should be 'direct', 'mixed' or 'indirect'"),
        ({"status": "maybe"}, "status: Input should be 'accepted', 'rejected' or 'pending'"),
        ({"origin": "robot"}, "origin: Input should be 'model', 'model-corrected' or 'manual'"),
        ({"confidence": "high"}, "confidence.float: Input should be a valid number"),
        ({"stance": 5}, "stance: Input should be a valid string, not a number (5)"),
        ({"annotator": " "}, "annotator: the annotator is blank"),
    ],
)
def test_the_article_and_its_good_quotes_are_imported(
    tmp_path: Path, run_cli: CliRunner, bad: dict[str, Any], problem: str
) -> None:
    quotes = [
        _q("The pier will reopen in May,", "Renée Holm"),
        _q("Money is there,", "Renée Holm", **bad),
        _q("Boats wait,", "Ola Berg"),
    ]
    code, stored, out = _import(run_cli, tmp_path, quotes)
    assert code == 1  # something was not imported, and the report says what
    assert stored == ["Boats wait,", "The pier will reopen in May,"]
    src = tmp_path / "in.jsonl"
    assert out[0] == (
        f"{src}: imported 2 articles and 2 quotes; quotes went to ann (2); 1 bad quote "
        "skipped (not their articles)"
    )
    assert out[1].startswith(f"    {src}, line 2, quote 2: {problem}")
    assert out[1].endswith("; this quote was skipped, not its article")
    assert out[2] == (
        "Imported 2 articles and 2 quotes from 1 file; 1 bad quote skipped (articles kept)."
    )
    assert len(out) == 3  # no "held no quotes" note: the file held quotes


def test_several_bad_quotes_each_named(tmp_path: Path, run_cli: CliRunner) -> None:
    quotes = [
        "not a quote",
        _q("The pier will reopen in May,", "Renée Holm", kind=3),
        _q("Money is there,", "Renée Holm"),
        _q("Boats wait,", "Ola Berg", content_spans=[[1, 2, 3]]),
    ]
    code, stored, out = _import(run_cli, tmp_path, quotes)
    assert code == 1
    assert stored == ["Money is there,"]
    src = tmp_path / "in.jsonl"
    assert [line.split(": ")[0].strip() for line in out[1:4]] == [
        f"{src}, line 2, quote {n}" for n in (1, 2, 4)
    ]
    assert "3 bad quotes skipped (not their articles)" in out[0]


def test_an_article_whose_quotes_are_all_bad_is_still_imported(
    tmp_path: Path, run_cli: CliRunner
) -> None:
    quotes = [_q("Money is there,", None, content_spans=[]), _q("Boats wait,", None, kind="x")]
    code, stored, out = _import(run_cli, tmp_path, quotes)
    assert code == 1 and stored == []
    assert out[0].endswith("imported 2 articles; 2 bad quotes skipped (not their articles)")
    # the file held quotes, bad ones: the "held no quotes" note would be untrue
    assert not any("held no quotes" in line for line in out)


def test_detect_reads_the_article_of_a_line_with_a_bad_quote(
    tmp_path: Path, run_cli: CliRunner
) -> None:
    """detect does not read the input's quotes: a bad one no longer costs the line."""
    src = tmp_path / "in.jsonl"
    line = {"id": "pier", "text": RAW, "quotes": [_q("Boats wait,", None, kind="x")]}
    src.write_text(json.dumps(line) + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    res = run_cli("detect", str(src), "-o", str(out), "--model", "rules-only", "--quiet")
    assert res.returncode == 0, res.stderr
    (row,) = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert row["id"] == "pier" and row["text"] == RAW
    found = sorted(RAW[a:b] for q in row["quotes"] for a, b in q["content_spans"])
    assert "Boats wait" in found
