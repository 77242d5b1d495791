"""The candidate's writing tasks (those of the simulations played, or their replacements) and
whether the writing phase was reached."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from server.core.context import AppContext
from server.core.referential import PhaseKind
from server.exams.timeline_state import TimelineState
from server.progress import service as progress
from server.scenarios.pack.simulations import WritingTask


async def writing_tasks(
    ctx: AppContext, session: AsyncSession, candidate_id: str
) -> list[WritingTask]:
    # A task whose simulation was not played is replaced (progress.service.played).
    found = await progress.effective_subset(ctx, session, candidate_id)
    return list(found[1].writing_tasks) if found else []


def writing_reached(state: TimelineState) -> bool:
    """The writing phase has started (it is running, paused or over)."""
    return any(p.phase is PhaseKind.REDACTION and p.started_at is not None for p in state.phases)
