"""A read-only project (file, folder or disk): every command and the window say
"PROJECT is read-only: WHY", what still works and what to do; never a traceback or a bare
SQLite error; the file is left byte for byte as it was.

Made read-only for real where the machine allows it (a read-only bind mount, else
``chattr +i``, else ``chmod`` when not root: root ignores permission bits); the same messages
are also checked everywhere by making ``os.access`` refuse writes, which is what the store
asks.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotator.core.errors import ReadOnlyProjectError
from annotator.core.model import Article, Quote
from annotator.store import db as dbmod
from annotator.store.db import read_only_message, read_only_reason
from annotator.store.project import Project
from tests.conftest import CliRunner

TEXT = '"We will reopen the bridge," said Mayor Dana Whitfield on Monday.'


def _project(path: Path) -> Path:
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Bridge", TEXT))
        p.add_annotation(aid, "alice", Quote(((1, 26),), status="accepted"))
    return path


def _new_article(tmp_path: Path) -> Path:
    src = tmp_path / "new.txt"
    src.write_text("New article\n\nThe minister said the talks were over.\n", "utf-8")
    return src


def _mount_read_only(src: Path, dst: Path) -> bool:
    dst.mkdir()
    if shutil.which("mount") is None:
        return False
    ok = subprocess.run(["mount", "--bind", "-o", "ro", str(src), str(dst)], capture_output=True)
    if ok.returncode != 0:
        return False
    try:
        (dst / ".probe").touch()
    except OSError:
        return True
    (dst / ".probe").unlink()
    subprocess.run(["umount", str(dst)], check=False)
    return False


@pytest.fixture
def really_read_only(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A project nobody can write here, and the reason the store should give."""
    src = tmp_path / "src"
    src.mkdir()
    _project(src / "p.db")
    mnt = tmp_path / "ro"
    if _mount_read_only(src, mnt):
        yield mnt / "p.db", "it is on a read-only disk or mount"
        subprocess.run(["umount", str(mnt)], check=False)
        return
    if shutil.which("chattr") and subprocess.run(["chattr", "+i", str(src)]).returncode == 0:
        yield src / "p.db", f"its folder {src} is read-only"
        subprocess.run(["chattr", "-i", str(src)], check=False)
        return
    if os.getuid() != 0:
        src.chmod(stat.S_IRUSR | stat.S_IXUSR)
        yield src / "p.db", f"its folder {src} is read-only"
        src.chmod(stat.S_IRWXU)
        return
    pytest.skip("root without mount or chattr (the os.access tests below still run)")


@pytest.fixture(params=["file", "folder"])
def access_read_only(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, str]:
    """A project whose file (or folder) the store is told it cannot write."""
    path = _project(tmp_path / "p.db")
    target = path if request.param == "file" else tmp_path
    if request.param == "file":
        path.chmod(stat.S_IRUSR)
    real = os.access

    def access(p: Any, mode: int, *a: Any, **k: Any) -> bool:
        if mode & os.W_OK and Path(p).resolve() == target.resolve():
            return False
        return real(p, mode, *a, **k)

    monkeypatch.setattr(dbmod.os, "access", access)
    why = "the file is read-only" if request.param == "file" else f"its folder {tmp_path} is"
    return path, why


def _sidecars(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-"))


def _check_import_refused(path: Path, why: str, tmp_path: Path, run_cli: CliRunner) -> None:
    before = path.read_bytes()
    res = run_cli("import", str(path), str(_new_article(tmp_path)), "--quiet")
    assert res.returncode == 1
    assert res.stdout == ""
    (line,) = res.stderr.splitlines()
    assert line.startswith(f"annotator: error: {path} is read-only: {why}")
    assert "It can still be read: the window opens it for reading" in line
    assert f"`annotator backup {path} COPY.db`" in line
    assert line.endswith("Nothing was imported.")
    assert path.read_bytes() == before
    assert _sidecars(path) == []
    # and reading works
    res = run_cli("stats", str(path), "--json")
    assert res.returncode == 0 and json.loads(res.stdout)["articles"] == 1
    (tmp_path / "elsewhere").mkdir(exist_ok=True)
    res = run_cli("merge", str(path), str(_project(tmp_path / "elsewhere" / "other.db")))
    assert res.returncode == 1
    assert res.stderr.startswith(f"annotator: error: {path} is read-only: {why}")
    assert res.stderr.rstrip().endswith("Nothing was changed.")
    assert path.read_bytes() == before


def test_import_into_a_really_read_only_project(
    really_read_only: tuple[Path, str], tmp_path: Path, run_cli: CliRunner
) -> None:
    path, why = really_read_only
    assert read_only_reason(path) == why
    _check_import_refused(path, why, tmp_path, run_cli)


def test_import_into_a_project_the_store_cannot_write(
    access_read_only: tuple[Path, str], tmp_path: Path, run_cli: CliRunner
) -> None:
    path, why = access_read_only
    _check_import_refused(path, why, tmp_path, run_cli)
    what = "make the file writable" if why.startswith("the file") else "make the folder writable"
    assert what in read_only_message(path, read_only_reason(path))


def test_store_write_says_read_only_with_the_reason(access_read_only: tuple[Path, str]) -> None:
    path, why = access_read_only
    with Project.open(path) as p:
        assert p.readonly and p.read_only_why.startswith(why)
        with pytest.raises(ReadOnlyProjectError) as err:
            p.add_article(Article("New", "The minister said no."))
    assert str(err.value).startswith(f"{path} is read-only: {why}")
    assert str(err.value).endswith("Nothing was changed.")
    # opened read-only on purpose, the short message stays: nothing is wrong with the file
    with Project.open(path, readonly=True) as p:
        assert p.read_only_why == ""


def test_open_says_it_opens_for_reading(
    access_read_only: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import annotator.ui.application as application
    import annotator.ui.platform_check as platform_check
    from annotator.cli import main

    path, why = access_read_only
    opened: list[Path] = []
    monkeypatch.setattr(platform_check, "window_problem", lambda: None)
    monkeypatch.setattr(application, "run_app", lambda p, **_k: opened.append(p) or 0)
    before = path.read_bytes()
    assert main([str(path)]) == 0
    err = capsys.readouterr().err
    assert opened == [path]
    assert f"annotator: {path} is read-only: {why}" in err
    assert "The window opens it for reading only." in err
    assert "Traceback" not in err and "sqlite3" not in err
    assert path.read_bytes() == before


def test_detect_output_in_a_read_only_place_and_a_project_as_input(
    tmp_path: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path / "p.db")
    res = run_cli("detect", str(project), "-o", str(tmp_path / "o.jsonl"), "--model", "rules-only")
    assert res.returncode == 1
    assert res.stderr.strip() == (
        f"annotator: error: {project}: the file is an SQLite database, not text; detect reads "
        f"quote JSONL: write a project's articles out with `annotator export {project} "
        "--format jsonl -o OUT.jsonl` first"
    )
    assert not (tmp_path / "o.jsonl").exists()
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": TEXT}) + "\n", "utf-8")
    real_open = open

    def refuse(file: Any, mode: str = "r", *a: Any, **k: Any) -> Any:
        if str(file).endswith("out.jsonl") and "w" in mode:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, mode, *a, **k)

    monkeypatch.setattr("builtins.open", refuse)
    out = tmp_path / "out.jsonl"
    res = run_cli("detect", str(src), "-o", str(out), "--model", "rules-only", "--quiet")
    assert res.returncode == 1
    assert res.stderr.splitlines()[-1] == (
        f"annotator: error: {out}: no permission to write in the folder {tmp_path}; "
        "nothing was written"
    )


def test_an_os_error_anywhere_is_one_line_naming_the_file(
    tmp_path: Path, run_cli: CliRunner
) -> None:
    pytest.importorskip("distributed")
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": TEXT}) + "\n", "utf-8")
    blocker = tmp_path / "file.txt"
    blocker.write_text("a file where a folder should be", "utf-8")
    out = blocker / "detected"  # the cluster run's output folder cannot be made
    res = run_cli("detect", str(src), "-o", str(out), "--scheduler", "local:1", "--quiet")
    assert res.returncode == 1
    assert res.stderr.splitlines()[-1] == f"annotator: error: {out}: Not a directory"
