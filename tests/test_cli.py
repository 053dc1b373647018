"""The ``annotator`` command: help, import, stats, failures.

One test starts the real ``python -m annotator`` process (the entry point works); the
others call ``cli.main`` in process through the ``run_cli`` fixture (conftest.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

#: the ``run_cli`` fixture of conftest.py: run_cli(*args, cwd=..., check=...) -> CliResult
CliRunner = Callable[..., Any]

REPO = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "annotator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_the_module_runs_as_a_program(tmp_path: Path) -> None:
    res = run("--help", cwd=tmp_path)
    assert res.returncode == 0
    assert "usage: annotator" in res.stdout
    res = run("stats", "missing.db", cwd=tmp_path)
    assert res.returncode != 0
    assert res.stderr.strip().splitlines() == ["annotator: error: missing.db: no such project"]


@pytest.mark.parametrize("cmd", [[], ["import"], ["stats"], ["open"]])
def test_help_everywhere(tmp_path: Path, cmd: list[str], run_cli: CliRunner) -> None:
    res = run_cli(*cmd, "--help", cwd=tmp_path)
    assert res.returncode == 0
    assert "usage: annotator" in res.stdout


def test_import_then_stats(tmp_path: Path, run_cli: CliRunner) -> None:
    (tmp_path / "a.txt").write_text("Title A\n\nThe mayor said it would rain.\n", "utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    res = run_cli("import", "p.db", "a.txt", "b.txt", "--quiet", cwd=tmp_path)
    assert res.returncode == 1, res.stderr  # b.txt failed (a.txt went in all the same)
    assert "a.txt: imported 1 article" in res.stdout
    assert "b.txt: failed: the file is empty" in res.stdout
    res = run_cli("stats", "p.db", "--json", cwd=tmp_path)
    stats = json.loads(res.stdout)
    assert {"articles", "annotations", "suggestions", "annotators"} <= set(stats)
    assert stats["articles"] == 1
    again = run_cli("import", "p.db", "a.txt", "--quiet", cwd=tmp_path)
    assert again.returncode == 0  # nothing new is not a failure
    assert "skipped: 1 article already in the project" in again.stdout
    assert json.loads(run_cli("stats", "p.db", "--json", cwd=tmp_path).stdout) == stats


def test_failures_are_one_line_with_nonzero_exit(tmp_path: Path, run_cli: CliRunner) -> None:
    res = run_cli("stats", "missing.db", cwd=tmp_path)
    assert res.returncode != 0
    assert res.stderr.strip().splitlines() == ["annotator: error: missing.db: no such project"]
    (tmp_path / "notes.db").write_text("just notes", "utf-8")
    res = run_cli("stats", "notes.db", cwd=tmp_path)
    assert res.returncode != 0
    assert "not a Quote Annotator project" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    res = run_cli("import", "p.db", "nothing-here.txt", "--quiet", cwd=tmp_path)
    assert res.returncode == 1
    assert "nothing-here.txt: failed: no such file or folder" in res.stdout


def test_polnear_dev_import_counts(tmp_path: Path, shared_dir: Path, run_cli: CliRunner) -> None:
    dev = shared_dir / "data" / "polnear" / "dev.jsonl"
    res = run_cli("import", "p.db", str(dev), "--quiet", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    stats = json.loads(run_cli("stats", "p.db", "--json", cwd=tmp_path).stdout)
    assert (stats["articles"], stats["annotations"]) == (84, 2192)
    again = run_cli("import", "p.db", str(dev), "--quiet", cwd=tmp_path)
    assert "skipped" in again.stdout
    assert json.loads(run_cli("stats", "p.db", "--json", cwd=tmp_path).stdout) == stats


def test_a_closed_pipe_ends_the_command_quietly(tmp_path: Path) -> None:
    """``annotator stats P.db | head -1``: no traceback when the reader goes away."""
    import subprocess
    import sys

    project = tmp_path / "p.db"
    (tmp_path / "a.txt").write_text("Title\n\nSome text.\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "annotator", "import", str(project), str(tmp_path / "a.txt")],
        check=True,
        capture_output=True,
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "annotator", "stats", str(project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # like `head -1`: the reader is gone before the rest is written
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipeError" not in err


@pytest.mark.parametrize(
    "cmd",
    [
        ["stats"],
        ["report", "-o", "out.jsonl"],
        ["export", "--format", "jsonl", "-o", "out.jsonl"],
        ["backup", "copy.db"],
        ["merge", "other.db"],
        ["agreement"],
        ["speakers"],
        ["train", "-o", "model"],
    ],
)
def test_an_empty_file_is_named_for_what_it_is(
    tmp_path: Path, run_cli: CliRunner, cmd: list[str]
) -> None:
    (tmp_path / "e2.db").write_bytes(b"")
    (tmp_path / "other.db").write_bytes(b"")
    res = run_cli(cmd[0], "e2.db", *cmd[1:], cwd=tmp_path)
    assert res.returncode != 0
    assert "no such project" not in res.stderr
    assert "e2.db: empty file, not a Quote Annotator project" in res.stderr
    assert (tmp_path / "e2.db").stat().st_size == 0  # left as it was
    for made in ("out.jsonl", "copy.db", "model"):
        assert not (tmp_path / made).exists()
