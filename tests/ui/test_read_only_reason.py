"""The window on a read-only project: its box and banner give the reason (file or folder)
and what to do, from the store's own check (tests/test_read_only_project.py has the command
line and a really read-only disk)."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from annotator.store import db as dbmod
from annotator.ui.controllers.read_only import ReadOnlyController
from tests.test_read_only_project import _project


@pytest.mark.parametrize("what", ["file", "folder"])
def test_window_box_and_banner_give_the_reason_and_what_to_do(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    path = _project(tmp_path / "p.db")
    target = path if what == "file" else tmp_path
    if what == "file":
        path.chmod(stat.S_IRUSR)
    real = os.access
    monkeypatch.setattr(
        dbmod.os,
        "access",
        lambda p, mode: False if mode & os.W_OK and Path(p) == target else real(p, mode),
    )
    why = "the file is read-only" if what == "file" else f"its folder {tmp_path} is read-only"
    fix = f"chmod u+w {path}" if what == "file" else f"chmod u+w {tmp_path}"
    parent = QWidget()
    qtbot.addWidget(parent)
    ctl = ReadOnlyController(path, True, parent)
    banners: list[str] = []
    ctl.entered.connect(lambda html, _tip: banners.append(html))
    ctl.enter(parent)
    assert ctl.box is not None
    qtbot.waitUntil(ctl.box.isVisible)
    assert ctl.box.text() == f"{path.name} is read-only: changes are not saved."
    info = ctl.box.informativeText()
    assert info.startswith(f"{path} is read-only: {why}.")
    assert fix in info and f"`annotator backup {path} COPY.db`" in info
    (banner,) = banners
    assert f"{path} is read-only: {why}." in banner and fix in banner
    ctl.box.accept()
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)
