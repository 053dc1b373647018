"""The highlighter paints a speaker or cue over the quote it lies in (the quote's background
kept) and alone outside any quote (no background), in several places of a block."""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextDocument

from annotator.core.model import Quote
from annotator.services.items import SUGGESTED, Item
from annotator.ui.highlighting import (
    CUE_COLOUR,
    SPEAKER_COLOUR,
    STATE_COLOURS,
    QuoteHighlighter,
    SpanIndex,
)

TEXT = 'Lee said, "we will wait, Kim said, for the budget." Park added nothing.'


def _formats_at(doc: QTextDocument, pos: int) -> tuple[str, str, bool, bool]:
    block = doc.findBlock(pos)
    for r in block.layout().formats():
        if r.start <= pos - block.position() < r.start + r.length:
            f = r.format
            bg = f.background().color().name() if f.background().style().value else ""
            return bg, f.foreground().color().name(), f.fontWeight() > 500, f.fontItalic()
    return "", "", False, False


def test_speaker_and_cue_inside_and_outside_a_quote(qapp: object) -> None:
    inner = TEXT.index("Kim")
    content = (TEXT.index("we"), TEXT.index(".") + 1)
    q = Quote(
        (content,),
        speaker_spans=((0, 3), (inner, inner + 3)),
        cue_spans=((4, 8), (inner + 4, inner + 8)),
    )
    other = Quote(((TEXT.index("nothing"), len(TEXT) - 1),), speaker_spans=((52, 56),))
    items = [Item(q, None, 1), Item(other, None, 2)]
    doc = QTextDocument()
    doc.setPlainText(TEXT)
    index = SpanIndex(TEXT)
    h = QuoteHighlighter(doc)
    h.index = index.build(items)
    h.rehighlight()
    quote_bg = QColor(STATE_COLOURS[SUGGESTED][0]).name()
    speaker, cue = QColor(SPEAKER_COLOUR).name(), QColor(CUE_COLOUR).name()
    assert _formats_at(doc, 1) == ("", speaker, True, False)  # Lee: outside the quote
    assert _formats_at(doc, 5) == ("", cue, False, True)  # said
    assert _formats_at(doc, inner + 1) == (quote_bg, speaker, True, False)  # Kim: inside
    assert _formats_at(doc, inner + 5) == (quote_bg, cue, False, True)
    assert _formats_at(doc, TEXT.index("wait"))[0] == quote_bg  # the quote itself
    assert _formats_at(doc, 53)[2]  # Park: bold, outside any quote
    assert _formats_at(doc, 53)[0] == ""
