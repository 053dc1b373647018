"""A file of many refused lines does not flood the window (tester18 T3): the import sends
progress at most every PROGRESS_INTERVAL_S, and the report box holds at most
MAX_DETAIL_LINES lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox

from annotator.ui import workers
from annotator.ui.report_box import MAX_DETAIL_LINES, details_pane, report_box
from annotator.ui.workers import PROGRESS_INTERVAL_S, ImportTask


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _sent(task: ImportTask) -> list[tuple[int, int, str]]:
    got: list[tuple[int, int, str]] = []
    task.signals.progress.connect(lambda d, t, label: got.append((d, t, label)))
    return got


def test_progress_of_one_file_is_sent_at_most_every_interval() -> None:
    clock = _Clock()
    task = ImportTask(Path("p.db"), ["f.jsonl"], None, clock=clock)
    got = _sent(task)
    for done in range(1, 1001):  # a thousand lines, 0.6 of an interval each
        clock.now += PROGRESS_INTERVAL_S * 0.6
        task._progress(done, 1000, "f.jsonl")
    # the first, one every second step after it, and the end
    assert got[0] == (1, 1000, "f.jsonl") and got[-1] == (1000, 1000, "f.jsonl")
    assert len(got) == 501
    assert all(b[0] - a[0] == 2 for a, b in zip(got[:-1], got[1:-1]))


def test_new_files_wait_for_the_interval_too_and_the_end_is_always_sent() -> None:
    """A folder of 20,000 small files sent two signals per file when each new file was sent
    at once (tester19 N3): a new file's name now waits for the interval like the rest."""
    clock = _Clock()
    task = ImportTask(Path("p.db"), ["folder"], None, clock=clock)
    got = _sent(task)
    for n in range(1000):  # a thousand files, 0.6 of an interval apart
        clock.now += PROGRESS_INTERVAL_S * 0.6
        task._progress(n, 1000, f"f{n}.txt")
    task._progress(1000, 1000, "")  # the end: sent at once
    assert len(got) == 501
    assert got[0] == (0, 1000, "f0.txt") and got[-1] == (1000, 1000, "")
    assert len({label for _d, _t, label in got}) == len(got)  # each names the file then


def test_a_window_import_of_many_refused_lines_sends_few_signals(
    qtbot: Any, tmp_path: Path
) -> None:
    from annotator.store.project import Project

    with Project.open(tmp_path / "p.db", create=True):
        pass
    src = tmp_path / "latin.jsonl"
    src.write_bytes(
        b"".join(f'{{"text": "Caf\xe9 {n}."}}\n'.encode("latin-1") for n in range(5000))
    )
    task = ImportTask(tmp_path / "p.db", [str(src)], None)
    got = _sent(task)
    with qtbot.waitSignal(task.signals.finished, timeout=60000) as done:
        workers.QThreadPool.globalInstance().start(task)
    report = done.args[0]
    assert len(report.files[0].problems) == 5000
    qtbot.waitUntil(lambda: bool(got) and got[-1][0] == got[-1][1])
    assert len(got) < 5000  # not one per line
    assert got[-1][2] == ""


def test_the_report_box_holds_at_most_its_limit_and_counts_the_rest(qtbot: Any) -> None:
    for n, expect_more in (
        (MAX_DETAIL_LINES, None),
        (MAX_DETAIL_LINES + 1, 1),
        (200_000, 200_000 - MAX_DETAIL_LINES),
    ):
        lines = [f"  f.jsonl, line {i}: bad {i}" for i in range(1, n + 1)]
        box = report_box(QMessageBox.Icon.Warning, "t", "text", "info", lines, None)
        pane = details_pane(box)
        assert pane is not None
        blocks = pane.toPlainText().split("\n")
        if expect_more is None:
            assert len(blocks) == n and blocks[-1] == f"f.jsonl, line {n}: bad {n}"
        else:
            assert len(blocks) == MAX_DETAIL_LINES + 1
            noun = "line" if expect_more == 1 else "lines"
            assert blocks[-1] == f"… and {expect_more:,} more {noun} not shown here"
            assert blocks[MAX_DETAIL_LINES - 1].endswith(f"bad {MAX_DETAIL_LINES}")
        box.deleteLater()
