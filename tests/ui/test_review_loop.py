"""Issue 10 in review mode: X on an undecided row, why an annotator lacks a quote, and the
"every quote has a decision" message that must not outlive its article."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.model import Article, Quote
from annotator.services.export import ExportOptions, export_project
from annotator.store.project import Project
from annotator.store.review import ReviewStore
from annotator.ui.review_window import ReviewWindow

# an emoji and a non-breaking space ahead of the quotes, CRLF normalised by the import path
TEXT = (
    "Pool 🏊 news\n"
    "“We will reopen the pool,” said Mayor\u00a0Dana Wu. "
    "“Nobody asked us,” a resident said. "
    "“It is too late,” the council said."
)
SECOND = "“Rates stay put,” the central bank said."


def _q(text: str, frag: str, who: str, status: str = "accepted") -> Quote:
    a = text.index(frag)
    return Quote(
        content_spans=((a, a + len(frag)),),
        annotator=who,
        status=status,
        origin="manual",
        kind="direct",
    )


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "review.db"
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Pool", TEXT))
        bid, _ = p.add_article(Article("Rates", SECOND))
        for who in ("alice", "bob"):
            p.add_annotation(aid, who, _q(TEXT, "“We will reopen the pool,”", who))
        p.add_annotation(aid, "alice", _q(TEXT, "“Nobody asked us,”", "alice"))
        # bob rejected this one; carol never opened article 1
        p.add_annotation(aid, "bob", _q(TEXT, "“Nobody asked us,”", "bob", "rejected"))
        p.add_annotation(aid, "alice", _q(TEXT, "“It is too late,”", "alice"))
        p.add_annotation(bid, "alice", _q(SECOND, "“Rates stay put,”", "alice"))
        p.add_annotation(bid, "carol", _q(SECOND, "“Rates stay put,”", "carol"))
    return path


def _window(qtbot: Any, path: Path, names: list[str]) -> ReviewWindow:
    w = ReviewWindow(path, "rita")
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.set_annotators(names)
    # the articles are read on a pool thread
    qtbot.waitUntil(lambda: w.session.annotators == tuple(names) and w.table.rowCount() > 0)
    return w


def _row_of(w: ReviewWindow, frag: str) -> int:
    for r in range(w.table.rowCount()):
        if frag in w.table.cell_text(r, 1):
            return r
    raise AssertionError(frag)


def _detail(w: ReviewWindow) -> str:
    return " ".join(w.detail.toPlainText().split())


def _left_out(path: Path) -> set[int]:
    with Project.open(path, create=False, readonly=True) as p:
        return ReviewStore(p).left_out(p.article_ids()[0], "rita")


def test_x_leaves_an_undecided_row_out_and_undo_takes_it_back(qtbot: Any, path: Path) -> None:
    w = _window(qtbot, path, ["alice", "bob"])
    row = _row_of(w, "Nobody asked us")
    w.table.setCurrentCell(row, 1)
    assert not w.current_item().decided  # type: ignore[union-attr]
    qtbot.keyClick(w.table, Qt.Key.Key_X)
    left = _left_out(path)
    assert len(left) == 1
    with Project.open(path, create=False, readonly=True) as p:
        (rec,) = [r for r in p.annotations(p.article_ids()[0], "alice") if r.id in left]
        assert TEXT[rec.quote.start : rec.quote.end] == "“Nobody asked us,”"
    assert w.table.cell_text(row, 3) == "left out"
    assert w._items[row].decided
    qtbot.keyClick(w.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _left_out(path) == set()
    assert w.table.cell_text(row, 3) == "—"


def test_x_on_a_gold_row_removes_the_gold_and_picking_takes_it_back(
    qtbot: Any, path: Path, tmp_path: Path
) -> None:
    w = _window(qtbot, path, ["alice", "bob"])
    row = _row_of(w, "It is too late")
    w.table.setCurrentCell(row, 1)
    qtbot.keyClick(w.table, Qt.Key.Key_1)
    w.table.setCurrentCell(row, 1)
    qtbot.keyClick(w.table, Qt.Key.Key_X)
    with Project.open(path, create=False, readonly=True) as p:
        gold = ReviewStore(p).gold(p.article_ids()[0], "rita")
    assert [TEXT[g.quote.start : g.quote.end] for g in gold] == []
    assert len(_left_out(path)) == 1
    # the gold export no longer has it
    out = tmp_path / "gold.jsonl"
    w.table.setCurrentCell(_row_of(w, "We will reopen"), 1)
    qtbot.keyClick(w.table, Qt.Key.Key_A)
    with Project.open(path, create=False, readonly=True) as p:
        export_project(p, ExportOptions("jsonl", out, gold=True))
    spans = [q["content_spans"] for q in json.loads(out.read_text().splitlines()[0])["quotes"]]
    a = TEXT.index("“We will reopen the pool,”")
    assert spans == [[[a, a + len("“We will reopen the pool,”")]]]
    # picking a version of a left-out row gives it a gold version again
    w.table.setCurrentCell(row, 1)
    qtbot.keyClick(w.table, Qt.Key.Key_1)
    assert _left_out(path) == set()


def test_missing_version_says_rejected_or_never_opened(qtbot: Any, path: Path) -> None:
    w = _window(qtbot, path, ["alice", "bob"])
    w.table.setCurrentCell(_row_of(w, "Nobody asked us"), 1)
    assert "bob rejected this quote" in _detail(w)
    qtbot.keyClick(w.table, Qt.Key.Key_2)
    assert w.statusBar().currentMessage() == "bob rejected this quote"
    w.table.setCurrentCell(_row_of(w, "It is too late"), 1)
    assert "bob opened the article but did not mark this quote" in _detail(w)
    w.set_annotators(["alice", "carol"])
    qtbot.waitUntil(lambda: w.session.annotators == ("alice", "carol"))  # read on a pool thread
    w.table.setCurrentCell(_row_of(w, "Nobody asked us"), 1)
    assert "carol never opened this article" in _detail(w)
    qtbot.keyClick(w.table, Qt.Key.Key_2)
    assert w.statusBar().currentMessage() == "carol never opened this article"


def test_every_quote_decided_message_does_not_outlive_its_article(qtbot: Any, path: Path) -> None:
    w = _window(qtbot, path, ["alice", "carol"])
    # article 2 (Rates): one agreed quote; make it gold, then ask for the next undecided
    w.article_list.setCurrentRow(1)
    qtbot.keyClick(w.table, Qt.Key.Key_A)
    qtbot.keyClick(w.table, Qt.Key.Key_Space)
    assert w.statusBar().currentMessage() == "Every quote of this article has a decision"
    qtbot.keyClick(w.table, Qt.Key.Key_P)  # article 1 has undecided quotes
    assert w.article_list.currentRow() == 0
    assert w.statusBar().currentMessage() == ""
    qtbot.keyClick(w.table, Qt.Key.Key_N)
    qtbot.keyClick(w.table, Qt.Key.Key_Space)
    assert w.statusBar().currentMessage() != ""
    qtbot.keyClick(w.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undecided again
    assert w.statusBar().currentMessage() == ""
