"""The one protocol of a job in a child process (services/child_call.py, core/processes.py):
progress comes back, then the result; a failure comes back as a clear message; a cancel
leaves no process behind (killed, or asked and answered); a child killed from outside or
whose parent went away is noticed. Real children, real projects, our own texts."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

import annotator.services.child_call as child_call
from annotator.core.errors import Stopped
from annotator.core.model import Article
from annotator.core.processes import (
    EventLines,
    EventWriter,
    python_argv,
    receive_frame,
    send_frame,
    watch_input,
)
from annotator.services.child_call import ChildEnded, ChildFailed, call_in_child
from annotator.store.project import Project

TEXT = 'Harbour\n\n"We open the pier at dawn," the harbour master said on Monday.'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    p = tmp_path / "p.db"
    with Project.open(p) as proj:
        proj.add_article(Article("Old", "Kim said hello."))
    return p


def _source(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "in.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for k in range(n):
            f.write(json.dumps({"title": f"Pier {k}", "text": f"{TEXT} ({k})"}) + "\n")
    return path


def _import_args(project: Path, src: Path) -> dict[str, Any]:
    return {"project": str(project), "paths": [str(src)], "annotator": "me", "interval": 0.02}


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes]]:
    """The children call_in_child starts."""
    children: list[subprocess.Popen[bytes]] = []
    real = subprocess.Popen

    def recorded(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        child = real(*args, **kwargs)
        children.append(child)
        return child

    monkeypatch.setattr(child_call.subprocess, "Popen", recorded)
    return children


def test_frames_come_back_whole_and_a_cut_one_is_the_end() -> None:
    buf = io.BytesIO()
    for obj in (("progress", 1, 2, "é"), None, list(range(1000)), ValueError("x")):
        send_frame(buf, obj)
    whole = buf.getvalue()
    src = io.BytesIO(whole)
    got = [receive_frame(src) for _ in range(4)]
    assert got[:3] == [("progress", 1, 2, "é"), None, list(range(1000))]
    assert isinstance(got[3], ValueError)
    with pytest.raises(EOFError):
        receive_frame(src)
    for cut in (3, 8, len(whole) - 1):
        src = io.BytesIO(whole[:cut])
        with pytest.raises(EOFError):
            while True:
                receive_frame(src)


def test_progress_then_the_result(project: Path, tmp_path: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    report = call_in_child(
        "annotator.services.import_process:import_job",
        _import_args(project, _source(tmp_path, 20)),
        progress=lambda d, t, label: seen.append((d, t, label)),
        every=0.0,
        cancel="ask",
    )
    assert report.articles_added == 20 and not report.cancelled
    assert seen and seen[-1][0] == seen[-1][1]
    assert [d for d, _t, _l in seen] == sorted(d for d, _t, _l in seen)


@pytest.mark.parametrize(
    ("target", "args", "expected", "known"),
    [
        # not an AnnotatorError: its type names it
        (
            "annotator.nowhere:f",
            {},
            "ModuleNotFoundError: No module named 'annotator.nowhere'",
            False,
        ),
        ("os:getcwd", {}, "ValueError: not a function of this program: 'os:getcwd'", False),
        (
            "annotator.services.import_process:import_job",
            {"paths": []},
            "KeyError: 'project'",
            False,
        ),
        # an AnnotatorError: its message alone, meant for the analyst
        (
            "annotator.services.import_process:import_job",
            {"project": "x"},
            "x: no such project",
            True,
        ),
    ],
)
def test_a_failure_comes_back_as_a_clear_message(
    target: str, args: dict[str, Any], expected: str, known: bool, started: list[Any]
) -> None:
    with pytest.raises(ChildFailed) as caught:
        call_in_child(target, args)
    assert str(caught.value) == expected and caught.value.known is known
    assert all(child.returncode is not None for child in started)


def test_a_known_error_comes_back_as_its_message_alone(tmp_path: Path) -> None:
    missing = tmp_path / "gone.db"
    with pytest.raises(ChildFailed) as caught:
        call_in_child(
            "annotator.services.report:summary_in_child",
            {"path": str(missing), "source": None, "titles": {}, "me": None},
        )
    if caught.value.known:
        assert str(caught.value) == caught.value.text
    else:
        assert str(caught.value) == f"{caught.value.type_name}: {caught.value.text}"
    assert "gone.db" in str(caught.value) and not missing.exists()


def test_a_cancel_asked_is_answered_and_the_child_is_gone(
    project: Path, tmp_path: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    told: list[int] = []
    report = call_in_child(
        "annotator.services.import_process:import_job",
        _import_args(project, _source(tmp_path, 4000)),
        progress=lambda d, *_: told.append(d),
        cancelled=lambda: bool(told),
        cancel="ask",
    )
    assert report.cancelled and report.articles_added < 4000
    (child,) = started
    assert child.returncode == 0


def test_a_cancel_of_a_kill_job_kills_it(
    project: Path, tmp_path: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    told: list[int] = []
    with pytest.raises(Stopped):
        call_in_child(
            "annotator.services.import_process:import_job",
            _import_args(project, _source(tmp_path, 4000)),
            progress=lambda d, *_: told.append(d),
            cancelled=lambda: bool(told),
        )
    (child,) = started
    assert child.returncode is not None and told


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_child_killed_from_outside_is_noticed(
    project: Path, tmp_path: Path, started: list[subprocess.Popen[bytes]], sig: int
) -> None:
    def progress(*_: Any) -> None:
        os.kill(started[0].pid, sig)

    with pytest.raises(ChildEnded) as caught:
        call_in_child(
            "annotator.services.import_process:import_job",
            _import_args(project, _source(tmp_path, 4000)),
            progress=progress,
            cancel="ask",
        )
    assert caught.value.code == -sig
    assert "ended early" in str(caught.value)


@pytest.mark.parametrize("cancel", ["kill", "ask"])
def test_a_child_whose_parent_goes_away_ends(project: Path, tmp_path: Path, cancel: str) -> None:
    """The parent's end of standard input closes: a "kill" job exits at once without an
    answer, an "ask" job stops at its next group and answers what it did."""
    child = subprocess.Popen(
        python_argv("from annotator.services.child_call import child_main; child_main()"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert child.stdin is not None and child.stdout is not None
    request = {
        "target": "annotator.services.import_process:import_job",
        "args": _import_args(project, _source(tmp_path, 4000)),
        "every": 0.0,
        "cancel": cancel,
    }
    child.stdin.write(json.dumps(request).encode() + b"\n")
    child.stdin.flush()
    first = receive_frame(child.stdout)  # under way
    assert first[0] == "progress"  # type: ignore[index]
    child.stdin.close()
    frames: list[Any] = []
    while True:
        try:
            frames.append(receive_frame(child.stdout))
        except EOFError:
            break
    code = child.wait(120)
    child.stdout.close()
    kinds = [f[0] for f in frames]
    if cancel == "kill":
        assert code == 1 and "result" not in kinds
    else:
        assert code == 0 and kinds[-2:] == ["result", "done"]
        assert frames[-2][1].cancelled


class _Lines:
    """An input that gives ``lines`` then waits (a parent still there) until released."""

    def __init__(self, *lines: str) -> None:
        self.lines = lines
        self.release = threading.Event()
        self.read = threading.Event()

    def __iter__(self):  # type: ignore[no-untyped-def]
        yield from self.lines
        self.read.set()
        self.release.wait()


@pytest.mark.parametrize(
    ("lines", "stops"),
    [
        (('{"cancel": true}\n',), True),
        (("\n", "not json\n", "[1]\n", '{"cancel": false}\n', '{"other": 1}\n'), False),
        (("cancel\n", '{"cancel": 1}\n'), True),
    ],
)
def test_only_a_cancel_command_stops_a_child(lines: tuple[str, ...], stops: bool) -> None:
    stdin = _Lines(*lines)
    stop = threading.Event()
    ended = threading.Event()
    watch_input(stdin, stop, at_end=ended.set)
    assert stdin.read.wait(10)
    if stops:
        assert stop.wait(10)
    else:
        assert not stop.is_set()
    stdin.release.set()  # the input ends: the parent went away
    assert ended.wait(10) and stop.wait(10)


def test_events_come_whole_from_pieces_and_noise_is_passed_over() -> None:
    out = io.StringIO()
    writer = EventWriter(out)
    writer.say(stage=["dev", 1, 2])
    writer.say(result={"é": [1.5, None]})
    data = ("print noise\n" + out.getvalue() + "[1, 2]\n\n" + '{"half": ').encode("utf-8")
    lines = EventLines()
    got = [e for k in range(len(data)) for e in lines.feed(data[k : k + 1])]
    assert got == [{"stage": ["dev", 1, 2]}, {"result": {"é": [1.5, None]}}]
    assert lines.feed(b"1}\n") == [{"half": 1}]


def test_a_writer_whose_parent_went_away_drops_the_rest() -> None:
    out = io.StringIO()
    writer = EventWriter(out)
    out.close()
    writer.say(x=1)  # no error
    assert writer.closed
    writer.say(x=2)
