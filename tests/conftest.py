"""Shared test configuration: offscreen Qt, and paths to the data that sits beside the repo."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from contextlib import chdir, redirect_stderr, redirect_stdout
from dataclasses import dataclass
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


@dataclass(frozen=True)
class CliResult:
    """What one ``annotator`` run printed and returned (like subprocess.CompletedProcess)."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


CliRunner = Callable[..., CliResult]


@pytest.fixture
def run_cli() -> CliRunner:
    """Run ``annotator ARGS...`` in this process: ``cli.main`` with stdout and stderr
    captured and argparse's SystemExit turned into the exit code, as ``python -m annotator``
    would give it (the module only does ``raise SystemExit(main())``). ``cwd`` sets the
    working folder for the run; ``check=True`` fails the test on a non-zero exit.

    In process instead of a subprocess: each run saves the interpreter start and the
    imports (about 2 s a run here); ``tests/test_cli.py`` keeps one real subprocess run.
    """
    from annotator.cli import main

    def run(*args: str, cwd: Path | None = None, check: bool = False) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        with chdir(cwd or Path.cwd()), redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        result = CliResult(tuple(args), code, out.getvalue(), err.getvalue())
        if check:
            assert code == 0, f"annotator {' '.join(args)} exited {code}: {result.stderr}"
        return result

    return run
