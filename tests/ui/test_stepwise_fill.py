"""StepwiseFill alone (issue 16): a long text goes into a bare QTextDocument by steps, with
or without block formats; what waits for a position runs once the fill reaches it; a stop
or a new text ends the steps of the one before; blocks marked for repainting are repainted
(those on screen at once, the rest by steps) without the fill going back.

Step sizes are made small so texts of tens of thousands of characters take many steps.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QSyntaxHighlighter, QTextBlockFormat, QTextDocument
from PySide6.QtWidgets import QApplication

from annotator.core.text import ViewText
from annotator.ui.stepwise_fill import StepwiseFill, not_on_screen_line
from tests.ui.doc_walk import repeat, small_fill_steps, walk

TEXTS = {
    "flat sentences": repeat("Lorem ipsum dolor sit amet. ", 40_000),
    "no space": repeat("Loremipsumdolorsitamet.", 40_000),
    "short lines": repeat("A short line.\nAnother one, a bit longer.\n", 40_000),
    "emoji, no space": repeat("ab🙂cd👍🏽éf東京", 40_000),
}


@pytest.fixture(autouse=True)
def small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    small_fill_steps(monkeypatch, 4_000, 8_000, 2_000, 3_000)


def _formats() -> tuple[QTextBlockFormat, QTextBlockFormat]:
    para, cut = QTextBlockFormat(), QTextBlockFormat()
    para.setBottomMargin(6.0)
    cut.setBottomMargin(0.0)
    return para, cut


class Counting(QSyntaxHighlighter):
    """Counts how often each block was painted."""

    def __init__(self, doc: QTextDocument) -> None:
        super().__init__(doc)
        self.painted: dict[int, int] = {}

    def highlightBlock(self, text: str) -> None:  # noqa: N802  (Qt override)
        n = self.currentBlock().blockNumber()
        self.painted[n] = self.painted.get(n, 0) + 1


@pytest.mark.parametrize("formats", [True, False], ids=["block formats", "plain"])
@pytest.mark.parametrize("name", list(TEXTS))
def test_the_document_gets_the_whole_text_by_steps(qtbot: Any, name: str, formats: bool) -> None:
    text = TEXTS[name]
    shown = ViewText(text)
    doc = QTextDocument()
    fill = StepwiseFill(None, _formats if formats else None)
    steps: list[tuple[int, int]] = []
    fill.filling.connect(lambda done, total: steps.append((done, total)))
    first = fill.first_blocks(shown)
    assert 1 <= first < shown.block_count
    with qtbot.waitSignal(fill.filled, timeout=60000):
        fill.start(doc, shown, first)
        fill.go()
        assert fill.blocks == first and not fill.is_filled()
        assert doc.blockCount() == first
    assert fill.is_filled() and fill.filled_part() == (len(text), len(text))
    assert len(steps) >= 3 and [d for d, _ in steps] == sorted(d for d, _ in steps)
    walk(doc, text)
    assert doc.blockCount() == shown.block_count
    assert doc.toPlainText() == shown.display.replace("\u2029", "\n")
    if formats:  # a block the view cut has no gap below it; a paragraph has one
        soft = set(shown.soft_breaks)
        block = doc.begin()
        for b in range(shown.block_count - 1):
            cut = shown.block_starts[b + 1] - 1 in soft
            assert block.blockFormat().bottomMargin() == (0.0 if cut else 6.0), b
            block = block.next()


def test_the_first_step_reaches_a_wanted_position_when_near_enough(qtbot: Any) -> None:
    shown = ViewText(TEXTS["flat sentences"])
    plain = StepwiseFill.first_blocks(shown)
    near = shown.block_starts16[plain] + 5  # in the block after the first part
    got = StepwiseFill.first_blocks(shown, near)
    assert shown.block_starts16[got - 1] > near  # its block and the one after are in
    far = shown.block_starts16[-3]
    assert StepwiseFill.first_blocks(shown, far) == plain


def test_what_waits_runs_once_the_fill_reaches_it(qtbot: Any) -> None:
    text = TEXTS["no space"]
    shown = ViewText(text)
    doc = QTextDocument()
    fill = StepwiseFill()
    ran: list[int] = []
    fill.start(doc, shown, fill.first_blocks(shown))
    far = shown.to_view(len(text) - 100)
    fill.after(10, lambda: ran.append(10))  # in already: at once
    assert ran == [10]
    fill.after(far, lambda: ran.append(-1))  # replaced by the next wish
    fill.after(far, lambda: ran.append(far))
    assert fill.waits() and not fill.shows16(far)
    fill.go()
    qtbot.waitUntil(fill.is_filled, timeout=60000)
    assert ran == [10, far] and not fill.waits()


def test_a_new_text_or_a_stop_ends_the_steps_before(qtbot: Any) -> None:
    long_text = TEXTS["flat sentences"]
    fill = StepwiseFill(None, _formats)
    steps: list[int] = []
    said: list[bool] = []
    fill.filling.connect(lambda done, _total: steps.append(done))
    fill.filled.connect(lambda: said.append(True))
    doc = QTextDocument()
    shown = ViewText(long_text)
    fill.start(doc, shown, fill.first_blocks(shown))
    fill.go()
    fill.after(shown.to_view(len(long_text)), lambda: said.append(False))
    QApplication.processEvents()
    done = fill.filled_part()[0]
    assert 0 < done < len(long_text)
    # a short text in a new document: all in at once, said at once, the old steps gone
    short = "A short article.\nTwo lines."
    doc2 = QTextDocument()
    fill.start(doc2, ViewText(short), -1)
    steps.clear()
    fill.go()
    assert said == [True] and fill.is_filled()
    for _ in range(20):
        QApplication.processEvents()
    assert steps == [] and said == [True]
    assert doc2.toPlainText() == short
    # a stop mid-fill: nothing more goes in
    doc3 = QTextDocument()
    fill.start(doc3, shown, fill.first_blocks(shown))
    fill.go()
    QApplication.processEvents()
    blocks = doc3.blockCount()
    fill.stop()
    for _ in range(20):
        QApplication.processEvents()
    assert doc3.blockCount() == blocks < shown.block_count
    assert fill.is_filled() and fill.filled_part() == (0, 0)


def test_restyle_repaints_the_blocks_in_and_the_fill_goes_on(qtbot: Any) -> None:
    text = repeat("Lorem ipsum dolor sit amet. ", 150_000)
    shown = ViewText(text)
    doc = QTextDocument()
    hl = Counting(doc)
    fill = StepwiseFill(None, _formats)
    fill.start(doc, shown, fill.first_blocks(shown))
    fill.go()
    while fill.blocks < 12:
        QApplication.processEvents()
    before = fill.blocks
    assert before < shown.block_count - 10
    hl.painted.clear()
    marked = set(range(0, shown.block_count, 2))  # every other block, in and not in yet
    done: list[int] = []
    fill.filling.connect(lambda d, _t: done.append(d))
    fill.restyle(hl, marked, (4, 10))
    # those on screen at once; the others in the document wait for the steps
    assert {b for b in hl.painted if b < before} == {4, 6, 8}
    assert fill.stale() == sorted(b for b in marked if b < before and not 4 <= b < 10)
    assert fill.blocks == before  # the fill did not start again
    qtbot.waitUntil(lambda: fill.is_filled() and not fill.stale(), timeout=60000)
    assert {b for b in marked if b < before} <= set(hl.painted)
    assert done == sorted(done) and done[0] > shown.from_view(shown.view_end(before))
    walk(doc, text)
    assert doc.blockCount() == shown.block_count


def test_the_refusal_line_says_how_far_the_text_is_in() -> None:
    line = not_on_screen_line(250, 1000)
    assert "not on screen yet" in line and "(25%)" in line and line.endswith("work once it shows.")
    assert "1-9, X and E work once" in not_on_screen_line(1, 3, "1-9, X and E")


def test_blocks_on_screen_are_repainted_first(qtbot: Any) -> None:
    text = repeat("Lorem ipsum dolor sit amet. ", 150_000)
    shown = ViewText(text)
    doc = QTextDocument()
    hl = Counting(doc)
    screen = (30, 34)  # the analyst scrolled there
    fill = StepwiseFill(None, _formats, on_screen=lambda: screen)
    with qtbot.waitSignal(fill.filled, timeout=60000):
        fill.start(doc, shown, fill.first_blocks(shown))
        fill.go()
    hl.painted.clear()
    fill.restyle(hl, set(range(shown.block_count)))
    assert hl.painted == {}  # nothing given as on screen now: all by steps
    while not set(range(30, 34)) <= set(hl.painted):  # a step at a time
        assert 0 not in hl.painted
        QApplication.processEvents()
    assert 0 not in hl.painted
    qtbot.waitUntil(lambda: not fill.stale(), timeout=60000)
    assert set(hl.painted) == set(range(shown.block_count))
