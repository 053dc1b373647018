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

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from annotator.core.model import Article, encode_spans
from annotator.io.brat import is_brat_folder, iter_brat
from annotator.io.csv_import import read_csv
from annotator.io.decode import NotTextError
from annotator.io.detect_output import (
    MANIFEST_NAME,
    detect_folder_shards,
    is_detect_folder,
    shard_detector_version,
)
from annotator.io.plaintext import read_txt
from annotator.io.prodigy import is_prodigy_file, iter_prodigy
from annotator.io.quote_jsonl import iter_jsonl
from annotator.services.suggestion_import import split_suggestions, store_suggestions
from annotator.store.db import StoreIntegrityError
from annotator.store.project import Project

#: Annotator that owns imported quotes naming nobody when no --annotator is given.
FALLBACK_ANNOTATOR = "imported"
#: Articles written per transaction in a long import (speed; each batch is all-or-nothing).
BATCH_SIZE = 500

Progress = Callable[[int, int, str], None]
# A reader gives the items of one file (articles, or anything else: a bad item, reported
# by its str()) and a note on the file's encoding ("" when it was UTF-8).
Reader = Callable[[Path], tuple[Iterable[object], str]]


def _n(count: int, word: str) -> str:
    """``3 articles``, ``1 article``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@dataclass
class FileReport:
    """What happened to one file."""

    path: str
    status: str = "imported"  # imported | skipped | failed
    reason: str = ""
    articles_added: int = 0
    articles_present: int = 0
    quotes_added: int = 0
    quotes_present: int = 0
    suggestions_added: int = 0
    suggestions_present: int = 0
    problems: list[str] = field(default_factory=list)
    encoding_note: str = ""

    def line(self) -> str:
        """The report line for this file."""
        if self.status == "failed":
            return f"{self.path}: failed: {self.reason}"
        quotes = f" and {_n(self.quotes_added, 'quote')}" if self.quotes_added else ""
        if self.suggestions_added:
            quotes += f" and {_n(self.suggestions_added, 'suggestion')}"
        present = ""
        if self.articles_present or self.quotes_present or self.suggestions_present:
            present = _n(self.articles_present, "article")
            if self.quotes_present:
                present += f" and {_n(self.quotes_present, 'quote')}"
            if self.suggestions_present:
                present += f" and {_n(self.suggestions_present, 'suggestion')}"
        if self.status == "skipped":
            return f"{self.path}: skipped: {present or 'nothing to import'} already in the project"
        if present:
            present = f" ({present} were already there)"
        out = f"{self.path}: imported {_n(self.articles_added, 'article')}{quotes}{present}"
        if self.encoding_note:
            out += f" ({self.encoding_note})"
        if self.problems:
            out += f"; {_n(len(self.problems), 'bad entry')} skipped".replace("entrys", "entries")
        return out


@dataclass
class ImportReport:
    """The per-file lines of an import and its totals."""

    files: list[FileReport] = field(default_factory=list)

    @property
    def articles_added(self) -> int:
        return sum(f.articles_added for f in self.files)

    @property
    def quotes_added(self) -> int:
        return sum(f.quotes_added for f in self.files)

    @property
    def suggestions_added(self) -> int:
        return sum(f.suggestions_added for f in self.files)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "failed"]

    def lines(self) -> list[str]:
        """One line per file, with its bad entries indented underneath."""
        out = []
        for f in self.files:
            out.append(f.line())
            out.extend(f"    {p}" for p in f.problems)
        return out

    def summary(self) -> str:
        n_failed = len(self.failed)
        n_skipped = sum(1 for f in self.files if f.status == "skipped")
        what = f"{_n(self.articles_added, 'article')} and {_n(self.quotes_added, 'quote')}"
        if self.suggestions_added:
            what = what.replace(" and ", ", ") + f" and {_n(self.suggestions_added, 'suggestion')}"
        parts = [f"Imported {what} from {_n(len(self.files), 'file')}"]
        if n_skipped:
            parts.append(f"{n_skipped} had nothing new")
        if n_failed:
            parts.append(f"{n_failed} failed")
        return "; ".join(parts) + "."


# -- readers -------------------------------------------------------------------------------


def _read_txt(path: Path) -> tuple[Iterable[object], str]:
    article, decoded = read_txt(path)
    return [article], decoded.note


def _read_jsonl(path: Path) -> tuple[Iterable[object], str]:
    return iter_jsonl(path), ""


def _read_csv(path: Path) -> tuple[Iterable[object], str]:
    rows, decoded = read_csv(path)
    return rows, decoded.note


FORMATS: dict[str, Reader] = {
    "txt": _read_txt,
    "jsonl": _read_jsonl,
    "csv": _read_csv,
}

_EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
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
    "spans"/"tokens" and no "quotes" is Prodigy task JSONL.
    """
    if path.is_dir():
        return "brat" if is_brat_folder(path) else None
    fmt = _EXTENSIONS.get(path.suffix.lower())
    if fmt == "jsonl" and is_prodigy_file(path):
        return "prodigy"
    return fmt


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Files to import: given files as they are, folders walked recursively (sorted).

    Inside folders only files of known formats are taken; hidden files are skipped.
    """
    for raw in paths:
        p = Path(raw)
        if p.is_dir() and not is_brat_folder(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                if MANIFEST_NAME in files and is_detect_folder(root):  # detect --scheduler
                    dirs[:] = []
                    yield from detect_folder_shards(root)
                    continue
                if any(n.endswith(".ann") for n in files):  # a brat folder inside
                    dirs[:] = []
                    yield Path(root)
                    continue
                for name in sorted(files):
                    f = Path(root) / name
                    if not name.startswith(".") and detect_format(f):
                        yield f
        else:
            yield p


# -- the import ----------------------------------------------------------------------------


class _QuoteIndex:
    """Which (annotator, content, speaker and cue spans) an article already has.

    Re-imported quotes are skipped by this key; two attributions of the same words to two
    sources (PolNeAR has them) are different quotes.
    """

    def __init__(self, project: Project) -> None:
        self.project = project
        self._cache: dict[int, set[tuple[str, str, str, str]]] = {}

    def seen(self, article_id: int) -> set[tuple[str, str, str, str]]:
        if article_id not in self._cache:
            self._cache[article_id] = self.project.annotation_span_keys(article_id)
        return self._cache[article_id]


def _import_article(
    project: Project,
    article: Article,
    source: str,
    annotator: str | None,
    index: _QuoteIndex,
    report: FileReport,
    detector_version: str | None = None,
) -> None:
    article_id, added = project.add_article(article, source=source, actor=annotator)
    if added:
        report.articles_added += 1
    else:
        report.articles_present += 1
    suggestions, quotes = split_suggestions(article.quotes)
    if suggestions or detector_version is not None:
        new, old = store_suggestions(
            project, article_id, suggestions, detector_version, new_article=added
        )
        report.suggestions_added += new
        report.suggestions_present += old
    if not quotes:
        return
    seen = index.seen(article_id)
    for quote in quotes:
        who = quote.annotator or annotator or FALLBACK_ANNOTATOR
        key = (
            who,
            encode_spans(quote.content_spans),
            encode_spans(quote.speaker_spans),
            encode_spans(quote.cue_spans),
        )
        if key in seen:
            report.quotes_present += 1
            continue
        project.add_annotation(article_id, who, quote.with_(annotator=who))
        seen.add(key)
        report.quotes_added += 1


#: Formats read one article per line: their progress is counted in lines, not files.
_LINE_FORMATS = ("jsonl", "prodigy")


def progress_units(path: Path) -> int:
    """How many progress steps importing ``path`` takes: its lines for JSONL, else 1."""
    if detect_format(path) in _LINE_FORMATS:
        try:
            with open(path, "rb") as fh:
                return max(1, sum(1 for line in fh if line.strip()))
        except OSError:
            return 1
    return 1


def import_file(
    project: Project,
    path: Path,
    annotator: str | None = None,
    index: _QuoteIndex | None = None,
    on_item: Callable[[], None] | None = None,
) -> FileReport:
    """Import one file; never raises for bad input, the report says what went wrong.

    ``on_item`` is called after each line of a line-per-article file (progress).
    """
    report = FileReport(str(path))
    index = index or _QuoteIndex(project)
    fmt = detect_format(path)
    if not path.exists():
        report.status, report.reason = "failed", "no such file or folder"
        return report
    if fmt is None:
        report.status = "failed"
        report.reason = (
            f"unsupported file type {path.suffix or '(no extension)'!r} "
            "(use .txt, .jsonl or .csv files, brat folders, or a folder of them)"
        )
        return report
    try:
        items, note = FORMATS[fmt](path)
        report.encoding_note = note
        version = shard_detector_version(path)
        stream = iter(items)
        while chunk := list(islice(stream, BATCH_SIZE)):
            # one change-log row per batch, listing the ids (issue 16: not one per quote)
            with project.logged_batch("import", "file", {"source": str(path)}, annotator):
                for item in chunk:
                    if isinstance(item, Article):
                        _import_article(project, item, str(path), annotator, index, report, version)
                    else:
                        report.problems.append(str(item))
                    if on_item is not None and fmt in _LINE_FORMATS:
                        on_item()
    except NotTextError as exc:
        report.status, report.reason = "failed", str(exc)
        return report
    except (OSError, ValueError, StoreIntegrityError) as exc:
        report.status, report.reason = "failed", str(exc)
        return report
    if report.articles_added == report.quotes_added == report.suggestions_added == 0:
        if report.problems and not (
            report.articles_present or report.quotes_present or report.suggestions_present
        ):
            report.status = "failed"
            report.reason = f"no readable article ({len(report.problems)} bad entries)"
        else:
            report.status = "skipped"
    return report


def import_paths(
    project: Project,
    paths: Iterable[str | os.PathLike[str]],
    annotator: str | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import files and folders into ``project``; return the per-file report.

    Args:
        annotator: owner of imported quotes that name no annotator.
        progress: called as progress(done, total, current_path), in steps of one file,
            or one line for JSONL files (so a single large file still moves the bar).
        cancel: polled between files; when it returns True the import stops there
            (files already imported stay imported).
    """
    files = list(expand_paths(paths))
    units = [progress_units(f) for f in files] if progress is not None else [1] * len(files)
    total = sum(units)
    done = 0
    report = ImportReport()
    index = _QuoteIndex(project)
    # Many small files share one transaction (one disk sync per group instead of per
    # file); each file is still a savepoint of its own, so a failing file leaves no trace.
    with ExitStack() as group:
        group.enter_context(project.batch())
        in_group = 0
        for path, steps in zip(files, units):
            if cancel is not None and cancel():
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
            file_report = import_file(project, path, annotator, index, step)
            done = start + steps
            report.files.append(file_report)
            in_group += file_report.articles_added + file_report.quotes_added
            in_group += file_report.suggestions_added
            if in_group >= BATCH_SIZE:
                group.close()
                group.enter_context(project.batch())
                in_group = 0
    if progress is not None:
        progress(done, total, "")
    return report
