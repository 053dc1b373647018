"""The last import's report can be seen again (File > Last import report…) after the status
bar moved on and its box was closed; its details pane is tall enough to read; the status
bar's tooltips say the same figures as the bar."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from annotator.services.session import ArticleCounts
from annotator.store.counts import Totals
from annotator.ui.main_window import MainWindow
from annotator.ui.report_box import DETAIL_LINES, details_pane
from tests.ui.conftest import shown_window

GOOD = "Ferry back\n\nThe ferry runs again, the captain said on Friday 🚢.\n"


def _import(qtbot: Any, w: MainWindow, folder: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(w, "ask_import_folder", lambda: str(folder))
    with qtbot.waitSignal(w.import_finished, timeout=60000):
        w.act_import_folder.trigger()
    qtbot.waitUntil(lambda: w.importer.task is None)


def test_the_last_import_report_opens_again_after_the_status_bar_moved_on(
    qtbot: Any, project_path: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ferry.txt").write_text(GOOD, encoding="utf-8")
    for i in range(12):
        (folder / f"empty{i:02}.txt").write_text("", encoding="utf-8")
    w = shown_window(qtbot, project_path)
    assert w.act_import_report.text().replace("&", "") == "Last import report…"
    assert w.act_import_report in w.menuBar().actions()[0].menu().actions()

    _import(qtbot, w, folder, monkeypatch)
    first = w.importer.report_box
    # the twelve empty files failed alike: one line names the first and counts the rest
    assert first is not None and "12 files failed: the file is empty" in first.detailedText()
    assert "empty00.txt" in first.detailedText() and "and 9 more" in first.detailedText()
    # the pane shows many lines, not Qt's 100 pixels
    pane = details_pane(first)
    assert pane is not None
    assert pane.height() >= pane.fontMetrics().lineSpacing() * DETAIL_LINES
    first.done(0)
    w.status.say("Detection finished: 65 articles.")  # what replaced the summary
    w.status.clear_info()

    w.act_import_report.trigger()
    again = w.importer.report_box
    assert again is not None and again is not first
    assert again.text() == w.importer.last_summary
    assert "1 article" in again.text() and "12 failed" in again.text()
    assert again.detailedText() == first.detailedText()


def test_the_report_of_a_clean_import_opens_too_and_before_any_it_says_none(
    qtbot: Any, project_path: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    w = shown_window(qtbot, project_path)
    w.act_import_report.trigger()
    box = w.importer.report_box
    assert box is not None and box.text() == "No import has run in this window yet."
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ferry.txt").write_text(GOOD, encoding="utf-8")
    _import(qtbot, w, folder, monkeypatch)
    w.act_import_report.trigger()
    box = w.importer.report_box
    assert box is not None and box.icon() == QMessageBox.Icon.Information
    assert "ferry.txt" in box.detailedText()


def test_the_detection_bar_tooltip_follows_a_new_total_with_the_same_count(
    qtbot: Any, project_path: Path
) -> None:
    w = shown_window(qtbot, project_path)
    st = w.status
    st.show_detection_running(239394)
    st.show_detection_progress(0, 239394)
    assert st.detect_bar.toolTip() == "Detecting quotes: 0 of 239,394 articles"
    st.show_detection_progress(0, 239694)  # more articles came; none done yet
    assert "0/239,694" in st.detect_bar.text() or "0/239k" in st.detect_bar.text()
    assert st.detect_bar.toolTip() == "Detecting quotes: 0 of 239,694 articles"


def test_the_progress_tooltip_says_the_label_figures(qtbot: Any, project_path: Path) -> None:
    w = shown_window(qtbot, project_path)
    st = w.status
    here = ArticleCounts(done=1, total=3, status="in_progress")
    st.show_progress(Totals(0, 239394, 5, 900), here, "alice")
    st.show_progress(Totals(0, 239694, 6, 901), here, "alice")
    assert "articles done 0/239,694" in st.progress_label.text()
    tip = st.progress_label.toolTip()
    assert "0 of 239,694 articles" in tip and "6 of 901 quotes" in tip
    assert "1 of 3 quotes" in tip and "239,394" not in tip
    st.show_progress(None, None, "alice")
    assert st.progress_label.toolTip() == "The project's progress is being counted."


@pytest.mark.parametrize(
    ("folder_name", "bad_lines"),
    [("in", 1), ("a folder name an analyst might well give " * 3, 2), ("x" * 150, 3)],
)
def test_the_details_pane_shows_every_line_whole(
    qtbot: Any,
    project_path: Path,
    tmp_path: Path,
    monkeypatch: Any,
    folder_name: str,
    bad_lines: int,
) -> None:
    """A report line longer than the pane (a long path, a long reason) wraps into view
    instead of running past the pane's edge (the tester saw the detail line cut off)."""
    folder = tmp_path / folder_name.strip()
    folder.mkdir()
    good = json.dumps({"id": "a", "title": "Ferry", "text": GOOD})
    broken = '{"id": "b", "title": "Broken", "text": "unterminated'
    (folder / "wire_stories_with_quotes_from_the_scraper.jsonl").write_text(
        "\n".join([good] + [broken] * bad_lines) + "\n", encoding="utf-8"
    )
    w = shown_window(qtbot, project_path)
    _import(qtbot, w, folder, monkeypatch)
    box = w.importer.report_box
    assert box is not None
    box.show()
    qtbot.waitExposed(box)
    pane = details_pane(box)
    assert pane is not None and pane.isVisible()
    detail = box.detailedText()
    if bad_lines < 3:
        assert detail.count("broken JSON") == bad_lines
    else:  # three or more lines alike are one line with their numbers
        assert detail.count("broken JSON") == 1 and "3 lines (2-4): broken JSON" in detail
    # every word of every line is in the pane, and nothing lies past its right edge
    assert pane.toPlainText().split() == detail.split()
    assert pane.horizontalScrollBar().maximum() == 0
    assert pane.document().size().width() <= pane.viewport().width() + 1
    box.done(0)
    w.close()
