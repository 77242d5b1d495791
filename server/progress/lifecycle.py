"""The simulations played listen to the timeline (`service.on_timeline`, in the package's
contribution): the end of the calls phase records the simulations not played. At start-up,
before the clock applies the deadlines that passed while the server was down, every candidate
still open is swept once (a stop between the phase's end and its record leaves nothing
unrecorded)."""

from __future__ import annotations

from server.core.context import AppContext
from server.exams import timeline_service
from server.progress import service


async def sweep_unplayed(ctx: AppContext) -> None:
    for candidate_id in await timeline_service.active_candidates(ctx):
        await service.record_unplayed(ctx, candidate_id)


async def start_progress(ctx: AppContext) -> None:
    """With replicas, the clock's leader sweeps (now, or when it is elected later: the
    contribution's `on_elected`)."""
    leadership = ctx.services.leadership
    if leadership is None or leadership.is_leader:
        await sweep_unplayed(ctx)
