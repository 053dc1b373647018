"""The annotation window's action table: every command, its menu, keys and tip, in one list.

:class:`ActionWindow` builds the menus from :data:`ACTIONS`; the F1 sheet is generated from
those menus (:func:`annotator.ui.dialogs.shortcut_sheet_html`), so keys are written once.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QWidget

from annotator.ui.busy import busy_cursor
from annotator.ui.quit_shortcut import QUIT_KEYS, add_quit
from annotator.ui.quote_panel import QuotePanel

Keys = str | list[str] | QKeySequence.StandardKey | None


@dataclass(frozen=True)
class ActionSpec:
    """One row of the action table: menu title, attribute name, text, slot name, keys, tip,
    whether it writes to the project (then it is off in a read-only project), and the
    attribute of an earlier action to place it before (default: the end of its menu)."""

    menu: str
    attr: str
    text: str
    slot: str
    keys: Keys = None
    tip: str = ""
    edits: bool = False
    before: str = ""


#: Every command of the window, menu by menu (the F1 sheet is built from the menus).
ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("&File", "act_switch", "Switch &annotator…", "switch_annotator", "Ctrl+Shift+U"),
    ActionSpec(
        "&File", "act_settings", "Project &settings…", "edit_settings", "Ctrl+,", edits=True
    ),
    ActionSpec("&File", "", "", ""),
    ActionSpec(
        "&File",
        "act_import_files",
        "&Import files…",
        "import_files",
        "Ctrl+I",
        "Add articles (and their quotes) from .txt, .jsonl, .csv or .tsv files",
        True,
    ),
    ActionSpec(
        "&File",
        "act_import_folder",
        "Import &folder…",
        "import_folder",
        None,
        "Add the articles of every readable file in a folder",
        True,
    ),
    ActionSpec("&File", "act_cancel_import", "Cancel i&mport", "cancel_import"),
    ActionSpec(
        "&File",
        "act_import_report",
        "&Last import report…",
        "show_import_report",
        None,
        "The last import's summary and its per-file lines again (failed files, bad entries)",
    ),
    ActionSpec("&File", "", "", ""),
    ActionSpec(
        "&File",
        "act_detect",
        "&Detect quotes in new articles",
        "start_detection",
        "Ctrl+Shift+D",
        "Run the detector on articles that have no suggestions yet",
        True,
    ),
    ActionSpec("&File", "act_cancel", "&Cancel detection", "cancel_detection", "Ctrl+Shift+X"),
    ActionSpec(
        "&File",
        "act_detect_report",
        "Detection re&port…",
        "show_detection_report",
        None,
        "The articles the detector skipped in this session, and why",
    ),
    ActionSpec("&File", "", "", ""),
    ActionSpec("&File", "act_export", "&Export…", "lazy:export", "Ctrl+E"),
    ActionSpec(
        "&File",
        "act_save_copy",
        "Save a &copy…",
        "save_copy",
        None,
        "Write the whole project to one file (safe to mail or back up)",
    ),
    ActionSpec("&File", "", "", ""),
    ActionSpec("&File", "act_quit", "&Quit", "close", "Ctrl+Q"),
    ActionSpec("&Edit", "act_undo", "&Undo", "undo", "Ctrl+Z", edits=True),
    ActionSpec("&Edit", "act_redo", "&Redo", "redo", ["Ctrl+Shift+Z", "Ctrl+Y"], edits=True),
    ActionSpec("&Edit", "", "", ""),
    ActionSpec("&Edit", "act_find", "&Find articles…", "focus_search", "Ctrl+F"),
    ActionSpec("&Edit", "act_focus_text", "Back to the article &text", "focus_text", "Esc"),
    ActionSpec(
        "&Quote",
        "act_accept",
        "&Accept and next",
        "accept_quote",
        "A",
        "Accept the quote (A)",
        True,
    ),
    ActionSpec(
        "&Quote",
        "act_reject",
        "&Reject and next",
        "reject_quote",
        ["R", "Del"],
        "Reject the suggestion, or delete a quote added by hand (R)",
        True,
    ),
    ActionSpec("&Quote", "stance_menu", "S&tance", "menu"),
    ActionSpec("&Quote", "", "", ""),
    ActionSpec("&Quote", "act_add", "&New quote from selection", "add_quote", "Q", edits=True),
    ActionSpec(
        "&Quote",
        "act_speaker_span",
        "Selection is the &speaker",
        "speaker_from_selection",
        "S",
        edits=True,
    ),
    ActionSpec(
        "&Quote", "act_speaker_name", "&Edit canonical speaker", "focus_speaker", "E", edits=True
    ),
    ActionSpec("&Quote", "act_note", "Edit &note", "focus_note", "M", edits=True),
    ActionSpec(
        "&Quote",
        "act_kind",
        "Change quote &type (direct, mixed, indirect)",
        "cycle_kind",
        "T",
        edits=True,
    ),
    ActionSpec("&Quote", "", "", ""),
    ActionSpec(
        "&Quote", "act_grow_end", "Grow end by a word", "grow_end", "Ctrl+Right", edits=True
    ),
    ActionSpec(
        "&Quote", "act_shrink_end", "Shrink end by a word", "shrink_end", "Ctrl+Left", edits=True
    ),
    ActionSpec(
        "&Quote",
        "act_grow_start",
        "Grow start by a word",
        "grow_start",
        "Ctrl+Shift+Left",
        edits=True,
    ),
    ActionSpec(
        "&Quote",
        "act_shrink_start",
        "Shrink start by a word",
        "shrink_start",
        "Ctrl+Shift+Right",
        edits=True,
    ),
    # -- issue 10: hand annotation from the selection and the mouse; search hits ------------
    ActionSpec("&Quote", "", "", ""),
    ActionSpec(
        "&Quote",
        "act_respan",
        "Re-span quote to the selection",
        "respan_quote",
        "Shift+Q",
        "The selected words become the current quote's only fragment",
        True,
    ),
    ActionSpec(
        "&Quote",
        "act_add_fragment",
        "Add selection as a &fragment",
        "add_fragment",
        "F",
        "The selected words become another fragment of the current quote",
        True,
    ),
    ActionSpec(
        "&Quote",
        "act_remove_fragment",
        "Remove the fragment under the cursor",
        "remove_fragment",
        "Shift+F",
        "Click inside a fragment of the current quote, then Shift+F",
        True,
    ),
    ActionSpec(
        "&Quote",
        "act_cue",
        "Selection is the &cue",
        "cue_from_selection",
        "C",
        "The selected words are the verb or phrase of saying",
        True,
    ),
    ActionSpec(
        "&Quote",
        "act_mouse_help",
        "Selecting: drag (Alt: exact letters) or Shift+Right/Left; drag an edge",
        "mouse_help",
    ),
    ActionSpec("&Edit", "act_find_next", "Find &next hit", "find_next", "F3"),
    ActionSpec("&Edit", "act_find_prev", "Find pre&vious hit", "find_previous", "Shift+F3"),
    ActionSpec("&Navigate", "act_next", "&Next quote", "next_quote", ["N", "J"]),
    ActionSpec("&Navigate", "act_prev", "&Previous quote", "previous_quote", ["P", "K"]),
    ActionSpec(
        "&Navigate",
        "act_next_article",
        "Next &article",
        "next_article",
        ["Ctrl+Down", "Ctrl+PgDown"],
    ),
    ActionSpec(
        "&Navigate",
        "act_prev_article",
        "Previous a&rticle",
        "previous_article",
        ["Ctrl+Up", "Ctrl+PgUp"],
    ),
    ActionSpec(
        "&Navigate", "act_done", "Mark article &done / reopen", "toggle_done", "Ctrl+D", edits=True
    ),
    ActionSpec("&View", "act_guidelines", "&Guidelines panel", "dock", "F2"),
    ActionSpec("&View", "act_list", "Article &list", "toggle_list", "F4"),
    ActionSpec(
        "&View",
        "act_min_confidence",
        "Hide suggestions &below confidence…",
        "ask_min_confidence",
        tip="Hide the detector's suggestions below a confidence you choose",
    ),
    ActionSpec("&Review", "act_review", "&Review annotators…", "lazy:review", edits=True),
    ActionSpec("&Review", "act_dashboard", "Agreement &dashboard…", "lazy:dashboard"),
    ActionSpec("&Review", "", "", ""),
    ActionSpec("&Review", "act_speakers", "&Speakers…", "lazy:speakers", "Ctrl+Shift+P"),
    ActionSpec("&Review", "act_summary", "Quote s&ummary…", "lazy:summary"),
    # -- issue 13: learn from the analysts (slots in annotator.ui.detector_commands) --------
    ActionSpec(
        "&Detector",
        "act_train",
        "&Train from this project…",
        "train_detector",
        None,
        "Learn from the quotes accepted here; the model is saved in your models folder",
    ),
    ActionSpec("&Detector", "detector_menu", "&Detector in use", "menu"),
    ActionSpec("&Detector", "", "", ""),
    ActionSpec(
        "&Detector",
        "act_redetect",
        "&Re-detect undecided articles…",
        "redetect_undecided",
        None,
        "Replace the open suggestions of articles nobody has decided yet (no undo)",
        True,
    ),
    ActionSpec(
        "&Detector",
        "act_next_useful",
        "Next most &useful article",
        "next_useful_article",
        "Ctrl+U",
        "The undecided article where the detector is least sure of its suggestions",
    ),
    ActionSpec("&Help", "act_shortcuts", "&Keyboard shortcuts", "show_shortcuts", "F1"),
    ActionSpec("&Help", "act_about", "&About Quote Annotator", "about"),
    # -- issue 10: stance targets, legend, zoom, projects (placed with ``before``) ----------
    ActionSpec(
        "&File", "act_new_project", "&New project…", "new_project", "Ctrl+N", before="act_switch"
    ),
    ActionSpec(
        "&File", "act_open_project", "&Open project…", "open_project", "Ctrl+O", before="act_switch"
    ),
    ActionSpec("&File", "recent_menu", "Open &recent", "menu", before="act_switch"),
    ActionSpec("&File", "", "", "", before="act_switch"),
    ActionSpec(
        "&Quote",
        "act_quote_target",
        "Stance tar&get of this quote",
        "focus_target",
        "G",
        "Type what this quote's stance is about (Enter keeps it, empty: the article's)",
        True,
        before="act_add",
    ),
    ActionSpec(
        "&Quote",
        "act_article_target",
        "Stance target of this a&rticle…",
        "edit_article_target",
        "Shift+G",
        "What the stances of this article's quotes are about, unless a quote says otherwise",
        True,
        before="act_add",
    ),
    ActionSpec("&View", "", "", ""),
    ActionSpec("&View", "act_zoom_in", "Zoom &in", "zoom_in", ["Ctrl++", "Ctrl+="]),
    ActionSpec("&View", "act_zoom_out", "Zoom &out", "zoom_out", "Ctrl+-"),
    ActionSpec("&View", "act_zoom_reset", "&Actual size", "zoom_reset", "Ctrl+0"),
    ActionSpec("&View", "", "", ""),
    ActionSpec(
        "&View",
        "act_legend",
        "Colour &legend",
        "show_legend",
        "Shift+F1",
        "What each highlight colour in the article means",
    ),
)

#: Windows opened from a menu: imported only when asked for (module, class, maker).
LAZY: dict[str, tuple[str, str, Callable[[Any, Any], QWidget]]] = {
    "export": (
        "annotator.ui.export_dialog",
        "ExportDialog",
        lambda w, cls: cls(w.project_path, w),
    ),
    "review": (
        "annotator.ui.review_window",
        "ReviewWindow",
        lambda w, cls: w.watch_review(cls(w.project_path, w.session.annotator, w)),
    ),
    "dashboard": (
        "annotator.ui.dashboard",
        "DashboardWindow",
        lambda w, cls: cls(w.project_path, w),
    ),
    "speakers": ("annotator.ui.speakers_window", "SpeakersWindow", lambda w, cls: cls(w)),
    "summary": ("annotator.ui.summary_window", "SummaryWindow", lambda w, cls: cls(w)),
}


class ActionWindow(QMainWindow):
    """A main window whose menus and actions come from :data:`ACTIONS`.

    A spec's ``slot`` names a method of the window, or: ``undo``/``redo`` (the undo
    stack's actions), ``dock`` (the guidelines panel's toggle), ``menu`` (a submenu),
    ``lazy:NAME`` (a window of :data:`LAZY`, imported when first asked for).
    """

    act_switch: QAction
    act_settings: QAction
    act_import_files: QAction
    act_import_folder: QAction
    act_cancel_import: QAction
    act_import_report: QAction
    act_detect: QAction
    act_cancel: QAction
    act_detect_report: QAction
    act_export: QAction
    act_save_copy: QAction
    act_quit: QAction
    act_undo: QAction
    act_redo: QAction
    act_find: QAction
    act_focus_text: QAction
    act_accept: QAction
    act_reject: QAction
    stance_menu: QMenu
    act_add: QAction
    act_speaker_span: QAction
    act_speaker_name: QAction
    act_note: QAction
    act_kind: QAction
    act_grow_end: QAction
    act_shrink_end: QAction
    act_grow_start: QAction
    act_shrink_start: QAction
    act_respan: QAction
    act_add_fragment: QAction
    act_remove_fragment: QAction
    act_cue: QAction
    act_mouse_help: QAction
    act_find_next: QAction
    act_find_prev: QAction
    act_next: QAction
    act_prev: QAction
    act_next_article: QAction
    act_prev_article: QAction
    act_done: QAction
    act_guidelines: QAction
    act_list: QAction
    act_review: QAction
    act_dashboard: QAction
    act_shortcuts: QAction
    act_about: QAction
    act_new_project: QAction
    act_open_project: QAction
    recent_menu: QMenu
    act_quote_target: QAction
    act_article_target: QAction
    act_zoom_in: QAction
    act_zoom_out: QAction
    act_zoom_reset: QAction
    act_legend: QAction
    undo_stack: QUndoStack
    guidelines_dock: QDockWidget
    panel: QuotePanel
    _windows: list[QWidget]
    _editing: list[QAction]
    _menus: list[QMenu]

    def show_window(self, win: QWidget) -> None:
        """Show ``win``, a top-level window or non-modal dialog opened from this window,
        with Ctrl+Q on it (:func:`add_quit`): every window the app shows with ``show()``
        goes through here, so Ctrl+Q quits from whichever one is active (tester17 F8b).
        Modal dialogs (``exec()``) block the main window anyway and are not meant here."""
        if not any(a.shortcut().toString() == QUIT_KEYS for a in win.findChildren(QAction)):
            add_quit(win, self.act_quit)
        win.show()

    def _action(
        self, menu: QMenu, text: str, slot: Callable[[], Any], keys: Keys = None, tip: str = ""
    ) -> QAction:
        act = QAction(text, self)
        act.triggered.connect(lambda _checked=False: slot())
        return self._place(menu, act, keys, tip)

    def _place(
        self, menu: QMenu, act: QAction, keys: Keys, tip: str = "", before: str = ""
    ) -> QAction:
        if isinstance(keys, list):
            act.setShortcuts([QKeySequence(k) for k in keys])
        elif keys is not None:
            act.setShortcut(QKeySequence(keys))
        if tip:
            act.setStatusTip(tip)
            act.setToolTip(tip)
        anchor = self._anchor(before)
        if anchor is not None:
            menu.insertAction(anchor, act)
        else:
            menu.addAction(act)
        self.addAction(act)
        return act

    def _build_actions(self) -> None:
        """Build the menus and actions from :data:`ACTIONS`."""
        menus: dict[str, QMenu] = {}
        self._editing: list[QAction] = []
        for spec in ACTIONS:
            menu = menus.get(spec.menu)
            if menu is None:
                menu = menus[spec.menu] = self.menuBar().addMenu(spec.menu)
            act: QAction
            anchor = self._anchor(spec.before)
            if not spec.attr:
                if anchor is not None:
                    menu.insertSeparator(anchor)
                else:
                    menu.addSeparator()
                continue
            if spec.slot == "menu":
                sub = QMenu(spec.text, self)
                if anchor is not None:
                    menu.insertMenu(anchor, sub)
                else:
                    menu.addMenu(sub)
                setattr(self, spec.attr, sub)
                continue
            if spec.slot in ("undo", "redo"):
                make = self.undo_stack.createUndoAction
                if spec.slot == "redo":
                    make = self.undo_stack.createRedoAction
                act = self._place(menu, make(self, spec.text), spec.keys)
            elif spec.slot == "dock":
                act = self.guidelines_dock.toggleViewAction()
                act.setText(spec.text)
                act = self._place(menu, act, spec.keys)
            elif spec.slot.startswith("lazy:"):
                act = self._lazy_action(menu, spec.text, *LAZY[spec.slot[5:]], keys=spec.keys)
            else:
                act = QAction(spec.text, self)
                slot = getattr(self, spec.slot)
                act.triggered.connect(lambda _c=False, f=slot: f())
                act = self._place(menu, act, spec.keys, spec.tip, spec.before)
            setattr(self, spec.attr, act)
            if spec.edits:
                self._editing.append(act)
        for act in (self.act_cancel_import, self.act_detect, self.act_cancel):
            act.setEnabled(False)
        self.panel.set_actions(self.act_accept, self.act_reject)
        self._menus = [*menus.values()]
        self._menus.insert(3, self.stance_menu)

    def _anchor(self, before: str) -> QAction | None:
        """The action (or submenu's action) named ``before``, to insert ahead of it."""
        if not before:
            return None
        found = getattr(self, before, None)
        if isinstance(found, QMenu):
            return found.menuAction()
        return found if isinstance(found, QAction) else None

    def _lazy_action(
        self,
        menu: QMenu,
        text: str,
        module: str,
        attr: str,
        make: Callable[[Any, Any], QWidget],
        keys: Keys = None,
    ) -> QAction:
        """An action that imports ``module`` when triggered; disabled when it is missing."""
        act = QAction(text, self)
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
                # importing the module (matplotlib for the summary) and building the
                # window (the summary counts every quote) hold this thread a while
                with busy_cursor():
                    cls = getattr(importlib.import_module(module), attr)
                    win = make(self, cls)
            except Exception as exc:  # show why, and keep working
                act.setEnabled(False)
                act.setToolTip(f"Not available: {exc}")
                self.statusBar().showMessage(
                    f"{text.replace('&', '')} is not available: {exc}", 15000
                )
                return
            self._windows.append(win)
            win.destroyed.connect(lambda _o=None, w=win: self._forget_window(w))
            self.show_window(win)

        act.triggered.connect(lambda _c=False: trigger())
        menu.setToolTipsVisible(True)
        return self._place(menu, act, keys)

    def _forget_window(self, win: QWidget) -> None:
        if win in self._windows:
            self._windows.remove(win)
