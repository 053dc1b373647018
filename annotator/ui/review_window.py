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

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QKeySequence,
    QTextCharFormat,
    QTextCursor,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import ProjectLockedError
from annotator.core.model import left_out_status, spans_text
from annotator.core.text import ViewText, clip_title
from annotator.core.wording import count_noun
from annotator.services.adjudication import ReviewEdit, ReviewItem, ReviewSession
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
    clip,
    describe_html,
    version_marks,
)
from annotator.ui.stepwise_fill import StepwiseFill, not_on_screen_line
from annotator.ui.undo import KEPT, ApplyCommand, Kept

# One colour per compared annotator (background of their version in the text).
_MARKS = {"agreed": "=", "picked": "✓", "edited": "✎", "added": "+"}


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
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["", "Quote", "Differences", "Gold"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        hh = self.table.horizontalHeader()
        # the narrow columns are sized once per fill (_fill_table), not kept sized to their
        # contents: Qt measured the whole column again at every cell set, and a decision,
        # which fills the table again, took 17 s on an article of 1,000 quotes (tester19 N4)
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        self.table.setWordWrap(True)
        self.table.currentCellChanged.connect(self._row_changed)
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
        self._article_id = article_id
        if article_id is None:
            self._text = ""
            self.fill.stop()
            self.text_view.setPlainText("")
            self._items = []
            self._drop_all_decided(None)
            self._fill_table(None)
            self.header.setText(
                "Tick two or more annotators to compare."
                if len(self.session.annotators) < 2
                else "No article has quotes from these annotators."
            )
            return
        art = self.session.article(article_id)
        self._title = clip_title(art.title)
        self._items = self.session.items(article_id, art.text)
        if art.text != self._text:
            self._text = art.text
            # over-long paragraphs cut into blocks, as in the annotation window (issue 16);
            # at once as far as the quote that will be current
            self.fill.stop()
            shown = ViewText(art.text)
            row = min(keep_row or 0, len(self._items) - 1)
            want = self._marks_end16(shown, self._items[row] if row >= 0 else None)
            self.text_view.clear()
            self.fill.start(self.text_view.document(), shown, self.fill.first_blocks(shown, want))
            self.fill.go()
        self._drop_all_decided(article_id)
        self._say_left_out(article_id)
        self._fill_table(keep_row)
        n_agree = sum(1 for it in self._items if it.agreed)
        hint = ""
        if len(self.session.annotators) < 2:
            hint = "<br><i>Tick a second annotator to compare versions.</i>"
        self.header.setText(
            f"<b>{html.escape(clip_title(art.title))}</b>{hint}<br>"
            f"{count_noun(len(self._items), 'quote')}: {n_agree} agreed, "
            f"{len(self._items) - n_agree} differ · "
            f"review {self.session.status(article_id).replace('_', ' ')} · comparing "
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

    def _fill_table(self, keep_row: int | None) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(self._items))
        for r, it in enumerate(self._items):
            mark = _MARKS.get(it.gold.decision, "?") if it.gold else ("" if it.agreed else "≠")
            quote_text = clip(spans_text(self._text, it.spans), 90)
            gold = (
                f"{it.gold.decision}" if it.gold else ("agreed, not yet gold" if it.agreed else "—")
            )
            if it.left_out:
                mark, gold = "✗", "left out"
            cells = [mark, quote_text, it.summary(), gold]
            for c, value in enumerate(cells):
                cell = QTableWidgetItem(value)
                if it.agreed:
                    cell.setForeground(QBrush(QColor("#2e7d32")))
                elif not it.decided:
                    cell.setForeground(QBrush(QColor("#b71c1c")))
                self.table.setItem(r, c, cell)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(3)
        self.table.resizeRowsToContents()
        self.table.blockSignals(False)
        if self._items:
            row = 0 if keep_row is None else min(keep_row, len(self._items) - 1)
            self.table.setCurrentCell(row, 1)
            self._row_changed(row, 1, -1, -1)
        else:
            self._row_changed(-1, -1, -1, -1)

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

    def _row_changed(self, row: int, _col: int, _prow: int, _pcol: int) -> None:
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

    def _push(self, inverse: ReviewEdit) -> None:
        self._say_saved()
        if inverse.empty:
            return
        self.undo_stack.push(
            ApplyCommand(inverse, self._apply, applied=True, stack=self.undo_stack)
        )
        self.after_change(inverse.article_id)

    def _apply(self, edit: ReviewEdit) -> ReviewEdit | Kept:
        """Undo/redo: apply ``edit`` and show the article it changed; the inverse
        (:data:`KEPT` when another program held the lock: nothing written, the command
        stays where it was on the stack)."""
        try:
            inverse = self.session.apply(edit)
        except ProjectLockedError as exc:
            self._say_locked(exc)
            return KEPT
        self._say_saved()
        self.after_change(inverse.article_id)
        return inverse

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

    def after_change(self, article_id: int) -> None:
        """Refresh what a change to ``article_id``'s gold affects."""
        row = self.current_row()
        listed = self.article_model.row_of(article_id)
        if article_id != self._article_id and listed is not None:
            self.article_list.setCurrentRow(listed)
        self._show_article(article_id, keep_row=max(row, 0))
        self._refresh_label(article_id)
        self.changed.emit(article_id)

    def accept_agreements(self) -> None:
        if self._article_id is None:
            return
        try:
            inverse = self.session.accept_agreements(self._article_id)
        except ProjectLockedError as exc:
            self._say_locked(exc)
            return
        self._push(inverse)
        n = len(inverse.changes)
        self.statusBar().showMessage(f"{count_noun(n, 'agreed quote')} made gold", 4000)

    def pick(self, index: int) -> None:
        item = self.current_item()
        if item is None or self._article_id is None:
            return
        if index >= len(item.annotators):
            return
        name = item.annotators[index]
        if not self._on_screen():
            return
        if item.versions[index] is None:
            self.statusBar().showMessage(f"{name} {absence_text(item.absence(name))}", 4000)
            return
        try:
            self._push(self.session.pick(self._article_id, item, name))
        except ProjectLockedError as exc:
            self._say_locked(exc)
            return
        self.next_undecided()

    def drop(self) -> None:
        item = self.current_item()
        if item is None or self._article_id is None:
            return
        if item.left_out:
            self.statusBar().showMessage("This quote is already left out of the gold", 4000)
            return
        if not self._on_screen():
            return
        try:
            self._push(self.session.drop(self._article_id, item))
        except ProjectLockedError as exc:
            self._say_locked(exc)
            return
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
            self._push(self.session.edit(self._article_id, item, dlg.result_quote(), base))

    def finish_article(self) -> None:
        if self._article_id is None:
            return
        undecided = sum(1 for it in self._items if not it.decided)
        self._push(self.session.set_done(self._article_id, True))
        if undecided:
            self.statusBar().showMessage(
                f"Finished, {count_noun(undecided, 'quote')} left out of the gold", 5000
            )
        self._move_article(1)

    def closeEvent(self, event: object) -> None:  # noqa: N802 (Qt name)
        self._stop_reading()
        try:
            self.project.close()
        except Exception as exc:  # closing must not lose the window's last word
            QMessageBox.warning(self, "Review", f"Could not close the project: {exc}")
        super().closeEvent(event)  # type: ignore[arg-type]
