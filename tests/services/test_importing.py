"""Importing files and folders into a project: report lines, de-duplication, bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.services.importing import import_paths
from annotator.store.project import Project

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_7cec7f8eb39a43a7.txt"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.open(tmp_path / "p.db")
    yield p
    p.close()


def _bad_folder(root: Path) -> Path:
    folder = root / "in"
    (folder / "nested").mkdir(parents=True)
    (folder / "seed.txt").write_bytes(SEED.read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (folder / "nested" / "latin.txt").write_bytes(
        "March in Orl\u00e9ans\n\n\u00ab Assez \u00bb, dit Ren\u00e9e.".encode("latin-1")
    )
    lines = [
        json.dumps({"id": "j1", "text": "First\n\nThe mayor said the bridge will reopen."}),
        '{"id": "j2", "text": ',
        json.dumps(
            {
                "id": "j3",
                "text": 'Second\n\n"Soon," she said.',
                "quotes": [
                    {"content_spans": [[8, 14]], "speaker_spans": [[16, 19]], "kind": "direct"}
                ],
            }
        ),
    ]
    (folder / "dump.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "notes.md").write_text("not an article folder format", encoding="utf-8")
    return folder


def test_folder_with_bad_files_imports_the_good_ones(project: Project, tmp_path: Path) -> None:
    report = import_paths(project, [_bad_folder(tmp_path)], annotator="carol")
    by_name = {Path(f.path).name: f for f in report.files}
    assert set(by_name) == {"seed.txt", "empty.txt", "photo.txt", "latin.txt", "dump.jsonl"}
    assert by_name["empty.txt"].status == "failed"
    assert "empty" in by_name["empty.txt"].line()
    assert "PNG image" in by_name["photo.txt"].line()
    assert by_name["latin.txt"].status == "imported"
    assert "not UTF-8" in by_name["latin.txt"].line()
    assert by_name["dump.jsonl"].articles_added == 2
    assert "line 2" in by_name["dump.jsonl"].problems[0]
    titles = sorted(a.title for a in project.iter_articles())
    assert titles[:3] == ["First", "March in Orl\u00e9ans", "Second"]
    assert titles[3].startswith("Seoul Stresses Importance Of Russia")
    latin = next(a for a in project.iter_articles() if a.title.startswith("March"))
    assert "Ren\u00e9e" in latin.text
    # the quote without an annotator went to --annotator
    stats = project.stats()
    assert stats["annotators"]["carol"]["accepted"] == 1
    assert "2 failed" in report.summary()


def test_second_import_adds_nothing(project: Project, tmp_path: Path) -> None:
    folder = _bad_folder(tmp_path)
    import_paths(project, [folder])
    before = project.stats()
    again = import_paths(project, [folder])
    assert project.stats() == before
    assert again.articles_added == 0 and again.quotes_added == 0
    assert {f.status for f in again.files} == {"skipped", "failed"}
    seed_line = next(f.line() for f in again.files if f.path.endswith("seed.txt"))
    assert "already in the project" in seed_line


def test_missing_and_unsupported_paths(project: Project, tmp_path: Path) -> None:
    (tmp_path / "x.docx").write_bytes(b"PK\x03\x04")
    report = import_paths(project, [tmp_path / "nope.txt", tmp_path / "x.docx"])
    assert [f.status for f in report.files] == ["failed", "failed"]
    assert "no such file" in report.files[0].reason
    assert "unsupported file type '.docx'" in report.files[1].reason


def test_quotes_keep_their_annotator(project: Project, tmp_path: Path) -> None:
    text = 'Head\n\n"One," said Ann. "Two," said Bob.'
    f = tmp_path / "q.jsonl"
    line = {
        "id": "a",
        "text": text,
        "quotes": [
            {"content_spans": [[6, 12]], "annotator": "ann", "kind": "direct"},
            {"content_spans": [[23, 29]], "annotator": "bob", "kind": "direct"},
        ],
    }
    second = dict(line, quotes=[{"content_spans": [[6, 12]], "annotator": "eve"}])
    f.write_text(json.dumps(line) + "\n" + json.dumps(second) + "\n", encoding="utf-8")
    report = import_paths(project, [f])
    assert report.quotes_added == 3
    assert project.count_articles() == 1
    assert sorted(project.annotators()) == ["ann", "bob", "eve"]
    assert [r.quote.annotator for r in project.annotations(1)] == ["ann", "eve", "bob"]


def test_progress_moves_line_by_line_through_jsonl(project: Project, tmp_path: Path) -> None:
    f = tmp_path / "many.jsonl"
    lines = [
        json.dumps({"id": f"n{i}", "text": f"Story {i}\n\nThe mayor spoke {i}."}) for i in range(5)
    ]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "one.txt").write_text("Single\n\nA short article.", encoding="utf-8")
    calls: list[tuple[int, int]] = []
    report = import_paths(
        project, [f, tmp_path / "one.txt"], progress=lambda d, t, _: calls.append((d, t))
    )
    assert report.articles_added == 6
    assert {t for _, t in calls} == {6}
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert {1, 2, 3, 4, 5} <= set(done)
    assert done[-1] == 6
