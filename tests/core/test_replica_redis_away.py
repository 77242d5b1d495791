"""Replicas with Redis away (issue 21): a page still connects and the console still answers
(each replica's own view of who is connected), and the sign-in limit still holds (each
replica counts on its own meanwhile; it never fails open)."""

from __future__ import annotations

from redis.asyncio import Redis

from server.core.clock import FakeClock
from server.core.presence import RedisPresence
from server.core.ratelimit import RedisRateLimiter
from tests.ports import free_port


def nowhere() -> Redis:
    port = free_port()  # nobody listens on it
    return Redis.from_url(f"redis://127.0.0.1:{port}/0", socket_connect_timeout=0.5)


async def test_presence_without_redis_is_this_replicas_own() -> None:
    redis, clock = nowhere(), FakeClock()
    presence = RedisPresence(redis, "p")
    try:
        await presence.start()
        first = await presence.connect("cand-1", clock.now())
        assert first.connected and first.sockets == 1
        assert (found := await presence.get("cand-1")) is not None and found.connected
        clock.advance(5)
        gone = await presence.disconnect("cand-1", clock.now())
        assert gone is not None and not gone.connected and gone.since == clock.now()
    finally:
        await presence.close()
        await redis.aclose()


async def test_the_sign_in_limit_holds_without_redis() -> None:
    redis, clock = nowhere(), FakeClock()
    limiter = RedisRateLimiter(redis, "p", clock, per_window=3)
    try:
        for _ in range(3):
            assert not await limiter.blocked("ip:10.0.0.9")
            await limiter.failed("ip:10.0.0.9")
        assert await limiter.blocked("ip:10.0.0.9")
        assert not await limiter.blocked("ip:10.0.0.10")
    finally:
        await redis.aclose()
