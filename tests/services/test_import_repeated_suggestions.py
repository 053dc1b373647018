"""The import keeps one of each exact repeat of an article's suggestions and says how many
it dropped, with file and line (tester17 F10); its report lines read as English (F11)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.services.importing import import_paths
from annotator.store.project import Project

TEXT = 'Zeta said "ok". Omega replied "no". ' * 20
SUG = {
    "content_spans": [[10, 14]],
    "speaker_spans": [[0, 4]],
    "cue_spans": [[5, 9]],
    "kind": "direct",
    "origin": "model",
    "confidence": 0.5,
}


def _write(path: Path, articles: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    return path


def _suggestions(db: Path) -> list[tuple[int, str, str, str, str | None]]:
    with sqlite3.connect(db) as c:
        return c.execute(
            "SELECT article_id, detector_version, content_spans, kind, speaker_name"
            " FROM suggestions ORDER BY id"
        ).fetchall()


@pytest.mark.parametrize("copies", [2, 50, 1000])
def test_exact_copies_become_one(tmp_path: Path, copies: int) -> None:
    src = _write(tmp_path / "same.jsonl", [{"id": "a", "text": TEXT, "quotes": [SUG] * copies}])
    with Project.open(tmp_path / "p.db") as p:
        report = import_paths(p, [src])
    assert len(_suggestions(tmp_path / "p.db")) == 1
    (f,) = report.files
    assert f.suggestions_added == 1 and f.suggestions_repeated == copies - 1
    lines = report.lines()
    dropped = copies - 1
    word = "copy" if dropped == 1 else "copies"
    assert f"{dropped:,} exact {word} of suggestions dropped" in lines[0]
    assert any(f"same.jsonl, line 1: {dropped:,} exact {word}" in line for line in lines[1:])


def test_suggestions_that_differ_are_all_kept(tmp_path: Path) -> None:
    variants = [
        SUG,
        {**SUG, "kind": "indirect"},
        {**SUG, "speaker_spans": []},
        {**SUG, "speaker_name": "Zeta Jones"},
        {**SUG, "cue_spans": []},
        {**SUG, "content_spans": [[10, 15]]},
        {**SUG, "detector_version": "other-run"},
    ]
    rows = [
        {"id": "a", "text": TEXT, "quotes": variants + [SUG, {**SUG, "confidence": 0.9}]},
        {"id": "b", "text": "Second. " + TEXT, "quotes": [SUG]},  # another article: kept
    ]
    src = _write(tmp_path / "mix.jsonl", rows)
    with Project.open(tmp_path / "p.db") as p:
        report = import_paths(p, [src])
    got = _suggestions(tmp_path / "p.db")
    assert len(got) == len(variants) + 1
    assert report.files[0].suggestions_repeated == 2
    assert any("mix.jsonl, line 1: 2 exact copies" in line for line in report.lines())
    assert not any("line 2" in line for line in report.lines())


def test_annotations_are_not_taken_for_suggestions(tmp_path: Path) -> None:
    mine = {**SUG, "annotator": "alice", "status": "accepted"}
    src = _write(
        tmp_path / "a.jsonl", [{"id": "a", "text": TEXT, "quotes": [SUG, SUG, mine, mine]}]
    )
    with Project.open(tmp_path / "p.db") as p:
        report = import_paths(p, [src])
    with sqlite3.connect(tmp_path / "p.db") as c:
        assert c.execute("SELECT count(*) FROM annotations").fetchone()[0] == 1
    assert len(_suggestions(tmp_path / "p.db")) == 1
    line = report.files[0].line()
    assert "1 exact copy of suggestions dropped" in line
    assert "(1 quote was already there)" in line


@pytest.mark.parametrize(
    ("present", "want"),
    [
        ({"articles_present": 1}, "(1 article was already there)"),
        ({"articles_present": 2}, "(2 articles were already there)"),
        (
            {"quotes_present": 1, "articles_present": 1},
            "(1 article and 1 quote were already there)",
        ),
        ({"suggestions_present": 1}, "(1 suggestion was already there)"),
    ],
)
def test_already_there_agrees_with_its_count(present: dict[str, int], want: str) -> None:
    from annotator.services.import_report import FileReport

    f = FileReport("x.jsonl", articles_added=1, **present)
    assert f.line().endswith(want)
