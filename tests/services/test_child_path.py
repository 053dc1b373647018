"""Child processes never import modules from the folder the app was started in (review of
session 13: a json.py there ran inside the summary's child): the current folder is off
their path, and this package is found wherever the app was started."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from annotator.core.processes import module_argv, python_argv
from annotator.services.child_call import call_in_child
from tests.services.test_child_call import _args, project  # noqa: F401  (fixture)

HOSTILE = "import pathlib; pathlib.Path({marker!r}).write_text('ran')\n"


@pytest.fixture
def hostile_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A current folder holding json.py, csv.py and runpy.py that leave a marker if run."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    for name in ("json", "csv", "runpy", "pickle"):
        (folder / f"{name}.py").write_text(
            HOSTILE.format(marker=str(folder / f"{name}.ran")), encoding="utf-8"
        )
    monkeypatch.chdir(folder)
    return folder


def test_a_count_in_a_child_ignores_modules_in_the_current_folder(
    project: Path,  # noqa: F811
    hostile_cwd: Path,
) -> None:
    report, _charts, counts = call_in_child(
        "annotator.services.report:summary_in_child", _args(project)
    )
    assert counts == {"alice": 2, "bob": 1} and report.total == 2
    assert not list(hostile_cwd.glob("*.ran"))


@pytest.mark.parametrize(
    "argv",
    [
        python_argv("import json, csv, pickle, sys; print(json.__file__)"),
        module_argv("json.tool", "--help"),
    ],
)
def test_the_child_command_lines_leave_the_current_folder_out(
    hostile_cwd: Path, argv: list[str]
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert str(hostile_cwd) not in out.stdout
    assert not list(hostile_cwd.glob("*.ran"))


def test_the_package_is_found_from_any_folder(hostile_cwd: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    argv = python_argv("import annotator.core.versions as v, sys; print(v.DETECTOR_VERSION)")
    out = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60, check=True)
    assert out.stdout.startswith("annotator_quotes")
