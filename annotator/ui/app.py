"""The application entry point: create the QApplication, show the window, run the loop."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

ORGANISATION = "quote-annotator"
APPLICATION = "Quote Annotator"


def configure_application(app: QCoreApplication) -> None:
    """Names for QSettings (where the annotator's name and position are remembered)."""
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)


def run_app(
    project_path: Path,
    model: str | None = None,
    annotator: str | None = None,
    message: str | None = None,
) -> int:
    """Open the annotation window on ``project_path`` and run until it closes.

    Args:
        project_path: the project file (already created or upgraded by the caller).
        model: the spaCy pipeline to load in the background (None: the default order).
        annotator: annotate as this name (None: the remembered name, else asked once).
        message: shown in the status bar (e.g. the report of the first import).

    Returns:
        The event loop's exit code.
    """
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    configure_application(app)
    from annotator.ui.main_window import MainWindow, read_resource

    style = read_resource("style.qss")
    if style:
        app.setStyleSheet(style)
    window = MainWindow(Path(project_path), model=model, annotator=annotator)
    if message:
        window.show_info(message)
    window.show()
    window.focus_text()
    return int(app.exec())
