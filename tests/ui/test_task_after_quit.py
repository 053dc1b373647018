"""A pool task still running when the application quits (Ctrl+Q from the agreement
dashboard while it computes): Qt deletes the task's signals object with the application,
and emitting then raised "Signal source has been deleted" from the pool thread, printed
as "Error calling Python override of QRunnable::run()" at every such quit. The task now
ends quietly; a real error in its work is still reported."""

from __future__ import annotations

from typing import Any

import pytest
import shiboken6

from annotator.ui.workers import Task, WorkerSignals, signals_gone


class _Job(Task):
    def __init__(self, during: bool, fail: Exception | None = None) -> None:
        super().__init__()
        self.signals = WorkerSignals()
        self.during, self.fail = during, fail

    def work(self) -> object:
        if self.during:
            shiboken6.delete(self.signals)  # the application went away mid-run
            self.signals.progress.emit(1, 2)
        if self.fail is not None:
            raise self.fail
        return "result"


@pytest.mark.parametrize("during", [True, False])
@pytest.mark.parametrize("fail", [None, OSError("disk gone"), ValueError("bug")])
def test_a_task_whose_signals_are_gone_ends_quietly(
    qapp: Any, capsys: pytest.CaptureFixture[str], during: bool, fail: Exception | None
) -> None:
    job = _Job(during, fail)
    if not during:
        shiboken6.delete(job.signals)  # gone before the end: finished/failed find nothing
    job.run()  # raises nothing
    err = capsys.readouterr().err
    assert "has been deleted" not in err
    if isinstance(fail, ValueError) and not during:
        assert "ValueError: bug" in err  # a real fault is still printed


def test_results_still_reach_live_signals(qapp: Any) -> None:
    got: list[object] = []
    job = _Job(during=False)
    job.signals.finished.connect(got.append)
    job.run()
    assert got == ["result"]
    failures: list[str] = []
    job = _Job(during=False, fail=OSError("disk gone"))
    job.expected = (OSError,)
    job.signals.failed.connect(failures.append)
    job.run()
    assert failures == ["disk gone"]


def test_only_the_deleted_source_error_counts_as_gone() -> None:
    assert signals_gone(RuntimeError("Signal source has been deleted"))
    assert not signals_gone(RuntimeError("something else"))
    assert not signals_gone(ValueError("has been deleted"))
