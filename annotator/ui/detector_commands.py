"""The main window's Detector menu (issue 13): train, choose the detector, re-detect the
undecided articles, go to the next most useful article; the detector in the status bar."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QWidget,
)

from annotator.core.wording import count_noun
from annotator.services.detection import count_undecided, record_rules_run
from annotator.ui.controllers.training import (
    NOTHING_TO_REDETECT,
    RULES_LABEL,
    TrainingController,
    training_module,
)
from annotator.ui.quit_shortcut import add_modal_quit
from annotator.ui.status import STATUS_LABEL_MAX, CountBar, ElidingLabel
from annotator.ui.training_dialogs import TrainDialog, TrainProgressDialog
from annotator.ui.window_commands import WindowCommands
from annotator.ui.workers import CallTask, Task

#: What the re-detect confirmation says after how many articles it re-detects.
REDETECT_NOTE = (
    "Runs the chosen detector over every article nobody has decided anything in yet and "
    "replaces their open suggestions. Decided quotes and all annotations stay. "
    "This cannot be undone."
)
COUNTING_UNDECIDED = "Counting the undecided articles…"


def redetect_question(label: str, undecided: int) -> str:
    """The re-detect confirmation: the detector (``label``), how many articles it will
    re-detect, and what it does."""
    what = count_noun(undecided, "undecided article")
    return f"{label}.\n\nRe-detect {what}?\n\n{REDETECT_NOTE}"


class DetectorCommands(WindowCommands):
    """Mixin of :class:`annotator.ui.main_window.MainWindow`: the Detector menu's slots."""

    act_train: QAction
    act_redetect: QAction
    act_next_useful: QAction
    act_quit: QAction
    detector_menu: QMenu
    trainer: TrainingController
    detector_label: ElidingLabel
    redetect_bar: CountBar
    redetect_cancel: QPushButton
    train_dialog: TrainProgressDialog | None
    pool: QThreadPool
    model_label: QLabel
    progress_label: QLabel

    if TYPE_CHECKING:

        def session_refresh(self, article_ids: list[int] | None) -> None: ...

        def start_list_task(
            self, task: Task, done: Callable[[object], None], failed: Callable[[str], None]
        ) -> None: ...

    def _build_detector(self) -> None:
        """The controller, the status-bar widgets and the detector submenu."""
        det = self.detection
        self._base_nlp: Any = None
        self._counting_undecided = False
        tr = self.trainer = TrainingController(
            self.project,
            self.project_path,
            self.pool,
            lambda: self._base_nlp if self._base_nlp is not None else det.base_pipeline(),
            self.readonly,
            self,
        )
        self.train_dialog = None
        bar = self.statusBar()
        self.detector_label = ElidingLabel("", 90, max_width=STATUS_LABEL_MAX)
        self.detector_label.setObjectName("detectorLabel")
        self.redetect_bar = CountBar(
            "Re-detecting", "Re-detecting quotes: {done} of {total} articles"
        )
        self.redetect_cancel = QPushButton("Cancel")
        self.redetect_cancel.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.redetect_cancel.clicked.connect(tr.cancel_redetect)
        # right of the model's name (the rules run on that base pipeline): the labels after
        # it are taken out and put back behind the new widgets
        after = (self.status.annotator_label, self.progress_label)
        for w in after:
            bar.removeWidget(w)
        widgets: tuple[QWidget, ...] = (self.redetect_bar, self.redetect_cancel)
        for widget in (*widgets, self.detector_label, *after):
            bar.addPermanentWidget(widget)
        for label in after:
            label.show()
        self.redetect_bar.hide()
        self.redetect_cancel.hide()
        # a chosen trained model loads and detects in the detection process
        tr.child = det
        det.chosen_model = tr.chosen_folder
        tr.detector_changed.connect(det.use_model)
        det.detector_loaded.connect(tr.set_loaded_version)
        det.redetect_progress.connect(tr._redetect_progress)
        det.redetected.connect(tr._redetect_done)
        det.redetect_failed.connect(tr._redetect_failed)
        tr.detector_named.connect(self._show_detector)
        det.model_state.connect(lambda *_: self._base_pipeline_loaded())
        tr.message.connect(self.status.say)
        tr.redetect_running.connect(self._redetect_running)
        tr.redetect_progress.connect(self._redetect_progress)
        tr.redetected.connect(lambda _r: self.session_refresh(None))
        tr.useful.connect(self._useful_found)
        tr.trained.connect(self._trained)
        tr.pipeline_ready.connect(self._detect_new_with)
        det.articles_detected.connect(self._detected)
        tr.train_failed.connect(lambda m: self.status.say(f"Training stopped: {m}", 15000))
        self.detector_menu.aboutToShow.connect(self.fill_detector_menu)
        self.detector_menu.setToolTipsVisible(True)
        self.fill_detector_menu()
        if training_module() is None:
            self.act_train.setEnabled(False)
            self.act_train.setToolTip("Not available: this build has no training")
        tr.announce()

    def _base_pipeline_loaded(self) -> None:
        """Training parses with the pipeline the window detects with; a chosen trained
        model loads next, and then detects the new articles."""
        det = self.detection
        info = det.model_info
        trained_loaded = det.process is not None and bool(det.chosen_model())
        if info is not None and not trained_loaded:
            # training parses with the base model, never with a trained one
            self.trainer.base_model = str(getattr(info, "name", "")) or None
        if det.nlp is not None and self._base_nlp is None:
            self._base_nlp = det.nlp
            self.trainer.preload()
        elif det.process is not None:
            self.trainer.preload()  # a chosen trained model loads here, as before

    def _detect_new_with(self, nlp: Any, _name: object) -> None:
        """The chosen detector also detects the articles imported from now on."""
        base = self._base_nlp
        if nlp is None and base is None:
            return
        self.detection.nlp = nlp if nlp is not None else base

    def _detected(self, ids: list[int]) -> None:
        """A trained model detected new articles: the rules (part of it) count as run there,
        so the next start does not detect them again with the rules alone."""
        det = self.detection
        nlp = det.task.nlp if det.task is not None else det.nlp
        if self.readonly or nlp is None or nlp is self._base_nlp or self.trainer.choice is None:
            return
        try:
            record_rules_run(self.project, ids)
        except Exception as exc:  # a busy project: they are detected again next time
            self.status.say(f"Could not record the detection: {exc}", 8000)

    def _show_detector(self, text: str, tip: str) -> None:
        self.detector_label.setText(text)
        self.detector_label.setToolTip(tip)

    # -- choosing ------------------------------------------------------------------------------

    def fill_detector_menu(self) -> None:
        """Rules only, then every trained model; the project's choice is ticked."""
        menu = self.detector_menu
        menu.clear()
        group = QActionGroup(menu)
        group.setExclusive(True)
        choice = self.trainer.choice
        entries: list[tuple[str | None, str, str]] = [
            (None, RULES_LABEL, "The rules alone: direct quotes and reporting verbs")
        ]
        names = []
        for m in self.trainer.models():
            names.append(m.name)
            entries.append((m.name, m.name, f"Rules plus the model in {m.path}"))
        if choice is not None and choice not in names:
            path = self.trainer.model_path(choice)
            if path is not None:  # a model trained outside the models folder
                entries.append((choice, path.name, f"Rules plus the model in {path}"))
            else:
                entries.append(
                    (choice, f"{choice} (missing)", "Not in this computer's models folder")
                )
        for name, text, tip in entries:
            act = QAction(text.replace("&", "&&"), menu)
            act.setCheckable(True)
            act.setChecked(name == choice)
            act.setToolTip(tip)
            act.setEnabled(not self.readonly)
            act.setData(name)
            act.triggered.connect(lambda _c=False, n=name: self.choose_detector(n))
            group.addAction(act)
            menu.addAction(act)
        if len(entries) == 1:
            hint = menu.addAction("(no trained model yet: Train from this project…)")
            hint.setEnabled(False)
        menu.addSeparator()
        other = menu.addAction("Choose model folder…")
        other.setToolTip("A model trained elsewhere (annotator train -o FOLDER)")
        other.setEnabled(not self.readonly)
        other.triggered.connect(lambda _c=False: self.choose_model_folder())

    def ask_model_folder(self) -> str:
        """The folder the analyst picks ("" when cancelled)."""
        return QFileDialog.getExistingDirectory(self, "Choose a trained model folder")

    def choose_model_folder(self) -> None:
        """Detector > Choose model folder…: detect with a trained model from any folder
        (kept in the project by its absolute path; named name@hash8 once loaded)."""
        raw = self.ask_model_folder()
        if not raw:
            return
        folder = Path(raw).expanduser().resolve()
        mod = training_module()
        if mod is None or mod.model_info(folder) is None:
            self.status.say(
                f"{folder} is not a trained model folder (no meta.json written by"
                " annotator train); the detector was not changed.",
                12000,
            )
            return
        self.choose_detector(str(folder))

    def choose_detector(self, name: str | None) -> None:
        """Detect with the trained model ``name`` (None: rules only) in this project."""
        self.trainer.choose(name, self.session.annotator)
        self.fill_detector_menu()

    # -- re-detecting --------------------------------------------------------------------------

    def redetect_undecided(self) -> None:
        """Count the undecided articles on the list's pool thread (a project-wide read:
        2 s at 100,000 articles), then ask with their number, then re-detect them with
        the chosen detector."""
        if self.trainer.redetect_task is not None:
            self.status.say("Re-detection is already running.", 4000)
            return
        if self.trainer.missing():
            # refused at once: the confirmation would promise what cannot be done
            note = self.trainer.missing_note()
            self.status.say(f"Re-detection refused: model {self.trainer.choice!r} is missing.")
            QMessageBox.warning(self, "Re-detect undecided articles", note)
            return
        self.status.say(COUNTING_UNDECIDED, 0)
        if self._counting_undecided:
            return
        self._counting_undecided = True
        path = self.project_path
        task = CallTask(lambda: count_undecided(path))
        task.background = True
        self.start_list_task(task, self._ask_redetect, self._undecided_not_counted)

    def _undecided_not_counted(self, message: str) -> None:
        self._counting_undecided = False
        self.status.say(f"Re-detection: the undecided articles could not be counted: {message}")

    def _ask_redetect(self, result: object) -> None:
        self._counting_undecided = False
        undecided = int(cast(int, result))
        if self.status.bar.currentMessage() == COUNTING_UNDECIDED:
            self.status.bar.clearMessage()
        if not undecided:
            self.status.say(NOTHING_TO_REDETECT, 15000)
            return
        if self.trainer.redetect_task is not None or self.trainer.missing():
            return  # started or refused meanwhile (from elsewhere)
        answer = QMessageBox.question(
            self,
            "Re-detect undecided articles",
            redetect_question(self.trainer.label(), undecided),
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Ok:
            self.trainer.redetect()

    def _redetect_running(self, total: int) -> None:
        if total:
            self.redetect_bar.setRange(0, total)
            self.redetect_bar.setValue(0)
        self.redetect_bar.setVisible(bool(total))
        self.redetect_cancel.setVisible(bool(total))
        self.act_redetect.setEnabled(not total and not self.readonly)

    def _redetect_progress(self, done: int, total: int) -> None:
        self.redetect_bar.setRange(0, max(total, 1))
        self.redetect_bar.setValue(done)

    # -- the next most useful article ------------------------------------------------------------

    def next_useful_article(self) -> None:
        """Ctrl+U: the undecided article where the detector is least sure."""
        art = self.session.article
        self.status.say("Looking for the most useful article…", 0)
        self.trainer.find_useful(art.id if art is not None else None)

    def _useful_found(self, found: Any) -> None:
        if found is None:
            self.status.say("No undecided article with scored suggestions.", 8000)
            return
        self.choose_article(found.article_id)
        # the short reason fits beside the permanent labels; the whole one is the tooltip
        self.status.say(f"Most useful: {found.short or found.reason}", 20000, found.reason)

    # -- training ------------------------------------------------------------------------------

    def train_detector(self) -> None:
        """Ask what to train on, then train in the background with a progress dialog."""
        mod = training_module()
        if mod is None or self.trainer.train_task is not None:
            if self.train_dialog is not None:
                self.train_dialog.raise_()
            return
        taken = [m.name for m in self.trainer.models()]
        stamp = _dt.datetime.now().strftime("%Y-%m-%d-%H%M")
        dlg = TrainDialog(
            self.project.annotators(),
            self.session.annotator,
            f"{self.project_path.stem}-{stamp}",
            taken,
            self,
            folder=mod.default_models_dir(),
            taken_in=lambda folder: [m.name for m in mod.list_trained_models(folder)],
            project_path=self.project_path,
        )
        add_modal_quit(dlg)
        if not dlg.exec():
            return
        name = dlg.model_name()
        options = self.trainer.options(
            annotators=dlg.annotators(), gold=dlg.gold(), dev_fraction=dlg.dev_fraction()
        )
        self.start_training(name, options, dlg.folder())

    def start_training(
        self, name: str, options: Any, folder: Path | None = None
    ) -> TrainProgressDialog | None:
        """Train ``options`` into ``folder`` (default: the user's models folder) as ``name``;
        show the progress dialog. A model outside the models folder is chosen as the
        project's detector by its folder's path (see :meth:`TrainingController.model_path`)."""
        mod = training_module()
        if mod is None:
            return None
        home = mod.default_models_dir()
        out_dir = (folder or home) / name
        choice = name if out_dir.parent.resolve() == home.resolve() else str(out_dir.resolve())
        rounds = getattr(options, "rounds", None)
        prog = TrainProgressDialog(name, len(rounds) if rounds else None, self)
        prog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        tr = self.trainer
        prog.cancel_requested.connect(tr.cancel_training)
        prog.use_model.connect(lambda _name, c=choice: self.choose_detector(c))
        tr.train_stage.connect(prog.show_stage)
        tr.epoch.connect(prog.show_epoch)
        tr.trained.connect(prog.show_result)
        tr.train_failed.connect(prog.show_failure)
        prog.destroyed.connect(lambda _o=None: self._forget_train_dialog())
        if not tr.train(out_dir, options):
            prog.close()
            return None
        self.train_dialog = prog
        # a window of its own with the focus while training runs: Ctrl+Q quits from it too
        self.show_window(prog)
        return prog

    def _forget_train_dialog(self) -> None:
        self.train_dialog = None  # Qt drops the closed dialog's connections itself

    def _trained(self, result: Any) -> None:
        self.fill_detector_menu()
        f1 = dict(result.best_dev).get("all_lenient_f1")
        score = "" if f1 is None else f" (best dev F1 {100 * f1:.1f})"  # as `annotator train`
        self.status.say(
            f"Trained {result.model_dir.name}{score}: choose it in Detector > Detector in use.",
            15000,
        )
