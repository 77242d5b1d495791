"""Timeline edges: the organiser starts and plans; organiser, jury and proctor handle incidents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from server.core.identity import Principal, Role
from server.exams import service
from server.exams.schemas import AccommodationIn, ExtendIn, PauseIn, PlanIn, PlanOut, StopIn
from server.exams.timeline_state import TimelineState
from server.web.access import CtxDep, Scope, SessionDep, allow

router = APIRouter(prefix="/api/candidates/{candidate_id}/timeline", tags=["timeline"])

ON_CANDIDATE = Scope.CANDIDATE
Anyone = Annotated[
    Principal,
    Depends(allow(Role.ORGANISER, Role.PROCTOR, Role.JUROR, Role.CANDIDATE, scope=ON_CANDIDATE)),
]
Organiser = Annotated[Principal, Depends(allow(Role.ORGANISER, scope=ON_CANDIDATE))]
Incidents = Annotated[
    Principal, Depends(allow(Role.ORGANISER, Role.JUROR, Role.PROCTOR, scope=ON_CANDIDATE))
]
Jury = Annotated[Principal, Depends(allow(Role.ORGANISER, Role.JUROR, scope=ON_CANDIDATE))]
# Extending: the organiser and the jury; a proctor when the organiser allows it, within the
# session's limit and during the phases they supervise (server/exams/proctor_extension.py).
Extenders = Annotated[
    Principal, Depends(allow(Role.ORGANISER, Role.JUROR, Role.PROCTOR, scope=ON_CANDIDATE))
]
# Ending a phase early, closing an exam: the organiser, and the proctor during the phases they
# supervise (server/exams/closure.py).
Stoppers = Annotated[Principal, Depends(allow(Role.ORGANISER, Role.PROCTOR, scope=ON_CANDIDATE))]


@router.get("")
async def get_timeline(
    candidate_id: str, ctx: CtxDep, session: SessionDep, who: Anyone
) -> TimelineState:
    return await service.timeline_of(
        ctx, session, candidate_id, for_candidate=who.role is Role.CANDIDATE
    )


@router.post("/start")
async def start(candidate_id: str, ctx: CtxDep, who: Organiser) -> TimelineState:
    return await service.start(ctx, candidate_id, actor=who.actor)


@router.put("/plan")
async def plan_start(
    candidate_id: str, body: PlanIn, ctx: CtxDep, session: SessionDep, who: Organiser
) -> PlanOut:
    """Staggered starts: the scheduler starts the candidate at `planned_start`."""
    await service.plan_start(ctx, session, candidate_id, body.planned_start, actor=who.actor)
    return PlanOut(planned_start=body.planned_start)


@router.post("/pause")
async def pause(candidate_id: str, body: PauseIn, ctx: CtxDep, who: Incidents) -> TimelineState:
    return await service.pause(ctx, candidate_id, body.reason, actor=who.actor)


@router.post("/resume")
async def resume(candidate_id: str, ctx: CtxDep, who: Incidents) -> TimelineState:
    return await service.resume(ctx, candidate_id, actor=who.actor)


@router.post("/extend")
async def extend(
    candidate_id: str, body: ExtendIn, ctx: CtxDep, session: SessionDep, who: Extenders
) -> TimelineState:
    proctor = who.role is Role.PROCTOR
    if proctor:
        why = await service.proctor_extension_refusal(session, candidate_id, body.minutes)
        if why:
            raise HTTPException(status.HTTP_403_FORBIDDEN, why)
    return await service.extend(
        ctx, candidate_id, body.minutes, body.reason, actor=who.actor, proctor=proctor
    )


@router.put("/accommodation")
async def set_accommodation(
    candidate_id: str, body: AccommodationIn, ctx: CtxDep, who: Organiser
) -> TimelineState:
    return await service.set_accommodation(
        ctx,
        candidate_id,
        tiers_temps=body.tiers_temps,
        extra_percent=body.extra_percent,
        extra_minutes=body.extra_minutes,
        note=body.note,
        actor=who.actor,
    )


@router.post("/interview/open")
async def open_interview(candidate_id: str, ctx: CtxDep, who: Jury) -> TimelineState:
    return await service.open_interview(ctx, candidate_id, actor=who.actor)


@router.post("/interview/close")
async def close_interview(candidate_id: str, ctx: CtxDep, who: Jury) -> TimelineState:
    return await service.close_interview(ctx, candidate_id, actor=who.actor)


@router.post("/end-phase")
async def end_phase_early(
    candidate_id: str, body: StopIn, ctx: CtxDep, who: Stoppers
) -> TimelineState:
    """Ends the running timed phase now, with a reason from the list and a comment."""
    return await service.end_phase_early(
        ctx,
        candidate_id,
        body.reason,
        body.comment,
        actor=who.actor,
        proctor=who.role is Role.PROCTOR,
    )


@router.post("/close")
async def close_exam(candidate_id: str, body: StopIn, ctx: CtxDep, who: Stoppers) -> TimelineState:
    """Closes the candidate's exam now (abandon, fraud, breakdown, jury's request)."""
    return await service.close_exam(
        ctx,
        candidate_id,
        body.reason,
        body.comment,
        actor=who.actor,
        proctor=who.role is Role.PROCTOR,
    )
