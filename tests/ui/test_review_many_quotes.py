"""The review window on an article with many quotes: a decision repaints the rows it
changed, nothing is filled or matched again, and the narrow columns are never sized to
their contents (tester19 N4: Qt measured the whole column again at every cell set, a pick
key took 17 s at 1,000 quotes per annotator; then the table was filled again and every
version matched again at each key, 0.2-0.3 s)."""

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


def test_a_pick_on_an_article_of_many_quotes_changes_one_row(qtbot: Any, tmp_path: Path) -> None:
    path = _project(tmp_path / "p.db", 300)  # 600 versions: read on a pool thread
    w = ReviewWindow(path, "rita")
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.waitUntil(lambda: w.table.rowCount() == 300, timeout=60000)
    assert "300 quotes: 150 agreed, 150 differ" in w.header.text()
    hh = w.table.horizontalHeader()
    for col in (0, 3):
        assert hh.sectionResizeMode(col) != QHeaderView.ResizeMode.ResizeToContents
    model = w.table.items_model
    resets: list[int] = []
    changed: list[tuple[int, int]] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.dataChanged.connect(lambda a, b, _roles=(): changed.append((a.row(), b.row())))
    reads: list[int] = []
    real = w.session.read
    w.session.read = lambda *a, **k: (reads.append(1), real(*a, **k))[1]  # type: ignore[method-assign]
    w.table.setFocus()
    w.table.setCurrentCell(2, 1)  # a quote the two versions differ on
    assert w.table.cell_text(2, 3) == "—"
    qtbot.keyClick(w.table, Qt.Key.Key_1)
    assert len(_gold(path)) == 1
    assert not resets and not reads  # no new fill, no new matching of the versions
    assert changed == [(2, 2)]
    assert w.table.cell_text(2, 0) == "✓" and w.table.cell_text(2, 3) == "picked"
    assert w.current_row() == 3  # on to the next undecided quote (agreed, not yet gold)
    qtbot.keyClick(w.table, Qt.Key.Key_X)
    assert changed == [(2, 2), (3, 3)] and w.table.cell_text(3, 3) == "left out"
    qtbot.keyClick(w.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert changed[-1] == (3, 3) and w.table.cell_text(3, 3) == "agreed, not yet gold"
    assert not resets and not reads
    assert "1/300 gold" in w.article_model.index(0, 0).data()
    # the narrow columns show their widest text whole
    fm = w.table.fontMetrics()
    for col in (0, 3):
        widest = max(fm.horizontalAdvance(w.table.cell_text(r, col)) for r in range(300))
        assert w.table.columnWidth(col) >= widest


def test_counts_have_thousands_separators(qtbot: Any, tmp_path: Path) -> None:
    """tester19 N4: "5,000 quotes: 1162 agreed, 3838 differ" lacked two separators."""
    from annotator.core.model import AnnotationRecord
    from annotator.services.adjudication import ArticleRows, ReviewItem, ReviewLabel
    from annotator.ui.review_articles import label_text

    path = _project(tmp_path / "p.db", 3)
    w = ReviewWindow(path, "rita")
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.table.rowCount() == 3)
    rec = AnnotationRecord(1, 1, None, Quote(((0, 5),), status="accepted"))
    names = ("alice", "bob")
    same = ReviewItem(names, (rec, rec), ())
    differ = ReviewItem(names, (rec, None), ("only in alice's",))
    w._rows = ArticleRows(w._article_id or 0, [same] * 1162 + [differ] * 3838)
    w._rows.index()
    w._say_counts()
    assert "5,000 quotes: 1,162 agreed, 3,838 differ" in w.header.text()
    label = label_text(ReviewLabel(1, "Long", 3838, 1162, 5000, "in_progress"))
    assert label.endswith("3,838 differ · 1,162/5,000 gold")
