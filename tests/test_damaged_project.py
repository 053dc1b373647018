"""A project file with a damaged page (a disk fault): every command and the window name
the file, say it is damaged and give the ways to the work, with no traceback (tester20
U9). The damage is made by overwriting pages of a real project."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.store.db import damage_message, is_damage
from annotator.store.project import Project
from tests.conftest import CliRunner

TEXT = 'Harbour tolls\n\n"We will not raise the tolls," said Mayor Ann Lee on Monday.\n'


def _damaged(tmp_path: Path, run_cli: CliRunner, offset: int) -> Path:
    src = tmp_path / "in.jsonl"
    lines = [{"id": f"a{i}", "text": TEXT + f"Part {i}. " * 40} for i in range(60)]
    src.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    db = tmp_path / "p.db"
    run_cli("import", str(db), str(src), check=True)
    with sqlite3.connect(db) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with open(db, "r+b") as fh:
        fh.seek(offset)
        fh.write(b"\xab" * 4000)
    return db


# page 3 holds the schema: every command refuses the file at open; page 4 an articles page
# the import reads
@pytest.mark.parametrize(
    ("offset", "command"),
    [
        (4096 * 2, ["stats"]),
        (4096 * 2, ["export", "-f", "csv"]),
        (4096 * 2, ["import"]),
        (4096 * 2, ["agreement"]),
        (4096 * 3, ["import"]),
    ],
)
def test_a_command_on_a_damaged_file_names_it_and_the_way_out(
    run_cli: CliRunner, tmp_path: Path, offset: int, command: list[str]
) -> None:
    db = _damaged(tmp_path, run_cli, offset)
    extra = {
        "import": [str(tmp_path / "in.jsonl")],
        "stats": [],
        "agreement": [],
        "export": ["-o", str(tmp_path / "out.csv")],
    }[command[0]]
    res = run_cli(command[0], str(db), *command[1:], *extra)
    assert res.returncode == 1, res.stdout
    assert "Traceback" not in res.stderr
    assert f"{db}: the project file is damaged" in res.stderr
    assert ".recover" in res.stderr


def test_reading_commands_still_read_a_file_damaged_where_they_do_not_look(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    db = _damaged(tmp_path, run_cli, 4096 * 3)
    res = run_cli("stats", str(db), check=True)
    assert "Articles" in res.stdout


def test_the_window_on_a_damaged_file_says_so_and_exits_1(
    run_cli: CliRunner, tmp_path: Path, capsys: pytest.CaptureFixture[str], qapp: object
) -> None:
    db = _damaged(tmp_path, run_cli, 4096 * 3)
    (tmp_path / "p.db.v11-20261201-101010.bak").write_bytes(b"old")
    from annotator.ui.application import run_app

    assert run_app(db, annotator="me") == 1
    err = capsys.readouterr().err
    assert f"{db}: the project file is damaged" in err
    assert "p.db.v11-20261201-101010.bak" in err
    assert "Traceback" not in err


def test_damage_is_told_from_other_database_errors(tmp_path: Path) -> None:
    assert is_damage(sqlite3.DatabaseError("database disk image is malformed"))
    assert is_damage(sqlite3.DatabaseError("file is not a database"))
    assert not is_damage(sqlite3.OperationalError("database is locked"))
    assert not is_damage(sqlite3.IntegrityError("UNIQUE constraint failed: articles.hash"))
    assert not is_damage(ValueError("malformed"))
    said = damage_message(tmp_path / "x[1].db", sqlite3.DatabaseError("malformed"))
    assert said.startswith(f"{tmp_path / 'x[1].db'}: the project file is damaged")
    with Project.open(tmp_path / "fine.db") as p:
        assert p.count_articles() == 0


@pytest.mark.parametrize(
    "name", ["Interview $(touch PWNED).db", "a' $(touch PWNED) 'b.db", "x `id` y.db"]
)
def test_the_recover_command_quotes_the_file_name(tmp_path: Path, name: str) -> None:
    import shlex

    said = damage_message(tmp_path / name, sqlite3.DatabaseError("malformed"))
    command = said[said.index("(sqlite3 ") + 1 : said.index(" | sqlite3 recovered.db")]
    assert shlex.split(command) == ["sqlite3", str(tmp_path / name), ".recover"]


def test_a_disk_error_is_not_called_damage() -> None:
    said = damage_message(Path("p.db"), sqlite3.OperationalError("disk I/O error"))
    assert "could not be read from the disk" in said and "damaged" not in said


def test_a_damaged_other_file_of_a_merge_is_not_blamed_on_the_project(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    """merge P.db OTHER.db with OTHER.db damaged: the message names both files and never
    tells the analyst that P.db is damaged (its backup restored over healthy work,
    review21 R12)."""
    other_dir = tmp_path / "colleague"
    other_dir.mkdir()
    other = _damaged(other_dir, run_cli, 4096 * 3)
    project = tmp_path / "mine.db"
    src = tmp_path / "mine.jsonl"
    src.write_text(json.dumps({"id": "m1", "text": TEXT}) + "\n", encoding="utf-8")
    run_cli("import", str(project), str(src), check=True)
    res = run_cli("merge", str(project), str(other))
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    assert f"{project}: the project file is damaged" not in res.stderr
    assert str(project) in res.stderr and str(other) in res.stderr


# -- backup of a damaged project (verify21 V2) ------------------------------------------


@pytest.mark.parametrize("page", [3, 4, 20])
def test_backup_of_a_damaged_project_says_so_and_writes_no_copy(
    run_cli: CliRunner, tmp_path: Path, page: int
) -> None:
    db = _damaged(tmp_path, run_cli, 4096 * page)
    out = tmp_path / "copy.db"
    res = run_cli("backup", str(db), str(out))
    assert res.returncode == 1
    assert "Traceback" not in res.stderr and "Copied" not in res.stdout
    assert f"{db}: the project file is damaged (SQLite: quick_check: " in res.stderr
    assert ".recover" in res.stderr
    assert f"A copy would hold the same damage: {out} was not written." in res.stderr
    assert not [p.name for p in tmp_path.iterdir() if "copy" in p.name]


def test_backup_of_a_damaged_project_leaves_an_older_copy_as_it_was(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    db = _damaged(tmp_path, run_cli, 4096 * 3)
    out = tmp_path / "copy.db"
    out.write_bytes(b"the copy of last week")
    res = run_cli("backup", str(db), str(out), "--force")
    assert res.returncode == 1 and "was not written" in res.stderr
    assert out.read_bytes() == b"the copy of last week"


def test_backup_of_a_healthy_project_says_it_was_checked(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    db = _damaged(tmp_path, run_cli, 4096 * 3)
    good = tmp_path / "good.db"
    db.rename(tmp_path / "bad.db")
    run_cli("import", str(good), str(tmp_path / "in.jsonl"), check=True)
    out = tmp_path / "copy.db"
    res = run_cli("backup", str(good), str(out), check=True)
    assert res.stdout.strip() == f"Copied {good} (60 articles) to {out} (checked: no damage found)"
    with sqlite3.connect(out) as c:
        assert c.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert c.execute("SELECT count(*) FROM articles").fetchone() == (60,)


def test_backup_no_check_copies_as_before(run_cli: CliRunner, tmp_path: Path) -> None:
    db = _damaged(tmp_path, run_cli, 4096 * 3)
    out = tmp_path / "copy.db"
    res = run_cli("backup", str(db), str(out), "--no-check", check=True)
    assert res.stdout.strip() == f"Copied {db} (60 articles) to {out}"
    from annotator.store.db import quick_check

    with sqlite3.connect(out) as c:  # the copy holds the damage (the analyst asked for it)
        assert "Page 4" in quick_check(c)[0]


def test_a_copy_damaged_on_its_way_is_not_blamed_on_the_project(
    run_cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The project passes the check, its copy does not (a failing drive): the message
    names the copy, never calls the project damaged, and no copy is left."""
    from annotator.store import db as store_db

    real = store_db.quick_check

    def copy_fails(conn: sqlite3.Connection) -> list[str]:
        (name,) = [r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main"]
        return (
            ["Page 7: btreeInitPage() returns error code 11"] if ".partial" in name else real(conn)
        )

    monkeypatch.setattr(store_db, "quick_check", copy_fails)
    good = tmp_path / "good.db"
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": TEXT}) + "\n", encoding="utf-8")
    run_cli("import", str(good), str(src), check=True)
    out = tmp_path / "copy.db"
    res = run_cli("backup", str(good), str(out))
    assert res.returncode == 1
    assert f"{out}: the copy was damaged while it was written" in res.stderr
    assert f"though {good} itself passes the check" in res.stderr
    assert "the project file is damaged" not in res.stderr
    assert not out.exists() and not (tmp_path / ".copy.db.partial").exists()


def test_save_copy_with_check_raises_a_damaged_copy_error(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    from annotator.store.db import DamagedCopyError

    db = _damaged(tmp_path, run_cli, 4096 * 3)
    with (
        Project.open(db, create=False, readonly=True) as p,
        pytest.raises(DamagedCopyError) as info,
    ):
        p.save_copy(tmp_path / "c.db", check=True)
    assert info.value.source_damaged
    assert info.value.problems and "Page 4" in info.value.problems[0]
    assert not (tmp_path / "c.db").exists()
