"""The accelerated clock of a rehearsal (`plateau demo --speed N`): exam time runs N times
faster than real time from its start; whatever sleeps in real time divides by N; the
timeline's deadlines and warnings follow it as they follow the real clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from server.core.clock import AcceleratedClock, FakeClock, SystemClock, clock_rate, real_seconds
from server.exams.timeline import Timeline
from server.exams.timeline_facts import WarningEmitted
from tests.exams.test_timeline import TITRE, A, P, kinds


class Monotonic:
    """A real-time source the test moves (seconds)."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


START = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)


def test_exam_time_runs_n_times_faster_from_its_start() -> None:
    real = Monotonic()
    clock = AcceleratedClock(60, START, monotonic=real)
    assert clock.now() == START
    real.t += 1.5
    assert clock.now() == START + timedelta(seconds=90)
    real.t += 60
    assert clock.now() == START + timedelta(hours=1, seconds=90)
    assert clock_rate(clock) == 60 and real_seconds(clock, 3600) == 60
    assert clock_rate(SystemClock()) == 1 and clock_rate(FakeClock()) == 1
    assert real_seconds(FakeClock(), 30) == 30


@pytest.mark.parametrize("rate", [0, 0.5, -3, 1001])
def test_a_rate_out_of_range_is_refused_in_french(rate: float) -> None:
    with pytest.raises(ValueError, match="accélération entre 1 et 1000"):
        AcceleratedClock(rate)


def test_a_whole_preparation_in_one_real_minute() -> None:
    real = Monotonic()
    clock = AcceleratedClock(60, START, monotonic=real)
    timeline = Timeline(TITRE, clock)
    timeline.start()
    wake = timeline.next_wakeup()
    assert wake == START + timedelta(minutes=50)  # the 10-minute warning, in exam time
    assert real_seconds(clock, (wake - clock.now()).total_seconds()) == 50
    real.t += 50
    assert timeline.advance() == [WarningEmitted(at=clock.now(), phase=P, minutes=10)]
    real.t += 10
    got = timeline.advance()
    assert kinds(got)[-2:] == [
        ("phase_ended", P, START + timedelta(minutes=60)),
        ("phase_started", A, START + timedelta(minutes=60)),
    ]


async def _yield_to_the_loop(times: int = 5) -> None:
    for _ in range(times):
        await asyncio.sleep(0)


async def test_a_fake_clock_sleeper_wakes_only_when_the_clock_is_advanced_past_its_end() -> None:
    clock = FakeClock(START)
    short, long = (asyncio.create_task(clock.sleep(s)) for s in (30, 90))
    await _yield_to_the_loop()
    assert not short.done() and not long.done()  # no real time makes a fake clock move
    clock.advance(29)
    await _yield_to_the_loop()
    assert not short.done()
    clock.advance(timedelta(seconds=1))
    await _yield_to_the_loop()
    assert short.done() and not long.done()
    clock.set(START + timedelta(minutes=2))
    await _yield_to_the_loop()
    assert long.done()
    await asyncio.wait_for(clock.sleep(0), 10)  # nothing to wait for: back at once
    await asyncio.wait_for(clock.sleep(-5), 10)


async def test_a_cancelled_fake_sleeper_is_forgotten() -> None:
    clock = FakeClock(START)
    sleeper = asyncio.create_task(clock.sleep(10))
    await _yield_to_the_loop()
    sleeper.cancel()
    await _yield_to_the_loop()
    clock.advance(60)  # nothing left to wake, nothing raised
    await _yield_to_the_loop()
    assert sleeper.cancelled()


async def test_the_accelerated_clock_sleeps_its_exam_seconds_in_real_seconds_divided_by_n(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slept: list[float] = []

    async def real_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr("server.core.clock.asyncio.sleep", real_sleep)
    await AcceleratedClock(60, START).sleep(3600)
    await SystemClock().sleep(2.5)
    assert slept == [60, 2.5]
