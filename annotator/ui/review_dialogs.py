"""The review window's parts: the gold-edit dialog, the marks and the HTML of a quote's versions."""

from __future__ import annotations

import html

from PySide6.QtGui import QColor, QTextCharFormat
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QWidget

from annotator.core.model import KINDS, Quote, spans_text
from annotator.services.adjudication import ReviewItem

#: Background colours of the annotators' versions (first one filled, others underlined).
VERSION_COLOURS = ("#cfe3ff", "#ffd9b3", "#d5f5d0", "#f3d0f5", "#fff3b0", "#d0f0f5")


def clip(s: str, n: int = 70) -> str:
    """``s`` on one line, cut to ``n`` characters with an ellipsis."""
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


class GoldEditDialog(QDialog):
    """Edit the gold version of a quote: its span (from the text selection), speaker, stance."""

    def __init__(
        self,
        quote: Quote,
        text: str,
        stance_labels: list[str],
        selection: tuple[int, int] | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit the gold version")
        self._quote = quote
        self._text = text
        self._selection = selection
        form = QFormLayout(self)
        self.content = QComboBox()
        self.content.addItem("as in the version: " + clip(spans_text(text, quote.content_spans)))
        if selection is not None:
            self.content.addItem("the text selection: " + clip(text[selection[0] : selection[1]]))
            self.content.setCurrentIndex(1)
        form.addRow("&Quote", self.content)
        self.speaker_name = QLineEdit(quote.speaker_name or "")
        form.addRow("Canonical &speaker", self.speaker_name)
        self.speaker_text = QLineEdit(quote.speaker_text or "")
        form.addRow("Speaker &mention", self.speaker_text)
        self.stance = QComboBox()
        self.stance.addItem("(none)", None)
        for label in stance_labels:
            self.stance.addItem(label, label)
        if quote.stance in stance_labels:
            self.stance.setCurrentIndex(stance_labels.index(quote.stance) + 1)
        form.addRow("S&tance", self.stance)
        self.stance_target = QLineEdit(quote.stance_target or "")
        self.stance_target.setObjectName("goldStanceTarget")
        self.stance_target.setPlaceholderText("what the stance is about")
        form.addRow("Stance tar&get", self.stance_target)
        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        if quote.kind in KINDS:
            self.kind.setCurrentIndex(KINDS.index(quote.kind))
        form.addRow("&Kind", self.kind)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def result_quote(self) -> Quote:
        """The quote as edited in the dialog."""
        q = self._quote
        if self.content.currentIndex() == 1 and self._selection is not None:
            q = q.with_(content_spans=(self._selection,))
        return q.with_(
            speaker_name=self.speaker_name.text().strip() or None,
            speaker_text=self.speaker_text.text().strip() or None,
            stance=self.stance.currentData(),
            stance_target=self.stance_target.text().strip() or None,
            kind=self.kind.currentText(),
            origin="manual",
        )


def version_marks(item: ReviewItem | None) -> list[tuple[int, int, QTextCharFormat]]:
    """(start, end, format) of every version's quote and speaker, and of the gold quote."""
    marks: list[tuple[int, int, QTextCharFormat]] = []
    if item is None:
        return marks
    for k, v in enumerate(item.versions):
        if v is None:
            continue
        colour = QColor(VERSION_COLOURS[k % len(VERSION_COLOURS)])
        fmt = QTextCharFormat()
        if k == 0:
            fmt.setBackground(colour)
        else:  # underlined in its colour, so both boundaries stay visible
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            fmt.setUnderlineColor(colour.darker(160))
        marks += [(a, b, fmt) for a, b in v.quote.content_spans]
        sfmt = QTextCharFormat()
        sfmt.setForeground(QColor("#8e1b1b"))
        sfmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        marks += [(a, b, sfmt) for a, b in v.quote.speaker_spans]
    if item.gold is not None:
        gfmt = QTextCharFormat()
        gfmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        gfmt.setUnderlineColor(QColor("#2e7d32"))
        marks += [(a, b, gfmt) for a, b in item.gold.quote.content_spans]
    return marks


def quote_html(q: Quote, text: str) -> str:
    """One version in a line: the quote, its speaker, kind, stance and stance target."""
    content = html.escape(clip(spans_text(text, q.content_spans), 160))
    mention = spans_text(text, q.speaker_spans, " ") if q.speaker_spans else ""
    speaker = q.speaker_name or q.speaker_text or mention or "no speaker"
    if mention and q.speaker_name and mention != q.speaker_name:
        speaker = f"{q.speaker_name} (“{mention}”)"
    return (
        f"“{content}” — <b>{html.escape(speaker)}</b> · {q.kind} · "
        f"stance: {html.escape(q.stance or '—')}"
        + (f" on {html.escape(q.stance_target)}" if q.stance and q.stance_target else "")
    )


def describe_html(item: ReviewItem | None, text: str) -> str:
    """Every annotator's version of ``item`` and its gold version ("" for no item)."""
    if item is None:
        return ""
    parts = [f"<p><b>{html.escape(item.summary())}</b></p>"]
    for k, (name, v) in enumerate(zip(item.annotators, item.versions)):
        colour = VERSION_COLOURS[k % len(VERSION_COLOURS)]
        head = (
            f"<span style='background:{colour}'>&nbsp;{k + 1}&nbsp;{html.escape(name)}&nbsp;</span>"
        )
        if v is None:
            parts.append(f"<p>{head} <i>has no such quote</i></p>")
        else:
            parts.append(f"<p>{head} {quote_html(v.quote, text)}</p>")
    if item.gold is not None:
        g = item.gold
        parts.append(
            f"<p><b>Gold</b> ({g.decision} by {html.escape(g.reviewer)}): "
            f"{quote_html(g.quote, text)}</p>"
        )
    else:
        parts.append("<p><i>No gold version yet: 1-9 pick, E edit, X leave out.</i></p>")
    return "".join(parts)
