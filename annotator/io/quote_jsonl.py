"""Quote JSONL (interchange format version 1, see PRODUCT.md): read and write, streaming.

One article per line. Reading never stops at a bad line: it yields a :class:`LineError`
naming the line and the problem, and goes on with the next one. A bad quote inside a good
line costs only that quote: the reader yields a :class:`QuoteError` naming the line, the
quote's place in the line's ``quotes`` array and the problem, then the article with its
other quotes.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import signal
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, Any, TypeVar
from unicodedata import is_normalized

from annotator.core.dates import date_problem
from annotator.core.entry_checks import check_article_row
from annotator.core.model import Article, Quote, SpeakerFacts, encode_spans, normalise_spans
from annotator.core.processes import python_argv, receive_frame, send_frame
from annotator.core.quote_keys import QUOTE_KEYS
from annotator.core.quote_rows import (
    A_QUOTES,
    A_TEXT,
    ArticleRow,
    QuoteRow,
    article_row,
    extra_json,
    meta_json,
    without_duplicate_suggestions,
)
from annotator.core.schema import (
    QuoteFast,
    SchemaError,
    check_article,
    check_article_fast,
)
from annotator.core.text import content_hash, normalise_with_map, title_and_body
from annotator.io.files import LineTooLong, iter_lines
from annotator.io.jsonload import BadJson, check_utf8, load_json

_ARTICLE_KEYS = {"id", "title", "text", "meta", "quotes"}
#: Quote keys the JSONL export adds from the speaker registry (type and gender of the
#: canonical speaker, :mod:`annotator.io.jsonl_export`): on import they become the quote's
#: ``speaker_facts`` (never ``extra``), which the store applies to its registry
#: (:meth:`annotator.store.project.Project.speaker_id`).
REGISTRY_KEYS = frozenset({"speaker_type", "speaker_gender", "speaker_gender_guessed"})

_T = TypeVar("_T")


@dataclass(frozen=True)
class LineError:
    """A line of a JSONL file that could not be read as an article."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}, line {self.line}: {self.reason}"


@dataclass(frozen=True)
class QuoteError:
    """A quote of a readable JSONL line that was left out (its article was read).

    Attributes:
        quote: the quote's place in the line's ``quotes`` array, from 1.
    """

    path: str
    line: int
    quote: int
    reason: str

    def __str__(self) -> str:
        return (
            f"{self.path}, line {self.line}, quote {self.quote}: {self.reason}; this quote "
            "was skipped, not its article"
        )


@dataclass(frozen=True)
class LineNote:
    """Something the import report must say about a line whose article was imported (e.g.
    a date no report can place in a month)."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}, line {self.line}: {self.message}"


@dataclass(frozen=True)
class DuplicatesNote(LineNote):
    """A line whose article repeated some of its detector suggestions exactly: ``dropped``
    copies were left out, one of each kept
    (:func:`~annotator.core.quote_rows.without_duplicate_suggestions`)."""

    dropped: int = 0


def duplicates_message(dropped: int) -> str:
    """What the report says of a line's dropped repeats."""
    copies = "copy" if dropped == 1 else "copies"
    return (
        f"{dropped:,} exact {copies} of suggestions already on this line dropped (the same"
        " spans, kind, speaker and detector); one of each was kept"
    )


def _date_of(obj: Any) -> Any:
    """The ``date`` a line gives its article: ``meta.date``, else a top-level ``date``
    (unknown top-level keys join ``meta``, see :func:`_article`)."""
    meta = obj.get("meta") if isinstance(obj, dict) else None
    if isinstance(meta, dict) and "date" in meta:
        return meta["date"]
    return obj.get("date") if isinstance(obj, dict) else None


#: Quotes of a line left out by the lenient readers: (place in the ``quotes`` array from 1,
#: reason).
BadQuotes = list[tuple[int, str]]


def article_from_json(obj: Any) -> Article:
    """Build an Article from one decoded JSONL object; raise ValueError if it is not one.

    The object is checked against the quote JSONL schema (:mod:`annotator.core.schema`):
    a wrong type anywhere, a span outside the text, a confidence outside [0, 1] or a blank
    annotator raises SchemaError (a ValueError) naming the quote and field. Unknown
    top-level keys are kept in ``meta`` (never an error). The text is normalised (CRLF,
    BOM, NFC) and the quotes' offsets are moved with it, so they keep pointing at the same
    characters. (The file readers use :func:`article_and_bad_quotes`, which keeps the
    article when a quote is bad.)
    """
    article, bad = article_and_bad_quotes(obj)
    _refuse_bad_quotes(bad)
    return article


def _refuse_bad_quotes(bad: BadQuotes) -> None:
    """Raise SchemaError ``"quote N: reason"`` for the first quote left out, if any."""
    if bad:
        n, reason = bad[0]
        raise SchemaError(f"quote {n}: {reason}")


def article_and_bad_quotes(obj: Any) -> tuple[Article, BadQuotes]:
    """:func:`article_from_json` that leaves out a bad quote instead of refusing the line.

    Returns the Article with the quotes that follow the schema, and ``(n, reason)`` of each
    quote left out (``n`` counts from 1 in the line's ``quotes`` array). Raises
    SchemaError for a bad top level (no text, ``quotes`` not an array, a bad ``meta``...).
    """
    fast = check_article_fast(obj)
    if fast is not None:  # the usual case: every rule holds, checked in two calls
        top, checked_quotes = fast
        norm, offsets = normalise_with_map(top.text)
        if norm == top.text:
            quotes = [Quote.from_checked(c, q) for c, q in zip(checked_quotes, top.quotes or ())]
            return _article(obj, norm, top.title, top.meta, top.id, quotes), []
    checked = check_article(obj)
    text = checked.text
    raw_quotes: list[Any] = list(checked.quotes or [])
    norm, offsets = normalise_with_map(text)
    quotes = []
    bad: BadQuotes = []
    for n, q in enumerate(raw_quotes, 1):
        try:
            # the spans are checked against the file's own text, then moved
            quote = Quote.from_json(q, len(text))
            if norm != text:
                quote = Quote.from_json(_shift_quote(q, offsets), len(norm))
            quotes.append(quote)
        except ValueError as exc:
            bad.append((n, str(exc)))
    return _article(obj, norm, checked.title, checked.meta, checked.id, quotes), bad


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


def iter_jsonl(path: str | Path) -> Iterator[Article | LineError | QuoteError]:
    """Stream the articles of a quote-JSONL file; bad lines come back as LineError.

    A bad quote in a readable line comes back as a QuoteError, followed by the line's
    article without it (:func:`article_and_bad_quotes`): every line gives exactly one
    Article or LineError, preceded by its QuoteErrors. A BOM at the start of the file is
    dropped (the first line is kept). Raises NotTextError when the path is not a regular
    file (FIFO, device), cannot be read, is empty, binary or UTF-16
    (:func:`~annotator.io.files.check_line_file`); lines over the size limit of
    :func:`annotator.io.files.max_file_bytes` are LineErrors.
    """
    # notes come only when importing; the filter tells the type checker so
    lines = _converted_lines(path, article_and_bad_quotes)
    return (x for x in lines if not isinstance(x, LineNote))


def _quote_place(numbers: Sequence[int], i: int) -> str:
    """How a note names the quote of index ``i`` among a line's good quotes."""
    return f"quote {numbers[i]}"


#: What a line of a quote-JSONL file that is a Prodigy task is told (tester20 U16).
_TASK_NOTE = (
    'this line looks like a Prodigy task ("spans", no "quotes"): its article was imported '
    "without its spans; import Prodigy tasks from a file of tasks only (or name it "
    ".prodigy)"
)


def _looks_like_a_task(obj: Any) -> bool:
    """True for a JSON object with a non-empty ``spans`` list and no ``quotes``: a Prodigy
    task in a quote-JSONL file, whose spans the quote-JSONL reader does not read."""
    return (
        isinstance(obj, dict)
        and "quotes" not in obj
        and isinstance(obj.get("spans"), list)
        and bool(obj["spans"])
    )


def _converted_lines(
    path: str | Path, convert: Callable[[Any], tuple[_T, BadQuotes]], importing: bool = False
) -> Iterator[_T | LineError | QuoteError | LineNote]:
    """``convert`` applied to each JSON line of ``path``: the QuoteErrors of the quotes it
    left out, then what it made; a line it refuses (ValueError) or that is not JSON comes
    back as a LineError naming the file and line. ``importing``: a line with a string that
    has no UTF-8 form (a lone surrogate) is a LineError too (see :func:`_json_lines`), and
    an article kept with a date no report can place in a month is preceded by a LineNote
    (:func:`annotator.core.dates.date_problem`)."""
    name = str(path)
    for lineno, obj in _json_lines(path, importing):
        if isinstance(obj, LineError):
            yield obj
            continue
        try:
            item, bad = convert(obj)
        except ValueError as exc:
            yield LineError(name, lineno, str(exc))
            continue
        if importing and not _text_of(item).strip():
            # an empty article is nothing to annotate (an empty .txt file is refused too)
            yield LineError(name, lineno, "the text is empty (the article was skipped)")
            continue
        if importing and isinstance(item, tuple):
            # the quotes' own numbers in the line (the bad ones are already left out)
            numbers: Sequence[int]
            if bad:
                left_out = {n for n, _ in bad}
                count = len(item[A_QUOTES]) + len(bad)
                numbers = [n for n in range(1, count + 1) if n not in left_out]
            else:
                numbers = range(1, len(item[A_QUOTES]) + 1)
            item, notes, refused = check_article_row(  # type: ignore[assignment]
                item, partial(_quote_place, numbers)
            )
            bad = sorted([*bad, *((numbers[i], why) for i, why in refused)])
        else:
            notes, numbers = [], range(0)
        for n, reason in bad:
            yield QuoteError(name, lineno, n, reason)
        for i, message in notes:
            yield LineNote(name, lineno, message if i is None else f"quote {numbers[i]}: {message}")
        if importing and isinstance(item, tuple):
            item, dropped = without_duplicate_suggestions(item)  # type: ignore[assignment]
            if dropped:
                yield DuplicatesNote(name, lineno, duplicates_message(dropped), dropped)
        if importing:
            problem = date_problem(_date_of(obj))
            if problem is not None:
                yield LineNote(name, lineno, problem)
            if _looks_like_a_task(obj):
                yield LineNote(name, lineno, _TASK_NOTE)
        yield item


#: What a JSONL line that is not UTF-8 is told (JSON text exchanged between systems is UTF-8,
#: RFC 8259 section 8.1, so the file is not guessed at as a .txt file is).
UTF8_HINT = (
    "JSONL files must be UTF-8 (convert the file first, e.g. "
    "iconv -f latin1 -t utf-8 IN.jsonl > OUT.jsonl)"
)


def _text_of(item: object) -> str:
    """The text of an Article or an article row (:data:`~annotator.core.quote_rows.ArticleRow`)."""
    if isinstance(item, Article):
        return item.text
    assert isinstance(item, tuple)
    text = item[A_TEXT]
    return text if isinstance(text, str) else ""


def _json_lines(path: str | Path, utf8: bool = False) -> Iterator[tuple[int, Any]]:
    """``(line number, decoded JSON value)`` of each non-blank line; the value is a
    LineError for a line that is too long, not UTF-8 or not JSON, and with ``utf8`` for a
    line holding a lone surrogate (:func:`~annotator.io.jsonload.check_utf8`: what a
    project stores must have a UTF-8 form; the detector keeps such lines and skips them
    itself). Raises as :func:`iter_jsonl` does."""
    name = str(path)
    for lineno, raw in iter_lines(path):
        if isinstance(raw, LineTooLong):
            yield lineno, LineError(name, lineno, str(raw))
            continue
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            reason = f"not UTF-8 ({exc.reason} at byte {exc.start}); {UTF8_HINT}"
            yield lineno, LineError(name, lineno, reason)
            continue
        try:  # without its line end, which a cut-off string would report as its error
            obj = load_json(line.rstrip("\r\n"))
            if utf8:
                check_utf8(obj, line)
        except BadJson as exc:
            yield lineno, LineError(name, lineno, str(exc))
            continue
        yield lineno, obj


#: Files at least this large (bytes) are read in a worker process by
#: :func:`iter_jsonl_rows`: about 3,000 PolNeAR articles with quotes (11 kB a line in
#: the scale bench's import file). Smaller ones are read in the caller's process: the
#: worker's start (a fresh interpreter importing the schema, about 0.5 s) and passing the
#: articles over a pipe ate the gain at 1,000 such articles (2.7 s against 2.5 s wall).
PARALLEL_MIN_BYTES = 32 * 2**20
#: Lines the worker sends at a time. The pipe between the processes holds 64 kB, so the
#: worker is at most about one chunk (100 x 30 kB of articles) ahead of the reader.
CHUNK_LINES = 100


def _spans_text(spans: Any) -> str:
    """Checked spans (lists of two ints, start < end) encoded as the store keeps them:
    sorted, as :func:`~annotator.core.model.normalise_spans` sorts them."""
    if not spans:
        return "[]"
    if len(spans) == 1:
        start, end = spans[0]
        return f"[[{start}, {end}]]"
    return encode_spans(normalise_spans(spans))


def _fast_quote_row(c: QuoteFast, obj: dict[str, Any]) -> QuoteRow:
    """The row :func:`~annotator.core.quote_rows.quote_row` makes of
    ``Quote.from_checked(c, obj)``, without the Quote (a test holds them equal)."""
    given = (c.speaker_type, c.speaker_gender, c.speaker_gender_guessed)
    target = c.stance_target
    return (
        c.annotator,
        _spans_text(c.content_spans),
        _spans_text(c.speaker_spans),
        _spans_text(c.cue_spans),
        c.speaker_text,
        c.speaker_name,
        None if given == (None, None, None) else SpeakerFacts(*given),
        c.kind or "indirect",
        c.stance,
        None if target is None else (target.strip() or None),
        c.status or "accepted",
        c.origin or "manual",
        None if c.confidence is None else float(c.confidence),
        c.note,
        extra_json({k: v for k, v in obj.items() if k not in QUOTE_KEYS}),
    )


def article_row_from_json(obj: Any) -> ArticleRow:
    """:func:`article_from_json` as the plain row the import writes
    (:func:`~annotator.core.quote_rows.article_row`, content hash included): the same
    checks, messages and stored values. Raises ValueError (SchemaError) as
    :func:`article_from_json` does."""
    row, bad = article_row_and_bad_quotes(obj)
    _refuse_bad_quotes(bad)
    return row


def article_row_and_bad_quotes(obj: Any) -> tuple[ArticleRow, BadQuotes]:
    """:func:`article_and_bad_quotes` as the plain row the import writes: the row with the
    good quotes and ``(n, reason)`` of each quote left out. The usual line (valid, text
    already normalised) never builds Article or Quote objects. Raises SchemaError for a
    bad top level."""
    fast = check_article_fast(obj)
    if fast is not None:
        top, checked_quotes = fast
        text = top.text
        if "\r" not in text and not text.startswith("\ufeff") and is_normalized("NFC", text):
            title = top.title
            if not isinstance(title, str) or not title.strip():
                title = title_and_body(text)[0]
            merged: dict[str, Any] = dict(top.meta or {})
            for key, value in obj.items():
                if key not in _ARTICLE_KEYS:
                    merged.setdefault(key, value)
            quotes = tuple(_fast_quote_row(c, q) for c, q in zip(checked_quotes, top.quotes or ()))
            ident = top.id
            row = (
                content_hash(text),
                None if ident is None else str(ident),
                title.strip(),
                text,
                meta_json(merged),
                quotes,
            )
            return row, []
    article, bad = article_and_bad_quotes(obj)
    return article_row(article, content_hash(article.text)), bad


def iter_jsonl_rows_here(
    path: str | Path,
) -> Iterator[ArticleRow | LineError | QuoteError | LineNote]:
    """:func:`iter_jsonl` with each article as its row (:func:`article_row_and_bad_quotes`):
    the same lines, LineErrors, QuoteErrors and messages, in this process, and the import's
    own checks (a lone surrogate refuses a line; an odd date is a LineNote before its row)."""
    return _converted_lines(path, article_row_and_bad_quotes, importing=True)


def _worker_main(path: str) -> None:
    """The worker process of :func:`iter_jsonl_rows`: writes pickled chunks of items to
    stdout, then None (or the exception that stopped the reading)."""
    # Ctrl+C in a terminal reaches the whole process group: the importing process decides
    # (it stops at a batch and closes this pipe); a traceback here would only be noise
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = sys.stdout.buffer
    try:
        batch: list[ArticleRow | LineError | QuoteError | LineNote] = []
        for item in iter_jsonl_rows_here(path):
            batch.append(item)
            if len(batch) >= CHUNK_LINES:
                send_frame(out, batch)
                batch = []
        if batch:
            send_frame(out, batch)
        end: object = None
    except BrokenPipeError:  # the reader stopped listening
        _quiet_exit()
        return
    except Exception as exc:  # handed to the reader, which raises it
        end = exc
        try:
            pickle.dumps(exc)
        except Exception:
            end = OSError(f"{type(exc).__name__}: {exc}")
    try:
        send_frame(out, end)
    except BrokenPipeError:  # the reader stopped (or was killed) before the end
        _quiet_exit()


def _quiet_exit() -> None:
    """The reader is gone: what is left in stdout's buffer goes nowhere (Python's exit
    would otherwise print the broken pipe as a traceback into the terminal)."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def iter_jsonl_rows(
    path: str | Path, parallel: bool | None = None
) -> Iterator[ArticleRow | LineError | QuoteError | LineNote]:
    """:func:`iter_jsonl` with each article as the plain row the import writes
    (:data:`~annotator.core.quote_rows.ArticleRow`, content hash included; see
    :func:`article_row_and_bad_quotes`), LineErrors and QuoteErrors, in the file's order,
    with the same messages.

    ``parallel`` (default: the file has at least PARALLEL_MIN_BYTES): decode and check the
    lines in a worker process (a fresh ``python`` running :func:`_worker_main`, so it is
    safe from a thread and never re-runs the caller's script) while the caller stores
    what came before, so a large import uses two cores (issue 16: JSON, schema checks and
    building the objects were half of a 100,000-article import). Closing the iterator
    early stops the worker. Raises what :func:`iter_jsonl` raises (NotTextError, OSError),
    and OSError when the worker ends without saying why.
    """
    if parallel is None:
        try:
            parallel = os.path.getsize(path) >= PARALLEL_MIN_BYTES
        except OSError:
            parallel = False
    if not parallel:
        yield from iter_jsonl_rows_here(path)
        return
    env = dict(os.environ)
    # the worker imports this package from where the caller did
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    code = "import sys; from annotator.io.quote_jsonl import _worker_main as m; m(sys.argv[1])"
    proc = subprocess.Popen(python_argv(code, str(path)), stdout=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    try:
        while True:
            try:
                got = receive_frame(proc.stdout)
            except EOFError:
                raise OSError(
                    f"the process reading {path} stopped (exit code {proc.wait()})"
                ) from None
            if got is None:
                return
            if isinstance(got, BaseException):
                raise got
            if not isinstance(got, list):
                raise OSError(f"the process reading {path} sent {type(got).__name__}")
            yield from got
    finally:
        proc.stdout.close()
        if proc.poll() is None:
            proc.terminate()
        proc.wait()


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
