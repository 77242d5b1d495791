"""The simulations played listen to the timeline: the end of the calls phase records the
simulations not played."""

from __future__ import annotations

from server.core.context import AppContext
from server.exams import timeline_service
from server.progress import service


async def start_progress(ctx: AppContext) -> None:
    if service.on_timeline not in timeline_service.LISTENERS:
        timeline_service.LISTENERS.append(service.on_timeline)
