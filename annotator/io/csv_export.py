"""CSV export: one row per quote, written so a spreadsheet opens it cleanly.

RFC 4180: comma separated, CRLF between records, every field that holds a comma, a quote
or a line break is wrapped in double quotes (inner quotes doubled). Line breaks inside a
quote's text stay as they are (``\\n``) inside the quoted field, which Excel, LibreOffice
and Python's csv module all read back as one cell. An optional UTF-8 byte order mark makes
Excel on Windows pick UTF-8 instead of the local code page.

Formula injection: a spreadsheet runs a cell starting with ``=``, ``+``, ``-`` or ``@`` as a
formula (OWASP, "CSV Injection"), and scraped article text is untrusted. With ``bom`` (the
spreadsheet mode) such text cells are written with a leading apostrophe (``'=1+2``), which
spreadsheets show as text. Plain CSV (no ``bom``) is data for programs and keeps every cell
exactly as stored, so it must not be opened in a spreadsheet as is.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annotator.core.model import StoredArticle, encode_spans, spans_text
from annotator.io.export_records import ExportQuote

#: Article metadata keys that get a column of their own; the rest go to ``article_meta``.
META_COLUMNS: tuple[str, ...] = ("publisher", "date", "url", "author")

COLUMNS: tuple[str, ...] = (
    "quote_id",
    "article_id",
    "article_ext_id",
    "title",
    *META_COLUMNS,
    "article_meta",
    "quote_text",
    "content_spans",
    "start",
    "end",
    "kind",
    "cue_text",
    "cue_spans",
    "speaker_text",
    "speaker_spans",
    "speaker_name",
    "speaker_id",
    "speaker_type",
    "speaker_gender",
    "speaker_gender_guessed",
    "stance",
    "stance_target",
    "confidence",
    "annotator",
    "status",
    "origin",
    "review_decision",
    "reviewer",
    "note",
    "created_at",
    "updated_at",
)

#: How the fragments of a split quote are joined in ``quote_text``.
FRAGMENT_SEPARATOR = " … "


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return str(value)


#: First characters that make a spreadsheet read a cell as a formula (tab and CR too).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """``cell`` with an apostrophe in front when a spreadsheet would run it as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def quote_row(article: StoredArticle, q: ExportQuote, spreadsheet: bool = False) -> list[str]:
    """The CSV cells of one quote, in :data:`COLUMNS` order.

    With ``spreadsheet``, text cells that would start a formula are neutralised
    (:func:`neutralise`); numbers (offsets, ids, confidence) are left as they are.
    """
    quote = q.quote
    text = article.text
    other_meta = {k: v for k, v in article.meta.items() if k not in META_COLUMNS}
    values: list[Any] = [
        q.id,
        article.id,
        article.ext_id,
        article.title,
        *(
            json.dumps(article.meta[k], ensure_ascii=False)
            if isinstance(article.meta.get(k), (list, dict))
            else article.meta.get(k)
            for k in META_COLUMNS
        ),
        json.dumps(other_meta, ensure_ascii=False) if other_meta else "",
        spans_text(text, quote.content_spans, FRAGMENT_SEPARATOR),
        encode_spans(quote.content_spans),
        quote.start,
        quote.end,
        quote.kind,
        spans_text(text, quote.cue_spans, FRAGMENT_SEPARATOR),
        encode_spans(quote.cue_spans),
        quote.speaker_text,
        encode_spans(quote.speaker_spans),
        quote.speaker_name,
        q.speaker_id,
        q.speaker.kind if q.speaker else None,
        q.speaker.gender if q.speaker else None,
        (int(q.speaker.gender_guessed) if q.speaker else None),
        quote.stance,
        quote.stance_target,
        quote.confidence,
        quote.annotator,
        quote.status,
        quote.origin,
        q.review_decision,
        q.reviewer,
        quote.note,
        q.created_at,
        q.updated_at,
    ]
    if spreadsheet:
        return [neutralise(_cell(v)) if isinstance(v, str) else _cell(v) for v in values]
    return [_cell(v) for v in values]


class CsvWriter:
    """Streaming CSV writer (see the module docstring for the dialect)."""

    def __init__(self, path: str | Path, bom: bool = False) -> None:
        self.path = Path(path)
        # newline="" so the csv module's own CRLF and the \n inside fields pass unchanged
        encoding = "utf-8-sig" if bom else "utf-8"
        self._fh = open(self.path, "w", encoding=encoding, newline="")  # noqa: SIM115 (see close())
        self._csv = csv.writer(
            self._fh, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL
        )
        self._csv.writerow(COLUMNS)
        self.rows = 0
        self.spreadsheet = bom

    def write(self, article: StoredArticle, quotes: Sequence[ExportQuote]) -> None:
        self._csv.writerows(quote_row(article, q, self.spreadsheet) for q in quotes)
        self.rows += len(quotes)

    def close(self) -> None:
        self._fh.close()
