"""The Export dialog: format, output, filters and split, run in a pool worker with progress.

The dialog only turns widgets into :class:`ExportOptions` and the report into text; the
export itself is :func:`annotator.services.export.export_project`, run by :class:`ExportTask` on
a connection of its own (SQLite connections never cross threads).
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from platformdirs import user_documents_path
from PySide6.QtCore import Qt, QThreadPool, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.model import KINDS, STATUSES
from annotator.core.wording import count_noun
from annotator.services.export import (
    EXTENSIONS,
    FORMAT_NAMES,
    FORMATS,
    ExportError,
    ExportOptions,
    ExportReport,
    check_split,
    export_project,
    gold_reviewers,
    part_paths,
)
from annotator.store.project import Project
from annotator.ui.people_list import PeopleList
from annotator.ui.workers import (
    PeopleTask,
    ReadTask,
    Task,
    TaskRunner,
    WorkerSignals,
    keep_alive,
)

#: Extensions an export output may carry that a change of format replaces.
_EXPORT_SUFFIXES = frozenset(e for e in EXTENSIONS.values() if e) | {".tsv", ".json", ".txt"}


def with_format_extension(path: Path, fmt: str) -> Path:
    """``path`` with the extension of ``fmt`` (none for brat, which writes a folder).

    Only a missing extension or one of another export format is replaced, so a name the
    user chose (``data.v2``) keeps its dots.
    """
    suffix = path.suffix.lower()
    if suffix and suffix not in _EXPORT_SUFFIXES:
        return path if fmt == "brat" else path.with_name(path.name + EXTENSIONS[fmt])
    base = path.with_suffix("") if suffix else path
    return base if fmt == "brat" else base.with_name(base.name + EXTENSIONS[fmt])


class ExportTask(Task):
    """Run one export on its own read-only connection; cancellable between articles.

    progress(done, total), finished(ExportReport), failed(message).
    """

    expected = (ExportError,)

    def __init__(self, project_path: Path, options: ExportOptions) -> None:
        super().__init__()
        self.project_path = project_path
        self.options = options
        self.signals = WorkerSignals()

    def work(self) -> object:
        with Project.open(self.project_path, create=False, readonly=True) as project:
            return export_project(
                project, self.options, self.signals.progress.emit, self._cancel.is_set
            )


class ExportDialog(QDialog):
    """Export the project's quotes as training data."""

    exported = Signal(object)  # the ExportReport of a finished (or cancelled) export
    failed = Signal(str)

    def __init__(self, project_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project_path = Path(project_path)
        self.setWindowTitle(f"Export — {self.project_path.name}")
        self.pool = QThreadPool(self)
        self.task: ExportTask | None = None
        self._check: ReadTask | None = None
        self.report: ExportReport | None = None
        with Project.open(self.project_path, create=False, readonly=True) as project:
            annotators = project.annotators()
            reviewers = gold_reviewers(project)
        self._annotators = annotators
        self._reviewers = reviewers
        self._counts: dict[str, int] | None = None
        self._build()
        self._format_changed()
        # each annotator's accepted quotes, for the list (a project-wide count: not here)
        self._people = TaskRunner(self)
        self._people.start(PeopleTask(self.project_path), self._people_counted, lambda _m: None)

    # -- widgets -------------------------------------------------------------------------

    def _build(self) -> None:
        self.format_combo = QComboBox()
        for key in FORMATS:
            self.format_combo.addItem(FORMAT_NAMES[key], key)
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        self.output_edit = QLineEdit()
        self.output_edit.setPlaceholderText("file to write (a folder for brat)")
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.clicked.connect(self._browse)
        out_row = QHBoxLayout()
        out_row.addWidget(self.output_edit, 1)
        out_row.addWidget(self.browse_button)
        self.bom_check = QCheckBox("Start with a UTF-8 byte order mark (for Excel)")

        form = QFormLayout()
        form.addRow("&Format:", self.format_combo)
        # a row label given as text next to a layout gets no buddy and would show its "&"
        output_label = QLabel("&Output:")
        output_label.setBuddy(self.output_edit)
        form.addRow(output_label, out_row)
        form.addRow("", self.bom_check)

        filters = QGroupBox("Which quotes")
        fl = QFormLayout(filters)
        self.annotator_list = PeopleList("accepted quote")
        self.annotator_list.setToolTip("None ticked: every annotator (or reviewer, for gold)")
        self.annotator_list.setMaximumHeight(96)
        self._fill_people(self._annotators)
        fl.addRow("Annotators:", self.annotator_list)
        self.all_annotators_check = QCheckBox(
            "Every annotator's &versions, each record naming its annotator"
        )
        self.all_annotators_check.setToolTip(
            "Needed when articles have several annotators' versions and no annotator is "
            "ticked; spaCy and Prodigy get one document per annotator"
        )
        fl.addRow("", self.all_annotators_check)
        self.status_checks: dict[str, QCheckBox] = {}
        srow = QHBoxLayout()
        for status in STATUSES:
            box = QCheckBox(status)
            box.setChecked(status == "accepted")
            if status == "rejected":
                box.setToolTip("rejected suggestions, exported as negatives")
            self.status_checks[status] = box
            srow.addWidget(box)
        fl.addRow("Status:", srow)
        self.kind_checks: dict[str, QCheckBox] = {}
        krow = QHBoxLayout()
        for kind in KINDS:
            box = QCheckBox(kind)
            box.setChecked(True)
            self.kind_checks[kind] = box
            krow.addWidget(box)
        fl.addRow("Kinds:", krow)
        self.gold_check = QCheckBox("Reviewed (gold) versions only")
        if not self._reviewers:
            self.gold_check.setEnabled(False)
            self.gold_check.setToolTip("No article has been reviewed yet")
        self.gold_check.toggled.connect(self._gold_toggled)
        fl.addRow("", self.gold_check)

        split = QGroupBox("Split by article")
        split.setCheckable(True)
        split.setChecked(False)
        self.split_group = split
        sl = QHBoxLayout(split)
        self.split_spins: list[QDoubleSpinBox] = []
        for name, value in (("train", 0.8), ("dev", 0.1), ("test", 0.1)):
            spin = QDoubleSpinBox()
            spin.setRange(0.0, 1.0)
            spin.setSingleStep(0.05)
            spin.setDecimals(2)
            spin.setValue(value)
            spin.setAccessibleName(name)
            sl.addWidget(QLabel(name))
            sl.addWidget(spin)
            self.split_spins.append(spin)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        sl.addWidget(QLabel("seed"))
        sl.addWidget(self.seed_spin)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.export_button = QPushButton("&Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self._cancel_clicked)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(filters)
        layout.addWidget(split)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)

    def _fill_people(self, names: list[str]) -> None:
        """List ``names``, none ticked (that means everyone), with their counts once known
        (annotators only: a reviewer's count is not an annotator's)."""
        counts = self._counts
        if counts is None or names is self._reviewers:
            self.annotator_list.set_people(names, ticked=[])
        else:
            self.annotator_list.set_people({n: counts.get(n, 0) for n in names}, ticked=[])

    def _people_counted(self, result: object) -> None:
        self._counts = cast(dict[str, int], result)
        if not self.gold_check.isChecked():
            ticked = self.annotator_list.ticked()
            self._fill_people(self._annotators)
            self.annotator_list.tick(ticked)

    def _gold_toggled(self, on: bool) -> None:
        self._fill_people(self._reviewers if on else self._annotators)
        for box in self.status_checks.values():
            box.setEnabled(not on)
        self.all_annotators_check.setEnabled(not on)

    @property
    def format(self) -> str:
        return str(self.format_combo.currentData())

    @staticmethod
    def default_folder() -> Path:
        """Where exports go unless the user picks a place: their documents folder
        (platformdirs; ``~/Documents`` on most systems), else their home folder."""
        docs = user_documents_path()
        return docs if docs.is_dir() else Path.home()

    def _default_output(self, fmt: str) -> Path:
        stem = f"{self.project_path.stem}-export"
        if fmt == "prodigy":
            stem += "-prodigy"
        return self.default_folder() / f"{stem}{EXTENSIONS[fmt]}"

    def _format_changed(self) -> None:
        fmt = self.format
        self.bom_check.setEnabled(fmt == "csv")
        current = self.output_edit.text().strip()
        defaults = {str(self._default_output(f)) for f in FORMATS}
        if not current or current in defaults:
            self.output_edit.setText(str(self._default_output(fmt)))
        else:
            self.output_edit.setText(str(with_format_extension(Path(current), fmt)))

    def _browse(self) -> None:
        if self.format == "brat":
            path = QFileDialog.getExistingDirectory(
                self, "Folder for the brat files", self.output_edit.text()
            )
        else:
            ext = EXTENSIONS[self.format]
            path, _ = QFileDialog.getSaveFileName(
                self, "Export to", self.output_edit.text(), f"{FORMAT_NAMES[self.format]} (*{ext})"
            )
        if path:
            self.output_edit.setText(path)

    # -- running -------------------------------------------------------------------------

    def options(self) -> ExportOptions:
        """The options the widgets say; raise ExportError when they do not make sense."""
        out = self.output_edit.text().strip()
        if not out:
            raise ExportError("choose where to write the export")
        people = tuple(self.annotator_list.ticked())
        gold = self.gold_check.isChecked()
        statuses = tuple(s for s, box in self.status_checks.items() if box.isChecked())
        if not gold and not statuses:
            raise ExportError("tick at least one status")
        kinds = tuple(k for k, box in self.kind_checks.items() if box.isChecked())
        if not kinds:
            raise ExportError("tick at least one kind")
        split = None
        if self.split_group.isChecked():
            values = [round(s.value(), 4) for s in self.split_spins]
            if values[2] == 0:
                values = values[:2]
            check_split(values)
            split = tuple(values)
        return ExportOptions(
            format=self.format,
            output=with_format_extension(Path(out), self.format),
            annotators=people,
            statuses=("accepted",) if gold else statuses,
            kinds=() if len(kinds) == len(KINDS) else kinds,
            gold=gold,
            split=split,
            seed=self.seed_spin.value(),
            bom=self.bom_check.isChecked() and self.format == "csv",
            all_annotators=self.all_annotators_check.isChecked() and not gold,
        )

    def whose_versions_missing(
        self, options: ExportOptions, project: Project | None = None
    ) -> str | None:
        """The question to ask when several annotators' versions of an article would go
        out together and the user has not said whose (None when nothing is missing).
        A project-wide query (seconds at 100,000 articles): :meth:`start` runs it on a
        pool thread."""
        if options.gold or options.annotators or options.all_annotators:
            return None
        if project is None:
            with Project.open(self.project_path, create=False, readonly=True) as opened:
                return self.whose_versions_missing(options, opened)
        shared = project.annotators_sharing_articles(
            options.statuses or None, options.kinds or None
        )
        if not shared:
            return None
        gold = " “Reviewed (gold) versions only”," if self._reviewers else ""
        return (
            f"articles have versions by {count_noun(len(shared), 'annotator')} "
            f"({', '.join(shared)}), so "
            "each quote would be exported several times. Choose whose:"
            f"{gold} tick one annotator, or tick “Every annotator's versions” (spaCy and "
            "Prodigy then get one document per annotator)."
        )

    def ask_replace(self, paths: list[Path]) -> bool:
        """Ask before an export replaces existing files; True to go ahead."""
        names = "\n".join(str(p) for p in paths)
        answer = QMessageBox.question(
            self,
            "Replace existing files?",
            f"These already exist and would be replaced:\n{names}\n\nReplace them?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    @staticmethod
    def existing_targets(options: ExportOptions) -> list[Path]:
        """Outputs of ``options`` that exist: files, or brat folders of an earlier export."""
        out = []
        for _name, path in part_paths(options):
            # a brat folder of an earlier export (the export refuses any other folder)
            folder = options.format == "brat" and (path / "annotation.conf").is_file()
            if path.is_file() or folder:
                out.append(path)
        return out

    @property
    def running(self) -> bool:
        """True while an export, or the check before it, runs."""
        return self.task is not None or self._check is not None

    def start(self) -> None:
        """Check whose versions would go out (:meth:`whose_versions_missing`, on a pool
        thread), then start the export in the pool; does nothing while either runs."""
        if self.running:
            return
        try:
            options = self.options()
        except ExportError as exc:
            self._show_error(str(exc))
            return
        if options.gold or options.annotators or options.all_annotators:
            self._start_export(options)  # whose versions is said: nothing to check
            return
        check = self._check = ReadTask(
            self.project_path, lambda project: self.whose_versions_missing(options, project)
        )
        check.expected = (OSError, AnnotatorError)
        check.signals.finished.connect(lambda question: self._checked(check, options, question))
        check.signals.failed.connect(lambda message: self._check_failed(check, message))
        check.signals.stopped.connect(lambda: self._check_ended(check))
        keep_alive(check)  # held until it ends, even after the dialog closes
        self.progress.setRange(0, 0)
        self.status_label.setStyleSheet("")
        self.status_label.setText("Checking whose versions would be exported…")
        self.export_button.setEnabled(False)
        QThreadPool.globalInstance().start(check)

    def _check_ended(self, check: Task) -> bool:
        if check is not self._check:
            return False  # the dialog closed meanwhile
        self._check = None
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.export_button.setEnabled(True)
        return True

    def _check_failed(self, check: Task, message: str) -> None:
        if self._check_ended(check):
            self._show_error(message)
            self.failed.emit(message)

    def _checked(self, check: Task, options: ExportOptions, question: object) -> None:
        if not self._check_ended(check):
            return
        if question:
            self._show_error(str(question))
            self.failed.emit(str(question))
            return
        self._start_export(options)

    def _start_export(self, options: ExportOptions) -> None:
        self.output_edit.setText(str(options.output))
        existing = self.existing_targets(options)
        if existing and not self.ask_replace(existing):
            self.status_label.setStyleSheet("")
            self.status_label.setText("Nothing was exported; the existing files were kept.")
            return
        self.report = None
        self.task = ExportTask(self.project_path, options)
        self.task.signals.progress.connect(self._on_progress)
        self.task.signals.finished.connect(self._on_finished)
        self.task.signals.failed.connect(self._on_failed)
        self.progress.setRange(0, 0)  # busy until the first count arrives
        self.status_label.setStyleSheet("")
        self.status_label.setText("Exporting…")
        self.export_button.setEnabled(False)
        self.cancel_button.setText("Cancel")
        self.pool.start(self.task)

    def cancel_export(self) -> None:
        if self._check is not None:  # before the export: drop the check's answer
            check = self._check
            self._check_ended(check)
            check.cancel()  # its read is interrupted (seconds at 100,000 articles)
            self.status_label.setText("Nothing was exported.")
        if self.task is not None:
            self.task.cancel()
            self.status_label.setText("Cancelling…")

    def _cancel_clicked(self) -> None:
        if self.running:
            self.cancel_export()
        else:
            self.reject()

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _done(self) -> None:
        self.task = None
        self.export_button.setEnabled(True)
        self.cancel_button.setText("Close")

    def _on_finished(self, report: ExportReport) -> None:
        self._done()
        self.report = report
        if report.cancelled:
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
        self.status_label.setText("\n".join(report.lines()))
        self.exported.emit(report)

    def _on_failed(self, message: str) -> None:
        self._done()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self._show_error(message)
        self.failed.emit(message)

    def _show_error(self, message: str) -> None:
        self.status_label.setStyleSheet("color: #b00020;")
        self.status_label.setText(f"Cannot export: {message}")

    def reject(self) -> None:
        self._people.close()
        self.cancel_export()  # a check's answer is dropped, its read interrupted
        self.pool.waitForDone()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        self._people.close()
        self.cancel_export()  # a check's answer is dropped, its read interrupted
        self.pool.waitForDone()
        super().closeEvent(event)
