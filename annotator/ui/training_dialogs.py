"""Detector > Train from this project: what to train on, then the running training."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.people_list import PeopleList, with_quotes
from annotator.ui.workers import PeopleTask, TaskRunner

#: Characters a model name (a folder name) may not hold on any of the desktop systems.
_BAD_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')

#: Quotes left out of training the dialog lists before counting the rest.
LEFT_OUT_SHOWN = 200


def model_name_problem(name: str, taken: Sequence[str]) -> str:
    """Why ``name`` cannot name a new model folder ("" when it can)."""
    if not name.strip():
        return "Give the model a name."
    if _BAD_NAME.search(name) or name.strip() in (".", ".."):
        return 'A model name cannot hold / \\ : * ? " < > |.'
    if name.strip() in taken:
        return f"A model called {name.strip()!r} exists; it will be replaced."
    return ""


def folder_problem(folder: Path) -> str:
    """Why a new model cannot be written in ``folder`` ("" when it can)."""
    if not folder.is_dir():
        return f"The folder {folder} does not exist."
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"The folder {folder} cannot be written to."
    return ""


class TrainDialog(QDialog):
    """Choose whose quotes to learn from, the dev share, the model's name and the folder it
    goes in.

    ``taken``: the model names already in ``folder`` (the user's models folder when None:
    :func:`annotator.services.training.default_models_dir`); ``taken_in(folder)``: the
    model names in another folder the analyst picks (None: no names are known there).
    Only models in the user's models folder are listed in Detector > Detector in use by
    name; one trained elsewhere is chosen by its folder.
    """

    def __init__(
        self,
        annotators: Sequence[str],
        me: str,
        default_name: str,
        taken: Sequence[str],
        parent: QWidget | None = None,
        *,
        folder: Path | None = None,
        taken_in: Callable[[Path], Sequence[str]] | None = None,
        project_path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.me = me
        self.setWindowTitle("Train the detector on this project")
        self.setMinimumWidth(480)
        self.taken = list(taken)
        self._default_taken = list(taken)
        self._taken_in = taken_in
        if folder is None:
            from annotator.services.training import default_models_dir

            folder = default_models_dir()
        self.default_folder = Path(folder)
        lay = QVBoxLayout(self)
        intro = QLabel(
            "The detector learns from the accepted quotes (rejected suggestions teach it what "
            "is not a quote). Training reads the project and never changes it."
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.from_annotators = QRadioButton("Quotes accepted by these annotators:")
        self.from_annotators.setChecked(True)
        lay.addWidget(self.from_annotators)
        self.who = PeopleList("accepted quote")
        self.who.setObjectName("trainAnnotators")
        self.who.setMaximumHeight(110)
        # me until the counts say who has accepted quotes (:meth:`_people_counted`)
        self.who.set_people(list(annotators), ticked=[me])
        self._ticked_by_hand = False
        lay.addWidget(self.who)
        self.from_gold = QRadioButton("Reviewed (gold) quotes")
        lay.addWidget(self.from_gold)
        self.from_gold.toggled.connect(lambda on: self.who.setEnabled(not on))
        form = QFormLayout()
        self.dev = QDoubleSpinBox()
        self.dev.setObjectName("devFraction")
        self.dev.setRange(0.05, 0.5)
        self.dev.setSingleStep(0.05)
        self.dev.setValue(0.2)
        self.dev.setToolTip(
            "Share of the annotated articles held out to score each round (the dev score)"
        )
        form.addRow("Held out for the dev score", self.dev)
        self.name = QLineEdit(default_name)
        self.name.setObjectName("modelName")
        form.addRow("Model name", self.name)
        place = QHBoxLayout()
        self.folder_edit = QLineEdit(str(self.default_folder))
        self.folder_edit.setObjectName("modelFolder")
        self.folder_edit.setToolTip(
            "The model is written in a new folder of this name inside this folder"
        )
        self.folder_button = QPushButton("Choose…")
        self.folder_button.setObjectName("chooseModelFolder")
        self.folder_button.clicked.connect(self.choose_folder)
        place.addWidget(self.folder_edit, 1)
        place.addWidget(self.folder_button)
        form.addRow("Save in", place)
        lay.addLayout(form)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #a04000;")
        lay.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Train")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.name.textChanged.connect(self._check)
        self.folder_edit.textChanged.connect(lambda _t: self._folder_changed())
        self.who.ticked_changed.connect(self._ticked)
        self.from_gold.toggled.connect(lambda _on: self._check())
        self._check()
        self._people = TaskRunner(self)
        if project_path is not None:  # each annotator's accepted quotes: a project-wide count
            self._people.start(PeopleTask(project_path), self._people_counted, lambda _m: None)

    def _ticked(self, _names: list[str]) -> None:
        self._ticked_by_hand = True
        self._check()

    def _people_counted(self, result: object) -> None:
        """Show each annotator's accepted quotes; unless ticks were changed by hand, tick
        me if I have any, else everyone who has (never only someone with none)."""
        counts = cast(dict[str, int], result)
        names = self.who.names()
        shown = {n: counts.get(n, 0) for n in names}
        if self._ticked_by_hand:
            ticked = self.who.ticked()
        elif shown.get(self.me, 0) > 0:
            ticked = [self.me]
        else:
            ticked = with_quotes(shown)
        self.who.set_people(shown, ticked=ticked)
        self._check()

    def done(self, result: int) -> None:
        self._people.close()  # a count under way is not waited for
        super().done(result)

    def annotators(self) -> tuple[str, ...]:
        """The checked annotators (empty with gold chosen)."""
        if self.from_gold.isChecked():
            return ()
        return tuple(self.who.ticked())

    def gold(self) -> bool:
        return self.from_gold.isChecked()

    def dev_fraction(self) -> float:
        return round(self.dev.value(), 2)

    def model_name(self) -> str:
        return self.name.text().strip()

    def folder(self) -> Path:
        """The folder the model's folder goes in (the user's models folder by default)."""
        return Path(self.folder_edit.text().strip()).expanduser()

    def model_dir(self) -> Path:
        """Where the model will be written: :meth:`folder` / :meth:`model_name`."""
        return self.folder() / self.model_name()

    def choose_folder(self) -> None:
        """Pick the folder with the system's folder dialog, starting at the current one."""
        start = self.folder() if self.folder().is_dir() else self.default_folder
        path = QFileDialog.getExistingDirectory(self, "Folder for the trained model", str(start))
        if path:
            self.folder_edit.setText(path)

    def _folder_changed(self) -> None:
        folder = self.folder()
        if folder == self.default_folder:
            self.taken = list(self._default_taken)
        elif self._taken_in is not None and folder.is_dir():
            self.taken = list(self._taken_in(folder))
        else:
            self.taken = []
        self._check()

    def _check(self) -> None:
        problem = folder_problem(self.folder())
        if not problem:
            problem = model_name_problem(self.name.text(), self.taken)
        blocking = bool(problem) and not problem.endswith("replaced.")
        if not blocking and self.model_dir().exists() and self.model_name() not in self.taken:
            problem, blocking = f"{self.model_dir()} exists and is not a trained model.", True
        if not problem and not self.gold() and not self.annotators():
            problem, blocking = "Tick at least one annotator, or choose the gold quotes.", True
        self.problem.setText(problem)
        self.ok.setEnabled(not blocking)


def _pct(value: float | None) -> str:
    """A fraction 0..1 as a percentage with one decimal, as ``annotator train`` prints it
    (0.667 -> "66.7"); "–" for None."""
    return "–" if value is None else f"{100 * value:.1f}"


def _direct(dev: dict[str, float]) -> str:
    from annotator.services.training import direct_f1

    value = direct_f1(dev)
    return "n/a (no direct quote held out)" if value is None else _pct(value)


class TrainProgressDialog(QDialog):
    """Training as it runs: round, dev scores, Cancel (keeps the best model so far), and at
    the end the best dev score and a button to detect with the new model.

    Signals:
        cancel_requested(): stop after the step running.
        use_model(name): the analyst wants this model as the project's detector.
    """

    cancel_requested = Signal()
    use_model = Signal(str)

    def __init__(self, name: str, rounds: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Training {name}")
        self.setObjectName("trainProgress")
        self.name = name
        self.resize(520, 300)
        lay = QVBoxLayout(self)
        self.state = QLabel(f"Training {name} on this project… (reading the annotations)")
        self.state.setObjectName("trainState")
        self.state.setWordWrap(True)
        lay.addWidget(self.state)
        self.bar = QProgressBar()
        if rounds:
            self.bar.setRange(0, rounds)
            self.bar.setFormat("Round %v of %m")
        else:
            self.bar.setRange(0, 0)
        self.bar.setValue(0)
        lay.addWidget(self.bar)
        self.rounds = QListWidget()
        self.rounds.setObjectName("trainRounds")
        # long round lines wrap inside the list: never a sideways scroll to read a score
        self.rounds.setWordWrap(True)
        self.rounds.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.rounds.setResizeMode(QListView.ResizeMode.Adjust)
        self.rounds.setTextElideMode(Qt.TextElideMode.ElideNone)
        lay.addWidget(self.rounds, 1)
        buttons = QDialogButtonBox()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop after the step running; the best model so far stays")
        self.use_button = QPushButton("Detect with this model")
        self.close_button = QPushButton("Close")
        buttons.addButton(self.use_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        # hidden once in the box (adding a button shows it): while training runs, "Detect
        # with this model" chose a model not written yet
        self.use_button.hide()
        self.close_button.hide()
        lay.addWidget(buttons)
        self.cancel_button.clicked.connect(self._cancel)
        self.close_button.clicked.connect(self.close)
        self.use_button.clicked.connect(self._use)
        self.finished_ok = False

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.state.setText("Stopping after the step running; the best model so far stays…")
        self.cancel_requested.emit()

    def _use(self) -> None:
        self.use_model.emit(self.name)
        self.close()

    def show_stage(self, what: str, done: int, total: int) -> None:
        """The step under way (``dev``, ``train`` with articles done of total, ``round``
        with its number of the rounds), unless Cancel was pressed."""
        if not self.cancel_button.isEnabled():
            return
        if what == "dev":
            step = f"parsing the held-out articles ({done:,} of {total:,})"
        elif what == "train":
            step = f"parsing the articles to learn from ({done:,} of {total:,})"
        elif what == "round":
            step = f"round {done} of {total}: learning, then scoring the held-out articles"
        else:
            return
        self.state.setText(f"Training {self.name} on this project… ({step})")

    def show_epoch(self, report: Any) -> None:
        """A round ended (an ``EpochReport``)."""
        dev = dict(report.dev)
        best = " — best so far" if report.best else ""
        line = (
            f"Round {report.epoch}: dev F1 all {_pct(dev.get('all_lenient_f1'))} "
            f"(strict {_pct(dev.get('all_strict_f1'))}), direct "
            f"{_direct(dev)} · {report.seconds:.1f} s{best}"
        )
        self.rounds.addItem(line)
        self.rounds.scrollToBottom()
        if self.bar.maximum():
            self.bar.setValue(min(report.epoch, self.bar.maximum()))
        if self.cancel_button.isEnabled():
            self.state.setText(f"Training {self.name}: round {report.epoch} done.")

    def show_result(self, result: Any) -> None:
        """Training ended with a model (a ``TrainResult``)."""
        dev = dict(result.best_dev)
        how = "stopped early" if result.stopped_early else "finished"
        self.state.setText(
            f"Training {how} after {result.epochs} rounds in {result.seconds:.0f} s "
            f"({result.train_articles} articles to learn from, {result.dev_articles} held "
            f"out). Best dev F1: all quotes {_pct(dev.get('all_lenient_f1'))} lenient, "
            f"{_pct(dev.get('all_strict_f1'))} strict; direct quotes "
            f"{_direct(dev)}. Saved as {self.name}."
        )
        left_out = list(getattr(result, "left_out", ()))
        if left_out:
            n = len(left_out)
            self.state.setText(
                f"{self.state.text()} {n} accepted quote{'s were' if n != 1 else ' was'} left "
                "out, with spans outside the article's text or overlapping (listed below)."
            )
            for line in left_out[:LEFT_OUT_SHOWN]:
                self.rounds.addItem(f"Left out: {line}")
            if n > LEFT_OUT_SHOWN:  # a hand-edited project may have thousands
                rest = n - LEFT_OUT_SHOWN
                self.rounds.addItem(f"… and {rest:,} more left out (annotator train lists all)")
            self.rounds.scrollToBottom()
        self._ended(True)

    def show_failure(self, message: str) -> None:
        self.state.setText(f"Training stopped: {message}")
        self._ended(False)

    def _ended(self, ok: bool) -> None:
        self.finished_ok = ok
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.bar.setFormat("Done" if ok else "Stopped")
        self.cancel_button.hide()
        self.close_button.show()
        self.use_button.setVisible(ok)
