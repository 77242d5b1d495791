"""Ring time-outs across web replicas: the replica where a call rang misses it after the ring
time-out (`call_lifecycle.arm_ring_timeout`); if that replica died meanwhile, its timer died
with it, so the leader of the clock (`server/core/leader.py`) sweeps every SWEEP_S for calls
ringing past the time-out + GRACE and misses them. The grace keeps the sweep out of the way of
a living replica's own timer (two actions racing on one call are ordered by the call's
version, issue 15's change to CallRow)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from sqlalchemy import select

from server.core.context import AppContext
from server.core.tasks import cancel_and_wait, raise_if_cancelled
from server.telephony.call_lifecycle import act, ring_timeout
from server.telephony.call_state import CallAction, CallState, Party
from server.telephony.errors import CallRefused
from server.telephony.models import CallRow

log = logging.getLogger(__name__)
SWEEP_S = 1.0
GRACE = timedelta(seconds=2)


async def sweep_ringing(ctx: AppContext) -> int:
    """Misses every call still ringing the time-out + GRACE after it rang; returns how many."""
    deadline = ctx.clock.now() - ring_timeout(ctx) - GRACE
    async with ctx.db.session() as session:
        ids = list(
            await session.scalars(
                select(CallRow.id).where(
                    CallRow.state == CallState.RINGING.value, CallRow.rang_at <= deadline
                )
            )
        )
    missed = 0
    for call_id in ids:
        with contextlib.suppress(CallRefused):
            await act(
                ctx,
                call_id,
                CallAction.MISS,
                party=Party.SYSTEM,
                actor="system:clock",
                enforce_phase=False,
            )
            missed += 1
    return missed


async def _loop(ctx: AppContext) -> None:
    leadership = ctx.services.leadership
    assert leadership is not None
    while True:
        await leadership.elected()
        try:
            await sweep_ringing(ctx)
        except Exception:  # noqa: BLE001 - the database away: the next pass retries
            raise_if_cancelled()
            log.warning("balayage des sonneries impossible", exc_info=True)
        await ctx.clock.sleep(SWEEP_S)  # the deadlines it sweeps are the clock's


async def start_ring_sweep(ctx: AppContext) -> None:
    """Only with replicas (PLATEAU_REDIS_URL) and background tasks (tests call sweep_ringing)."""
    leads = ctx.services.leadership is not None
    if ctx.settings.redis_url and ctx.settings.background_tasks and leads:
        ctx.services.ring_sweep = asyncio.get_running_loop().create_task(_loop(ctx))


async def stop_ring_sweep(ctx: AppContext) -> None:
    task, ctx.services.ring_sweep = ctx.services.ring_sweep, None
    await cancel_and_wait(task)
