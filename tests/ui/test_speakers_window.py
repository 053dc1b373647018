"""The Speakers and Summary windows, driven by keys and clicks; asserting on the project."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.model import Article, Quote
from annotator.services.agreement import compute_agreement
from annotator.store.project import Project
from annotator.ui.main_window import MainWindow
from annotator.ui.speakers_window import SpeakersWindow
from annotator.ui.summary_window import SummaryWindow
from tests.ui.conftest import shown_window

TEXT = (
    "Councillor Marcus Obi spoke first. “The bridge is safe,” Obi said. "
    "“Tolls must go,” said Marcus Obi. Judge Helen Brandt disagreed."
)


def _q(piece: str, who: str, name: str, mention: str) -> Quote:
    start = TEXT.index(piece)
    return Quote(
        content_spans=((start, start + len(piece)),),
        speaker_text=mention,
        speaker_name=name,
        annotator=who,
        status="accepted",
        origin="manual",
        kind="direct",
    )


@pytest.fixture
def two_annotators(tmp_path: Path) -> Path:
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Bridge", TEXT))
        p.add_annotation(aid, "alice", _q("The bridge is safe", "alice", "Obi", "Obi"))
        p.add_annotation(aid, "alice", _q("Tolls must go", "alice", "Marcus Obi", "Marcus Obi"))
        p.add_annotation(aid, "bob", _q("The bridge is safe", "bob", "Marcus Obi", "Obi"))
        p.add_annotation(aid, "bob", _q("Tolls must go", "bob", "Marcus Obi", "Marcus Obi"))
    return path


def _canonical(path: Path) -> float | None:
    with Project.open(path, readonly=True) as p:
        return compute_agreement(p, ["alice", "bob"]).pairs[0].speaker_agreement_canonical


def _open_window(qtbot: Any, path: Path, cls: type) -> tuple[MainWindow, Any]:
    w = shown_window(qtbot, path)
    act = w.act_speakers if cls is SpeakersWindow else w.act_summary
    act.trigger()
    win = next(x for x in w._windows if isinstance(x, cls))
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    return w, win


def test_merge_in_the_panel_then_undo_moves_the_agreement_and_back(
    qtbot: Any, two_annotators: Path
) -> None:
    assert _canonical(two_annotators) == pytest.approx(0.5)
    w, win = _open_window(qtbot, two_annotators, SpeakersWindow)
    qtbot.waitUntil(lambda: not win.loading(), timeout=60000)  # read on a pool thread
    names = [st.speaker.name for st in win.model.rows]
    assert set(names) == {"Marcus Obi", "Obi"}
    win.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.table)
    win.table.selectAll()
    qtbot.keyClick(win.table, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not win.loading(), timeout=60000)
    assert [st.speaker.name for st in win.model.rows] == ["Marcus Obi"]
    assert win.model.rows[0].quotes == 4
    assert _canonical(two_annotators) == pytest.approx(1.0)
    with Project.open(two_annotators, readonly=True) as p:
        sp = p.find_speaker("Marcus Obi")
        assert sp is not None and sp.aliases == ("Obi",)
    qtbot.keyClick(win.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not win.loading(), timeout=60000)
    assert {st.speaker.name for st in win.model.rows} == {"Marcus Obi", "Obi"}
    assert _canonical(two_annotators) == pytest.approx(0.5)
    # the same undo stack as the annotation window: redo there merges again
    w.undo_stack.redo()
    assert _canonical(two_annotators) == pytest.approx(1.0)


def test_a_suggestion_is_accepted_with_enter(qtbot: Any, two_annotators: Path) -> None:
    _w, win = _open_window(qtbot, two_annotators, SpeakersWindow)
    qtbot.waitUntil(lambda: win.suggestions.count() == 1, timeout=60000)
    assert "Obi" in win.suggestions.item(0).text()
    win.suggestions.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.suggestions)
    qtbot.keyClick(win.suggestions, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.suggestions.count() == 0)
    with Project.open(two_annotators, readonly=True) as p:
        assert [s.name for s in p.speakers()] == ["Marcus Obi"]


def test_summary_counts_the_chosen_annotator(qtbot: Any, two_annotators: Path) -> None:
    _w, win = _open_window(qtbot, two_annotators, SummaryWindow)
    qtbot.waitUntil(lambda: win.source_box.currentText() == "alice (2)", timeout=60000)
    qtbot.waitUntil(
        lambda: win.report is not None and not win.counting(), timeout=60000
    )  # counted on a pool thread
    assert win.report is not None and win.report.total == 2
    assert win.tabs.count() == 7
    table = win.tabs.widget(0).widget(1)
    got = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert got == {"Obi": "1", "Marcus Obi": "1"}
    chart = win.tabs.widget(0).widget(0).widget()
    assert not chart.pixmap().isNull()


def test_speakers_are_read_off_the_gui_thread_with_loading_shown(
    qtbot: Any, two_annotators: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16: the registry's counts read every quote (1.3 s frozen at 100,000
    articles); the window now opens at once, says it is loading, and never says "No
    speakers yet" before it knows."""
    import threading

    import annotator.services.speakers as speakers

    gate = threading.Event()
    real = speakers.speaker_stats

    def held(project: Any) -> Any:
        gate.wait(10)
        return real(project)

    monkeypatch.setattr(speakers, "speaker_stats", held)
    _w, win = _open_window(qtbot, two_annotators, SpeakersWindow)
    assert win.loading() and win.status.text() == "Loading speakers…"
    assert win.model.rowCount() == 0 and win.empty_hint.isHidden()
    gate.set()
    qtbot.waitUntil(lambda: not win.loading(), timeout=60000)
    assert win.status.text() == "2 speakers, most quoted first"
    assert [win.model.index(r, 0).data() for r in range(2)] == ["Marcus Obi", "Obi"]
    assert [win.model.index(r, 5).data() for r in range(2)] == [3, 1]
    assert win.empty_hint.isHidden() and win.suggestions.count() == 1


def test_an_empty_registry_says_so_once_read(qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    with Project.open(path) as p:
        p.add_article(Article("Bridge", TEXT))
    _w, win = _open_window(qtbot, path, SpeakersWindow)
    qtbot.waitUntil(lambda: not win.loading(), timeout=60000)
    assert win.empty_hint.isVisible() and win.status.text() == "0 speakers, most quoted first"


def _summary_as(qtbot: Any, path: Path, me: str) -> Any:
    w = MainWindow(path, annotator=me, load_model=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.act_summary.trigger()
    win = next(x for x in w._windows if isinstance(x, SummaryWindow))
    qtbot.waitUntil(lambda: win.report is not None and not win.counting(), timeout=60000)
    return win


def test_summary_never_defaults_to_someone_without_quotes(qtbot: Any, two_annotators: Path) -> None:
    """Issue 16: a reviewer with no quote opened the summary on their own empty count."""
    with Project.open(two_annotators) as p:
        aid = p.article_ids()[0]
        p.add_annotation(aid, "bob", _q("Judge Helen Brandt", "bob", "Helen Brandt", "Judge"))
    win = _summary_as(qtbot, two_annotators, "rita")  # rita annotated nothing
    box = win.source_box
    assert box.currentText() == "bob (3)" and win.report.source.annotator == "bob"
    assert [box.itemText(i) for i in range(box.count())] == [
        "alice (2)",
        "bob (3)",
        "rita (0)",
        "Gold (reviewed versions)",
    ]
    assert win.total.text() == "3 quotes: accepted quotes of bob"


def test_summary_defaults_to_me_when_i_have_quotes(qtbot: Any, two_annotators: Path) -> None:
    with Project.open(two_annotators) as p:
        aid = p.article_ids()[0]
        p.add_annotation(aid, "bob", _q("Judge Helen Brandt", "bob", "Helen Brandt", "Judge"))
    win = _summary_as(qtbot, two_annotators, "alice")  # fewer than bob, but mine
    assert win.source_box.currentText() == "alice (2)" and win.report.source.annotator == "alice"


def test_summary_counts_gold_when_nobody_has_quotes(qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "none.db"
    with Project.open(path) as p:
        aid, _ = p.add_article(Article("Bridge", TEXT))
        rejected = _q("The bridge is safe", "alice", "Obi", "Obi").with_(status="rejected")
        p.add_annotation(aid, "alice", rejected)
    win = _summary_as(qtbot, path, "alice")
    assert win.source_box.currentText() == "Gold (reviewed versions)"
    assert win.report.source.gold and win.source_box.itemText(0) == "alice (0)"
