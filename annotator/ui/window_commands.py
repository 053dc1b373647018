"""The main window's search keys, read-only state, position memory, annotator switch, and
fitting its frame to the screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import QLabel

from annotator.services.session import Session
from annotator.ui.controllers.position import PositionController
from annotator.ui.controllers.search import SearchController
from annotator.ui.controllers.settings import SettingsController
from annotator.ui.dialogs import AnnotatorDialog
from annotator.ui.project_commands import ProjectCommands
from annotator.ui.quit_shortcut import add_modal_quit

SETTINGS_ANNOTATOR = "annotator"


class WindowCommands(ProjectCommands):
    """Mixin of :class:`annotator.ui.main_window.MainWindow`: search, read-only, position."""

    search: SearchController
    position: PositionController
    settings_ctl: SettingsController
    read_only_banner: QLabel
    read_only_label: QLabel
    _stance_actions: list[QAction]
    _fit_pending: bool

    if TYPE_CHECKING:

        def _new_session(self, annotator: str) -> Session: ...

        def _apply_project_settings(self) -> None: ...

        def _load_article_list(self) -> None: ...

        def _show_article(self) -> None: ...

        def _update_title(self) -> None: ...

    # -- search keys --------------------------------------------------------------------------

    def search_enter(self) -> None:
        """Enter in the search box: go to the first hit, back in the text (the reads under
        way go on: Esc stops them, Enter does not)."""
        self.search.enter()
        self.view.setFocus()

    def find_next(self) -> None:
        """F3: the next search hit, in this article and then in the next listed ones."""
        self.search.find(1)

    def find_previous(self) -> None:
        """Shift+F3: the previous search hit."""
        self.search.find(-1)

    # -- read-only projects ------------------------------------------------------------------

    def editing_actions(self) -> list[QAction]:
        """Every action that writes to the project (disabled when it is read-only)."""
        return [*self._editing, *self._stance_actions]

    def _show_read_only(self, banner: str, tooltip: str) -> None:
        self.read_only_banner.setText(banner)
        self.read_only_banner.show()
        self.read_only_label.show()
        self._disable_editing(tooltip)

    def _disable_editing(self, tooltip: str) -> None:
        for act in self.editing_actions():
            act.setEnabled(False)
            act.setToolTip(tooltip)
        self.panel.set_read_only(True)
        self.view.editable = False

    # -- position memory ---------------------------------------------------------------------

    def _restore_position(self) -> None:
        """Open where the annotator stopped (see :meth:`PositionController.choose`)."""
        resume = self.session.resume_position()
        # only the two remembered articles are looked up (not every id of the project)
        wanted = [p[0] for p in (resume, self.position.saved()) if p is not None]
        ids = self.project.existing_article_ids(wanted)
        target = self.position.choose(resume, ids)
        if target is None:
            first = self.article_list.neighbour(-1, 1)
            target = (first, None) if first is not None else None
        if target is not None:
            self.open_article(*target)
        else:
            self._show_article()

    def save_position(self) -> None:
        """Remember the position in QSettings now, and in the project after a pause."""
        art = self.session.article
        if art is not None:
            cur = self.session.current
            self.position.remember(art.id, cur.key if cur else None)

    # -- annotator and settings ----------------------------------------------------------------

    def _ask_annotator(self, current: str | None) -> str | None:
        dlg = AnnotatorDialog(self.project.annotators(), current, self)
        add_modal_quit(dlg)
        if dlg.exec() and dlg.name():
            return dlg.name()
        return None

    def switch_annotator(self, name: str | None = None) -> None:
        """Continue as another annotator (their own versions, position and progress)."""
        if name is None:
            name = self._ask_annotator(self.session.annotator)
        if not name or name == self.session.annotator:
            return
        self.save_position()
        self.position.record()
        self.settings.setValue(SETTINGS_ANNOTATOR, name)
        record = getattr(self, "open_record", None)  # what other windows see of this one
        if record is not None:
            record.set_annotator(name)
        self.session = self._new_session(name)
        self.position.annotator = name
        self.undo_stack.clear()
        self._load_article_list()
        self._restore_position()
        self._update_title()
        self.statusBar().showMessage(f"Now annotating as {name}.", 5000)

    def edit_settings(self) -> None:
        self.settings_ctl.edit(self, self.session.annotator)

    def _settings_changed(self, _written: list[str]) -> None:
        self._apply_project_settings()
        self.refresh_targets()
        self._show_current(scroll=False)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if getattr(self, "_fit_pending", False):
            self._fit_pending = False
            # The window manager adds its title bar a moment after the window is shown.
            QTimer.singleShot(0, lambda: self.fit_to_screen(tries=10))

    def fit_to_screen(self, tries: int = 0) -> None:
        """Shrink the window so its frame (title bar included) fits the screen's free area:
        on a 1366x768 laptop the status bar must not end up below the screen's edge.

        Args:
            tries: how many more times (100 ms apart) to wait for the window manager's
                frame when none is there yet.
        """
        screen = self.screen()
        if screen is None or self.isMaximized() or self.isFullScreen():
            return
        avail = screen.availableGeometry()
        frame = self.frameGeometry()
        extra_w = frame.width() - self.width()
        extra_h = frame.height() - self.height()
        if extra_h == 0 and tries > 0:
            QTimer.singleShot(100, lambda: self.fit_to_screen(tries - 1))
            return
        width = min(self.width(), avail.width() - extra_w)
        height = min(self.height(), avail.height() - extra_h)
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
        if not avail.contains(self.frameGeometry()):
            self.move(
                max(avail.left(), min(frame.left(), avail.right() - width - extra_w)),
                max(avail.top(), min(frame.top(), avail.bottom() - height - extra_h)),
            )
