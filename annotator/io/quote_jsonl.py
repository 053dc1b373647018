"""Quote JSONL (interchange format version 1, see PRODUCT.md): read and write, streaming.

One article per line. Reading never stops at a bad line: it yields a :class:`LineError`
naming the line and the problem, and goes on with the next one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from annotator.core.model import Article, Quote
from annotator.core.text import normalise_with_map

_ARTICLE_KEYS = {"id", "title", "text", "meta", "quotes"}


@dataclass(frozen=True)
class LineError:
    """A line of a JSONL file that could not be read as an article."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}, line {self.line}: {self.reason}"


def article_from_json(obj: Any) -> Article:
    """Build an Article from one decoded JSONL object; raise ValueError if it is not one.

    Unknown top-level keys are kept in ``meta`` (never an error). The text is normalised
    (CRLF, BOM, NFC) and the quotes' offsets are moved with it, so they keep pointing at
    the same characters.
    """
    if not isinstance(obj, dict):
        raise ValueError("the line is not a JSON object")
    text = obj.get("text")
    if not isinstance(text, str):
        raise ValueError('no "text" string')
    raw_quotes = obj.get("quotes") or []
    if not isinstance(raw_quotes, list):
        raise ValueError('"quotes" is not a list')
    norm, offsets = normalise_with_map(text)
    if raw_quotes and norm != text:
        raw_quotes = [_shift_quote(q, offsets) for q in raw_quotes]
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        meta = {"meta": meta}
    meta = dict(meta)
    for key, value in obj.items():
        if key not in _ARTICLE_KEYS:
            meta.setdefault(key, value)
    quotes = []
    for n, q in enumerate(raw_quotes, 1):
        try:
            quotes.append(Quote.from_json(q, len(norm)))
        except (ValueError, TypeError) as exc:
            raise ValueError(f"quote {n}: {exc}") from None
    return Article.from_parts(norm, obj.get("title"), meta, obj.get("id"), quotes)


def _shift_quote(q: Any, offsets: list[int]) -> Any:
    """A copy of a raw quote object with its spans mapped through ``offsets``."""
    if not isinstance(q, dict):
        return q
    out = dict(q)
    for key in ("content_spans", "speaker_spans", "cue_spans"):
        spans = q.get(key)
        if isinstance(spans, list):
            out[key] = [
                [offsets[s[0]], offsets[s[1]]]
                if isinstance(s, list)
                and len(s) == 2
                and all(isinstance(x, int) and 0 <= x < len(offsets) for x in s)
                else s
                for s in spans
            ]
    return out


def article_to_json(article: Article, quotes: Iterable[Quote] | None = None) -> dict[str, Any]:
    """One JSONL object for ``article`` (with ``quotes`` instead of its own, if given)."""
    return {
        "id": article.ext_id,
        "title": article.title,
        "text": article.text,
        "meta": article.meta,
        "quotes": [q.to_json() for q in (article.quotes if quotes is None else quotes)],
    }


def iter_jsonl(path: str | Path) -> Iterator[Article | LineError]:
    """Stream the articles of a quote-JSONL file; bad lines come back as LineError."""
    name = str(path)
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield LineError(name, lineno, f"not UTF-8 ({exc.reason} at byte {exc.start})")
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield LineError(name, lineno, f"broken JSON ({exc.msg}, column {exc.colno})")
                continue
            try:
                yield article_from_json(obj)
            except ValueError as exc:
                yield LineError(name, lineno, str(exc))


#: Line breaks to Python's ``str.splitlines`` (and many JSON-lines tools) that JSON allows
#: raw inside strings: NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR. (json.dumps already escapes
#: the C0 controls \v, \f and \x1c-\x1e that splitlines also breaks on.)
_RAW_LINE_BREAKS = {"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def jsonl_line(obj: Any) -> str:
    """``obj`` as one compact UTF-8 JSON line (no newline), safe for line-splitting readers.

    U+0085, U+2028 and U+2029 inside strings are written as ``\\u`` escapes (the only
    characters outside JSON's syntax that are line breaks to such readers).
    """
    line = json.dumps(obj, ensure_ascii=False)
    for raw, escaped in _RAW_LINE_BREAKS.items():
        if raw in line:
            line = line.replace(raw, escaped)
    return line


def write_jsonl_line(fh: IO[str], obj: dict[str, Any]) -> None:
    """Write one object as a compact UTF-8 JSON line (see :func:`jsonl_line`)."""
    fh.write(jsonl_line(obj))
    fh.write("\n")


def write_jsonl(path: str | Path, articles: Iterable[Article]) -> int:
    """Write ``articles`` (with their quotes) as quote JSONL; return the number written."""
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for article in articles:
            write_jsonl_line(fh, article_to_json(article))
            n += 1
    return n
