"""``annotator import``: whose the quotes became, --annotator-override, and no project file
when nothing could be imported into a new path (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.store.project import Project

TEXT = '"Open the port," said Vera Lind. "Not yet," Tom Ek replied.'


def _jsonl(path: Path) -> Path:
    quotes = [
        {"content_spans": [[1, 15]], "annotator": "alice", "status": "accepted"},
        {"content_spans": [[33, 41]], "status": "accepted"},  # names nobody
    ]
    path.write_text(json.dumps({"id": "a1", "text": TEXT, "quotes": quotes}) + "\n", "utf-8")
    return path


def _owners(db: Path) -> list[str]:
    with Project.open(db, readonly=True) as p:
        return sorted(str(r.quote.annotator) for r in p.annotations(p.article_ids()[0]))


def test_report_says_whom_each_files_quotes_went_to(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _jsonl(tmp_path / "a.jsonl")
    db = tmp_path / "p.db"
    assert main(["import", str(db), str(src), "--annotator", "carol", "--quiet"]) == 0
    out = capsys.readouterr().out
    (line,) = [x for x in out.splitlines() if x.startswith(str(src))]
    assert "quotes went to alice (1), carol (1)" in line
    assert _owners(db) == ["alice", "carol"]


def test_annotator_override_puts_every_quote_under_the_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _jsonl(tmp_path / "a.jsonl")
    db = tmp_path / "p.db"
    assert main(["import", str(db), str(src), "--annotator-override", "carol", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "quotes went to carol (2)" in out and "the file named alice" in out
    assert _owners(db) == ["carol", "carol"]


def test_help_explains_both_and_they_exclude_each_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--annotator-override NAME" in text
    assert "quotes that name their annotator keep it" in text
    src = _jsonl(tmp_path / "a.jsonl")
    with pytest.raises(SystemExit) as stop:
        main(
            [
                "import",
                str(tmp_path / "p.db"),
                str(src),
                "--annotator",
                "a",
                "--annotator-override",
                "b",
            ]
        )
    assert stop.value.code == 2
    assert not (tmp_path / "p.db").exists()


@pytest.mark.parametrize(
    "make",
    [
        lambda d: d / "missing.txt",
        lambda d: (d / "notes.docx").write_bytes(b"PK\x03\x04") and d / "notes.docx",
        lambda d: (d / "bad.jsonl").write_text("{broken\n[1, 2]\n", "utf-8") and d / "bad.jsonl",
        lambda d: (d / "bin.txt").write_bytes(b"\x00\x01\x02\xff" * 50) and d / "bin.txt",
    ],
    ids=["missing", "unsupported", "bad-jsonl", "binary-txt"],
)
def test_nothing_imported_into_a_new_path_creates_no_file(
    tmp_path: Path, make: object, capsys: pytest.CaptureFixture[str]
) -> None:
    src = make(tmp_path)  # type: ignore[operator]
    folder = tmp_path / "out"
    folder.mkdir()
    assert main(["import", str(folder / "new.db"), str(src), "--quiet"]) == 1
    assert "was not created" in capsys.readouterr().out
    assert list(folder.iterdir()) == []


def test_an_existing_project_is_kept_when_nothing_imports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "p.db"
    assert main(["import", str(db), str(_jsonl(tmp_path / "a.jsonl")), "--quiet"]) == 0
    assert main(["import", str(db), str(tmp_path / "missing.txt"), "--quiet"]) == 1
    assert "was not created" not in capsys.readouterr().out
    assert db.exists() and _owners(db) == ["alice", "imported"]
