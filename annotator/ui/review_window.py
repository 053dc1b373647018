"""Review mode: compare annotators' versions article by article and record the gold version.

A thin Qt adapter over :class:`annotator.services.adjudication.ReviewSession`: every decision is a
session call that returns its undo, wrapped here in a ``QUndoCommand``. Keyboard first, like
the annotation window: J/K move between quotes, N/P between articles, 1-9 pick a version,
A accepts every agreement of the article, E edits, X leaves a quote out of the gold,
D finishes the article, Ctrl+Z / Ctrl+Shift+Z undo and redo.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QAction,
    QKeySequence,
    QTextCharFormat,
    QTextCursor,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import EditConflict, ProjectLockedError
from annotator.core.model import left_out_status
from annotator.core.text import ViewText, clip_title
from annotator.core.wording import count_noun
from annotator.services.adjudication import ArticleRows, ReviewEdit, ReviewItem, ReviewSession
from annotator.store.project import WINDOW_WRITE_WAIT_S, Project
from annotator.ui.dialogs import shortcut_rows
from annotator.ui.lock_notice import LockNotice
from annotator.ui.people_list import PeopleList
from annotator.ui.quit_shortcut import add_modal_quit
from annotator.ui.review_articles import LOADING, ReviewArticles
from annotator.ui.review_dialogs import (
    VERSION_COLOURS,
    GoldEditDialog,
    absence_text,
    describe_html,
    version_marks,
)
from annotator.ui.review_table import ReviewQuotesView, ReviewRowsTask
from annotator.ui.stepwise_fill import StepwiseFill, not_on_screen_line
from annotator.ui.undo import KEPT, ApplyCommand, Kept
from annotator.ui.workers import TaskRunner

#: An article with more versions than this (all compared annotators together) has its
#: rows read and matched on a pool thread (about 0.1 s per 1,000 versions).
READ_HERE_MAX = 400


#: Said when a decision key finds the rows shown out of date (see ReviewWindow._decide).
STALE_ROWS = (
    "This article was changed in another window or program: it is shown again as it is "
    "now. Press the key again if it still applies."
)


class ReviewWindow(ReviewArticles):
    """Review annotators' work on a project and adjudicate the gold version."""

    changed = Signal(int)  # article id whose gold changed

    def __init__(self, project_path: Path, reviewer: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project_path = Path(project_path)
        self.project = Project.open(project_path, create=False)
        # checkpoints (and their flush of the .db to disk) off this window's thread
        self.project.checkpoint_in_background()
        self.project.write_wait = WINDOW_WRITE_WAIT_S  # never hang on another's lock
        self.session = ReviewSession(self.project, reviewer)
        self.undo_stack = QUndoStack(self)
        self.lock_notice = LockNotice()
        self._article_id: int | None = None
        self._items: list[ReviewItem] = []
        #: the rows of the article shown (None while they are read)
        self._rows: ArticleRows | None = None
        self._rows_reader = TaskRunner(self)
        self._rows_generation = 0
        self._text = ""
        self._title = ""
        # a long text goes into text_view by steps, as in the annotation window (10 MB in
        # one setPlainText held the window 1.3-2.5 s, issue 16)
        self.fill = StepwiseFill(self)
        self.fill.filling.connect(self._filled_more)
        self._marks_short = False  # a mark of the current quote reaches past the fill
        self._edit_dialog: GoldEditDialog | None = None
        self._all_decided_said = False  # the status bar says every quote here is decided
        #: articles whose left-out quotes the status line has named (once each)
        self._left_out_said: set[int] = set()
        self._said_about: int | None = None
        self.setWindowTitle(f"Review — {Path(project_path).name} — reviewer {reviewer}")
        self.resize(1300, 740)
        self._build()
        self._build_actions()
        # the annotators and the articles are read on a pool thread: the window is up at once
        self.header.setText(LOADING)
        self._load(None)

    # -- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(4, 4, 4, 4)
        lv.addWidget(QLabel("Compare annotators (tick to choose)"))
        self.annotator_list = PeopleList("accepted quote")
        self.annotator_list.setMaximumHeight(130)
        self.annotator_list.ticked_changed.connect(self._annotators_ticked)
        lv.addWidget(self.annotator_list)
        self._build_article_list()
        lv.addWidget(self.articles_label)
        lv.addWidget(self.article_list, 1)

        self.text_view = QPlainTextEdit()
        self.text_view.setReadOnly(True)
        self.text_view.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.text_view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(4, 4, 4, 4)
        self.header = QLabel()
        self.header.setWordWrap(True)
        rv.addWidget(self.header)
        # a model over the rows: only the rows in view are made, a decision repaints the
        # rows it changed (a table widget filled again took 0.2-0.3 s a key at 1,000
        # quotes per annotator, and 17 s while its columns fit their contents; tester19 N4)
        self.table = ReviewQuotesView()
        self.table.current_row_changed.connect(self._row_changed)
        rv.addWidget(self.table, 3)
        self.detail = QTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        rv.addWidget(self.detail, 2)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.text_view)
        split.addWidget(right)
        split.setSizes([230, 520, 550])
        self.setCentralWidget(split)
        self.statusBar().showMessage("Ready")

    def _build_actions(self) -> None:
        review = self.menuBar().addMenu("&Review")
        edit = self.menuBar().addMenu("&Edit")
        go = self.menuBar().addMenu("&Go")

        def act(menu_name: str, text: str, keys: list[str], slot: Callable[[], object]) -> QAction:
            menu = {"review": review, "edit": edit, "go": go}[menu_name]
            a = QAction(text, self)
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            a.triggered.connect(slot)
            menu.addAction(a)
            self.addAction(a)
            return a

        self.act_next = act("go", "Next quote", ["J"], lambda: self._move(1))
        self.act_prev = act("go", "Previous quote", ["K"], lambda: self._move(-1))
        self.act_next_undecided = act("go", "Next undecided quote", ["Space"], self.next_undecided)
        self.act_next_article = act(
            "go", "Next article", ["N", "Ctrl+Down"], lambda: self._move_article(1)
        )
        self.act_prev_article = act(
            "go", "Previous article", ["P", "Ctrl+Up"], lambda: self._move_article(-1)
        )
        self.act_accept = act("review", "Accept all agreements", ["A"], self.accept_agreements)
        self.pick_actions = []
        for n in range(1, 10):
            a = act("review", f"Pick version {n}", [str(n)], self._picker(n - 1))
            self.pick_actions.append(a)
        self.act_edit = act("review", "Edit the gold version…", ["E"], self.edit_gold)
        self.act_drop = act("review", "Leave out of the gold", ["X", "Delete"], self.drop)
        self.act_done = act("review", "Finish article", ["D"], self.finish_article)
        review.addSeparator()
        self.act_close = act("review", "Close", ["Ctrl+W"], self.close)
        self.act_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.act_redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for a in (self.act_undo, self.act_redo):
            edit.addAction(a)
            self.addAction(a)
        help_menu = self.menuBar().addMenu("&Help")
        self.act_shortcuts = QAction("&Keyboard shortcuts", self)
        self.act_shortcuts.setShortcut(QKeySequence("F1"))
        self.act_shortcuts.triggered.connect(self.show_shortcuts)
        help_menu.addAction(self.act_shortcuts)
        self.addAction(self.act_shortcuts)

    def shortcut_lines(self) -> list[str]:
        """Every action of the window with its keys, menu by menu (for the help)."""
        menus = [a.menu() for a in self.menuBar().actions() if a.menu() is not None]
        rows = shortcut_rows(m for m in menus if isinstance(m, QMenu))
        return [f"{keys}\t{name}" for _title, group in rows for keys, name in group]

    def show_shortcuts(self) -> None:
        QMessageBox.information(
            self, "Review: keyboard shortcuts", "\n".join(self.shortcut_lines())
        )

    def _picker(self, index: int) -> Callable[[], None]:
        # a zero-argument slot: PySide would pass `checked` into a defaulted lambda argument
        def pick() -> None:
            self.pick(index)

        return pick

    # -- the shown article ---------------------------------------------------------------------

    def _show_article(self, article_id: int | None, keep_row: int | None = None) -> None:
        """Show the article (None: none): its text at once, its rows here when it has
        few versions, else read and matched on a pool thread while the header says so
        (:data:`READ_HERE_MAX`)."""
        self._article_id = article_id
        self._rows_generation += 1
        self._rows_reader.cancel_all()
        if article_id is None:
            self._text = ""
            self.fill.stop()
            self.text_view.setPlainText("")
            self._set_rows(None, None)
            self.header.setText(
                "Tick two or more annotators to compare."
                if len(self.session.annotators) < 2
                else "No article has quotes from these annotators."
            )
            return
        art = self.session.article(article_id)
        self._title = clip_title(art.title)
        versions = self.session.version_count(article_id)
        rows: ArticleRows | None = None
        if versions <= READ_HERE_MAX:
            rows = self.session.read(article_id, art.text)
        if art.text != self._text:
            self._text = art.text
            # over-long paragraphs cut into blocks, as in the annotation window (issue 16);
            # at once as far as the quote that will be current
            self.fill.stop()
            shown = ViewText(art.text, lazy=True)  # cut as the fill goes (30 MB: 0.05 s)
            items = [] if rows is None else rows.items
            row = min(keep_row or 0, len(items) - 1)
            want = self._marks_end16(shown, items[row] if row >= 0 else None)
            self.text_view.clear()
            self.fill.start(self.text_view.document(), shown, self.fill.first_blocks(shown, want))
            self.fill.go()
        if rows is not None:
            self._set_rows(rows, keep_row)
            return
        self._set_rows(None, None)
        self.header.setText(
            f"<b>{html.escape(self._title)}</b><br>"
            f"Reading and matching {count_noun(versions, 'version')} of "
            f"{html.escape(', '.join(self.session.annotators))}…"
        )
        task = ReviewRowsTask(
            self.project_path,
            self.session.reviewer,
            self.session.annotators,
            article_id,
            self._rows_generation,
        )

        def done(result: object) -> None:
            generation, read = cast(tuple[int, ArticleRows], result)
            if generation == self._rows_generation and read.article_id == self._article_id:
                self._set_rows(read, keep_row)

        def failed(message: str) -> None:
            self.header.setText(f"Could not read the article's quotes: {html.escape(message)}")

        self._rows_reader.start(task, done, failed)

    def rows_pending(self) -> bool:
        """True while the rows of the article shown are read on a pool thread."""
        return self._article_id is not None and self._rows is None

    def _set_rows(self, rows: ArticleRows | None, keep_row: int | None) -> None:
        """Show ``rows`` (None: no rows, or not read yet) in the table and the header."""
        self._rows = rows
        self._items = [] if rows is None else rows.items
        if rows is not None:
            if rows.left_out_lines:
                self.session.left_out[rows.article_id] = rows.left_out_lines
            else:
                self.session.left_out.pop(rows.article_id, None)
        self._drop_all_decided(self._article_id if rows is not None else None)
        if rows is not None:
            self._say_left_out(rows.article_id)
        self.table.items_model.set_items(self._items, self._text)
        if self._items:
            row = 0 if keep_row is None else max(0, min(keep_row, len(self._items) - 1))
            self.table.blockSignals(True)  # one _row_changed, below
            self.table.setCurrentCell(row, 1)
            self.table.blockSignals(False)
            self._row_changed(row)
        else:
            self._row_changed(-1)
        if rows is not None:
            self._say_counts()

    def _say_counts(self) -> None:
        """The header: the title, how many rows agree and differ, the review status and
        the annotators compared (their colours)."""
        rows = self._rows
        if rows is None or self._article_id is None:
            return
        n_agree = rows.agreed
        hint = ""
        if len(self.session.annotators) < 2:
            hint = "<br><i>Tick a second annotator to compare versions.</i>"
        self.header.setText(
            f"<b>{html.escape(self._title)}</b>{hint}<br>"
            f"{count_noun(len(rows.items), 'quote')}: {n_agree:,} agreed, "
            f"{len(rows.items) - n_agree:,} differ · "
            f"review {self.session.status(self._article_id).replace('_', ' ')} · comparing "
            + ", ".join(
                f"<span style='background:{VERSION_COLOURS[i % len(VERSION_COLOURS)]}'>"
                f"&nbsp;{i + 1} {html.escape(n)}&nbsp;</span>"
                for i, n in enumerate(self.session.annotators)
            )
        )

    @staticmethod
    def _marks_end16(shown: ViewText, item: ReviewItem | None) -> int:
        """Where the marks of ``item`` end in the document (-1: no item, no marks)."""
        return max((shown.to_view(b) for _a, b, _fmt in version_marks(item)), default=-1)

    def _filled_more(self, _done: int, _total: int) -> None:
        """The fill put more text in: mark the current quote again if its marks were cut."""
        if self._marks_short:
            self._highlight(self.current_item())

    def _on_screen(self) -> bool:
        """True when the current quote's marks are all in the text view; else say in the
        status line that the key waits for the fill (a decision on a quote the reviewer
        cannot see in its text is not one to make)."""
        end = self._marks_end16(self.fill.shown, self.current_item())
        if self.fill.shows16(end):
            return True
        self.statusBar().showMessage(
            not_on_screen_line(*self.fill.filled_part(), "1-9, X and E"), 5000
        )
        return False

    def _say_left_out(self, article_id: int) -> None:
        """Say once per article, in the status line, which quotes its rows leave out for a
        span outside the text (a project edited by hand; the export's check)."""
        lines = self.session.left_out.get(article_id)
        if lines and article_id not in self._left_out_said:
            self._left_out_said.add(article_id)
            self.statusBar().showMessage(left_out_status(lines, "the review"))

    def _drop_all_decided(self, article_id: int | None) -> None:
        """Clear "every quote has a decision" once it is no longer about what is shown."""
        if not self._all_decided_said:
            return
        same = article_id is not None and article_id == self._said_about
        if not same or any(not it.decided for it in self._items):
            self._all_decided_said = False
            self.statusBar().clearMessage()

    # -- the current quote ---------------------------------------------------------------------

    def current_row(self) -> int:
        return self.table.currentRow()

    def current_item(self) -> ReviewItem | None:
        r = self.current_row()
        return self._items[r] if 0 <= r < len(self._items) else None

    def _move(self, step: int) -> None:
        if not self._items:
            return
        r = max(0, min(len(self._items) - 1, self.current_row() + step))
        self.table.setCurrentCell(r, 1)

    def next_undecided(self) -> None:
        """Go to the next quote without a gold version (wrapping to the next article)."""
        start = self.current_row() + 1
        for r in range(start, len(self._items)):
            if not self._items[r].decided:
                self.table.setCurrentCell(r, 1)
                return
        self.statusBar().showMessage("Every quote of this article has a decision", 4000)
        self._all_decided_said, self._said_about = True, self._article_id

    def _row_changed(self, row: int) -> None:
        item = self._items[row] if 0 <= row < len(self._items) else None
        self._highlight(item)
        self._describe(item)

    def _highlight(self, item: ReviewItem | None) -> None:
        shown, filled = self.fill.shown, self.fill.filled16
        marks = version_marks(item)
        sels = [
            self._selection(a, b, fmt)
            for a, b, fmt in marks
            if shown.to_view(a) < filled  # past what is in: marked when it is
        ]
        self._marks_short = any(shown.to_view(b) > filled for _a, b, _fmt in marks)
        self.text_view.setExtraSelections(sels)
        if sels:
            cur = QTextCursor(self.text_view.document())
            cur.setPosition(shown.to_view(item.start if item else 0))
            self.text_view.setTextCursor(cur)
            self.text_view.centerCursor()

    def _selection(self, a: int, b: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        sel = QTextEdit.ExtraSelection()
        cur = QTextCursor(self.text_view.document())
        cur.setPosition(self.fill.shown.to_view(a))
        end = min(self.fill.shown.to_view(b), self.fill.filled16)
        cur.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        sel.cursor = cur  # type: ignore[attr-defined]
        sel.format = fmt  # type: ignore[attr-defined]
        return sel

    def _describe(self, item: ReviewItem | None) -> None:
        self.detail.setHtml(describe_html(item, self._text))

    # -- decisions -----------------------------------------------------------------------------

    def _rows_fresh(self) -> bool:
        """True when the rows shown are those of the project now (nobody else changed the
        article's versions or gold since they were read): a decision then updates them
        (:meth:`ReviewSession.update`), else the article is read again after it."""
        rows = self._rows
        return rows is not None and rows.article_id == self._article_id and self.session.fresh(rows)

    def _push(self, inverse: ReviewEdit, fresh: bool) -> None:
        self._say_saved()
        if inverse.empty:
            if not fresh and inverse.article_id == self._article_id:
                # nothing to do now, because another window or program did it: show that
                self._show_article(inverse.article_id, keep_row=max(self.current_row(), 0))
            return
        self.undo_stack.push(
            ApplyCommand(inverse, self._apply, applied=True, stack=self.undo_stack)
        )
        self.after_change(inverse, fresh)

    def _apply(self, edit: ReviewEdit) -> ReviewEdit | Kept:
        """Undo/redo: apply ``edit`` and show the article it changed; the inverse
        (:data:`KEPT` when another program held the lock: nothing written, the command
        stays where it was on the stack)."""
        fresh = edit.article_id == self._article_id and self._rows_fresh()
        try:
            inverse = self.session.apply(edit)
        except ProjectLockedError as exc:
            self._say_locked(exc)
            return KEPT
        except EditConflict as exc:  # decided again elsewhere since: nothing written
            self._show_again(edit.article_id, f"Not undone: {exc}.")
            return KEPT
        self._say_saved()
        self.after_change(inverse, fresh)
        return inverse

    def _show_again(self, article_id: int, message: str) -> None:
        """Show ``article_id`` as the project has it now, with ``message`` in the status
        line (a decision or an undo found its row changed elsewhere)."""
        if article_id == self._article_id:
            self._show_article(article_id, keep_row=max(self.current_row(), 0))
        self.statusBar().showMessage(message, 10000)

    def _say_locked(self, exc: ProjectLockedError) -> None:
        """Say in the status line that a decision was not saved: another program holds the
        project's write lock (the store waited a fraction of a second); a second refusal
        in a row says how many (:class:`~annotator.ui.lock_notice.LockNotice`)."""
        self.statusBar().showMessage(self.lock_notice.refusal(exc), 15000)

    def _say_saved(self) -> None:
        """A decision was saved: replace a "Not saved" line, if one is up."""
        again = self.lock_notice.saved()
        if again is not None:
            self.statusBar().showMessage(again, 8000)

    def after_change(self, applied: ReviewEdit, fresh: bool = False) -> None:
        """Show what ``applied`` (a decision's or an undo's inverse) changed: on the
        article shown, with ``fresh`` rows (:meth:`_rows_fresh` before the change), only
        the rows it changed; else the article is read again."""
        article_id = applied.article_id
        row = self.current_row()
        rows = self._rows
        if article_id == self._article_id and fresh and rows is not None:
            checked = rows.data_version
            changed = self.session.update(rows, applied)
            if self.project.data_version() != checked:
                # another program committed since the rows were found current: its
                # change may be in the stamp just taken but not in the rows
                rows.stamp = ()
            if changed is None:  # read again: rows may have moved
                self._set_rows(rows, keep_row=max(row, 0))
            else:
                self._items = rows.items
                self.table.items_model.rows_changed(changed)
                if row in changed:
                    self._row_changed(row)
                self._drop_all_decided(article_id)
                self._say_counts()
        else:
            listed = self.article_model.row_of(article_id)
            if article_id != self._article_id and listed is not None:
                self.article_list.setCurrentRow(listed)
            self._show_article(article_id, keep_row=max(row, 0))
        self._refresh_label(article_id)
        self.changed.emit(article_id)

    def _decide(self, make: Callable[[], ReviewEdit], stale_ok: bool = False) -> ReviewEdit | None:
        """Make a decision (``make`` writes it and returns its undo) and show it; None
        when another program held the lock (said in the status line), or when the rows
        shown are no longer the project's (another window or program changed the article:
        a pick of the row shown could add a second gold quote, review21 R1) and the
        decision depends on them (``stale_ok`` False): the article is shown again as it
        is now and the status line asks for the key again."""
        fresh = self._rows_fresh()
        rows = self._rows
        if not fresh and not stale_ok and rows is not None and rows.article_id == self._article_id:
            self._show_article(rows.article_id, keep_row=max(self.current_row(), 0))
            self.statusBar().showMessage(STALE_ROWS, 10000)
            return None
        try:
            inverse = make()
        except ProjectLockedError as exc:
            self._say_locked(exc)
            return None
        except EditConflict:  # its row was decided elsewhere in the meantime
            if self._article_id is not None:
                self._show_again(self._article_id, STALE_ROWS)
            return None
        self._push(inverse, fresh)
        return inverse

    def _row_now(self, item: ReviewItem) -> ReviewItem | None:
        """``item`` as the project has it now: itself when the rows shown are current;
        else, read again, the row with the same versions when it is still the row shown
        (versions, gold and left-out mark: an unrelated change elsewhere in the article);
        None when that row itself changed: the article is then shown again and the status line
        asks for the key again (a decision on it could add a second gold quote,
        review21 R1/R16)."""
        aid = self._article_id
        if aid is None or self._rows_fresh():
            return item
        for now in self.session.items(aid):
            if now.version_ids == item.version_ids:
                # the whole row as shown: versions (an annotator's edit of one keeps its
                # id, review21 R17), gold, left-out mark
                if now == item:
                    return now
                break
        self._show_article(aid, keep_row=max(self.current_row(), 0))
        self.statusBar().showMessage(STALE_ROWS, 10000)
        return None

    def accept_agreements(self) -> None:
        aid = self._article_id
        if aid is None or self._rows is None:
            return
        # the rows shown when they are the project's now; else read at the key (another
        # window may have made them gold already: the shown rows would add them twice,
        # review21 R1)
        items = self._rows.items if self._rows_fresh() else None
        inverse = self._decide(
            lambda: self.session.accept_agreements(aid, items), stale_ok=items is None
        )
        if inverse is None:
            return
        n = len(inverse.changes)
        self.statusBar().showMessage(f"{count_noun(n, 'agreed quote')} made gold", 4000)

    def pick(self, index: int) -> None:
        item = self.current_item()
        aid = self._article_id
        if item is None or aid is None:
            return
        if index >= len(item.annotators):
            return
        name = item.annotators[index]
        if not self._on_screen():
            return
        if item.versions[index] is None:
            self.statusBar().showMessage(f"{name} {absence_text(item.absence(name))}", 4000)
            return
        now = self._row_now(item)
        if now is None:
            return
        if self._decide(lambda: self.session.pick(aid, now, name), stale_ok=True) is not None:
            self.next_undecided()

    def drop(self) -> None:
        item = self.current_item()
        aid = self._article_id
        if item is None or aid is None:
            return
        if item.left_out:
            self.statusBar().showMessage("This quote is already left out of the gold", 4000)
            return
        if not self._on_screen():
            return
        now = self._row_now(item)
        if now is None:
            return
        if self._decide(lambda: self.session.drop(aid, now), stale_ok=True) is not None:
            self.next_undecided()

    def _text_selection(self) -> tuple[int, int] | None:
        cur = self.text_view.textCursor()
        if not cur.hasSelection():
            return None
        a = self.fill.shown.from_view(cur.selectionStart())
        b = self.fill.shown.from_view(cur.selectionEnd())
        return (a, b) if b > a else None

    def edit_gold(self) -> None:
        """Edit the gold version (starting from the gold, or the first version)."""
        item = self.current_item()
        if item is None or self._article_id is None or not self._on_screen():
            return
        base: str | None = None
        if item.gold is not None:
            quote = item.gold.quote
        else:
            base, rec = item.present[0]
            quote = rec.quote
        dlg = GoldEditDialog(
            quote, self._text, self.project.stance_labels(), self._text_selection(), self
        )
        self._edit_dialog = dlg
        add_modal_quit(dlg)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            aid, quote = self._article_id, dlg.result_quote()
            now = self._row_now(item)  # minutes may have passed in the dialog
            if now is None or aid is None:
                return
            self._decide(lambda: self.session.edit(aid, now, quote, base), stale_ok=True)

    def finish_article(self) -> None:
        aid = self._article_id
        if aid is None or self._rows is None:
            return
        undecided = len(self._rows.items) - self._rows.decided
        if self._decide(lambda: self.session.set_done(aid, True), stale_ok=True) is None:
            return
        if undecided:
            self.statusBar().showMessage(
                f"Finished, {count_noun(undecided, 'quote')} left out of the gold", 5000
            )
        self._move_article(1)

    def closeEvent(self, event: object) -> None:  # noqa: N802 (Qt name)
        self._stop_reading()
        self._rows_reader.close()
        try:
            self.project.close()
        except Exception as exc:  # closing must not lose the window's last word
            QMessageBox.warning(self, "Review", f"Could not close the project: {exc}")
        super().closeEvent(event)  # type: ignore[arg-type]
