"""The project file is whole when copied: checkpoints, read-only opens, backups (issue 15).

A read-only location is simulated for real where the machine allows it (CI runs as root,
which ignores permission bits): a read-only bind mount, else ``chattr +i`` on the folder,
else plain ``chmod`` when not root. SQLite then really cannot create ``-wal``/``-shm``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator import cli
from annotator.core.model import Article, Quote
from annotator.store.project import Project

TEXT = 'The mayor said the bridge would open. "It is safe," Ana Ruiz told reporters.'


def is_wal_file(path: Path) -> bool:
    """The SQLite header's file format bytes (18, 19) say WAL."""
    return path.read_bytes()[18:20] == b"\x02\x02"


def _sidecars(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-"))


def _project(path: Path, articles: int = 3) -> Path:
    with Project.open(path) as p:
        for k in range(articles):
            aid, _ = p.add_article(Article(f"Article {k}", f"{TEXT} Number {k}."))
            p.add_annotation(aid, "alice", Quote(((0, 9),), status="accepted"))
    return path


def _rows_in_copy_of_db_alone(path: Path, dest_dir: Path) -> int:
    """Copy only the .db (not -wal) in another process and count the annotations in it."""
    code = (
        "import shutil, sqlite3, sys\n"
        "dst = shutil.copy(sys.argv[1], sys.argv[2])\n"
        "print(sqlite3.connect(dst).execute('SELECT count(*) FROM annotations').fetchone()[0])\n"
    )
    dest_dir.mkdir(exist_ok=True)
    out = subprocess.run(
        [sys.executable, "-c", code, str(path), str(dest_dir / "copy.db")],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout)


# -- checkpoints ---------------------------------------------------------------------------


def test_a_burst_of_writes_reaches_the_db_file_once_it_is_over(tmp_path: Path) -> None:
    path = _project(tmp_path / "p.db", articles=1)
    with Project.open(path) as p:
        p.db.execute("PRAGMA wal_autocheckpoint = 0")  # only our checkpoints count
        aid = p.article_ids()[0]
        for k in range(10):
            p.add_annotation(aid, "bob", Quote(((k, k + 3),), status="accepted"))
        # the first write of the burst was checkpointed at once, the rest wait for the end
        assert p.wal_pending
        assert _rows_in_copy_of_db_alone(path, tmp_path / "a") < 11
        assert p.checkpoint_if_due(quiet_s=0.0)
        assert not p.wal_pending
        assert _rows_in_copy_of_db_alone(path, tmp_path / "b") == 11
        assert (tmp_path / "p.db-wal").exists()  # still open: WAL in use


def test_the_first_write_after_a_pause_is_in_the_db_file_at_once(tmp_path: Path) -> None:
    path = _project(tmp_path / "p.db", articles=1)
    with Project.open(path) as p:
        p.db.execute("PRAGMA wal_autocheckpoint = 0")
        p.add_annotation(p.article_ids()[0], "bob", Quote(((1, 4),), status="accepted"))
        assert not p.wal_pending
        assert _rows_in_copy_of_db_alone(path, tmp_path / "a") == 2


def test_a_new_project_is_whole_in_its_db_file_while_open(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with Project.open(path) as p:
        p.db.execute("PRAGMA wal_autocheckpoint = 0")
        assert _rows_in_copy_of_db_alone(path, tmp_path / "a") == 0  # the schema is there


def _wait_whole(p: Project) -> None:
    """Poll as the window's timer does until the background checkpoint has copied every
    write (a deadline only ends a hung test; nothing is timed)."""
    deadline = time.monotonic() + 30
    while p.wal_pending and time.monotonic() < deadline:
        p.checkpoint_if_due(quiet_s=0.0)
        time.sleep(0.01)


@pytest.mark.parametrize("writes", [1, 10, 40])
def test_background_checkpoints_never_run_on_the_callers_connection(
    tmp_path: Path, writes: int
) -> None:
    path = _project(tmp_path / "p.db", articles=1)
    with Project.open(path) as p:
        p.checkpoint_in_background()
        statements: list[str] = []
        p.db.conn.set_trace_callback(statements.append)
        aid = p.article_ids()[0]
        for k in range(writes):
            p.add_annotation(aid, "bob", Quote(((k, k + 3),), status="accepted"))
        p._last_checkpoint = 0.0  # noqa: SLF001 (the lag limit is due: still no wait)
        p.add_annotation(aid, "carol", Quote(((1, 5),), status="accepted"))
        _wait_whole(p)
        assert not p.wal_pending
        assert not [s for s in statements if "checkpoint" in s.lower()]
        # SQLite's own checkpoint at commit would run on this connection too: it is off
        assert p.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        # the .db alone holds every write (the 1 of _project, these, carol's)
        assert _rows_in_copy_of_db_alone(path, tmp_path / "a") == writes + 2
    assert _sidecars(path) == []


def test_writes_after_a_background_checkpoint_keep_the_file_pending(tmp_path: Path) -> None:
    path = _project(tmp_path / "p.db", articles=1)
    with Project.open(path) as p:
        p.checkpoint_in_background()
        aid = p.article_ids()[0]
        p.add_annotation(aid, "bob", Quote(((0, 3),), status="accepted"))
        _wait_whole(p)
        assert _rows_in_copy_of_db_alone(path, tmp_path / "a") == 2
        p._last_checkpoint = time.monotonic()  # noqa: SLF001 (inside the lag: no request)
        p.add_annotation(aid, "bob", Quote(((4, 8),), status="accepted"))
        assert p.wal_pending  # the newer write is not in the .db yet
        _wait_whole(p)
        assert not p.wal_pending
        assert _rows_in_copy_of_db_alone(path, tmp_path / "b") == 3


def test_close_stops_the_background_checkpoints_and_leaves_one_whole_file(
    tmp_path: Path,
) -> None:
    path = _project(tmp_path / "p.db", articles=1)
    p = Project.open(path)
    p.checkpoint_in_background()
    checkpointer = p._checkpointer  # noqa: SLF001
    assert checkpointer is not None
    p._last_checkpoint = time.monotonic()  # noqa: SLF001 (the write stays in the WAL)
    p.add_annotation(p.article_ids()[0], "bob", Quote(((0, 3),), status="accepted"))
    p.close()
    assert not checkpointer._thread.is_alive()  # noqa: SLF001
    assert _sidecars(path) == []
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 2


def test_a_read_only_project_starts_no_background_checkpoints(tmp_path: Path) -> None:
    path = _project(tmp_path / "p.db", articles=1)
    with Project.open(path, readonly=True) as p:
        p.checkpoint_in_background()
        assert p._checkpointer is None  # noqa: SLF001
    assert _sidecars(path) == []


# -- read-only commands leave nothing behind ----------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["stats", "{p}"],
        ["stats", "{p}", "--json"],
        ["agreement", "{p}"],
        ["export", "{p}", "--format", "jsonl", "-o", "{out}", "--quiet"],
    ],
)
def test_read_only_commands_leave_no_wal_or_shm(
    tmp_path: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = _project(tmp_path / "p.db")
    assert _sidecars(path) == []
    before = path.read_bytes()
    args = [a.format(p=path, out=tmp_path / "out.jsonl") for a in argv]
    assert cli.main(args) == 0, capsys.readouterr().err
    assert _sidecars(path) == []
    assert path.read_bytes() == before


def test_read_only_open_reads_what_an_open_writer_has_in_its_wal(tmp_path: Path) -> None:
    path = _project(tmp_path / "p.db", articles=1)
    with Project.open(path) as writer:
        writer.db.execute("PRAGMA wal_autocheckpoint = 0")
        writer._last_checkpoint = float("inf")  # noqa: SLF001 (hold every write in the WAL)
        writer.add_article(Article("Later", "Only in the WAL so far."))
        with Project.open(path, readonly=True) as reader:
            assert reader.count_articles() == 2
        assert (tmp_path / "p.db-wal").exists()  # the reader did not take the writer's files
    assert _sidecars(path) == []


# -- a project on a read-only folder or medium --------------------------------------------


def _mount_read_only(src: Path, dst: Path) -> bool:
    dst.mkdir()
    if shutil.which("mount") is None:
        return False
    ok = subprocess.run(["mount", "--bind", "-o", "ro", str(src), str(dst)], capture_output=True)
    if ok.returncode != 0:
        return False
    probe = dst / ".probe"
    try:
        probe.touch()
    except OSError:
        return True
    probe.unlink()
    subprocess.run(["umount", str(dst)], check=False)
    return False


@pytest.fixture
def read_only_project(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A project in a folder nobody can write (and how that was arranged)."""
    src = tmp_path / "src"
    src.mkdir()
    _project(src / "p.db")
    mnt = tmp_path / "ro"
    if _mount_read_only(src, mnt):
        yield mnt / "p.db", "read-only bind mount"
        subprocess.run(["umount", str(mnt)], check=False)
        return
    if shutil.which("chattr") and subprocess.run(["chattr", "+i", str(src)]).returncode == 0:
        yield src / "p.db", "chattr +i folder"
        subprocess.run(["chattr", "-i", str(src)], check=False)
        return
    if os.getuid() != 0:
        src.chmod(stat.S_IRUSR | stat.S_IXUSR)
        yield src / "p.db", "chmod 500 folder"
        src.chmod(stat.S_IRWXU)
        return
    pytest.skip("root without mount or chattr: no way to make a folder really read-only here")


def test_project_on_read_only_folder_can_be_read_exported_and_merged_from(
    tmp_path: Path, read_only_project: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _how = read_only_project
    before = path.read_bytes()
    assert cli.main(["stats", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["articles"] == 3
    out = tmp_path / "out.jsonl"
    assert cli.main(["export", str(path), "--format", "jsonl", "-o", str(out), "--quiet"]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3
    mine = tmp_path / "mine.db"
    Project.open(mine).close()
    assert cli.main(["merge", str(mine), str(path)]) == 0, capsys.readouterr().err
    with Project.open(mine) as p:
        assert p.count_articles() == 3
        assert sum(len(p.annotations(a)) for a in p.article_ids()) == 3
    assert cli.main(["backup", str(path), str(tmp_path / "copy.db")]) == 0
    # opening it "for writing" (the window) gives a read-only project, not a failure
    with Project.open(path) as p:
        assert p.readonly and p.count_articles() == 3
    assert _sidecars(path) == []
    assert path.read_bytes() == before


# -- backup ------------------------------------------------------------------------------


def test_backup_is_one_consistent_file_while_a_writer_holds_changes_in_its_wal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _project(tmp_path / "p.db", articles=1)
    with Project.open(path) as writer:
        writer.db.execute("PRAGMA wal_autocheckpoint = 0")
        writer._last_checkpoint = float("inf")  # noqa: SLF001 (hold every write in the WAL)
        for k in range(5):
            writer.add_article(Article(f"New {k}", f"Written while open, number {k}."))
        assert _rows_in_copy_of_db_alone(path, tmp_path / "plain") == 1
        out = tmp_path / "backup" / "copy.db"
        out.parent.mkdir()
        assert cli.main(["backup", str(path), str(out)]) == 0
        assert "6 articles" in capsys.readouterr().out
    assert sorted(p.name for p in out.parent.iterdir()) == ["copy.db"]
    assert not is_wal_file(out)
    con = sqlite3.connect(f"{out.as_uri()}?mode=ro", uri=True)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 6
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    with Project.open(out) as copy:  # and it is a project that opens and upgrades to WAL
        assert copy.count_articles() == 6 and not copy.readonly


def test_backup_refuses_existing_file_and_the_project_itself(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _project(tmp_path / "p.db", articles=1)
    other = tmp_path / "other.db"
    other.write_bytes(b"mine")
    assert cli.main(["backup", str(path), str(other)]) == 1
    assert "exists already" in capsys.readouterr().err
    assert other.read_bytes() == b"mine"
    assert cli.main(["backup", str(path), str(other), "--force"]) == 0
    assert is_wal_file(other) is False and other.stat().st_size > 4
    for target in (path, tmp_path / "p.db-wal"):
        assert cli.main(["backup", str(path), str(target), "--force"]) == 1
        assert "project file itself" in capsys.readouterr().err
    with Project.open(path) as p:
        assert p.count_articles() == 1
