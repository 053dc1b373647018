"""The one progress throttle (core/throttle.py): the first report, the end, a new step and a
forced one always go; between them at most one per interval."""

from __future__ import annotations

import time

import pytest

from annotator.core.throttle import Throttle, throttled


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> _Clock:
    """A clock of the test's own, given to each throttle (the process's time.monotonic
    is left alone: other threads of the test run read it)."""
    return _Clock()


def test_first_and_end_always_go_and_between_one_per_interval(clock: _Clock) -> None:
    t = Throttle(0.1, clock)
    sent = []
    for done in range(1, 101):  # 100 steps of 0.04 s: one report every third step
        clock.now += 0.04
        if t.due(done, 100):
            sent.append(done)
    assert sent[0] == 1 and sent[-1] == 100
    assert all(b - a == 3 for a, b in zip(sent[:-2], sent[1:-1]))
    assert len(sent) == 34  # 1, 4, ..., 97 and the end


def test_past_the_end_goes_too(clock: _Clock) -> None:
    t = Throttle(3600.0, clock)
    assert [t.due(d, 5) for d in (0, 1, 4, 5, 6)] == [True, False, False, True, True]


def test_a_new_key_or_a_forced_report_goes_at_once_and_restarts_the_interval(
    clock: _Clock,
) -> None:
    t = Throttle(1.0, clock)
    assert t.due(0, 10, key="dev")
    assert not t.due(1, 10, key="dev")
    assert t.due(1, 10, key="train")  # a new step
    assert not t.due(2, 10, key="train")
    assert t.due(2, 10, key="train", force=True)
    clock.now += 0.9
    assert not t.due(3, 10, key="train")  # 0.9 s after the forced one
    clock.now += 0.1
    assert t.due(3, 10, key="train")


def test_zero_interval_sends_everything(clock: _Clock) -> None:
    t = Throttle(0.0, clock)
    assert all(t.due(d, 1000) for d in range(1000))


def test_throttled_passes_the_extra_values_through(clock: _Clock) -> None:
    got: list[tuple[int, int, str]] = []
    report = throttled(lambda d, t, label: got.append((d, t, label)), every=3600.0, clock=clock)
    for n in range(10):
        report(n, 10, f"f{n}")
    report(10, 10, "")
    assert got == [(0, 10, "f0"), (10, 10, "")]


def test_the_default_clock_is_the_monotonic_one_and_is_not_patched() -> None:
    """Without a clock the throttle reads time.monotonic (a real interval: the second
    report right after the first is held back); the tests above never change it."""
    assert Throttle(1.0).clock is time.monotonic
    t = Throttle(3600.0)
    assert t.due(0, 10) and not t.due(1, 10)


def test_a_clock_that_goes_on_lets_the_next_report_through(clock: _Clock) -> None:
    t = Throttle(0.5, clock)
    assert t.due(0, 10)
    clock.now += 0.49
    assert not t.due(1, 10)
    clock.now += 0.01
    assert t.due(2, 10)
