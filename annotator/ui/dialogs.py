"""Small dialogs: project settings, the shortcut sheet, the annotator's name."""

from __future__ import annotations

import getpass
from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.services.project_settings import guidelines_for_marks


class SettingsDialog(QDialog):
    """Edit the project's stance labels, stance target, quote boundaries and guidelines."""

    def __init__(
        self,
        labels: Sequence[str],
        target: str,
        guidelines: str,
        parent: QWidget | None = None,
        marks_inside: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Project settings")
        self.resize(620, 560)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.labels_edit = QPlainTextEdit("\n".join(labels))
        self.labels_edit.setObjectName("stanceLabels")
        self.labels_edit.setFixedHeight(110)
        self.labels_edit.setToolTip("One label per line; keys 1-9 follow this order.")
        form.addRow("Stance labels\n(one per line)", self.labels_edit)
        self.target_edit = QLineEdit(target)
        self.target_edit.setObjectName("stanceTarget")
        self.target_edit.setPlaceholderText("e.g. inter-Korean dialogue")
        self.target_edit.setToolTip(
            "What stances are about unless an article (Shift+G) or a quote (G) sets its own."
        )
        form.addRow("Default stance target", self.target_edit)
        self.marks_box = QCheckBox("Quotation marks and trailing punctuation inside the quote")
        self.marks_box.setObjectName("marksInside")
        self.marks_box.setChecked(marks_inside)
        self.marks_box.setToolTip(
            "Off: a direct quote is the words between its marks (as the default guidelines "
            "say). Used by the detector and by growing or shrinking a quote by words."
        )
        form.addRow("Quote boundaries", self.marks_box)
        lay.addLayout(form)
        lay.addWidget(QLabel("Annotation guidelines (Markdown):"))
        self.guidelines_edit = QPlainTextEdit(guidelines)
        self.guidelines_edit.setObjectName("guidelines")
        lay.addWidget(self.guidelines_edit, 1)
        #: What the boundary setting did to the guidelines (or asks of the analyst).
        self.marks_note = QLabel()
        self.marks_note.setObjectName("marksNote")
        self.marks_note.setWordWrap(True)
        lay.addWidget(self.marks_note)
        # Tab moves on (a stance label or a guideline holds no tab): the dialog is usable
        # from the keyboard alone, Ctrl+, then Tab to every field
        for edit in (self.labels_edit, self.guidelines_edit):
            edit.setTabChangesFocus(True)
        self.marks_box.toggled.connect(self._marks_toggled)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._check_and_accept)
        self.buttons.rejected.connect(self.reject)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b71c1c")
        lay.addWidget(self.error_label)
        lay.addWidget(self.buttons)

    def labels(self) -> list[str]:
        out = [s.strip() for s in self.labels_edit.toPlainText().splitlines()]
        return list(dict.fromkeys(s for s in out if s))

    def target(self) -> str:
        return self.target_edit.text().strip()

    def guidelines(self) -> str:
        return self.guidelines_edit.toPlainText()

    def marks_inside(self) -> bool:
        return self.marks_box.isChecked()

    def _marks_toggled(self, inside: bool) -> None:
        """Keep the guidelines' boundary sentence in step with the setting."""
        now = self.guidelines_edit.toPlainText()
        new = guidelines_for_marks(now, inside)
        if new is None:
            self.marks_note.setText(
                "Your guidelines do not use the bundled sentence on quotation marks: check "
                "that they say what this setting now does."
            )
        elif new != now:
            cursor = self.guidelines_edit.textCursor()
            cursor.select(cursor.SelectionType.Document)
            cursor.insertText(new)  # one step of the edit's undo (Ctrl+Z brings it back)
            self.marks_note.setText(
                "The guidelines' sentence on quotation marks was changed to match."
            )
        else:
            self.marks_note.setText("")

    def _check_and_accept(self) -> None:
        if not self.labels():
            self.error_label.setText("Give at least one stance label.")
            return
        self.accept()


def shortcut_rows(menus: Iterable[QMenu]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every action with a shortcut, menu by menu: [(menu title, [(keys, command)])].

    The one source of every window's shortcut sheet: built from the actions themselves,
    so the sheet cannot drift from the keys.
    """
    out = []
    for menu in menus:
        rows = []
        for a in menu.actions():
            keys = ", ".join(
                s.toString(s.SequenceFormat.NativeText) for s in a.shortcuts() if not s.isEmpty()
            )
            if keys and not a.isSeparator():
                rows.append((keys, a.text().replace("&", "").replace("…", "")))
        if rows:
            out.append((menu.title().replace("&", ""), rows))
    return out


def shortcut_sheet_html(menus: Iterable[QMenu]) -> str:
    """An HTML table of :func:`shortcut_rows`."""
    parts = ["<h2>Keyboard shortcuts</h2>"]
    for title, rows in shortcut_rows(menus):
        cells = "".join(f"<tr><td><b><code>{k}</code></b></td><td>{n}</td></tr>" for k, n in rows)
        parts.append(f"<h3>{title}</h3><table cellspacing=4>{cells}</table>")
    return "".join(parts)


class ShortcutSheet(QDialog):
    """F1: every command and its key, generated from the actions so it cannot drift."""

    def __init__(self, html: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(560, 640)
        lay = QVBoxLayout(self)
        view = QTextBrowser()
        view.setObjectName("shortcutSheet")
        view.setHtml(html)
        lay.addWidget(view)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)


class AnnotatorDialog(QDialog):
    """Ask who is annotating (an existing annotator or a new name)."""

    def __init__(
        self, known: Sequence[str], current: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Who is annotating?")
        lay = QVBoxLayout(self)
        lay.addWidget(
            QLabel(
                "Your name is stored with every annotation you make, so colleagues' "
                "versions stay apart.\nIt is remembered on this computer."
            )
        )
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.addItems(list(known))
        default = current or (known[0] if known else _login_name())
        self.combo.setCurrentText(default)
        edit = self.combo.lineEdit()
        if edit is not None:
            edit.selectAll()
        lay.addWidget(self.combo)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)

    def name(self) -> str:
        return self.combo.currentText().strip()


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "annotator"
