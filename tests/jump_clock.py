"""Real time that a test can move forward: the live servers of the browser tests run on it, so
that a deadline is reached when the test says so instead of after half a minute of waiting —
and a test no longer has to guess how few seconds a loaded machine needs before a deadline."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any


class JumpClock:
    """The system's clock plus an offset that `jump` increases. Whatever sleeps on it (the
    timeline's scheduler waiting for a deadline) wakes at a jump and sees the new time. `jump`
    runs on the loop of those sleepers (`LiveServer.jump` puts it there)."""

    def __init__(self, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._system = now
        self._offset = timedelta()
        self._sleepers: set[asyncio.Future[None]] = set()

    def now(self) -> datetime:
        return self._system() + self._offset

    def sleep(self, seconds: float) -> Coroutine[Any, Any, None]:
        """The end is counted from the call, not from the coroutine's first step: a jump that
        comes between the two (the timeline's scheduler sleeps in a task) reaches it."""
        return self._sleep_until(self.now() + timedelta(seconds=max(0.0, seconds)))

    async def _sleep_until(self, until: datetime) -> None:
        loop = asyncio.get_running_loop()
        while (left := (until - self.now()).total_seconds()) > 0:
            woken = loop.create_future()
            self._sleepers.add(woken)
            timer = loop.call_later(left, _wake, woken)
            try:
                await woken
            finally:
                timer.cancel()
                self._sleepers.discard(woken)

    def jump(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += timedelta(seconds=seconds)
        for sleeper in list(self._sleepers):
            _wake(sleeper)


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
