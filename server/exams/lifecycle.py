"""Start-up and shutdown of the exam clock."""

from __future__ import annotations

from server.core.context import AppContext
from server.exams import outages, timeline_service


async def give_back_outage(ctx: AppContext) -> None:
    """First of all: the time the candidates lost while the server was down is given back
    (before any deadline that passed meanwhile is applied)."""
    await outages.at_start_up(ctx)


async def start_clock(ctx: AppContext) -> None:
    """Applies the deadlines that passed while the server was down, in order, then keeps the
    clock running and the heartbeat beating (with background tasks; tests turn them off,
    advance a fake clock and call `advance_all`)."""
    leadership = ctx.services.leadership
    if leadership is None or leadership.is_leader:  # a follower replica leaves it to the leader
        await timeline_service.advance_all(ctx)
    if ctx.settings.background_tasks:
        scheduler = timeline_service.Scheduler(ctx)
        ctx.services.timeline_scheduler = scheduler
        scheduler.start()
        heart = outages.Heart(ctx)
        ctx.services.heartbeat = heart
        heart.start()


async def stop_clock(ctx: AppContext) -> None:
    """A last beat: the time from this stop to the next start is an outage too."""
    heart, ctx.services.heartbeat = ctx.services.heartbeat, None
    if heart is not None:
        await heart.stop()
    await outages.last_beat(ctx)
    scheduler, ctx.services.timeline_scheduler = ctx.services.timeline_scheduler, None
    if scheduler is not None:
        await scheduler.stop()
