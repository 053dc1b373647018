"""The annotation window's status bar: notes, model, annotator, progress, task bars."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar, QWidget

from annotator.services.session import ArticleCounts
from annotator.store.queries import Totals
from annotator.ui.controllers.read_only import READ_ONLY_NOTE

# QStatusBar leaves a few pixels of margin left of a message and between it and the widgets
_MESSAGE_MARGIN_PX = 12


class StatusArea(QObject):
    """The widgets of the status bar and what they show; slots for the controllers' signals."""

    def __init__(self, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.bar = bar
        self._tied: str | None = None
        self._detail_for: str | None = None  # the message whose detail is the tooltip
        bar.messageChanged.connect(self._message_changed)
        # a lasting note (e.g. the first import's report); hints come and go over it
        self.info_label = QLabel()
        self.info_label.setObjectName("infoLabel")
        bar.addWidget(self.info_label, 1)
        self.model_label = QLabel("Model: loading…")
        self.annotator_label = QLabel()
        self.progress_label = QLabel()
        self.detect_bar = QProgressBar()
        self.detect_bar.setFixedWidth(230)
        self.detect_bar.setFormat("Detecting quotes: %v/%m articles")
        self.detect_cancel = QPushButton("Cancel")
        self.detect_cancel.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # said for as long as the window is open, whatever message shows over the rest
        self.read_only_label = QLabel(READ_ONLY_NOTE)
        self.read_only_label.setObjectName("readOnlyStatus")
        self.read_only_label.setStyleSheet("color: #8a5a00; font-weight: bold;")
        self.import_bar = QProgressBar()
        self.import_bar.setFixedWidth(200)
        self.import_bar.setFormat("Importing: %p%")
        self.import_cancel = QPushButton("Cancel import")
        self.import_cancel.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        w: QWidget
        for w in (
            self.read_only_label,
            self.import_bar,
            self.import_cancel,
            self.detect_bar,
            self.detect_cancel,
        ):
            w.hide()
            bar.addPermanentWidget(w)
        for w in (self.model_label, self.annotator_label, self.progress_label):
            bar.addPermanentWidget(w)

    def say(self, text: str, ms: int = 0, detail: str = "") -> None:
        """A passing message (``ms`` 0: until replaced); ``detail``, the longer story, is
        the status bar's tooltip while the message shows."""
        self._tied = None
        self._detail_for = text if detail else None
        self.bar.setToolTip(detail)
        self.bar.showMessage(text, ms)

    def message_room(self) -> int:
        """Pixels a passing message has: from the bar's left edge to the first permanent
        widget shown (QStatusBar draws messages there), less the margins Qt keeps."""
        lefts = [
            w.geometry().left()
            for w in self.bar.findChildren(QWidget)
            if w.isVisible() and w.parentWidget() is self.bar and w is not self.info_label
        ]
        right = min(lefts, default=self.bar.width())
        return max(0, right - _MESSAGE_MARGIN_PX)

    def _message_changed(self, text: str) -> None:
        if self._detail_for is not None and text != self._detail_for:
            self._detail_for = None
            self.bar.setToolTip("")

    def say_while(self, text: str, state: str, ms: int = 15000) -> None:
        """A message true only while ``state`` holds: :meth:`drop` (``state``) clears it."""
        self.bar.showMessage(text, ms)
        self._tied = state

    def drop(self, state: str) -> None:
        """The state a message was tied to no longer holds: clear that message."""
        if self._tied == state:
            self._tied = None
            self.bar.clearMessage()

    def tied(self) -> str | None:
        """The state the message shown now is tied to (None: none, or no message)."""
        return self._tied if self.bar.currentMessage() else None

    def show_info(self, text: str) -> None:
        """A lasting note (temporary hints show over it, then it returns) until
        :meth:`clear_info`: the window clears it once the analyst opens or edits something."""
        self.info_label.setText(text)
        self.info_label.setToolTip(text)

    def clear_info(self) -> None:
        if self.info_label.text():
            self.info_label.clear()
            self.info_label.setToolTip("")

    def show_progress(
        self, totals: Totals | None, here: ArticleCounts | None, annotator: str
    ) -> None:
        """The annotator's progress: the open article (``here``) and the project (None:
        still being counted on a pool thread)."""
        t = totals
        article = f"this article {here.done}/{here.total} · " if here is not None else ""
        project = (
            "counting the project's progress…"
            if t is None
            else f"articles done {t.articles_done}/{t.articles} · quotes done "
            f"{t.quotes_done}/{t.quotes}"
        )
        self.progress_label.setText(article + project)
        self.annotator_label.setText(f"Annotator: {annotator}")

    def show_model_state(self, text: str, tooltip: str) -> None:
        self.model_label.setText(text)
        self.model_label.setToolTip(tooltip)

    def show_detection_running(self, total: int) -> None:
        """Detection started on ``total`` articles (0: it stopped)."""
        if total:
            self.detect_bar.setRange(0, total)
            self.detect_bar.setValue(0)
        self.detect_bar.setVisible(bool(total))
        self.detect_cancel.setVisible(bool(total))
        self.detect_cancel.setEnabled(True)

    def show_detection_progress(self, done: int, total: int) -> None:
        self.detect_bar.setRange(0, max(total, 1))
        self.detect_bar.setValue(done)

    def show_import_running(self, on: bool) -> None:
        if on:
            self.import_bar.setRange(0, 0)  # busy until the first progress call
        self.import_bar.setVisible(on)
        self.import_cancel.setEnabled(on)
        self.import_cancel.setVisible(on)
        if not on:
            self.bar.clearMessage()

    def show_import_progress(self, done: int, total: int, _label: str) -> None:
        # abstract units (files, or lines of a JSONL file): only the ratio means anything
        self.import_bar.setRange(0, max(total, 1))
        self.import_bar.setValue(min(done, max(total, 1)))
