"""The event bus seen by services and sockets, whichever carries it.

- One web process (the default, SQLite or PostgreSQL without `PLATEAU_REDIS_URL`): the
  in-memory `EventBus` of `server/core/events.py`.
- Replicas (`PLATEAU_REDIS_URL` set): `RedisEventBus` (`server/core/redis_bus.py`): every
  publication goes through Redis, which numbers it per audience, so a socket on any replica
  receives every event of its audiences, in the same order everywhere.

Services call `publish` (synchronous, never blocks on the network); the WebSocket edge calls
`subscribe`/`unsubscribe` and reads `Subscription.queue`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from server.core.events import Event, EventBus, Subscription

if TYPE_CHECKING:
    from server.core.config import Settings


class Bus(Protocol):
    def subscribe(self, audiences: Iterable[str]) -> Subscription: ...

    def unsubscribe(self, sub: Subscription) -> None: ...

    def publish(self, audiences: str | Iterable[str], event: Event) -> None: ...

    def subscriber_count(self, audience: str) -> int: ...


async def start_bus(bus: Bus) -> None:
    start = getattr(bus, "start", None)
    if start is not None:
        await start()


async def stop_bus(bus: Bus) -> None:
    close = getattr(bus, "close", None)
    if close is not None:
        await close()


def build_bus(settings: Settings) -> Bus:
    """In memory for one process; through Redis when replicas share `PLATEAU_REDIS_URL`."""
    if not settings.redis_url:
        return EventBus()
    from server.core.redis_bus import RedisEventBus

    return RedisEventBus(
        settings.redis_url, prefix=settings.redis_prefix, retry_s=settings.redis_retry_s
    )
