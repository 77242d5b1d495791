"""The writing phase listens to the timeline (`service.on_timeline`, in the package's
contribution): its deadline freezes the drafts. A replica that
becomes the clock's leader after another freezes what a leader killed between the deadline's
commit and the freeze left open (issue 21)."""

from __future__ import annotations

from sqlalchemy import select

from server.core.context import AppContext
from server.core.referential import PhaseKind
from server.exams import timeline_service
from server.exams.timeline_facts import PhaseEnded
from server.writing import service
from server.writing.models import Draft


async def freeze_overdue(ctx: AppContext) -> int:
    """Freezes the drafts still open of every candidate whose writing phase has ended."""
    frozen = 0
    for candidate_id in await timeline_service.active_candidates(ctx):
        async with ctx.db.session() as session:
            open_drafts = await session.scalar(
                select(Draft.task_id)
                .where(Draft.candidate_id == candidate_id, Draft.frozen_at.is_(None))
                .limit(1)
            )
            if open_drafts is None:
                continue
            timeline = await timeline_service.load(ctx, session, candidate_id)
        if any(
            isinstance(f, PhaseEnded) and f.phase is PhaseKind.REDACTION for f in timeline.facts
        ):
            frozen += await service.freeze(ctx, candidate_id)
    return frozen
