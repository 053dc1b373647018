"""``annotator import`` of JSON lines holding a lone surrogate (a JSON escape such as
``"\\ud800"`` with no partner): the line is refused with the detector's own words, naming
file, line and field; the other lines are imported."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.core.text import utf8_problem
from annotator.io.jsonload import BadJson, check_utf8, load_json
from annotator.io.quote_jsonl import LineError, iter_jsonl_rows
from annotator.nlp.detect import text_problem
from tests.conftest import CliRunner

ODD = "Ferry 🚢 news: w\ud800orld said."
GOOD = {"id": "g", "text": "Ferry back\n\nThe captain said the ferry runs again 🚢."}


def _titles(db: Path) -> list[str]:
    con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute("SELECT title FROM articles ORDER BY id")]
    finally:
        con.close()


def test_the_message_is_the_detectors_one() -> None:
    said = text_problem(ODD)
    assert said == utf8_problem(ODD)
    assert said == "character 15 is a lone surrogate (U+D800), which has no UTF-8 form"
    assert utf8_problem("Fine 🚢\u00a0here") is None


@pytest.mark.parametrize(
    ("line", "field", "where"),
    [
        ({"id": "t", "text": ODD}, "text", "15 is a lone surrogate (U+D800)"),
        (
            {"id": "t", "title": "Bad \udc01 title", "text": "Fine text."},
            "title",
            "4 is a lone surrogate (U+DC01)",
        ),
        (
            {"id": "t", "text": "Fine text.", "meta": {"publisher": "P\ud800"}},
            "meta.publisher",
            "1 is a lone surrogate (U+D800)",
        ),
        (
            {
                "id": "t",
                "text": "Fine text, he said.",
                "quotes": [{"content_spans": [[0, 9]], "speaker_name": "Le\udbffe"}],
            },
            "quotes[0].speaker_name",
            "2 is a lone surrogate (U+DBFF)",
        ),
    ],
    ids=["text", "title", "meta", "quote"],
)
def test_import_names_file_line_and_field_and_keeps_the_other_lines(
    tmp_path: Path,
    run_cli: CliRunner,
    line: dict[str, object],
    field: str,
    where: str,
) -> None:
    src = tmp_path / "in.jsonl"
    # json.dumps writes the lone surrogate as its escape, as broken exports do
    src.write_text(json.dumps(GOOD) + "\n" + json.dumps(line) + "\n", "utf-8")
    db = tmp_path / "p.db"
    res = run_cli("import", str(db), str(src), "--quiet")
    assert res.returncode == 1, res.stdout + res.stderr
    expected = f"{src}, line 2: {field}: character {where}, which has no UTF-8 form"
    assert expected in [x.strip() for x in res.stdout.splitlines()]
    assert "codec" not in res.stdout + res.stderr
    assert _titles(db) == ["Ferry back"]


def test_the_large_file_reader_in_its_own_process_says_the_same(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "t", "text": ODD}) + "\n" + json.dumps(GOOD) + "\n", "utf-8")
    here = list(iter_jsonl_rows(src, parallel=False))
    apart = list(iter_jsonl_rows(src, parallel=True))
    assert [str(x) for x in here] == [str(x) for x in apart]
    assert isinstance(here[0], LineError) and not isinstance(here[1], LineError)
    assert str(here[0]).endswith(f"line 1: text: {text_problem(ODD)}")


def test_a_prodigy_task_with_a_lone_surrogate_is_refused_alone(
    tmp_path: Path, run_cli: CliRunner
) -> None:
    src = tmp_path / "tasks.prodigy"
    tasks = [
        {"text": "The captain said the ferry runs.", "spans": [], "answer": "accept"},
        {"text": "Odd \ud800 task.", "spans": [], "answer": "accept"},
    ]
    src.write_text("".join(json.dumps(t) + "\n" for t in tasks), "utf-8")
    db = tmp_path / "p.db"
    res = run_cli("import", str(db), str(src), "--quiet")
    assert res.returncode == 1
    assert (
        f"{src}, line 2: text: character 4 is a lone surrogate (U+D800), which has no UTF-8 form"
        in res.stdout
    )
    assert len(_titles(db)) == 1


def test_check_utf8_lets_a_surrogate_pair_escape_through() -> None:
    line = json.dumps({"text": "rocket 🚀 \\ud800 as text"})  # a pair, and an escaped backslash
    check_utf8(load_json(line), line)
    bad = '{"text": ["ok", {"deep": "x\\udfff"}]}'
    with pytest.raises(BadJson, match=r"^text\[1\]\.deep: character 1 is a lone surrogate"):
        check_utf8(load_json(bad), bad)
