"""Sign-in rate limiting: a sliding window per client address and per attempted code."""

from __future__ import annotations

from collections import deque
from datetime import timedelta

from server.core.clock import Clock

WINDOW = timedelta(minutes=1)
MAX_KEYS = 50_000


class RateLimiter:
    """In memory on purpose: losing the counters on a restart is harmless."""

    def __init__(self, clock: Clock, per_window: int) -> None:
        self._clock = clock
        self._per_window = per_window
        self._hits: dict[str, deque] = {}

    def allow(self, *keys: str) -> bool:
        """Counts one attempt against every key; refuses if any key is over its limit."""
        now = self._clock.now()
        over = False
        for key in keys:
            hits = self._hits.setdefault(key, deque())
            while hits and now - hits[0] > WINDOW:
                hits.popleft()
            over = over or len(hits) >= self._per_window
            hits.append(now)
        if len(self._hits) > MAX_KEYS:
            self._hits = {k: v for k, v in self._hits.items() if v and now - v[-1] <= WINDOW}
        return not over

    def retry_after(self) -> int:
        return int(WINDOW.total_seconds())
