"""The review window on an article with many quotes: a decision fills the table once, and
its narrow columns are sized once per fill, never kept sized to their contents (tester19
N4: Qt measured the whole column again at every cell set; a pick key took 17 s at 1,000
quotes per annotator, 84 s at 5,000)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QHeaderView

from annotator.core.model import Article, Quote
from annotator.store.project import Project
from annotator.ui.review_window import ReviewWindow
from tests.ui.test_review_window import _gold


def _project(path: Path, n: int) -> Path:
    text = " ".join(f"Speaker {i} said the plan {i} was fine." for i in range(n))
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Many", text))
        pos = 0
        for i in range(n):
            sentence = f"Speaker {i} said the plan {i} was fine."
            start = text.index(f"the plan {i} was", pos)
            end = start + len(f"the plan {i} was fine")
            for who in ("alice", "bob"):
                kind = "indirect" if (who == "alice" or i % 2) else "mixed"  # half differ
                p.add_annotation(
                    aid, who, Quote(((start, end),), kind=kind, status="accepted", origin="manual")
                )
            pos = start + len(sentence) - 12
    return path


def test_a_pick_on_an_article_of_many_quotes_fills_the_table_once(
    qtbot: Any, tmp_path: Path
) -> None:
    path = _project(tmp_path / "p.db", 300)
    w = ReviewWindow(path, "rita")
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.waitUntil(lambda: w.table.rowCount() == 300, timeout=60000)
    hh = w.table.horizontalHeader()
    for col in (0, 3):
        assert hh.sectionResizeMode(col) != QHeaderView.ResizeMode.ResizeToContents
    sets: list[int] = []
    real = w.table.setItem
    w.table.setItem = lambda r, c, item: (sets.append(r), real(r, c, item))[1]  # type: ignore[method-assign]
    w.table.setFocus()
    w.table.setCurrentCell(1, 1)  # a quote the two versions differ on
    qtbot.keyClick(w.table, Qt.Key.Key_1)
    assert len(_gold(path)) == 1
    assert len(sets) == 300 * 4  # one fill of the table, not one per cell changed
    # the narrow columns still show their widest text whole
    fm = w.table.fontMetrics()
    for col in (0, 3):
        widest = max(fm.horizontalAdvance(w.table.item(r, col).text()) for r in range(300))
        assert w.table.columnWidth(col) >= widest
