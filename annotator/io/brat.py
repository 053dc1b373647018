"""brat standoff in the PolNeAR convention: export one ``.txt`` + ``.ann`` per article, import.

PolNeAR (Newell, Margolin, Ruths, LREC 2018) writes each attribution as three text-bound
annotations and an event whose trigger is a fourth text-bound annotation over the cue::

    T1  Source 89 106       The New York Post
    T2  Cue 107 114         reports
    T3  Content 115 290     that Hillary Clinton's team avoided ...
    T4  Attribution 107 114 reports
    E1  Attribution:T4 Source:T1 Cue:T2 Content:T3

What we write (and read back):

- ``Source``, ``Cue``, ``Content`` text-bound annotations; a split quote is one annotation
  with fragments ``start end;start end`` and, as in brat, the fragments' texts joined by a
  space. A fragment that crosses a line break is cut there (brat does not allow a span over
  a newline); the exact spans are then kept in the note, see below.
- ``Attribution`` trigger (over the cue; over the content when a quote has no cue) and the
  event ``E1  Attribution:T4 Source:T1 Cue:T2 Content:T3``. Every quote is an
  ``Attribution`` event, with no ``Source`` role when it has no speaker mention (PolNeAR
  calls those ``Attribution-no-source``; import reads both).
- Attributes on the event: ``A1  Kind E1 direct``, ``A2  Stance E1 support`` (when set),
  ``A3  Status E1 rejected`` (when not accepted).
- A note on the event, ``#1  AnnotatorNotes E1  {...}``: a JSON object with the rest
  (annotator, origin, speaker_name, confidence, note, extra keys, and speaker_text or exact
  spans when they differ from what the text-bound annotations say).
- ``NAME.json`` beside each ``NAME.txt``: the article's id, title and metadata, and an
  ``annotation.conf`` so the folder opens in brat as it is.

Import also reads PolNeAR's own layout, where ``attributions/NAME_ANNOTATOR.ann`` goes with
``text/NAME.txt``: the annotator is then the file-name suffix. ``Discard``/``Discuss`` and
any other annotation types are ignored.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.entry_checks import check_article_row
from annotator.core.model import Article, Quote, StoredArticle
from annotator.core.quote_rows import A_QUOTES, A_TITLE, article_row, quote_of_row
from annotator.core.text import normalise_text, normalise_with_map
from annotator.io.export_records import ExportQuote, safe_name
from annotator.io.files import read_limited
from annotator.io.jsonload import BadJson, load_json

#: First line of the annotation.conf we write; marks a folder an export may replace.
CONF_MARKER = "# written by Quote Annotator (brat export, PolNeAR convention)"
SOURCE, CUE, CONTENT, ATTRIBUTION = "Source", "Cue", "Content", "Attribution"

_OPENING = ('"', "“", "„", "‟", "«", "''", "``")
_CLOSING = ('"', "”", "»", "''")
_MARKS = re.compile(r"''|``|[\"“”„‟«»]")


def guess_kind(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The quote kind from its quotation marks (PolNeAR's rule, see data/polnear/README.md).

    ``direct`` when every fragment opens and closes with a double quotation mark (NYT's
    ``''`` counts), ``mixed`` when marks appear only inside or at one end, else ``indirect``.
    """
    frags = [text[a:b].strip().rstrip(".,;:") for a, b in spans]
    frags = [f for f in frags if f]
    if not frags:
        return "indirect"
    if all(f.startswith(_OPENING) and f.endswith(_CLOSING) and len(f) > 1 for f in frags):
        return "direct"
    if any(_MARKS.search(f) for f in frags):
        return "mixed"
    return "indirect"


def _split_lines(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans cut at line breaks (brat's rule), empty and newline-only pieces dropped."""
    out = []
    for a, b in spans:
        start = a
        while start < b:
            nl = text.find("\n", start, b)
            end = b if nl < 0 else nl
            if end > start:
                out.append((start, end))
            start = end + 1 if nl >= 0 else b
    return out


def _fmt_spans(spans: Sequence[tuple[int, int]]) -> str:
    return ";".join(f"{a} {b}" for a, b in spans)


def _clean(s: str) -> str:
    return s.replace("\t", " ").replace("\n", " ").replace("\r", " ")


# -- export --------------------------------------------------------------------------------


def ann_lines(text: str, quotes: Sequence[Quote]) -> list[str]:
    """The lines of the ``.ann`` file for ``quotes`` of ``text``."""
    lines: list[str] = []
    t = a = n = 0

    def textbound(label: str, spans: Sequence[tuple[int, int]]) -> str:
        nonlocal t
        t += 1
        covered = " ".join(_clean(text[x:y]) for x, y in spans)
        lines.append(f"T{t}\t{label} {_fmt_spans(spans)}\t{covered}")
        return f"T{t}"

    for e, quote in enumerate(quotes, 1):
        content = _split_lines(text, quote.content_spans)
        speaker = _split_lines(text, quote.speaker_spans)
        cue = _split_lines(text, quote.cue_spans)
        if not content:  # a quote made of line breaks only cannot be drawn in brat
            content = list(quote.content_spans)
        roles = []
        if speaker:
            roles.append(f"Source:{textbound(SOURCE, speaker)}")
        if cue:
            roles.append(f"Cue:{textbound(CUE, cue)}")
        roles.append(f"Content:{textbound(CONTENT, content)}")
        trigger = textbound(ATTRIBUTION, cue or content[:1])
        lines.append(f"E{e}\t{ATTRIBUTION}:{trigger} {' '.join(roles)}")
        attrs = [("Kind", quote.kind)]
        if quote.stance:
            attrs.append(("Stance", quote.stance))
        if quote.status != "accepted":
            attrs.append(("Status", quote.status))
        for name, value in attrs:
            a += 1
            lines.append(f"A{a}\t{name} E{e} {_clean(value).replace(' ', '_')}")
        note = _note(text, quote, content, speaker, cue)
        if note:
            n += 1
            lines.append(f"#{n}\tAnnotatorNotes E{e}\t{json.dumps(note, ensure_ascii=False)}")
    return lines


def _note(
    text: str,
    quote: Quote,
    content: list[tuple[int, int]],
    speaker: list[tuple[int, int]],
    cue: list[tuple[int, int]],
) -> dict[str, Any]:
    """What the text-bound annotations and attributes do not say about ``quote``."""
    note: dict[str, Any] = {}
    for key, value in quote.to_json().items():
        if key in ("content_spans", "speaker_spans", "cue_spans", "kind", "stance", "status"):
            continue
        if key == "speaker_text" and value == _default_speaker_text(text, speaker):
            continue
        if value is not None:
            note[key] = value
    for key, exact, drawn in (
        ("content_spans", quote.content_spans, content),
        ("speaker_spans", quote.speaker_spans, speaker),
        ("cue_spans", quote.cue_spans, cue),
    ):
        if list(exact) != drawn:
            note[key] = [list(s) for s in exact]
    # stances with spaces are written with underscores in the attribute
    if quote.stance and " " in quote.stance:
        note["stance"] = quote.stance
    return note


def _default_speaker_text(text: str, speaker: Sequence[tuple[int, int]]) -> str | None:
    return " ".join(text[a:b] for a, b in speaker) or None


def annotation_conf(stances: Sequence[str], statuses: Sequence[str]) -> str:
    """brat's annotation.conf for our types (so the folder opens in brat as it is)."""
    lines = [
        CONF_MARKER,
        "[entities]",
        SOURCE,
        CUE,
        CONTENT,
        "[relations]",
        "<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>",
        "[events]",
        f"{ATTRIBUTION}\tSource?:{SOURCE}, Cue?:{CUE}, Content+:{CONTENT}",
        "[attributes]",
        f"Kind\tArg:{ATTRIBUTION}, Value:direct|mixed|indirect",
    ]
    if stances:
        lines.append(f"Stance\tArg:{ATTRIBUTION}, Value:{'|'.join(stances)}")
    if statuses:
        lines.append(f"Status\tArg:{ATTRIBUTION}, Value:{'|'.join(statuses)}")
    return "\n".join(lines) + "\n"


#: The list of files a brat export wrote, kept in the folder: a later export replaces the
#: folder only when nothing else is in it, and deletes only the files listed here.
MANIFEST = ".quote-annotator-export.json"
#: Sub-folders of a split export.
PART_FOLDERS = ("train", "dev", "test")


class BratWriter:
    """Streaming brat writer: one .txt, .ann and .json per article in ``folder``.

    ``close()`` writes ``annotation.conf`` and the :data:`MANIFEST` naming every file written.
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.written: list[str] = []
        self._names: set[str] = set()
        self._stances: set[str] = set()
        self._statuses: set[str] = set()
        self.events = 0

    def _name(self, article: StoredArticle) -> str:
        name = safe_name(article.ext_id) if article.ext_id else f"article-{article.id}"
        if name.lower() in self._names or name.lower() == "annotation":
            name = f"{name}-{article.id}"
        self._names.add(name.lower())
        return name

    def write(self, article: StoredArticle, quotes: Sequence[ExportQuote]) -> None:
        name = self._name(article)
        plain = [q.quote for q in quotes]
        for q in plain:
            if q.stance:
                self._stances.add(_clean(q.stance).replace(" ", "_"))
            if q.status != "accepted":
                self._statuses.add(q.status)
        with open(self.folder / f"{name}.txt", "w", encoding="utf-8", newline="\n") as fh:
            fh.write(article.text)
        lines = ann_lines(article.text, plain)
        with open(self.folder / f"{name}.ann", "w", encoding="utf-8", newline="\n") as fh:
            fh.writelines(line + "\n" for line in lines)
        self.written += [f"{name}.txt", f"{name}.ann", f"{name}.json"]
        info = {"id": article.ext_id, "title": article.title, "meta": article.meta}
        with open(self.folder / f"{name}.json", "w", encoding="utf-8", newline="\n") as fh:
            fh.write(json.dumps(info, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        self.events += len(plain)

    def close(self) -> None:
        conf = annotation_conf(sorted(self._stances), sorted(self._statuses))
        with open(self.folder / "annotation.conf", "w", encoding="utf-8", newline="\n") as fh:
            fh.write(conf)
        self.written.append("annotation.conf")
        with open(self.folder / MANIFEST, "w", encoding="utf-8", newline="\n") as fh:
            json.dump({"files": sorted(self.written)}, fh, ensure_ascii=False, indent=0)


def _written(folder: Path) -> set[str]:
    """Names of the files an earlier export wrote in ``folder`` (empty when none)."""
    manifest = folder / MANIFEST
    if manifest.is_file():
        try:
            data = load_json(read_limited(manifest).decode("utf-8"))
        except (ValueError, OSError):
            return set()
        files = data.get("files") if isinstance(data, dict) else None
        if isinstance(files, list):
            return {
                f for f in files if isinstance(f, str) and "/" not in f and f not in ("..", ".")
            }
        return set()
    conf = folder / "annotation.conf"
    if not conf.is_file():
        return set()
    with open(conf, encoding="utf-8", errors="replace") as fh:
        if fh.readline().strip() != CONF_MARKER:
            return set()
    # an export from before the manifest: annotation.conf and complete .txt/.ann pairs
    out = {"annotation.conf"}
    for ann in folder.glob("*.ann"):
        if ann.with_suffix(".txt").is_file():
            out |= {ann.name, ann.with_suffix(".txt").name, ann.with_suffix(".json").name}
    return out


def foreign_files(folder: str | Path) -> list[Path]:
    """Entries of ``folder`` (and its split part folders) that no brat export wrote.

    An export may replace a folder only when this is empty: it never deletes what is not
    its own.
    """
    root = Path(folder)
    written = _written(root)
    out: list[Path] = []
    for entry in sorted(root.iterdir()):
        if entry.name == MANIFEST and (entry.is_file() and not entry.is_symlink()):
            continue
        if entry.is_dir() and not entry.is_symlink():
            if entry.name in PART_FOLDERS:
                out += foreign_files(entry)
            else:
                out.append(entry)
        elif entry.name not in written or entry.is_symlink() or not entry.is_file():
            out.append(entry)
    return out


def _remove_written(folder: Path) -> None:
    """Delete the files an export wrote in ``folder`` (and part folders), then the empty
    folders; anything else is left where it is."""
    written = _written(folder)
    for entry in list(folder.iterdir()):
        if entry.is_dir() and not entry.is_symlink() and entry.name in PART_FOLDERS:
            _remove_written(entry)
        elif entry.name in written and entry.is_file() and not entry.is_symlink():
            entry.unlink()
    manifest = folder / MANIFEST
    if manifest.is_file() and not manifest.is_symlink():
        manifest.unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()  # only when empty


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False if unavailable."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    res = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(res == 0)


def swap_in(new: str | Path, target: str | Path) -> None:
    """Put the finished export folder ``new`` at ``target``, replacing an earlier export.

    The swap is one atomic rename where the system offers it (Linux), else two renames (a
    kill between them leaves the earlier export complete beside the target, never half a
    folder). Afterwards only the files the earlier export wrote are deleted.

    Raises:
        FileExistsError: ``target`` holds files no export wrote (they are named).
    """
    new_p, target_p = Path(new), Path(target)
    if not target_p.exists() and not target_p.is_symlink():
        os.rename(new_p, target_p)
        return
    foreign = foreign_files(target_p) if target_p.is_dir() else [target_p]
    if foreign:
        raise FileExistsError(
            f"{target_p}: holds files a brat export did not write: "
            + ", ".join(str(f) for f in foreign[:5])
        )
    if _exchange(new_p, target_p):
        old = new_p  # the earlier export is now where the new one was built
    else:
        old = new_p.with_name(new_p.name + ".old")
        os.rename(target_p, old)
        try:
            os.rename(new_p, target_p)
        except OSError:
            os.rename(old, target_p)  # put the earlier export back as it was
            raise
    _remove_written(old)


# -- import --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileError:
    """A brat file that could not be read (or a part of it that was skipped)."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class _Ann:
    textbounds: dict[str, tuple[str, list[tuple[int, int]]]]
    events: list[tuple[str, str, list[tuple[str, str]]]]  # id, type, [(role, target)]
    attributes: dict[str, dict[str, str]]  # target -> name -> value
    notes: dict[str, list[str]]  # target -> texts
    covered: dict[str, str | None] = field(default_factory=dict)  # T id -> text column
    lines: dict[str, int] = field(default_factory=dict)  # T id -> line number


_ROLE_DIGITS = re.compile(r"\d+$")
#: Standoff lines of brat that quotes do not use (relations, normalisations, equivalences:
#: https://brat.nlplab.org/standoff.html): read past without a word; any other line that is
#: not T, E, A, M or # is not brat standoff and is said.
_OTHER_KINDS = ("R", "N")  # and "*" alone


def parse_ann(content: str) -> tuple[_Ann, list[str]]:
    """Parse the lines of a .ann file we use (T, E, A/M, #).

    Returns the annotations and one problem per line that is not brat standoff (such a
    line is skipped, the others are kept). Offsets are not checked here; see
    :func:`_check_textbounds`.
    """
    ann = _Ann({}, [], {}, {})
    problems: list[str] = []
    event_lines: dict[str, int] = {}
    for lineno, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        try:
            ident, _, rest = line.partition("\t")
            kind = ident[:1]
            first = ann.lines.get(ident) if kind == "T" else event_lines.get(ident)
            if first is not None:
                # brat ids are unique in a file: the first keeps its place and its events
                problems.append(
                    f"line {lineno}: {ident[:20]} is already defined on line {first}; "
                    "this line skipped"
                )
                continue
            if kind == "T":
                head, tab, covered = rest.partition("\t")
                label, _, locs = head.partition(" ")
                spans = []
                for loc in locs.split(";"):
                    a, b = loc.split()
                    spans.append((int(a), int(b)))
                ann.textbounds[ident] = (label, spans)
                ann.covered[ident] = covered if tab else None
                ann.lines[ident] = lineno
            elif kind == "E":
                parts = rest.split()
                etype, _, trigger = parts[0].partition(":")
                args = [tuple(p.split(":", 1)) for p in parts[1:] if ":" in p]
                ann.events.append((ident, etype, [(r, t) for r, t in args]))
                event_lines[ident] = lineno
            elif kind in ("A", "M"):
                parts = rest.split()
                value = parts[2] if len(parts) > 2 else "true"
                ann.attributes.setdefault(parts[1], {})[parts[0]] = value
            elif kind == "#":
                head, _, text = rest.partition("\t")
                parts = head.split()
                if len(parts) >= 2:
                    ann.notes.setdefault(parts[1], []).append(text)
            elif not rest or not (ident == "*" or (kind in _OTHER_KINDS and ident[1:].isdigit())):
                raise ValueError(line)
        except (ValueError, IndexError):
            problems.append(f"line {lineno} is not brat standoff: {line[:60]!r}; skipped")
    return ann, problems


def _squash(s: str) -> str:
    return " ".join(s.split())


def _fits(text: str, spans: Sequence[tuple[int, int]], covered: str | None) -> str:
    """Why ``spans`` do not fit ``text`` (with brat's text column ``covered``), or ""."""
    for a, b in spans:
        if a < 0 or b < 0:
            return f"negative offset in [{a}, {b}]"
        if b <= a:
            return f"empty or reversed span [{a}, {b}]"
        if b > len(text):
            return f"span [{a}, {b}] reaches past the end of the text ({len(text)} characters)"
    if covered is not None and _squash(covered) != _squash(" ".join(text[a:b] for a, b in spans)):
        shown = " ".join(text[a:b] for a, b in spans)
        return f"its text {covered[:40]!r} is not what the .txt has there ({shown[:40]!r})"
    return ""


def _check_textbounds(
    ann: _Ann, raw: str, norm: str, omap: Sequence[int] | None
) -> tuple[str, list[str]]:
    """Keep the text-bound annotations that fit the text; return the convention and problems.

    brat counts offsets in the ``.txt`` as it is (``\\r\\n`` is two characters), but some
    tools count them after turning CRLF into LF. Each T line's text column is compared with
    both readings; the one more lines agree with is the file's convention ("raw" or
    "normalised"). T lines that do not fit it (offsets outside the text, negative, or a text
    column that differs) are dropped with a problem, so events using them are skipped too.
    Offsets are left in normalised-text coordinates.
    """
    convention = "raw"
    if omap is not None:
        raw_votes = norm_votes = 0
        for ident, (_label, spans) in ann.textbounds.items():
            covered = ann.covered.get(ident)
            if covered is None:
                continue
            raw_votes += not _fits(raw, spans, covered)
            norm_votes += not _fits(norm, spans, covered)
        if norm_votes > raw_votes:
            convention = "normalised"
    base = norm if convention == "normalised" or omap is None else raw
    problems = []
    for ident in list(ann.textbounds):
        label, spans = ann.textbounds[ident]
        why = _fits(base, spans, ann.covered.get(ident))
        if why:
            del ann.textbounds[ident]
            problems.append(f"line {ann.lines.get(ident, '?')} ({ident}): {why}; skipped")
        elif omap is not None and convention == "raw":
            ann.textbounds[ident] = (label, [(omap[a], omap[b]) for a, b in spans])
    return convention, problems


def _text_for(ann_path: Path) -> tuple[Path | None, str | None]:
    """The .txt of an .ann (same name, or PolNeAR's text/NAME.txt), and the annotator suffix."""
    same = ann_path.with_suffix(".txt")
    if same.exists():
        return same, None
    stem = ann_path.stem
    if "_" in stem:
        base, _, suffix = stem.rpartition("_")
        for folder in (ann_path.parent, ann_path.parent.parent / "text"):
            cand = folder / f"{base}.txt"
            if cand.exists():
                return cand, suffix
    return None, None


def _normalised(raw: str) -> tuple[str, Sequence[int] | None]:
    """Normalised text and, when normalising moves offsets, the old -> new offset map."""
    norm = normalise_text(raw)
    if norm == raw:
        return norm, None
    return normalise_with_map(raw)


def _quotes_from_ann(
    ann: _Ann, text: str, annotator: str | None, idents: list[str] | None = None
) -> tuple[list[Quote], list[str]]:
    """The quotes of the Attribution events and the problems of the events skipped;
    ``idents`` (when given) gets each quote's event id, in order."""
    quotes: list[Quote] = []
    problems: list[str] = []

    def spans_of(target: str) -> list[tuple[int, int]]:
        label_spans = ann.textbounds.get(target)
        if label_spans is None:
            raise ValueError(f"refers to a missing or skipped annotation {target}")
        return label_spans[1]

    for ident, etype, args in ann.events:
        if not etype.startswith(ATTRIBUTION):
            continue
        try:
            roles: dict[str, list[tuple[int, int]]] = {SOURCE: [], CUE: [], CONTENT: []}
            for role, target in args:
                base = _ROLE_DIGITS.sub("", role)
                if base in ("Speaker",):
                    base = SOURCE
                if base in roles:
                    roles[base].extend(spans_of(target))
            if not roles[CONTENT]:
                problems.append(f"event {ident} has no Content; skipped")
                continue
            attrs = ann.attributes.get(ident, {})
            note: dict[str, Any] = {}
            free_notes = []
            for raw in ann.notes.get(ident, []):
                try:
                    parsed = load_json(raw)
                except BadJson:
                    parsed = None
                if isinstance(parsed, dict):
                    note.update(parsed)
                elif raw.strip():
                    free_notes.append(raw.strip())
            content = sorted(set(roles[CONTENT]))
            speaker = sorted(set(roles[SOURCE]))
            cue = sorted(set(roles[CUE]))
            data: dict[str, Any] = {
                "speaker_text": _default_speaker_text(text, speaker),
                "kind": attrs.get("Kind") or guess_kind(text, content),
                "stance": attrs.get("Stance") or None,
                "status": attrs.get("Status", "accepted"),
                "annotator": annotator,
                "origin": "manual",
            }
            if free_notes:
                data["note"] = "\n".join(free_notes)
            drawn = {"content_spans": content, "speaker_spans": speaker, "cue_spans": cue}
            for key, value in note.items():
                if key in drawn:
                    # exact spans are kept only while the drawn ones are untouched
                    exact = [(int(a), int(b)) for a, b in value]
                    if _split_lines(text, exact) == drawn[key]:
                        drawn[key] = exact
                else:
                    data[key] = value
            data.update({k: [list(s) for s in v] for k, v in drawn.items()})
            quotes.append(Quote.from_json(data, len(text)))
            if idents is not None:
                idents.append(ident)
        except (ValueError, TypeError, IndexError, KeyError, AttributeError) as exc:
            # one bad event (or note) costs only itself
            problems.append(f"event {ident}: {exc or type(exc).__name__}; skipped")
    return quotes, problems


def read_brat_file(ann_path: Path) -> tuple[Article, list[str]]:
    """One article from an .ann file and its text; raise ValueError when it cannot be read.

    Returns the article and the problems of single events that were skipped.
    """
    article, problems, _idents = _read_brat(ann_path)
    return article, problems


def read_brat_checked(ann_path: Path) -> tuple[Article, list[str], list[str]]:
    """:func:`read_brat_file` with the quotes checked as every import checks them
    (:func:`~annotator.core.entry_checks.check_article_row`): (article, problems, notes).
    A refused quote is a problem (``event E3: ...; skipped``), what was changed a note
    naming its event. Raises ValueError as :func:`read_brat_file` does."""
    article, problems, idents = _read_brat(ann_path)
    row = article_row(article, "")
    checked, found, refused = check_article_row(row, lambda i: f"event {idents[i]}")
    problems += [f"event {idents[i]}: {why}; skipped" for i, why in refused]
    notes = [msg if i is None else f"event {idents[i]}: {msg}" for i, msg in found]
    if checked is not row:
        article.title = checked[A_TITLE]
        article.quotes = [quote_of_row(q) for q in checked[A_QUOTES]]
    return article, problems, notes


def _read_brat(ann_path: Path) -> tuple[Article, list[str], list[str]]:
    """:func:`read_brat_file` and the event id of each quote."""
    txt_path, suffix = _text_for(ann_path)
    if txt_path is None:
        raise ValueError("no .txt file with the same name")
    try:
        raw = read_limited(txt_path).decode("utf-8")
        content = read_limited(ann_path).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    if raw.startswith("\ufeff"):  # a BOM is not part of the text brat counts offsets in
        raw = raw[1:]
    text, omap = _normalised(raw)
    ann, problems = parse_ann(content)
    _convention, bad_spans = _check_textbounds(ann, raw, text, omap)
    problems += bad_spans
    idents: list[str] = []
    quotes, event_problems = _quotes_from_ann(ann, text, suffix, idents)
    problems += event_problems
    meta: dict[str, Any] = {}
    title: Any = None
    ext_id: Any = txt_path.stem
    info_path = txt_path.with_suffix(".json")
    if info_path.exists():
        try:
            info = load_json(read_limited(info_path).decode("utf-8"))
        except (UnicodeDecodeError, BadJson) as exc:
            raise ValueError(f"{info_path.name} is not valid JSON ({exc})") from None
        if isinstance(info, dict):
            raw_meta = info.get("meta")
            meta = raw_meta if isinstance(raw_meta, dict) else {}
            title = info.get("title")
            ext_id = info.get("id", ext_id)
    article = Article.from_parts(text, title, meta, ext_id, quotes)
    return article, problems, idents


def iter_ann_files(folder: str | Path) -> Iterator[Path]:
    """The .ann files under ``folder``, walked recursively in name order (hidden skipped)."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".ann") and not name.startswith("."):
                yield Path(root) / name


@dataclass(frozen=True)
class FileNote:
    """Something the import report must say about a brat file whose article was imported."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def iter_brat(folder: str | Path) -> Iterator[Article | FileError | FileNote]:
    """Stream the articles of a brat folder; unreadable files come back as FileError, what
    the import checks changed in an article as FileNotes before it
    (:func:`read_brat_checked`)."""
    for ann_path in iter_ann_files(folder):
        try:
            article, problems, notes = read_brat_checked(ann_path)
        except (OSError, ValueError) as exc:
            yield FileError(str(ann_path), str(exc))
            continue
        if not article.text.strip():  # nothing to annotate (an empty .txt file is refused too)
            yield FileError(str(ann_path), "its .txt file is empty; the article was skipped")
            continue
        for problem in problems:
            yield FileError(str(ann_path), problem)
        for note in notes:
            yield FileNote(str(ann_path), note)
        yield article


def is_brat_folder(path: str | Path) -> bool:
    """True when ``path`` is a folder holding .ann files (at any depth)."""
    p = Path(path)
    return p.is_dir() and next(iter_ann_files(p), None) is not None
