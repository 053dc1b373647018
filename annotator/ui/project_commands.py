"""Window commands of issue 10 that are not about one quote's spans: stance targets, the
colour legend, zoom, opening other projects, About, dropping files to import, and the
article list's "Show" filter.

A mixin of :class:`~annotator.ui.main_window.MainWindow` (between it and
:class:`~annotator.ui.commands.QuoteCommands`), so main_window.py stays a layout.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

from PySide6.QtCore import QSettings, Qt, QThreadPool, QUrl
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

import annotator
from annotator.core.errors import OpenCancelled, ProjectError
from annotator.core.wording import count_noun
from annotator.store.db import StoreDatabaseError
from annotator.store.project import Project
from annotator.ui.article_view import legend_html
from annotator.ui.commands import APP_TITLE, QuoteCommands
from annotator.ui.controllers.detection import DetectionController
from annotator.ui.quit_shortcut import add_modal_quit
from annotator.ui.quote_panel import QuotePanel
from annotator.ui.workers import ListFilterTask, TargetsTask, Task

SETTINGS_ZOOM = "view/zoom"
SETTINGS_RECENT = "recent_projects"
#: How many projects File > Open recent lists.
RECENT_MAX = 8
PROJECT_FILTERS = "Quote Annotator projects (*.db *.sqlite *.qa);;All files (*)"

#: Windows opened from File > Open/New: kept referenced until they are destroyed.
_OPENED: list[QWidget] = []


class LegendDialog(QDialog):
    """View > Colour legend: what each highlight in the article means."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Colour legend")
        self.resize(560, 360)
        lay = QVBoxLayout(self)
        self.view = QTextBrowser()
        self.view.setObjectName("colourLegend")
        self.view.setHtml(legend_html())
        lay.addWidget(self.view)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)


def recent_projects(settings: QSettings) -> list[str]:
    """The remembered project paths, newest first."""
    value = settings.value(SETTINGS_RECENT, [])
    if isinstance(value, str):  # QSettings gives a lone string for a one-item list
        return [value] if value else []
    if not isinstance(value, (list, tuple)):
        return []
    return [str(v) for v in value if v]


def remember_project(settings: QSettings, path: Path) -> list[str]:
    """Put ``path`` first in the recent list (at most :data:`RECENT_MAX`); return the list."""
    resolved = str(path.resolve())
    paths = [resolved, *(p for p in recent_projects(settings) if p != resolved)][:RECENT_MAX]
    settings.setValue(SETTINGS_RECENT, paths)
    return paths


class ProjectCommands(QuoteCommands):
    """Slots of the issue-10 actions (see :data:`annotator.ui.actions.ACTIONS`)."""

    #: the Help > About box while it is up (tests find it here)
    about_box: QMessageBox | None = None

    settings: QSettings
    project: Project
    panel: QuotePanel
    detection: DetectionController
    readonly: bool
    project_path: Path
    _open_window: Callable[[Path], QWidget]
    #: the pool task reading the project's stance targets, while it runs
    targets_task: TargetsTask | None = None
    _targets_generation = 0
    start_list_task: Callable[..., None]
    cancel_list_task: Callable[[Task], None]
    _filter_generation = 0
    #: the filter read running, and its (name, value)
    _filter_task: ListFilterTask | None = None
    _filter_question: tuple[str, str] = ("", "")
    _filter_again: tuple[str, str] | None = None

    # -- stance targets -----------------------------------------------------------------------

    def focus_target(self) -> None:
        """G: type the current quote's own stance target (Enter keeps it)."""
        if self.session.current is not None:
            self.panel.target_edit.setFocus()
            self.panel.target_edit.selectAll()

    def set_quote_target(self, text: str) -> None:
        if self._push(self.session.plan_stance_target(text)):
            self._offer_target(text)
            self.refresh_targets()

    def _offer_target(self, text: str | None) -> None:
        """Offer a target just used at once (the pool's full list follows)."""
        if text and text.strip() and text.strip() not in self.panel.targets():
            self.panel.set_targets([*self.panel.targets(), text.strip()])

    def ask_article_target(self, current: str, targets: list[str]) -> str | None:
        """The article's new stance target from a dialog (None: cancelled). Tests replace it."""
        items = list(dict.fromkeys([current, *targets]))
        text, ok = QInputDialog.getItem(
            self,
            "Stance target of this article",
            "What the stances in this article are about (empty: the project's default):",
            items,
            0,
            True,
        )
        return text if ok else None

    def edit_article_target(self) -> None:
        """Shift+G: set the open article's stance target."""
        art = self.session.article
        if art is None or self.read_only.refuse():
            return
        text = self.ask_article_target(art.stance_target or "", self.panel.targets())
        if text is not None and self._push(self.session.plan_article_target(text)):
            if not self.conflicted:  # else the target set in the other window stays
                self._offer_target(text)
                self.refresh_targets()
            self._show_current(scroll=False)

    def refresh_targets(self) -> None:
        """Offer every target used in the project in the quote panel's completer.

        The targets are read by a pool task (the query reads every article: seconds on a
        large project) and set when it ends; until then the completer keeps what it had.
        ``targets_task`` is the task while it runs (None after).
        """
        self._targets_generation += 1
        task = TargetsTask(self.project_path, self._targets_generation)
        task.signals.finished.connect(self._targets_read)
        task.signals.failed.connect(lambda _msg: self._targets_read(None))
        self.targets_task = task
        QThreadPool.globalInstance().start(task)

    def _targets_read(self, result: object) -> None:
        if result is None:  # unreadable: the completer keeps what it had
            self.targets_task = None
            return
        read: tuple[int, list[str]] = result  # type: ignore[assignment]
        generation, targets = read
        if generation == self._targets_generation:
            self.targets_task = None
            self.panel.set_targets(targets)

    # -- legend and zoom -----------------------------------------------------------------------

    def show_legend(self) -> None:
        dlg = LegendDialog(self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.show_window(dlg)
        self._legend = dlg

    def zoom_in(self) -> None:
        self._zoom(self.view.zoom_steps + 1)

    def zoom_out(self) -> None:
        self._zoom(self.view.zoom_steps - 1)

    def zoom_reset(self) -> None:
        self._zoom(0)

    def _zoom(self, steps: int) -> None:
        applied = self.view.set_zoom(steps)
        self.settings.setValue(SETTINGS_ZOOM, applied)
        self.view.set_current(self.session.current, scroll=True)
        self.statusBar().showMessage(f"Text size {self.view.point_size():g} pt.", 3000)

    def restore_zoom(self) -> None:
        """Apply the zoom remembered in QSettings."""
        try:
            steps = int(self.settings.value(SETTINGS_ZOOM, 0))  # type: ignore[call-overload]
        except (TypeError, ValueError):
            steps = 0
        self.view.set_zoom(steps)

    # -- projects -------------------------------------------------------------------------------

    def ask_new_project_path(self) -> str:
        """Where to create a project ("" cancelled). Tests replace this."""
        path, _f = QFileDialog.getSaveFileName(
            self, "New project", str(self.project_path.parent), PROJECT_FILTERS
        )
        return path

    def ask_open_project_path(self) -> str:
        """Which project to open ("" cancelled). Tests replace this."""
        path, _f = QFileDialog.getOpenFileName(
            self, "Open project", str(self.project_path.parent), PROJECT_FILTERS
        )
        return path

    def new_project(self) -> None:
        """File > New project…: create an empty project and open it in this window's place."""
        raw = self.ask_new_project_path()
        if not raw:
            return
        path = Path(raw)
        if path.exists() and path.stat().st_size > 0:
            self.statusBar().showMessage(f"{path.name} exists already: opening it.", 5000)
        else:
            try:
                Project.open(path, create=True).close()
            except ProjectError as exc:
                QMessageBox.warning(self, APP_TITLE, str(exc))
                return
        self.switch_project(path)

    def open_project(self) -> None:
        """File > Open project…"""
        raw = self.ask_open_project_path()
        if raw:
            self.switch_project(Path(raw))

    def fill_recent_menu(self) -> None:
        """Rebuild File > Open recent from QSettings (a missing file is listed, disabled)."""
        menu = self.recent_menu
        menu.clear()
        here = str(self.project_path.resolve())
        for raw in recent_projects(self.settings):
            if raw == here:
                continue
            path = Path(raw)
            act = QAction(f"{path.name}  —  {path.parent}", menu)
            act.setData(raw)
            if not path.exists():
                act.setEnabled(False)
                act.setToolTip("The file is no longer there")
            act.triggered.connect(lambda _c=False, p=path: self.switch_project(p))
            menu.addAction(act)
        if menu.isEmpty():
            none = menu.addAction("(no other project yet)")
            none.setEnabled(False)

    def switch_project(self, path: Path) -> QWidget | None:
        """Open ``path`` in a new window and close this one (its connection with it).

        Returns the new window, or None when it could not be opened (this one stays).
        """
        if path.resolve() == self.project_path.resolve():
            self.statusBar().showMessage(f"{path.name} is the project open here.", 5000)
            return None
        try:
            win = self._open_window(path)
        except OpenCancelled:
            return None
        except ProjectError as exc:
            QMessageBox.warning(self, APP_TITLE, str(exc))
            return None
        except StoreDatabaseError as exc:
            QMessageBox.warning(self, APP_TITLE, f"{path}: cannot be opened ({exc})")
            return None
        _OPENED.append(win)
        win.destroyed.connect(lambda _o=None, w=win: _OPENED.remove(w) if w in _OPENED else None)
        win.show()
        # this window goes for good: its project connection is closed in closeEvent and
        # the widget is deleted, so switching projects all day does not pile windows up
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.close()
        return win

    def about_text(self) -> str:
        """Help > About: the version, the project file and the detector in use."""
        info = self.detection.model_info
        if info is None:
            detector = "not loaded (yet)"
        else:
            detector = str(getattr(info, "message", "") or getattr(info, "name", "model"))
        from annotator.core.versions import DETECTOR_VERSION

        return (
            f"<b>{APP_TITLE} {annotator.__version__}</b><br>"
            "Confirm and fix quotes, speakers and stance in news articles.<br>"
            "Every action is saved as it happens.<br><br>"
            f"Project: <code>{self.project_path.resolve()}</code><br>"
            f"Detector: {DETECTOR_VERSION}; pipeline: {detector}"
        )

    def about(self) -> QMessageBox:
        """Help > About: a modal box (Ctrl+Q in it quits, :func:`add_modal_quit`)."""
        box = QMessageBox(QMessageBox.Icon.NoIcon, APP_TITLE, self.about_text(), parent=self)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setEscapeButton(QMessageBox.StandardButton.Ok)
        add_modal_quit(box)
        self.about_box = box
        box.exec()
        return box

    # -- drag and drop ------------------------------------------------------------------------

    @staticmethod
    def _dropped_paths(urls: list[QUrl]) -> list[str]:
        return [u.toLocalFile() for u in urls if u.isLocalFile() and u.toLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        data = event.mimeData()
        if not self.readonly and data.hasUrls() and self._dropped_paths(data.urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        """Files or folders dropped on the window: the same import as File > Import."""
        paths = self._dropped_paths(event.mimeData().urls())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        if self.importer.busy():
            self.statusBar().showMessage("An import is running; drop again when it ends.", 5000)
            return
        self.start_import(paths)

    # -- the article list's "Show" filter ---------------------------------------------------

    def apply_list_filter(self, name: str = "", value: str = "", asked: bool = True) -> None:
        """Keep only the articles filter ``name`` selects (see ``queries.filter_article_ids``),
        read on a pool thread (a project-wide query); the list changes when it arrives.
        ``asked``: the analyst chose it (the list shows it is filtering until then); a
        refresh after a decision leaves the list as it is meanwhile.

        A read of another question still running is interrupted, not waited for (issue 16:
        a stale 10-second read held the newer one back); a refresh of the question being
        read is read again once it ends."""
        if name and self._filter_task is not None and self._filter_question == (name, value):
            if asked:
                self.article_list.filter_asked()
            else:  # decisions came meanwhile: read it again once this read ends
                self._filter_again = (name, value)
            return
        self._filter_generation += 1
        self._filter_again = None
        self._stop_filter()
        if not name:
            self.article_list.set_filter_ids(None)
            self.statusBar().clearMessage()  # "N articles match the filter." no longer holds
            return
        if asked:
            self.article_list.filter_asked()
        task = ListFilterTask(
            self.project_path, self.session.annotator, name, value, self._filter_generation
        )
        self._filter_task, self._filter_question = task, (name, value)
        self.start_list_task(
            task,
            lambda result: self._filter_read(task, result),
            lambda message: self._filter_failed(task, message),
            lambda: self._filter_stopped(task),
        )

    def _stop_filter(self) -> None:
        """Interrupt the filter read running (its answer would be stale)."""
        task, self._filter_task = self._filter_task, None
        if task is not None:
            self.cancel_list_task(task)

    def cancel_list_filter(self) -> bool:
        """Esc on the busy list: stop the filter being read; the list keeps the rows and
        the filter it shows (True if one was being read)."""
        if self._filter_task is None:
            return False
        self._filter_again = None
        self._filter_generation += 1
        self._stop_filter()
        self.article_list.filter_cancelled()
        self.statusBar().showMessage("Filter stopped; the list is as it was.", 4000)
        return True

    def _filter_next(self, task: ListFilterTask) -> bool:
        """The filter read ``task`` ended: ask the question that came meanwhile; True if one
        did (or a newer read is on its way)."""
        if task is not self._filter_task:
            return True  # a read replaced by a newer one
        self._filter_task = None
        again, self._filter_again = self._filter_again, None
        if again is None:
            return False
        self.apply_list_filter(*again, asked=False)
        return True

    def _filter_read(self, task: ListFilterTask, result: object) -> None:
        generation, ids = cast(tuple[int, set[int]], result)
        if self._filter_next(task) or generation != self._filter_generation:
            return  # a newer question is on its way, or the filter was cleared
        self.article_list.set_filter_ids(ids)
        self.statusBar().showMessage(
            f"{count_noun(len(ids), 'article')} match{'es' if len(ids) == 1 else ''} the filter.",
            4000,
        )

    def _filter_failed(self, task: ListFilterTask, message: str) -> None:
        if self._filter_next(task):
            return
        self.article_list.filter_failed()
        self.statusBar().showMessage(f"Filter not applied: {message}.", 8000)

    def _filter_stopped(self, task: ListFilterTask) -> None:
        """A filter read ended by an interrupt: a newer read or the cancel took over."""
        if task is self._filter_task:  # not asked by this window: say nothing, as a failure
            self._filter_task = None
            self.article_list.filter_failed()

    def refresh_list_filter(self, article_ids: Sequence[int] | None = None) -> None:
        """Re-run the active filter (decisions change which articles it keeps); when only
        ``article_ids`` changed and the rows answer this filter, ask about them alone and
        keep the rest of the answer (a decision asked the whole project again: 6 ms of
        SQL at 10,000 articles for "Has undecided quotes", 62 ms for a speaker)."""
        name, value = self.article_list.filter()
        if not name:
            return
        lst = self.article_list
        known = lst.filter_answer()
        if article_ids and self._filter_task is None and known is not None:
            question, ids = known
            if question == (name, value):
                self._ask_filter_about(name, value, list(article_ids), ids)
                return
        self.apply_list_filter(name, value, asked=False)

    def _ask_filter_about(
        self, name: str, value: str, article_ids: list[int], ids: set[int]
    ) -> None:
        """Read whether ``article_ids`` pass the filter whose answer is ``ids``; the list
        takes ``ids`` with theirs replaced (as the answer of the whole question)."""
        self._filter_generation += 1
        self._filter_again = None
        task = ListFilterTask(
            self.project_path,
            self.session.annotator,
            name,
            value,
            self._filter_generation,
            only=article_ids,
        )
        self._filter_task, self._filter_question = task, (name, value)

        def done(result: object) -> None:
            generation, found = cast(tuple[int, set[int]], result)
            self._filter_read(task, (generation, (ids - set(article_ids)) | found))

        self.start_list_task(
            task,
            done,
            lambda message: self._filter_failed(task, message),
            lambda: self._filter_stopped(task),
        )
