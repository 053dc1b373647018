"""The application entry point: create the QApplication, show the window, run the loop."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.core.errors import OpenCancelled, ProjectError
from annotator.services.project_settings import read_resource
from annotator.store.db import StoreDatabaseError, damage_message, is_damage
from annotator.ui.screen import can_show_windows

__all__ = ["can_show_windows", "configure_application", "run_app", "show_project_error"]

ORGANISATION = "quote-annotator"
APPLICATION = "Quote Annotator"


def show_project_error(message: str) -> bool:
    """Tell the person who launched the window why the project cannot be opened.

    The command line prints the same sentence; this box is for a launch from a desktop
    icon, where nobody reads stderr. Returns False when there is no screen to show it on.
    """
    if not can_show_windows():
        return False
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
        configure_application(app)
    box = QMessageBox(QMessageBox.Icon.Critical, APPLICATION, "The project cannot be opened.")
    box.setInformativeText(message)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()
    return True


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
    from annotator.ui.main_window import MainWindow

    style = read_resource("style.qss")
    if style:
        app.setStyleSheet(style)
    try:
        window = MainWindow(Path(project_path), model=model, annotator=annotator)
    except OpenCancelled:  # the user chose not to open it (open in another window)
        return 0
    except ProjectError as exc:  # refused (newer schema, locked…): a sentence, no traceback
        print(f"annotator: error: {exc}", file=sys.stderr)
        show_project_error(str(exc))
        return 1
    except StoreDatabaseError as exc:
        if not is_damage(exc):
            raise
        # a page of the file cannot be read (a disk fault): the way to the work, no
        # traceback (tester20 U9)
        said = damage_message(project_path, exc)
        print(f"annotator: error: {said}", file=sys.stderr)
        show_project_error(said)
        return 1
    if message:
        window.show_info(message)
    window.show()
    window.focus_text()
    # The modules and the window live as long as the process: leave them out of every
    # later full garbage collection, whose pause grows with what it walks (issue 16: the
    # agreement's worker triggered one every second or so, 80-140 ms of frozen window).
    gc.freeze()
    from annotator.ui.closing import end_process

    return end_process(int(app.exec()))
