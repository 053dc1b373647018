"""Pool workers: load the spaCy pipeline and run detection off the GUI thread.

Each worker reports through a signals object living on the GUI thread (queued delivery);
detection opens its own :class:`Project` because SQLite connections never cross threads.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from annotator.core.errors import AnnotatorError, Stopped
from annotator.core.throttle import Throttle
from annotator.services.import_process import ImportProcessError
from annotator.store.db import is_damage, was_interrupted

if TYPE_CHECKING:
    from annotator.store.project import Project


class WorkerSignals(QObject):
    """progress(done, total), finished(result), failed(message), stopped() (cancelled
    before its end: no result, no error)."""

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)
    stopped = Signal()


class ReportSignals(WorkerSignals):
    """:class:`WorkerSignals` and counted(result): a quote summary's figures, sent
    before its charts (:class:`ReportTask`)."""

    counted = Signal(object)


def signals_gone(exc: BaseException) -> bool:
    """``exc`` is what emitting a signal of an already deleted QObject raises
    (RuntimeError "Signal source has been deleted")."""
    return isinstance(exc, RuntimeError) and "has been deleted" in str(exc)


class PipelineLoader:
    """Loads ``model`` through the product's pipeline factory (imported lazily); calling it
    gives (nlp, info). Unlike any other loader, what it loads can be loaded again by name
    in a child process, so the window runs the pipeline there
    (:class:`~annotator.ui.controllers.model_process.ModelProcess`)."""

    def __init__(self, model: str | None) -> None:
        self.model = model

    def __call__(self) -> tuple[Any, Any]:
        from annotator.nlp.pipeline import load_pipeline

        return load_pipeline(self.model)


def default_loader(model: str | None) -> Callable[[], tuple[Any, Any]]:
    """A loader for ``model`` through the product's pipeline factory (imported lazily)."""
    return PipelineLoader(model)


#: How much lower than the window's the scheduling priority of a background task's thread
#: is (Linux nice steps): a project-wide read (the totals, a sort or filter of 100,000
#: articles: seconds of CPU) must not take a core from the window on a loaded machine.
BACKGROUND_NICE = 10


def lower_thread_priority(step: int = BACKGROUND_NICE) -> int | None:
    """Make the calling thread ``step`` nice levels lower than the process's main thread
    (at most 19); a thread already that low stays as it is. Linux only (a thread's nice
    value is its own there); returns the thread's nice value, None elsewhere or when the
    system refuses."""
    if sys.platform != "linux":
        return None
    try:
        tid = threading.get_native_id()
        want = min(19, os.getpriority(os.PRIO_PROCESS, os.getpid()) + step)
        if os.getpriority(os.PRIO_PROCESS, tid) < want:
            os.setpriority(os.PRIO_PROCESS, tid, want)
        return os.getpriority(os.PRIO_PROCESS, tid)
    except OSError:
        return None


class Task(QRunnable):
    """The one base of every pool task (detection, import, names, export, agreement).

    ``work()`` runs off the GUI thread; its result goes to ``signals.finished``. A failure
    is reported through ``signals.failed`` so a broken model, file or project never takes
    a window down: an exception of a type in ``expected`` (bad input the user can fix)
    as its message alone, any other one as ``Type: message`` with the traceback printed.
    ``cancel()`` sets an event that ``work()`` polls between units, and interrupts the
    statement under way on the project :meth:`reading` opened (issue 16: a 10-second
    query of a 100,000-article project must not hold the window's closing). Work that
    ends because it was cancelled (:class:`Stopped`, or SQLite's "interrupted") emits
    ``signals.stopped``: no result and no error message.
    """

    signals: WorkerSignals | ImportSignals
    expected: tuple[type[Exception], ...] = ()
    #: Run at a lower priority than the window (:func:`lower_thread_priority`): for the
    #: project-wide reads of the list pool, whose threads run nothing else.
    background = False

    def __init__(self) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._reading: Project | None = None

    def cancel(self) -> None:
        """Ask the work to stop; a read of :meth:`reading` stops at once (from any thread)."""
        self._cancel.set()
        with self._lock:
            if self._reading is not None:
                self._reading.interrupt()

    @contextmanager
    def reading(self, path: Path) -> Iterator[Project]:
        """The project at ``path`` opened read-only for this task's work (its own
        connection) and closed after: :meth:`cancel` interrupts its statement under way,
        and a statement started after the cancel stops within a few milliseconds
        (:meth:`Project.stop_when`). Raises :class:`Stopped` when cancelled before it
        opens."""
        from annotator.store.project import Project

        if self.cancelled:
            raise Stopped("cancelled before it started")
        project = Project.open(path, create=False, readonly=True)
        project.stop_when(self._cancel.is_set)
        with self._lock:
            self._reading = project
        try:
            yield project
        finally:
            with self._lock:
                self._reading = None
            project.close()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def work(self) -> object:
        raise NotImplementedError

    def run(self) -> None:
        if self.background:
            lower_thread_priority()
        try:
            result = self.work()
        except Exception as exc:
            if signals_gone(exc):
                return  # the app quit while this ran (a progress emit found no signals)
            if isinstance(exc, Stopped) or (self.cancelled and was_interrupted(exc)):
                self._stopped()
            elif isinstance(exc, self.expected):
                self._tell("failed", str(exc))
            elif is_damage(exc):  # the project file is damaged: said, no traceback
                self._tell("failed", f"the project file is damaged (SQLite: {exc})")
            else:
                traceback.print_exc()
                self._tell("failed", f"{type(exc).__name__}: {exc}")
            return
        self._tell("finished", result)

    def _tell(self, name: str, *args: object) -> None:
        """Emit ``signals.<name>(*args)``, unless the signals object is already deleted:
        the application quit while this task ran and nobody is left to tell (Qt deletes
        it with the application; emitting then raises RuntimeError "Signal source has
        been deleted", which would be printed from the pool thread at every quit)."""
        try:
            getattr(self.signals, name).emit(*args)
        except RuntimeError as exc:
            if not signals_gone(exc):
                raise

    def _stopped(self) -> None:
        if getattr(self.signals, "stopped", None) is not None:
            self._tell("stopped")
        else:  # a signals class without it: a quiet failure
            self._tell("failed", "stopped")


class ModelLoadTask(Task):
    """Load the pipeline; finished((nlp, info)). A model the user chose that cannot be
    loaded (:class:`~annotator.core.errors.AnnotatorError`) fails with its message alone."""

    expected = (AnnotatorError,)

    def __init__(self, loader: Callable[[], tuple[Any, Any]]) -> None:
        super().__init__()
        self.loader = loader
        self.signals = WorkerSignals()

    def work(self) -> object:
        return self.loader()


class DetectTask(Task):
    """Detect quotes in ``article_ids`` of the project at ``path``; finished(n_done).

    With ``article_ids`` None the task itself asks the project which articles the current
    detector version has not run on (a project-wide query, so never on the GUI thread);
    ``article_ids`` is set before the first ``progress(0, total)`` is emitted. The articles
    the detector skipped are in ``skipped`` ((article id, title, reason)) once it finished.
    """

    def __init__(self, path: Path, nlp: Any, article_ids: Sequence[int] | None = None) -> None:
        super().__init__()
        self.path = path
        self.nlp = nlp
        self.article_ids: list[int] = [] if article_ids is None else list(article_ids)
        self._find = article_ids is None
        self.skipped: list[tuple[int, str, str]] = []
        self.signals = WorkerSignals()

    def work(self) -> object:
        from annotator.services.detection import articles_to_detect, detect_articles
        from annotator.store.project import Project

        with Project.open(self.path, create=False) as project:
            if self._find:
                self.article_ids = articles_to_detect(project)

            def skip(article_id: int, reason: str) -> None:
                self.skipped.append((article_id, project.article(article_id).title, reason))

            return detect_articles(
                project,
                self.nlp,
                self.article_ids,
                progress=self.signals.progress.emit,
                cancel=self._cancel.is_set,
                on_skip=skip,
            )


class NamesTask(Task):
    """Find an article's PERSON/ORG names with ``parse``; finished((article_id, names)).

    The parse is the slow part (a trained pipeline over a long article), so it runs here,
    never on the GUI thread; the window caches the result per article.
    """

    def __init__(self, parse: Callable[[str], Any], article_id: int, text: str) -> None:
        super().__init__()
        self.parse = parse
        self.article_id = article_id
        self.text = text
        self.signals = WorkerSignals()

    def work(self) -> object:
        from annotator.services.names import entity_names

        return (self.article_id, entity_names(self.text, self.parse))


class ImportSignals(QObject):
    """progress(done, total, label) in abstract units, finished(report), failed(message),
    stopped()."""

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)
    stopped = Signal()


#: Shortest time (seconds) between two progress signals of an import. The import steps
#: once per line of a JSONL file; a file of 50,000 refused lines sent 50,000 queued signals
#: in a second, and the GUI thread then spent 5-12 s redrawing the bar and the status line
#: (tester18 T3). Twenty updates a second is as smooth as a bar looks.
PROGRESS_INTERVAL_S = 0.05


class ImportTask(Task):
    """Import ``paths`` into the project at ``path``; finished(ImportReport).

    Opens its own :class:`Project` (SQLite connections never cross threads); imported
    quotes naming nobody belong to ``annotator``. Progress is sent at most every
    :data:`PROGRESS_INTERVAL_S`, and always at the end. With
    :attr:`in_child` (the default) the import runs in a child process
    (:mod:`annotator.services.import_process`) and this thread only relays its progress
    and cancel: in this thread its Python work held the interpreter lock the window needs
    for each key (issue 16).
    """

    in_child = True
    expected = (ImportProcessError,)  # its message says the child's error type already

    def __init__(
        self,
        path: Path,
        paths: Sequence[str],
        annotator: str | None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """``clock``: the seconds the progress throttle reads (``time.monotonic`` when
        None; tests give their own)."""
        super().__init__()
        self.path = path
        self.paths = list(paths)
        self.annotator = annotator
        self.signals = ImportSignals()
        self._throttle = (
            Throttle(PROGRESS_INTERVAL_S) if clock is None else Throttle(PROGRESS_INTERVAL_S, clock)
        )
        #: the import's child process while it runs (see :meth:`abandon`)
        self._child: subprocess.Popen[bytes] | None = None
        self._abandoned = False
        self._child_lock = threading.Lock()

    def _child_started(self, proc: subprocess.Popen[bytes]) -> None:
        with self._child_lock:
            self._child = proc
            late = self._abandoned
        if late:  # abandoned while the child was starting
            self._kill(proc)

    @staticmethod
    def _kill(proc: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(OSError):
            proc.kill()

    def abandon(self) -> None:
        """The window closes: stop the import now, from any thread, without waiting
        for it. The child process is killed at once rather than told to stop at its next
        group (that cost Ctrl+Q 0.63-0.69 s on the GUI thread, tester19): the groups it
        committed stay in the project (each is one transaction with its change-log row),
        the group under way is rolled back by SQLite as after any crash. This thread then
        ends within milliseconds (the child's pipe closes). In-process imports are only
        cancelled (they stop at their next group)."""
        self.cancel()
        with self._child_lock:
            self._abandoned = True
            proc = self._child
        if proc is not None:
            self._kill(proc)

    def _progress(self, done: int, total: int, label: str) -> None:
        """Send progress(done, total, label) unless one was sent less than
        :data:`PROGRESS_INTERVAL_S` ago (the end is always sent). A new file's name waits
        too: 20,000 small files sent 40,000 signals when each was sent at once (tester19
        N3)."""
        if self._throttle.due(done, total):
            self.signals.progress.emit(done, total, label)

    def work(self) -> object:
        from annotator.services.importing import WINDOW_OPEN_COMMIT_INTERVAL_S, import_paths
        from annotator.store.project import Project

        if self.in_child:
            from annotator.services.import_process import import_in_child

            try:
                return import_in_child(
                    self.path,
                    self.paths,
                    self.annotator,
                    self._progress,
                    self._cancel.is_set,
                    WINDOW_OPEN_COMMIT_INTERVAL_S,
                    self._child_started,
                )
            except (OSError, ImportProcessError) as exc:
                if self._abandoned:  # killed by abandon(): no error to tell
                    raise Stopped("the window closed during the import") from exc
                raise
        with Project.open(self.path, create=False) as project:
            # short groups: a key of the window waits for the group under way
            report = import_paths(
                project,
                self.paths,
                annotator=self.annotator,
                progress=self._progress,
                cancel=self._cancel.is_set,
                commit_interval=WINDOW_OPEN_COMMIT_INTERVAL_S,
            )
        report.keep_lines()  # grouped on this thread, not the window's
        return report


class ListOrderTask(Task):
    """Every article id in the list's order by ``column`` (see
    :func:`annotator.store.queries.article_order`) and the annotator's statuses;
    finished((generation, (column, descending), ids, statuses)). A project-wide read, so
    the window asks it here (issue 16); opens its own read-only :class:`Project`."""

    expected = (OSError,)
    background = True  # a project-wide read on the list pool

    def __init__(
        self, path: Path, annotator: str, column: int, descending: bool, generation: int
    ) -> None:
        super().__init__()
        self.path, self.annotator = path, annotator
        self.key = (column, descending)
        self.generation = generation
        self.signals = WorkerSignals()

    def work(self) -> object:
        from annotator.store import queries

        with self.reading(self.path) as project:
            ids = queries.article_order(project, self.annotator, *self.key)
            statuses = queries.article_statuses(project, self.annotator)
        return self.generation, self.key, ids, statuses


class ListRowsTask(Task):
    """The article list's rows of ``ids`` (one page, :func:`queries.article_rows_for`);
    finished((generation, rows))."""

    expected = (OSError,)

    def __init__(self, path: Path, annotator: str, ids: list[int], generation: int) -> None:
        super().__init__()
        self.path, self.annotator, self.ids, self.generation = path, annotator, ids, generation
        self.signals = WorkerSignals()

    def work(self) -> object:
        from annotator.store import queries

        with self.reading(self.path) as project:
            return self.generation, queries.article_rows_for(project, self.annotator, self.ids)


class ListSearchTask(Task):
    """The ids of the articles whose title or text hold ``words``
    (:meth:`Project.search_articles`: the full-text index of the whole project, up to a
    fifth of a second at 100,000 articles); finished((generation, words, ids))."""

    expected = (OSError,)

    def __init__(self, path: Path, words: str, generation: int) -> None:
        super().__init__()
        self.path, self.words, self.generation = path, words, generation
        self.signals = WorkerSignals()

    def work(self) -> object:

        with self.reading(self.path) as project:
            return self.generation, self.words, set(project.search_articles(self.words))


class TotalsTask(Task):
    """The annotator's progress over the project (:func:`queries.totals`: 0.1 s at 100,000
    articles from the summaries, seconds when they wait for a refresh); finished((generation,
    Totals))."""

    expected = (OSError,)
    background = True  # a project-wide read on the list pool

    def __init__(self, path: Path, annotator: str, generation: int) -> None:
        super().__init__()
        self.path, self.annotator, self.generation = path, annotator, generation
        self.signals = WorkerSignals()

    def work(self) -> object:
        from annotator.store import queries

        with self.reading(self.path) as project:
            return self.generation, queries.totals(project, self.annotator)


class ListFilterTask(Task):
    """The ids one "Show" filter keeps (:func:`queries.filter_article_ids`, a project-wide
    query); finished((generation, ids)). A value the filter cannot use fails with the
    message alone."""

    expected = (OSError, ValueError)
    background = True  # a project-wide read on the list pool

    def __init__(
        self,
        path: Path,
        annotator: str,
        name: str,
        value: str,
        generation: int,
        only: list[int] | None = None,
    ) -> None:
        super().__init__()
        self.path, self.annotator = path, annotator
        self.name, self.value, self.generation = name, value, generation
        #: ask about these articles alone (None: the project)
        self.only = only
        self.signals = WorkerSignals()

    def work(self) -> object:
        from annotator.store import queries

        with self.reading(self.path) as project:
            if self.only is None:
                ids = queries.filter_article_ids(project, self.annotator, self.name, self.value)
            else:
                ids = queries.filter_article_ids(
                    project, self.annotator, self.name, self.value, only=self.only
                )
        return self.generation, ids


class TargetsTask(Task):
    """Every stance target used in the project at ``path``; finished((generation, targets)).

    The article part of that query reads every article row (no index on the column), a
    few seconds at 100,000 articles, so the window asks it here (issue 16).
    """

    expected = (OSError,)

    def __init__(self, path: Path, generation: int) -> None:
        super().__init__()
        self.path = path
        self.generation = generation
        self.signals = WorkerSignals()

    def work(self) -> object:

        with self.reading(self.path) as project:
            return self.generation, project.stance_targets_used()


class CallTask(Task):
    """Run ``call()`` (no arguments; file reading and such, no Qt); finished(its result).
    A failure of a type in ``expected`` (OSError unless the caller sets more) is
    reported as its message alone."""

    expected: tuple[type[Exception], ...] = (OSError,)

    def __init__(self, call: Callable[[], object]) -> None:
        super().__init__()
        self.call = call
        self.signals = WorkerSignals()

    def work(self) -> object:
        return self.call()


class SuggestionsTask(Task):
    """Read the suggestions of article ``article_id`` (:meth:`Project.suggestions`) off the
    GUI thread, and builds its items from them and ``annotator``'s annotations;
    finished((article_id, list of SuggestionRecord, LateItems)). An article with 20,000
    suggestions took 0.23 s of the window's thread to read (tester18 T8)."""

    expected = (OSError,)

    def __init__(
        self, path: Path, article_id: int, annotator: str, length: int, min_confidence: float
    ) -> None:
        super().__init__()
        self.path, self.article_id, self.annotator = path, article_id, annotator
        self.length, self.min_confidence = length, min_confidence
        self.signals = WorkerSignals()

    def work(self) -> object:
        from annotator.services.session import LateItems, item_set_of

        aid = self.article_id
        with self.reading(self.path) as project:
            rows = project.suggestions(aid)
            mine = project.annotations(aid, self.annotator)
        if self.cancelled:
            raise Stopped("another article was opened")
        # the items too (0.07 s of the window's thread at 20,000 quotes)
        items, bad = item_set_of(self.length, rows, mine, self.min_confidence)
        return aid, rows, LateItems(mine, items, bad, self.min_confidence)


class ReadTask(Task):
    """Run ``call(project)`` on the project at ``path``, opened read-only by
    :meth:`Task.reading` (so :meth:`cancel` interrupts its statement under way);
    finished(its result). A failure of a type in ``expected`` is reported as its message
    alone."""

    expected: tuple[type[Exception], ...] = (OSError,)

    def __init__(self, path: Path, call: Callable[[Project], object]) -> None:
        super().__init__()
        self.path, self.call = path, call
        self.signals = WorkerSignals()

    def work(self) -> object:
        with self.reading(self.path) as project:
            return self.call(project)


#: A project file (with its -wal) smaller than this is counted in the window's own process
#: (a pool thread) rather than a child: a child's start (the interpreter, Qt, matplotlib)
#: took 2-8 s on a loaded machine before the summary of a two-quote project appeared
#: (tester20 U6), while the interpreter-lock stalls a child avoids are counted in seconds
#: only from about 10,000 articles (190 MB); 32 MB is about 1,500 articles.
CHILD_FROM_BYTES = 32 * 1024 * 1024


def worth_a_child(path: Path) -> bool:
    """True when the project at ``path`` is big enough for a project-wide count in a child
    process (:data:`CHILD_FROM_BYTES`); True when its size cannot be read (the child then
    says why)."""
    try:
        size = path.stat().st_size
        wal = path.with_name(path.name + "-wal")
        size += wal.stat().st_size if wal.exists() else 0
    except OSError:
        return True
    return size >= CHILD_FROM_BYTES


class ReportTask(Task):
    """Count the quote summary of ``source`` in the project at ``path``
    (:func:`annotator.services.report.build_report`, 35-40 s for one annotator's 970,000
    quotes at 100,000 articles) and draw a PNG bar chart per dimension that has rows;
    finished((generation, report, charts, counts)) with charts dimension -> PNG bytes,
    titled from ``titles``. A cancelled task finishes with report None. Before the charts
    are drawn, counted((generation, report, counts)) sends the figures: the first chart
    of a process waits for matplotlib's import, about 2 s at load (verify21 U6).

    With ``source`` None the task first counts every annotator's accepted quotes
    (``counts``, name -> count; else None) and summarises the default one
    (:func:`~annotator.services.report.default_person` of ``me``: never an annotator with no
    quote while someone has some; gold when nobody has any).

    The counting runs in a child process
    (:func:`~annotator.services.report.summary_in_child`, its own read-only
    connection): in a thread of the window's process it held the interpreter lock beside
    the GUI thread, which stood still 200-480 ms at a time at 100,000 articles (tester18
    T6); a cancel kills the child. A small project (:func:`worth_a_child` False) and
    ``in_child`` False count in this thread (tests that hold the count).
    """

    signals: ReportSignals
    expected = (OSError, AnnotatorError)
    background = True  # a project-wide read
    in_child = True

    def __init__(
        self,
        path: Path,
        source: Any,
        titles: dict[str, str],
        generation: int,
        me: str | None = None,
    ) -> None:
        super().__init__()
        self.path, self.source, self.titles = path, source, titles
        self.generation, self.me = generation, me
        self.signals = ReportSignals()

    def _counted(self, report: Any, counts: Any) -> None:
        if not self.cancelled:
            self._tell("counted", (self.generation, report, counts))

    def work(self) -> object:
        from annotator.services.child_call import call_in_child
        from annotator.services.report import count_summary

        if self.cancelled:
            return self.generation, None, {}, None
        try:
            if self.in_child and worth_a_child(self.path):
                source = None
                if self.source is not None:
                    source = {"annotator": self.source.annotator, "gold": self.source.gold}
                args = {
                    "path": str(self.path),
                    "source": source,
                    "titles": self.titles,
                    "me": self.me,
                }
                report, charts, counts = call_in_child(
                    "annotator.services.report:summary_in_child",
                    args,
                    progress=lambda _done, _total, *counted: self._counted(*counted),
                    cancelled=self._cancel.is_set,
                )
            else:
                with self.reading(self.path) as project:
                    report, charts, counts = count_summary(
                        project,
                        self.source,
                        self.titles,
                        self.me,
                        self._cancel.is_set,
                        counted=self._counted,
                    )
        except Exception as exc:
            if isinstance(exc, Stopped) or (self.cancelled and was_interrupted(exc)):
                return self.generation, None, {}, None
            raise
        self.source = report.source
        return self.generation, report, charts, counts


#: Tasks started on a shared pool whose window may close before they end: a pool runnable
#: must outlive its run, and a window that closes cancels its task without waiting (the
#: agreement of a 100,000-article project takes a minute). See :func:`keep_alive`.
RUNNING: set[Task] = set()


def keep_alive(task: Task) -> Task:
    """Hold ``task`` in :data:`RUNNING` until it finishes or fails; returns it."""
    RUNNING.add(task)
    task.signals.finished.connect(lambda _r, t=task: RUNNING.discard(t))
    task.signals.failed.connect(lambda _m, t=task: RUNNING.discard(t))
    if isinstance(task.signals, WorkerSignals):
        task.signals.stopped.connect(lambda t=task: RUNNING.discard(t))
    return task


class PeopleTask(ReadTask):
    """Every annotator of the project at ``path`` with their count of annotations of
    ``status`` (:meth:`Project.annotation_counts`, a project-wide read);
    finished(dict name -> count). A :class:`ReadTask` with that one call."""

    def __init__(self, path: Path, status: str | None = "accepted") -> None:
        super().__init__(path, lambda project: project.annotation_counts(status))
        self.status = status


class SpeakersLoadTask(Task):
    """The speaker registry with counts, most quoted first
    (:func:`~annotator.services.speakers.speaker_stats`), and the probable duplicates
    (:func:`~annotator.services.speakers.suggest_merges`); finished((generation, stats,
    suggestions)). Both read every quote with a speaker (about a second at 100,000
    articles), so they run here, through :meth:`Task.reading`."""

    expected = (OSError, AnnotatorError)

    def __init__(self, path: Path, generation: int) -> None:
        super().__init__()
        self.path, self.generation = path, generation
        self.signals = WorkerSignals()

    def work(self) -> object:
        from annotator.services.speakers import speaker_stats, suggest_merges

        with self.reading(self.path) as project:
            stats = speaker_stats(project)
            merges = [] if self.cancelled else suggest_merges(project)
        return self.generation, stats, merges


class TaskRunner:
    """Runs tasks on a pool of its own (``threads`` threads, child of ``parent``) and hands
    each result to ``done(result)`` or ``failed(message)`` on the GUI thread, unless the
    runner was closed meanwhile; a task cancelled before its end calls ``stopped()``
    instead (when given). Holds the tasks it runs until they end."""

    def __init__(self, parent: QObject, threads: int = 1) -> None:
        self.pool = QThreadPool(parent)
        self.pool.setMaxThreadCount(threads)
        self._tasks: list[Task] = []
        self._stopped: dict[int, Callable[[], None]] = {}
        self.closed = False

    def start(
        self,
        task: Task,
        done: Callable[[object], None],
        failed: Callable[[str], None],
        stopped: Callable[[], None] | None = None,
    ) -> None:
        def ended() -> bool:
            if task in self._tasks:
                self._tasks.remove(task)
            self._stopped.pop(id(task), None)
            return not self.closed

        def finish(result: object) -> None:
            if ended():
                done(result)

        def fail(message: str) -> None:
            if ended():
                failed(message)

        def stop() -> None:
            if ended() and stopped is not None:
                stopped()

        task.signals.finished.connect(finish)
        task.signals.failed.connect(fail)
        task.signals.stopped.connect(stop)
        self._stopped[id(task)] = stop
        self._tasks.append(task)
        self.pool.start(task)

    def busy(self) -> bool:
        """True while a task started here has not ended."""
        return bool(self._tasks)

    def cancel(self, task: Task) -> None:
        """Stop ``task``: taken off the queue when it has not started (its ``stopped()``
        is called now), else its statement under way is interrupted (``stopped()`` comes
        when its thread has let go, within milliseconds)."""
        if task not in self._tasks:
            return
        task.cancel()
        if self.pool.tryTake(task):
            stop = self._stopped.get(id(task))
            if stop is not None:
                stop()

    def cancel_all(self) -> None:
        """Ask every task under way or waiting to stop (each ends with ``stopped()``,
        unless its answer was on its way already)."""
        for task in list(self._tasks):
            self.cancel(task)

    def close(self) -> None:
        """No more answers: the tasks waiting never start, the ones under way are
        interrupted and their results dropped. Nobody waits for them (each has its own
        connection); the pool, a child of ``parent``, waits for them when it is deleted."""
        self.closed = True
        self.cancel_all()
        self.pool.clear()


class ReviewLoadTask(Task):
    """The review window's choice and list: the annotators with counted quotes and their
    counts (``available``, name -> count, by name), the ones compared (``annotators``, or
    the first two when None) and the ids of the articles to review for them (ascending);
    finished((generation, available, compared, ids)). Both reads go over the whole project
    (about 2 s at 100,000 articles), so they run here; opens its own read-only
    :class:`Project`."""

    expected = (OSError,)
    background = True  # project-wide reads

    def __init__(
        self, path: Path, reviewer: str, annotators: Sequence[str] | None, generation: int
    ) -> None:
        super().__init__()
        self.path, self.reviewer = path, reviewer
        self.annotators = None if annotators is None else list(annotators)
        self.generation = generation
        self.signals = WorkerSignals()

    def work(self) -> object:
        from annotator.services.adjudication import COUNTED_STATUS, ReviewSession

        with self.reading(self.path) as project:
            session = ReviewSession(project, self.reviewer)
            # those with a counted quote (ReviewSession.available_annotators), with the count
            counts = project.annotation_counts(COUNTED_STATUS)
            available = {name: n for name, n in counts.items() if n > 0}
            wanted = list(available)[:2] if self.annotators is None else self.annotators
            names = [n for n in available if n in wanted]
            session.set_annotators(names)
            ids = [] if self.cancelled else session.article_ids()
        return self.generation, available, names, ids


class ReviewLabelsTask(Task):
    """The review list's labels of ``ids`` (one page,
    :meth:`~annotator.services.adjudication.ReviewSession.labels`) comparing
    ``annotators``; finished((generation, labels))."""

    expected = (OSError,)

    def __init__(
        self, path: Path, reviewer: str, annotators: Sequence[str], ids: list[int], generation: int
    ) -> None:
        super().__init__()
        self.path, self.reviewer, self.annotators = path, reviewer, list(annotators)
        self.ids, self.generation = ids, generation
        self.signals = WorkerSignals()

    def work(self) -> object:
        from annotator.services.adjudication import ReviewSession

        if self.cancelled:
            return self.generation, []
        with self.reading(self.path) as project:
            session = ReviewSession(project, self.reviewer, self.annotators)
            return self.generation, session.labels(self.ids)
