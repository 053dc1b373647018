"""A message box with a report of many lines (import, detection): a details pane tall enough
to read, scrollable, and open from the start."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QMessageBox, QTextEdit, QWidget

#: Lines of a report the details pane shows before it scrolls (Qt's own pane shows 4-5).
DETAIL_LINES = 16
#: Width of the details pane, in average characters.
DETAIL_CHARS = 90


def report_box(
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    info: str,
    lines: list[str],
    parent: QWidget | None,
) -> QMessageBox:
    """A box saying ``text`` and ``info``, with ``lines`` in a details pane of
    :data:`DETAIL_LINES` lines by :data:`DETAIL_CHARS` characters (scrollable, shown at
    once). The box is not opened; the caller opens it where a person can see it."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setInformativeText(info)
    if lines:
        box.setDetailedText("\n".join(lines))
        edit = details_pane(box)
        if edit is not None:
            fm = edit.fontMetrics()
            frame = 2 * edit.frameWidth() + 2 * int(edit.document().documentMargin())
            # Qt fixes the pane at 100 pixels; a fixed height of our own replaces it
            edit.setFixedHeight(fm.lineSpacing() * DETAIL_LINES + frame)
            edit.setMinimumWidth(fm.averageCharWidth() * DETAIL_CHARS + frame)
            edit.setLineWrapMode(QTextEdit.LineWrapMode.NoWrap)
        toggle = _details_button(box)
        if toggle is not None:
            toggle.click()  # open: the details are what the box is for
    return box


def details_pane(box: QMessageBox) -> QTextEdit | None:
    """The text pane of ``box``'s details (None without details)."""
    return box.findChild(QTextEdit)


def _details_button(box: QMessageBox) -> QAbstractButton | None:
    for button in box.buttons():
        if box.buttonRole(button) == QMessageBox.ButtonRole.ActionRole:
            return button
    return None
