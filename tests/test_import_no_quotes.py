"""Import of files without quotes: the summary says so and what the detector will do."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from annotator.store.project import Project
from tests.conftest import CliRunner

HARBOUR = 'Harbour reopens\n\n"Boats are back," the harbour master said on Tuesday.\n'
LIBRARY = "Library hours\n\nThe council said the library would stay open until ten.\n"


def _note(project: Path, articles: int, files: int) -> str:
    them = "this article" if articles == 1 else "these articles"
    return (
        f"The imported {'file' if files == 1 else 'files'} held no quotes. The detector will "
        f"suggest quotes in {them} when you open the project in the window (annotator "
        f"{project}): it runs in the background once the model has loaded, on every article "
        "it has not seen (File > Detect quotes in new articles runs it on demand)."
    )


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


@pytest.mark.parametrize(
    "kind", ["one txt", "two txt", "jsonl without key", "jsonl empty list", "csv", "txt and jsonl"]
)
def test_files_without_quotes_get_the_note(tmp_path: Path, run_cli: CliRunner, kind: str) -> None:
    harbour = tmp_path / "harbour.txt"
    harbour.write_text(HARBOUR, "utf-8")
    library = tmp_path / "library.txt"
    library.write_text(LIBRARY, "utf-8")
    rows = [{"id": "h", "text": HARBOUR}, {"id": "l", "text": LIBRARY}]
    inputs = {
        "one txt": [harbour],
        "two txt": [harbour, library],
        "jsonl without key": [_jsonl(tmp_path / "a.jsonl", rows)],
        "jsonl empty list": [_jsonl(tmp_path / "a.jsonl", [{**r, "quotes": []} for r in rows])],
        "csv": [tmp_path / "a.csv"],
        "txt and jsonl": [harbour, _jsonl(tmp_path / "l.jsonl", rows[1:])],
    }[kind]
    if kind == "csv":
        with open(tmp_path / "a.csv", "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([["title", "text"], ["Harbour", HARBOUR], ["Lib", LIBRARY]])
    project = tmp_path / "p.db"
    res = run_cli("import", str(project), *map(str, inputs), "--quiet")
    assert res.returncode == 0, res.stderr
    with Project.open(project) as p:
        articles = p.count_articles()
        quotes = p.db.execute("SELECT count(*) FROM annotations").fetchone()[0]
    assert articles == (1 if kind == "one txt" else 2) and quotes == 0
    lines = res.stdout.splitlines()
    assert lines[-2].startswith(f"Imported {articles} article")
    assert lines[-1] == _note(project, articles, len(inputs))


def test_no_note_when_a_file_held_quotes(tmp_path: Path, run_cli: CliRunner) -> None:
    text = HARBOUR
    start = text.index("Boats are back")
    quoted = {
        "id": "h",
        "text": text,
        "quotes": [
            {
                "content_spans": [[start, start + 14]],
                "kind": "direct",
                "annotator": "ann",
                "status": "accepted",
                "origin": "manual",
            }
        ],
    }
    library = tmp_path / "library.txt"
    library.write_text(LIBRARY, "utf-8")
    res = run_cli(
        "import",
        str(tmp_path / "p.db"),
        str(_jsonl(tmp_path / "q.jsonl", [quoted])),
        str(library),
        "--quiet",
    )
    assert res.returncode == 0, res.stderr
    assert "held no quotes" not in res.stdout
    assert res.stdout.splitlines()[-1] == "Imported 2 articles and 1 quote from 2 files."


def test_no_note_for_detector_suggestions(tmp_path: Path, run_cli: CliRunner) -> None:
    start = HARBOUR.index("Boats are back")
    suggested = {
        "id": "h",
        "text": HARBOUR,
        "quotes": [
            {
                "content_spans": [[start, start + 14]],
                "kind": "direct",
                "annotator": None,
                "status": "pending",
                "origin": "model",
                "confidence": 0.9,
            }
        ],
    }
    res = run_cli(
        "import", str(tmp_path / "p.db"), str(_jsonl(tmp_path / "s.jsonl", [suggested])), "--quiet"
    )
    assert res.returncode == 0, res.stderr
    assert "held no quotes" not in res.stdout
    assert "1 suggestion" in res.stdout


def test_no_note_when_nothing_new_was_added(tmp_path: Path, run_cli: CliRunner) -> None:
    harbour = tmp_path / "harbour.txt"
    harbour.write_text(HARBOUR, "utf-8")
    project = tmp_path / "p.db"
    first = run_cli("import", str(project), str(harbour), "--quiet")
    assert first.stdout.splitlines()[-1] == _note(project, 1, 1)
    again = run_cli("import", str(project), str(harbour), "--quiet")
    assert "held no quotes" not in again.stdout
    assert again.stdout.splitlines()[-1].startswith("Imported 0 articles")
