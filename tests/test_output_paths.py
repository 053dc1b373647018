"""Commands that write a file (report, export, detect, train) say what is wrong with the
user's output path, in words ("the folder /x does not exist"), never naming the temporary
file they write first; nothing is left behind and an existing file is kept as it was."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from annotator.core.outputs import OutputError, partial_path, write_text_atomic
from annotator.services.export import ExportError, ExportOptions, export_project
from annotator.services.importing import import_paths
from annotator.store.project import Project
from tests.conftest import CliRunner

TEXT = '"We came to listen,"\u00a0said Ana Ruiz 🚢.'


@pytest.fixture
def db(tmp_path: Path) -> Path:
    src = tmp_path / "in.jsonl"
    quote = {
        "content_spans": [[1, 18]],
        "speaker_name": "Ana Ruiz",
        "annotator": "alice",
        "status": "accepted",
    }
    src.write_text(json.dumps({"id": "a", "text": TEXT, "quotes": [quote]}) + "\n", "utf-8")
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        assert import_paths(p, [src]).articles_added == 1
    return path


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if "part" in p.name)


@pytest.mark.parametrize(
    "args",
    [
        ["report", "{db}", "-o", "{out}"],
        ["report", "{db}", "--format", "html", "-o", "{out}"],
        ["export", "{db}", "--format", "csv", "-o", "{out}"],
        ["export", "{db}", "--format", "jsonl", "-o", "{out}"],
        ["detect", "{src}", "--model", "rules-only", "-o", "{out}"],
        ["train", "{db}", "-o", "{out}"],
    ],
    ids=["report-csv", "report-html", "export-csv", "export-jsonl", "detect", "train"],
)
@pytest.mark.parametrize("where", ["missing", "file"])
def test_an_output_in_a_folder_that_is_not_there_is_named_with_its_folder(
    tmp_path: Path, db: Path, run_cli: CliRunner, args: list[str], where: str
) -> None:
    if where == "missing":
        folder = tmp_path / "no" / "such"
        reason = f"the folder {folder} does not exist"
    else:
        folder = tmp_path / "plain.txt"
        folder.write_text("not a folder\n", "utf-8")
        reason = f"{folder} is a file, not a folder"
    out = folder / "x.csv"
    src = tmp_path / "in.jsonl"
    filled = [a.format(db=db, out=out, src=src) for a in args]
    res = run_cli(*filled)
    assert res.returncode == 1, res.stdout + res.stderr
    assert res.stderr.strip().splitlines()[-1] == f"annotator: error: {out}: {reason}"
    assert ".part" not in res.stderr
    assert _leftovers(tmp_path) == []


def test_report_to_a_folder_says_give_a_file_name(
    tmp_path: Path, db: Path, run_cli: CliRunner
) -> None:
    res = run_cli("report", str(db), "-o", str(tmp_path))
    assert res.returncode == 1
    assert res.stderr.strip() == f"annotator: error: {tmp_path}: is a folder; give a file name"


def test_a_write_that_fails_names_the_users_file_and_keeps_the_old_one(
    tmp_path: Path, db: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report.csv"
    out.write_text("the old report\n", "utf-8")

    def full(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(src))

    monkeypatch.setattr(os, "replace", full)
    res = run_cli("report", str(db), "-o", str(out))
    assert res.returncode == 1
    assert res.stderr.strip() == (f"annotator: error: {out}: the disk is full; nothing was written")
    assert out.read_text("utf-8") == "the old report\n"
    assert _leftovers(tmp_path) == []
    with pytest.raises(OutputError, match=r"x\.txt: the disk is full; nothing was written$"):
        write_text_atomic(tmp_path / "x.txt", "text")
    assert not partial_path(tmp_path / "x.txt").exists()


def test_export_says_a_failed_write_about_its_output(
    tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "quotes.jsonl"

    def denied(src: object, dst: object) -> None:
        raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(src))

    monkeypatch.setattr(os, "replace", denied)
    with Project.open(db) as p, pytest.raises(ExportError) as caught:
        export_project(p, ExportOptions(format="jsonl", output=out, annotators=["alice"]))
    assert str(caught.value) == (
        f"{out}: no permission to write in the folder {tmp_path}; nothing was written"
    )
    assert not out.exists() and _leftovers(tmp_path) == []


@pytest.mark.parametrize("code", [errno.EACCES, errno.EPERM])
def test_a_refused_permission_names_the_file_or_its_folder(tmp_path: Path, code: int) -> None:
    from annotator.core.outputs import write_problem

    out = tmp_path / "o.csv"
    own = OSError(code, os.strerror(code), str(out))
    assert write_problem(out, own) == (
        f"{out}: cannot be written (no permission); nothing was written"
    )
    part = OSError(code, os.strerror(code), str(partial_path(out)))
    assert write_problem(out, part) == (
        f"{out}: no permission to write in the folder {tmp_path}; nothing was written"
    )
    unnamed = OSError(code, os.strerror(code))
    assert "in the folder" in write_problem(out, unnamed)
