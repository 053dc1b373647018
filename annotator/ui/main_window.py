"""The annotation window: article list, article view, quote panel, guidelines, status bar.

Widgets only translate events: every command is a QAction (with a shortcut, in a menu)
that asks the :class:`Session` to plan an op and pushes it on the undo stack, whose
commands apply ops back and forth. Each op is one transaction, so there is no Save.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import MARKS_INSIDE_SETTING
from annotator.services.locations import resources_dir
from annotator.services.names import entities_only, has_entities
from annotator.services.session import Op, Session
from annotator.store import queries
from annotator.store.project import Project
from annotator.ui.application import can_show_windows
from annotator.ui.article_list import ArticleList
from annotator.ui.article_view import ArticleView
from annotator.ui.dialogs import AnnotatorDialog, SettingsDialog, ShortcutSheet, shortcut_sheet_html
from annotator.ui.quote_panel import QuotePanel
from annotator.ui.workers import (
    DetectTask,
    ImportTask,
    ModelLoadTask,
    NamesTask,
    default_loader,
)

APP_TITLE = "Quote Annotator"
SETTINGS_ANNOTATOR = "annotator"
SETTINGS_MIN_CONFIDENCE = "view/min_confidence"
#: After the last quote move, write the position into the project this much later (ms):
#: moving between quotes costs no transaction, yet a crash loses only a few seconds.
POSITION_WRITE_DELAY_MS = 4000
#: Articles whose entity names are kept (a parse of a long article takes ~0.1-0.3 s).
NAMES_CACHE_SIZE = 200
READ_ONLY_NOTE = "Read-only: changes are not saved"
#: The file dialog's filters for File > Import files….
IMPORT_FILTERS = "Articles (*.txt *.jsonl *.csv *.tsv);;All files (*)"


def read_resource(name: str) -> str:
    """A bundled resource's text ("" when missing)."""
    try:
        return (resources_dir() / name).read_text(encoding="utf-8")
    except OSError:
        return ""


class OpCommand(QUndoCommand):
    """An undoable session op: redo and undo both apply the op held and keep its inverse."""

    def __init__(self, window: MainWindow, op: Op) -> None:
        super().__init__(op.label)
        self._window = window
        self._op = op

    def redo(self) -> None:
        inverse = self._window.apply_op(self._op)
        if inverse is None:
            self.setObsolete(True)
        else:
            self._op = inverse

    def undo(self) -> None:
        inverse = self._window.apply_op(self._op)
        if inverse is not None:
            self._op = inverse


class MainWindow(QMainWindow):
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
        self.readonly = self.project.readonly
        self.settings = QSettings()
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self.nlp: Any = None
        self.model_info: Any = None
        self._model_task: ModelLoadTask | None = None
        self.detect_task: DetectTask | None = None
        self.import_task: ImportTask | None = None
        self.last_import_report: Any = None
        self.import_report_box: QMessageBox | None = None
        self._detect_again = False
        self._loader = pipeline_loader or default_loader(model)
        self._windows: list[QWidget] = []
        self._stance_actions: list[QAction] = []
        self._closing = False
        self._names_cache: OrderedDict[int, list[str]] = OrderedDict()
        self._names_task: NamesTask | None = None
        self._names_parse: Callable[[str], Any] | None = None
        self._position_timer = QTimer(self)
        self._position_timer.setSingleShot(True)
        self._position_timer.setInterval(POSITION_WRITE_DELAY_MS)
        self._position_timer.timeout.connect(self.record_position)

        name = annotator or str(self.settings.value(SETTINGS_ANNOTATOR, "") or "")
        if not name:
            name = self._ask_annotator(None) or "annotator"
        self.settings.setValue(SETTINGS_ANNOTATOR, name)
        self.session = Session(self.project, name)
        self.session.min_confidence = self._min_confidence()
        self.undo_stack = QUndoStack(self)

        self._build_widgets()
        self._build_actions()
        self._build_status_bar()
        if self.readonly:
            self._enter_read_only()
        self._initial_geometry()
        self._apply_project_settings()
        self._load_article_list()
        self._restore_position()
        self._update_title()
        if load_model:
            QTimer.singleShot(0, self.start_model_load)
        else:
            self.model_label.setText("Model: not loaded")

    # -- construction ------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.article_list = ArticleList()
        self.article_list.article_chosen.connect(self.open_article)
        self.article_list.search_changed.connect(self._search)
        self.view = ArticleView()
        self.view.clicked.connect(self._clicked)
        self.panel = QuotePanel()
        self.panel.stance_clicked.connect(self.set_stance)
        self.panel.kind_chosen.connect(lambda k: self._push(self.session.plan_kind(k)))
        self.panel.speaker_name_edited.connect(
            lambda s: self._push(self.session.plan_speaker_name(s))
        )
        self.panel.note_edited.connect(lambda s: self._push(self.session.plan_note(s)))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.article_list)
        splitter.addWidget(self.view)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setStretchFactor(2, 0)
        splitter.setSizes([330, 700, 320])
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

    def _action(
        self,
        menu: QMenu,
        text: str,
        slot: Callable[[], Any],
        keys: str | list[str] | QKeySequence.StandardKey | None = None,
        tip: str = "",
    ) -> QAction:
        act = QAction(text, self)
        if isinstance(keys, str):
            act.setShortcut(QKeySequence(keys))
        elif isinstance(keys, list):
            act.setShortcuts([QKeySequence(k) for k in keys])
        elif keys is not None:
            act.setShortcut(QKeySequence(keys))
        if tip:
            act.setStatusTip(tip)
            act.setToolTip(tip)
        act.triggered.connect(lambda _checked=False: slot())
        menu.addAction(act)
        self.addAction(act)
        return act

    def _build_actions(self) -> None:
        bar = self.menuBar()
        m_file = bar.addMenu("&File")
        self.act_switch = self._action(
            m_file, "Switch &annotator…", self.switch_annotator, "Ctrl+Shift+U"
        )
        self.act_settings = self._action(m_file, "Project &settings…", self.edit_settings, "Ctrl+,")
        m_file.addSeparator()
        self.act_import_files = self._action(
            m_file,
            "&Import files…",
            self.import_files,
            "Ctrl+I",
            "Add articles (and their quotes) from .txt, .jsonl, .csv or .tsv files",
        )
        self.act_import_folder = self._action(
            m_file,
            "Import &folder…",
            self.import_folder,
            None,
            "Add the articles of every readable file in a folder",
        )
        self.act_cancel_import = self._action(m_file, "Cancel i&mport", self.cancel_import)
        self.act_cancel_import.setEnabled(False)
        m_file.addSeparator()
        self.act_detect = self._action(
            m_file,
            "&Detect quotes in new articles",
            self.start_detection,
            "Ctrl+Shift+D",
            "Run the detector on articles that have no suggestions yet",
        )
        self.act_detect.setEnabled(False)
        self.act_cancel = self._action(
            m_file, "&Cancel detection", self.cancel_detection, "Ctrl+Shift+X"
        )
        self.act_cancel.setEnabled(False)
        m_file.addSeparator()
        self.act_export = self._lazy_action(
            m_file,
            "&Export…",
            "annotator.ui.export_dialog",
            "ExportDialog",
            lambda cls: cls(self.project_path, self),
            "Ctrl+E",
        )
        m_file.addSeparator()
        self.act_quit = self._action(m_file, "&Quit", self.close, "Ctrl+Q")

        m_edit = bar.addMenu("&Edit")
        self.act_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(QKeySequence("Ctrl+Z"))
        self.act_redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for a in (self.act_undo, self.act_redo):
            m_edit.addAction(a)
            self.addAction(a)
        m_edit.addSeparator()
        self.act_find = self._action(m_edit, "&Find articles…", self._focus_search, "Ctrl+F")
        self.act_focus_text = self._action(
            m_edit, "Back to the article &text", self.focus_text, "Esc"
        )

        m_quote = bar.addMenu("&Quote")
        self.act_accept = self._action(
            m_quote, "&Accept and next", self.accept_quote, "A", "Accept the quote (A)"
        )
        self.act_reject = self._action(
            m_quote,
            "&Reject and next",
            self.reject_quote,
            ["R", "Del"],
            "Reject the suggestion, or delete a quote added by hand (R)",
        )
        self.panel.set_actions(self.act_accept, self.act_reject)
        self.stance_menu = m_quote.addMenu("S&tance")
        m_quote.addSeparator()
        self.act_add = self._action(m_quote, "&New quote from selection", self.add_quote, "Q")
        self.act_speaker_span = self._action(
            m_quote, "Selection is the &speaker", self.speaker_from_selection, "S"
        )
        self.act_speaker_name = self._action(
            m_quote, "&Edit canonical speaker", self._focus_speaker, "E"
        )
        self.act_note = self._action(m_quote, "Edit &note", self._focus_note, "M")
        self.act_kind = self._action(
            m_quote, "Change quote &type (direct, mixed, indirect)", self.cycle_kind, "T"
        )
        m_quote.addSeparator()
        self.act_grow_end = self._action(
            m_quote, "Grow end by a word", lambda: self.resize_quote("grow_end"), "Ctrl+Right"
        )
        self.act_shrink_end = self._action(
            m_quote, "Shrink end by a word", lambda: self.resize_quote("shrink_end"), "Ctrl+Left"
        )
        self.act_grow_start = self._action(
            m_quote,
            "Grow start by a word",
            lambda: self.resize_quote("grow_start"),
            "Ctrl+Shift+Left",
        )
        self.act_shrink_start = self._action(
            m_quote,
            "Shrink start by a word",
            lambda: self.resize_quote("shrink_start"),
            "Ctrl+Shift+Right",
        )

        m_nav = bar.addMenu("&Navigate")
        self.act_next = self._action(m_nav, "&Next quote", self.next_quote, ["N", "J"])
        self.act_prev = self._action(m_nav, "&Previous quote", self.previous_quote, ["P", "K"])
        self.act_next_article = self._action(
            m_nav, "Next &article", self.next_article, ["Ctrl+Down", "Ctrl+PgDown"]
        )
        self.act_prev_article = self._action(
            m_nav, "Previous a&rticle", self.previous_article, ["Ctrl+Up", "Ctrl+PgUp"]
        )
        self.act_done = self._action(
            m_nav, "Mark article &done / reopen", self.toggle_done, "Ctrl+D"
        )

        m_view = bar.addMenu("&View")
        toggle = self.guidelines_dock.toggleViewAction()
        toggle.setText("&Guidelines panel")
        toggle.setShortcut(QKeySequence("F3"))
        m_view.addAction(toggle)
        self.addAction(toggle)
        self.act_guidelines = toggle
        self.act_list = self._action(m_view, "Article &list", self._toggle_list, "F4")
        self.act_min_confidence = self._action(
            m_view,
            "Hide suggestions &below confidence…",
            self.ask_min_confidence,
            tip="Hide the detector's suggestions below a confidence you choose",
        )

        m_review = bar.addMenu("&Review")
        self.act_review = self._lazy_action(
            m_review,
            "&Review annotators…",
            "annotator.ui.review_window",
            "ReviewWindow",
            lambda cls: self._watch_review(cls(self.project_path, self.session.annotator, self)),
        )
        self.act_dashboard = self._lazy_action(
            m_review,
            "Agreement &dashboard…",
            "annotator.ui.dashboard",
            "DashboardWindow",
            lambda cls: cls(self.project_path, self),
        )

        m_help = bar.addMenu("&Help")
        self.act_shortcuts = self._action(m_help, "&Keyboard shortcuts", self.show_shortcuts, "F1")
        self._action(m_help, "&About Quote Annotator", self._about)
        self._menus = [m_file, m_edit, m_quote, self.stance_menu, m_nav, m_view, m_review, m_help]

    def _lazy_action(
        self,
        menu: QMenu,
        text: str,
        module: str,
        attr: str,
        make: Callable[[Any], QWidget],
        keys: str | None = None,
    ) -> QAction:
        """An action that imports ``module`` when triggered; disabled when it is missing."""
        act = QAction(text, self)
        if keys:
            act.setShortcut(QKeySequence(keys))
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            act.setEnabled(False)
            act.setToolTip(f"Not available: {module} is not part of this build")
            act.setStatusTip(act.toolTip())

        def trigger() -> None:
            try:
                cls = getattr(importlib.import_module(module), attr)
                win = make(cls)
            except Exception as exc:  # show why, and keep working
                act.setEnabled(False)
                act.setToolTip(f"Not available: {exc}")
                self.statusBar().showMessage(
                    f"{text.replace('&', '')} is not available: {exc}", 15000
                )
                return
            self._windows.append(win)
            win.destroyed.connect(lambda _o=None, w=win: self._forget_window(w))
            win.show()

        act.triggered.connect(lambda _c=False: trigger())
        menu.addAction(act)
        self.addAction(act)
        menu.setToolTipsVisible(True)
        return act

    def _watch_review(self, win: QWidget) -> QWidget:
        """Refresh from the store whenever the review window changes something."""
        changed = getattr(win, "changed", None)
        if changed is not None:
            changed.connect(self.refresh_from_store)
        return win

    def refresh_from_store(self, article_id: int | None = None) -> None:
        """Re-read what another window (or process) may have written: the list row(s), the
        open article's quotes and highlights, the totals. The current quote stays current.

        Args:
            article_id: the article that changed (None: any of them; the whole list).
        """
        if self._closing:
            return
        if article_id is None:
            self._load_article_list()
        else:
            self._update_list_row(article_id)
        art = self.session.article
        if art is not None and article_id in (None, art.id):
            self.session.reload()
            self.view.set_items(self.session.items, self.session.current)
        self.session.totals(refresh=True)
        self._show_current(scroll=False)

    def _forget_window(self, win: QWidget) -> None:
        if win in self._windows:
            self._windows.remove(win)

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        # a lasting note (e.g. the first import's report); hints come and go over it
        self.info_label = QLabel()
        self.info_label.setObjectName("infoLabel")
        sb.addWidget(self.info_label, 1)
        self.model_label = QLabel("Model: loading…")
        self.annotator_label = QLabel()
        self.progress_label = QLabel()
        self.detect_bar = QProgressBar()
        self.detect_bar.setFixedWidth(230)
        self.detect_bar.setFormat("Detecting quotes: %v/%m articles")
        self._detect_seen = 0
        self.detect_cancel = QPushButton("Cancel")
        self.detect_cancel.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.detect_cancel.clicked.connect(self.cancel_detection)
        # said for as long as the window is open, whatever message shows over the rest
        self.read_only_label = QLabel(READ_ONLY_NOTE)
        self.read_only_label.setObjectName("readOnlyStatus")
        self.read_only_label.setStyleSheet("color: #8a5a00; font-weight: bold;")
        self.import_bar = QProgressBar()
        self.import_bar.setFixedWidth(200)
        self.import_bar.setFormat("Importing: %p%")
        self.import_cancel = QPushButton("Cancel import")
        self.import_cancel.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.import_cancel.clicked.connect(self.cancel_import)
        w: QWidget
        for w in (
            self.read_only_label,
            self.import_bar,
            self.import_cancel,
            self.detect_bar,
            self.detect_cancel,
        ):
            w.hide()
            sb.addPermanentWidget(w)
        for w in (self.model_label, self.annotator_label, self.progress_label):
            sb.addPermanentWidget(w)

    def _initial_geometry(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None and self.restoreGeometry(geometry):  # type: ignore[arg-type]
            state = self.settings.value("window/splitter")
            if state is not None:
                self.splitter.restoreState(state)  # type: ignore[arg-type]
            return
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            g = screen.availableGeometry()
            self.resize(min(1366, g.width()), min(768, g.height()))
        else:
            self.resize(1366, 768)

    # -- project settings and list --------------------------------------------------------

    def _apply_project_settings(self) -> None:
        labels = self.project.stance_labels()
        target = self.project.stance_target()
        self.panel.set_stance_labels(labels, target)
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
        text = self.project.guidelines() or read_resource("guidelines.md")
        self.guidelines_view.setMarkdown(text)
        if self.readonly:
            self._disable_editing()

    def _load_article_list(self) -> None:
        rows = queries.article_rows(self.project, self.session.annotator)
        self.article_list.model.set_rows(rows)
        if self.session.article is not None:
            self.article_list.show_current(self.session.article.id)

    def _update_list_row(self, article_id: int) -> None:
        try:
            row = queries.article_row(self.project, article_id, self.session.annotator)
        except KeyError:
            return
        self.article_list.model.update_row(row)

    def _search(self, text: str) -> None:
        text = text.strip()
        ids = set(self.project.search_articles(text)) if text else None
        self.article_list.set_search_ids(ids)

    # -- read-only projects ------------------------------------------------------------------

    def editing_actions(self) -> list[QAction]:
        """Every action that writes to the project (disabled when it is read-only)."""
        return [
            self.act_accept,
            self.act_reject,
            self.act_add,
            self.act_speaker_span,
            self.act_speaker_name,
            self.act_note,
            self.act_kind,
            self.act_grow_end,
            self.act_shrink_end,
            self.act_grow_start,
            self.act_shrink_start,
            self.act_done,
            self.act_undo,
            self.act_redo,
            self.act_settings,
            self.act_detect,
            self.act_import_files,
            self.act_import_folder,
            self.act_review,
            *self._stance_actions,
        ]

    def _enter_read_only(self) -> None:
        """A file we may not write: say so once in a box, and for good in a banner."""
        why = f"{self.project_path} cannot be written (the file is read-only)"
        self.read_only_banner.setText(
            f"<b>{READ_ONLY_NOTE}.</b> {why}. You can read and move around; to annotate, "
            "make the file writable or open a writable copy."
        )
        self.read_only_banner.show()
        self.read_only_label.show()
        self._disable_editing()
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            APP_TITLE,
            f"{self.project_path.name} is read-only: changes are not saved.",
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setInformativeText(
            f"{why}. Articles and quotes can be read and navigated; every editing command "
            "is switched off."
        )
        self.read_only_box = box
        QTimer.singleShot(0, box.open)

    def _disable_editing(self) -> None:
        for act in self.editing_actions():
            act.setEnabled(False)
            act.setToolTip(f"{READ_ONLY_NOTE} ({self.project_path.name})")
        self.panel.set_read_only(True)

    # -- position memory ---------------------------------------------------------------------

    def _position_key(self) -> str:
        digest = hashlib.sha1(str(self.project_path.resolve()).encode()).hexdigest()[:16]
        return f"position/{digest}/{self.session.annotator}"

    def _settings_position(self) -> tuple[int, str | None] | None:
        key = self._position_key()
        article = self.settings.value(f"{key}/article")
        quote = self.settings.value(f"{key}/quote")
        try:
            return int(str(article)), (str(quote) if quote else None)
        except ValueError:
            return None

    def _restore_position(self) -> None:
        """Open where the annotator stopped: the project's record (it travels with the file),
        else this machine's QSettings (the only record kept for a read-only file)."""
        ids = set(self.project.article_ids())
        found = [self.session.resume_position(), self._settings_position()]
        if self.readonly:
            found.reverse()
        target: tuple[int, str | None] | None = next(
            (p for p in found if p is not None and p[0] in ids), None
        )
        if target is None and ids:
            first = self.article_list.neighbour(-1, 1)
            target = (first, None) if first is not None else None
        if target is not None:
            self.open_article(*target)
        else:
            self._show_article()

    def save_position(self) -> None:
        """Remember the position in QSettings now, and in the project after a pause."""
        art = self.session.article
        if art is None:
            return
        key = self._position_key()
        self.settings.setValue(f"{key}/article", art.id)
        cur = self.session.current
        self.settings.setValue(f"{key}/quote", cur.key if cur else "")
        if not self.readonly:
            self._position_timer.start()

    def record_position(self) -> None:
        """Write the position into the project (article change, quit, a pause after moves)."""
        self._position_timer.stop()
        try:
            self.session.record_position()
        except Exception as exc:  # a busy or vanished file must not stop the annotator
            self.statusBar().showMessage(f"The position was not saved in the project: {exc}", 8000)

    # -- showing ------------------------------------------------------------------------------

    def open_article(self, article_id: int, focus: str | None = None) -> None:
        """Show article ``article_id`` (selecting quote ``focus``, an item key, if given)."""
        self.session.open_article(article_id, focus)
        self._show_article()
        self.save_position()
        self.record_position()

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
        self._update_names()
        self.article_list.show_current(art.id)
        self._show_current(scroll=False)

    def _show_current(self, scroll: bool = True) -> None:
        s = self.session
        cur = s.current
        if scroll:
            self.view.set_current(cur, scroll=True)
        self.panel.show_item(cur, s.quote_text(cur), s.index + 1, len(s.items))
        self._update_status()

    def _update_status(self) -> None:
        t = self.session.totals()
        c = self.session.article_counts
        here = f"this article {c.done}/{c.total} · " if self.session.article else ""
        self.progress_label.setText(
            f"{here}articles done {t.articles_done}/{t.articles} · quotes done "
            f"{t.quotes_done}/{t.quotes}"
        )
        self.annotator_label.setText(f"Annotator: {self.session.annotator}")

    def show_info(self, text: str) -> None:
        """A lasting note in the status bar (temporary hints show over it, then it returns)."""
        self.info_label.setText(text)
        self.info_label.setToolTip(text)

    def _update_title(self) -> None:
        ro = " [read-only]" if self.readonly else ""
        self.setWindowTitle(
            f"{self.project_path.name}{ro} — {self.session.annotator} — {APP_TITLE}"
        )

    # -- applying ops -------------------------------------------------------------------------

    def _push(self, op: Op | None) -> bool:
        if op is None:
            return False
        if self.readonly:
            self.statusBar().showMessage(f"{READ_ONLY_NOTE}.", 5000)
            return False
        self.undo_stack.push(OpCommand(self, op))
        return True

    def apply_op(self, op: Op) -> Op | None:
        """Apply ``op`` through the session and refresh what shows it; return the inverse."""
        before = self.session.article.id if self.session.article else None
        try:
            inverse = self.session.apply(op)
        except Exception as exc:
            QMessageBox.warning(self, APP_TITLE, f"The change was not saved:\n{exc}")
            return None
        if before != op.article_id:
            self._show_article()
        else:
            self.view.set_items(self.session.items, self.session.current)
            self._show_current(scroll=False)
        self._update_list_row(op.article_id)
        self.save_position()
        return inverse

    # -- commands ------------------------------------------------------------------------------

    def accept_quote(self) -> None:
        if self.session.current is None:
            self._nothing_here()
            return
        self._push(self.session.plan_accept())
        self._advance()

    def reject_quote(self) -> None:
        cur = self.session.current
        if cur is None:
            self._nothing_here()
            return
        manual = cur.state == "manual"
        if self._push(self.session.plan_reject()) and manual:
            return  # the hand-made quote is gone; the nearest one is already current
        self._advance()

    def _advance(self) -> None:
        """After a decision: the next undecided quote, or a hint when the article is done."""
        self.session.next_undecided()
        self._show_current()
        self.save_position()
        c = self.session.article_counts
        if c.total and c.done == c.total and c.status != "done":
            self.statusBar().showMessage(
                "Every quote here is decided: Ctrl+D marks the article done, "
                "Ctrl+Down opens the next one.",
                8000,
            )

    def _nothing_here(self) -> None:
        self.statusBar().showMessage(
            "No quote here: select text and press Q to add one, or Ctrl+Down for the next article.",
            5000,
        )

    def set_stance(self, label: str | None) -> None:
        self._push(self.session.plan_stance(label))

    def cycle_kind(self) -> None:
        self._push(self.session.plan_cycle_kind())

    def resize_quote(self, which: str) -> None:
        self._push(self.session.plan_resize(which))

    def add_quote(self) -> None:
        span = self.view.selected_span()
        if span is None:
            self.statusBar().showMessage("Select the words of the quote first, then press Q.", 5000)
            return
        if self._push(self.session.plan_add(*span)):
            self.view.clear_selection()

    def speaker_from_selection(self) -> None:
        span = self.view.selected_span()
        if span is None:
            self.statusBar().showMessage("Select the speaker's words first, then press S.", 5000)
            return
        if self.session.current is None:
            self.statusBar().showMessage("There is no quote to give a speaker to.", 5000)
            return
        if self._push(self.session.plan_speaker_span(*span)):
            self.view.clear_selection()

    def toggle_done(self) -> None:
        done = self.session.article_counts.status != "done"
        self._push(self.session.plan_done(done))
        if done:
            self.statusBar().showMessage("Article marked done.", 3000)

    def next_quote(self) -> None:
        if self.session.next_quote():
            self._show_current()
            self.save_position()

    def previous_quote(self) -> None:
        if self.session.previous_quote():
            self._show_current()
            self.save_position()

    def next_article(self) -> None:
        self._step_article(1)

    def previous_article(self) -> None:
        self._step_article(-1)

    def _step_article(self, step: int) -> None:
        art = self.session.article
        target = self.article_list.neighbour(art.id if art else -1, step)
        if target is None:
            self.statusBar().showMessage(
                "This is the last article in the list."
                if step > 0
                else "This is the first article in the list.",
                3000,
            )
            return
        self.open_article(target)

    def _clicked(self, pos: int) -> None:
        if self.session.select_at(pos):
            self._show_current(scroll=False)
            self.save_position()

    def focus_text(self) -> None:
        self.view.setFocus()

    def _focus_search(self) -> None:
        if not self.article_list.isVisible():
            self.article_list.show()
        self.article_list.search.setFocus()
        self.article_list.search.selectAll()

    def _focus_speaker(self) -> None:
        if self.session.current is not None:
            self.panel.speaker_edit.setFocus()
            self.panel.speaker_edit.selectAll()

    def _focus_note(self) -> None:
        if self.session.current is not None:
            self.panel.note_edit.setFocus()

    def _toggle_list(self) -> None:
        self.article_list.setVisible(not self.article_list.isVisible())

    def show_shortcuts(self) -> None:
        groups = [(m.title().replace("&", ""), m.actions()) for m in self._menus]
        groups.append(("Quote panel", [self.act_undo, self.act_redo]))
        dlg = ShortcutSheet(shortcut_sheet_html(groups[:-1]), self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        self._shortcut_sheet = dlg

    def _about(self) -> None:
        QMessageBox.about(
            self,
            APP_TITLE,
            f"<b>{APP_TITLE}</b><br>Confirm and fix quotes, speakers and stance in news "
            "articles.<br>Every action is saved as it happens.",
        )

    # -- annotator --------------------------------------------------------------------------------

    def _ask_annotator(self, current: str | None) -> str | None:
        dlg = AnnotatorDialog(self.project.annotators(), current, self)
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
        self.record_position()
        self.settings.setValue(SETTINGS_ANNOTATOR, name)
        self.session = Session(self.project, name)
        self.session.min_confidence = self._min_confidence()
        self.undo_stack.clear()
        self._load_article_list()
        self._restore_position()
        self._update_title()
        self.statusBar().showMessage(f"Now annotating as {name}.", 5000)

    # -- settings dialog --------------------------------------------------------------------------

    def _min_confidence(self) -> float:
        try:
            value = float(str(self.settings.value(SETTINGS_MIN_CONFIDENCE, 0.0) or 0.0))
        except (TypeError, ValueError):
            return 0.0
        return min(max(value, 0.0), 1.0)

    def ask_min_confidence(self) -> None:
        """View > Hide suggestions below confidence: a threshold kept in QSettings."""
        value, ok = QInputDialog.getDouble(
            self,
            "Hide suggestions",
            "Hide the detector's suggestions below this confidence (0 shows all):",
            self.session.min_confidence,
            0.0,
            1.0,
            2,
        )
        if not ok:
            return
        self.settings.setValue(SETTINGS_MIN_CONFIDENCE, value)
        self.session.set_min_confidence(value)
        self._show_current(scroll=False)

    def edit_settings(self) -> None:
        dlg = SettingsDialog(
            self.project.stance_labels(),
            self.project.stance_target(),
            self.project.guidelines() or read_resource("guidelines.md"),
            self,
            marks_inside=self.project.marks_inside(),
        )
        self._settings_dialog = dlg
        if not dlg.exec():
            return
        who = self.session.annotator
        with self.project.batch():
            if dlg.labels() != self.project.stance_labels():
                self.project.set_setting("stance_labels", dlg.labels(), actor=who)
            if dlg.target() != self.project.stance_target():
                self.project.set_setting("stance_target", dlg.target(), actor=who)
            if dlg.guidelines() != (self.project.guidelines() or read_resource("guidelines.md")):
                self.project.set_setting("guidelines", dlg.guidelines(), actor=who)
            if dlg.marks_inside() != self.project.marks_inside():
                self.project.set_setting(MARKS_INSIDE_SETTING, dlg.marks_inside(), actor=who)
        self._apply_project_settings()
        self._show_current(scroll=False)

    # -- background work -----------------------------------------------------------------------

    def start_model_load(self) -> None:
        if self._model_task is not None or self._closing:
            return
        self.model_label.setText("Model: loading…")
        task = ModelLoadTask(self._loader)
        task.signals.finished.connect(self._model_loaded)
        task.signals.failed.connect(self._model_failed)
        self._model_task = task
        self.pool.start(task)

    def _model_loaded(self, result: object) -> None:
        if self._closing:  # delivered after closeEvent closed the project
            return
        pair: tuple[Any, Any] = result  # type: ignore[assignment]
        nlp, info = pair
        self.nlp = nlp
        self.model_info = info
        name = getattr(info, "name", "model")
        rules = bool(getattr(info, "rules_only", False))
        message = str(getattr(info, "message", ""))
        self.model_label.setText(
            "Model: rules-only mode (no trained English model installed)"
            if rules
            else f"Model: {name}"
        )
        self.model_label.setToolTip(message)
        if rules:
            # the brief: say so in the window and on the command line
            note = message or "No trained English model is installed: rules-only mode"
            self.statusBar().showMessage(note, 15000)
            print(f"annotator: {note}", file=sys.stderr)
        elif has_entities(nlp):
            self._names_parse = entities_only(nlp)
            self._update_names()
        self.act_detect.setEnabled(not self.readonly)
        self.start_detection(auto=True)

    def _model_failed(self, message: str) -> None:
        self.model_label.setText("Model: none")
        self.model_label.setToolTip(message)
        self.statusBar().showMessage(f"The model could not be loaded: {message}", 15000)
        print(f"annotator: the model could not be loaded: {message}", file=sys.stderr)

    # -- speaker names -------------------------------------------------------------------------

    def _update_names(self) -> None:
        """Fill the speaker completer: registry plus the article's names.

        With a trained model the names are its PERSON/ORG entities, parsed in the pool
        and cached per article; until they arrive (and in rules-only mode) a scan of
        capitalised words stands in.
        """
        art = self.session.article
        if art is None:
            return
        cached = self._names_cache.get(art.id)
        if cached is not None:
            self._names_cache.move_to_end(art.id)
        self.panel.set_names(self.session.name_suggestions(cached))
        self._parse_names()

    def _parse_names(self) -> None:
        """Parse the open article for names unless cached; one parse at a time, so paging
        quickly through articles parses only where the annotator stops."""
        art = self.session.article
        if (
            art is None
            or self._names_parse is None
            or self._names_task is not None
            or art.id in self._names_cache
            or self._closing
        ):
            return
        task = NamesTask(self._names_parse, art.id, art.text)
        task.signals.finished.connect(self._names_found)
        task.signals.failed.connect(self._names_failed)
        self._names_task = task
        self.pool.start(task)

    def _names_found(self, result: object) -> None:
        self._names_task = None
        if self._closing:
            return
        found: tuple[int, list[str]] = result  # type: ignore[assignment]
        article_id, names = found
        self._names_cache[article_id] = names
        while len(self._names_cache) > NAMES_CACHE_SIZE:
            self._names_cache.popitem(last=False)
        art = self.session.article
        if art is not None and art.id == article_id:
            self.panel.set_names(self.session.name_suggestions(names))
        self._parse_names()  # the annotator may have moved on meanwhile

    def _names_failed(self, message: str) -> None:
        # the scan of capitalised words stays; the next article change tries again
        self._names_task = None
        self.statusBar().showMessage(f"Names from the model are not available: {message}", 5000)

    def articles_to_detect(self) -> list[int]:
        try:
            from annotator.nlp.detect import DETECTOR_VERSION
        except ImportError:
            return []
        return self.project.articles_without_suggestions(DETECTOR_VERSION)

    def start_detection(self, auto: bool = False) -> None:
        if self.nlp is None or self.detect_task is not None or self._closing or self.readonly:
            return
        ids = self.articles_to_detect()
        if not ids:
            if not auto:
                self.statusBar().showMessage("Every article already has suggestions.", 4000)
            return
        task = DetectTask(self.project_path, self.nlp, ids)
        task.signals.progress.connect(self._detect_progress)
        task.signals.finished.connect(self._detect_finished)
        task.signals.failed.connect(self._detect_failed)
        self.detect_task = task
        self._detect_seen = 0
        self.detect_bar.setRange(0, len(ids))
        self.detect_bar.setValue(0)
        self.detect_bar.show()
        self.detect_cancel.show()
        self.act_cancel.setEnabled(True)
        self.act_detect.setEnabled(False)
        self.pool.start(task)

    def cancel_detection(self) -> None:
        if self.detect_task is not None:
            self.detect_task.cancel()
            self.detect_cancel.setEnabled(False)
            self.statusBar().showMessage("Cancelling detection…", 3000)

    def _detect_progress(self, done: int, total: int) -> None:
        self.detect_bar.setRange(0, max(total, 1))
        self.detect_bar.setValue(done)
        task = self.detect_task
        if task is not None:
            # refresh the list rows and totals of the articles just detected
            fresh = task.article_ids[self._detect_seen : done]
            self._detect_seen = done
            current = self.session.article.id if self.session.article else None
            model = self.article_list.model
            for ident in fresh:
                row = model.row_of(ident)
                if row is None:
                    continue
                old = model.article(row)
                self._update_list_row(ident)
                if ident != current:
                    self.session.add_to_totals(model.article(row).quotes_total - old.quotes_total)
            self._update_status()
        if self.session.article is not None and not self.session.items:
            self.session.reload()
            if self.session.items:
                self.session.totals(refresh=True)
                self._show_article()

    def _detect_done(self) -> None:
        self.detect_task = None
        self.detect_bar.hide()
        self.detect_cancel.hide()
        self.detect_cancel.setEnabled(True)
        self.act_cancel.setEnabled(False)
        self.act_detect.setEnabled(self.nlp is not None and not self.readonly)

    def _detect_finished(self, n: object) -> None:
        cancelled = self.detect_task is not None and self.detect_task.cancelled
        self._detect_done()
        if self._closing:
            return
        verb = "cancelled after" if cancelled else "finished:"
        self.statusBar().showMessage(f"Detection {verb} {n} articles.", 8000)
        self._refresh_after_detection()
        if self._detect_again and not cancelled:
            # articles imported while this run was busy
            self._detect_again = False
            self.start_detection(auto=True)

    def _detect_failed(self, message: str) -> None:
        self._detect_done()
        self._detect_again = False
        self.statusBar().showMessage(f"Detection stopped: {message}", 15000)
        if not self._closing:
            self._refresh_after_detection()

    def _refresh_after_detection(self) -> None:
        had = len(self.session.items)
        self.session.reload()
        self.session.totals(refresh=True)
        self._load_article_list()
        if len(self.session.items) != had:
            self._show_article()
        else:
            self._update_status()

    # -- importing --------------------------------------------------------------------------------

    def ask_import_files(self) -> list[str]:
        """The files to import, from a file dialog ([]: cancelled). Tests replace this."""
        files, _filter = QFileDialog.getOpenFileNames(
            self, "Import files", str(self.project_path.parent), IMPORT_FILTERS
        )
        return list(files)

    def ask_import_folder(self) -> str:
        """The folder to import, from a folder dialog ("": cancelled). Tests replace this."""
        return QFileDialog.getExistingDirectory(
            self, "Import folder", str(self.project_path.parent)
        )

    def import_files(self) -> None:
        """File > Import files…: pick files, import them in the background."""
        if self._can_import():
            self.start_import(self.ask_import_files())

    def import_folder(self) -> None:
        """File > Import folder…: pick a folder, import its files in the background."""
        if self._can_import():
            folder = self.ask_import_folder()
            self.start_import([folder] if folder else [])

    def _can_import(self) -> bool:
        if self.readonly:
            self.statusBar().showMessage(f"{READ_ONLY_NOTE}.", 5000)
            return False
        if self.import_task is not None:
            self.statusBar().showMessage("An import is already running.", 5000)
            return False
        return not self._closing

    def start_import(self, paths: list[str]) -> None:
        """Import ``paths`` (files and folders) in a pool worker with its own project."""
        if not paths or not self._can_import():
            return
        task = ImportTask(self.project_path, paths, self.session.annotator)
        task.signals.progress.connect(self._import_progress)
        task.signals.finished.connect(self._import_finished)
        task.signals.failed.connect(self._import_failed)
        self.import_task = task
        self.import_bar.setRange(0, 0)  # busy until the first progress call
        self.import_bar.show()
        self.import_cancel.setEnabled(True)
        self.import_cancel.show()
        self.act_cancel_import.setEnabled(True)
        self.act_import_files.setEnabled(False)
        self.act_import_folder.setEnabled(False)
        self.statusBar().showMessage("Importing…")
        self.pool.start(task)

    def cancel_import(self) -> None:
        if self.import_task is not None:
            self.import_task.cancel()
            self.import_cancel.setEnabled(False)
            self.statusBar().showMessage("Cancelling the import…", 3000)

    def _import_progress(self, done: int, total: int, label: str) -> None:
        # abstract units (files, or lines of a JSONL file): only the ratio means anything
        self.import_bar.setRange(0, max(total, 1))
        self.import_bar.setValue(min(done, max(total, 1)))
        if label and self.import_task is not None and not self.import_task.cancelled:
            self.statusBar().showMessage(f"Importing {Path(label).name}…")

    def _import_done(self) -> bool:
        """Put the status bar back; True when the import was cancelled."""
        cancelled = self.import_task is not None and self.import_task.cancelled
        self.import_task = None
        self.import_bar.hide()
        self.import_cancel.hide()
        self.act_cancel_import.setEnabled(False)
        self.act_import_files.setEnabled(not self.readonly)
        self.act_import_folder.setEnabled(not self.readonly)
        self.statusBar().clearMessage()
        return cancelled

    def _import_finished(self, result: object) -> None:
        cancelled = self._import_done()
        if self._closing:
            return
        report: Any = result
        self.last_import_report = report
        summary = str(report.summary())
        if cancelled:
            summary = f"Import cancelled. {summary}"
        self.show_info(summary)
        self.statusBar().showMessage(summary, 10000)
        self._refresh_after_import()
        problems = bool(report.failed) or any(f.problems for f in report.files)
        if problems:
            self._show_import_report(summary, report.lines())
        if report.articles_added:
            if self.detect_task is not None:
                self._detect_again = True
            else:
                self.start_detection(auto=True)
        self.import_finished.emit(report)

    def _import_failed(self, message: str) -> None:
        self._import_done()
        if self._closing:
            return
        self.statusBar().showMessage(f"The import stopped: {message}", 15000)
        self._refresh_after_import()
        self.import_finished.emit(None)

    def _refresh_after_import(self) -> None:
        self.refresh_from_store()
        if self.session.article is None:
            first = self.article_list.neighbour(-1, 1)
            if first is not None:
                self.open_article(first)

    def _show_import_report(self, summary: str, lines: list[str]) -> None:
        """Some file failed or had bad entries: the per-file lines in a box (on a screen)."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            APP_TITLE,
            summary,
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setInformativeText("Some files or entries could not be imported; see the details.")
        box.setDetailedText("\n".join(lines))
        self.import_report_box = box
        if can_show_windows():
            box.open()

    # -- closing ----------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self._closing = True
        # commit a half-typed speaker or note before leaving
        focus = self.focusWidget()
        if focus in (self.panel.speaker_edit, self.panel.note_edit):
            self.view.setFocus()
        self.save_position()
        self.record_position()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.sync()
        if self.detect_task is not None:
            self.detect_task.cancel()
        if self.import_task is not None:
            self.import_task.cancel()
        self.pool.waitForDone(30000)
        for w in list(self._windows):
            w.close()
        self.project.close()
        super().closeEvent(event)
