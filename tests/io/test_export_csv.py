"""CSV export: RFC 4180 quoting, line breaks inside cells, the BOM option, one row per quote."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from annotator.core.model import Quote, StoredArticle
from annotator.core.text import normalise_text
from annotator.io.csv_export import COLUMNS, CsvWriter
from annotator.io.export_records import ExportQuote

# CRLF input, an emoji, a non-breaking space, a comma and quotation marks in the text
RAW = (
    'Council, budget 😀 vote\r\n\r\n"We will fix the roads,\r\nall of them," the mayor said.'
    "\r\nCritics\u00a0disagreed, said Tom."
)
TEXT = normalise_text(RAW)
ROADS = '"We will fix the roads,\nall of them,"'


def sp(sub: str) -> tuple[int, int]:
    i = TEXT.index(sub)
    return i, i + len(sub)


def article() -> StoredArticle:
    return StoredArticle(
        id=7,
        title="Council, budget 😀 vote",
        text=TEXT,
        meta={"publisher": 'The "Daily"', "date": "2024-05-01", "section": "city"},
        content_hash="x",
        ext_id="a-7",
    )


def quotes() -> list[ExportQuote]:
    q1 = Quote(
        content_spans=(sp(ROADS),),
        speaker_spans=(sp("the mayor"),),
        cue_spans=(sp("said."[:-1]),),
        speaker_text="the mayor",
        speaker_name="Jane Doe",
        kind="direct",
        stance="support",
        annotator="alice",
        status="accepted",
        origin="model-corrected",
        confidence=0.5,
    )
    q2 = Quote(
        content_spans=(sp("Critics"), sp("disagreed")),
        speaker_spans=(sp("Tom"),),
        kind="indirect",
        annotator="bob",
        status="rejected",
        origin="model",
    )
    return [
        ExportQuote("11", q1, speaker_id=3, created_at="2024-05-02T10:00:00", updated_at="u1"),
        ExportQuote("12", q2, review_decision="dropped", reviewer="carol"),
    ]


def test_rows_read_back_cell_for_cell(tmp_path: Path) -> None:
    out = tmp_path / "q.csv"
    w = CsvWriter(out)
    w.write(article(), quotes())
    w.close()
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8"), newline="")))
    assert len(rows) == 2
    r1, r2 = rows
    assert list(rows[0].keys()) == list(COLUMNS)
    assert r1["quote_id"] == "11" and r1["article_id"] == "7" and r1["article_ext_id"] == "a-7"
    assert r1["title"] == "Council, budget 😀 vote"
    assert r1["publisher"] == 'The "Daily"'
    assert json.loads(r1["article_meta"]) == {"section": "city"}
    assert r1["quote_text"] == ROADS
    assert json.loads(r1["content_spans"]) == [list(sp(ROADS))]
    first = sp(ROADS)
    assert (r1["start"], r1["end"]) == (str(first[0]), str(first[1]))
    assert r1["cue_text"] == "said" and r1["speaker_text"] == "the mayor"
    assert r1["speaker_name"] == "Jane Doe" and r1["speaker_id"] == "3"
    assert (r1["kind"], r1["stance"], r1["confidence"]) == ("direct", "support", "0.5")
    assert (r1["annotator"], r1["status"], r1["origin"]) == ("alice", "accepted", "model-corrected")
    assert r1["created_at"] == "2024-05-02T10:00:00"
    # a split quote: fragments joined in the text, exact offsets as JSON
    assert r2["quote_text"] == "Critics … disagreed"
    assert json.loads(r2["content_spans"]) == [list(sp("Critics")), list(sp("disagreed"))]
    assert (r2["status"], r2["review_decision"], r2["reviewer"]) == ("rejected", "dropped", "carol")
    assert r2["speaker_name"] == "" and r2["stance"] == ""


def test_rfc4180_bytes(tmp_path: Path) -> None:
    out = tmp_path / "q.csv"
    w = CsvWriter(out)
    w.write(article(), quotes())
    w.close()
    data = out.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8")
    # records end with CRLF; the line break inside a cell stays a bare LF inside quotes
    assert text.endswith("\r\n")
    assert text.count("\r\n") == 3  # header + two rows
    assert '"""We will fix the roads,\nall of them,"""' in text  # inner quotes doubled
    assert '"The ""Daily"""' in text
    assert '"Council, budget 😀 vote"' in text
    # the non-breaking space between the two fragments is not in the quote text
    assert "Critics … disagreed" in text and "Critics\u00a0disagreed" not in text
    # Excel's dialect reads it back to the same number of records
    assert len(list(csv.reader(io.StringIO(text, newline="")))) == 3


def test_bom_option(tmp_path: Path) -> None:
    out = tmp_path / "q.csv"
    w = CsvWriter(out, bom=True)
    w.write(article(), quotes()[:1])
    w.close()
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfquote_id,article_id,")
    assert data.count(b"\xef\xbb\xbf") == 1
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0]["quote_id"] == "11"


def test_header_only_when_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "q.csv"
    CsvWriter(out).close()
    assert out.read_bytes() == (",".join(COLUMNS) + "\r\n").encode()
