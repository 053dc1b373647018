"""Exports never delete what is not theirs: project files, other databases, user files."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from annotator.core.model import Article, Quote
from annotator.io import brat
from annotator.io.brat import MANIFEST, swap_in
from annotator.services.export import ExportError, ExportOptions, export_project
from annotator.store.project import Project

TEXT = '=HYPERLINK("http://x")\n\n"-2+3," said @ana. +1 for "=cmd|calc".'


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.open(tmp_path / "P.db")
    aid, _ = p.add_article(Article("=SUM(A1:A9)", TEXT, meta={"publisher": "@Herald"}))
    a = TEXT.index("-2+3")
    p.add_annotation(
        aid,
        "ann",
        Quote(
            ((a, a + 7),),
            annotator="ann",
            status="accepted",
            speaker_text="-ana",
            stance="+yes",
            note="=1+1",
        ),
    )
    yield p
    p.close()


def _bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal", ".v1-20250101-120000.bak"])
def test_export_refuses_the_projects_own_files(
    project: Project, tmp_path: Path, suffix: str
) -> None:
    target = tmp_path / f"P.db{suffix}"
    existed = target.exists()
    before = target.read_bytes() if existed else None
    with pytest.raises(ExportError, match="nothing was written"):
        export_project(project, ExportOptions("csv", target))
    if suffix != "-shm":  # SQLite's shared memory changes with every read
        assert (target.read_bytes() if target.exists() else None) == before
    assert target.exists() == existed
    assert project.annotations(1)  # the project still holds its annotation


def test_export_refuses_another_open_sqlite_project(project: Project, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with Project.open(other) as o:
        o.add_article(Article("x", "Some other text."))
        conn = sqlite3.connect(other)  # keep it open, as another window would
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO settings VALUES ('k', '1')")  # a -wal with content
            conn.commit()
            for target in (other, Path(f"{other}-wal"), Path(f"{other}-shm")):
                assert target.exists()
                size = target.stat().st_size
                with pytest.raises(ExportError):
                    export_project(project, ExportOptions("jsonl", target))
                assert target.stat().st_size == size
        finally:
            conn.close()
    with Project.open(other, create=False, readonly=True) as o:
        assert o.count_articles() == 1


def test_export_refuses_the_project_through_a_link(project: Project, tmp_path: Path) -> None:
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "P.db")
    with pytest.raises(ExportError, match="project file itself"):
        export_project(project, ExportOptions("csv", link))
    hard = tmp_path / "hard.csv"
    os.link(tmp_path / "P.db", hard)
    with pytest.raises(ExportError):
        export_project(project, ExportOptions("csv", hard))


def test_csv_bom_neutralises_formulas_and_plain_csv_keeps_cells(
    project: Project, tmp_path: Path
) -> None:
    export_project(project, ExportOptions("csv", tmp_path / "sheet.csv", bom=True))
    export_project(project, ExportOptions("csv", tmp_path / "plain.csv"))
    sheet = list(csv.DictReader(io.StringIO((tmp_path / "sheet.csv").read_text("utf-8-sig"))))
    plain = list(csv.DictReader(io.StringIO((tmp_path / "plain.csv").read_text("utf-8"))))
    (s,), (p,) = sheet, plain
    for col in ("title", "quote_text", "speaker_text", "stance", "note", "publisher"):
        assert s[col][0] == "'" and s[col][1:] == p[col], col
        assert p[col][0] in "=+-@", col
    assert s["start"] == p["start"] and not s["start"].startswith("'")
    assert all(not v.startswith(("=", "+", "-", "@")) for v in s.values())


def test_brat_export_never_deletes_user_files(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "brat"
    export_project(project, ExportOptions("brat", out))
    assert (out / MANIFEST).is_file()
    (out / "my-notes.txt").write_text("mine", encoding="utf-8")
    (out / "sub").mkdir()
    (out / "sub" / "keep.ann").write_text("mine too", encoding="utf-8")
    before = _bytes(out)
    with pytest.raises(ExportError, match=r"did not write \(my-notes.txt, sub\)"):
        export_project(project, ExportOptions("brat", out))
    assert _bytes(out) == before
    assert not any(p.name.startswith(".brat") for p in tmp_path.iterdir())


def test_brat_export_replaces_its_own_folder_atomically(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "brat"
    export_project(project, ExportOptions("brat", out))
    first = _bytes(out)
    export_project(project, ExportOptions("brat", out, annotators=("ann",)))
    assert _bytes(out) == first  # same content, nothing left from the swap
    assert sorted(p.name for p in tmp_path.iterdir()) == ["P.db", "P.db-shm", "P.db-wal", "brat"]


def test_swap_refuses_foreign_files_that_appear_late(tmp_path: Path) -> None:
    new = tmp_path / "new"
    new.mkdir()
    (new / "a.txt").write_text("new", encoding="utf-8")
    target = tmp_path / "target"
    target.mkdir()
    (target / "user.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError, match="user.txt"):
        swap_in(new, target)
    assert (target / "user.txt").read_text(encoding="utf-8") == "mine"
    assert (new / "a.txt").exists()


def test_legacy_export_without_manifest_is_replaced_but_extra_files_are_kept(
    project: Project, tmp_path: Path
) -> None:
    out = tmp_path / "brat"
    export_project(project, ExportOptions("brat", out))
    (out / MANIFEST).unlink()  # as written before the manifest existed
    export_project(project, ExportOptions("brat", out))
    (out / MANIFEST).unlink()
    (out / "readme.txt").write_text("mine", encoding="utf-8")  # a .txt with no .ann
    with pytest.raises(ExportError, match="readme.txt"):
        export_project(project, ExportOptions("brat", out))
    assert (out / "readme.txt").read_text(encoding="utf-8") == "mine"


def test_swap_uses_one_atomic_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No moment where the target is missing or half written (Linux RENAME_EXCHANGE)."""
    old, new = tmp_path / "target", tmp_path / "new"
    for folder, word in ((old, "old"), (new, "new")):
        folder.mkdir()
        (folder / "a.txt").write_text(word, encoding="utf-8")
        (folder / MANIFEST).write_text('{"files": ["a.txt"]}', encoding="utf-8")
    renames: list[tuple[str, str]] = []
    real_rename = os.rename
    monkeypatch.setattr(os, "rename", lambda a, b: renames.append((a, b)) or real_rename(a, b))
    swap_in(new, old)
    if sys.platform == "linux":
        assert renames == []  # one renameat2 call, no remove-then-rename
    assert (old / "a.txt").read_text(encoding="utf-8") == "new"
    assert not new.exists()


def test_swap_fallback_puts_the_old_export_back_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = tmp_path / "target", tmp_path / "new"
    for folder, word in ((old, "old"), (new, "new")):
        folder.mkdir()
        (folder / "a.txt").write_text(word, encoding="utf-8")
        (folder / MANIFEST).write_text('{"files": ["a.txt"]}', encoding="utf-8")
    monkeypatch.setattr(brat, "_exchange", lambda a, b: False)
    real_rename = os.rename
    calls = []

    def flaky(a: object, b: object) -> None:
        calls.append(a)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_rename(a, b)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "rename", flaky)
    with pytest.raises(OSError):
        swap_in(new, old)
    assert (old / "a.txt").read_text(encoding="utf-8") == "old"
    assert (new / "a.txt").read_text(encoding="utf-8") == "new"
