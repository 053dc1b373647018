"""Project > settings: the dialog edits, the service writes."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from annotator.services.project_settings import ProjectSettings, load_settings, save_settings
from annotator.store.project import Project
from annotator.ui.dialogs import SettingsDialog
from annotator.ui.quit_shortcut import add_modal_quit


class SettingsController(QObject):
    """Shows :class:`SettingsDialog` and saves through :func:`save_settings`.

    Signals:
        changed(names): these settings were written (stance_labels, stance_target, guidelines,
            quote_marks_inside).
        message(text, ms): a passing status-bar message.
    """

    changed = Signal(list)
    message = Signal(str, int)

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.dialog: SettingsDialog | None = None

    def edit(self, parent: QWidget, actor: str) -> None:
        """Show the dialog; on OK write what differs as ``actor``."""
        now = load_settings(self.project)
        dlg = SettingsDialog(
            list(now.stance_labels),
            now.stance_target,
            now.guidelines,
            parent,
            marks_inside=now.marks_inside,
        )
        self.dialog = dlg
        add_modal_quit(dlg)
        if not dlg.exec():
            return
        new = ProjectSettings(
            tuple(dlg.labels()), dlg.target(), dlg.guidelines(), dlg.marks_inside()
        )
        try:
            written = save_settings(self.project, new, actor)
        except Exception as exc:
            self.message.emit(f"The settings were not saved: {exc}", 15000)
            return
        self.changed.emit(written)
