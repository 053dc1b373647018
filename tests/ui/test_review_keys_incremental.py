"""Decision keys in the review window update the rows they change (no new matching of the
versions): after each key the table shows what a fresh read of the article shows, and the
gold rows in the project are the decisions made; a long article is read on a pool thread
(keys wait for it); a change made by another program is read again after the next key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.model import Quote
from annotator.services.adjudication import ReviewSession
from annotator.store.project import Project
from annotator.store.review import ReviewStore
from annotator.ui import review_window
from annotator.ui.review_table import row_cells
from annotator.ui.review_window import ReviewWindow
from tests.services.test_review_incremental import TEXT, _project, _span

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _window(qtbot: Any, path: Path, names: list[str]) -> ReviewWindow:
    w = ReviewWindow(path, "rita")
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.set_annotators(names)
    qtbot.waitUntil(
        lambda: (
            w.session.annotators == tuple(names) and w.table.rowCount() > 0 and not w.rows_pending()
        )
    )
    w.table.setFocus()
    return w


def _fresh(path: Path, names: list[str], aid: int) -> list[Any]:
    with Project.open(path, create=False, readonly=True) as p:
        return ReviewSession(p, "rita", names).items(aid)


def _shown(w: ReviewWindow) -> list[tuple[str, ...]]:
    return [tuple(w.table.cell_text(r, c) for c in range(4)) for r in range(w.table.rowCount())]


def _gold(path: Path, aid: int) -> list[tuple[str, int | None, str]]:
    with Project.open(path, create=False, readonly=True) as p:
        return [
            (g.decision, g.state.source_annotation_id, TEXT[g.quote.start : g.quote.end])
            for g in ReviewStore(p).gold(aid, "rita")
        ]


# (key, modifiers, row to stand on first or None)
KEYS = [
    (Qt.Key.Key_1, None, 0),
    (Qt.Key.Key_X, None, 1),
    (Qt.Key.Key_2, None, 1),
    (Qt.Key.Key_A, None, None),
    (Qt.Key.Key_Z, CTRL, None),
    (Qt.Key.Key_Z, CTRL | SHIFT, None),
    (Qt.Key.Key_3, None, 2),
    (Qt.Key.Key_X, None, 2),
    (Qt.Key.Key_Z, CTRL, None),
    (Qt.Key.Key_Z, CTRL, None),
    (Qt.Key.Key_2, None, 3),
    (Qt.Key.Key_Delete, None, 0),
    (Qt.Key.Key_Z, CTRL, None),
]


@pytest.mark.parametrize("shape", ["overlapping", "missing", "speakers", "three"])
def test_every_key_shows_what_a_fresh_read_shows(qtbot: Any, tmp_path: Path, shape: str) -> None:
    path = tmp_path / "p.db"
    aid, names = _project(path, shape)
    w = _window(qtbot, path, names)
    reads: list[int] = []
    real = w.session.read
    w.session.read = lambda *a, **k: (reads.append(1), real(*a, **k))[1]  # type: ignore[method-assign]
    decided = 0
    for key, mods, row in KEYS:
        if row is not None:
            w.table.setCurrentCell(min(row, w.table.rowCount() - 1), 1)
        qtbot.keyClick(w.table, key, mods or Qt.KeyboardModifier.NoModifier)
        fresh = _fresh(path, names, aid)
        assert w._items == fresh, key
        assert _shown(w) == [row_cells(it, TEXT) for it in fresh]
        gold = _gold(path, aid)
        shown_gold = [it.gold for it in w._items if it.gold is not None]
        assert len(gold) == len(shown_gold)
        decided = max(decided, len(gold))
    assert decided > 0
    assert not reads  # every key updated the rows it changed


def test_a_long_article_is_read_on_a_pool_thread(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(review_window, "READ_HERE_MAX", 0)
    path = tmp_path / "p.db"
    aid, names = _project(path, "speakers")
    w = ReviewWindow(path, "rita")
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.waitUntil(lambda: w.rows_pending() or w.table.rowCount() > 0)
    if w.rows_pending():
        assert "Reading and matching 6 versions" in w.header.text()
        qtbot.keyClick(w, Qt.Key.Key_1)  # nothing to decide on yet
        assert _gold(path, aid) == []
    qtbot.waitUntil(lambda: w.table.rowCount() == 3)
    assert "3 quotes: 1 agreed, 2 differ" in w.header.text()
    w.table.setFocus()
    w.table.setCurrentCell(0, 1)
    qtbot.keyClick(w.table, Qt.Key.Key_2)
    assert [d for d, _, _ in _gold(path, aid)] == ["picked"]
    assert w.table.cell_text(0, 3) == "picked"


def test_a_change_made_elsewhere_is_read_after_the_next_key(qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    aid, names = _project(path, "missing")
    w = _window(qtbot, path, names)
    assert w.table.rowCount() == 4
    with Project.open(path, create=False) as other:  # another program: bob marks a quote
        q = Quote(((_span("had found the money")),), kind="indirect", status="accepted")
        other.add_annotation(aid, "bob", q.with_(annotator="bob", origin="manual"))
    w.table.setCurrentCell(0, 1)
    qtbot.keyClick(w.table, Qt.Key.Key_1)
    # the row the key is about did not change: written, and the article read again
    qtbot.waitUntil(lambda: w.table.rowCount() == 5)
    assert w._items == _fresh(path, names, aid)
    assert any("had found the money" in w.table.cell_text(r, 1) for r in range(5))
    assert [d for d, _, _ in _gold(path, aid)] == ["agreed"]


def test_a_commit_elsewhere_about_another_article_keeps_the_rows(
    qtbot: Any, tmp_path: Path
) -> None:
    path = tmp_path / "p.db"
    aid, names = _project(path, "speakers")
    w = _window(qtbot, path, names)
    reads: list[int] = []
    real = w.session.read
    w.session.read = lambda *a, **k: (reads.append(1), real(*a, **k))[1]  # type: ignore[method-assign]
    with Project.open(path, create=False) as other:  # another program: the other article
        bid = [i for i in other.article_ids() if i != aid][0]
        q = Quote(((0, 7),), kind="indirect", status="accepted", origin="manual")
        other.add_annotation(bid, "carol", q.with_(annotator="carol"))
    w.table.setCurrentCell(1, 1)
    qtbot.keyClick(w.table, Qt.Key.Key_2)
    assert not reads  # the article's stamp did not change: its rows were kept
    assert w._items == _fresh(path, names, aid)
    assert w.table.cell_text(1, 3) == "picked"


@pytest.mark.parametrize("shape", ["overlapping", "missing", "speakers", "three"])
def test_accepting_agreements_already_made_gold_elsewhere_adds_no_second_gold(
    qtbot: Any, tmp_path: Path, shape: str
) -> None:
    """The same reviewer in two windows: one accepts the agreements, then the other (its
    rows read before) presses A too. The second reads the rows at the key, so each agreed
    row has one gold quote, not two (review21 R1)."""
    path = tmp_path / "p.db"
    aid, names = _project(path, shape)
    w = _window(qtbot, path, names)
    with Project.open(path, create=False) as other:  # the other window, another connection
        ReviewSession(other, "rita", names).accept_agreements(aid)
    once = _gold(path, aid)
    w.accept_agreements()
    assert _gold(path, aid) == once
    sources = [src for _, src, _ in once]
    assert len(sources) == len(set(sources))
    qtbot.waitUntil(lambda: w._items == _fresh(path, names, aid))


@pytest.mark.parametrize("key", [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_X])
def test_a_decision_on_a_row_decided_in_another_window_adds_no_second_gold(
    qtbot: Any, tmp_path: Path, key: Qt.Key
) -> None:
    """The same reviewer in two windows: one picks row 0, the other (its rows read
    before) presses a decision key on the same row: refused, shown again (review21 R1)."""
    path = tmp_path / "p.db"
    aid, names = _project(path, "speakers")
    w = _window(qtbot, path, names)
    first = w._items[0]
    with Project.open(path, create=False) as other:
        ReviewSession(other, "rita", names).pick(aid, first, names[0])
    once = _gold(path, aid)
    w.table.setCurrentCell(0, 1)
    qtbot.keyClick(w.table, key)
    assert _gold(path, aid) == once
    assert w.statusBar().currentMessage() == review_window.STALE_ROWS
    qtbot.waitUntil(lambda: w._items == _fresh(path, names, aid))


@pytest.mark.parametrize("shape", ["overlapping", "three"])
def test_the_review_rows_model_passes_the_model_tester_through_decisions(
    qtbot: Any, qtmodeltester: Any, tmp_path: Path, shape: str
) -> None:
    """Qt's model tester over the quotes table's model after it is filled and after
    decisions that change rows in place (review21 R15)."""
    path = tmp_path / "p.db"
    aid, names = _project(path, shape)
    w = _window(qtbot, path, names)
    qtmodeltester.check(w.table.items_model)
    for key, row in ((Qt.Key.Key_1, 0), (Qt.Key.Key_X, 1), (Qt.Key.Key_A, None)):
        if row is not None:
            w.table.setCurrentCell(row, 1)
        qtbot.keyClick(w.table, key)
        qtmodeltester.check(w.table.items_model)
    assert w._items == _fresh(path, names, aid)


def test_a_decision_after_an_unrelated_change_elsewhere_is_written(
    qtbot: Any, tmp_path: Path
) -> None:
    """Another window picks row 0; a key on row 1 (unchanged) is written at once, no
    'press again' (review21 R16)."""
    path = tmp_path / "p.db"
    aid, names = _project(path, "speakers")
    w = _window(qtbot, path, names)
    first = w._items[0]
    with Project.open(path, create=False) as other:
        ReviewSession(other, "rita", names).pick(aid, first, names[0])
    w.table.setCurrentCell(1, 1)
    qtbot.keyClick(w.table, Qt.Key.Key_X)
    assert w.statusBar().currentMessage() != review_window.STALE_ROWS
    qtbot.waitUntil(lambda: w._items == _fresh(path, names, aid))
    assert w._items[0].gold is not None and w._items[1].left_out


def test_a_pick_of_a_version_edited_elsewhere_is_not_written(qtbot: Any, tmp_path: Path) -> None:
    """An annotator edits the version the reviewer sees (same annotation id, new spans):
    a pick of the row shown would write content the reviewer never saw (review21 R17)."""
    path = tmp_path / "p.db"
    aid, names = _project(path, "speakers")
    w = _window(qtbot, path, names)
    shown = w._items[0]
    (name, rec), *_ = shown.present
    with Project.open(path, create=False) as other:
        a, b = rec.quote.content_spans[0]
        other.update_annotation(rec.id, rec.quote.with_(content_spans=((a, b - 2),)))
    w.table.setCurrentCell(0, 1)
    qtbot.keyClick(w.table, Qt.Key.Key_1)
    assert _gold(path, aid) == []
    assert w.statusBar().currentMessage() == review_window.STALE_ROWS
    qtbot.waitUntil(lambda: w._items == _fresh(path, names, aid))


def test_ctrl_z_after_the_row_was_decided_elsewhere_is_refused(qtbot: Any, tmp_path: Path) -> None:
    """Window A picks row 0; another window of the same reviewer leaves it out; A's Ctrl+Z
    would delete that later decision: refused with a line, nothing changed (verify21
    V12)."""
    path = tmp_path / "p.db"
    aid, names = _project(path, "speakers")
    w = _window(qtbot, path, names)
    w.table.setCurrentCell(0, 1)
    qtbot.keyClick(w.table, Qt.Key.Key_1)
    picked = w._items[0].version_ids
    with Project.open(path, create=False) as other:
        s = ReviewSession(other, "rita", names)
        (row,) = [it for it in s.items(aid) if it.version_ids == picked]
        s.drop(aid, row)
    before = _gold(path, aid)
    qtbot.keyClick(w.table, Qt.Key.Key_Z, CTRL)
    assert _gold(path, aid) == before
    assert w.statusBar().currentMessage().startswith("Not undone:")
    qtbot.waitUntil(lambda: w._items == _fresh(path, names, aid))
