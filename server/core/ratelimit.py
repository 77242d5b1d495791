"""Sign-in rate limiting: a sliding window of FAILED attempts per client address and per
attempted code or account. Successful sign-ins are not counted: a classroom of candidates
behind one address signs in without being refused.

One web process: `RateLimiter`, in memory (losing the counters on a restart is harmless).
Replicas (`PLATEAU_REDIS_URL`): `RedisRateLimiter`, the same window in Redis (a sorted set of
failure instants per key), so a guesser spreading attempts over the replicas meets one limit.
"""

from __future__ import annotations

import logging
import uuid
from collections import deque
from datetime import datetime, timedelta

from redis.asyncio import Redis
from redis.exceptions import RedisError

from server.core.clock import Clock

log = logging.getLogger(__name__)
WINDOW = timedelta(minutes=1)
MAX_KEYS = 50_000


class RateLimiter:
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

    async def blocked(self, *keys: str) -> bool:
        """True if any key has failed `per_window` times within the window."""
        now = self._clock.now()
        return any(len(self._recent(key, now)) >= self._per_window for key in keys)

    async def failed(self, *keys: str) -> None:
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


class RedisRateLimiter:
    """Redis away: each replica counts on its own meanwhile (never fails open)."""

    def __init__(self, redis: Redis, prefix: str, clock: Clock, per_window: int) -> None:
        self._redis = redis
        self._prefix = f"{prefix}:signin"
        self._clock = clock
        self._per_window = per_window
        self._local = RateLimiter(clock, per_window)

    async def blocked(self, *keys: str) -> bool:
        try:
            return await self._blocked(*keys) or await self._local.blocked(*keys)
        except (RedisError, OSError):
            log.warning("limites de connexion partagées indisponibles (Redis)", exc_info=True)
            return await self._local.blocked(*keys)

    async def failed(self, *keys: str) -> None:
        await self._local.failed(*keys)
        try:
            await self._failed(*keys)
        except (RedisError, OSError):
            log.warning("limites de connexion partagées indisponibles (Redis)", exc_info=True)

    async def _blocked(self, *keys: str) -> bool:
        now = self._clock.now().timestamp()
        async with self._redis.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.zremrangebyscore(f"{self._prefix}:{key}", "-inf", now - WINDOW.total_seconds())
                pipe.zcard(f"{self._prefix}:{key}")
            counts = (await pipe.execute())[1::2]
        return any(int(n) >= self._per_window for n in counts)

    async def _failed(self, *keys: str) -> None:
        now = self._clock.now().timestamp()
        ttl = int(WINDOW.total_seconds()) + 1
        async with self._redis.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.zadd(f"{self._prefix}:{key}", {uuid.uuid4().hex: now})
                pipe.expire(f"{self._prefix}:{key}", ttl)
            await pipe.execute()

    def retry_after(self) -> int:
        return int(WINDOW.total_seconds())
