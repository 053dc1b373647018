"""``annotator import --encoding NAME`` (tester18 T5): a legacy encoding the detector gets
wrong can be named. It applies to .txt and .csv; JSONL stays UTF-8 (RFC 8259) and its
line says so; an unknown name is refused before anything is created."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.io.decode import NotTextError, check_encoding, decode_as
from annotator.services.importing import import_paths
from annotator.store.project import Project
from tests.conftest import CliRunner

POLISH = "Wałęsa powiedział, że żółw śpi.\n\nŚwiadkowie mówią, że źle się dzieje."
JAPANESE = "東京で会議が開かれた。\n\n首相は「対話を続ける」と述べた。"


def _texts(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] + "\n" + r[1] for r in conn.execute("SELECT title, text FROM articles")]
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("name", "text", "suffix"),
    [
        ("cp1250", POLISH, ".txt"),
        ("cp1250", POLISH, ".csv"),
        ("shift_jis", JAPANESE, ".csv"),
        ("Shift-JIS", JAPANESE, ".txt"),
        ("cp932", JAPANESE, ".csv"),
        ("windows-1250", POLISH, ".csv"),
    ],
)
def test_the_named_encoding_decodes_the_file(
    tmp_path: Path, run_cli: CliRunner, name: str, text: str, suffix: str
) -> None:
    src = tmp_path / f"a{suffix}"
    if suffix == ".csv":
        title, body = text.split("\n\n")
        content = f'title,text\n"{title}","{body}"\n'
    else:
        content = text
    src.write_bytes(content.encode(name))
    db = tmp_path / "p.db"
    res = run_cli("import", str(db), str(src), "--quiet", "--encoding", name)
    assert res.returncode == 0, res.stderr + res.stdout
    [stored] = _texts(db)
    assert all(part in stored for part in text.split("\n\n")), stored
    canonical = check_encoding(name)
    assert f"decoded as {canonical}, the --encoding given" in res.stdout


def test_without_the_option_the_detector_may_guess_wrong(tmp_path: Path) -> None:
    """What the option is for: the same cp1250 bytes detected are not the Polish text."""
    src = tmp_path / "a.txt"
    src.write_bytes(POLISH.encode("cp1250"))
    with Project.open(tmp_path / "p.db") as p:
        report = import_paths(p, [src])
        assert report.articles_added == 1
    [detected] = _texts(tmp_path / "p.db")
    with Project.open(tmp_path / "q.db") as p:
        import_paths(p, [src], encoding="cp1250")
    [chosen] = _texts(tmp_path / "q.db")
    assert all(part in chosen for part in POLISH.split("\n\n")), chosen
    # tester18 saw "Wa³êsa powiedzia³" (cp1252); whatever the detector says, the chosen
    # encoding is what counts
    assert detected == chosen or "Wałęsa" not in detected


@pytest.mark.parametrize("name", ["klingon", "base64", "", "utf-99"])
def test_an_unknown_name_is_refused_before_anything_is_made(
    tmp_path: Path, run_cli: CliRunner, name: str
) -> None:
    src = tmp_path / "a.txt"
    src.write_text("Title\n\nBody text.", encoding="utf-8")
    db = tmp_path / "p.db"
    res = run_cli("import", str(db), str(src), "--quiet", "--encoding", name)
    assert res.returncode == 1
    assert "--encoding" in res.stderr and "Nothing was imported" in res.stderr
    assert not db.exists()
    with Project.open(tmp_path / "q.db") as p, pytest.raises(ValueError):
        import_paths(p, [src], encoding=name)


def test_bytes_that_do_not_decode_are_refused_with_the_byte(
    tmp_path: Path, run_cli: CliRunner
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes("Tytuł\n\nTekst ".encode("cp1250") + b"\xff\xfe\x81 end")
    good = tmp_path / "good.txt"
    good.write_bytes(POLISH.encode("cp1250"))
    db = tmp_path / "p.db"
    res = run_cli("import", str(db), str(bad), str(good), "--quiet", "--encoding", "utf-8")
    assert res.returncode == 1
    assert "does not decode as utf-8 (--encoding): byte 0x" in res.stdout
    # the good file is no UTF-8 either; with cp1250 both go in (0x81 is undefined in
    # cp1250: refused, named)
    res = run_cli("import", str(db), str(bad), str(good), "--quiet", "--encoding", "cp1250")
    assert "byte 0x81" in res.stdout
    assert any("Wałęsa" in t for t in _texts(db))


def test_jsonl_stays_utf8_and_says_so(tmp_path: Path, run_cli: CliRunner) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text(
        json.dumps({"id": "x", "title": "Tytuł", "text": POLISH}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "p.db"
    res = run_cli("import", str(db), str(src), "--quiet", "--encoding", "cp1250")
    assert res.returncode == 0, res.stderr + res.stdout
    assert "--encoding not used: JSONL is UTF-8 (RFC 8259)" in res.stdout
    assert any("Wałęsa" in t for t in _texts(db))


def test_a_bom_of_the_named_encoding_is_dropped() -> None:
    for name, data in (
        ("utf-8", "\ufeffZażółć".encode()),
        ("utf-16", "Zażółć".encode("utf-16")),
    ):
        decoded = decode_as(data, name)
        assert decoded.text == "Zażółć" and decoded.chosen
    with pytest.raises(NotTextError, match="empty"):
        decode_as(b"  \n", "cp1250")
    with pytest.raises(NotTextError, match="not text"):
        decode_as(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "latin-1")
