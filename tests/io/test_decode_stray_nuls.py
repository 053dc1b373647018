"""A few NUL bytes in a text file (a scraped CSV cell, a truncated write) are removed with
a note and the rest of the file is read; more make it binary data (tester20 U15)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.io.decode import STRAY_NULS, NotTextError, decode_bytes
from annotator.services.importing import import_paths
from annotator.store.project import Project


@pytest.mark.parametrize(
    ("data", "text", "n"),
    [
        (b"title,text\nA,Bob said \x00 hi.\nB,ok\n", "title,text\nA,Bob said  hi.\nB,ok\n", 1),
        (b"Caf\xc3\xa9\x00 said\x00 so.\n", "Caf\u00e9 said so.\n", 2),
        # Latin-1 text (detected) with one NUL
        (b"Le caf\xe9 a dit \x00oui \xe0 tous, et la mairie aussi.\n" * 3, None, 3),
    ],
)
def test_stray_nuls_are_removed_and_counted(data: bytes, text: str | None, n: int) -> None:
    decoded = decode_bytes(data)
    assert "\x00" not in decoded.text
    if text is not None:
        assert decoded.text == text
    assert decoded.nuls_removed == n
    assert f"{n:,} NUL" in decoded.note


def test_more_nuls_than_stray_ones_are_binary_data() -> None:
    data = b"Some words " + b"\x00" * (STRAY_NULS + 30) + b" more words\n"
    with pytest.raises(NotTextError, match="binary"):
        decode_bytes(data)
    with pytest.raises(NotTextError, match="binary"):
        decode_bytes(b"\x89ELF\x02\x01\x01" + bytes(range(256)) * 4)


def test_a_csv_with_a_nul_in_a_cell_imports_every_row_with_a_note(tmp_path: Path) -> None:
    src = tmp_path / "scraped.csv"
    src.write_bytes(b"title,text\nA,Bob said \x00 hi there.\nB,ok text\n")
    with Project.open(tmp_path / "p.db") as p:
        report = import_paths(p, [str(src)])
        texts = sorted(p.article(i).text for i in p.article_ids())
    assert report.articles_added == 2
    assert texts == ["Bob said  hi there.", "ok text"]
    assert "1 NUL character was removed" in report.files[0].line()


def test_a_nul_in_each_short_row_is_stray_too(tmp_path: Path) -> None:
    """One NUL per short row (titles, tweets) is 4% of the bytes: stray, not binary."""
    rows = "".join(f"T{i},Bob said \x00 hi {i}.\n" for i in range(20))
    decoded = decode_bytes(("title,text\n" + rows).encode())
    assert decoded.nuls_removed == 20 and "\x00" not in decoded.text
