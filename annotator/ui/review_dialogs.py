"""The review window's dialog: edit the gold version of a quote."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QWidget

from annotator.core.model import KINDS, Quote, spans_text


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
            kind=self.kind.currentText(),
            origin="manual",
        )
