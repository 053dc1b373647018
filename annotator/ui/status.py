"""The annotation window's status bar: notes, model, annotator, progress, task bars.

Every widget of the bar can shrink: the texts are :class:`ElidingLabel` (cut with "…",
the whole text in the tooltip) and the task bars are :class:`CountBar` of a fixed modest
width, so no message, model name or count widens the window past a 1366-pixel screen.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStatusBar,
    QToolTip,
    QWidget,
)

from annotator.core.wording import figure
from annotator.services.session import ArticleCounts
from annotator.store.queries import Totals
from annotator.ui.controllers.read_only import READ_ONLY_NOTE

#: Width of the task bars (detection, re-detection, import), in pixels.
TASK_BAR_WIDTH = 150
#: The widest (pixels) the lasting labels of the status bar (model, detector, progress)
#: ask to be: beyond it they are cut with "…" (whole text in the tooltip), so that at
#: 1366 pixels the passing message keeps most of the bar.
STATUS_LABEL_MAX = 260


@functools.cache
def _warm_up_item_text() -> None:
    """Draw a label's text once on a small image, as :meth:`ElidingLabel.paintEvent` does.
    PySide creates the Python types of Qt's enums (the style's and the palette's, 13 of
    them) on first use; done here while the window is built, the first paint of the
    shown window does not pay for them (25-60 ms, issue 16). Once per process."""
    label = QLabel()
    image = QImage(16, 16, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    label.style().drawItemText(
        painter,
        QRect(0, 0, 16, 16),
        int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
        label.palette(),
        True,
        "x",
        label.foregroundRole(),
    )
    painter.end()


class ElidingLabel(QLabel):
    """A one-line label that takes any width down to ``min_width`` pixels: a text that
    does not fit is drawn cut with "…" at the right. :meth:`text` stays the whole text and
    the tooltip shows it while it is cut (before the tooltip set, if any).

    Line breaks in the text are drawn as spaces.
    """

    def __init__(
        self,
        text: str = "",
        min_width: int = 40,
        parent: QWidget | None = None,
        max_width: int | None = None,
    ):
        super().__init__(text, parent)
        self.min_width = min_width
        #: The widest (pixels) the label asks to be (None: its whole text): a permanent
        #: label of the status bar with a long text otherwise takes the message's room.
        self.max_width = max_width
        _warm_up_item_text()

    def _line(self) -> str:
        return " ".join(self.text().split("\n"))

    def shown_text(self) -> str:
        """The text as drawn at the label's width now (with "…" when cut)."""
        width = self.contentsRect().width()
        return self.fontMetrics().elidedText(self._line(), Qt.TextElideMode.ElideRight, width)

    def is_elided(self) -> bool:
        return self.shown_text() != self._line()

    def tip(self) -> str:
        """What the tooltip shows: the tooltip set, led by the whole text while it is cut."""
        own = self.toolTip()
        if not self.is_elided() or self.text() in own:
            return own
        return f"{self.text()}\n\n{own}" if own else self.text()

    def sizeHint(self) -> QSize:  # noqa: N802
        m = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self._line()) + m.left() + m.right() + 2
        if self.max_width is not None:
            width = min(width, self.max_width)
        return QSize(width, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        hint = self.sizeHint()
        return QSize(min(hint.width(), self.min_width), hint.height())

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            tip = self.tip()
            if tip:
                QToolTip.showText(e.globalPos(), tip, self)  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().event(e)

    def paintEvent(self, _e: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            self.contentsRect(),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            self.palette(),
            self.isEnabled(),
            self.shown_text(),
            self.foregroundRole(),
        )
        painter.end()


class CountBar(QProgressBar):
    """A progress bar of :data:`TASK_BAR_WIDTH` pixels saying ``"<what> done/total"`` (or
    ``"<what> N%"`` for a ``share``); when that does not fit, only the figures. The tooltip
    says it in full: ``long_form`` with ``{done}``, ``{total}`` and ``{pct}`` filled in."""

    def __init__(
        self, what: str, long_form: str, share: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.what = what
        self.long_form = long_form
        #: Say a percentage, not done/total (abstract units such as lines of a file).
        self.share = share
        self.setFixedWidth(TASK_BAR_WIDTH)
        # the tooltip follows every figure the bar says: a new total with the same count
        # done changes no value (a tooltip once said 0/239394 under a bar saying 0/239694)
        self.valueChanged.connect(lambda _v: self._retip())

    def setRange(self, minimum: int, maximum: int) -> None:  # noqa: N802
        super().setRange(minimum, maximum)
        self._retip()

    def setMaximum(self, maximum: int) -> None:  # noqa: N802
        super().setMaximum(maximum)
        self._retip()

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            self._retip()  # a range set from C++ (none of ours) still shows its figures
        return super().event(e)

    def _busy(self) -> bool:
        return self.maximum() == self.minimum() == 0

    def _pct(self) -> int:
        span = max(1, self.maximum() - self.minimum())
        return 100 * max(0, self.value() - self.minimum()) // span

    def _retip(self) -> None:
        done, total = max(self.value(), 0), self.maximum()
        tip = self.long_form.format(done=figure(done), total=figure(total), pct=self._pct())
        self.setToolTip(self.what if self._busy() else tip)

    def text(self) -> str:
        """What the bar says (Qt's style asks for it when painting): the first of the
        name with the exact figures, the name with short figures (``99k``), the figures
        alone, that fits the bar."""
        if self._busy():
            return self.what
        done, total = max(self.value(), 0), self.maximum()
        if self.share:
            tries = [f"{self.what} {self._pct()}%", f"{self._pct()}%"]
        else:
            exact = f"{figure(done)}/{figure(total)}"
            short = f"{_short(done)}/{_short(total)}"
            tries = [f"{self.what} {exact}", f"{self.what} {short}", exact, short]
        room = self.contentsRect().width() - 8
        fm = self.fontMetrics()
        return next((t for t in tries if fm.horizontalAdvance(t) <= room), tries[-1])


def _short(n: int) -> str:
    """``n`` in at most four digits and a unit, rounded down (99999 is 99k, not 100k: a
    count short of its total must not read as the total)."""
    if n < 10_000:
        return str(n)
    if n < 10_000_000:
        return f"{n // 1000}k"
    return f"{n // 1_000_000}M"


class StatusArea(QObject):
    """The widgets of the status bar and what they show; slots for the controllers' signals."""

    def __init__(self, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.bar = bar
        self._tied: str | None = None
        self._detail_for: str | None = None  # the message whose detail is the tooltip
        bar.messageChanged.connect(self._message_changed)
        # QStatusBar draws a passing message itself, cut off without "…" and under the
        # tooltip of the whole bar: the message is shown in a label of its own instead,
        # in the room left of the first permanent widget (where Qt would draw it, which
        # leaves Qt nothing to draw); the lasting note (e.g. the first import's report)
        # shares that room and comes back when the message goes
        self.info_label = self._room_label("infoLabel")
        self.message_label = self._room_label("messageLabel")
        self.message_label.hide()
        self.model_label = ElidingLabel("Model: loading…", 90, max_width=STATUS_LABEL_MAX)
        self.annotator_label = ElidingLabel("", 70)
        self.progress_label = ElidingLabel("", 120, max_width=STATUS_LABEL_MAX)
        self.detect_bar = CountBar("Detecting", "Detecting quotes: {done} of {total} articles")
        self.detect_cancel = QPushButton("Cancel")
        self.detect_cancel.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # said for as long as the window is open, whatever message shows over the rest
        self.read_only_label = ElidingLabel(READ_ONLY_NOTE, 90)
        self.read_only_label.setObjectName("readOnlyStatus")
        self.read_only_label.setStyleSheet("color: #8a5a00; font-weight: bold;")
        self.import_bar = CountBar("Importing", "Importing: {pct}% done", share=True)
        #: Turns while the article list reads a new order or filter (a project-wide read).
        self.list_bar = CountBar("Sorting…", "")
        self.list_bar.setObjectName("listBusy")
        self.list_bar.setRange(0, 0)
        self.import_cancel = QPushButton("Cancel import")
        self.import_cancel.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        w: QWidget
        for w in (self.info_label, self.message_label):
            bar.addPermanentWidget(w, 1)
        for w in (
            self.read_only_label,
            self.list_bar,
            self.import_bar,
            self.import_cancel,
            self.detect_bar,
            self.detect_cancel,
        ):
            w.hide()
            bar.addPermanentWidget(w)
        for w in (self.model_label, self.annotator_label, self.progress_label):
            bar.addPermanentWidget(w)

    def _room_label(self, name: str) -> ElidingLabel:
        """A label for the leftover room: no width of its own to ask for, all the stretch."""
        label = ElidingLabel("", 0)
        label.setObjectName(name)
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        return label

    def say(self, text: str, ms: int = 0, detail: str = "") -> None:
        """A passing message (``ms`` 0: until replaced); ``detail``, the longer story, is
        the status bar's tooltip while the message shows."""
        self._tied = None
        self._detail_for = text if detail else None
        self.bar.setToolTip(detail)
        self.bar.showMessage(text, ms)
        self._tip_message()

    def message_room(self) -> int:
        """Pixels a passing message has: the width of the label it is shown in (the room
        left of the other widgets)."""
        return max(0, self.message_label.contentsRect().width())

    def _message_changed(self, text: str) -> None:
        if self._detail_for is not None and text != self._detail_for:
            self._detail_for = None
            self.bar.setToolTip("")
        self.message_label.setText(text)
        self._tip_message()
        self.message_label.setVisible(bool(text))
        self.info_label.setVisible(not text)

    def _tip_message(self) -> None:
        """The message label's tooltip: the whole message, then its detail if any."""
        text, detail = self.message_label.text(), self.bar.toolTip()
        self.message_label.setToolTip(f"{text}\n\n{detail}" if text and detail else text)

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
        n = figure
        article = f"this article {n(here.done)}/{n(here.total)} · " if here is not None else ""
        loading_tip = ""
        if here is not None and here.loading:
            # the figures until the suggestions come count the annotator's own quotes
            # alone: "0/0" would be untrue (issue 16)
            article = f"this article: loading {n(here.loading)} suggestions… · "
            loading_tip = (
                f"This article's {n(here.loading)} suggestions are being read; its "
                "figures show when they come\n"
            )
        hidden_tip = ""
        if here is not None and here.hidden:
            # suggestions below the threshold are kept, not dropped: say so
            article += f"{n(here.hidden)} hidden below {here.below:g} · "
            hidden_tip = (
                f"{n(here.hidden)} suggestions below confidence {here.below:g} are hidden "
                "(View > Hide suggestions below confidence; 0 shows them)\n"
            )
        project = (
            "counting the project's progress…"
            if t is None
            else f"articles done {n(t.articles_done)}/{n(t.articles)} · quotes done "
            f"{n(t.quotes_done)}/{n(t.quotes)}"
        )
        self.progress_label.setText(article + project)
        # the tooltip from the same figures as the label, set with it every time
        here_tip = loading_tip or (
            f"This article: {n(here.done)} of {n(here.total)} quotes decided\n" if here else ""
        )
        here_tip += hidden_tip
        project_tip = (
            "The project's progress is being counted."
            if t is None
            else f"Project: {n(t.articles_done)} of {n(t.articles)} articles done, "
            f"{n(t.quotes_done)} of {n(t.quotes)} quotes decided"
        )
        self.progress_label.setToolTip(here_tip + project_tip)
        self.annotator_label.setText(f"Annotator: {annotator}")

    def show_list_working(self, doing: str) -> None:
        """The article list is busy (``doing``: "Sorting…", "Filtering…"), or is not ("")."""
        if doing:
            self.list_bar.what = f"List: {doing[:1].lower()}{doing[1:]}"  # also its tooltip
            self.list_bar.update()
        self.list_bar.setVisible(bool(doing))

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
