"""The import report: one line per file (imported, skipped or failed) and the summary."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.wording import count_noun, listing, plural, printable

_n = count_noun


@dataclass
class FileReport:
    """What happened to one file."""

    path: str
    #: imported | skipped | failed, or, when the project refused a write mid-import,
    #: stopped (the file in progress; ``reason`` says why) | not imported (files after it),
    #: or, when the import was cancelled, cancelled (the file in progress: what it stored
    #: is in the project) | not imported (files after it)
    status: str = "imported"
    reason: str = ""
    articles_added: int = 0
    articles_present: int = 0
    quotes_added: int = 0
    quotes_present: int = 0
    suggestions_added: int = 0
    suggestions_present: int = 0
    #: exact repeats of an article's suggestions left out (each line's count is a note)
    suggestions_repeated: int = 0
    problems: list[str] = field(default_factory=list)
    #: quotes left out of articles that were read (each also has a line in ``problems``)
    quotes_refused: int = 0
    notes: list[str] = field(default_factory=list)
    encoding_note: str = ""
    #: quotes added, by the annotator they went to
    quotes_by_annotator: Counter[str] = field(default_factory=Counter)
    #: names the file gave its quotes that the fallback or override did not keep
    names_overridden: Counter[str] = field(default_factory=Counter)
    #: about how many articles the file holds (its non-blank lines, for a JSONL file whose
    #: progress was counted), else 0 (unknown)
    expected: int = 0

    @property
    def articles_kept(self) -> int:
        """Articles of this file that are in the project now (added or already there)."""
        return self.articles_added + self.articles_present

    @property
    def stored_anything(self) -> bool:
        return bool(self.articles_added or self.quotes_added or self.suggestions_added)

    def stored(self) -> str:
        """``2 articles and 3 quotes`` (and suggestions, when there are any) added."""
        out = f"{_n(self.articles_added, 'article')} and {_n(self.quotes_added, 'quote')}"
        if self.suggestions_added:
            out = out.replace(" and ", ", ") + f" and {_n(self.suggestions_added, 'suggestion')}"
        return out

    def _kept(self) -> str:
        """``2,163 of about 20,000 articles (2,163 articles and 51,000 quotes added)``."""
        kept = f"{self.articles_kept:,}"
        of = f" of about {self.expected:,}" if self.expected else ""
        noun = "article" if self.articles_kept == 1 and not of else "articles"
        out = f"{kept}{of} {noun}"
        if self.articles_present:
            out += f" ({self.stored()} added, {_n(self.articles_present, 'article')} were there)"
        else:
            out += f" ({self.stored()} added)"
        return out

    def owners(self) -> str:
        """``"alice (3), carol (2)"``: who the added quotes went to, most first."""
        return ", ".join(f"{_short(n)} ({c})" for n, c in self.quotes_by_annotator.most_common())

    def line(self) -> str:
        """The report line for this file (control characters and undecodable bytes of its
        name shown as escapes: one file, one line)."""
        return printable(self._line())

    def _line(self) -> str:
        if self.status == "failed":
            return f"{self.path}: failed: {self.reason}"
        if self.status == "not imported":
            return f"{self.path}: not imported (the import stopped before it)"
        if self.status == "cancelled":
            return f"{self.path}: cancelled after {self._kept()}"
        if self.status == "stopped":
            if self.stored_anything:
                return f"{self.path}: stopped after storing {self.stored()}: {self.reason}"
            return f"{self.path}: not imported: {self.reason}"
        added = [_n(self.articles_added, "article")]
        if self.quotes_added:
            added.append(_n(self.quotes_added, "quote"))
        if self.suggestions_added:
            added.append(_n(self.suggestions_added, "suggestion"))
        counts = [
            (n, noun)
            for n, noun in (
                (self.articles_present, "article"),
                (self.quotes_present, "quote"),
                (self.suggestions_present, "suggestion"),
            )
            if n
        ]
        present = listing([_n(n, noun) for n, noun in counts])
        if self.status == "skipped":
            return f"{self.path}: skipped: {present or 'nothing to import'} already in the project"
        if present:
            one = len(counts) == 1 and counts[0][0] == 1
            present = f" ({present} {plural(1 if one else 2, 'was')} already there)"
        out = f"{self.path}: imported {listing(added)}{present}"
        if self.quotes_by_annotator:
            out += f"; quotes went to {self.owners()}"
        if self.names_overridden:
            named = ", ".join(_short(n) for n in sorted(self.names_overridden))
            out += f" (the file named {named}; --annotator-override put them there)"
        if self.encoding_note:
            out += f" ({self.encoding_note})"
        entries = len(self.problems) - self.quotes_refused
        if entries:
            out += f"; {_n(entries, 'bad entry')} skipped"
        if self.quotes_refused:
            out += f"; {_n(self.quotes_refused, 'bad quote')} skipped (not their articles)"
        if self.suggestions_repeated:
            copies = "copy" if self.suggestions_repeated == 1 else "copies"
            out += (
                f"; {self.suggestions_repeated:,} exact {copies} of suggestions dropped"
                " (lines in the notes below)"
            )
        return out


@dataclass
class ImportReport:
    """The per-file lines of an import and its totals."""

    files: list[FileReport] = field(default_factory=list)
    #: why the import stopped early (the project refused a write), or ""
    stopped: str = ""
    #: the import was cancelled before its end (see :meth:`summary`)
    cancelled: bool = False
    #: :meth:`lines` as :meth:`keep_lines` made them (None: made at each call)
    _lines: list[str] | None = field(default=None, repr=False, compare=False)

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

    @property
    def held_no_quotes(self) -> bool:
        """Articles were added, and no file imported held a quote or a suggestion (plain
        text, or quote JSONL whose lines have no quotes): nothing is highlighted yet."""
        return self.articles_added > 0 and not any(
            f.quotes_added
            or f.quotes_present
            or f.suggestions_added
            or f.suggestions_present
            or f.quotes_refused
            for f in self.files
        )

    def no_quotes_note(self) -> str:
        """``The imported file held no quotes.`` (or ``files``) when :attr:`held_no_quotes`,
        else ""; the caller adds what happens next, which differs between the command line
        and the window."""
        if not self.held_no_quotes:
            return ""
        imported = sum(1 for f in self.files if f.articles_added)
        return f"The imported {'file' if imported == 1 else 'files'} held no quotes."

    def keep_lines(self) -> None:
        """Make :meth:`lines` once, now, and keep them: the import's worker calls it when
        the import has ended, so the window's thread never groups 200,000 entries (2.2 s,
        tester19) when it shows the report box or File > Last import report."""
        self._lines = None
        self._lines = self.lines()

    def lines(self) -> list[str]:
        """One line per file, with its bad entries indented underneath; entries that say
        the same of many lines or rows are one line (:func:`grouped_entries`)."""
        if self._lines is not None:
            return list(self._lines)
        out = []
        failed_alike = _failed_alike(self.files)
        for i, f in enumerate(self.files):
            group = failed_alike.get(i)
            if group == []:
                continue  # said in the line of the first file that failed so
            if group:
                out.append(_failed_files_line(group, f.reason))
                continue
            out.append(f.line())
            out.extend(printable(f"    {p}") for p in grouped_entries(f.problems))
            out.extend(printable(f"    note: {n}") for n in grouped_entries(f.notes))
        return out

    def summary(self) -> str:
        """The one-line summary (file names in it shown as :meth:`FileReport.line` does)."""
        return printable(self._summary())

    def _summary(self) -> str:
        n_failed = len(self.failed)
        n_skipped = sum(1 for f in self.files if f.status == "skipped")
        what = f"{_n(self.articles_added, 'article')} and {_n(self.quotes_added, 'quote')}"
        if self.suggestions_added:
            what = what.replace(" and ", ", ") + f" and {_n(self.suggestions_added, 'suggestion')}"
        if self.stopped:
            return self._stopped_summary(what)
        if self.cancelled:
            return self._cancelled_summary(what)
        parts = [f"Imported {what} from {_n(len(self.files), 'file')}"]
        if n_skipped:
            parts.append(f"{n_skipped:,} had nothing new")
        if n_failed:
            parts.append(f"{n_failed:,} failed")
        # what was refused inside files that were read: the headline says how much, so a
        # file of 50,000 broken lines and one good one does not read as a clean import
        # (tester20 U5); the lines themselves are in the report
        read = [f for f in self.files if f.status != "failed"]  # a failed file is said above
        refused = sum(f.quotes_refused for f in read)
        entries = sum(len(f.problems) for f in read) - refused
        if entries:
            parts.append(f"{_n(entries, 'bad entry')} skipped")
        if refused:
            parts.append(f"{_n(refused, 'bad quote')} skipped (articles kept)")
        return "; ".join(parts) + "."

    def _cancelled_summary(self, what: str) -> str:
        """``Import cancelled after 2,163 of about 20,000 articles of new20k.jsonl; those
        2,163 are in the project.``, then the files done and not imported, and that the same
        import again adds the rest (articles already in the project are skipped)."""
        done = [f.path for f in self.files if f.status in ("imported", "skipped", "failed")]
        cut = [f for f in self.files if f.status == "cancelled"]
        missing = [f.path for f in self.files if f.status == "not imported"]
        if cut:
            c = cut[0]
            kept = c.articles_kept
            of = f" of about {c.expected:,}" if c.expected else ""
            noun = "article" if kept == 1 and not of else "articles"
            out = f"Import cancelled after {kept:,}{of} {noun} of {Path(c.path).name}"
            if kept:
                those = "it is" if kept == 1 else f"those {kept:,} are"
                out += f"; {those} in the project"
                if c.articles_present:
                    out += f" ({c.articles_present:,} of them were there before)"
        else:
            out = "Import cancelled before its first file" if not done else "Import cancelled"
        parts = [out]
        if done:
            parts.append(f"done before: {_names(done)}")
            parts.append(f"imported {what} in all")
        if missing:
            parts.append(f"not imported: {_names(missing)}")
        return (
            "; ".join(parts)
            + ". Importing the same files again adds the rest (articles already in the"
            " project are skipped)."
        )

    def _stopped_summary(self, what: str) -> str:
        """The summary of an import the project stopped: what is in, what is not, and that
        running it again is safe (the import skips an article whose text is already in the
        project, by content hash, and a quote already there, by annotator and spans)."""
        done = [f.path for f in self.files if f.status in ("imported", "skipped")]
        failed = [f.path for f in self.files if f.status == "failed"]
        (cut,) = [f for f in self.files if f.status == "stopped"]
        missing = [f.path for f in self.files if f.status == "not imported"]
        parts = [f"The import stopped: {self.stopped}. Imported {what} before that"]
        if done:
            parts.append(f"done: {_names(done)}")
        if cut.stored_anything:
            parts.append(f"partly done: {cut.path} ({cut.stored()} stored, the rest not)")
        else:
            missing.insert(0, cut.path)
        if missing:
            parts.append(f"not imported: {_names(missing)}")
        if failed:
            parts.append(f"failed: {_names(failed)}")
        return (
            "; ".join(parts)
            + ". Running the same import again is safe: articles already in the project "
            "(the same text) and quotes already there are skipped, so only what is missing "
            "is added."
        )


#: The most characters of an annotator's name a report line shows (names are bounded on
#: import, :data:`annotator.core.entry_checks.MAX_NAME`; a project may hold older ones).
_NAME_SHOWN = 60


def _short(name: str) -> str:
    """``name`` cut to :data:`_NAME_SHOWN` characters with ``…``."""
    return name if len(name) <= _NAME_SHOWN else name[: _NAME_SHOWN - 1] + "…"


#: File names a summary lists before "and N more".
_NAMES_LISTED = 5


def _names(paths: list[str]) -> str:
    """``a.jsonl, b.jsonl`` (the first five, then ``and N more``)."""
    shown = ", ".join(paths[:_NAMES_LISTED])
    rest = len(paths) - _NAMES_LISTED
    return f"{shown} and {rest} more" if rest > 0 else shown


#: An entry about one line or row of a file: ``"f.jsonl, line 12: not UTF-8 (…)"``.
#: A brat file's entries name the line after a colon: ``"a.ann: line 16: T1 is …"``.
_ENTRY = re.compile(r"(?P<src>.+?)(?:, |: )(?P<unit>line|row) (?P<n>\d+): (?P<msg>.*)", re.DOTALL)
_DIGITS = re.compile(r"\d+")
#: Entries saying the same of at least this many lines become one line.
GROUP_MIN = 3
#: Line ranges a grouped entry lists before "and N more".
GROUP_RANGES = 10


def grouped_entries(entries: list[str]) -> list[str]:
    """``entries`` with those that say the same of several lines or rows of one file made
    one line each, at the place of the first: ``"f.jsonl, 50,000 lines (1-50,000): not
    UTF-8 (…)"``. Entries alike but for their numbers (a byte offset) are grouped too and
    show the first one's message, marked as such. Other entries are kept as they are, in
    order. A file of 50,000 refused lines printed the same advice 50,000 times, and the
    window's report box took seconds to lay them out (tester18 T3)."""
    parsed = [_ENTRY.fullmatch(e) for e in entries]
    keys: list[tuple[str, str, str] | None] = [
        None if m is None else (m["src"], m["unit"], _DIGITS.sub("#", m["msg"])) for m in parsed
    ]
    groups: dict[tuple[str, str, str], list[int]] = {}
    for i, key in enumerate(keys):
        if key is not None:
            groups.setdefault(key, []).append(i)
    out: list[str] = []
    for i, entry in enumerate(entries):
        m, key = parsed[i], keys[i]
        if m is None or key is None:
            out.append(entry)
            continue
        members = groups[key]
        if len(members) < GROUP_MIN:
            out.append(entry)
        elif members[0] == i:
            numbers = [int(parsed[j]["n"]) for j in members]  # type: ignore[index]
            msg = m["msg"]
            if any(parsed[j]["msg"] != msg for j in members):  # type: ignore[index]
                msg += f" (said of {m['unit']} {numbers[0]:,}; the others differ in numbers)"
            unit, places = m["unit"], len(set(numbers))
            if places < len(members):  # several entries of one line (a task's spans)
                where = f"{len(members):,} entries on {places:,} {unit}{'s' if places > 1 else ''}"
            else:
                where = f"{len(members):,} {unit}s"
            out.append(f"{m['src']}, {where} ({_ranges(numbers)}): {msg}")
    return out


def _ranges(numbers: list[int]) -> str:
    """``"1-3, 7, 12-50,000"`` (at most :data:`GROUP_RANGES` ranges, then "and N more")."""
    runs: list[tuple[int, int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    shown = [f"{a:,}" if a == b else f"{a:,}-{b:,}" for a, b in runs[:GROUP_RANGES]]
    if len(runs) > GROUP_RANGES:
        rest = sum(b - a + 1 for a, b in runs[GROUP_RANGES:])
        shown.append(f"and {rest:,} more")
    return ", ".join(shown)


#: File names a line of files failed alike shows before "and N more".
FILES_SHOWN = 3


def _failed_alike(files: list[FileReport]) -> dict[int, list[str]]:
    """Files that failed for the same reason, when :data:`GROUP_MIN` or more did: index of
    the first -> their paths, index of each other -> [] (a folder of 20,000 empty .txt
    files gave 20,000 lines of "failed: the file is empty", tester19 N3)."""
    by_reason: dict[str, list[int]] = {}
    for i, f in enumerate(files):
        if f.status == "failed" and not f.problems and not f.notes:
            by_reason.setdefault(f.reason, []).append(i)
    out: dict[int, list[str]] = {}
    for members in by_reason.values():
        if len(members) >= GROUP_MIN:
            out[members[0]] = [files[j].path for j in members]
            out.update((j, []) for j in members[1:])
    return out


def _failed_files_line(paths: list[str], reason: str) -> str:
    """``"20,000 files failed: the file is empty (a.txt, b.txt, c.txt and 19,997 more)"``."""
    shown = ", ".join(paths[:FILES_SHOWN])
    if len(paths) > FILES_SHOWN:
        shown += f" and {len(paths) - FILES_SHOWN:,} more"
    return printable(f"{len(paths):,} files failed: {reason} ({shown})")
