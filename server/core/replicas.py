"""Start-up and shutdown of what web replicas share: the event bus (first up, last down)."""

from __future__ import annotations

from server.core.bus import start_bus, stop_bus
from server.core.context import AppContext


async def start_replica(ctx: AppContext) -> None:
    await start_bus(ctx.bus)


async def stop_replica(ctx: AppContext) -> None:
    await stop_bus(ctx.bus)
