"""The quote panel: the current quote, its kind, speaker, canonical speaker, stance and note.

It only shows an item and reports edits as signals; the window turns them into session ops.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import KINDS
from annotator.core.wording import count_noun, figure
from annotator.services.items import Item

_MAX_QUOTE_CHARS = 700
_STATE_BACKGROUND = {
    "suggested": "#fff1b8",
    "accepted": "#d4f2d6",
    "rejected": "#eceff1",
    "manual": "#d6e8ff",
}
_STATE_TEXT = {
    "suggested": "Suggested",
    "accepted": "Accepted",
    "rejected": "Rejected",
    "manual": "Added by hand",
}


class QuotePanel(QWidget):
    """Shows one item; emits what the annotator changed."""

    stance_clicked = Signal(str)
    kind_chosen = Signal(str)
    speaker_name_edited = Signal(str)
    note_edited = Signal(str)
    stance_target_edited = Signal(str)
    #: Enter or Esc in the stance-target field: the keyboard goes back to the article.
    target_left = Signal()
    done_editing = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quotePanel")
        self.setMinimumWidth(280)
        self._item: Item | None = None
        self._committing: tuple[QLineEdit, ...] = ()  # fields where Enter/Esc commit/cancel
        self._header_state = ""
        self._read_only = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 10, 10, 10)

        self.header = QLabel("No quote")
        self.header.setObjectName("quoteHeader")
        self.header.setWordWrap(True)
        outer.addWidget(self.header)

        self.quote_label = QLabel()
        self.quote_label.setObjectName("quoteText")
        self.quote_label.setWordWrap(True)
        self.quote_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.quote_label.setFrameShape(QFrame.Shape.StyledPanel)
        outer.addWidget(self.quote_label)

        buttons = QHBoxLayout()
        self.accept_button = QToolButton()
        self.reject_button = QToolButton()
        for b in (self.accept_button, self.reject_button):
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            buttons.addWidget(b)
        self.accept_button.setObjectName("acceptButton")
        self.reject_button.setObjectName("rejectButton")
        outer.addLayout(buttons)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.kind_combo = QComboBox()
        self.kind_combo.addItems(list(KINDS))
        self.kind_combo.activated.connect(
            lambda i: self.kind_chosen.emit(self.kind_combo.itemText(i))
        )
        form.addRow("Kind", self.kind_combo)
        self.mention_label = QLabel("—")
        self.mention_label.setWordWrap(True)
        self.mention_label.setObjectName("mention")
        form.addRow("Speaker mention", self.mention_label)
        self.cue_label = QLabel("—")
        self.cue_label.setWordWrap(True)
        self.cue_label.setObjectName("cue")
        form.addRow("Cue", self.cue_label)
        self.speaker_edit = QLineEdit()
        self.speaker_edit.setPlaceholderText("Canonical speaker (type to search)")
        self._names = QStringListModel(self)
        completer = QCompleter(self._names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.speaker_edit.setCompleter(completer)
        self.speaker_edit.editingFinished.connect(self._speaker_done)
        form.addRow("Speaker", self.speaker_edit)
        outer.addLayout(form)

        self.target_label = QLabel()
        self.target_label.setObjectName("stanceTarget")
        self.target_label.setWordWrap(True)
        outer.addWidget(self.target_label)
        self.target_edit = QLineEdit()
        self.target_edit.setObjectName("quoteStanceTarget")
        self.target_edit.setToolTip(
            "What this quote's stance is about, when it differs from the article's target "
            "(G). Empty: the article's or project's target."
        )
        self._targets = QStringListModel(self)
        target_completer = QCompleter(self._targets, self)
        target_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        target_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.target_edit.setCompleter(target_completer)
        self.target_edit.editingFinished.connect(self._target_done)
        self.target_edit.returnPressed.connect(self.target_left.emit)
        self.target_edit.installEventFilter(self)
        target_row = QFormLayout()
        target_row.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        target_row.addRow("Target", self.target_edit)
        outer.addLayout(target_row)
        self._inherited_target = ""
        self._inherited_source = "article/project"
        self.stance_box = QGridLayout()
        self.stance_box.setSpacing(4)
        outer.addLayout(self.stance_box)
        self._stance_buttons: dict[str, QPushButton] = {}

        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("Note")
        self.note_edit.editingFinished.connect(self._note_done)
        # Enter commits and Esc cancels, and both give the keyboard back to the article
        self._committing = (self.speaker_edit, self.note_edit)
        for edit in self._committing:
            edit.installEventFilter(self)
        # Enter on a completion reaches the field past the filter: it commits, then the
        # keyboard goes back once the popup has closed (closing gives the field the focus)
        self.speaker_edit.returnPressed.connect(
            lambda: QTimer.singleShot(0, self.done_editing.emit)
        )
        note_row = QFormLayout()
        note_row.addRow("Note", self.note_edit)
        outer.addLayout(note_row)

        self.meta_label = QLabel()
        self.meta_label.setObjectName("quoteMeta")
        self.meta_label.setWordWrap(True)
        outer.addWidget(self.meta_label)
        outer.addStretch(1)
        self.show_item(None, "", 0, 0)

    # -- configuration -----------------------------------------------------------------------

    def set_actions(self, accept: QAction, reject: QAction) -> None:
        self.accept_button.setDefaultAction(accept)
        self.reject_button.setDefaultAction(reject)

    def set_stance_labels(self, labels: Sequence[str], target: str) -> None:
        for b in self._stance_buttons.values():
            self.stance_box.removeWidget(b)
            b.deleteLater()
        self._stance_buttons = {}
        for i, label in enumerate(labels):
            key = f"{i + 1}  " if i < 9 else ""
            b = QPushButton(f"{key}{label}")
            b.setCheckable(True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setObjectName("stanceButton")
            b.clicked.connect(lambda _=False, lab=label: self.stance_clicked.emit(lab))
            self.stance_box.addWidget(b, i // 2, i % 2)
            self._stance_buttons[label] = b
        self._inherited_target = target
        self._show_target()
        self._set_enabled(self._item is not None and not self._read_only)
        self._refresh_stance()

    def set_inherited_target(self, target: str | None, source: str = "") -> None:
        """The target a quote of this article has unless it sets its own, and where it
        comes from ("article" or "project")."""
        self._inherited_target = target or ""
        names = {"article": "this article's", "project": "project default"}
        self._inherited_source = names.get(source, "article/project")
        self._show_target()

    def set_targets(self, targets: Sequence[str]) -> None:
        """The stance targets the completer offers (those used before in the project)."""
        self._targets.setStringList(list(targets))

    def targets(self) -> list[str]:
        return list(self._targets.stringList())

    def _show_target(self) -> None:
        own = self._item.quote.stance_target if self._item else None
        target = own or self._inherited_target
        if target:
            mark = (
                f" ({self._inherited_source})"
                if own is None or own == self._inherited_target
                else " (this quote's)"
            )
            self.target_label.setText(f"Stance on: <b>{html.escape(target)}</b>{mark}")
        else:
            self.target_label.setText("Stance (no target set)")
        self.target_edit.setPlaceholderText(
            f"{self._inherited_target} ({self._inherited_source})"
            if self._inherited_target
            else "Stance target of this quote"
        )
        if not self.target_edit.hasFocus():
            self.target_edit.setText(own or "")
            self.target_edit.setCursorPosition(0)

    def _target_key(self, watched: QObject, event: QEvent) -> bool:
        """Esc in the stance-target field drops what was typed and leaves the field."""
        if (
            watched is self.target_edit
            and event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            own = self._item.quote.stance_target if self._item else None
            self.target_edit.setText(own or "")
            if event.type() == QEvent.Type.KeyPress:
                self.target_left.emit()
                return True
        return False

    def set_names(self, names: Sequence[str]) -> None:
        self._names.setStringList(list(names))

    def names(self) -> list[str]:
        """What the speaker completer offers now."""
        return list(self._names.stringList())

    def set_read_only(self, read_only: bool) -> None:
        """Show quotes without letting anything be edited (a project that cannot be written)."""
        self._read_only = read_only
        self._set_enabled(self._item is not None and not read_only)

    # -- showing ------------------------------------------------------------------------------

    def show_item(
        self,
        item: Item | None,
        quote_text: str,
        number: int,
        total: int,
        cue_text: str = "",
        mention: str | None = None,
        loading: int = 0,
    ) -> None:
        """Show ``item`` (quote ``number`` of ``total``); ``cue_text``: its cue's words;
        ``mention``: its speaker mention (default: the quote's ``speaker_text``);
        ``loading``: the article's suggestions still being read (0: none), then ``total``
        counts the quotes read so far."""
        self._item = item
        self._set_enabled(item is not None and not self._read_only)
        if item is None:
            if loading:
                self.header.setText(f"Loading {figure(loading)} suggestions…")
                self.quote_label.setText(
                    "The article's quotes show when they are read; A, R and the other "
                    "quote keys work then."
                )
            else:
                self.header.setText("No quote" if total == 0 else count_noun(total, "quote"))
                self.quote_label.setText("Select text and press Q to add a quote.")
            self.mention_label.setText("—")
            self.cue_label.setText("—")
            self.speaker_edit.setText("")
            self.note_edit.setText("")
            self.meta_label.setText("")
            self._refresh_stance()
            self._show_target()
            return
        q = item.quote
        state = _STATE_TEXT.get(item.state, item.state)
        if q.status == "pending" and item.annotation_id is not None:
            state = "Edited, not yet accepted"
        if loading:
            self.header.setText(
                f"<b>Quote {figure(number)} of {figure(total)} read so far</b> · {state} · "
                f"loading {figure(loading)} suggestions…"
            )
        else:
            self.header.setText(f"<b>Quote {figure(number)} of {figure(total)}</b> · {state}")
        if self._header_state != item.state:
            self._header_state = item.state
            bg = _STATE_BACKGROUND.get(item.state, "#ffffff")
            self.header.setStyleSheet(f"background: {bg};")
        shown = quote_text
        if len(shown) > _MAX_QUOTE_CHARS:
            shown = shown[: _MAX_QUOTE_CHARS - 1] + "…"
        self.quote_label.setText(shown)
        self.kind_combo.setCurrentText(q.kind)
        if mention is None:
            mention = q.speaker_text
        self.mention_label.setText(mention or "— (select text, press S)")
        self.cue_label.setText(cue_text or "— (select text, press C)")
        if not self.speaker_edit.hasFocus():
            self.speaker_edit.setText(q.speaker_name or "")
            self.speaker_edit.setCursorPosition(0)
        if not self.note_edit.hasFocus():
            self.note_edit.setText(q.note or "")
        bits = [f"origin {q.origin}"]
        if q.confidence is not None:
            bits.append(f"confidence {q.confidence:.2f}")
        if len(q.content_spans) > 1:
            bits.append(f"{len(q.content_spans)} fragments")
        self.meta_label.setText(" · ".join(bits))
        self._refresh_stance()
        self._show_target()

    def _set_enabled(self, enabled: bool) -> None:
        for w in (self.kind_combo, self.speaker_edit, self.note_edit, self.target_edit):
            w.setEnabled(enabled)
        for b in self._stance_buttons.values():
            b.setEnabled(enabled)

    def _refresh_stance(self) -> None:
        current = self._item.quote.stance if self._item else None
        for label, b in self._stance_buttons.items():
            b.setChecked(label == current)

    # -- edits ---------------------------------------------------------------------------------

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        """Enter/Esc in the speaker or note field: commit/cancel, then :attr:`done_editing`
        (Esc in the stance-target field: see :meth:`_target_key`)
        (the window gives the keyboard back to the article, so the next key is a command)."""
        if self._target_key(obj, event):
            return True
        if obj in self._committing and isinstance(event, QKeyEvent):
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
                if event.type() == QEvent.Type.ShortcutOverride:
                    event.accept()  # the key is ours, not the window's Esc shortcut
                    return True
                if event.type() == QEvent.Type.KeyPress:
                    edit = self.speaker_edit if obj is self.speaker_edit else self.note_edit
                    if key == Qt.Key.Key_Escape:
                        self._revert(edit)
                    elif edit is self.speaker_edit:
                        self._speaker_done()
                    else:
                        self._note_done()
                    self.done_editing.emit()
                    return True
        return super().eventFilter(obj, event)

    def show_stored(self) -> None:
        """Put the shown quote's stored speaker, note and stance target back in their fields,
        even in the one being typed in: after a change met another window's, the text typed
        there must not be committed again (on leaving the field) over the version saved
        there."""
        q = self._item.quote if self._item is not None else None
        for edit, value in (
            (self.speaker_edit, q.speaker_name if q else None),
            (self.note_edit, q.note if q else None),
            (self.target_edit, q.stance_target if q else None),
        ):
            edit.setText(value or "")
            edit.setCursorPosition(0)

    def _revert(self, edit: QLineEdit) -> None:
        q = self._item.quote if self._item is not None else None
        old = (q.speaker_name if edit is self.speaker_edit else q.note) if q else None
        edit.setText(old or "")

    def _speaker_done(self) -> None:
        if self._item is None:
            return
        text = self.speaker_edit.text().strip()
        if text != (self._item.quote.speaker_name or ""):
            self.speaker_name_edited.emit(text)

    def _note_done(self) -> None:
        if self._item is None:
            return
        text = self.note_edit.text().strip()
        if text != (self._item.quote.note or ""):
            self.note_edited.emit(text)

    def _target_done(self) -> None:
        if self._item is None:
            return
        text = self.target_edit.text().strip()
        if text != (self._item.quote.stance_target or ""):
            self.stance_target_edited.emit(text)
