"""The status bar fits a 1366-pixel window whatever it says (issue 16): the note and the
passing message take the room left over and are cut with "…", the whole text in their
tooltip; the task bars keep a fixed modest width."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QStatusBar, QWidget

from annotator.nlp.pipeline import ModelInfo
from annotator.ui.status import STATUS_LABEL_MAX, TASK_BAR_WIDTH, CountBar, ElidingLabel, _short
from tests.ui.conftest import open_window

SCREEN = 1366

LONG_NOTE = "Imported 3 articles and 12 quotes from 9 files; 6 files failed: " + "; ".join(
    f"/home/analyst/archive/2020/batch-{i:02}/wire.jsonl line {i}: bad JSON" for i in range(6)
)
LONG_MESSAGE = "Article list: " + "the project file could not be read at this moment, " * 12
LONG_MODEL = "Model: " + "a-very-long-spacy-pipeline-name-" * 6


def _fitted(qtbot: Any, path: Path) -> Any:
    w = open_window(qtbot, path)
    w.resize(SCREEN, 768)
    qtbot.waitUntil(lambda: w.width() == SCREEN)
    return w


def _shown(bar: QStatusBar) -> list[QWidget]:
    return [c for c in bar.findChildren(QWidget) if c.parentWidget() is bar and c.isVisible()]


def _assert_fits(qtbot: Any, w: Any) -> None:
    bar = w.statusBar()
    w.resize(SCREEN, 768)  # what the window asks for now, on a screen of this width
    qtbot.wait(50)  # the bar lays its widgets out on the next pass of the event loop
    assert w.width() <= SCREEN
    assert w.minimumSizeHint().width() <= SCREEN
    assert bar.minimumSizeHint().width() <= SCREEN
    for child in _shown(bar):
        g = child.geometry()
        assert g.left() >= 0 and g.right() < bar.width(), (child, g)
        assert child.width() >= child.minimumSizeHint().width(), child  # none squeezed


def test_a_long_message_is_cut_and_whole_in_its_tooltip(qtbot: Any, project_path: Path) -> None:
    w = _fitted(qtbot, project_path)
    st = w.status
    st.show_info(LONG_NOTE)
    st.show_detection_running(100000)
    st.show_detection_progress(99999, 100000)
    st.say(LONG_MESSAGE)
    _assert_fits(qtbot, w)
    label = st.message_label
    assert label.isVisible() and not st.info_label.isVisible()
    assert label.text() == LONG_MESSAGE
    assert label.toolTip() == LONG_MESSAGE and label.tip() == LONG_MESSAGE
    shown = label.shown_text()
    assert shown.endswith("…") and LONG_MESSAGE.startswith(shown[:-1])
    assert label.fontMetrics().horizontalAdvance(shown) <= st.message_room()
    # the room is what is left beside the other widgets: it ends where the next begins
    right = label.geometry().right()
    others = [c.geometry().left() for c in _shown(w.statusBar()) if c.geometry().left() > right]
    assert others and min(others) - right < 20
    assert st.message_room() > 200  # room enough at 1366 for a sentence
    # the message goes: the note comes back, cut the same way, whole in its tooltip
    w.statusBar().clearMessage()
    _assert_fits(qtbot, w)
    note = st.info_label
    assert note.isVisible() and not label.isVisible()
    assert note.text() == LONG_NOTE and note.toolTip() == LONG_NOTE
    assert note.shown_text().endswith("…") and note.is_elided()


def test_a_message_with_detail_has_both_in_the_tooltip(qtbot: Any, project_path: Path) -> None:
    w = _fitted(qtbot, project_path)
    st = w.status
    st.say(LONG_MESSAGE, detail="Why: the disk was full.")
    _assert_fits(qtbot, w)
    tip = st.message_label.toolTip()
    assert tip.startswith(LONG_MESSAGE) and tip.endswith("Why: the disk was full.")
    assert w.statusBar().toolTip() == "Why: the disk was full."
    st.say("Saved.")
    assert st.message_label.toolTip() == "Saved." and w.statusBar().toolTip() == ""
    assert not st.message_label.is_elided()


@pytest.mark.parametrize("width", [SCREEN, 1024, 800])
def test_every_label_gives_way_in_a_narrow_window(
    qtbot: Any, project_path: Path, width: int
) -> None:
    w = _fitted(qtbot, project_path)
    st = w.status
    st.show_model_state(LONG_MODEL, "the pipeline's folder")
    w.detector_label.setText("Detector: " + "trained-on-the-whole-archive-" * 5)
    st.show_import_running(True)
    st.show_import_progress(3, 7, "")
    st.show_detection_running(100000)
    st.show_detection_progress(512, 100000)
    w.read_only_label.show()
    st.say(LONG_MESSAGE)
    w.resize(width, 768)
    qtbot.waitUntil(lambda: w.width() == width)
    qtbot.wait(50)
    bar = w.statusBar()
    assert bar.minimumSizeHint().width() <= SCREEN
    if width == SCREEN:
        for child in _shown(bar):
            assert child.geometry().right() < bar.width(), child
    model = st.model_label
    assert model.is_elided() and model.tip().startswith(LONG_MODEL)
    assert model.tip().endswith("the pipeline's folder")
    assert w.detector_label.is_elided() and "whole-archive" in w.detector_label.tip()


@pytest.mark.parametrize(
    ("done", "total"), [(0, 1), (7, 12), (4321, 10000), (99999, 100000), (999999, 1000000)]
)
def test_the_detection_bar_keeps_its_width_and_says_the_count(
    qtbot: Any, project_path: Path, done: int, total: int
) -> None:
    w = _fitted(qtbot, project_path)
    st = w.status
    st.show_detection_running(total)
    st.show_detection_progress(done, total)
    qtbot.wait(20)
    bar: CountBar = st.detect_bar
    assert bar.width() == TASK_BAR_WIDTH
    text = bar.text()
    exact, short = f"{done:,}/{total:,}", f"{_short(done)}/{_short(total)}"
    assert text in (f"Detecting {exact}", f"Detecting {short}")
    if bar.fontMetrics().horizontalAdvance(f"Detecting {exact}") <= TASK_BAR_WIDTH - 10:
        assert text == f"Detecting {exact}"  # short figures only when the exact ones do not fit
    assert bar.fontMetrics().horizontalAdvance(text) <= bar.contentsRect().width()
    assert bar.toolTip() == f"Detecting quotes: {done:,} of {total:,} articles"


def test_the_import_bar_says_a_share(qtbot: Any, project_path: Path) -> None:
    w = _fitted(qtbot, project_path)
    st = w.status
    st.show_import_running(True)
    assert st.import_bar.text() == "Importing"  # busy until the first progress
    st.show_import_progress(3, 4, "lines")
    assert st.import_bar.text() == "Importing 75%"
    assert st.import_bar.toolTip() == "Importing: 75% done"
    assert st.import_bar.width() == TASK_BAR_WIDTH


def test_eliding_label_alone(qtbot: Any) -> None:
    label = ElidingLabel("Model: en_core_web_sm\nsecond line", 50)
    qtbot.addWidget(label)
    label.resize(400, 20)
    assert label.shown_text() == "Model: en_core_web_sm second line"
    assert not label.is_elided() and label.tip() == ""
    label.resize(60, 20)
    assert label.is_elided() and label.shown_text().endswith("…")
    assert label.tip() == label.text()
    assert label.minimumSizeHint().width() == 50
    label.setToolTip("loaded from /opt/models")
    assert label.tip() == f"{label.text()}\n\nloaded from /opt/models"


def test_short_figures_round_down() -> None:
    assert [_short(n) for n in (0, 9999, 10000, 99999, 100000, 2_345_678, 12_000_000)] == [
        "0",
        "9999",
        "10k",
        "99k",
        "100k",
        "2345k",
        "12M",
    ]


@pytest.mark.parametrize(
    "folder",
    [
        "/home/analyst/.local/share/quote-annotator/models/p5-2026-12-03-2136",
        "/tmp/t/" + "nested-folder/" * 12 + "court-reports-model",
        "/srv/models/m",
    ],
)
def test_a_trained_model_leaves_the_message_its_room(
    qtbot: Any, project_path: Path, folder: str
) -> None:
    """A model loaded by its folder is named by the folder's name (the path in the
    tooltip), and the lasting labels never take more than their cap: at 1366 pixels the
    outcome of Re-detect or of Ctrl+U stays readable (tester22 F5: "Re-detecte…")."""
    w = _fitted(qtbot, project_path)
    st = w.status
    w.detection._announce_model(ModelInfo(folder, False, "loaded from its folder"))
    name = Path(folder).name
    assert st.model_label.text() == f"Model: {name}"
    assert folder in st.model_label.toolTip()
    assert "loaded from its folder" in st.model_label.toolTip()
    w.detector_label.setText(f"Detector: {name}@31b5b5b8")
    message = "Re-detected 12 undecided articles with " + name + "; 3 new suggestions."
    st.say(message)
    _assert_fits(qtbot, w)
    for label in (st.model_label, w.detector_label, st.progress_label):
        assert label.width() <= STATUS_LABEL_MAX
    assert st.message_label.shown_text() == message  # whole, not "Re-detecte…"


def test_long_lasting_labels_are_capped(qtbot: Any, project_path: Path) -> None:
    """Whatever the model, detector and progress labels say, each asks for at most
    STATUS_LABEL_MAX pixels and the passing message keeps the rest of a 1366 bar."""
    w = _fitted(qtbot, project_path)
    st = w.status
    st.show_model_state(LONG_MODEL, "")
    w.detector_label.setText("Detector: " + "trained-on-the-whole-archive-" * 5)
    st.progress_label.setText("This article 12/40 · project " + "1,234 done · " * 8)
    st.say("Next most useful article: 41% of its suggestions are uncertain.")
    _assert_fits(qtbot, w)
    for label in (st.model_label, w.detector_label, st.progress_label):
        assert label.sizeHint().width() <= STATUS_LABEL_MAX
        assert label.is_elided()
    assert not st.message_label.is_elided()


def test_a_named_pipeline_keeps_its_name(qtbot: Any, project_path: Path) -> None:
    w = _fitted(qtbot, project_path)
    w.detection._announce_model(ModelInfo("en_core_web_sm", False, "spaCy 3.8"))
    assert w.status.model_label.text() == "Model: en_core_web_sm"
    assert w.status.model_label.toolTip() == "spaCy 3.8"
