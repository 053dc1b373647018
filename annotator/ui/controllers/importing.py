"""File > Import files/folder: run the import in the pool and report what it did."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.ui.report_box import report_box
from annotator.ui.screen import can_show_windows
from annotator.ui.workers import ImportTask

APP_TITLE = "Quote Annotator"
#: Title of File > Last import report.
REPORT_TITLE = "Last import report"


class ImportController(QObject):
    """Owns the import task and its report box; the window shows what its signals say.

    Signals:
        running(on): an import started (True) or ended (False).
        progress(done, total, label): abstract units (files, or lines of a JSONL file).
        message(text, ms): a passing status-bar message (ms 0: until replaced).
        info(text): a lasting status-bar note (the import's summary).
        finished(report): the import ended (the ImportReport, or None after an error);
            the project may have new articles.
    """

    running = Signal(bool)
    progress = Signal(int, int, str)
    message = Signal(str, int)
    info = Signal(str)
    finished = Signal(object)

    def __init__(
        self,
        project_path: Path,
        pool: QThreadPool,
        box_parent: QWidget,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.project_path = project_path
        self.pool = pool
        self.task: ImportTask | None = None
        self.last_report: Any = None
        #: The status-bar summary of :attr:`last_report` (with "Import cancelled." etc.).
        self.last_summary = ""
        self.report_box: QMessageBox | None = None
        self._box_parent = box_parent
        self.closing = False

    def busy(self) -> bool:
        """True (and says so) while an import runs."""
        if self.task is not None:
            self.message.emit("An import is already running.", 5000)
            return True
        return self.closing

    def start(self, paths: list[str], annotator: str | None) -> None:
        """Import ``paths`` (files and folders) in a pool worker with its own project."""
        if not paths or self.busy():
            return
        task = ImportTask(self.project_path, paths, annotator)
        task.signals.progress.connect(self._progress)
        task.signals.finished.connect(self._finished)
        task.signals.failed.connect(self._failed)
        task.signals.stopped.connect(self._done)  # abandoned: the window closes
        self.task = task
        self.running.emit(True)
        self.message.emit("Importing…", 0)
        self.pool.start(task)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.message.emit("Cancelling the import…", 3000)

    def _progress(self, done: int, total: int, label: str) -> None:
        self.progress.emit(done, total, label)
        if label and self.task is not None and not self.task.cancelled:
            self.message.emit(f"Importing {Path(label).name}…", 0)

    def _done(self) -> bool:
        cancelled = self.task is not None and self.task.cancelled
        self.task = None
        self.running.emit(False)
        return cancelled

    def _finished(self, result: object) -> None:
        cancelled = self._done()
        if self.closing:
            return
        report: Any = result
        self.last_report = report
        summary = str(report.summary())
        if cancelled and not report.cancelled:
            # the import had read its last entry when the cancel came: all of it is in
            summary = f"The import had finished before the cancel. {summary}"
        elif report.held_no_quotes:
            # the window starts the detector on the new articles (start_after_import)
            them = "it" if report.articles_added == 1 else "them"
            summary += (
                f" {report.no_quotes_note()} The detector will suggest quotes in {them} in"
                " the background."
            )
        self.last_summary = summary
        self.info.emit(summary)
        self.message.emit(summary, 10000)
        if report.stopped or report.failed or any(f.problems or f.notes for f in report.files):
            self._show_report(summary, report.lines())
        self.finished.emit(report)

    def _failed(self, message: str) -> None:
        self._done()
        if self.closing:
            return
        self.message.emit(f"The import stopped: {message}", 15000)
        self.finished.emit(None)

    def _show_report(self, summary: str, lines: list[str]) -> None:
        """Some file failed or had bad entries: the per-file lines in a box (on a screen)."""
        self.report_box = report_box(
            QMessageBox.Icon.Warning,
            APP_TITLE,
            summary,
            "Some files or entries could not be imported; see the details.",
            lines,
            self._box_parent,
        )
        if can_show_windows():
            self.report_box.open()

    def show_last_report(self) -> QMessageBox:
        """File > Last import report: the report of this window's last import again (the
        status bar's summary is soon replaced, and the box once closed is gone)."""
        report = self.last_report
        if report is None:
            box = QMessageBox(
                QMessageBox.Icon.Information,
                REPORT_TITLE,
                "No import has run in this window yet.",
                QMessageBox.StandardButton.Ok,
                self._box_parent,
            )
            self.report_box = box
            if can_show_windows():
                box.open()
            return box
        bad = report.stopped or report.failed or any(f.problems or f.notes for f in report.files)
        self.report_box = report_box(
            QMessageBox.Icon.Warning if bad else QMessageBox.Icon.Information,
            REPORT_TITLE,
            self.last_summary,
            "Some files or entries could not be imported; see the details." if bad else "",
            list(report.lines()),
            self._box_parent,
        )
        if can_show_windows():
            self.report_box.open()
        return self.report_box

    def shutdown(self) -> None:
        """The window closes: an import under way is stopped at once (its child process
        killed: the groups it committed stay, the one under way is rolled back; see
        :meth:`ImportTask.abandon`), so the window's wait for its pool is short."""
        self.closing = True
        if self.task is not None:
            self.task.abandon()
