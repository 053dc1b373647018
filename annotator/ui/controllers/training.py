"""The Detector menu's jobs (issue 13): train on the project, choose the detector, re-detect
undecided articles, find the next most useful article. All of it off the GUI thread;
training in a child process of its own (:class:`ChildTraining`, issue 16).

The choice of detector lives in the project (:mod:`annotator.services.project_settings`):
None is the rules on the window's base pipeline, a name is a trained model of
:func:`annotator.services.training.default_models_dir`, loaded with
:func:`annotator.nlp.pipeline.load_pipeline` in the pool when first needed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QProcess, QThreadPool, QTimer, Signal

from annotator.services.project_settings import detector_choice, set_detector_choice
from annotator.store.project import Project
from annotator.ui.controllers.event_process import EventProcess
from annotator.ui.workers import ModelLoadTask, Task, WorkerSignals

#: How the status bar and the menu call the rules alone.
RULES_LABEL = "Rules (no trained model)"
#: What the window says when no article is left to re-detect.
NOTHING_TO_REDETECT = (
    "Nothing to re-detect: no article is undecided (every article has an"
    " accepted, rejected or added quote, or is marked done)."
)


def training_module() -> Any:
    """:mod:`annotator.services.training`, or None when this build has no training."""
    try:
        return importlib.import_module("annotator.services.training")
    except ImportError:
        return None


@dataclass(frozen=True)
class ModelEntry:
    """A trained model the menu offers: its name and folder."""

    name: str
    path: Path


def trained_models() -> list[ModelEntry]:
    """The trained models of the user's models folder, by name ([] without training)."""
    mod = training_module()
    if mod is None:
        return []
    try:
        return [ModelEntry(m.name, Path(m.path)) for m in mod.list_trained_models()]
    except OSError:
        return []


def _is_path(choice: str) -> bool:
    """True when a detector choice names a model by its folder's path, not by name."""
    return Path(choice).is_absolute()


#: Milliseconds a cancelled training process has to stop by itself (it stops after the
#: step running: a fraction of a second, a few seconds in a long CRFsuite iteration)
#: before it is ended (then killed): Cancel never waits for it longer than that.
CANCEL_GRACE_MS = 15000
#: Milliseconds between terminating a training process that outlived its grace period and
#: killing it.
KILL_AFTER_MS = 2000


class ChildTraining(QObject):
    """Training on the project at ``path`` into ``out_dir`` in a child process
    (:mod:`annotator.services.train_process`, a fresh interpreter started through
    :class:`QProcess`: its events arrive on the GUI thread as signals, and the window's
    interpreter lock is never held by the training's compiled code).

    ``cancel()`` asks the child to stop after the step running (the best model so far
    stays) and ends it after :data:`CANCEL_GRACE_MS` if it has not stopped (terminated,
    then killed); ``stop()`` (the window closes) ends it at once. Either way the model
    folder then holds a whole model or nothing
    (:func:`~annotator.services.training.clear_partial`). The child also stops by itself
    when its input ends: the window's process died without ending it.

    Signals:
        stage(what, done, total): the step under way (see
            :mod:`annotator.services.train_process`).
        epoch(EpochReport): a round ended.
        finished(TrainResult): training ended with a model.
        failed(message): training ended without one (or the child could not start, was
            killed from outside, or crashed).
    """

    stage = Signal(str, int, int)
    epoch = Signal(object)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(
        self, path: Path, out_dir: Path, options: Any, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.out_dir = out_dir
        self.options = options
        self.cancelled = False
        self.ended = False
        self.proc = EventProcess(self)
        self.proc.said.connect(self._event)
        self.proc.finished.connect(self._finished)
        self.proc.errorOccurred.connect(self._error)
        self._outcome: tuple[str, Any] | None = None
        self._grace = QTimer(self)
        self._grace.setSingleShot(True)
        self._grace.timeout.connect(self._end_now)
        self._forced = False
        #: the child's process id once started (kept after it ended; 0 before)
        self.child_pid = 0

    def start(self) -> None:
        from annotator.services.train_process import options_to_json

        self.proc.start_module(
            "annotator.services.train_process",
            str(self.path),
            str(self.out_dir),
            options_to_json(self.options),
        )
        self.child_pid = self.pid()

    def pid(self) -> int:
        """The child's process id (0 when it is not running)."""
        return int(self.proc.processId())

    def running(self) -> bool:
        return self.proc.state() != QProcess.ProcessState.NotRunning

    def cancel(self) -> None:
        """Ask the child to stop after the step running; end it after the grace period."""
        if self.cancelled or not self.running():
            self.cancelled = True
            return
        self.cancelled = True
        self.proc.write(b'{"cancel": true}\n')  # also while it starts: Qt buffers it
        self._grace.start(CANCEL_GRACE_MS)

    def stop(self) -> None:
        """End the child now (the window closes) and wait until it is gone; no signal
        follows. Its model folder holds the best model so far, whole, or nothing."""
        self.cancelled = True
        self.ended = True  # nothing is emitted from here on
        self._grace.stop()
        if self.running():
            self.proc.kill()
            self.proc.waitForFinished(-1)
        self._tidy()

    def _end_now(self) -> None:
        """The grace period after a cancel passed and the child still runs: terminate it
        (SIGTERM ends it at once: it installs no handler), killed if it is still there
        :data:`KILL_AFTER_MS` later."""
        if self.running():
            self._forced = True
            self.proc.terminate()
            QTimer.singleShot(KILL_AFTER_MS, self, self._kill_if_running)

    def _kill_if_running(self) -> None:
        if self.running():
            self.proc.kill()

    def _tidy(self) -> None:
        mod = training_module()
        if mod is not None:
            with contextlib.suppress(OSError):
                mod.clear_partial(self.out_dir)

    def _event(self, event: dict[str, Any]) -> None:
        from annotator.services.train_process import epoch_from_json, result_from_json

        if self.ended:
            return
        if "stage" in event:
            what, done, total = event["stage"]
            self.stage.emit(str(what), int(done), int(total))
        elif "epoch" in event:
            self.epoch.emit(epoch_from_json(event["epoch"]))
        elif "result" in event:
            self._outcome = ("result", result_from_json(event["result"]))
        elif "failed" in event:
            self._outcome = ("failed", str(event["failed"]))

    def _finished(self, code: int, status: QProcess.ExitStatus) -> None:
        self._grace.stop()
        self.proc.drain()
        if self.ended:
            return
        self.ended = True
        if self._forced or self._outcome is None:
            self._tidy()
        if self._outcome is not None and self._outcome[0] == "result":
            self.finished.emit(self._outcome[1])
        elif self._outcome is not None:
            self.failed.emit(self._outcome[1])
        elif self._forced:
            mod = training_module()
            kept = mod is not None and mod.model_info(self.out_dir) is not None
            self.failed.emit(
                "the training process did not stop in time and was ended; "
                + ("the best model so far stays" if kept else "nothing was written")
            )
        elif status == QProcess.ExitStatus.CrashExit:
            self.failed.emit("the training process was killed or crashed")
        else:
            self.failed.emit(f"the training process ended (status {code})")

    def _error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and not self.ended:
            self.ended = True
            self.failed.emit("the training process could not be started")


class RedetectTask(Task):
    """Re-detect the undecided articles of the project at ``path`` with ``nlp``;
    finished(RedetectReport), progress(done, total) in articles."""

    def __init__(self, path: Path, nlp: Any) -> None:
        super().__init__()
        self.path = path
        self.nlp = nlp
        self.signals = WorkerSignals()

    def work(self) -> object:
        from annotator.services.detection import redetect_undecided

        with Project.open(self.path, create=False) as project:
            return redetect_undecided(
                project,
                self.nlp,
                progress=self.signals.progress.emit,
                cancel=self._cancel.is_set,
            )


class ChildRedetect:
    """A re-detection running in the detection process, seen as a task (cancel, cancelled)."""

    def __init__(self, child: Any) -> None:
        self.child = child
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True
        if self.child.process is not None:
            self.child.process.cancel()


class UsefulTask(Task):
    """Find the next most useful article (not ``exclude``); finished(UsefulArticle | None)."""

    def __init__(self, path: Path, exclude: int | None) -> None:
        super().__init__()
        self.path = path
        self.exclude = exclude
        self.signals = WorkerSignals()

    def work(self) -> object:
        from annotator.services.detection import next_most_useful

        with Project.open(self.path, create=False) as project:
            return next_most_useful(project, self.exclude)


class TrainingController(QObject):
    """Owns the detector choice, its pipeline, and the train / re-detect / next tasks.

    Signals:
        detector_named(text, tooltip): the status-bar text for the detector in use.
        message(text, ms): a passing status-bar message.
        train_stage(what, done, total): the training step under way (see
            :class:`ChildTraining`).
        epoch(report): a training round ended (``EpochReport``).
        trained(result): training ended with a model (``TrainResult``).
        train_failed(message): training stopped without a model.
        redetect_running(total): re-detection started on ``total`` articles (0: stopped).
        redetect_progress(done, total): articles re-detected so far.
        redetected(report): re-detection ended (``RedetectReport``); articles changed.
        useful(found): the next most useful article (``UsefulArticle``) or None.
        pipeline_ready(nlp, name): the chosen detector's pipeline is loaded (``name`` None:
            the rules, ``nlp`` then None: the window's base pipeline), for new articles too.
        detector_changed(folder): with a detection process (:attr:`child`), the chosen
            detector's model folder (None: the base model): the process loads it.
    """

    detector_named = Signal(str, str)
    message = Signal(str, int)
    train_stage = Signal(str, int, int)
    epoch = Signal(object)
    trained = Signal(object)
    train_failed = Signal(str)
    redetect_running = Signal(int)
    redetect_progress = Signal(int, int)
    redetected = Signal(object)
    useful = Signal(object)
    pipeline_ready = Signal(object, object)
    detector_changed = Signal(object)

    def __init__(
        self,
        project: Project,
        project_path: Path,
        pool: QThreadPool,
        rules_pipeline: Callable[[], Any],
        readonly: bool,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.project_path = project_path
        self.pool = pool
        self.readonly = readonly
        self._rules_pipeline = rules_pipeline
        self.choice: str | None = detector_choice(project)
        self.nlp: Any = None
        self._nlp_for: str | None = None
        self._load: ModelLoadTask | None = None
        self.train_task: ChildTraining | None = None
        self.redetect_task: RedetectTask | ChildRedetect | None = None
        self.useful_task: UsefulTask | None = None
        self._redetect_wanted = False
        self.closing = False
        #: the spaCy pipeline training parses with (None: the training module's default)
        self.base_model: str | None = None
        #: The detection process's controller when the window has one (then a chosen
        #: trained model loads and re-detects there, never in this process).
        self.child: Any = None
        #: The version the loaded detector stores (``... + name@hash8`` for a trained one).
        self.loaded_version = ""

    # -- the choice ---------------------------------------------------------------------------

    def label(self) -> str:
        """The detector in use as the status bar names it: a trained model by its name
        (a model chosen by its folder's path: the folder's name) and, once the detection
        process has loaded it, the first 8 hex digits of its hash (``name@1a2b3c4d``)."""
        _, plus, loaded = self.loaded_version.partition(" + ")
        if self.choice is None:
            if plus and loaded:
                # no model chosen in the project, but the pipeline the window loaded (its
                # --model) holds a trained one: that model makes the suggestions
                return f"Detector: {loaded}"
            return f"Detector: {RULES_LABEL}"
        name = Path(self.choice).name if _is_path(self.choice) else self.choice
        if plus and "@" in loaded:
            name = f"{name}@{loaded.rsplit('@', 1)[1]}"
        return f"Detector: {name}"

    def set_loaded_version(self, version: str) -> None:
        """The detection process loaded a detector storing ``version``: name it so."""
        self.loaded_version = version
        self.announce()

    def chosen_folder(self) -> str | None:
        """The folder of the chosen trained model (None: the rules, or a missing model)."""
        path = self.model_path(self.choice) if self.choice is not None else None
        return None if path is None else str(path)

    def missing(self) -> bool:
        """True when the chosen trained model is no longer in the models folder."""
        return self.choice is not None and self.model_path(self.choice) is None

    def missing_note(self) -> str:
        """What to tell the analyst when the chosen model is missing (see :meth:`missing`)."""
        return (
            f"The detector model {self.choice!r} is missing: it is no longer in this "
            "computer's models folder. Choose another detector or 'Rules (no trained model)' in "
            "Detector > Detector in use, then re-detect."
        )

    def announce(self) -> None:
        missing = self.missing()
        tip = (
            "Suggestions come from the rules (direct quotes, reporting verbs)"
            if self.choice is None
            else f"Rules plus the model trained in {self.model_path(self.choice)}"
        )
        if self.choice is None and " + " in self.loaded_version:
            tip = (
                "Rules plus the trained model in the pipeline this window was opened with "
                "(--model); the project's own choice is the rules (Detector > Detector in "
                "use to store one)"
            )
        if missing:
            tip = f"The model {self.choice!r} is not in this computer's models folder"
        self.detector_named.emit(self.label() + (" (missing)" if missing else ""), tip)

    def models(self) -> list[ModelEntry]:
        """The trained models the menu offers (see :func:`trained_models`)."""
        return trained_models()

    def model_path(self, name: str) -> Path | None:
        """The folder of the trained model ``name``: a model of the user's models folder by
        name, or one trained elsewhere by its folder's absolute path; None when missing."""
        if _is_path(name):
            mod = training_module()
            path = Path(name)
            found = mod.model_info(path) if mod is not None else None
            return path if found is not None else None
        for m in self.models():
            if m.name == name:
                return m.path
        return None

    def choose(self, name: str | None, actor: str) -> bool:
        """Detect with the trained model ``name`` (None: the rules) from now on, in this
        project; return whether the choice changed."""
        try:
            changed = set_detector_choice(self.project, name, actor)
        except Exception as exc:  # read-only or busy project: say why, keep the old choice
            self.message.emit(f"The detector was not changed: {exc}", 10000)
            return False
        self.choice = name or None
        if changed:
            self.nlp = None
            self._nlp_for = None
            self.loaded_version = ""
            if self.child is not None and self.child.uses_process():
                self.detector_changed.emit(self.chosen_folder())
            elif self.choice is None:
                self.pipeline_ready.emit(None, None)
            else:
                self.preload()
            self.message.emit(
                f"{self.label()}. Re-detect undecided articles to use it on them.", 8000
            )
        self.announce()
        return changed

    # -- the chosen pipeline -------------------------------------------------------------------

    def preload(self) -> None:
        """Load the chosen trained model now (in the pool), so new articles are detected
        with it too; nothing for the rules."""
        if self.child is not None and self.child.uses_process():
            return  # the detection process loads it
        if self.choice is not None and not self.closing:
            self._with_pipeline(quiet=True)

    def _with_pipeline(self, quiet: bool = False) -> bool:
        """True when the chosen pipeline is loaded; else start loading it (then the wanted
        re-detection starts) and return False."""
        want = self.choice
        if self.nlp is not None and self._nlp_for == want:
            return True
        if want is None:
            nlp = self._rules_pipeline()
            if nlp is not None:
                self.nlp, self._nlp_for = nlp, None
                return True
        if self._load is not None:
            return False
        if want is None:
            self.message.emit("The base pipeline is still loading; try again shortly.", 5000)
            return False
        path = self.model_path(want)
        if path is None:
            if quiet:
                return False
            self.message.emit(
                f"The model {want!r} is not in the models folder; choose another detector.",
                10000,
            )
            return False

        def load() -> Any:
            from annotator.nlp.pipeline import load_pipeline

            # strict: a broken model must not be replaced by the base pipeline unseen
            return load_pipeline(str(path), strict=True)

        task = ModelLoadTask(load)
        task.signals.finished.connect(lambda pair, w=want: self._loaded(w, pair))
        task.signals.failed.connect(self._load_failed)
        self._load = task
        self.message.emit(f"Loading the model {want}…", 0)
        self.pool.start(task)
        return False

    def _loaded(self, name: str | None, pair: object) -> None:
        self._load = None
        if self.closing or name != self.choice:
            return
        self.nlp = pair[0]  # type: ignore[index]
        self._nlp_for = name
        self.message.emit(f"Model {name} loaded.", 3000)
        self.pipeline_ready.emit(self.nlp, name)
        if self._redetect_wanted:
            self._redetect_wanted = False
            self.redetect()

    def _load_failed(self, message: str) -> None:
        self._load = None
        self._redetect_wanted = False
        self.message.emit(f"The model could not be loaded: {message}", 15000)

    # -- re-detection --------------------------------------------------------------------------

    def redetect(self) -> None:
        """Re-detect the undecided articles with the chosen detector, in the pool."""
        if self.readonly or self.closing or self.redetect_task is not None:
            return
        if self.missing():
            self.message.emit(self.missing_note(), 15000)
            return
        if self.child is not None and self.child.redetect():
            self.redetect_task = ChildRedetect(self.child)
            self.message.emit("Re-detecting undecided articles…", 0)
            return
        if not self._with_pipeline():
            self._redetect_wanted = self._load is not None
            return
        task = RedetectTask(self.project_path, self.nlp)
        task.signals.progress.connect(self._redetect_progress)
        task.signals.finished.connect(self._redetect_done)
        task.signals.failed.connect(self._redetect_failed)
        self.redetect_task = task
        self.pool.start(task)

    def cancel_redetect(self) -> None:
        if self.redetect_task is not None:
            self.redetect_task.cancel()

    def _redetect_progress(self, done: int, total: int) -> None:
        if done == 0:
            self.redetect_running.emit(total)
        self.redetect_progress.emit(done, total)

    def _redetect_done(self, report: Any) -> None:
        task, self.redetect_task = self.redetect_task, None
        self.redetect_running.emit(0)
        if self.closing:
            return
        cancelled = task is not None and task.cancelled
        if not cancelled and report.articles == 0:
            self.message.emit(NOTHING_TO_REDETECT, 15000)
            self.redetected.emit(report)
            return
        verb = "Re-detection cancelled after" if cancelled else "Re-detected"
        s = "" if report.added == 1 else "s"
        n = report.articles
        self.message.emit(
            f"{verb} {n} undecided article{'' if n == 1 else 's'}: {report.added} suggestion{s}.",
            15000,
        )
        self.redetected.emit(report)

    def _redetect_failed(self, message: str) -> None:
        self.redetect_task = None
        self.redetect_running.emit(0)
        self.message.emit(f"Re-detection stopped: {message}", 15000)
        if not self.closing:
            self.redetected.emit(None)

    # -- the next most useful article ------------------------------------------------------------

    def find_useful(self, exclude: int | None) -> None:
        """Look for the next most useful article (off the GUI thread); then ``useful``."""
        if self.useful_task is not None or self.closing:
            return
        task = UsefulTask(self.project_path, exclude)
        task.signals.finished.connect(self._useful_found)
        task.signals.failed.connect(self._useful_failed)
        self.useful_task = task
        self.pool.start(task)

    def _useful_found(self, found: object) -> None:
        self.useful_task = None
        if not self.closing:
            self.useful.emit(found)

    def _useful_failed(self, message: str) -> None:
        self.useful_task = None
        self.message.emit(f"No next article: {message}", 10000)

    # -- training ------------------------------------------------------------------------------

    def options(self, **chosen: Any) -> Any:
        """``TrainOptions`` of what the dialog chose, on the window's base pipeline
        (:attr:`base_model`, when set: the model's features come from the same parse the
        window detects with)."""
        mod = training_module()
        known = {f.name for f in dataclasses.fields(mod.TrainOptions)}
        if self.base_model is not None and "base_model" in known:
            chosen["base_model"] = self.base_model
        return mod.TrainOptions(**{k: v for k, v in chosen.items() if k in known})

    def train(self, out_dir: Path, options: Any) -> bool:
        """Start training into ``out_dir`` in a child process (:class:`ChildTraining`);
        False when training is running or missing."""
        if self.train_task is not None or self.closing or training_module() is None:
            return False
        task = ChildTraining(self.project_path, out_dir, options, self)
        task.stage.connect(self.train_stage)
        task.epoch.connect(self.epoch)
        task.finished.connect(self._trained)
        task.failed.connect(self._train_failed)
        self.train_task = task
        task.start()
        return True

    def cancel_training(self) -> None:
        """Stop after the step running; the best model so far stays."""
        if self.train_task is not None:
            self.train_task.cancel()

    def _trained(self, result: object) -> None:
        self._forget_training()
        if not self.closing:
            self.trained.emit(result)

    def _train_failed(self, message: str) -> None:
        self._forget_training()
        if not self.closing:
            self.train_failed.emit(message)

    def _forget_training(self) -> None:
        task, self.train_task = self.train_task, None
        if task is not None:
            task.deleteLater()

    def shutdown(self) -> None:
        """The window closes: stop what runs and ignore late results."""
        self.closing = True
        if self.redetect_task is not None:
            self.redetect_task.cancel()
        if self.train_task is not None:
            # the training process ends with the window (never left running after it)
            self.train_task.stop()
            self.train_task = None
