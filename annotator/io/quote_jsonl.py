"""Quote JSONL (interchange format version 1, see PRODUCT.md): read and write, streaming.

One article per line. Reading never stops at a bad line: it yields a :class:`LineError`
naming the line and the problem, and goes on with the next one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from annotator.core.model import Article, Quote
from annotator.core.schema import SchemaError, check_article, check_article_fast
from annotator.core.text import normalise_with_map
from annotator.io.files import LineTooLong, iter_lines
from annotator.io.jsonload import BadJson, load_json

_ARTICLE_KEYS = {"id", "title", "text", "meta", "quotes"}
#: Quote keys the JSONL export adds from the speaker registry (type and gender of the
#: canonical speaker, :mod:`annotator.io.jsonl_export`): on import they become the quote's
#: ``speaker_facts`` (never ``extra``), which the store applies to its registry
#: (:meth:`annotator.store.project.Project.speaker_id`).
REGISTRY_KEYS = frozenset({"speaker_type", "speaker_gender", "speaker_gender_guessed"})


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

    The object is checked against the quote JSONL schema (:mod:`annotator.core.schema`):
    a wrong type anywhere, a span outside the text, a confidence outside [0, 1] or a blank
    annotator raises SchemaError (a ValueError) naming the quote and field. Unknown
    top-level keys are kept in ``meta`` (never an error). The text is normalised (CRLF,
    BOM, NFC) and the quotes' offsets are moved with it, so they keep pointing at the same
    characters.
    """
    fast = check_article_fast(obj)
    if fast is not None:  # the usual case: every rule holds, checked in two calls
        top, checked_quotes = fast
        norm, offsets = normalise_with_map(top.text)
        if norm == top.text:
            quotes = [Quote.from_checked(c, q) for c, q in zip(checked_quotes, top.quotes or ())]
            return _article(obj, norm, top.title, top.meta, top.id, quotes)
    checked = check_article(obj)
    text = checked.text
    raw_quotes: list[Any] = list(checked.quotes or [])
    norm, offsets = normalise_with_map(text)
    quotes = []
    for n, q in enumerate(raw_quotes, 1):
        try:
            # the spans are checked against the file's own text, then moved
            quote = Quote.from_json(q, len(text))
            if norm != text:
                quote = Quote.from_json(_shift_quote(q, offsets), len(norm))
            quotes.append(quote)
        except ValueError as exc:
            raise SchemaError(f"quote {n}: {exc}") from None
    return _article(obj, norm, checked.title, checked.meta, checked.id, quotes)


def _article(
    obj: Any, text: str, title: Any, meta: Any, ident: Any, quotes: list[Quote]
) -> Article:
    """The Article of a checked line: unknown top-level keys go into ``meta``."""
    merged: dict[str, Any] = dict(meta or {})
    for key, value in obj.items():
        if key not in _ARTICLE_KEYS:
            merged.setdefault(key, value)
    return Article.from_parts(text, title, merged, ident, quotes)


def _shift_quote(q: Any, offsets: Sequence[int]) -> Any:
    """A copy of a (valid) raw quote object with its spans mapped through ``offsets``."""
    out = dict(q)
    for key in ("content_spans", "speaker_spans", "cue_spans"):
        spans = q.get(key)
        if isinstance(spans, list):
            out[key] = [[offsets[s[0]], offsets[s[1]]] for s in spans]
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
    """Stream the articles of a quote-JSONL file; bad lines come back as LineError.

    A BOM at the start of the file is dropped (the first line is kept). Raises NotTextError
    when the path is not a regular file (FIFO, device); lines over the size limit of
    :func:`annotator.io.files.max_file_bytes` are LineErrors.
    """
    name = str(path)
    for lineno, raw in iter_lines(path):
        if isinstance(raw, LineTooLong):
            yield LineError(name, lineno, str(raw))
            continue
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield LineError(name, lineno, f"not UTF-8 ({exc.reason} at byte {exc.start})")
            continue
        try:
            obj = load_json(line)
        except BadJson as exc:
            yield LineError(name, lineno, str(exc))
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
