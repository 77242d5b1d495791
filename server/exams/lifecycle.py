"""Start-up and shutdown of the exam clock."""

from __future__ import annotations

from server.core.context import AppContext
from server.exams import timeline_service


async def start_clock(ctx: AppContext) -> None:
    """Applies the deadlines that passed while the server was down, in order, then keeps the
    clock running (not in test mode: tests advance a fake clock and call `advance_all`)."""
    leadership = ctx.services.get("leadership")
    if leadership is None or leadership.is_leader:  # a follower replica leaves it to the leader
        await timeline_service.advance_all(ctx)
    if ctx.settings.mode != "test":
        scheduler = timeline_service.Scheduler(ctx)
        ctx.services["timeline_scheduler"] = scheduler
        scheduler.start()


async def stop_clock(ctx: AppContext) -> None:
    scheduler = ctx.services.pop("timeline_scheduler", None)
    if scheduler is not None:
        await scheduler.stop()
