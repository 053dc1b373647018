"""The export dialog's and the dashboard's modules are imported on a thread of their own
after the window shows (tester17 F12): not before the window (the start figures), and
loaded by the time the first Ctrl+E runs, which then opens the dialog."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
from annotator.ui import main_window, warm_imports
main_window.WARM_IMPORTS_DELAY_MS = {delay}
w = main_window.MainWindow(Path(sys.argv[1]), annotator="alice", load_model=False)
w.show()
out = {{"shown": sorted(m for m in warm_imports.WARM_MODULES + ("pydantic",) if m in sys.modules)}}
while warm_imports._thread is None and {wait_for_warm}:
    app.processEvents()
if warm_imports._thread is not None:
    warm_imports._thread.join()
out["warmed"] = sorted(m for m in warm_imports.WARM_MODULES + ("pydantic",) if m in sys.modules)
{after}
print(json.dumps(out))
"""

EXPORT = """
w.act_export.trigger()
app.processEvents()
out["export"] = [t.windowTitle() for t in w._windows if t.isVisible()]
"""


def _run(project: Path, delay: int, wait_for_warm: bool, after: str = "") -> dict[str, list[str]]:
    code = PROBE.format(delay=delay, wait_for_warm=wait_for_warm, after=after)
    res = subprocess.run(
        [sys.executable, "-c", code, str(project)],
        capture_output=True,
        text=True,
        timeout=240,
        env={
            **os.environ,
            "PYTHONPATH": str(REPO),
            "QT_QPA_PLATFORM": "offscreen",
            "XDG_CONFIG_HOME": str(project.parent / "cfg"),
            "HOME": str(project.parent),
        },
    )
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("delay", [0, 50])
def test_the_modules_come_after_the_window_and_the_first_ctrl_e_opens(
    project_path: Path, delay: int
) -> None:
    out = _run(project_path, delay, True, EXPORT)
    assert out["shown"] == []  # nothing of it before the window is up
    assert "pydantic" in out["warmed"] and "annotator.ui.dashboard" in out["warmed"]
    assert "annotator.ui.export_dialog" in out["warmed"]
    assert len(out["export"]) == 1 and "Export" in out["export"][0]


def test_a_window_closed_before_the_delay_warms_nothing(project_path: Path) -> None:
    after = (
        "w.close()\n"
        "for _ in range(200):\n"
        "    app.processEvents()\n"
        "out['late'] = [warm_imports._thread is not None]\n"
    )
    out = _run(project_path, 0, False, after)
    assert out["warmed"] == [] and out["late"] == [False]
