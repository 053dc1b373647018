"""Export a project's quotes as training data: CSV, quote JSONL, Prodigy, spaCy DocBin, brat.

No Qt here: the ``export`` command and the Export dialog both call :func:`export_project`.
The export streams: quotes come out of the database ordered by article, each article's
text is read once when the article changes, and each article goes straight to the writer
of its part, so memory does not grow with the project (the DocBin writer is the exception:
spaCy's format is one object, written at the end).

Outputs are written under a temporary name beside the target and moved into place only
when complete, so a failed or cancelled export never leaves half a file, nor clobbers an
earlier export.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import random
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.core.model import (
    KINDS,
    STATUSES,
    StoredArticle,
    quote_span_problem,
    with_mention,
    with_target,
)
from annotator.core.outputs import output_problem, partial_path, write_problem
from annotator.core.wording import count_noun, plural
from annotator.io.brat import BratWriter, foreign_files, swap_in
from annotator.io.csv_export import CsvWriter
from annotator.io.docbin import LABEL_MODES, DocBinWriter
from annotator.io.export_records import ArticleWriter, ExportQuote
from annotator.io.export_target import refusal
from annotator.io.jsonl_export import QuoteJsonlWriter
from annotator.io.prodigy import ProdigyWriter
from annotator.services.people import selection_problem
from annotator.store.project import Project, SpeakerIds
from annotator.store.selection import (
    Selection,
    count_selected,
    count_unfinished_gold_reviews,
    finished_reviews,
    gold_decisions,
    has_reviews,
    iter_gold_rows,
)
from annotator.store.selection import gold_reviewers as gold_reviewers  # the Export dialog's

FORMATS: tuple[str, ...] = ("csv", "jsonl", "prodigy", "spacy", "brat")
#: File extension of each format ("" for brat, which writes a folder).
EXTENSIONS = {"csv": ".csv", "jsonl": ".jsonl", "prodigy": ".jsonl", "spacy": ".spacy", "brat": ""}
FORMAT_NAMES = {
    "csv": "CSV (one row per quote)",
    "jsonl": "Quote JSONL",
    "prodigy": "Prodigy task JSONL",
    "spacy": "spaCy DocBin (.spacy)",
    "brat": "brat standoff folder",
}
SPLIT_NAMES: tuple[str, ...] = ("train", "dev", "test")
#: Review decision written for an accepted quote the reviewer left out of the gold version.
DROPPED = "dropped"

#: progress(quotes_done, quotes_total)
Progress = Callable[[int, int], None]


class ExportError(AnnotatorError):
    """The export cannot run as asked (no gold yet, unknown annotator, bad split...)."""


class AnnotatorChoiceNeeded(ExportError):
    """Several annotators' versions of one article would go out together: say which.

    ``annotators`` are those with quotes (matching the filters) on such shared articles.
    """

    def __init__(self, annotators: Sequence[str]) -> None:
        self.annotators = list(annotators)
        super().__init__(
            f"articles of this project have versions by {len(self.annotators)} "
            f"annotators ({', '.join(self.annotators)}); exporting them together would "
            "repeat each quote: choose --gold (the reviewed versions), --annotator NAME "
            "(one annotator's), or --all-annotators (every version, each record naming its "
            "annotator; spaCy and Prodigy get one document per annotator)"
        )


@dataclass(frozen=True)
class ExportOptions:
    """What to export, where, and how to cut it."""

    format: str
    output: Path
    annotators: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ("accepted",)
    kinds: tuple[str, ...] = ()
    gold: bool = False
    split: tuple[float, ...] | None = None
    seed: int = 0
    bom: bool = False
    spacy_labels: str = "quote"
    #: export every annotator's version together, each record naming its annotator (needed
    #: when more than one annotator has quotes and neither ``gold`` nor ``annotators`` is set)
    all_annotators: bool = False


@dataclass
class PartReport:
    """One output (the whole export, or one part of a split)."""

    name: str
    path: Path
    articles: int = 0
    quotes: int = 0

    def line(self) -> str:
        label = f"{self.name}: " if self.name else ""
        counts = f"{count_noun(self.articles, 'article')}, {count_noun(self.quotes, 'quote')}"
        return f"{label}{counts} -> {self.path}"


@dataclass
class ExportReport:
    """What an export wrote."""

    format: str
    parts: list[PartReport] = field(default_factory=list)
    cancelled: bool = False
    warnings: list[str] = field(default_factory=list)
    #: quotes not written because a span lies outside their article's text: "article 12,
    #: quote 345: content span [-5, 99] starts before the text (negative offset)"
    left_out: list[str] = field(default_factory=list)

    @property
    def articles(self) -> int:
        return sum(p.articles for p in self.parts)

    @property
    def quotes(self) -> int:
        return sum(p.quotes for p in self.parts)

    def lines(self) -> list[str]:
        if self.cancelled:
            return ["Export cancelled; nothing was written."]
        out = [p.line() for p in self.parts]
        out.append(
            f"Exported {count_noun(self.quotes, 'quote')} from "
            f"{count_noun(self.articles, 'article')} "
            f"as {FORMAT_NAMES[self.format]}."
        )
        out.extend(f"warning: {w}" for w in self.warnings)
        if self.left_out:
            n = len(self.left_out)
            out.append(
                f"warning: {count_noun(n, 'quote')} left out, with a span outside the"
                " article's text (the project was changed outside the program?):"
            )
            out.extend(f"    {line}" for line in self.left_out)
        return out


# -- options -------------------------------------------------------------------------------


def parse_split(text: str) -> tuple[float, ...]:
    """``"0.8,0.1,0.1"`` -> fractions; raise ExportError unless 2 or 3 add up to 1."""
    try:
        parts = tuple(float(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise ExportError(f"--split takes fractions like 0.8,0.1,0.1, not {text!r}") from None
    check_split(parts)
    return parts


def check_split(parts: Sequence[float]) -> None:
    if len(parts) not in (2, 3):
        raise ExportError("--split takes two or three fractions (train,dev[,test])")
    if any(p < 0 for p in parts):
        raise ExportError("--split fractions cannot be negative")
    if abs(sum(parts) - 1.0) > 1e-6:
        raise ExportError(f"--split fractions must add up to 1 (these add up to {sum(parts):g})")


def split_articles(
    article_ids: Sequence[int], fractions: Sequence[float], seed: int
) -> dict[int, int]:
    """Article id -> part index: ids sorted, shuffled with ``random.Random(seed)``, cut."""
    ids = sorted(article_ids)
    random.Random(seed).shuffle(ids)
    n = len(ids)
    cuts = [round(n * sum(fractions[: i + 1])) for i in range(len(fractions))]
    cuts[-1] = n
    out: dict[int, int] = {}
    start = 0
    for part, end in enumerate(cuts):
        for ident in ids[start:end]:
            out[ident] = part
        start = max(start, end)
    return out


def part_paths(options: ExportOptions) -> list[tuple[str, Path]]:
    """(part name, output path) for each output: ``out.train.jsonl`` or ``out/train``."""
    out = Path(options.output)
    if not options.split:
        return [("", out)]
    names = SPLIT_NAMES[: len(options.split)]
    if options.format == "brat":
        return [(name, out / name) for name in names]
    suffix = out.suffix or EXTENSIONS[options.format]
    stem = out.name[: -len(out.suffix)] if out.suffix else out.name
    return [(name, out.with_name(f"{stem}.{name}{suffix}")) for name in names]


def _validate(project: Project, options: ExportOptions) -> None:
    if options.format not in FORMATS:
        raise ExportError(f"unknown format {options.format!r} (use {', '.join(FORMATS)})")
    bad = [s for s in options.statuses if s not in STATUSES]
    if bad:
        raise ExportError(f"unknown status {bad[0]!r} (use {', '.join(STATUSES)})")
    bad = [k for k in options.kinds if k not in KINDS]
    if bad:
        raise ExportError(f"unknown kind {bad[0]!r} (use {', '.join(KINDS)})")
    if options.spacy_labels not in LABEL_MODES:
        raise ExportError(f"spaCy labels must be one of {', '.join(LABEL_MODES)}")
    if options.split is not None:
        check_split(options.split)
    if options.gold and set(options.statuses) - {"accepted"}:
        raise ExportError(
            "gold quotes have no status (every reviewed quote is accepted): "
            "leave out --status with --gold"
        )
    why = selection_problem(
        project, options.annotators, options.gold, "export the annotators' versions"
    )
    if why:
        raise ExportError(why)
    project_file = Path(project.path)
    for _name, path in part_paths(options):
        for target in dict.fromkeys((path, options.output)):
            why = refusal(target, project_file)
            if why:
                raise ExportError(f"{target}: {why}; nothing was written, choose another name")
        _check_target(path, options.format == "brat")
    if not options.gold and not options.annotators and not options.all_annotators:
        shared = project.annotators_sharing_articles(
            options.statuses or None, options.kinds or None
        )
        if shared:
            raise AnnotatorChoiceNeeded(shared)


def _check_target(path: Path, folder: bool) -> None:
    if folder and path.exists() and not path.is_dir():
        raise ExportError(f"{path}: is a file; brat export writes a folder")
    # a split brat export writes OUT/train/, OUT/dev/...: OUT itself may still be new
    new_root = folder and not path.parent.exists() and path.parent.parent.is_dir()
    why = "" if new_root else output_problem(path, folder)
    if why:
        raise ExportError(f"{path}: {why}")
    foreign = foreign_files(path) if folder and path.is_dir() else []
    if foreign:
        shown = ", ".join(str(f.relative_to(path)) for f in foreign[:5])
        more = f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        raise ExportError(
            f"{path}: holds files a brat export did not write ({shown}{more}); they are "
            "never deleted: choose a new or empty folder, or move them away"
        )


# -- reading the project -------------------------------------------------------------------


def _selection(options: ExportOptions) -> Selection:
    return Selection(options.gold, options.annotators, options.statuses, options.kinds)


class _Decisions:
    """Review decisions of an article's annotations (fetched once per article)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.enabled = has_reviews(project)
        self._article: int | None = None
        self._by_source: dict[int, tuple[str, str]] = {}
        self._done: dict[str, set[str]] = {}

    def _load(self, article_id: int) -> None:
        self._article = article_id
        self._by_source = gold_decisions(self.project, article_id)
        self._done = finished_reviews(self.project, article_id)

    def of(
        self, article_id: int, annotation_id: int, annotator: str | None, status: str
    ) -> tuple[str | None, str | None]:
        """(decision, reviewer) of one annotation; ``dropped`` when a finished review left
        out an accepted quote of an annotator it compared."""
        if not self.enabled:
            return None, None
        if article_id != self._article:
            self._load(article_id)
        if annotation_id in self._by_source:
            return self._by_source[annotation_id]
        if status == "accepted":
            for reviewer, annotators in sorted(self._done.items()):
                if annotator in annotators:
                    return DROPPED, reviewer
        return None, None


def iter_export_quotes(
    project: Project, options: ExportOptions
) -> Iterator[tuple[int, ExportQuote]]:
    """(article id, quote) for every exported quote, ordered by article then position."""
    speakers = SpeakerIds(project)
    # the registry is small next to the quotes: read once, looked up per quote
    registry = {sp.id: sp for sp in project.speakers()}
    if options.gold:
        for gold in iter_gold_rows(project, _selection(options)):
            yield (
                gold.article_id,
                ExportQuote(
                    id=f"g{gold.id}",
                    quote=gold.quote,
                    speaker_id=gold.speaker_id,
                    speaker=registry.get(gold.speaker_id) if gold.speaker_id else None,
                    review_decision=gold.decision,
                    reviewer=gold.reviewer,
                    created_at=gold.created_at,
                    updated_at=gold.updated_at,
                ),
            )
        return
    decisions = _Decisions(project)
    for rec in project.iter_annotation_rows(
        options.annotators or None, options.statuses or None, options.kinds or None
    ):
        decision, reviewer = decisions.of(
            rec.article_id, rec.id, rec.quote.annotator, rec.quote.status
        )
        speaker_id = speakers(rec.quote.speaker_name)
        yield (
            rec.article_id,
            ExportQuote(
                id=str(rec.id),
                quote=rec.quote,
                speaker_id=speaker_id,
                speaker=registry.get(speaker_id) if speaker_id else None,
                review_decision=decision,
                reviewer=reviewer,
                created_at=rec.created_at,
                updated_at=rec.updated_at,
            ),
        )


# -- writing -------------------------------------------------------------------------------


def _partial(path: Path) -> Path:
    return partial_path(path)


def _make_writer(options: ExportOptions, path: Path) -> ArticleWriter:
    if options.format == "csv":
        return CsvWriter(path, bom=options.bom)
    if options.format == "jsonl":
        return QuoteJsonlWriter(path)
    if options.format == "prodigy":
        return ProdigyWriter(path)
    if options.format == "spacy":
        return DocBinWriter(path, labels=options.spacy_labels)
    return BratWriter(path)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        path.unlink()


def export_project(
    project: Project,
    options: ExportOptions,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> ExportReport:
    """Export the quotes ``options`` select; return what was written.

    Args:
        progress: called as progress(quotes_done, quotes_total), about 200 times at most.
        cancel: polled between articles; when it returns True the export stops and
            removes what it wrote (the report says ``cancelled``).

    Raises:
        ExportError: the options cannot be honoured (nothing is written then), or the
            output cannot be written (disk full, no permission: the message names the
            output, never a temporary file).
    """
    options = ExportOptions(**{**options.__dict__, "output": Path(options.output)})
    _validate(project, options)
    total, article_ids = count_selected(project, _selection(options))
    report = ExportReport(options.format)
    targets = part_paths(options)
    assign = split_articles(article_ids, options.split, options.seed) if options.split else {}
    brat = options.format == "brat"
    # brat: the whole folder (with its split parts) is built aside, then moved in place
    root_tmp = _partial(options.output) if brat else None
    if root_tmp is not None:
        _remove(root_tmp)
        root_tmp.mkdir(parents=True)
    writers: list[ArticleWriter] = []
    tmp_paths: list[Path] = []
    try:
        for name, path in targets:
            if root_tmp is not None:
                tmp = root_tmp / name if name else root_tmp
            else:
                tmp = _partial(path)
            tmp_paths.append(tmp)
            writers.append(_make_writer(options, tmp))
            report.parts.append(PartReport(name, path))
        done = 0
        step = max(1, total // 200)
        project_target = project.stance_target()
        last = 0
        if progress is not None:
            progress(0, total)
        for article_id, group in itertools.groupby(
            iter_export_quotes(project, options), key=lambda item: item[0]
        ):
            if cancel is not None and cancel():
                report.cancelled = True
                break
            article: StoredArticle = project.article(article_id)
            quotes = []
            for _, q in group:
                # a span outside the text (a project edited by hand) is never written: the
                # import would refuse the file, and a trainer would read garbage
                why = quote_span_problem(q.quote, len(article.text))
                if why is not None:
                    report.left_out.append(f"article {article_id}, quote {q.id}: {why}")
                    continue
                quote = with_target(q.quote, article.stance_target, project_target)
                quotes.append(replace(q, quote=with_mention(quote, article.text)))
            if not quotes:
                continue
            part = assign.get(article_id, 0)
            writers[part].write(article, quotes)
            report.parts[part].articles += 1
            report.parts[part].quotes += len(quotes)
            done += len(quotes)
            if progress is not None and done - last >= step:
                progress(done, total)
                last = done
        for writer in writers:
            writer.close()
    except BaseException as exc:
        for writer in writers:  # release the files (Windows cannot delete open ones)
            with contextlib.suppress(Exception):
                writer.close()
        for tmp in tmp_paths:
            _remove(tmp)
        if root_tmp is not None:
            _remove(root_tmp)
        if isinstance(exc, OSError):  # said about the user's file, not the temporary one
            raise ExportError(write_problem(options.output, exc)) from None
        raise
    if report.cancelled:
        for tmp in tmp_paths:
            _remove(tmp)
        if root_tmp is not None:
            _remove(root_tmp)
        return report
    try:
        if root_tmp is not None:
            swap_in(root_tmp, options.output)  # atomic; deletes only what an export wrote
        else:
            for tmp, (_name, path) in zip(tmp_paths, targets):
                os.replace(tmp, path)
    except OSError as exc:
        for tmp in tmp_paths:  # what was not moved into place goes
            _remove(tmp)
        if root_tmp is not None:
            _remove(root_tmp)
        raise ExportError(write_problem(options.output, exc)) from None
    if progress is not None:
        progress(done, total)
    moved = sum(int(getattr(w, "moved", 0)) for w in writers)
    if moved:
        report.warnings.append(
            f"{moved} span{'s' if moved != 1 else ''} started or ended inside a word and "
            "were widened to whole tokens, as the format requires"
        )
    if total == 0:
        report.warnings.append("no quote matched the filters; the output is empty")
    for part_report in report.parts:
        if part_report.name and part_report.articles == 0 and total:
            report.warnings.append(
                f"the {part_report.name} part is empty (too few articles to split)"
            )
    if options.gold:
        open_reviews = count_unfinished_gold_reviews(project)
        if open_reviews:
            report.warnings.append(
                f"{open_reviews} of the exported reviews "
                f"{plural(open_reviews, 'is')} not finished yet; "
                "their gold versions may be incomplete"
            )
    return report
