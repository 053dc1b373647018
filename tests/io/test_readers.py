"""Readers of plain text, CSV and quote JSONL, and their handling of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.model import Article
from annotator.io.csv_import import RowError, read_csv
from annotator.io.decode import NotTextError, decode_bytes
from annotator.io.plaintext import read_txt
from annotator.io.quote_jsonl import LineError, QuoteError, article_to_json, iter_jsonl


def test_txt_title_and_crlf(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(
        "\ufeffMayor speaks\r\n\r\n\u201cWe will win,\u201d she said. \U0001f600".encode()
    )
    article, decoded = read_txt(f)
    assert article.title == "Mayor speaks"
    assert article.text == "Mayor speaks\n\n\u201cWe will win,\u201d she said. \U0001f600"
    assert decoded.note == ""


def test_latin1_is_detected_and_reported() -> None:
    raw = (
        "Caf\u00e9 owners say the na\u00efve plan will fail, according to H\u00e9l\u00e8ne.".encode(
            "latin-1"
        )
    )
    decoded = decode_bytes(raw)
    assert decoded.detected
    assert "Caf\u00e9" in decoded.text and "H\u00e9l\u00e8ne" in decoded.text
    assert "not UTF-8" in decoded.note


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"%PDF-1.7\n...", "PDF"),
        (b"abc\x00\x01\x02def", "binary"),
    ],
)
def test_unreadable_bytes_are_named(data: bytes, reason: str) -> None:
    with pytest.raises(NotTextError, match=reason):
        decode_bytes(data)


def test_csv_maps_columns_and_keeps_the_rest(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text(
        "Headline,Body,URL,Published,Outlet,section\n"
        '"Vote","The senator said, ""No.""\nNew line",http://x,2024-05-01,Herald,politics\n'
        ",,,,,\n",
        encoding="utf-8",
    )
    rows, _ = read_csv(f)
    items = list(rows)
    assert isinstance(items[0], Article)
    art = items[0]
    assert art.title == "Vote"
    assert art.text == 'The senator said, "No."\nNew line'
    assert art.meta["url"] == "http://x"
    assert art.meta["date"] == "2024-05-01"
    assert art.meta["publisher"] == "Herald"
    assert art.meta["section"] == "politics"
    assert isinstance(items[1], RowError) and "row 3" in str(items[1])


def test_csv_without_text_column_names_columns(tmp_path: Path) -> None:
    f = tmp_path / "b.csv"
    f.write_text("name,age\nann,3\n", encoding="utf-8")
    with pytest.raises(NotTextError, match="no text column.*name, age"):
        read_csv(f)


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl"
    good = {
        "id": "x1",
        "text": 'T\r\n"Yes," he said.',
        "source_site": "kept",
        "quotes": [{"content_spans": [[4, 8]], "speaker_spans": [[10, 12]], "kind": "direct"}],
    }
    lines = [
        json.dumps(good),
        '{"id": "broken"',
        json.dumps({"id": "no text"}),
        json.dumps({"text": "abc", "quotes": [{"content_spans": [[0, 99]]}]}),
        "",
    ]
    f.write_text("\n".join(lines), encoding="utf-8")
    items = list(iter_jsonl(f))
    art = items[0]
    assert isinstance(art, Article)
    assert art.text == 'T\n"Yes," he said.'
    # offsets follow the CRLF -> LF change
    q = art.quotes[0]
    assert art.text[q.content_spans[0][0] : q.content_spans[0][1]] == "Yes,"
    assert art.text[q.speaker_spans[0][0] : q.speaker_spans[0][1]] == "he"
    assert art.meta["source_site"] == "kept"
    errors = [i for i in items if isinstance(i, LineError)]
    assert [e.line for e in errors] == [2, 3]
    assert "broken JSON" in errors[0].reason
    assert "text" in errors[1].reason
    # line 4's only quote is bad: it costs that quote, and the article comes after it
    assert isinstance(items[3], QuoteError) and (items[3].line, items[3].quote) == (4, 1)
    assert "past the end" in items[3].reason
    assert isinstance(items[4], Article) and items[4].text == "abc" and items[4].quotes == []
    assert len(items) == 5
    back = article_to_json(art)
    assert back["quotes"][0]["content_spans"] == [list(q.content_spans[0])]
