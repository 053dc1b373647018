"""Shared test configuration: offscreen Qt, and paths to the data that sits beside the repo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Qt must never try to reach a display in tests (CI has none).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = REPO / "seeds"


@pytest.fixture
def shared_dir() -> Path:
    """The shared data folder beside the checkout (PolNeAR, the reference scorer)."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this checkout")
    return SHARED
