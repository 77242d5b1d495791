"""The simulations played listen to the timeline: the end of the calls phase records the
simulations not played. Registered before the clock applies, at start-up, the deadlines that
passed while the server was down; then every candidate still open is swept once (a stop between
the phase's end and its record leaves nothing unrecorded)."""

from __future__ import annotations

from server.core.context import AppContext
from server.exams import timeline_service
from server.progress import service


async def sweep_unplayed(ctx: AppContext) -> None:
    for candidate_id in await timeline_service.active_candidates(ctx):
        await service.record_unplayed(ctx, candidate_id)


async def start_progress(ctx: AppContext) -> None:
    """With replicas, the clock's leader sweeps (now, or when it is elected later)."""
    if service.on_timeline not in timeline_service.LISTENERS:
        timeline_service.LISTENERS.append(service.on_timeline)
    if sweep_unplayed not in timeline_service.ON_ELECTED:
        timeline_service.ON_ELECTED.append(sweep_unplayed)
    leadership = ctx.services.get("leadership")
    if leadership is None or leadership.is_leader:
        await sweep_unplayed(ctx)
