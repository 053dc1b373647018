"""Load the spaCy pipeline and detect quotes in new articles, off the GUI thread."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.core.wording import count_noun
from annotator.services.names import entities_only, has_entities
from annotator.store.db import says_damage
from annotator.store.project import Project
from annotator.ui.controllers.model_process import ModelProcess
from annotator.ui.report_box import report_box
from annotator.ui.screen import can_show_windows
from annotator.ui.workers import DetectTask, ModelLoadTask, PipelineLoader

REPORT_TITLE = "Detection report"
#: Times a detection process that ended unasked is started again in one window session.
MAX_RESTARTS = 2


@dataclass(frozen=True)
class LoadedModel:
    """What the model process loaded (the fields of :class:`annotator.nlp.pipeline.ModelInfo`,
    without importing that module: it imports spaCy, seconds of work on the GUI thread)."""

    name: str
    rules_only: bool
    message: str


@dataclass(frozen=True)
class RedetectSummary:
    """What a re-detection in the process did (the figures of ``RedetectReport`` the
    window shows)."""

    articles: int
    added: int


class ProcessRun:
    """A detection running in the model process, seen as a task: the ids it has stored so
    far (chunk by chunk), the articles it skipped, whether it was cancelled."""

    nlp: Any = None

    def __init__(self, process: ModelProcess) -> None:
        self.process = process
        self.article_ids: list[int] = []
        self.skipped: list[tuple[int, str, str]] = []
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True
        self.process.cancel()


class DetectionController(QObject):
    """Owns the pipeline and the detection task; the window shows what its signals say.

    Signals:
        model_state(text, tooltip): the status-bar text for the model.
        message(text, ms): a passing status-bar message.
        info(text): a lasting status-bar note (articles the detector skipped).
        names_parser(parse): the model can find PERSON/ORG names with ``parse``.
        running(total): detection started on ``total`` articles (0: it stopped).
        progress(done, total): articles detected so far.
        articles_detected(ids): these articles now have suggestions.
        finished(): a run ended (done, cancelled or failed); anything may have changed.
        can_detect(enabled): whether "Detect quotes in new articles" may be offered.
    """

    model_state = Signal(str, str)
    message = Signal(str, int)
    info = Signal(str)
    names_parser = Signal(object)
    running = Signal(int)
    progress = Signal(int, int)
    articles_detected = Signal(list)
    finished = Signal()
    can_detect = Signal(bool)
    #: The detection process loaded a pipeline whose suggestions carry this version (a
    #: trained model's name@hash8 included).
    detector_loaded = Signal(str)
    redetect_progress = Signal(int, int)
    #: The re-detection in the process ended: an object with ``articles`` and ``added``.
    redetected = Signal(object)
    redetect_failed = Signal(str)

    def __init__(
        self,
        project: Project,
        project_path: Path,
        pool: QThreadPool,
        loader: Callable[[], tuple[Any, Any]],
        readonly: bool,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.project_path = project_path
        self.pool = pool
        self.readonly = readonly
        self.nlp: Any = None
        self.model_info: Any = None
        self.task: DetectTask | ProcessRun | None = None
        self._loader = loader
        #: The pipeline in a child process (with the product's loader): it detects and
        #: finds names there, so spaCy never holds this process's interpreter lock.
        self.process: ModelProcess | None = None
        self._local_task: ModelLoadTask | None = None
        self._local_nlp: Any = None
        self._model_task: ModelLoadTask | None = None
        self._seen = 0
        self._total = 0
        self._restarts = 0
        #: What the model process was started with ("": the default order).
        self.process_model = ""
        #: The folder of the trained detector chosen in the project (None: the base
        #: model); set by the window, read when the process starts.
        self.chosen_model: Callable[[], str | None] = lambda: None
        self._redetect_pending = False
        self.redetecting = False
        self._auto = False
        self._again = False
        self.closing = False
        #: (article id, title, reason) of every article the detector skipped this session
        self.skipped: list[tuple[int, str, str]] = []
        self.report_box: QMessageBox | None = None

    # -- the model ---------------------------------------------------------------------------

    def load_model(self) -> None:
        """Load the pipeline (in a child process with the product's loader, else in the
        pool); then detect new articles."""
        if self._model_task is not None or self.process is not None or self.closing:
            return
        self.model_state.emit("Model: loading…", "")
        if isinstance(self._loader, PipelineLoader):
            self._start_process(self._model_arg(self.chosen_model()))
            return
        task = ModelLoadTask(self._loader)
        task.signals.finished.connect(self._model_loaded)
        task.signals.failed.connect(self._model_failed)
        self._model_task = task
        self.pool.start(task)

    def _model_loaded(self, result: object) -> None:
        if self.closing:  # delivered after the window closed the project
            return
        pair: tuple[Any, Any] = result  # type: ignore[assignment]
        self.nlp, self.model_info = pair
        self._announce_model(self.model_info)
        if not bool(getattr(self.model_info, "rules_only", False)) and has_entities(self.nlp):
            self.names_parser.emit(entities_only(self.nlp))
        self.can_detect.emit(not self.readonly)
        self.start(auto=True)

    def _announce_model(self, info: Any) -> None:
        rules = bool(getattr(info, "rules_only", False))
        message = str(getattr(info, "message", ""))
        name = str(getattr(info, "name", "model"))
        if Path(name).is_absolute():
            # a trained model loaded by its folder: the folder's name, the path in the tip
            # (a whole path pushed the status bar's message down to a few characters)
            message = f"{name}\n{message}" if message else name
            name = Path(name).name
        text = "Model: rules-only mode (no trained English model installed)"
        self.model_state.emit(text if rules else f"Model: {name}", message)
        if rules:
            # the brief: say so in the window and on the command line
            note = message or "No trained English model is installed: rules-only mode"
            self.message.emit(note, 15000)
            print(f"annotator: {note}", file=sys.stderr)

    def _model_arg(self, trained: str | None) -> str:
        loader = self._loader
        base = loader.model if isinstance(loader, PipelineLoader) else None
        return trained or base or ""

    def uses_process(self) -> bool:
        """True when the pipeline runs in the detection process (the real window)."""
        return self.process is not None

    def use_model(self, trained: str | None) -> None:
        """Detect with the trained model in folder ``trained`` (None: the base model) from
        now on: the detection process is started again with it (it loads there, never in
        this process). A detection running is cancelled; new articles are detected again
        once the new process has loaded."""
        if self.process is None or self.closing:
            return
        model = self._model_arg(trained)
        if model == self.process_model:
            return
        old, self.process = self.process, None
        old.stop()
        old.deleteLater()
        if self.task is not None:
            self._take_skipped()
            self._stop()
        if self.redetecting:
            self.redetecting = False
            self.redetect_failed.emit("the detector was changed")
        self.nlp = None
        self.model_state.emit("Model: loading…", model)
        self._start_process(model)

    def redetect(self) -> bool:
        """Re-detect the undecided articles in the detection process (once it has loaded);
        False when there is no such process (then the caller runs it itself)."""
        if self.process is None or self.closing:
            return False
        self.redetecting = True
        if self.process.ready:
            self.process.redetect()
        else:
            self._redetect_pending = True
        return True

    def _redetect_done(self, info: dict[str, Any]) -> None:
        self.redetecting = False
        report = RedetectSummary(int(info.get("articles", 0)), int(info.get("added", 0)))
        self.redetected.emit(report)

    def _redetect_error(self, message: str) -> None:
        self.redetecting = False
        self.redetect_failed.emit(message)

    def _start_process(self, model: str) -> None:
        self.process_model = model
        proc = self.process = ModelProcess(self.project_path, model, self)
        proc.loaded.connect(self._process_loaded)
        proc.failed.connect(self._process_failed)
        proc.crashed.connect(self._process_crashed)
        proc.redetect_progress.connect(self.redetect_progress)
        proc.redetected.connect(self._redetect_done)
        proc.redetect_failed.connect(self._redetect_error)
        proc.stored.connect(self._process_stored)
        proc.progress.connect(self._progress)
        proc.skipped.connect(self._process_skipped)
        proc.detected.connect(self._finished)
        proc.detect_failed.connect(self._failed)
        proc.start()

    def _process_loaded(self, info: dict[str, Any]) -> None:
        if self.closing:
            return
        self.model_info = LoadedModel(
            str(info.get("name", "")), bool(info.get("rules_only")), str(info.get("message", ""))
        )
        self._announce_model(self.model_info)
        self.detector_loaded.emit(str(info.get("detector") or ""))
        note = str(info.get("note") or "")
        if note:
            # also in the model's label: a passing message is cut short beside the bars
            missing = str(info.get("missing") or "")
            self.model_state.emit(f"Model: {self.model_info.name} ({missing} not found)", note)
            self.message.emit(note, 20000)
            print(f"annotator: {note}", file=sys.stderr)
        if not self.model_info.rules_only and info.get("entities") and self.process:
            self.names_parser.emit(self.process)
        self.can_detect.emit(not self.readonly)
        if self._redetect_pending and self.process is not None:
            self._redetect_pending = False
            self.process.redetect()
        self.start(auto=True)

    def _process_failed(self, message: str) -> None:
        if self.closing:
            return
        if self.task is not None and isinstance(self.task, ProcessRun):
            self._failed(message)
        if self.process is not None and not self.process.ready:
            self.process = None
            self._model_failed(message)
            if self.redetecting:
                self.redetecting = self._redetect_pending = False
                self.redetect_failed.emit(f"the detector could not be loaded: {message}")

    def _process_crashed(self, how: str) -> None:
        """The detection process ended unasked: start it again (up to
        :data:`MAX_RESTARTS` times in a session; it resumes the detection, as the articles
        it stored are done), then say detection is off."""
        if self.closing:
            return
        old, self.process = self.process, None
        if old is not None:
            old.deleteLater()
        if self.redetecting:
            self.redetecting = self._redetect_pending = False
            self.redetect_failed.emit(f"{how}; undecided articles done so far are kept")
        if isinstance(self.task, ProcessRun):
            stored = list(self.task.article_ids[self._seen :])
            if stored:
                self.articles_detected.emit(stored)
            self._take_skipped()
            self._stop()
            self.finished.emit()
        self.can_detect.emit(False)
        if self._restarts < MAX_RESTARTS:
            self._restarts += 1
            self.model_state.emit("Model: restarting…", how)
            self.message.emit(
                f"Detector stopped ({how}); restarting ({self._restarts} of {MAX_RESTARTS}).",
                15000,
            )
            self._start_process(self.process_model)
            return
        note = (
            f"The detector stopped {MAX_RESTARTS + 1} times ({how}); it is not started again."
            " Suggestions stored so far are kept; reopen the project to detect again."
        )
        self.model_state.emit("Model: stopped", note)
        self.message.emit(note, 0)
        print(f"annotator: {note}", file=sys.stderr)

    def _process_stored(self, ids: list[int]) -> None:
        if isinstance(self.task, ProcessRun):
            self.task.article_ids.extend(ids)

    def _process_skipped(self, ident: int, title: str, reason: str) -> None:
        if isinstance(self.task, ProcessRun):
            self.task.skipped.append((ident, title, reason))

    def base_pipeline(self) -> Any:
        """The base pipeline in this process, for training (None while it loads: with the
        model process it is loaded here only when first asked for)."""
        if self.nlp is not None or self.process is None:
            return self.nlp
        if self._local_nlp is None and self._local_task is None and not self.closing:
            task = self._local_task = ModelLoadTask(self._loader)
            task.signals.finished.connect(self._local_loaded)
            task.signals.failed.connect(lambda m: self.message.emit(m, 8000))
            self.pool.start(task)
        return self._local_nlp

    def _local_loaded(self, result: object) -> None:
        pair: tuple[Any, Any] = result  # type: ignore[assignment]
        self._local_nlp = pair[0]

    def _model_failed(self, message: str) -> None:
        self.model_state.emit("Model: none", message)
        self.message.emit(f"The model could not be loaded: {message}", 15000)
        print(f"annotator: the model could not be loaded: {message}", file=sys.stderr)

    # -- detection ---------------------------------------------------------------------------

    def start(self, auto: bool = False) -> None:
        """Detect the articles that need it (``auto``: say nothing when there are none).

        Which articles need it is asked by the task, in the pool: on a large project that
        query reads every article, and the window must not wait for it.
        """
        if self.task is not None or self.closing or self.readonly:
            return
        if self.nlp is None:
            if self.process is None or not self.process.ready:
                return
            self.task = ProcessRun(self.process)
            self._seen = self._total = 0
            self._auto = auto
            self.can_detect.emit(False)
            self.process.detect()
            return
        task = DetectTask(self.project_path, self.nlp)
        task.signals.progress.connect(self._progress)
        task.signals.finished.connect(self._finished)
        task.signals.failed.connect(self._failed)
        self.task = task
        self._seen = 0
        self._total = 0
        self._auto = auto
        self.can_detect.emit(False)
        self.pool.start(task)

    def start_after_import(self) -> None:
        """New articles arrived: detect them now, or when the running detection ends."""
        if self.task is not None:
            self._again = True
        else:
            self.start(auto=True)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.message.emit("Cancelling detection…", 3000)

    def _progress(self, done: int, total: int) -> None:
        if total and not self._total:
            # the task has found what to detect: show the bar
            self._total = total
            self.running.emit(total)
        self.progress.emit(done, total)
        task = self.task
        if task is not None and done > self._seen:
            fresh = task.article_ids[self._seen : done]
            self._seen = done
            self.articles_detected.emit(fresh)

    def _stop(self) -> None:
        self.task = None
        self._total = 0
        self.running.emit(0)
        ready = self.nlp is not None or (self.process is not None and self.process.ready)
        self.can_detect.emit(ready and not self.readonly)

    def _take_skipped(self) -> str:
        """Keep the running task's skipped articles; the sentence saying so, or ""."""
        fresh = list(self.task.skipped) if self.task is not None else []
        self.skipped.extend(fresh)
        if not fresh:
            return ""
        note = (
            f"{count_noun(len(fresh), 'article')} skipped: the detector failed on"
            f" {'it' if len(fresh) == 1 else 'them'} (File > {REPORT_TITLE} says why)."
        )
        self.info.emit(note)
        return " " + note

    def _finished(self, n: object) -> None:
        cancelled = self.task is not None and self.task.cancelled
        total = self._total
        skipped = self._take_skipped()
        self._stop()
        if self.closing:
            return
        if not total and not cancelled:
            # nothing needed detecting
            if not self._auto:
                self.message.emit("Every article already has suggestions.", 4000)
        else:
            verb = "cancelled after" if cancelled else "finished:"
            done = count_noun(int(n), "article") if isinstance(n, int) else str(n)
            self.message.emit(f"Detection {verb} {done}.{skipped}", 15000 if skipped else 8000)
            self.finished.emit()
        if self._again and not cancelled:
            # articles imported while this run was busy
            self._again = False
            self.start(auto=True)

    def _failed(self, message: str) -> None:
        skipped = self._take_skipped()
        self._stop()
        self._again = False
        if says_damage(message):
            message = f"the project file is damaged ({message})"  # said in full at a key
        self.message.emit(f"Detection stopped: {message}{skipped}", 15000)
        if not self.closing:
            self.finished.emit()

    def report_lines(self) -> list[str]:
        """One line per article the detector skipped this session: id, title, reason."""
        out = []
        for ident, title, reason in self.skipped:
            short = title if len(title) <= 60 else title[:59] + "…"
            out.append(f"article {ident} “{short}”: {reason}")
        return out

    def show_report(self) -> QMessageBox:
        """File > Detection report: the articles skipped this session, and why."""
        lines = self.report_lines()
        if lines:
            head = f"The detector skipped {count_noun(len(lines), 'article')} in this session."
            info = "They keep no suggestions; mark their quotes by hand. Details below."
        else:
            head = "The detector has skipped no article in this session."
            info = ""
        parent = self.parent()
        box = report_box(
            QMessageBox.Icon.Warning if lines else QMessageBox.Icon.Information,
            REPORT_TITLE,
            head,
            info,
            lines,
            parent if isinstance(parent, QWidget) else None,
        )
        self.report_box = box
        if can_show_windows():
            box.open()
        return box

    def shutdown(self) -> None:
        """The window closes: ignore late results and stop the running task."""
        self.closing = True
        if self.task is not None:
            self.task.cancel()
        if self.process is not None:
            # killed at once: the window closes now (an idle child took over 0.1 s to end
            # by itself, on this thread); SQLite rolls back a chunk it was storing. Its
            # end is waited for last (finish_shutdown), after the window's other work
            self.process.stop(wait_ms=0, reap=False)

    def finish_shutdown(self) -> None:
        """After :meth:`shutdown` and the window's other closing work: the killed model
        process is gone (usually already)."""
        if self.process is not None:
            self.process.reap()
