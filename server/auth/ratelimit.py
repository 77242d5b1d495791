"""Sign-in rate limiting: a sliding window of FAILED attempts per client address and per
attempted code or account. Successful sign-ins are not counted: a classroom of candidates
behind one address signs in without being refused."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

from server.core.clock import Clock

WINDOW = timedelta(minutes=1)
MAX_KEYS = 50_000


class RateLimiter:
    """In memory on purpose: losing the counters on a restart is harmless."""

    def __init__(self, clock: Clock, per_window: int) -> None:
        self._clock = clock
        self._per_window = per_window
        self._failures: dict[str, deque[datetime]] = {}

    def _recent(self, key: str, now: datetime) -> deque[datetime]:
        failures = self._failures.get(key)
        if failures is None:
            return deque()
        while failures and now - failures[0] > WINDOW:
            failures.popleft()
        return failures

    def blocked(self, *keys: str) -> bool:
        """True if any key has failed `per_window` times within the window."""
        now = self._clock.now()
        return any(len(self._recent(key, now)) >= self._per_window for key in keys)

    def failed(self, *keys: str) -> None:
        """Counts one failed attempt against every key."""
        now = self._clock.now()
        for key in keys:
            self._recent(key, now)
            self._failures.setdefault(key, deque()).append(now)
        if len(self._failures) > MAX_KEYS:
            self._failures = {
                k: v for k, v in self._failures.items() if v and now - v[-1] <= WINDOW
            }

    def retry_after(self) -> int:
        return int(WINDOW.total_seconds())
