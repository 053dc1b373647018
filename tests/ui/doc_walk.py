"""Reading a view's QTextDocument back against the stored text (shared by the tests of
long and flat texts): where each block starts in the text, and which code points the
highlighter painted in a colour. The reference never comes from the code under test."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QTextDocument

from annotator.ui import stepwise_fill


def small_fill_steps(
    monkeypatch: pytest.MonkeyPatch, first: int, first_max: int, least: int, most: int
) -> None:
    """Make the stepwise fill's sizes small (characters: the first part, how far it may
    reach for a wanted position, a later step's bounds), so a text of tens of thousands
    of characters takes many steps."""
    monkeypatch.setattr(stepwise_fill, "FILL_FIRST_CHARS", first)
    monkeypatch.setattr(stepwise_fill, "FILL_FIRST_MAX", first_max)
    monkeypatch.setattr(stepwise_fill, "FILL_STEP_MIN", least)
    monkeypatch.setattr(stepwise_fill, "FILL_STEP_MAX", most)


def repeat(unit: str, n: int) -> str:
    """``unit`` repeated and cut to ``n`` characters."""
    return (unit * (n // len(unit) + 1))[:n]


def walk(doc: QTextDocument, text: str) -> list[int]:
    """Code point where each block of ``doc`` starts, checking that the blocks hold the
    stored ``text`` in order with nothing else between them (between two blocks the text
    has a line break, a space the view cut at, or nothing)."""
    starts = []
    pos = 0
    block = doc.begin()
    while block.isValid():
        got = block.text()
        assert text.startswith(got, pos), (block.blockNumber(), pos)
        starts.append(pos)
        pos += len(got)
        block = block.next()
        if block.isValid() and pos < len(text) and text[pos] in "\n ":
            pos += 1  # a line break of the text or a space the view cut at
    assert pos == len(text)
    return starts


def painted_at(doc: QTextDocument, starts: list[int], colour: str) -> set[int]:
    """Code points the highlighter painted with background ``colour`` (``starts``: from
    :func:`walk`)."""
    out: set[int] = set()
    block = doc.begin()
    while block.isValid():
        u16_to_cp = []
        for k, ch in enumerate(block.text()):
            u16_to_cp += [k] * (2 if ord(ch) > 0xFFFF else 1)
        for r in block.layout().formats():
            if r.format.background().color() == QColor(colour):
                for u in range(r.start, r.start + r.length):
                    out.add(starts[block.blockNumber()] + u16_to_cp[u])
        block = block.next()
    return out
