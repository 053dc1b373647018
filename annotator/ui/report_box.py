"""A message box with a report of many lines (import, detection): a details pane tall enough
to read, scrollable, open from the start, every line wrapped whole into view."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor, QTextOption
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QTextEdit, QWidget

#: Lines of a report the details pane shows before it scrolls (Qt's own pane shows 4-5).
DETAIL_LINES = 16
#: Width of the details pane, in average characters.
DETAIL_CHARS = 90
#: Most report lines the pane holds; the rest are counted in a last line. Laying out
#: 200,000 lines with hanging indents froze the window 5-6 s each time the box opened
#: (tester18 T3); a person reads the first few hundred and fixes the file.
MAX_DETAIL_LINES = 500


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
    once). A line longer than the pane wraps (at a space, else anywhere: file paths) under
    a hanging indent, so no line is cut off at the pane's edge. The box is not opened; the
    caller opens it where a person can see it. Past :data:`MAX_DETAIL_LINES` lines, one
    last line says how many more there were."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setInformativeText(info)
    if len(lines) > MAX_DETAIL_LINES:
        rest = len(lines) - MAX_DETAIL_LINES
        lines = [
            *lines[:MAX_DETAIL_LINES],
            f"… and {rest:,} more line{'s' if rest != 1 else ''} not shown here",
        ]
    if lines:
        box.setDetailedText("\n".join(lines))
        edit = details_pane(box)
        if edit is not None:
            fm = edit.fontMetrics()
            frame = 2 * edit.frameWidth() + 2 * int(edit.document().documentMargin())
            # Qt fixes the pane at 100 pixels; a fixed height of our own replaces it
            edit.setFixedHeight(fm.lineSpacing() * DETAIL_LINES + frame)
            edit.setMinimumWidth(fm.averageCharWidth() * DETAIL_CHARS + frame)
            edit.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
            edit.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
            _hanging_indents(edit, fm.averageCharWidth())
        toggle = _details_button(box)
        if toggle is not None:
            toggle.click()  # open: the details are what the box is for
    return box


def _hanging_indents(edit: QTextEdit, char: int) -> None:
    """Each line's leading spaces become its left margin, and a line that wraps goes on
    two characters further in (``char``: pixels of an average character)."""
    doc = edit.document()
    cursor = QTextCursor(doc)
    cursor.beginEditBlock()
    block = doc.begin()
    while block.isValid():
        text = block.text()
        lead = len(text) - len(text.lstrip(" "))
        cursor.setPosition(block.position())
        if lead:
            cursor.setPosition(block.position() + lead, QTextCursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()
        fmt = block.blockFormat()
        fmt.setLeftMargin(float((lead + 2) * char))
        fmt.setTextIndent(float(-2 * char))
        cursor.setBlockFormat(fmt)
        block = block.next()
    cursor.endEditBlock()


def details_pane(box: QMessageBox) -> QTextEdit | None:
    """The text pane of ``box``'s details (None without details)."""
    return box.findChild(QTextEdit)


def _details_button(box: QMessageBox) -> QAbstractButton | None:
    for button in box.buttons():
        if box.buttonRole(button) == QMessageBox.ButtonRole.ActionRole:
            return button
    return None
