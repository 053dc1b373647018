"""The annotation window's commands: each asks the session to plan an op and dispatches it.

Every op goes on the undo stack as an :class:`ApplyCommand`; the session's
:class:`~annotator.services.ops.Change` notice then refreshes the views (see
:meth:`annotator.ui.main_window.MainWindow.on_change`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from annotator.core.errors import EditConflict, ProjectError, ProjectLockedError
from annotator.core.model import DEFAULT_MIN_CONFIDENCE
from annotator.services.items import ItemKey
from annotator.services.ops import AnnotationOp, Op
from annotator.services.session import Session
from annotator.store.db import damage_message, is_damage
from annotator.store.project import Project
from annotator.ui.actions import ActionWindow
from annotator.ui.article_list import ArticleList
from annotator.ui.article_view import ArticleView
from annotator.ui.controllers.importing import ImportController
from annotator.ui.controllers.read_only import ReadOnlyController
from annotator.ui.lock_notice import LockNotice
from annotator.ui.status import StatusArea
from annotator.ui.stepwise_fill import not_on_screen_line, quotes_not_read_line
from annotator.ui.undo import KEPT, ApplyCommand, Kept

#: QSettings key of the View menu's confidence threshold (per analyst, not per project).
SETTINGS_MIN_CONFIDENCE = "view/min_confidence"

APP_TITLE = "Quote Annotator"
#: The status-bar message tied to "every quote of the open article is decided".
ALL_DECIDED = "all-decided"
#: The status-bar message tied to "the article's text is still going into the view".
FILLING = "filling"
#: The file dialog's filters for File > Import files….
IMPORT_FILTERS = "Articles (*.txt *.jsonl *.csv *.tsv *.prodigy);;All files (*)"


class QuoteCommands(ActionWindow):
    """The slots of the action table that edit or move through quotes and articles."""

    session: Session
    view: ArticleView
    article_list: ArticleList
    read_only: ReadOnlyController

    importer: ImportController
    status: StatusArea
    project_path: Path
    settings: QSettings

    def open_article(self, article_id: int, focus: ItemKey | None = None) -> None:
        raise NotImplementedError

    def choose_article(self, article_id: int) -> None:
        raise NotImplementedError

    def _show_current(self, scroll: bool = True) -> None:
        raise NotImplementedError

    def stop_list_reads(self) -> bool:
        raise NotImplementedError

    project: Project
    #: the last op was not written: it met another window's change, or another program
    #: held the project's lock (see :meth:`apply_op`)
    conflicted: bool = False
    #: the op being pushed moves on to the next undecided quote (see :meth:`_push`)
    _advancing: bool = False
    conflict_box: QMessageBox | None = None
    #: keys refused for another program's lock in a row (see :meth:`show_locked`)
    lock_notice: LockNotice

    # -- a copy of the project ---------------------------------------------------------------

    def ask_copy_path(self) -> str:
        """The file File > Save a copy writes ("" when cancelled). Tests replace this."""
        default = self.project_path.with_name(f"{self.project_path.stem}-copy.db")
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save a copy of the project", str(default), "Project files (*.db)"
        )
        return path

    def save_copy(self, path: str | None = None) -> Path | None:
        """File > Save a copy…: one consistent file written with SQLite's backup API."""
        target = path if path is not None else self.ask_copy_path()
        if not target:
            return None
        try:
            written = self.project.save_copy(target)
        except (ProjectError, OSError) as exc:
            QMessageBox.warning(self, "Save a copy", f"The copy was not written: {exc}")
            return None
        self.statusBar().showMessage(f"Saved a copy of the project to {written}", 8000)
        return written

    # -- importing -------------------------------------------------------------------------

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
        if not self.read_only.refuse() and not self.importer.busy():
            self.start_import(self.ask_import_files())

    def import_folder(self) -> None:
        """File > Import folder…: pick a folder, import its files in the background."""
        if not self.read_only.refuse() and not self.importer.busy():
            folder = self.ask_import_folder()
            self.start_import([folder] if folder else [])

    def start_import(self, paths: list[str]) -> None:
        """Import ``paths`` (files and folders) in the background."""
        if not self.read_only.refuse():
            self.importer.start(paths, self.session.annotator)

    def cancel_import(self) -> None:
        if self.importer.task is not None:
            self.status.import_cancel.setEnabled(False)
        self.importer.cancel()

    # -- op dispatch --------------------------------------------------------------------------

    def _push(self, op: Op | None, advance: bool = False) -> bool:
        """Apply ``op`` as a new undo step; ``advance``: then move on to the next undecided
        quote in the same refresh of the views (redo and undo later do not move on)."""
        self.conflicted = False
        self.session.advanced = False
        if op is None or self.read_only.refuse():
            return False
        self.status.clear_info()  # the welcome or import note is about the state before
        self._advancing = advance
        try:
            self.undo_stack.push(ApplyCommand(op, self.apply_op, stack=self.undo_stack))
        finally:
            self._advancing = False
        return True

    def apply_op(self, op: Op) -> Op | None | Kept:
        """Apply ``op`` through the session (its Change refreshes the views); the inverse."""
        self.conflicted = False
        advance, self._advancing = self._advancing, False
        try:
            inverse = self.session.apply(op, advance=advance)
        except EditConflict as exc:
            # another window of this project changed the quote first: the session re-read
            # the article (shown now); say what happened in words, keep the place
            self.conflicted = True
            self.panel.show_stored()  # the field typed in would otherwise commit it again
            about = "quote" if isinstance(op, AnnotationOp) else "article"
            self.show_conflict(str(exc), about)
            return None
        except ProjectLockedError as exc:
            # another program keeps the write lock: say so at once, without a box (the
            # store waited a fraction of a second, see WINDOW_WRITE_WAIT_S); nothing changed
            self.conflicted = True  # not written: the analyst stays on the quote
            self.show_locked(exc)
            return KEPT
        except Exception as exc:
            said = str(exc)
            if is_damage(exc):  # a page of the file cannot be read: the way to the work
                said = damage_message(self.project.path, exc)
            QMessageBox.warning(self, APP_TITLE, f"The change was not saved:\n{said}")
            return None
        again = self.lock_notice.saved()
        if again is not None:
            self.status.say(again, 8000)
        return inverse

    def show_locked(self, exc: ProjectLockedError) -> None:
        """Say in the status line (no box: the analyst may simply press again) that a change
        was not saved because another program holds the project's write lock; a second
        refusal in a row says how many (:class:`~annotator.ui.lock_notice.LockNotice`)."""
        self.status.say(self.lock_notice.refusal(exc), 15000, detail=str(exc))

    def show_conflict(self, text: str, about: str = "quote") -> None:
        """Say (in a box that does not block, and in the status bar) that a change met
        another window's change to the same ``about`` ("quote" or "article": its status
        or stance target)."""
        self.status.say(text, 15000)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            APP_TITLE,
            f"This {about} was changed in another window.",
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setInformativeText(text)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.conflict_box = box
        box.open()

    # -- commands ------------------------------------------------------------------------------

    def _outlined_on_screen(self) -> bool:
        """True when the current quote is in the article view; else says why a key that
        acts on it waits: a long text goes into the view by steps (issue 16), and a
        decision on a quote the analyst cannot see yet is not one to make."""
        cur = self.session.current
        if cur is None and self.session.suggestions_pending is not None:
            self.status.say(quotes_not_read_line(count=self.session.suggestions_loading), 5000)
            return False
        if cur is None or self.view.shows(cur.quote.start, cur.quote.end):
            return True
        done, total = self.view.filled_part()
        self.status.say(not_on_screen_line(done, total), 5000)
        return False

    def accept_quote(self) -> None:
        if self.session.current is None:
            self._nothing_here()
            return
        if not self._outlined_on_screen():
            return
        self._push(self.session.plan_accept(), advance=True)
        if not self.conflicted:  # after a conflict the analyst looks at the quote again
            self._advance()

    def reject_quote(self) -> None:
        cur = self.session.current
        if cur is None:
            self._nothing_here()
            return
        if not self._outlined_on_screen():
            return
        manual = cur.state == "manual"
        if (self._push(self.session.plan_reject(), advance=not manual) and manual) or (
            self.conflicted
        ):
            return  # the hand-made quote is gone; the nearest one is already current
        self._advance()

    def _advance(self) -> None:
        """After a decision: the next undecided quote (wrapping around), or say that none is
        left and how to finish the article."""
        if self.session.advanced or self.session.next_undecided():
            return  # moved on with the decision itself, or now
        if self.session.suggestions_pending is not None:
            self._show_current()
            return  # the undecided quotes are still being read: none to say is left
        self._show_current()
        c = self.session.article_counts
        if c.total and c.done == c.total:
            done = "Ctrl+D reopens it" if c.status == "done" else "Ctrl+D marks the article done"
            self.status.say_while(
                f"No undecided quote left in this article: {done}, Ctrl+Down opens the next one.",
                ALL_DECIDED,
            )

    def _nothing_here(self) -> None:
        if self.session.suggestions_pending is not None:
            self.status.say(quotes_not_read_line(count=self.session.suggestions_loading), 5000)
            return
        self.statusBar().showMessage(
            "No quote here: select text and press Q to add one, or Ctrl+Down for the next article.",
            5000,
        )

    def set_stance(self, label: str | None) -> None:
        if self._outlined_on_screen():
            self._push(self.session.plan_stance(label))

    def cycle_kind(self) -> None:
        if self._outlined_on_screen():
            self._push(self.session.plan_cycle_kind())

    def resize_quote(self, which: str) -> None:
        """Grow or shrink the current quote by a word; a refused step says why."""
        if not self._outlined_on_screen():
            return
        op = self.session.plan_resize(which)
        if op is None:
            why = self.session.why_not_resize(which)
            if why:
                self.status.say(why, 5000)
            return
        self._push(op)

    def grow_end(self) -> None:
        self.resize_quote("grow_end")

    def shrink_end(self) -> None:
        self.resize_quote("shrink_end")

    def grow_start(self) -> None:
        self.resize_quote("grow_start")

    def shrink_start(self) -> None:
        self.resize_quote("shrink_start")

    def add_quote(self) -> None:
        span = self.view.selected_span()
        if span is None:
            self.statusBar().showMessage("Select the words of the quote first, then press Q.", 5000)
            return
        if self._push(self.session.plan_add(*span)):
            self.view.clear_selection()

    def speaker_from_selection(self) -> None:
        span = self._with_selection("the speaker mention", "S")
        if span is not None:
            self._push_and_clear(self.session.plan_speaker_span(*span))

    # -- hand annotation from the selection (issue 10) -----------------------------------------

    def _with_selection(self, what: str, key: str) -> tuple[int, int] | None:
        span = self.view.selected_span()
        if span is None:
            self.status.say(f"Select the words of {what} first, then press {key}.", 5000)
            return None
        if self.session.current is None:
            self.status.say("There is no current quote: select text and press Q first.", 5000)
            return None
        if not self._outlined_on_screen():
            return None
        return span

    def _push_and_clear(self, op: Op | None) -> None:
        if self._push(op):
            self.view.clear_selection()

    def respan_quote(self) -> None:
        """Quote > Re-span: the selection becomes the current quote's only fragment."""
        span = self._with_selection("the quote", "Shift+Q")
        if span is not None:
            self._push_and_clear(self.session.plan_respan(*span))

    def add_fragment(self) -> None:
        """Quote > Add fragment: the selection joins the current quote as a fragment."""
        span = self._with_selection("the new fragment", "F")
        if span is not None:
            self._push_and_clear(self.session.plan_add_fragment(*span))

    def remove_fragment(self) -> None:
        """Quote > Remove fragment: drop the current quote's fragment under the text cursor."""
        cur = self.session.current
        if cur is None:
            self._nothing_here()
            return
        if len(cur.quote.content_spans) < 2:
            self.status.say("This quote has one fragment: R rejects or deletes the quote.", 5000)
            return
        if not self._push(self.session.plan_remove_fragment(self.view.caret())):
            self.status.say("Click inside the fragment to remove, then press Shift+F.", 5000)

    def cue_from_selection(self) -> None:
        """Quote > Selection is the cue."""
        span = self._with_selection("the cue (the verb of saying)", "C")
        if span is not None:
            self._push_and_clear(self.session.plan_cue(*span))

    def move_edge(self, which: str, pos: int) -> None:
        """The mouse dragged the current quote's ``which`` edge to code point ``pos``."""
        self._push(self.session.plan_move_edge(which, pos))

    def mouse_help(self) -> None:
        self.status.say(
            "A mouse drag selects whole words (hold Alt for exact characters); Right/Left move "
            "the caret by a word, Shift+Right/Left select word by word. Drag the start or end "
            "edge of the outlined quote to move it.",
            10000,
        )

    def toggle_done(self) -> None:
        done = self.session.article_counts.status != "done"
        self._push(self.session.plan_done(done))
        if done and not self.conflicted:
            self.statusBar().showMessage("Article marked done.", 3000)

    def next_quote(self) -> None:
        if not self.session.next_quote():
            self._still_reading()

    def previous_quote(self) -> None:
        if not self.session.previous_quote():
            self._still_reading()

    def _still_reading(self) -> None:
        """A move found no quote while the article's many suggestions are still being
        read: say so (else the key would seem dead)."""
        if self.session.suggestions_pending is not None:
            line = quotes_not_read_line(count=self.session.suggestions_loading)
            self.status.say(line, 5000)

    def next_article(self) -> None:
        self._step_article(1)

    def previous_article(self) -> None:
        self._step_article(-1)

    def _step_article(self, step: int) -> None:
        lst = self.article_list
        why_not = lst.busy_note() or lst.empty_note()
        if why_not:
            self.statusBar().showMessage(why_not, 5000)
            return
        art = self.session.article
        # the open article may not be listed (the search or a filter left it out): the
        # next article is then the list's first, the previous its last (see neighbour)
        target = lst.neighbour(art.id if art else -1, step)
        if target is None:
            last = "last" if step > 0 else "first"
            self.statusBar().showMessage(f"This is the {last} article in the list.", 3000)
            return
        self.choose_article(target)

    def focus_text(self) -> None:
        """Esc: stop the list's sort or filter being read (issue 16), else back to the text."""
        if not self.stop_list_reads():
            self.view.setFocus()

    def focus_search(self) -> None:
        if not self.article_list.isVisible():
            self.article_list.show()
        self.article_list.search.setFocus()
        self.article_list.search.selectAll()

    def focus_speaker(self) -> None:
        if self.session.current is not None:
            self.panel.speaker_edit.setFocus()
            self.panel.speaker_edit.selectAll()

    def focus_note(self) -> None:
        if self.session.current is not None:
            self.panel.note_edit.setFocus()

    def toggle_list(self) -> None:
        self.article_list.setVisible(not self.article_list.isVisible())

    def min_confidence_setting(self) -> float:
        """The analyst's threshold (QSettings ``view/min_confidence``), 0..1; until they set
        one (or when the stored value is unreadable), :data:`DEFAULT_MIN_CONFIDENCE`, the
        default of ``annotator evaluate`` too."""
        stored = self.settings.value(SETTINGS_MIN_CONFIDENCE, DEFAULT_MIN_CONFIDENCE)
        try:
            value = float(str(stored))
        except (TypeError, ValueError):
            return DEFAULT_MIN_CONFIDENCE
        return min(max(value, 0.0), 1.0)

    def ask_min_confidence(self) -> None:
        """View > Hide suggestions below confidence: ask, keep in QSettings, apply."""
        value, ok = QInputDialog.getDouble(
            self,
            "Hide suggestions",
            "Hide the detector's suggestions below this confidence (0 shows all):",
            self.session.min_confidence,
            0.0,
            1.0,
            2,
        )
        if ok:
            self.settings.setValue(SETTINGS_MIN_CONFIDENCE, value)
            self.session.set_min_confidence(value)
