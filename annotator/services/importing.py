"""Import articles (and any quotes they carry) into a project, file by file.

Each file gets one line in the report: imported, skipped (nothing new) or failed, with the
reason. A bad file, or a bad line inside a file, never stops the others; what was already
saved stays as it was. Articles are de-duplicated by content hash and quotes by
(annotator, content spans), so importing the same files twice adds nothing.

Quotes with origin ``model`` and no annotator become suggestions, not annotations
(:mod:`annotator.services.suggestion_import`); a folder written by ``annotator detect
--scheduler`` is imported as its shards, under the detector version of its manifest.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.entry_checks import JOIN_OVER, joined_content, shown
from annotator.core.errors import ProjectError
from annotator.core.model import Article, Quote, decode_spans, encode_spans
from annotator.core.quote_rows import (
    A_QUOTES,
    A_TEXT,
    A_TITLE,
    Q_ANNOTATOR,
    Q_CONTENT,
    Q_CUE,
    Q_ORIGIN,
    Q_SPEAKER,
    Q_STANCE,
    ArticleRow,
    QuoteRow,
    article_row,
    quote_of_row,
)
from annotator.core.text import content_hash
from annotator.core.wording import count_noun, storable_name
from annotator.io.brat import FileNote, is_brat_folder, iter_brat
from annotator.io.csv_import import RowNote, read_csv
from annotator.io.decode import NotTextError, check_encoding
from annotator.io.detect_output import (
    MANIFEST_NAME,
    detect_folder_shards,
    is_detect_folder,
    shard_detector_version,
)
from annotator.io.files import check_line_path, check_regular, is_regular_file
from annotator.io.plaintext import read_txt
from annotator.io.prodigy import is_prodigy_file, iter_prodigy
from annotator.io.quote_jsonl import (
    DuplicatesNote,
    LineNote,
    QuoteError,
    iter_jsonl,
    iter_jsonl_rows,
)
from annotator.services.import_report import FileReport, ImportReport, _n
from annotator.services.suggestion_import import (
    is_suggestion,
    store_suggestions,
    suggestion_runs,
)
from annotator.store import bulk, waiting
from annotator.store.db import StoreDatabaseError, StoreIntegrityError
from annotator.store.project import Project

#: Annotator that owns imported quotes naming nobody when no --annotator is given.
FALLBACK_ANNOTATOR = "imported"
#: Longest time (seconds) an import holds the project's write lock at a time: each group of
#: articles is one short transaction, sized so that writing it takes about this long, and
#: the lock is free while the next group is read. A window open on the project (its own
#: import, or ``annotator import`` in a terminal) waits at most about this long before an
#: accept is saved (PRODUCT.md: no GUI freeze over 200 ms). Small files (one article each)
#: share a transaction until it is this old.
COMMIT_INTERVAL_S = 0.05
#: The command line's value (``annotator import``): the same, since a window may be open on
#: the project meanwhile and waits at most WINDOW_WRITE_WAIT_S for the lock (tester17 F14:
#: 1 s stalled every key of the window 1-4 s; at 0.1 s, at load 7, 2 of 20 accepts met a
#: group longer than 0.2 s and were refused). The commits of the groups are not synced one
#: by one and checkpoint seldom (see :meth:`Project.sync_commits`); the import ends synced.
CLI_COMMIT_INTERVAL_S = COMMIT_INTERVAL_S
#: The command line's interval while a window has the project open: a key of the window
#: waits for the group under way (a window waiting makes the import let it go before the
#: next group, :mod:`annotator.store.waiting`), so the groups are shorter then.
WINDOW_OPEN_COMMIT_INTERVAL_S = 0.02
#: Rows (articles and their quotes) of the first group; later groups are sized from the
#: time the groups before took to write (time-bounded, see COMMIT_INTERVAL_S).
FLUSH_ROWS = 1000
#: The most rows in one group (about 400 PolNeAR articles). SQLite's full-text index
#: writes its pending terms as a new segment at the end of each group's INSERT of articles,
#: so larger groups cost less; a failing group is written again article by article, so a
#: bad article costs a larger retry.
LONG_FLUSH_ROWS = 10_000
#: The fewest rows in one group (when even small groups take long: a loaded machine).
MIN_FLUSH_ROWS = 100
#: While a window is at work (it waited for the lock within the last few seconds,
#: :func:`annotator.store.waiting.window_at_work`) each group aims at this many seconds and
#: may be as small as KEYS_MIN_ROWS rows: a key waits for the group under way (issue 16:
#: groups aimed at 20 ms took 23 ms p50 / 56 ms p95 at load 9, and keys waited 15-38 ms
#: p50 for them). Smaller groups cost the import time (5 ms, 20 rows: 1.5x as long while
#: keys were pressed), hence a middle value.
KEYS_INTERVAL_S = 0.01
KEYS_MIN_ROWS = 50
#: A write of fewer rows than this (a small file's article) does not end the transaction
#: before it is COMMIT_INTERVAL_S old: many small files share one commit.
SMALL_WRITE_ROWS = 50
#: Articles whose quote keys the import keeps in memory to skip duplicates (about 2 kB
#: each for a PolNeAR article); older ones are read from the project again when needed.
INDEX_ARTICLES = 2000

Progress = Callable[[int, int, str], None]
# A reader gives the items of one file (articles, or anything else: a bad item, reported
# by its str()) and a note on the file's encoding ("" when it was UTF-8).
Reader = Callable[[Path], tuple[Iterable[object], str]]


#: What a reader says of an entry it still imported (a report note, not a bad entry).
_NOTES = (RowNote, LineNote, FileNote)


# -- readers -------------------------------------------------------------------------------


def _read_txt(path: Path) -> tuple[Iterable[object], str]:
    article, decoded = read_txt(path)
    return [article], decoded.note


def _read_jsonl(path: Path) -> tuple[Iterable[object], str]:
    return iter_jsonl(path), ""


#: What the report says when ``--encoding`` is given for a file it does not apply to.
_UTF8_ONLY = {
    "jsonl": "--encoding not used: JSONL is UTF-8 (RFC 8259)",
    "prodigy": "--encoding not used: Prodigy JSONL is UTF-8 (RFC 8259)",
    "brat": "--encoding not used: brat files are read as UTF-8",
}


def _read_for_import(
    path: Path, fmt: str, encoding: str | None = None
) -> tuple[Iterable[object], str]:
    """What the import writer reads: for quote JSONL, plain article rows
    (:data:`~annotator.core.quote_rows.ArticleRow`, checked and hashed; in a worker process
    when the file is large) and line errors; else the FORMATS reader's articles and errors
    (the contract other readers of FORMATS, e.g. the cluster, rely on). ``encoding`` (a
    codec name, checked by the caller) decodes .txt and .csv files without detection;
    other formats are UTF-8 and say so in the note."""
    if encoding is not None and fmt == "txt":
        article, decoded = read_txt(path, encoding)
        return [article], decoded.note
    if encoding is not None and fmt == "csv":
        rows, decoded = read_csv(path, encoding)
        return rows, decoded.note
    if fmt == "jsonl":
        return iter_jsonl_rows(path), _UTF8_ONLY["jsonl"] if encoding else ""
    items, note = FORMATS[fmt](path)
    if encoding is not None and fmt in _UTF8_ONLY:
        note = "; ".join(x for x in (note, _UTF8_ONLY[fmt]) if x)
    return items, note


def _read_csv(path: Path) -> tuple[Iterable[object], str]:
    rows, decoded = read_csv(path)
    return rows, decoded.note


FORMATS: dict[str, Reader] = {
    "txt": _read_txt,
    "jsonl": _read_jsonl,
    "csv": _read_csv,
}

#: Why a readable file of a format gave no article and no bad entry.
_NO_ENTRIES = {
    "csv": "the CSV has a header row but no rows of articles",
    "jsonl": "no articles: every line is blank",
    "prodigy": "no tasks: every line is blank",
    "brat": "the folder holds no .ann files with their .txt",
}

_EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    # Prodigy writes its exports (db-out) as .jsonl; some people name them .prodigy
    ".prodigy": "prodigy",
    ".json": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
}


# -- Prodigy task JSONL and brat folders (readers in annotator.io.prodigy / .brat) ----------


def _read_prodigy(path: Path) -> tuple[Iterable[object], str]:
    return iter_prodigy(path), ""


def _read_brat(path: Path) -> tuple[Iterable[object], str]:
    return iter_brat(path), ""


FORMATS["prodigy"] = _read_prodigy
FORMATS["brat"] = _read_brat


def detect_format(path: Path) -> str | None:
    """The format name of a file (a key of FORMATS), or None when we do not read it.

    A folder holding .ann files is a brat folder; a .jsonl whose first object has
    "spans"/"tokens" and no "quotes" is Prodigy task JSONL, and so is any ``.prodigy``
    file (the import says so when its first line is not a Prodigy task).
    """
    if path.is_dir():
        return "brat" if is_brat_folder(path) else None
    fmt = _EXTENSIONS.get(path.suffix.lower())
    if fmt == "jsonl" and is_prodigy_file(path):
        return "prodigy"
    return fmt


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Files to import: given files as they are, folders walked recursively (sorted).

    Inside folders only files of known formats are taken; hidden files are skipped. A
    folder with none is yielded itself, so that the import reports it.
    """
    for raw in paths:
        p = Path(raw)
        if p.is_dir() and not is_brat_folder(p):
            found = False
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                if MANIFEST_NAME in files and is_detect_folder(root):  # detect --scheduler
                    dirs[:] = []
                    found = True
                    yield from detect_folder_shards(root)
                    continue
                if any(n.endswith(".ann") for n in files):  # a brat folder inside
                    dirs[:] = []
                    found = True
                    yield Path(root)
                    continue
                for name in sorted(files):
                    f = Path(root) / name
                    if not name.startswith(".") and detect_format(f):
                        found = True
                        yield f
            if not found:  # the report says so (import_file names the folder)
                yield p
        else:
            yield p


# -- the import ----------------------------------------------------------------------------


_Key = tuple[str, str, str, str]
# an article as its plain row (content hash, fields, quote rows)
_Item = ArticleRow


class _QuoteIndex:
    """Which (annotator, content, speaker and cue spans) an article already has.

    Re-imported quotes are skipped by this key; two attributions of the same words to two
    sources (PolNeAR has them) are different quotes.

    Only the ``limit`` articles used last are kept (least recently used dropped first):
    an article asked about again after that is read from the store once more, which holds
    everything stored so far. Memory is bounded however large the import (issue 16: the
    unbounded cache reached 974 MB at 100,000 articles with quotes).
    """

    def __init__(self, project: Project, limit: int | None = None) -> None:
        self.project = project
        self.limit = INDEX_ARTICLES if limit is None else limit
        self._cache: OrderedDict[int, set[_Key]] = OrderedDict()

    def _keep(self, article_id: int, keys: set[_Key]) -> set[_Key]:
        self._cache[article_id] = keys
        self._cache.move_to_end(article_id)
        while len(self._cache) > self.limit:
            self._cache.popitem(last=False)
        return keys

    def seen(self, article_id: int, text: str) -> set[_Key]:
        """The keys of the article (of ``text``) as this import would store its quotes:
        a quote of many fragments stored before the import joined them (or brought in by
        an older merge) has its content joined the same way, so it is found again instead
        of imported a second time (review21 R11)."""
        keys = self._cache.get(article_id)
        if keys is None:
            keys = {_joined_key(k, text) for k in self.project.annotation_span_keys(article_id)}
        return self._keep(article_id, keys)

    def stored(self, article_id: int, text: str, keys: set[_Key], new_article: bool) -> None:
        """``keys`` were just stored in the article of ``text`` (a new one has no others)."""
        if new_article and article_id not in self._cache:
            self._keep(article_id, set(keys))
        elif keys:
            self.seen(article_id, text).update(keys)


def _joined_key(key: _Key, text: str) -> _Key:
    """``key`` (a stored annotation's) with its content as an import would store it now."""
    content = key[1]
    if content.count("], [") < JOIN_OVER:  # the usual quote: as it is
        return key
    try:
        spans = decode_spans(content)
    except ValueError:  # a broken row of an older file: compared as it is
        return key
    return (key[0], encode_spans(joined_content(spans, text)), key[2], key[3])


@dataclass
class _Stored:
    """What storing one article did, counted into the report once its transaction holds."""

    article_id: int
    added: bool
    text: str = ""  # the article's (for the quote index)
    suggestions_added: int = 0
    suggestions_present: int = 0
    quotes_present: int = 0
    new_keys: set[_Key] = field(default_factory=set)
    by_annotator: Counter[str] = field(default_factory=Counter)
    overridden: Counter[str] = field(default_factory=Counter)

    def count(self, report: FileReport, index: _QuoteIndex) -> None:
        index.stored(self.article_id, self.text, self.new_keys, self.added)
        if self.added:
            report.articles_added += 1
        else:
            report.articles_present += 1
        report.suggestions_added += self.suggestions_added
        report.suggestions_present += self.suggestions_present
        report.quotes_added += len(self.new_keys)
        report.quotes_present += self.quotes_present
        report.quotes_by_annotator.update(self.by_annotator)
        report.names_overridden.update(self.overridden)


class _Stances:
    """Stances of a file's quotes that are not among the project's labels (PRODUCT.md,
    "Stance": a per-project label set). They are kept, as the annotator gave them (the
    analyst may add the label to the set, or change the quotes in the window); the report
    says which, with how many quotes and the first article, one note per label."""

    def __init__(self, labels: Sequence[str]) -> None:
        self.labels = set(labels)
        self.shown = ", ".join(labels)
        self.found: dict[str, tuple[int, str]] = {}

    def count(self, row: _Item) -> None:
        for q in row[A_QUOTES]:
            stance = q[Q_STANCE]
            if stance is not None and stance not in self.labels:
                n, first = self.found.get(stance, (0, ""))
                self.found[stance] = (n + 1, first or row[A_TITLE])

    def notes(self, path: str) -> list[str]:
        return [
            f"{path}: the stance {shown(stance)} of {count_noun(n, 'quote')} (the first in the "
            f"article {shown(first)}) is not one of the project's stance labels "
            f"({self.shown[:120]}); kept as given: add the label to the project or change "
            "the quotes"
            for stance, (n, first) in self.found.items()
        ]


def _split(quotes: Sequence[QuoteRow]) -> tuple[list[Quote], list[QuoteRow]]:
    """(suggestions as Quotes, annotation rows) among an article's quote rows, each in the
    given order (:func:`~annotator.services.suggestion_import.is_suggestion` decides;
    only a quote of origin ``model`` can be one, so only those are rebuilt to ask)."""
    suggestions: list[Quote] = []
    annotations: list[QuoteRow] = []
    for q in quotes:
        if q[Q_ORIGIN] == "model":
            quote = quote_of_row(q)
            if is_suggestion(quote):
                suggestions.append(quote)
                continue
        annotations.append(q)
    return suggestions, annotations


def _store_articles(
    project: Project,
    items: Sequence[_Item],
    source: str,
    annotator: str | None,
    index: _QuoteIndex,
    detector_version: str | None,
    override: bool,
) -> list[_Stored]:
    """Write ``items`` (article rows of distinct texts), their suggestions and quotes with a
    few bulk statements (:mod:`annotator.store.bulk`); return what each did. Raises the
    store's or the quotes' error; the caller's savepoint then rolls all of it back.
    """
    out: list[_Stored] = []
    runs: list[tuple[int, str, Sequence[Quote]]] = []
    rows: list[tuple[int, str, QuoteRow]] = []
    stored = bulk.add_article_rows(project, [item[:A_QUOTES] for item in items], source, annotator)
    forced = annotator if override and annotator else None
    for item, (article_id, added) in zip(items, stored, strict=True):
        done = _Stored(article_id, added, item[A_TEXT])
        out.append(done)
        suggestions, quotes = _split(item[A_QUOTES])
        if added:  # nothing to compare with: one bulk run per detector version
            for version, group in suggestion_runs(suggestions, detector_version).items():
                runs.append((article_id, version, group))
                done.suggestions_added += len(group)
        elif suggestions or detector_version is not None:
            done.suggestions_added, done.suggestions_present = store_suggestions(
                project, article_id, suggestions, detector_version, text=item[A_TEXT]
            )
        # a new article has no quotes yet: no need to ask the store
        seen = index.seen(article_id, item[A_TEXT]) if quotes and not added else set()
        new_keys = done.new_keys
        for q in quotes:
            named = q[Q_ANNOTATOR]
            who = forced or named or annotator or FALLBACK_ANNOTATOR
            key = (who, q[Q_CONTENT], q[Q_SPEAKER], q[Q_CUE])
            if key in seen or key in new_keys:
                done.quotes_present += 1
                continue
            rows.append((article_id, who, q))
            new_keys.add(key)
            done.by_annotator[who] += 1
            if named and named != who:
                done.overridden[named] += 1
    bulk.set_suggestions(project, runs)
    bulk.add_quote_rows(project, rows)
    return out


def _import_articles(
    project: Project,
    articles: Sequence[_Item],
    source: str,
    annotator: str | None,
    index: _QuoteIndex,
    report: FileReport,
    detector_version: str | None = None,
    override: bool = False,
) -> None:
    """Store (article, content hash) pairs of distinct texts in one savepoint; when that
    fails, each on its own, so a bad article costs only itself (reported with its title).

    The report's counts and the quote index change only once an article is stored.
    """
    try:
        with project.batch():
            stored = _store_articles(
                project,
                articles,
                source,
                annotator,
                index,
                detector_version,
                override,
            )
    except (StoreIntegrityError, ValueError, TypeError) as exc:
        if len(articles) == 1:
            title = articles[0][A_TITLE]
            report.problems.append(f"{source}: article {title[:40]!r}: {exc}")
            return
        for one in articles:
            _import_articles(
                project, [one], source, annotator, index, report, detector_version, override
            )
        return
    for done in stored:
        done.count(report, index)


class _Pending:
    """Articles read but not yet written: flushed as one bulk write when ``limit`` rows
    (articles and quotes) are waiting, before a text already waiting comes again (its
    duplicate check needs the first one stored), and at the end of the file."""

    def __init__(self, write: Callable[[list[_Item]], None], limit: int | None = None) -> None:
        self.write = write
        self.limit = FLUSH_ROWS if limit is None else limit
        self.items: list[_Item] = []
        self.hashes: set[str] = set()
        self.rows = 0

    def add(self, item: _Item) -> None:
        """Queue the article row ``item``."""
        digest = item[0]
        if digest in self.hashes:
            self.flush()
        self.items.append(item)
        self.hashes.add(digest)
        self.rows += 1 + len(item[A_QUOTES])
        if self.rows >= self.limit:
            self.flush()

    def flush(self) -> None:
        if self.items:
            items = self.items
            self.items, self.hashes, self.rows = [], set(), 0
            self.write(items)


class _Steps:
    """The import's short transactions: the write lock is held while one group of articles
    is written, then released (committed) while the next group is read.

    Each article is a savepoint inside it (see :func:`_import_article`), so a bad article
    costs only itself and a failing file never rolls back another file. ``group_rows`` is
    the size of the next group, adapted after each write so that one takes about
    ``interval`` seconds (between MIN_FLUSH_ROWS and LONG_FLUSH_ROWS rows). ``commits``
    counts the commits made.
    """

    def __init__(self, project: Project, interval: float = COMMIT_INTERVAL_S) -> None:
        self.project = project
        self.interval = interval
        self.group_rows = FLUSH_ROWS
        self.commits = 0
        self._stack = ExitStack()
        self._opened: float | None = None

    def open(self) -> None:
        if self._opened is None:
            # one change-log row per commit, listing the ids (issue 16: not one per quote)
            self._stack.enter_context(self.project.logged_batch("import", "batch"))
            self._opened = time.monotonic()

    def written(self, rows: int, seconds: float, full: bool) -> None:
        """After a group of ``rows`` rows took ``seconds`` to write: size the next group from
        a ``full`` one (a group that reached its size), and commit, unless it was a small
        write (a small file's articles) in a transaction younger than the interval."""
        at_work = waiting.window_at_work(self.project.path)
        if full and seconds > 0:
            interval = min(self.interval, KEYS_INTERVAL_S) if at_work else self.interval
            fit = rows * interval / seconds
            # move half way to the size that fits, so one slow group does not halve it all
            # (at once while a window is at work: its next key waits for the next group)
            target = fit if at_work else (self.group_rows + fit) / 2
            low = KEYS_MIN_ROWS if at_work else MIN_FLUSH_ROWS
            self.group_rows = int(min(LONG_FLUSH_ROWS, max(low, target)))
        if full or rows >= SMALL_WRITE_ROWS:
            self.commit()
        else:
            self.tick()

    def tick(self) -> None:
        """Commit when the open transaction is older than the interval."""
        if self._opened is not None and time.monotonic() - self._opened >= self.interval:
            self.commit()

    def commit(self) -> None:
        if self._opened is not None:
            self._opened = None
            self._stack.close()
            self.commits += 1

    def __enter__(self) -> _Steps:
        return self

    def __exit__(self, *exc: object) -> None:
        # on an exception the open transaction is rolled back by project.batch()
        self._opened = None
        self._stack.__exit__(*exc)  # type: ignore[arg-type]


#: The inputs import reads, for messages.
_READABLE = ".txt, .jsonl, .csv, .tsv or .prodigy files, brat folders"
#: Formats read one article per line: their progress is counted in lines, not files.
_LINE_FORMATS = ("jsonl", "prodigy")


def progress_units(path: Path) -> int:
    """How many progress steps importing ``path`` takes: its lines for JSONL, else 1."""
    if is_regular_file(path) and detect_format(path) in _LINE_FORMATS:
        try:
            with open(path, "rb") as fh:
                return max(1, sum(1 for line in fh if line.strip()))
        except OSError:
            return 1
    return 1


def path_units_known(path: Path) -> bool:
    """True when :func:`progress_units` of ``path`` counts its articles (one per line)."""
    return is_regular_file(path) and detect_format(path) in _LINE_FORMATS


def import_file(
    project: Project,
    path: Path,
    annotator: str | None = None,
    index: _QuoteIndex | None = None,
    on_item: Callable[[], None] | None = None,
    steps: _Steps | None = None,
    override: bool = False,
    cancel: Callable[[], bool] | None = None,
    encoding: str | None = None,
) -> FileReport:
    """Import one file; never raises for bad input, the report says what went wrong.

    Articles are stored in groups of about FLUSH_ROWS rows (LONG_FLUSH_ROWS when ``steps``
    commits every CLI_COMMIT_INTERVAL_S or more seldom; one savepoint and a few bulk
    statements each; a group that fails is stored again article by article): a bad line,
    row or ``.ann`` file is reported with its place and reason and costs only itself; the
    counts are what was really stored. ``on_item`` is called after each line of a
    line-per-article file (progress). ``steps`` is the caller's time-bounded transaction
    (one is made if None).
    ``cancel`` is polled before each entry read: when it returns True the articles read so
    far are stored (one group, whole articles with their quotes), the rest of the file is
    not read, and the report's status is ``cancelled``.
    ``override``: every quote goes to ``annotator``, even one naming its own.
    ``encoding``: a codec name (:func:`~annotator.io.decode.check_encoding`) that decodes
    a .txt or .csv file without detection; the report's encoding note names it.
    A large quote-JSONL file is read, checked and hashed by a worker process while this
    one writes (:func:`~annotator.io.quote_jsonl.iter_jsonl_rows`); the worker stops
    with the import, however it ends.
    """
    report = FileReport(str(path))
    index = index or _QuoteIndex(project)
    if not path.exists() and not path.is_symlink():
        report.status, report.reason = "failed", "no such file or folder"
        return report
    fmt = detect_format(path)
    if fmt is None and path.is_dir():
        report.status = "failed"
        report.reason = f"is a folder with no files to import in it ({_READABLE})"
        return report
    if fmt is None:
        report.status = "failed"
        report.reason = (
            f"unsupported file type {path.suffix or '(no extension)'!r} "
            f"(use {_READABLE}, or a folder of them)"
        )
        return report
    if fmt in _LINE_FORMATS:
        try:  # an empty or binary file says so, before any guess about its lines
            check_line_path(path)
        except NotTextError as exc:
            report.status, report.reason = "failed", str(exc)
            return report
    if fmt == "prodigy" and path.suffix.lower() == ".prodigy" and not is_prodigy_file(path):
        report.status = "failed"
        report.reason = (
            'a .prodigy file is read as Prodigy task JSONL (one task a line, with "text" and'
            ' "spans"), and its first line is not a Prodigy task; if it is quote JSONL,'
            " name it .jsonl"
        )
        return report
    own = steps is None
    steps = steps or _Steps(project)
    stack = ExitStack()
    try:
        if fmt != "brat":
            check_regular(path)
        items, note = _read_for_import(path, fmt, encoding)
        if isinstance(items, Generator):  # a reader's worker stops with the import
            stack.callback(items.close)
        report.encoding_note = note
        version = shard_detector_version(path)
        source = storable_name(str(path))
        if source != str(path):
            report.notes.append(
                "the file name is not valid UTF-8; the project keeps it with each undecodable"
                f" byte replaced by \ufffd: {source}"
            )

        def write(articles: list[_Item]) -> None:
            rows = sum(1 + len(item[A_QUOTES]) for item in articles)
            began = time.monotonic()
            steps.open()
            _import_articles(project, articles, source, annotator, index, report, version, override)
            steps.written(rows, time.monotonic() - began, rows >= pending.limit)
            pending.limit = steps.group_rows

        pending = _Pending(write, steps.group_rows)
        stances = _Stances(project.stance_labels())
        entries = 0  # articles and bad entries read (notes on a CSV's columns not counted)
        try:
            for item in items:
                if cancel is not None and cancel():
                    report.status = "cancelled"
                    break
                if not isinstance(item, _NOTES):
                    entries += 1
                if isinstance(item, tuple):
                    stances.count(item)
                    pending.add(item)
                elif isinstance(item, Article):
                    row = article_row(item, content_hash(item.text))
                    stances.count(row)
                    pending.add(row)
                else:
                    pending.flush()  # the report keeps the file's order
                    if isinstance(item, _NOTES):
                        report.notes.append(str(item))
                        if isinstance(item, DuplicatesNote):
                            report.suggestions_repeated += item.dropped
                    else:
                        report.problems.append(str(item))
                        if isinstance(item, QuoteError):
                            report.quotes_refused += 1
                if on_item is not None and fmt in _LINE_FORMATS:
                    on_item()
        finally:
            pending.flush()  # what was read before a failure is still stored
            report.notes.extend(stances.notes(str(path)))
        if not entries and report.status != "cancelled":
            raise NotTextError(_NO_ENTRIES.get(fmt, "the file holds no articles"))
    except NotTextError as exc:
        report.status, report.reason = "failed", str(exc)
    except (OSError, ValueError, StoreDatabaseError) as exc:
        report.status, report.reason = "failed", str(exc) or type(exc).__name__
    except ProjectError as exc:
        if exc.refusal is None:
            raise
        # the project refused to start a write (another program holds the lock past the
        # busy timeout, or it became read-only): what this file stored before is committed
        # (the refused write is the start of a transaction), nothing after it is
        report.status, report.reason = "stopped", exc.refusal
        return report
    finally:
        stack.close()
        if own:
            steps.commit()
    if report.status == "failed":
        stored = report.articles_added + report.quotes_added
        if stored:  # what was stored before the failure stays, and the report says so
            report.reason += (
                f" (after {_n(report.articles_added, 'article')} and "
                f"{_n(report.quotes_added, 'quote')} were stored)"
            )
        return report
    if report.status == "cancelled":
        return report
    if report.articles_added == report.quotes_added == report.suggestions_added == 0:
        if report.problems and not (
            report.articles_present or report.quotes_present or report.suggestions_present
        ):
            report.status = "failed"
            report.reason = f"no readable article ({count_noun(len(report.problems), 'bad entry')})"
        else:
            report.status = "skipped"
    return report


#: A file at least this big (bytes) is not read while the import holds the write lock: the
#: small writes before it (kept open up to the commit interval) are committed first.
BIG_READ_BYTES = 256 * 1024


def _release_before_reading(steps: _Steps, path: Path) -> None:
    """Commit the open group before reading a big file (its read can take longer than a
    window waits for the lock, 0.2 s); before a small one only if the group is older
    than the commit interval."""
    try:
        big = os.stat(path).st_size >= BIG_READ_BYTES
    except OSError:
        big = True  # import_file says what is wrong with it; nothing is held meanwhile
    if big:
        steps.commit()
    else:
        steps.tick()


def import_paths(
    project: Project,
    paths: Iterable[str | os.PathLike[str]],
    annotator: str | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    override: bool = False,
    commit_interval: float = COMMIT_INTERVAL_S,
    encoding: str | None = None,
) -> ImportReport:
    """Import files and folders into ``project``; return the per-file report.

    Args:
        annotator: owner of imported quotes that name no annotator (of every quote, with
            ``override``); each file's report line says whom its quotes went to.
        progress: called as progress(done, total, current_path), in steps of one file,
            or one line for JSONL files (so a single large file still moves the bar).
        cancel: polled before each file and each entry (line, row) of a file; when it
            returns True the import stores the whole articles read so far (one group of at
            most FLUSH_ROWS rows, or LONG_FLUSH_ROWS with the command line's interval),
            commits and stops: :attr:`ImportReport.cancelled` is set, the file in progress
            has status ``cancelled`` (with what it stored) and the files after it
            ``not imported``. Importing the same files again adds the rest.
        commit_interval: seconds between commits (COMMIT_INTERVAL_S; the command line
            uses CLI_COMMIT_INTERVAL_S, which see for the trade-off).
        encoding: decode .txt and .csv files with this codec instead of detecting it;
            JSONL, Prodigy and brat files stay UTF-8 and their report lines say so.

    Raises:
        ValueError: ``encoding`` is not a text encoding Python knows (before anything is
            read or written).

    Writes are committed at least every ``commit_interval`` seconds (many small files share a
    transaction, one disk sync per group), so other writers of the project wait one such
    step at most; every article is a savepoint of its own, so a failing file or article
    leaves no trace and never undoes another.

    When the project refuses a write (another program holds its lock past the busy timeout,
    or it became read-only), the import stops there: the report's file in progress has
    status ``stopped`` with what it stored before (committed), the files after it status
    ``not imported``, and :attr:`ImportReport.stopped` says why. Raises ProjectError for
    other project errors.
    """
    if encoding is not None:
        encoding = check_encoding(encoding)
    files = list(expand_paths(paths))
    units = [progress_units(f) for f in files] if progress is not None else [1] * len(files)
    project.sync_commits(False)  # each group's commit: no disk sync of its own
    # a window of another program waiting for the lock goes before the next group
    polite, project.yields_to_windows = project.yields_to_windows, True
    try:
        report = _import_all(
            project, files, units, annotator, progress, cancel, override, commit_interval, encoding
        )
    finally:
        project.yields_to_windows = polite
        project.sync_commits(True)
        # a checkpoint syncs the WAL before it copies it: the groups are on disk now
        with contextlib.suppress(StoreDatabaseError):
            project.checkpoint()
    return report


def _import_all(
    project: Project,
    files: list[Path],
    units: list[int],
    annotator: str | None,
    progress: Progress | None,
    cancel: Callable[[], bool] | None,
    override: bool,
    commit_interval: float,
    encoding: str | None = None,
) -> ImportReport:
    """:func:`import_paths` of the ``files`` found, ``units`` progress steps each."""
    total = sum(units)
    done = 0
    report = ImportReport()
    index = _QuoteIndex(project)
    with _Steps(project, commit_interval) as steps:
        for n, (path, units_of_file) in enumerate(zip(files, units)):
            if cancel is not None and cancel():
                report.cancelled = True
                report.files.extend(FileReport(str(f), status="not imported") for f in files[n:])
                break
            start = done
            label = str(path)

            def step(label: str = label) -> None:
                nonlocal done
                done += 1
                if progress is not None:
                    progress(done, total, label)

            if progress is not None:
                progress(done, total, label)
            _release_before_reading(steps, path)
            got = import_file(
                project, path, annotator, index, step, steps, override, cancel, encoding
            )
            if progress is not None and path_units_known(path):
                got.expected = units_of_file
            report.files.append(got)
            done = start + units_of_file
            if got.status == "cancelled":
                report.cancelled = True
                later = files[n + 1 :]
                report.files.extend(FileReport(str(f), status="not imported") for f in later)
                break
            if got.status == "stopped":
                report.stopped = got.reason
                later = files[len(report.files) :]
                report.files.extend(FileReport(str(f), status="not imported") for f in later)
                break
        steps.commit()
    if progress is not None:
        progress(done, total, "")
    return report
