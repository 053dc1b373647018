"""At open: say when the project is open in another window already, and let the user
choose to open it anyway, read-only, or not at all."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.store.open_sessions import OpenSession

APP_TITLE = "Quote Annotator"
ANYWAY, READ_ONLY, CANCEL = "anyway", "read-only", "cancel"


def risky(others: list[OpenSession], annotator: str) -> list[OpenSession]:
    """The other windows annotating as ``annotator`` (two windows of one annotator may
    decide the same quote twice; other annotators keep their own versions)."""
    return [o for o in others if o.annotator.casefold() == annotator.casefold()]


def message(project: Path, annotator: str, others: list[OpenSession]) -> tuple[str, str]:
    """The box's text and informative text (HTML) for :func:`ask`."""
    same = risky(others, annotator)
    text = f"{project.name} is already open as {annotator} in another window."
    lines = "".join(f"<li>{html.escape(o.describe())}</li>" for o in others)
    info = (
        f"Open elsewhere:<ul>{lines}</ul>"
        "If both windows decide the same quotes, the one that saves second is told the "
        "quote was changed and shown the saved state; nothing is lost, but the work may be "
        "done twice. <b>Open read-only</b> to look without changing anything, or "
        "<b>Cancel</b> and use the other window."
    )
    if not same:  # not asked: the status bar says it (see note)
        text = f"{project.name} is also open in another window."
    return text, info


def ask(parent: QWidget | None, project: Path, annotator: str, others: list[OpenSession]) -> str:
    """Ask what to do: :data:`ANYWAY`, :data:`READ_ONLY` or :data:`CANCEL` (a modal box
    before the window shows; tests replace this function)."""
    text, info = message(project, annotator, others)
    box = QMessageBox(
        QMessageBox.Icon.Warning, APP_TITLE, text, QMessageBox.StandardButton.NoButton, parent
    )
    box.setInformativeText(info)
    anyway = box.addButton("Open anyway", QMessageBox.ButtonRole.AcceptRole)
    ro = box.addButton("Open read-only", QMessageBox.ButtonRole.ActionRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(ro)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    if clicked is anyway:
        return ANYWAY
    if clicked is ro:
        return READ_ONLY
    return CANCEL


def note(others: list[OpenSession]) -> str:
    """The status-bar note when only other annotators have the project open."""
    names = sorted({o.annotator for o in others})
    return f"Also open in another window: {', '.join(names)} (each keeps their own versions)."
