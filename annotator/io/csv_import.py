"""Articles from a CSV (or TSV) export: the text column is found by its name.

Columns for title, url, date, publisher, author and id are mapped when present under common
names; every other column is kept in the article's metadata.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.core.model import Article
from annotator.core.text import normalise_text, title_and_body
from annotator.io.decode import Decoded, NotTextError, decode_bytes

TEXT_COLUMNS = (
    "text",
    "body",
    "content",
    "article",
    "article_text",
    "full_text",
    "fulltext",
    "story",
    "maintext",
    "main_text",
)
FIELD_COLUMNS = {
    "title": ("title", "headline", "heading"),
    "url": ("url", "link", "uri"),
    "date": ("date", "published", "publish_date", "published_at", "pubdate", "date_publish"),
    "publisher": ("publisher", "source", "outlet", "site", "media", "newspaper"),
    "author": ("author", "authors", "byline"),
    "id": ("id", "article_id", "doc_id", "uid"),
}


@dataclass(frozen=True)
class RowError:
    """A CSV row that could not become an article."""

    path: str
    row: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}, row {self.row}: {self.reason}"


def _find(columns: list[str], names: tuple[str, ...]) -> str | None:
    lowered = {c.strip().lower().replace(" ", "_").replace("-", "_"): c for c in columns}
    for name in names:
        if name in lowered:
            return lowered[name]
    return None


def read_csv(path: str | Path) -> tuple[Iterator[Article | RowError], Decoded]:
    """Open a CSV of articles; raise NotTextError if the file or its header is unusable.

    Returns an iterator over the rows (bad rows come back as RowError) and the decoding.
    """
    p = Path(path)
    decoded = decode_bytes(p.read_bytes())
    text = decoded.text
    sample = text[:8192]
    delimiter = "\t" if p.suffix.lower() == ".tsv" else ","
    if p.suffix.lower() != ".tsv":
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = list(reader.fieldnames or [])
    if not columns:
        raise NotTextError("the CSV has no header row")
    text_col = _find(columns, TEXT_COLUMNS)
    if text_col is None:
        raise NotTextError(
            "no text column (looked for "
            + ", ".join(TEXT_COLUMNS[:4])
            + "...; the columns are "
            + ", ".join(columns)
            + ")"
        )
    mapped = {key: _find(columns, names) for key, names in FIELD_COLUMNS.items()}

    def rows() -> Iterator[Article | RowError]:
        for n, row in enumerate(reader, 2):
            body = row.get(text_col) or ""
            if not body.strip():
                yield RowError(str(p), n, f'the "{text_col}" cell is empty')
                continue
            norm = normalise_text(body)
            title_col = mapped["title"]
            title = (row.get(title_col) or "").strip() if title_col else ""
            if not title:
                title = title_and_body(norm)[0]
            meta: dict[str, object] = {}
            for key, col in mapped.items():
                if col and key not in ("title", "id") and (row.get(col) or "").strip():
                    meta[key] = row[col].strip()
            used = {c for c in mapped.values() if c} | {text_col}
            for col in columns:
                if col not in used and col and (row.get(col) or "").strip():
                    meta[col] = row[col]
            meta["filename"] = p.name
            id_col = mapped["id"]
            ext_id = (row.get(id_col) or "").strip() if id_col else ""
            yield Article(title=normalise_text(title), text=norm, meta=meta, ext_id=ext_id or None)

    return rows(), decoded
