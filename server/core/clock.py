"""Time behind one seam: domain code takes a Clock, tests pass a FakeClock.

A timer that waits for exam time (a deadline, a ring time-out, the exam clock's next wake-up)
sleeps on the clock (`await clock.sleep(seconds)`), so that a test moves it with a FakeClock
instead of waiting real seconds. Transport loops (retries, heartbeats, polls) sleep in real
time, every interval taken from the settings."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Returns once `seconds` of this clock's time have passed (at once if ≤ 0)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class FixedClock:
    """Always the same instant: what a state machine is given to date an action that was
    asked earlier than it could be written."""

    def __init__(self, at: datetime) -> None:
        self._at = at

    def now(self) -> datetime:
        return self._at

    async def sleep(self, seconds: float) -> None:
        """Its time never passes: only a sleep of nothing ends."""
        if seconds > 0:
            await asyncio.Event().wait()


class FakeClock:
    """A clock that moves only when told to; `advance` and `set` wake the sleepers whose end
    they reach (from the test's thread too: a TestClient runs the app in another one)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
        self._sleepers: list[tuple[datetime, asyncio.Future[None]]] = []
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta | float) -> None:
        self.set(self._now + (delta if isinstance(delta, timedelta) else timedelta(seconds=delta)))

    def set(self, instant: datetime) -> None:
        with self._lock:
            self._now = instant
            due = [f for end, f in self._sleepers if end <= instant]
            self._sleepers = [(end, f) for end, f in self._sleepers if end > instant]
        for future in due:
            future.get_loop().call_soon_threadsafe(_wake, future)

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        with self._lock:
            entry = (self._now + timedelta(seconds=seconds), future)
            self._sleepers.append(entry)
        try:
            await future
        finally:
            with self._lock:
                if entry in self._sleepers:
                    self._sleepers.remove(entry)


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class AcceleratedClock:
    """Exam time running `rate` times faster than real time, from `start` (default: now): a
    rehearsal of a four-hour title session in a few minutes (`plateau demo --speed N`). Every
    deadline, warning and pause follows it; whatever sleeps in real time divides by `rate`
    (`real_seconds`), and the pages' countdowns learn the rate from their snapshot."""

    MAX_RATE = 1000.0

    def __init__(
        self,
        rate: float,
        start: datetime | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 1 <= rate <= self.MAX_RATE:
            raise ValueError(f"accélération entre 1 et {self.MAX_RATE:g} attendue, pas {rate:g}")
        self.rate = float(rate)
        self._origin = start or datetime.now(UTC)
        self._monotonic = monotonic
        self._real0 = monotonic()

    def now(self) -> datetime:
        elapsed = (self._monotonic() - self._real0) * self.rate
        return self._origin + timedelta(seconds=elapsed)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self.rate)


def clock_rate(clock: Clock) -> float:
    """How many exam seconds pass per real second (1 but for an AcceleratedClock)."""
    rate = getattr(clock, "rate", 1.0)
    return float(rate) if isinstance(rate, int | float) and rate > 0 else 1.0


def real_seconds(clock: Clock, exam_seconds: float) -> float:
    """How long to sleep, in real seconds, for `exam_seconds` of the clock's time to pass."""
    return exam_seconds / clock_rate(clock)


def as_utc(value: datetime) -> datetime:
    """SQLite returns naive datetimes: every stored instant is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
