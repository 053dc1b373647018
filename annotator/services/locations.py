"""Where the program keeps its files: the default project and the bundled samples."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "quote-annotator"


def default_project_path() -> Path:
    """The project opened by a bare ``annotator`` (in the platform's user data folder)."""
    return user_data_path(APP_NAME, appauthor=False, ensure_exists=True) / "default.db"


def _repo_dir(name: str) -> Path:
    return Path(__file__).resolve().parents[2] / name


def seeds_dir() -> Path:
    """The folder of bundled sample articles (installed package first, then the source tree)."""
    try:
        installed = Path(str(importlib.resources.files("annotator.seeds")))
        if any(installed.glob("*.txt")):
            return installed
    except (ModuleNotFoundError, TypeError):
        pass
    return _repo_dir("seeds")


def resources_dir() -> Path:
    """The folder of bundled resources (style sheet, guidelines)."""
    try:
        installed = Path(str(importlib.resources.files("annotator.resources")))
        if installed.is_dir():
            return installed
    except (ModuleNotFoundError, TypeError):
        pass
    return _repo_dir("resources")
