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

from annotator.core.dates import date_problem
from annotator.core.entry_checks import clean_meta, clean_title
from annotator.core.model import Article
from annotator.core.text import normalise_text, title_and_body
from annotator.core.wording import count_noun
from annotator.io.decode import Decoded, NotTextError, decode_as, decode_bytes
from annotator.io.files import read_limited

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


#: Column names a message lists before "and N more".
LISTED_COLUMNS = 20


def _some_columns(columns: list[str]) -> str:
    """``"a, b, c"``: the first :data:`LISTED_COLUMNS` names (each cut to 40 characters),
    then how many more there are."""
    shown = [c if len(c) <= 40 else c[:39] + "…" for c in columns[:LISTED_COLUMNS]]
    if len(columns) > LISTED_COLUMNS:
        shown.append(f"and {len(columns) - LISTED_COLUMNS:,} more")
    return ", ".join(shown)


def _find(columns: list[str], names: tuple[str, ...]) -> str | None:
    lowered = {c.strip().lower().replace(" ", "_").replace("-", "_"): c for c in columns}
    for name in names:
        if name in lowered:
            return lowered[name]
    return None


@dataclass(frozen=True)
class RowNote:
    """Something the report must say about a CSV row or column that was still imported."""

    path: str
    row: int  # 1 is the header
    message: str

    def __str__(self) -> str:
        return f"{self.path}, row {self.row}: {self.message}"


def _records(
    text: str, delimiter: str
) -> Iterator[tuple[int, int, list[str]] | tuple[int, int, csv.Error]]:
    """``(row number, first line, cells)`` for each CSV record, recovering from bad quotes.

    Parsed in strict mode, so an unclosed quotation mark (which would swallow every row
    after it into one cell) is an error, not a silent merge: the record starting at that
    line is reported (as a ``csv.Error``) and reading starts again on the next line.
    """
    lines = text.splitlines(keepends=True)
    first = 0  # index in ``lines`` where the current reader starts
    row = 0
    while first < len(lines):
        reader = csv.reader(
            io.StringIO("".join(lines[first:]), newline=""), delimiter=delimiter, strict=True
        )
        start_line = first + 1
        try:
            for cells in reader:
                row += 1
                yield row, start_line, cells
                start_line = first + reader.line_num + 1
            return
        except csv.Error as exc:
            row += 1
            yield row, start_line, exc
            first = start_line  # skip the physical line where the bad record began


def _swallowed_lines(cells: list[str], width: int, delimiter: str) -> int:
    """How many lines inside the cells would, alone, be a full row of ``width`` cells."""
    if width < 2:
        return 0
    count = 0
    for cell in cells:
        if "\n" not in cell:
            continue
        for inner in cell.split("\n")[1:]:
            if inner.count(delimiter) >= width - 1:
                count += 1
    return count


def read_csv(
    path: str | Path, encoding: str | None = None
) -> tuple[Iterator[Article | RowError | RowNote], Decoded]:
    """Open a CSV of articles; raise NotTextError if the file or its header is unusable.

    Returns an iterator over the rows and the decoding. A row that cannot become an article
    comes back as a RowError (an unclosed quotation mark names the lines it would have
    swallowed; the rows after it are still read); a RowNote names what was imported but
    dropped or renamed: cells beyond the header's columns, and a column name used twice
    (the first such column is read as that field, later ones are kept in the metadata as
    ``NAME (column N)``).
    """
    p = Path(path)
    data = read_limited(p)
    decoded = decode_bytes(data) if encoding is None else decode_as(data, encoding)
    text = decoded.text
    if text.startswith("\ufeff"):
        text = text[1:]
    sample = text[:8192]
    delimiter = "\t" if p.suffix.lower() == ".tsv" else ","
    if p.suffix.lower() != ".tsv":
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    records = _records(text, delimiter)
    header: list[str] = []
    for _row, _line, cells in records:
        if isinstance(cells, csv.Error):
            raise NotTextError(f"the header row is not CSV ({cells})")
        header = cells
        break
    notes: list[RowNote] = []
    columns: list[str] = []
    # name -> its column (from 1): a set lookup, since a broken export's header of 50,000
    # names took 37 s with a list's (tester18 T13)
    seen: dict[str, int] = {}
    for n, name in enumerate(header, 1):
        if name in seen:
            first = seen[name]
            renamed = f"{name} (column {n})"
            notes.append(
                RowNote(
                    str(p),
                    1,
                    f"column {n} is named {name!r} like column {first}; column {first} is "
                    f"used, column {n} is kept in the metadata as {renamed!r}",
                )
            )
            name = renamed
        seen.setdefault(name, n)
        columns.append(name)
    if not any(c.strip() for c in columns):
        raise NotTextError("the CSV has no header row")
    text_col = _find(columns, TEXT_COLUMNS)
    if text_col is None:
        raise NotTextError(
            "no text column (looked for "
            + ", ".join(TEXT_COLUMNS[:4])
            + "...; the columns are "
            + _some_columns(columns)
            + ")"
        )
    mapped = {key: _find(columns, names) for key, names in FIELD_COLUMNS.items()}
    used = {c for c in mapped.values() if c} | {text_col}

    def rows() -> Iterator[Article | RowError | RowNote]:
        yield from notes
        for n, line, cells in records:
            if isinstance(cells, csv.Error):
                yield RowError(
                    str(p),
                    n,
                    f"starts at line {line} and is not valid CSV ({cells}): most likely an "
                    "unclosed quotation mark; the row was skipped and reading went on "
                    f"from line {line + 1}",
                )
                continue
            if not any(c.strip() for c in cells) and len(cells) <= 1:
                continue  # a blank line
            if len(cells) > len(columns):
                extra = cells[len(columns) :]
                yield RowNote(
                    str(p),
                    n,
                    f"{count_noun(len(extra), 'cell')} beyond "
                    f"the {len(columns)} columns of the header "
                    f"were dropped: {', '.join(repr(c[:30]) for c in extra[:3])}",
                )
            swallowed = _swallowed_lines(cells, len(columns), delimiter)
            if swallowed:
                yield RowNote(
                    str(p),
                    n,
                    f"a quoted cell starting at line {line} runs over "
                    f"{count_noun(swallowed, 'line')} that "
                    "look like rows of their own: check for an unclosed quotation mark",
                )
            row = dict(zip(columns, cells))
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
            for col in columns:
                if col not in used and col and (row.get(col) or "").strip():
                    meta[col] = row[col]
            meta["filename"] = p.name
            problem = date_problem(meta.get("date"))
            if problem is not None:  # the article is kept; the report says it
                yield RowNote(str(p), n, problem)
            id_col = mapped["id"]
            ext_id = (row.get(id_col) or "").strip() if id_col else ""
            title, changed = clean_title(normalise_text(title), norm)
            if changed is not None:  # control characters or an endless cell: cleaned, said
                yield RowNote(str(p), n, changed)
            meta, cut = clean_meta(meta)
            if cut is not None:  # thousands of extra columns: the first ones kept, said
                yield RowNote(str(p), n, cut)
            yield Article(title=title, text=norm, meta=meta, ext_id=ext_id or None)

    return rows(), decoded
