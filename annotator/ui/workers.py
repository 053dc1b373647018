"""Pool workers: load the spaCy pipeline and run detection off the GUI thread.

Each worker reports through a signals object living on the GUI thread (queued delivery);
detection opens its own :class:`Project` because SQLite connections never cross threads.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from annotator.core.errors import AnnotatorError


class WorkerSignals(QObject):
    """progress(done, total), finished(result), failed(message)."""

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)


class ListSignals(QObject):
    """page(generation, rows) for each page read, progress(rows read, 0), finished(generation)
    after the last, failed(message)."""

    page = Signal(int, object)
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)


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


class Task(QRunnable):
    """The one base of every pool task (detection, import, names, export, agreement).

    ``work()`` runs off the GUI thread; its result goes to ``signals.finished``. A failure
    is reported through ``signals.failed`` so a broken model, file or project never takes
    a window down: an exception of a type in ``expected`` (bad input the user can fix)
    as its message alone, any other one as ``Type: message`` with the traceback printed.
    ``cancel()`` sets an event that ``work()`` polls between units.
    """

    signals: WorkerSignals | ImportSignals | ListSignals
    expected: tuple[type[Exception], ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def work(self) -> object:
        raise NotImplementedError

    def run(self) -> None:
        try:
            result = self.work()
        except self.expected as exc:
            self.signals.failed.emit(str(exc))
            return
        except Exception as exc:
            traceback.print_exc()
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.signals.finished.emit(result)


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
    """progress(done, total, label) in abstract units, finished(report), failed(message)."""

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)


class ImportTask(Task):
    """Import ``paths`` into the project at ``path``; finished(ImportReport).

    Opens its own :class:`Project` (SQLite connections never cross threads); imported
    quotes naming nobody belong to ``annotator``.
    """

    def __init__(self, path: Path, paths: Sequence[str], annotator: str | None) -> None:
        super().__init__()
        self.path = path
        self.paths = list(paths)
        self.annotator = annotator
        self.signals = ImportSignals()

    def work(self) -> object:
        from annotator.services.importing import import_paths
        from annotator.store.project import Project

        with Project.open(self.path, create=False) as project:
            return import_paths(
                project,
                self.paths,
                annotator=self.annotator,
                progress=self.signals.progress.emit,
                cancel=self._cancel.is_set,
            )


class ListPagesTask(Task):
    """Read the article list's pages after ``after_id``, ``limit`` rows each, for
    ``annotator``; each page goes to the window by ``signals.page`` as it is read.

    The window shows the first page itself and fills the rest from here, so no list query
    runs on the GUI thread while 100,000 articles come in (issue 16). Opens its own
    read-only :class:`Project`; ``cancel()`` stops it between pages.
    """

    expected = (OSError,)

    def __init__(
        self, path: Path, annotator: str, after_id: int, limit: int, generation: int
    ) -> None:
        super().__init__()
        self.path = path
        self.annotator = annotator
        self.after_id = after_id
        self.limit = limit
        self.generation = generation
        self.list_signals = self.signals = ListSignals()
        self._taken = threading.Semaphore(0)

    def page_taken(self) -> None:
        """The window has shown the last page sent: the next one may be read. One page at a
        time is in flight, so the GUI thread never has a queue of pages to append while
        the analyst works (at 100,000 articles: 200 pages)."""
        self._taken.release()

    def cancel(self) -> None:
        super().cancel()
        self._taken.release()

    def work(self) -> object:
        from annotator.store import queries
        from annotator.store.project import Project

        after, read = self.after_id, 0
        with Project.open(self.path, create=False, readonly=True) as project:
            while not self.cancelled:
                if read:
                    self._taken.acquire()
                    if self.cancelled:
                        break
                rows = queries.article_page(project, self.annotator, after, self.limit)
                if not rows:
                    break
                self.list_signals.page.emit(self.generation, rows)
                read += len(rows)
                self.list_signals.progress.emit(read, 0)
                after = rows[-1].id
                if len(rows) < self.limit:
                    break
        return self.generation


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
        from annotator.store.project import Project

        with Project.open(self.path, create=False, readonly=True) as project:
            return self.generation, project.stance_targets_used()
