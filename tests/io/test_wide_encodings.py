"""UTF-16 and UTF-32 text files (Excel's "Unicode text", Notepad's "Unicode") are decoded,
with or without a byte order mark, and imported as text and CSV; binary data with NULs is
still refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.io.csv_import import read_csv
from annotator.io.decode import NotTextError, decode_bytes, wide_encoding
from annotator.io.plaintext import read_txt

TEXT = (
    "Harbour talks\n\n\u201cWe will not sell the port,\u201d said Iain Ross."
    " Caf\u00e9 owners agreed.\n"
)
CSV = (
    'title,text\nPier,"The mayor said the pier would reopen on Friday."\n'
    "Market,Traders said little.\n"
)


@pytest.mark.parametrize(
    ("codec", "named"),
    [
        ("utf-16", "utf-16"),  # BOM, native order
        ("utf-16-le", "utf-16-le"),  # no BOM
        ("utf-16-be", "utf-16-be"),  # no BOM
        ("utf-32", "utf-32"),  # BOM
    ],
)
def test_wide_text_is_decoded_and_named(codec: str, named: str) -> None:
    data = TEXT.encode(codec)
    assert wide_encoding(data) == named
    decoded = decode_bytes(data)
    assert decoded.text == TEXT
    assert decoded.detected and decoded.encoding == named
    assert named in decoded.note


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_wide_txt_and_csv_files_are_imported_as_text(tmp_path: Path, codec: str) -> None:
    txt = tmp_path / "a.txt"
    txt.write_bytes(TEXT.encode(codec))
    article, decoded = read_txt(txt)
    assert article.title == "Harbour talks"
    assert "said Iain Ross" in article.text and "\x00" not in article.text
    src = tmp_path / "a.csv"
    src.write_bytes(CSV.encode(codec))
    rows, _ = read_csv(src)
    titles = [getattr(r, "title", None) for r in rows]
    assert titles == ["Pier", "Market"]


def test_nul_bytes_at_both_positions_are_still_binary() -> None:
    noise = bytes((i * 97 + 13) % 256 for i in range(3000)) + b"\x00\x00\x00\x00" * 50
    assert wide_encoding(noise) is None
    with pytest.raises(NotTextError, match="binary"):
        decode_bytes(noise)


def test_a_bom_followed_by_control_bytes_is_binary() -> None:
    data = ("".join(map(chr, range(1, 31))) * 40).encode("utf-16")
    with pytest.raises(NotTextError, match="binary"):
        decode_bytes(data)


def test_a_bom_with_only_white_space_is_empty() -> None:
    with pytest.raises(NotTextError, match="empty"):
        decode_bytes("  \n\n ".encode("utf-16"))
