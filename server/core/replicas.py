"""What web replicas share, and its start-up and shutdown: the event bus (first up, last
down), the leadership of the clock (`server/core/leader.py`, in `ctx.services.leadership`),
presence and the sign-in limits (in Redis when `PLATEAU_REDIS_URL` is set, else in memory)."""

from __future__ import annotations

from redis.asyncio import Redis

from server.core.bus import start_bus, stop_bus
from server.core.clock import Clock
from server.core.config import Settings
from server.core.context import AppContext
from server.core.leader import build_leadership
from server.core.presence import PresenceTracker, RedisPresence
from server.core.ratelimit import RateLimiter, RedisRateLimiter


def shared_state(
    settings: Settings, clock: Clock
) -> tuple[RateLimiter | RedisRateLimiter, PresenceTracker | RedisPresence, Redis | None]:
    """The sign-in limiter and the presence, and the Redis client to close at the end."""
    per_window = settings.login_attempts_per_minute
    if not settings.redis_url:
        return RateLimiter(clock, per_window), PresenceTracker(), None
    redis = Redis.from_url(settings.redis_url)
    prefix = settings.redis_prefix
    return (
        RedisRateLimiter(redis, prefix, clock, per_window),
        RedisPresence(redis, prefix, heartbeat_s=settings.presence_heartbeat_s),
        redis,
    )


async def start_replica(ctx: AppContext) -> None:
    await start_bus(ctx.bus)
    settings = ctx.settings
    if ctx.services.leadership is None:  # tests may put their own
        ctx.services.leadership = build_leadership(
            settings.database_url,
            settings.redis_prefix,
            election=settings.leader_election,
            retry_s=settings.leader_retry_s,
        )
    await ctx.services.leadership.start()
    if isinstance(ctx.presence, RedisPresence):
        await ctx.presence.start()


async def stop_replica(ctx: AppContext) -> None:
    if isinstance(ctx.presence, RedisPresence):
        await ctx.presence.close()
    leadership = ctx.services.leadership
    if leadership is not None:
        await leadership.stop()
    await stop_bus(ctx.bus)
    redis, ctx.services.replica_redis = ctx.services.replica_redis, None
    if redis is not None:
        await redis.aclose()
