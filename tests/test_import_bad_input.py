"""``annotator import`` on bad input: one line per bad file or entry naming the file, the line
and the problem; the good entries kept; what the project held before unchanged; exit code 1
whenever something could not be imported, 0 only when everything went in (or was there)."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from annotator.io import files as files_mod
from annotator.services.cluster import scan_inputs
from annotator.store.project import Project
from tests.conftest import CliRunner

GOOD = {"id": "g1", "text": "Good one\n\nThe mayor said the bridge would reopen."}
GOOD2 = {"id": "g2", "text": "Good two\n\nThe minister said the talks were over."}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06"
# bytes that are not text in any way: NULs and high bytes (a fixed pattern, not random)
HINT = ' (one article per line: {"text": ...})'
NOISE = bytes((i * 97 + 13) % 256 for i in range(3000))


def _rows(db: Path) -> list[tuple[object, ...]]:
    """Every article and annotation row of the project, as stored."""
    con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        arts = con.execute("SELECT id, title, text FROM articles ORDER BY id").fetchall()
        anns = con.execute("SELECT * FROM annotations ORDER BY id").fetchall()
    finally:
        con.close()
    return [*arts, *anns]


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    """A project with one article and one accepted annotation already in it."""
    src = tmp_path / "saved.jsonl"
    quote = {"content_spans": [[1, 9]], "annotator": "alice", "status": "accepted"}
    text = '"Not yet," said Vera Lind on the pier.'
    src.write_text(json.dumps({"id": "s", "text": text, "quotes": [quote]}) + "\n", "utf-8")
    db = tmp_path / "p.db"
    with Project.open(db) as p:
        from annotator.services.importing import import_paths

        assert import_paths(p, [src]).articles_added == 1
    return db


def _line(stdout: str, path: Path) -> str:
    (line,) = [x for x in stdout.splitlines() if x.startswith(str(path) + ":")]
    return line


@pytest.mark.parametrize("ext", [".txt", ".jsonl", ".csv", ".prodigy"])
@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the file is empty"),
        (b"  \n\n\t\n", "the file is empty"),
        (PNG, "the file is a PNG image, not text"),
        (NOISE, "the file is a binary file, not text"),
        (b"SQLite format 3\x00" + bytes(200), "the file is an SQLite database, not text"),
        (bytes(range(1, 32)) * 40, "the file is a binary file, not text"),
    ],
    ids=["empty", "blank", "png", "noise", "sqlite", "controls"],
)
def test_a_file_that_is_not_text_is_one_failed_line_and_exit_1(
    tmp_path: Path, saved: Path, run_cli: CliRunner, ext: str, data: bytes, reason: str
) -> None:
    bad = tmp_path / f"bad{ext}"
    bad.write_bytes(data)
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(GOOD) + "\n", "utf-8")
    before = _rows(saved)
    res = run_cli("import", str(saved), str(bad), str(good), "--quiet")
    assert res.returncode == 1, res.stdout + res.stderr
    assert _line(res.stdout, bad) == f"{bad}: failed: {reason}"
    assert _line(res.stdout, good) == f"{good}: imported 1 article"
    assert "Traceback" not in res.stderr and res.stderr == ""
    after = _rows(saved)
    assert after[: len(before) - 1] == before[: len(before) - 1]  # old articles as they were
    assert set(before) <= set(after) and len(after) == len(before) + 1  # plus the good one


@pytest.mark.parametrize("ext", [".txt", ".csv"])
def test_an_encoding_nobody_knows_is_named_as_such(
    tmp_path: Path, run_cli: CliRunner, ext: str
) -> None:
    bad = tmp_path / f"odd{ext}"
    bad.write_bytes(bytes(range(0x80, 0x100)) * 10)  # no NUL, not UTF-8, no code page fits
    res = run_cli("import", str(tmp_path / "p.db"), str(bad), "--quiet")
    assert res.returncode == 1
    assert _line(res.stdout, bad) == f"{bad}: failed: the encoding could not be recognised"


def test_text_with_a_few_control_characters_is_still_text(
    tmp_path: Path, run_cli: CliRunner
) -> None:
    ok = tmp_path / "form_feed.txt"
    ok.write_bytes(b"Title\f\n\nThe mayor said\x07 the bridge\x1b would reopen.\n" * 3)
    res = run_cli("import", str(tmp_path / "p.db"), str(ok), "--quiet")
    assert res.returncode == 0, res.stdout
    assert _line(res.stdout, ok) == f"{ok}: imported 1 article"


def test_utf16_jsonl_is_refused_with_what_to_do(tmp_path: Path, run_cli: CliRunner) -> None:
    bad = tmp_path / "u16.jsonl"
    bad.write_bytes((json.dumps(GOOD) + "\n").encode("utf-16"))
    res = run_cli("import", str(tmp_path / "p.db"), str(bad), "--quiet")
    assert res.returncode == 1
    assert _line(res.stdout, bad) == (
        f"{bad}: failed: the file is UTF-16 text; JSONL files must be UTF-8 (save it as UTF-8)"
    )


def test_wrong_types_and_lines_that_are_not_objects_name_their_line(
    tmp_path: Path, saved: Path, run_cli: CliRunner
) -> None:
    src = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps(GOOD),
        json.dumps({"id": "w1", "text": 42}),
        json.dumps({"id": "w2", "text": "x", "title": ["a", "b"]}),
        json.dumps({"id": "w3", "text": "x", "meta": "Herald"}),
        json.dumps({"id": "w4", "text": "x", "quotes": {"content_spans": [[0, 1]]}}),
        json.dumps({"id": "w5", "text": "xy", "quotes": ["a quote"]}),
        "[1, 2, 3]",
        '"just a string"',
        "null",
        '{"id": "broken", "text": "cut off',
        json.dumps(GOOD2),
    ]
    src.write_text("\n".join(lines) + "\n", "utf-8")
    before = _rows(saved)
    res = run_cli("import", str(saved), str(src), "--quiet")
    assert res.returncode == 1
    out = res.stdout.splitlines()
    # line 6's quote is not an object: it costs only that quote, and its article "xy" is kept
    assert _line(res.stdout, src) == (
        f"{src}: imported 3 articles; 8 bad entries skipped; 1 bad quote skipped (not their "
        "articles)"
    )
    problems = [x.strip() for x in out if x.startswith("    ")]
    assert problems == [
        f"{src}, line 2: text: Input should be a valid string, not a number (42)",
        f"{src}, line 3: title: Input should be a valid string, not an array",
        f"{src}, line 4: meta: Input should be a JSON object, not a string ('Herald')",
        f"{src}, line 5: quotes: Input should be a JSON array, not an object",
        f"{src}, line 6, quote 1: a quote must be a JSON object, not a string ('a quote'); "
        "this quote was skipped, not its article",
        f"{src}, line 7: the line is an array, not a JSON object{HINT}",
        f"{src}, line 8: the line is a string ('just a string'), not a JSON object{HINT}",
        f"{src}, line 9: the line is null, not a JSON object{HINT}",
        f"{src}, line 10: broken JSON (Unterminated string starting at column 26)",
    ]
    with Project.open(saved, readonly=True) as p:
        titles = sorted(p.article(a).title for a in p.article_ids())
    assert titles == ['"Not yet," said Vera Lind on the pier.', "Good one", "Good two", "xy"]
    assert set(before) <= set(_rows(saved))


def test_csv_with_only_a_header_fails_and_a_csv_with_rows_passes(
    tmp_path: Path, run_cli: CliRunner
) -> None:
    header = tmp_path / "header.csv"
    header.write_text("id,title,text\n", "utf-8")
    blank_rows = tmp_path / "blank_rows.csv"
    blank_rows.write_text("id,title,text\n\n\n", "utf-8")
    rows = tmp_path / "rows.csv"
    rows.write_text('id,title,text\nc1,T,"The mayor said so."\nc2,T2,\n', "utf-8")
    db = tmp_path / "p.db"
    res = run_cli("import", str(db), str(header), str(blank_rows), str(rows), "--quiet")
    assert res.returncode == 1
    for f in (header, blank_rows):
        assert _line(res.stdout, f) == (
            f"{f}: failed: the CSV has a header row but no rows of articles"
        )
    assert _line(res.stdout, rows) == f"{rows}: imported 1 article; 1 bad entry skipped"
    assert f'    {rows}, row 3: the "text" cell is empty' in res.stdout.splitlines()
    with Project.open(db, readonly=True) as p:
        assert p.count_articles() == 1


def test_folder_named_like_a_file(tmp_path: Path, run_cli: CliRunner) -> None:
    folder = tmp_path / "x.jsonl"
    folder.mkdir()
    (folder / "inner.jsonl").write_text(json.dumps(GOOD) + "\n", "utf-8")
    empty = tmp_path / "y.jsonl"
    empty.mkdir()
    (empty / "notes.md").write_text("not an article", "utf-8")
    db = tmp_path / "p.db"
    res = run_cli("import", str(db), str(folder), str(empty), "--quiet")
    assert res.returncode == 1
    assert _line(res.stdout, folder / "inner.jsonl").endswith("imported 1 article")
    assert _line(res.stdout, empty) == (
        f"{empty}: failed: is a folder with no files to import in it (.txt, .jsonl, .csv, "
        ".tsv or .prodigy files, brat folders)"
    )
    with Project.open(db, readonly=True) as p:
        assert p.count_articles() == 1


@pytest.mark.parametrize("ext", [".txt", ".jsonl", ".csv"])
def test_unreadable_file_says_permission_denied(
    tmp_path: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, ext: str
) -> None:
    bad = tmp_path / f"secret{ext}"
    bad.write_text("id,text\n1,The mayor said so.\n" if ext == ".csv" else json.dumps(GOOD))
    if ext == ".txt":
        bad.write_text("Title\n\nThe mayor said so.\n", "utf-8")
    bad.chmod(0)
    if os.access(bad, os.R_OK):  # root reads it anyway: make the open fail as it would
        real_open = os.open

        def deny(path: object, flags: int, *a: object) -> int:
            if Path(str(path)).name == bad.name:
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, flags, *a)  # type: ignore[arg-type]

        monkeypatch.setattr(files_mod.os, "open", deny)
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(GOOD) + "\n", "utf-8")
    try:
        res = run_cli("import", str(tmp_path / "p.db"), str(bad), str(good), "--quiet")
    finally:
        bad.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert res.returncode == 1
    assert _line(res.stdout, bad) == f"{bad}: failed: cannot be read (Permission denied)"
    assert _line(res.stdout, good) == f"{good}: imported 1 article"


def test_exit_0_only_when_everything_went_in(tmp_path: Path, run_cli: CliRunner) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(GOOD) + "\n" + json.dumps(GOOD2) + "\n", "utf-8")
    db = tmp_path / "p.db"
    assert run_cli("import", str(db), str(good), "--quiet").returncode == 0
    assert run_cli("import", str(db), str(good), "--quiet").returncode == 0  # all there already
    one_bad = tmp_path / "one_bad.jsonl"
    one_bad.write_text(json.dumps(GOOD) + "\n{oops\n", "utf-8")
    assert run_cli("import", str(db), str(one_bad), "--quiet").returncode == 1
    res = run_cli("import", "--help")
    assert "Exit code: 0 when every file and entry was imported" in res.stdout.replace("\n", " ")


def test_detect_on_a_cluster_says_which_encoding_it_guessed(tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes(
        "Caf\u00e9 owners\n\nH\u00e9l\u00e8ne said the caf\u00e9 would stay.".encode("cp1252")
    )
    plain = tmp_path / "plain.txt"
    plain.write_text("Plain\n\nThe mayor said so.", "utf-8")
    empty = tmp_path / "nothing"
    empty.mkdir()
    said: list[str] = []
    inputs = scan_inputs([latin, plain, empty], said.append)
    assert [Path(i.path).name for i in inputs] == ["latin.txt", "plain.txt"]
    assert said == [
        f"{latin}: not UTF-8: decoded as cp1252 (detected)",
        f"skipped {empty}: is a folder with no files to read in it",
    ]


@pytest.mark.parametrize("kind", ["folder", "missing", "fifo"])
def test_detect_without_a_scheduler_names_what_the_input_is(
    tmp_path: Path, run_cli: CliRunner, kind: str
) -> None:
    src = tmp_path / "in"
    if kind == "folder":
        src.mkdir()
        (src / "a.txt").write_text("Title\n\nThe mayor said the pier would reopen.", "utf-8")
    elif kind == "fifo":
        os.mkfifo(src)
    out = tmp_path / "o.jsonl"
    res = run_cli("detect", str(src), "-o", str(out), "--model", "rules-only")
    assert res.returncode == 1
    (line,) = res.stderr.strip().splitlines()
    expected = {
        "folder": f"annotator: error: {src}: is a folder; without --scheduler detect reads one",
        "missing": f"annotator: error: {src}: no such file",
        "fifo": f"annotator: error: {src}: not a file",
    }[kind]
    assert line.startswith(expected)
    if kind == "folder":
        assert "--scheduler local" in line
    assert not out.exists()
