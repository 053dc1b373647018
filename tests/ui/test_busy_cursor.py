"""The wait cursor shows while the Summary window counts and draws (issue 16), and the
cursor comes back afterwards, also when the counting fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

import annotator.ui.summary_window as summary_window
from annotator.core.model import Article, Quote
from annotator.store.project import Project
from annotator.ui.busy import busy_cursor
from annotator.ui.main_window import MainWindow
from annotator.ui.summary_window import GOLD, SummaryWindow

TEXT = "The harbour will reopen in May, the port authority said. Fishers said it was late."


@pytest.fixture
def two_annotators(tmp_path: Path) -> Path:
    """A project where alice and bob each accepted the two quotes."""
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Harbour", TEXT))
        for who in ("alice", "bob"):
            for piece, speaker in (
                ("The harbour will reopen in May", "port authority"),
                ("it was late", "Fishers"),
            ):
                start = TEXT.index(piece)
                quote = Quote(
                    content_spans=((start, start + len(piece)),),
                    speaker_name=speaker,
                    annotator=who,
                    status="accepted",
                    origin="manual",
                    kind="indirect",
                )
                p.add_annotation(aid, who, quote)
    return path


WAIT = Qt.CursorShape.WaitCursor


def _shape() -> Qt.CursorShape | None:
    cursor = QGuiApplication.overrideCursor()
    return None if cursor is None else cursor.shape()


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Qt.CursorShape | None]]:
    """(what ran, the application's override cursor while it ran) for the counting and
    every chart of the Summary window."""
    got: list[tuple[str, Qt.CursorShape | None]] = []
    count, draw = summary_window.build_report, summary_window.chart_png

    def counting(*a: Any, **k: Any) -> Any:
        got.append(("count", _shape()))
        return count(*a, **k)

    def drawing(*a: Any, **k: Any) -> Any:
        got.append(("chart", _shape()))
        return draw(*a, **k)

    monkeypatch.setattr(summary_window, "build_report", counting)
    monkeypatch.setattr(summary_window, "chart_png", drawing)
    return got


def _window(qtbot: Any, path: Path) -> MainWindow:
    w = MainWindow(path, annotator="alice", load_model=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _summary(w: MainWindow) -> SummaryWindow:
    (win,) = [x for x in w._windows if isinstance(x, SummaryWindow)]
    return win


def test_the_summary_counts_under_the_wait_cursor(
    qtbot: Any,
    two_annotators: Path,
    seen: list[Any],
) -> None:
    w = _window(qtbot, two_annotators)
    assert _shape() is None
    w.act_summary.trigger()
    win = _summary(w)
    qtbot.addWidget(win)
    assert win.report is not None and win.report.total == 2  # it did count
    assert ("count", WAIT) in seen and ("chart", WAIT) in seen
    assert {shape for _, shape in seen} == {WAIT}
    assert _shape() is None  # and the cursor is back


def test_switching_the_count_shows_the_wait_cursor_again(
    qtbot: Any,
    two_annotators: Path,
    seen: list[Any],
) -> None:
    w = _window(qtbot, two_annotators)
    w.act_summary.trigger()
    win = _summary(w)
    qtbot.addWidget(win)
    seen.clear()
    win.source_box.setCurrentText("bob")
    assert win.report is not None and win.report.source.annotator == "bob"
    assert seen and {shape for _, shape in seen} == {WAIT}
    assert _shape() is None
    seen.clear()
    win.source_box.setCurrentText(GOLD)
    assert seen[0] == ("count", WAIT) and _shape() is None


def test_the_cursor_comes_back_when_counting_fails(
    qtbot: Any,
    two_annotators: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_a: Any, **_k: Any) -> Any:
        assert _shape() == WAIT
        raise OSError("disk I/O error")

    monkeypatch.setattr(summary_window, "build_report", broken)
    w = _window(qtbot, two_annotators)
    w.act_summary.trigger()
    assert not [x for x in w._windows if isinstance(x, SummaryWindow)]
    assert "disk I/O error" in w.statusBar().currentMessage()
    assert _shape() is None


def test_busy_cursor_nests_and_restores(qtbot: Any) -> None:
    with busy_cursor():
        assert _shape() == WAIT
        with pytest.raises(ValueError), busy_cursor():
            assert _shape() == WAIT
            raise ValueError("inner")
        assert _shape() == WAIT
    assert _shape() is None
