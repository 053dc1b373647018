"""Review mode driven by keys, as a reviewer would: the gold version lands in the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.model import Article, Quote
from annotator.store.project import Project
from annotator.store.review import ReviewStore
from annotator.ui.review_window import ReviewWindow

TEXT = (
    "“We will reopen the pool,” said Mayor Dana Wu on Friday. "
    "She added that repairs would cost less than feared. "
    "“Nobody asked us,” a resident said."
)
SECOND = "“Rates stay put,” the central bank said. Analysts agreed with the decision."


def _q(text: str, frag: str, who: str, extra: int = 0, **kw: object) -> Quote:
    a = text.index(frag)
    base: dict[str, object] = dict(status="accepted", origin="manual", kind="direct")
    base.update(kw)
    return Quote(content_spans=((a, a + len(frag) + extra),), annotator=who, **base)  # type: ignore[arg-type]


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "review.db"
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Pool", TEXT))
        for who in ("alice", "bob"):
            p.add_annotation(
                aid,
                who,
                _q(
                    TEXT,
                    "“We will reopen the pool,”",
                    who,
                    speaker_name="Dana Wu",
                    stance="support",
                ),
            )
        p.add_annotation(
            aid,
            "alice",
            _q(TEXT, "that repairs would cost less", "alice", kind="indirect", stance="support"),
        )
        p.add_annotation(
            aid,
            "bob",
            _q(
                TEXT,
                "that repairs would cost less",
                "bob",
                extra=12,
                kind="indirect",
                stance="neutral",
            ),
        )
        p.add_annotation(aid, "bob", _q(TEXT, "“Nobody asked us,”", "bob", stance="oppose"))
        bid, _ = p.add_article(Article("Rates", SECOND))
        for who in ("alice", "bob"):
            p.add_annotation(bid, who, _q(SECOND, "“Rates stay put,”", who, stance="neutral"))
    return path


def _gold(path: Path) -> list[tuple[int, str, str | None, str]]:
    with Project.open(path, create=False, readonly=True) as p:
        store = ReviewStore(p)
        return [
            (
                g.article_id,
                g.decision,
                g.quote.stance,
                p.article(g.article_id).text[g.quote.start : g.quote.end],
            )
            for aid in p.article_ids()
            for g in store.gold(aid, "rita")
        ]


def test_review_an_article_with_keys(qtbot, project_path: Path) -> None:  # type: ignore[no-untyped-def]
    w = ReviewWindow(project_path, "rita")
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    # window shortcuts fire only in the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.waitUntil(lambda: w.session.annotators == ("alice", "bob"))  # read on a pool thread
    qtbot.waitUntil(lambda: w.table.rowCount() == 3)
    assert w.table.rowCount() == 3
    differences = [w.table.cell_text(r, 2) for r in range(3)]
    assert differences[0] == "agreed"
    assert "boundary differs by 2 words" in differences[1]
    assert "stance support vs neutral" in differences[1]
    assert differences[2] == "only in bob's"

    qtbot.keyClick(w.table, Qt.Key.Key_A)  # accept the agreement
    assert _gold(project_path)[0][1] == "agreed"
    qtbot.keyClick(w.table, Qt.Key.Key_J)  # to the boundary/stance difference
    assert w.current_row() == 1
    qtbot.keyClick(w.table, Qt.Key.Key_2)  # take bob's version
    qtbot.keyClick(w.table, Qt.Key.Key_J)
    assert w.current_row() == 2
    qtbot.keyClick(w.table, Qt.Key.Key_1)  # alice has none: nothing happens
    assert len(_gold(project_path)) == 2
    qtbot.keyClick(w.table, Qt.Key.Key_2)  # bob's lone quote is a quote
    gold = _gold(project_path)
    assert [(d, s) for _, d, s, _ in gold] == [
        ("agreed", "support"),
        ("picked", "neutral"),
        ("picked", "oppose"),
    ]
    assert gold[1][3] == "that repairs would cost less than feared"

    # undo the last pick, then redo it
    qtbot.keyClick(w.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(_gold(project_path)) == 2
    qtbot.keyClick(
        w.table,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert len(_gold(project_path)) == 3
    # leave bob's lone quote out after all (X), finish the article (D): on to the next one
    qtbot.keyClick(w.table, Qt.Key.Key_X)
    assert len(_gold(project_path)) == 2
    qtbot.keyClick(w.table, Qt.Key.Key_D)
    with Project.open(project_path, create=False, readonly=True) as p:
        [review] = [r for r in ReviewStore(p).reviews("rita") if r.article_id == 1]
        assert review.status == "done" and review.annotators == ("alice", "bob")
    assert w.article_list.currentRow() == 1
    assert w.table.rowCount() == 1
    qtbot.keyClick(w.table, Qt.Key.Key_A)
    assert [(a, d) for a, d, _, _ in _gold(project_path)] == [
        (1, "agreed"),
        (1, "picked"),
        (2, "agreed"),
    ]
    # undo walks back across articles too
    qtbot.keyClick(w.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [a for a, _, _, _ in _gold(project_path)] == [1, 1]
    w.close()


def test_choosing_annotators(qtbot, project_path: Path) -> None:  # type: ignore[no-untyped-def]
    w = ReviewWindow(project_path, "rita")
    qtbot.addWidget(w)
    w.set_annotators(["bob"])
    qtbot.waitUntil(lambda: w.session.annotators == ("bob",))
    assert w.table.rowCount() == 3  # bob's quotes on the first article, nothing to compare
    assert "Tick a second annotator" in w.header.text()
    assert not any(it.agreed for it in w._items)
    item = w.annotator_list.item(0)
    assert w.annotator_list.names()[0] == "alice"
    assert item.text().startswith("alice (") and item.toolTip().endswith("accepted quotes")
    item.setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: w.session.annotators == ("alice", "bob"))
    assert w.table.rowCount() == 3
    # every command is in a menu with its keys (Help > Keyboard shortcuts lists them)
    lines = w.shortcut_lines()
    for keys in ("A\t", "1\t", "E\t", "X, Del\t", "D\t", "J\t", "N, Ctrl+Down\t"):
        assert any(line.startswith(keys) for line in lines), keys
    w.close()


def test_edit_the_gold_version_from_a_text_selection(qtbot, project_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QTextCursor

    w = ReviewWindow(project_path, "rita")
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.waitUntil(lambda: w.table.rowCount() == 3)  # the articles are read on a pool thread
    qtbot.keyClick(w.table, Qt.Key.Key_J)
    start = TEXT.index("repairs")
    end = TEXT.index(" than feared")
    cur = w.text_view.textCursor()
    cur.setPosition(start)
    cur.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    w.text_view.setTextCursor(cur)
    seen: list[str] = []

    def fill() -> None:
        dlg = w._edit_dialog
        assert dlg is not None
        seen.append(dlg.content.currentText())
        dlg.stance.setCurrentIndex(dlg.stance.findData("oppose"))
        dlg.speaker_name.setText("Dana Wu")
        dlg.accept()

    QTimer.singleShot(0, fill)
    qtbot.keyClick(w.table, Qt.Key.Key_E)
    assert seen and seen[0].startswith("the text selection: repairs would cost less")
    [(_, decision, stance, quoted)] = _gold(project_path)
    assert (decision, stance, quoted) == ("edited", "oppose", "repairs would cost less")
    with Project.open(project_path, create=False, readonly=True) as p:
        [g] = ReviewStore(p).gold(1)
        assert g.quote.speaker_name == "Dana Wu" and g.state.source_annotation_id is not None
    assert "edited" in w.table.cell_text(1, 3)
    w.close()
