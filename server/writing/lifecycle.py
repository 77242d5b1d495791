"""The writing phase listens to the timeline: its deadline freezes the drafts."""

from __future__ import annotations

from server.core.context import AppContext
from server.exams import timeline_service
from server.writing import service


async def start_writing(ctx: AppContext) -> None:
    if service.on_timeline not in timeline_service.LISTENERS:
        timeline_service.LISTENERS.append(service.on_timeline)
