"""The model process's job queue: a detect asked while one runs, or as it ends, is never
dropped (a window that adds articles during a detection asked again and got no answer)."""

from __future__ import annotations

import io
import threading
from pathlib import Path

from annotator.core.processes import EventWriter
from annotator.services.model_process import Server


class _Recorder(Server):
    """A Server whose jobs block until released and record their order."""

    def __init__(self) -> None:
        self.cancel = threading.Event()
        self.detecting = None
        self._lock = threading.Lock()
        self._pending = []
        self._running = False
        self.out = EventWriter(io.StringIO())
        self.project_path = Path("unused.db")
        self.ran: list[str] = []
        self.release = threading.Semaphore(0)
        self.started = threading.Semaphore(0)

    def _detect(self) -> None:
        self.started.release()
        self.release.acquire()
        self.ran.append("detect" + ("!" if self.cancel.is_set() else ""))

    def _redetect(self) -> None:
        self.started.release()
        self.release.acquire()
        self.ran.append("redetect" + ("!" if self.cancel.is_set() else ""))


def _finish(server: _Recorder, jobs: int) -> None:
    for _ in range(jobs):
        server.release.release()
    assert server.detecting is not None
    server.detecting.join(10)
    assert not server.busy()


def test_a_detect_asked_while_one_runs_runs_after_it() -> None:
    server = _Recorder()
    server.handle({"detect": True})
    assert server.started.acquire(timeout=10)
    server.handle({"detect": True})
    server.handle({"detect": True})  # asked twice while waiting: runs once more
    _finish(server, 2)
    assert server.ran == ["detect", "detect"]


def _idle(server: _Recorder) -> bool:
    for _ in range(200):
        if not server.busy():
            return True
        threading.Event().wait(0.05)
    return False


def test_a_detect_asked_as_the_last_one_ends_is_not_dropped() -> None:
    for _ in range(50):  # the second request lands at varied points of the first's end
        server = _Recorder()
        server.handle({"detect": True})
        server.release.release()
        server.handle({"detect": True})
        server.release.release()
        assert _idle(server)
        assert server.ran == ["detect", "detect"]


def test_jobs_run_in_the_order_asked_and_cancel_drops_the_waiting_ones() -> None:
    server = _Recorder()
    server.handle({"detect": True})
    assert server.started.acquire(timeout=10)
    server.handle({"redetect": True})
    _finish(server, 2)
    assert server.ran == ["detect", "redetect"]

    server = _Recorder()
    server.handle({"detect": True})
    assert server.started.acquire(timeout=10)
    server.handle({"redetect": True})
    server.handle({"cancel": True})
    _finish(server, 1)
    assert server.ran == ["detect!"]  # the running one saw the cancel, the waiting one dropped

    server.handle({"detect": True})  # a new request after a cancel runs uncancelled
    _finish(server, 1)
    assert server.ran == ["detect!", "detect"]
