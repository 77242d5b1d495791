"""The candidate's timeline as the consoles drive it: read (the candidate's view or the
staff's), started, planned, paused, resumed, extended, accommodated, the interviews opened and
closed, a phase ended early, the exam closed (`timeline_service` runs each command)."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from sqlalchemy.ext.asyncio import AsyncSession

from server.core.context import AppContext
from server.exams import (
    proctor_extension,
    timeline_service,
)
from server.exams.closure import PROCTOR_PHASES, StopReason
from server.exams.timeline import Timeline, TimelineError
from server.exams.timeline_facts import Accommodation, TimelineFact
from server.exams.timeline_state import TimelineState


async def timeline_of(
    ctx: AppContext, session: AsyncSession, candidate_id: str, *, for_candidate: bool
) -> TimelineState:
    state = (await timeline_service.load(ctx, session, candidate_id)).state()
    return timeline_service.candidate_view(state) if for_candidate else state


async def _run(
    ctx: AppContext, candidate_id: str, command: timeline_service.Command, actor: str
) -> TimelineState:
    return await timeline_service.run(ctx, candidate_id, command, actor=actor)


async def start(ctx: AppContext, candidate_id: str, *, actor: str) -> TimelineState:
    return await _run(ctx, candidate_id, lambda t: t.start(by=actor), actor)


async def plan_start(
    ctx: AppContext, session: AsyncSession, candidate_id: str, at: datetime | None, *, actor: str
) -> None:
    """Staggered starts: the scheduler starts the candidate at `at`."""
    await timeline_service.plan_start(ctx, session, candidate_id, at, actor=actor)


async def pause(ctx: AppContext, candidate_id: str, reason: str, *, actor: str) -> TimelineState:
    return await _run(ctx, candidate_id, lambda t: t.pause(reason, by=actor), actor)


async def resume(ctx: AppContext, candidate_id: str, *, actor: str) -> TimelineState:
    return await _run(ctx, candidate_id, lambda t: t.resume(by=actor), actor)


async def proctor_extension_refusal(
    session: AsyncSession, candidate_id: str, minutes: int
) -> str | None:
    """Why a proctor may not extend this candidate's phase by `minutes` (None: they may)."""
    limit = await proctor_extension.limit_for(session, candidate_id)
    return proctor_extension.refusal(limit, minutes)


async def extend(
    ctx: AppContext,
    candidate_id: str,
    minutes: int,
    reason: str,
    *,
    actor: str,
    proctor: bool,
) -> TimelineState:
    """Extends the running phase; a proctor only during the phases they supervise."""

    def command(t: Timeline) -> list[TimelineFact]:
        why = proctor_extension.phase_refusal(t.state().phase) if proctor else None
        if why:
            raise TimelineError(why)
        return t.extend(minutes, reason, by=actor)

    return await _run(ctx, candidate_id, command, actor)


async def set_accommodation(
    ctx: AppContext,
    candidate_id: str,
    *,
    tiers_temps: bool,
    extra_percent: int,
    extra_minutes: int,
    note: str,
    actor: str,
) -> TimelineState:
    ratio = Fraction(1, 3) if tiers_temps else Fraction(extra_percent, 100)
    accommodation = Accommodation(
        extra_ratio=ratio,
        extra_minutes=extra_minutes,
        note=note or ("Tiers-temps" if tiers_temps else ""),
    )

    def command(t: Timeline) -> list[TimelineFact]:
        return t.set_accommodation(accommodation, by=actor)

    return await _run(ctx, candidate_id, command, actor)


async def open_interview(ctx: AppContext, candidate_id: str, *, actor: str) -> TimelineState:
    return await _run(ctx, candidate_id, lambda t: t.open_interview(by=actor), actor)


async def close_interview(ctx: AppContext, candidate_id: str, *, actor: str) -> TimelineState:
    return await _run(ctx, candidate_id, lambda t: t.close_interview(by=actor), actor)


async def end_phase_early(
    ctx: AppContext,
    candidate_id: str,
    reason: StopReason,
    comment: str,
    *,
    actor: str,
    proctor: bool,
) -> TimelineState:
    """Ends the running timed phase now (a proctor: during the phases they supervise)."""
    only = PROCTOR_PHASES if proctor else None
    return await _run(
        ctx,
        candidate_id,
        lambda t: t.end_phase_early(reason, comment, by=actor, only=only),
        actor,
    )


async def close_exam(
    ctx: AppContext,
    candidate_id: str,
    reason: StopReason,
    comment: str,
    *,
    actor: str,
    proctor: bool,
) -> TimelineState:
    """Closes the candidate's exam now (abandon, fraud, breakdown, jury's request)."""
    only = PROCTOR_PHASES if proctor else None
    return await _run(
        ctx,
        candidate_id,
        lambda t: t.close_exam(reason, comment, by=actor, only=only),
        actor,
    )
