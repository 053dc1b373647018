"""The window's parts on their own: the shared undo command, the task base, the import
graph, and the controllers' signals."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from annotator.services.items import ItemKey
from annotator.ui.controllers.position import PositionController
from annotator.ui.controllers.read_only import ReadOnlyController
from annotator.ui.undo import ApplyCommand
from annotator.ui.workers import Task, WorkerSignals


@dataclass(frozen=True)
class _Set:
    label: str
    value: int


def test_apply_command_applies_undoes_and_drops_a_failed_op() -> None:
    state = {"v": 0}

    def apply(op: _Set) -> _Set | None:
        if op.value < 0:
            return None
        old = state["v"]
        state["v"] = op.value
        return _Set(op.label, old)

    stack = QUndoStack()
    stack.push(ApplyCommand(_Set("set", 5), apply))
    assert state["v"] == 5 and stack.undoText() == "set"
    stack.undo()
    assert state["v"] == 0
    stack.redo()
    assert state["v"] == 5
    stack.push(ApplyCommand(_Set("bad", -1), apply))
    assert stack.count() == 1  # obsolete: gone from the stack
    # an edit done already (the review window): push does not apply it again
    state["v"] = 9
    stack.push(ApplyCommand(_Set("done", 5), apply, applied=True))
    assert state["v"] == 9
    stack.undo()
    assert state["v"] == 5


class _Boom(Task):
    expected = (ValueError,)

    def __init__(self, exc: Exception) -> None:
        super().__init__()
        self.exc = exc
        self.signals = WorkerSignals()

    def work(self) -> object:
        raise self.exc


def test_task_base_reports_expected_errors_plainly_and_others_with_their_type() -> None:
    got: list[str] = []
    for exc in (ValueError("bad line 3"), KeyError("x")):
        t = _Boom(exc)
        t.signals.failed.connect(got.append)
        t.run()
    assert got == ["bad line 3", "KeyError: 'x'"]


def test_main_window_and_application_do_not_import_each_other() -> None:
    code = (
        "import sys; import annotator.ui.main_window; "
        "print('annotator.ui.application' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "False"


def test_position_controller_keeps_keys_per_annotator(tmp_path: Path, qapp: Any) -> None:
    written: list[int] = []
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    pos = PositionController(tmp_path / "p.db", settings, lambda: written.append(1), False)
    pos.annotator = "alice"
    pos.remember(4, ItemKey("suggestion", 9))
    assert pos.timer.isActive()
    pos.record()
    assert written == [1] and not pos.timer.isActive()
    assert pos.saved() == (4, ItemKey("suggestion", 9))
    pos.annotator = "bob"
    assert pos.saved() is None
    # the project's record wins, unless it names an article that is gone
    assert pos.choose((2, None), {2, 4}) == (2, None)
    pos.annotator = "alice"
    assert pos.choose((3, None), {2, 4}) == (4, ItemKey("suggestion", 9))


def test_position_controller_reports_a_failed_write(tmp_path: Path, qapp: Any) -> None:
    def fail() -> None:
        raise OSError("disk full")

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    pos = PositionController(tmp_path / "p.db", settings, fail, False)
    said: list[str] = []
    pos.failed.connect(said.append)
    pos.record()
    assert said and "disk full" in said[0]


def test_read_only_controller_refuses_and_says_why(tmp_path: Path, qapp: Any) -> None:
    ro = ReadOnlyController(tmp_path / "p.db", True)
    said: list[tuple[str, int]] = []
    ro.message.connect(lambda t, ms: said.append((t, ms)))
    assert ro.refuse() and said and "Read-only" in said[0][0]
    assert not ReadOnlyController(tmp_path / "p.db", False).refuse()
