"""The annotation window: article list, article view, quote panel, guidelines, status bar.

The window keeps the layout, the action table and the dispatch of ops. Widgets only
translate events: every command is a QAction (with a shortcut, in a menu) that asks the
:class:`Session` to plan an op and pushes it on the undo stack. The session announces every
change as one :class:`Change`, and :meth:`MainWindow.on_change` refreshes every view from it.
The other jobs are controllers (:mod:`annotator.ui.controllers`) reporting by signals.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QEvent, QSettings, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import OpenCancelled
from annotator.core.model import SuggestionRecord
from annotator.core.speakers import warm_up_read as read_first_names
from annotator.core.speakers import warm_up_step as warm_up_first_names
from annotator.core.wording import count_noun, plural
from annotator.services.items import ItemKey
from annotator.services.ops import Change
from annotator.services.project_settings import load_settings
from annotator.services.session import LateItems, Session
from annotator.store import open_sessions, queries
from annotator.store.open_sessions import SessionRecord
from annotator.store.project import WINDOW_WRITE_WAIT_S, Project
from annotator.store.queries import ArticleRow, Totals
from annotator.ui import closing, open_elsewhere
from annotator.ui.article_list import ArticleList
from annotator.ui.article_view import ArticleView, legend_html
from annotator.ui.commands import ALL_DECIDED, APP_TITLE, FILLING
from annotator.ui.controllers.detection import DetectionController
from annotator.ui.controllers.importing import ImportController
from annotator.ui.controllers.names import NamesController
from annotator.ui.controllers.position import PositionController
from annotator.ui.controllers.read_only import ReadOnlyController
from annotator.ui.controllers.search import SearchController
from annotator.ui.controllers.settings import SettingsController
from annotator.ui.detector_commands import DetectorCommands
from annotator.ui.dialogs import ShortcutSheet, shortcut_sheet_html
from annotator.ui.lock_notice import LockNotice
from annotator.ui.project_commands import remember_project
from annotator.ui.quote_panel import QuotePanel
from annotator.ui.status import StatusArea
from annotator.ui.warm_imports import warm_in_background
from annotator.ui.window_commands import SETTINGS_ANNOTATOR
from annotator.ui.workers import (
    CallTask,
    ListOrderTask,
    ListRowsTask,
    SuggestionsTask,
    Task,
    TaskRunner,
    TotalsTask,
    default_loader,
)

#: Delay before the first-name list is read in the pool (ms), then parsed in slices of a
#: few ms when the window is idle: soon after the window's start, so the list is ready
#: before the first new speaker in most sessions (at 3 s, a first accept 2.4 s after the
#: start parsed the whole list on the key, 0.45 s at load 7.6, tester20 U13).
WARM_UP_DELAY_MS = 800
#: After this (ms), the export dialog's and the dashboard's modules are imported on a
#: thread of their own (:mod:`annotator.ui.warm_imports`, tester17 F12).
WARM_IMPORTS_DELAY_MS = 4000
#: How often the window looks for written but not yet checkpointed changes (ms).
CHECKPOINT_POLL_MS = 250
#: While another program keeps writing the project (a terminal import commits every
#: 50 ms), the article list and its totals are read again at most this often (ms) on an
#: article change or activation; a change noticed within it is read when it is over.
ELSEWHERE_LIST_INTERVAL_MS = 3000
#: Longest wait (seconds) of a key's write for the lock while the window's own import
#: runs (it yields before each group, so a longer wait is only a loaded machine's slow
#: group; a refusal would drop the key).
OWN_IMPORT_WRITE_WAIT_S = 1.0


#: Seconds the closing window's writes (a half-typed field, the position) wait for the
#: write lock: children were just killed and may hold it a little longer (see closeEvent).
CLOSING_WRITE_WAIT_S = 2.0


class MainWindow(DetectorCommands):
    """The window an analyst spends the day in.

    Args:
        project_path: the project file.
        model: the spaCy pipeline to load (None: the product's default order).
        annotator: annotate as this name (None: remembered in QSettings, else asked).
        load_model: load the pipeline (and then detect new articles) in the background.
        pipeline_loader: replaces the pipeline factory (tests use a blank pipeline).
    """

    #: An import from the File menu ended and the window shows its result (the report, or
    #: None when the import stopped on an error).
    import_finished = Signal(object)

    def __init__(
        self,
        project_path: Path | str,
        model: str | None = None,
        annotator: str | None = None,
        load_model: bool = True,
        pipeline_loader: Callable[[], tuple[Any, Any]] | None = None,
    ) -> None:
        super().__init__()
        self.project_path = Path(project_path)
        self.project = Project.open(self.project_path)
        self._open_window = lambda path: MainWindow(
            path, model, self.session.annotator, load_model, pipeline_loader
        )
        self.readonly = self.project.readonly
        self.settings = QSettings()
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._windows: list[QWidget] = []
        self._stance_actions: list[QAction] = []
        self._closing = False
        self._list_generation = 0
        # the article list's orders, filters and totals are read here (one thread, run at a
        # lower priority than this one: project-wide reads, see workers.lower_thread_priority)
        self._list_reads = TaskRunner(self)
        self.list_pool = self._list_reads.pool
        # the list's pages: their own thread, so a long order or count never delays them
        self._page_reads = TaskRunner(self)
        self.page_pool = self._page_reads.pool
        # the progress totals: their own thread, so a filter or sort asked just after the
        # window opens does not wait for them (issue 16: at 100,000 articles read from disk
        # the first count takes 4 s, and "Quotes of kind direct" took 4.3 s instead of 0.1 s)
        self.count_pool = TaskRunner(self).pool
        # the suggestions of an article that has very many (see _read_suggestions)
        self._suggestion_reads = TaskRunner(self)
        self._suggestions_task: SuggestionsTask | None = None
        self.suggestion_pool = self._suggestion_reads.pool
        self._totals_task: TotalsTask | None = None
        self._order_task: ListOrderTask | None = None
        self._totals_again = False
        self._list_changes = 0  # list rows changed so far (totals counted before go stale)
        self._import_ending = False  # the list is read again after an import (it only adds)
        self._totals_changes = 0

        name = annotator or str(self.settings.value(SETTINGS_ANNOTATOR, "") or "")
        if not name:
            name = self._ask_annotator(None) or "annotator"
        self.settings.setValue(SETTINGS_ANNOTATOR, name)
        self._open_note = self._check_open_elsewhere(name)
        if self.project.open_note:  # e.g. another program's planner statistics removed
            self._open_note = " ".join(x for x in (self._open_note, self.project.open_note) if x)
        self.session = self._new_session(name)
        self.undo_stack = QUndoStack(self)
        self.lock_notice = LockNotice()

        self._build_widgets()
        self._build_actions()
        self.status = StatusArea(self.statusBar())
        st = self.status  # its widgets under their old names (tests read them)
        self.info_label, self.model_label, self.progress_label = (
            st.info_label,
            st.model_label,
            st.progress_label,
        )
        self.detect_bar, self.import_bar, self.read_only_label = (
            st.detect_bar,
            st.import_bar,
            st.read_only_label,
        )
        # what other windows and processes committed, as last seen (see notice_elsewhere)
        self._seen_version = self.project.data_version()
        # this connection's own commits change the open article's stamp: taken again
        self.project.on_commit = self._own_commit
        self._elsewhere_list_at = -1e9  # time.monotonic() of the last list re-read for it
        self._elsewhere_timer = QTimer(self)
        self._elsewhere_timer.setSingleShot(True)
        self._elsewhere_timer.timeout.connect(self._reread_list_elsewhere)
        self._build_controllers(pipeline_loader or default_loader(model))
        self._build_detector()
        # the .db alone stays whole: a burst of writes is checkpointed once it is over, on
        # a thread of its own (the flush of a large .db to disk froze this one for 0.9 s)
        self.project.checkpoint_in_background()
        # a write waits a fraction of a second for another program's lock, then is refused
        # with a word in the status line (tester17 F13: 10 s freezes and a box per key)
        self.project.write_wait = WINDOW_WRITE_WAIT_S
        self._checkpoint_timer = QTimer(self)
        self._checkpoint_timer.setInterval(CHECKPOINT_POLL_MS)
        self._checkpoint_timer.timeout.connect(lambda: self.project.checkpoint_if_due())
        self._checkpoint_timer.start()
        self.read_only.enter(self)
        self._initial_geometry()
        self.restore_zoom()
        remember_project(self.settings, self.project_path)
        self.recent_menu.aboutToShow.connect(self.fill_recent_menu)
        self.setAcceptDrops(True)
        self._apply_project_settings()
        self.refresh_targets()
        self._load_article_list()
        self._restore_position()
        self._update_title()
        if self._open_note:
            self.status.say(self._open_note, 15000)
        if load_model:
            QTimer.singleShot(0, self.detection.load_model)
        else:
            self.model_label.setText("Model: not loaded")
        # the first new speaker's gender guess must not wait for the whole name list: it is
        # read from disk in the pool, then parsed a slice at a time when this thread is
        # idle, after the first paint (in a pool thread its 0.75 s of Python held the
        # interpreter lock and froze this one)
        self._warm_up_timer = QTimer(self)
        self._warm_up_timer.setInterval(0)
        self._warm_up_timer.timeout.connect(self._warm_up_step)
        self._warm_up_task: CallTask | None = None
        QTimer.singleShot(WARM_UP_DELAY_MS, self._warm_up_read)
        # the first Ctrl+E / dashboard no longer import their modules on this thread
        QTimer.singleShot(WARM_IMPORTS_DELAY_MS, self._warm_imports)
        # what exists now (modules, Qt wrappers, this window) lives as long as the window:
        # out of the cycle collector's scans, whose full pass over all of it took 0.3 s on
        # this thread, or on a pool thread holding the interpreter lock (issue 16)
        gc.freeze()

    def _check_open_elsewhere(self, annotator: str) -> str:
        """Record this window beside the project; when another window of the same
        annotator has it open, ask: open anyway, read-only (the project is re-opened so),
        or cancel (raises OpenCancelled). Returns a note for the status bar ("": none)."""
        self._read_only_why: tuple[str, str] = ("", "")
        self.open_record: SessionRecord | None = None
        if self.readonly:
            return ""
        others = open_sessions.others(self.project_path)
        if open_elsewhere.risky(others, annotator):
            choice = open_elsewhere.ask(None, self.project_path, annotator, others)
            if choice == open_elsewhere.CANCEL:
                self.project.close()
                raise OpenCancelled(f"{self.project_path}: not opened (open in another window)")
            if choice == open_elsewhere.READ_ONLY:
                self.project.close()
                self.project = Project.open(self.project_path, create=False, readonly=True)
                self.readonly = True
                self._read_only_why = (
                    f"it is open as {annotator} in another window, and you chose to open "
                    "it read-only here",
                    "close the other window, then open the project again",
                )
                return ""
        self.open_record = open_sessions.register(self.project_path, annotator)
        return open_elsewhere.note(others) if others else ""

    def _warm_up_read(self) -> None:
        if self._closing:
            return
        task = self._warm_up_task = CallTask(read_first_names)
        task.signals.finished.connect(lambda _r: self._warm_up_timer.start())
        # unreadable: the first guess tries again (and says why) where it is needed
        task.signals.failed.connect(lambda m: self.status.say(f"First-name list: {m}", 8000))
        self.pool.start(task)

    def _warm_imports(self) -> None:
        if not self._closing:
            warm_in_background()

    def _warm_up_step(self) -> None:
        if self._closing or warm_up_first_names():
            self._warm_up_timer.stop()

    # -- construction ------------------------------------------------------------------------

    def _new_session(self, annotator: str) -> Session:
        session = Session(self.project, annotator)
        session.min_confidence = self.min_confidence_setting()
        session.subscribe(self.on_change)
        session.on_late_suggestions = self._read_suggestions
        return session

    def _read_suggestions(self, article_id: int) -> None:
        """Read the open article's many suggestions off this thread (issue 16, tester18
        T8): the text shows at once, the quotes when they come; a key on a quote not there
        yet is refused with a status line (see QuoteCommands._outlined_on_screen)."""
        if self._closing:
            return
        if self._suggestions_task is not None:
            self._suggestion_reads.cancel(self._suggestions_task)
        s = self.session
        length = len(s.article.text) if s.article is not None else 0
        task = SuggestionsTask(self.project_path, article_id, s.annotator, length, s.min_confidence)
        self._suggestions_task = task

        def done(result: object) -> None:
            if self._suggestions_task is task:
                self._suggestions_task = None
            aid, rows, made = cast(tuple[int, list[SuggestionRecord], LateItems], result)
            self.session.suggestions_arrived(aid, rows, made)

        def failed(message: str) -> None:
            if self._suggestions_task is task:
                self._suggestions_task = None
            # read here then: slower, but the quotes must come
            if self.session.suggestions_pending == article_id:
                self.session.suggestions_arrived(article_id, self.project.suggestions(article_id))

        def stopped() -> None:
            if self._suggestions_task is task:
                self._suggestions_task = None

        self._suggestion_reads.start(task, done, failed, stopped)

    def _build_widgets(self) -> None:
        self.article_list = ArticleList()
        self.article_list.article_chosen.connect(self.choose_article)
        self.article_list.search_entered.connect(self.search_enter)
        self.article_list.filter_changed.connect(self.apply_list_filter)
        self.article_list.order_needed.connect(self._read_order)
        self.article_list.working_changed.connect(
            lambda doing: self.status.show_list_working(doing)
        )
        self.article_list.model.fetch = lambda ids: queries.article_rows_for(
            self.project, self.session.annotator, ids
        )
        self.article_list.model.totals_stale.connect(self._count_totals)
        # the pages a view asks for are read here, off this thread (a cold page of a large
        # project took 0.6 s on this thread)
        self.article_list.model.fetch_later = self._read_rows
        self.article_list.speaker_source = lambda: queries.speaker_names(self.project)
        self.view = ArticleView()
        self.view.clicked.connect(lambda pos: self.session.select_at(pos))
        self.view.edge_dragged.connect(self.move_edge)
        self.view.filling.connect(self._text_filling)
        self.view.filled.connect(lambda: self.status.drop(FILLING))
        self.panel = QuotePanel()
        self.panel.stance_clicked.connect(self.set_stance)
        self.panel.kind_chosen.connect(lambda k: self._push(self.session.plan_kind(k)))
        self.panel.speaker_name_edited.connect(
            lambda s: self._push(self.session.plan_speaker_name(s))
        )
        self.panel.stance_target_edited.connect(self.set_quote_target)
        self.panel.target_left.connect(self.focus_text)
        self.panel.note_edited.connect(lambda s: self._push(self.session.plan_note(s)))
        self.panel.done_editing.connect(self.focus_text)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        for i, (w, stretch) in enumerate(((self.article_list, 0), (self.view, 1), (self.panel, 0))):
            splitter.addWidget(w)
            splitter.setStretchFactor(i, stretch)
        splitter.setSizes([410, 620, 320])
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        self.read_only_banner = QLabel()
        self.read_only_banner.setObjectName("readOnlyBanner")
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.setStyleSheet(
            "background: #fff3cd; color: #5d4200; padding: 6px 10px;"
            " border-bottom: 1px solid #e0c870;"
        )
        self.read_only_banner.hide()
        central = QWidget()
        box = QVBoxLayout(central)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.read_only_banner)
        box.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.guidelines_view = QTextBrowser()
        self.guidelines_view.setObjectName("guidelinesView")
        self.guidelines_view.setOpenExternalLinks(True)
        self.guidelines_dock = QDockWidget("Guidelines", self)
        self.guidelines_dock.setObjectName("guidelinesDock")
        self.guidelines_dock.setWidget(self.guidelines_view)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.guidelines_dock)
        self.guidelines_dock.hide()

    def watch_review(self, win: QWidget) -> QWidget:
        """Refresh from the store whenever the review window changes something."""
        changed = getattr(win, "changed", None)
        if changed is not None:
            changed.connect(self.refresh_from_store)
        return win

    def refresh_from_store(self, article_id: int | None = None) -> None:
        """Re-read what another window (or process) wrote to ``article_id`` (None: any)."""
        if not self._closing:
            self.session.refresh(None if article_id is None else [article_id])

    def _build_controllers(self, loader: Callable[[], tuple[Any, Any]]) -> None:
        """The window's other jobs; each reports by signals only."""
        st_ = self.status
        say = st_.say
        st_.detect_cancel.clicked.connect(self.cancel_detection)
        st_.import_cancel.clicked.connect(self.cancel_import)
        ro = self.read_only = ReadOnlyController(
            self.project_path, self.readonly, self, *self._read_only_why
        )
        ro.entered.connect(self._show_read_only)
        ro.message.connect(say)

        det = self.detection = DetectionController(
            self.project, self.project_path, self.pool, loader, self.readonly, self
        )
        det.model_state.connect(st_.show_model_state)
        det.message.connect(say)
        det.info.connect(st_.show_info)
        det.running.connect(st_.show_detection_running)
        det.running.connect(lambda total: self.act_cancel.setEnabled(bool(total)))
        det.progress.connect(st_.show_detection_progress)
        det.articles_detected.connect(self.session_refresh)
        det.finished.connect(lambda: self.session_refresh(None))
        det.can_detect.connect(self.act_detect.setEnabled)

        imp = self.importer = ImportController(self.project_path, self.pool, self, self)
        imp.running.connect(st_.show_import_running)
        imp.running.connect(self._import_running)
        imp.progress.connect(st_.show_import_progress)
        imp.message.connect(say)
        imp.info.connect(st_.show_info)
        imp.finished.connect(self._imported)

        names = self.names = NamesController(self.pool, self)
        names.found.connect(self._names_found)
        names.message.connect(say)
        det.names_parser.connect(names.set_parser)

        pos = self.position = PositionController(
            self.project_path,
            self.settings,
            lambda: self.session.record_position(),
            self.readonly,
            self,
            try_write=lambda: self.session.record_position(wait=False),
        )
        pos.annotator = self.session.annotator
        pos.failed.connect(lambda text: say(text, 8000))

        search = self.search = SearchController(
            self.project,
            lambda: self.session,
            self.article_list,
            self.view,
            self.start_page_task,
            self,
            cancel=self._page_reads.cancel,
        )
        search.open_article.connect(self.choose_article)
        search.message.connect(say)

        st = self.settings_ctl = SettingsController(self.project, self)
        st.changed.connect(self._settings_changed)
        st.message.connect(say)

    def _initial_geometry(self) -> None:
        self._fit_pending = True  # a remembered geometry may come from a larger screen
        geometry = self.settings.value("window/geometry")
        if geometry is not None and self.restoreGeometry(geometry):  # type: ignore[arg-type]
            state = self.settings.value("window/splitter")
            if state is not None:
                self.splitter.restoreState(state)  # type: ignore[arg-type]
            return
        screen = QGuiApplication.primaryScreen()
        g = screen.availableGeometry() if screen is not None else None
        self.resize(min(1366, g.width()) if g else 1366, min(768, g.height()) if g else 768)

    # -- project settings and list --------------------------------------------------------

    def _apply_project_settings(self) -> None:
        now = load_settings(self.project)
        labels = list(now.stance_labels)
        self.panel.set_stance_labels(labels, now.stance_target)
        self.stance_menu.clear()
        for a in self._stance_actions:
            self.removeAction(a)
        self._stance_actions = []
        for i, label in enumerate(labels[:9]):
            act = self._action(
                self.stance_menu,
                f"Stance: {label}",
                lambda lab=label: self.set_stance(lab),  # type: ignore[misc]
                str(i + 1),
            )
            self._stance_actions.append(act)
        clear = self._action(self.stance_menu, "Clear stance", lambda: self.set_stance(None), "0")
        self._stance_actions.append(clear)
        self.guidelines_view.setMarkdown(now.guidelines)
        if self.readonly:
            self._disable_editing(self.read_only.tooltip())

    def _load_article_list(self) -> None:
        """List every article at once from its id (one scan of the primary key); rows are
        read a page at a time as they scroll into view (:class:`ArticleListModel`). The
        order of a sort, the statuses of the status filter and the totals in the status
        bar are read on a pool thread (project-wide queries never run on this one)."""
        if self._reload_list_in_background():
            return
        self._list_generation += 1
        lst = self.article_list
        lst.model.forget_rows()
        lst.forget_statuses()
        ids = queries.article_ids(self.project)
        key = lst.sort_key
        lst.pending_order = None
        # listed in id order until the order of a sort is read
        lst.set_order(ids, key, None, announce=False)
        if key != (-1, False):
            lst.ask_order(*key)
        self.refresh_list_filter()
        if self.session.article is not None:
            lst.show_current(self.session.article.id)
        self._count_totals()

    def _reload_list_in_background(self) -> bool:
        """A sorted or filtered list already shown is read again on the list's pool thread
        (its order with the statuses, then its filter) while it shows the rows it has;
        each answer keeps the scroll and the selected article (issue 16: the whole
        list was listed again in id order and then sorted on this thread at the end of
        every import, 0.2-0.3 s at 100,000 articles). False, nothing done: a plain or
        searched list, or none yet (the caller lists it at once)."""
        lst = self.article_list
        name, _value = lst.filter()
        sorted_or_filtered = (
            lst.sort_key != (-1, False) or bool(name) or lst.status_combo.currentData() is not None
        )
        if not sorted_or_filtered or lst.search_ids() is not None or not lst.model.rowCount():
            return False
        self._list_generation += 1
        lst.model.forget_rows()
        lst.forget_statuses()
        lst.hold_view()
        last = lst.last_ordered_id()
        plain = lst.sort_key == (-1, False) and lst.status_combo.currentData() is None
        if plain and self._import_ending and last is not None:
            # an import (it only adds articles), id order, a "Show" filter: the new ids
            # join the order here (one indexed read), and the rows change only if the
            # filter's new answer differs
            lst.extend_order(queries.article_ids_after(self.project, last))
        else:
            lst.ask_order(*lst.sort_key)
        if name:
            self.apply_list_filter(*lst.filter(), asked=True)
        self._count_totals()
        return True

    def start_list_task(
        self,
        task: Task,
        done: Callable[[object], None],
        failed: Callable[[str], None],
        stopped: Callable[[], None] | None = None,
    ) -> None:
        """Run a list read (order, filter) on the list's pool thread; ``done(result)``,
        ``failed(message)`` or, when cancelled, ``stopped()`` on this thread when it ends
        (not after the window closed)."""
        self._list_reads.start(task, done, failed, stopped)

    def cancel_list_task(self, task: Task) -> None:
        """Stop a list read started by :meth:`start_list_task` (its statement under way is
        interrupted; it ends with ``stopped()``)."""
        self._list_reads.cancel(task)

    def start_page_task(
        self, task: Task, done: Callable[[object], None], failed: Callable[[str], None]
    ) -> None:
        """Run a short list read (a page of rows, a search) on the page thread, never
        behind a long order or filter; ``done(result)`` or ``failed(message)`` on this
        thread when it ends (not after the window closed)."""
        self._page_reads.start(task, done, failed)

    def _read_rows(self, ids: list[int]) -> None:
        task = ListRowsTask(self.project_path, self.session.annotator, ids, self._list_generation)

        def done(result: object) -> None:
            generation, rows = cast(tuple[int, list[ArticleRow]], result)
            if generation == self._list_generation:
                self.article_list.model.rows_read(rows)

        self.start_page_task(task, done, lambda msg: self.status.say(f"Article list: {msg}"))

    def list_busy(self) -> bool:
        """True while an order, a filter, a search, a page or the totals of the list are
        being read."""
        busy = self._list_reads.busy() or self._page_reads.busy()
        return busy or self._totals_task is not None

    def _read_order(self, column: int, descending: bool) -> None:
        """The list asked for every id in a new order (and the statuses): read on a pool
        thread, set when it arrives; the read of an older order still running is
        interrupted (its answer would be dropped)."""
        old, self._order_task = self._order_task, None
        if old is not None:
            self.cancel_list_task(old)
        task = self._order_task = ListOrderTask(
            self.project_path, self.session.annotator, column, descending, self._list_generation
        )

        def ended() -> bool:
            mine = task is self._order_task
            if mine:
                self._order_task = None
            return mine

        def stopped() -> None:
            if ended():
                self.article_list.order_failed()

        def done(result: object) -> None:
            if ended():
                self._order_read(result)

        def failed(message: str) -> None:
            if ended():
                self._order_failed(message)

        self.start_list_task(task, done, failed, stopped)

    def stop_list_reads(self) -> bool:
        """Stop the sort, the filter and the search of the list being read (Esc while the
        list says "Sorting…", "Filtering…" or "Searching…"): the list keeps the rows it
        shows. True when one was."""
        stopped = self.cancel_list_filter()
        if self.search.stop():
            self.status.say("Search stopped; the list is as it was.", 4000)
            stopped = True
        task, self._order_task = self._order_task, None
        if task is not None:
            self.cancel_list_task(task)
            self.article_list.order_failed()
            self.status.say("Sort stopped; the list is as it was.", 4000)
            stopped = True
        return stopped

    def _order_failed(self, message: str) -> None:
        self.article_list.order_failed()
        self.status.say(f"Article list: {message}")

    def _order_read(self, result: object) -> None:
        generation, key, ids, statuses = cast(
            tuple[int, tuple[int, bool], list[int], dict[int, str]], result
        )
        if generation == self._list_generation:
            self.article_list.set_order(ids, key, statuses)

    def _count_totals(self) -> None:
        """Count the annotator's progress over the project on a pool thread; changes made
        meanwhile count it again when it arrives (their rows may not be in it)."""
        self._totals_changes = self._list_changes
        if self._totals_task is not None:
            self._totals_again = True
            return
        self._totals_again = False
        task = TotalsTask(self.project_path, self.session.annotator, self._list_generation)
        task.signals.finished.connect(self._totals_read)
        task.signals.failed.connect(lambda msg: self.status.say(f"Article list: {msg}"))
        self._totals_task = task
        self.count_pool.start(task)

    def _totals_read(self, result: object) -> None:
        generation, totals = cast(tuple[int, Totals], result)
        self._totals_task = None
        if self._closing:
            return
        if self._totals_again or generation != self._list_generation:
            self._count_totals()
            return
        self.article_list.model.set_totals(totals)
        if self._totals_changes != self._list_changes:
            self._count_totals()  # a change came in while counting
        self._update_status()

    def _update_list_row(self, article_id: int, kept: bool = False) -> None:
        """Show the changed figures of ``article_id``'s list row. ``kept``: the change was
        one op on the open article, whose figures the session keeps (no read: the query
        counts every quote of the article, 1.5 ms a key on a 1,000-quote article)."""
        self._list_changes += 1
        art = self.session.article
        old = self.article_list.model.cached(article_id)
        figures = self.session.list_figures() if kept and art and art.id == article_id else None
        if old is not None and figures is not None:
            self.article_list.note_row(replace(old, **asdict(figures)))
            return
        try:
            row = queries.article_row(self.project, article_id, self.session.annotator)
        except KeyError:
            return
        self.article_list.note_row(row)

    # -- showing: one handler for every change ----------------------------------------------

    def open_article(self, article_id: int, focus: ItemKey | None = None) -> None:
        """Show article ``article_id`` (selecting quote ``focus`` if given)."""
        self.session.open_article(article_id, focus)
        self.position.record_if_free()

    def choose_article(self, article_id: int) -> None:
        """The analyst opens an article (list, keys, search): the welcome note goes."""
        self.status.clear_info()
        self.notice_elsewhere(leaving=True)
        self.open_article(article_id)

    def notice_elsewhere(self, leaving: bool = False) -> bool:
        """When another window or process committed to the project since last seen
        (:meth:`Project.data_version`, a few microseconds), on focus-in and article change:
        re-read the open article only if what it shows changed (its stamp,
        :meth:`Session.changed_elsewhere`; ``leaving``: not at all, the next article is
        read anyway), and the list and its counts at most every ELSEWHERE_LIST_INTERVAL_MS
        (a terminal import commits every 50 ms and only adds other articles: re-reading
        both at each key stalled the keys). True when another connection had committed."""
        if self._closing or self._own_writer_running():
            return False  # this window's own detection or import refreshes what it writes
        try:
            version = self.project.data_version()
        except Exception:  # a vanished file: the next write says why
            return False
        if version == self._seen_version:
            return False
        self._seen_version = version
        self._list_changed_elsewhere()
        art = self.session.article
        if not leaving and art is not None and self.session.changed_elsewhere():
            self.session.refresh([art.id])
        self.status.say("Updated with changes saved in another window or program.", 5000)
        return True

    def _own_commit(self) -> None:
        if not self._closing:
            try:
                self.session.own_commit()
            except Exception:  # the write is done; the next check re-reads the article
                self.session.forget_stamp()

    def _list_changed_elsewhere(self) -> None:
        """Read the list and its totals again now, or when ELSEWHERE_LIST_INTERVAL_MS have
        passed since the last time (one re-read for any number of changes meanwhile)."""
        wait_ms = int(
            ELSEWHERE_LIST_INTERVAL_MS - (time.monotonic() - self._elsewhere_list_at) * 1000
        )
        if wait_ms > 0:
            if not self._elsewhere_timer.isActive():
                self._elsewhere_timer.start(wait_ms)
            return
        self._reread_list_elsewhere()

    def _reread_list_elsewhere(self) -> None:
        """The list after other programs' commits: in id order with no filter, new articles
        are appended and the rows in view read again (no rebuild); else it is read again
        as a whole (sorted or filtered: on the list's thread)."""
        if self._closing:
            return
        self._elsewhere_timer.stop()
        self._elsewhere_list_at = time.monotonic()
        lst = self.article_list
        last = lst.last_listed_id()
        if last is not None:
            new, count = queries.ids_after_and_count(self.project, last)
            if lst.model.rowCount() + len(new) == count:
                if new:
                    lst.append_articles(new)
                lst.model.forget_rows()  # the rows in view are read again, a page at a time
                self._count_totals()
                return
        self._load_article_list()  # an article went, or a sorted or filtered list

    def _own_writer_running(self) -> bool:
        trainer = getattr(self, "trainer", None)
        tasks = (self.detection.task, self.importer.task, getattr(trainer, "redetect_task", None))
        return any(t is not None for t in tasks)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.notice_elsewhere()

    def session_refresh(self, article_ids: list[int] | None) -> None:
        """Background work wrote these articles (None: any): re-read and show them."""
        if not self._closing:
            if article_ids is None:  # everything is re-read: nothing elsewhere is unseen
                self._seen_version = self.project.data_version()
            self.session.refresh(article_ids)

    def on_change(self, change: Change) -> None:
        """Refresh the list rows, article view, quote panel and status bar from ``change``."""
        if self._closing:
            return
        if change.all_articles:
            self._load_article_list()
        elif change.counts_changed:
            for aid in change.article_ids:
                self._update_list_row(aid, kept=change.items_delta)
            art = self.session.article
            if art is not None and art.id in change.article_ids:
                # a decision made while a new filter was read must not hide the article
                # worked on when the filter arrives (see ArticleList.keep)
                self.article_list.keep = art.id
            self.refresh_list_filter(change.article_ids)
        if change.opened or change.items_changed:
            c = self.session.article_counts
            if change.opened or not (c.total and c.done == c.total):
                self.status.drop(ALL_DECIDED)
        if change.opened:
            self._show_article()
        else:
            if change.items_delta:
                self.view.update_items(
                    change.items_removed, change.items_added, self.session.current
                )
            elif change.items_arrived:
                self.view.add_arrived_items(self.session.items, self.session.current)
            elif change.items_changed:
                self.view.set_items(self.session.items, self.session.current)
            self._show_current(scroll=change.moved)
        self.save_position()

    def _show_article(self) -> None:
        art = self.session.article
        if art is None:
            self.view.setPlainText(
                "This project has no articles yet.\n\n"
                "Import some with File > Import files… (Ctrl+I) or File > Import folder…,\n"
                "or from a terminal:\n"
                "    annotator import PROJECT.db FILES…"
            )
            self.panel.show_item(None, "", 0, 0)
            self._update_status()
            return
        self.view.set_article(art.text, self.session.items, self.session.current)
        self.panel.set_names(self.session.name_suggestions(self.names.cached(art.id)))
        self.names.request(art.id, art.text)
        self.article_list.show_current(art.id)
        self._show_current(scroll=False)
        self.search.show_hits(None)
        bad = self.session.bad_spans
        if bad:  # said once, when the article opens; the project is left as it is
            self.status.say(
                f"{count_noun(len(bad), 'quote')} of this article {plural(len(bad), 'has')} a"
                f" span outside the text and {plural(len(bad), 'is')} not shown ({bad[0]}"
                f"{'; ...' if len(bad) > 1 else ''}): the project was changed outside the"
                " program",
                30000,
                "\n".join(bad),
            )

    def _text_filling(self, done: int, total: int) -> None:
        """A long article's text is going into the view by steps: say how far (not over
        another message, such as why a key waits: it comes back after that one)."""
        if self.statusBar().currentMessage() and self.status.tied() != FILLING:
            return
        self.status.say_while(
            f"Text {done * 100 // max(total, 1)}% on screen ({done:,} of {total:,} "
            "characters): the quotes shown can be worked on",
            FILLING,
            0,
        )

    def _names_found(self, article_id: int, names: list[str]) -> None:
        art = self.session.article
        if art is not None and art.id == article_id:
            self.panel.set_names(self.session.name_suggestions(names))

    def _show_current(self, scroll: bool = True) -> None:
        s = self.session
        cur = s.current
        # the outline follows every move (click, key, undo, search jump); scroll only on a move
        self.view.set_current(cur, scroll=scroll)
        self.panel.set_inherited_target(s.inherited_target(), s.inherited_source())
        self.panel.show_item(
            cur,
            s.quote_text(cur),
            s.index + 1,
            len(s.items),
            s.cue_text(cur),
            s.mention_text(cur),
            s.suggestions_loading if s.suggestions_pending is not None else 0,
        )
        self._update_status()

    def _update_status(self) -> None:
        here = self.session.article_counts if self.session.article else None
        self.status.show_progress(self.article_list.model.totals(), here, self.session.annotator)

    def show_info(self, text: str) -> None:
        """A lasting note in the status bar (temporary hints show over it, then it returns)."""
        self.status.show_info(text)

    def _update_title(self) -> None:
        ro = " [read-only]" if self.readonly else ""
        self.setWindowTitle(
            f"{self.project_path.name}{ro} — {self.session.annotator} — {APP_TITLE}"
        )

    def show_shortcuts(self) -> None:
        dlg = ShortcutSheet(shortcut_sheet_html(self._menus) + legend_html(), self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.show_window(dlg)
        self._shortcut_sheet = dlg

    # -- background work: what the controllers report -----------------------------------------

    def start_detection(self) -> None:
        self.detection.start()

    def show_detection_report(self) -> None:
        self.detection.show_report()

    def show_import_report(self) -> None:
        self.importer.show_last_report()

    def cancel_detection(self) -> None:
        if self.detection.task is not None:
            self.status.detect_cancel.setEnabled(False)
        self.detection.cancel()

    def _import_running(self, on: bool) -> None:
        # the window's own import (a child process) lets a waiting key write before its
        # next group of 20 ms: a key waits longer for it than for an unknown program's
        # lock before it is refused, as it did for the import thread's turn
        self.project.write_wait = OWN_IMPORT_WRITE_WAIT_S if on else WINDOW_WRITE_WAIT_S
        self.act_cancel_import.setEnabled(on)
        self.act_import_files.setEnabled(not on and not self.readonly)
        self.act_import_folder.setEnabled(not on and not self.readonly)

    def _imported(self, report: Any) -> None:
        if report is not None and self._append_imported(report):
            pass
        elif report is None or any(f.stored_anything for f in report.files):
            self._import_ending = True
            try:
                self.session_refresh(None)
            finally:
                self._import_ending = False
        elif not self._closing:
            # nothing was stored (every article already here): the list is not rebuilt
            # (at 100,000 articles that held the GUI 80-220 ms for nothing)
            self._seen_version = self.project.data_version()
        if self.session.article is None:
            first = self.article_list.neighbour(-1, 1)
            if first is not None:
                self.open_article(first)
        if report is not None and report.articles_added:
            self.detection.start_after_import()
        self.import_finished.emit(report)

    def _append_imported(self, report: Any) -> bool:
        """Every article of the import was new, and the list is in id order unfiltered:
        append the new ids to the list instead of rebuilding it (at 100,000 articles the
        rebuild held the GUI 35-60 ms), count the totals again. False: nothing done."""
        if self._closing or not report.articles_added:
            return False
        if any(f.articles_present for f in report.files):
            return False  # articles already here may have got quotes: re-read them all
        last = self.article_list.last_listed_id()
        if last is None:
            return False
        self._seen_version = self.project.data_version()
        self.article_list.append_articles(queries.article_ids_after(self.project, last))
        self._count_totals()
        return True

    # -- closing ----------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self._closing = True
        # the timers first: none may fire on a project being closed (the checkpoint timer
        # did, with two tracebacks, when a worker outlived the waits below: tester17 F8)
        for timer in self.findChildren(QTimer):
            timer.stop()
        self.article_list.stop_waiting()
        # the children first, without waiting for them: a window import's child is
        # killed (the groups it committed stay, the one under way is rolled back), so
        # nothing below waits for the lock it held (Ctrl+Q during a window import froze
        # the window 0.63-0.69 s, tester19); the model's child is reaped at the end
        for ctl in (self.detection, self.importer, self.trainer):
            ctl.shutdown()
        # a child killed while it stored a chunk holds the write lock until the kernel has
        # torn it down (about 0.1 s for a 2 GB process, longer on a loaded machine): the
        # closing writes below wait longer than a key's 0.2 s, so a half-typed field is not
        # lost to a refusal on a window being hidden (review21 R14)
        self.project.write_wait = CLOSING_WRITE_WAIT_S
        # commit a half-typed speaker, stance target or note before leaving (once the
        # project is closed, the field's losing the focus would try to write and fail)
        focus = self.focusWidget()
        if focus in (self.panel.speaker_edit, self.panel.target_edit, self.panel.note_edit):
            self.view.setFocus()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        # the window goes away now; what follows (the position's write, the settings'
        # file, the waits for the workers, the project's last checkpoint) is not seen
        self.hide()
        self.save_position()
        self.position.record()
        self.settings.sync()
        # answers still to come are dropped; the project-wide reads under way are
        # interrupted (a filter of 100,000 articles held the closing for 25 s), so the
        # waits below are short
        self._list_reads.close()
        self._page_reads.close()
        self._suggestion_reads.close()
        for task in (self._totals_task, self.targets_task):
            if task is not None:
                task.cancel()
        # first the windows opened from here: they stop their own long work (a summary's
        # count, the dashboard's agreement) so the waits below are short
        for w in list(self._windows):
            w.close()
        # and the other windows shown from here (the shortcut sheet, the colour legend,
        # training's progress): left open, they kept the application running after Quit
        for child in self.findChildren(QWidget):
            if child.isWindow() and child.isVisible():
                child.close()
        # what is left is waiting for the workers told to stop above, so the project is
        # closed only after its last writer thread ended
        self.page_pool.waitForDone(closing.CLOSE_WAIT_MS)
        self.list_pool.waitForDone(closing.CLOSE_WAIT_MS)
        self.count_pool.waitForDone(closing.CLOSE_WAIT_MS)
        QThreadPool.globalInstance().waitForDone(closing.CLOSE_WAIT_MS)  # the stance targets task
        self.names.closing = True
        self.pool.waitForDone(closing.CLOSE_WAIT_MS)
        pools = [self.page_pool, self.list_pool, self.count_pool, self.pool]
        pools.append(QThreadPool.globalInstance())
        if any(p.activeThreadCount() for p in pools):
            # a worker did not stop in time and may still use the connection: it is never
            # closed under it (tester17 F8), but when the last worker ends, or by the
            # operating system if the program ends first (see leftover_workers)
            closing.close_after_workers(self.project, pools)
        else:
            self.project.close()
        if self.open_record is not None:
            self.open_record.close()
        self.detection.finish_shutdown()
        super().closeEvent(event)
