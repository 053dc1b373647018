"""A project file that cannot be written: say so once in a box, and for good in a banner."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.store.db import read_only_fix, read_only_reason

APP_TITLE = "Quote Annotator"
READ_ONLY_NOTE = "Read-only: changes are not saved"


class ReadOnlyController(QObject):
    """Decides what a read-only project means for the window.

    Signals:
        entered(banner_html, tooltip): show the banner and switch editing off, with this
            tooltip on every editing action.
        message(text, ms): a passing status-bar message (an edit was refused).
    """

    entered = Signal(str, str)
    message = Signal(str, int)

    def __init__(
        self,
        project_path: Path,
        readonly: bool,
        parent: QObject | None = None,
        reason: str = "",
        fix: str = "",
    ) -> None:
        super().__init__(parent)
        self.project_path = project_path
        self.readonly = readonly
        #: why and what to do, when the user chose read-only (else found from the file;
        #: no box then, only the banner)
        self.reason = reason
        self.fix = fix
        self.box: QMessageBox | None = None

    def enter(self, box_parent: QWidget) -> None:
        """Announce the mode (nothing when the project is writable)."""
        if not self.readonly:
            return
        reason = self.reason or read_only_reason(self.project_path) or "it cannot be written"
        why = f"{self.project_path} is read-only: {reason}"
        fix = self.fix or read_only_fix(self.project_path, reason)
        self.entered.emit(
            f"<b>{READ_ONLY_NOTE}.</b> {html.escape(why)}. You can read and move around; to "
            f"annotate, {html.escape(fix)}.",
            self.tooltip(),
        )
        if self.reason:  # the user chose read-only a moment ago: the banner is enough
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            APP_TITLE,
            f"{self.project_path.name} is read-only: changes are not saved.",
            QMessageBox.StandardButton.Ok,
            box_parent,
        )
        box.setInformativeText(
            f"{why}. Articles and quotes can be read and navigated; every editing command "
            f"is switched off. To annotate, {fix}."
        )
        self.box = box
        QTimer.singleShot(0, box.open)

    def tooltip(self) -> str:
        return f"{READ_ONLY_NOTE} ({self.project_path.name})"

    def refuse(self) -> bool:
        """True (and says so) when an edit must not happen."""
        if self.readonly:
            self.message.emit(f"{READ_ONLY_NOTE}.", 5000)
        return self.readonly
