"""Timeline edges: the organiser starts and plans; organiser, jury and proctor handle incidents."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import Field

from server.auth.domain import Principal, Role
from server.core.text import Text
from server.exams import proctor_extension
from server.exams import timeline_service as service
from server.exams.closure import COMMENT_MAX, PROCTOR_PHASES, StopReason
from server.exams.schemas import In
from server.exams.timeline import Timeline, TimelineError
from server.exams.timeline_facts import Accommodation
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


class PauseIn(In):
    reason: Annotated[str, Text(300)] = Field(min_length=1)


class ExtendIn(In):
    minutes: int = Field(ge=1, le=240)
    reason: Annotated[str, Text(300)] = Field(min_length=1)


class AccommodationIn(In):
    tiers_temps: bool = False  # exactly one third more on every timed phase
    extra_percent: int = Field(default=0, ge=0, le=100)
    extra_minutes: int = Field(default=0, ge=0, le=120)
    note: Annotated[str, Text(200)] = ""


class PlanIn(In):
    planned_start: datetime | None


class StopIn(In):
    reason: StopReason
    comment: Annotated[str, Text(COMMENT_MAX)] = Field(min_length=1)


async def _run(ctx: CtxDep, candidate_id: str, command: service.Command, who: Principal) -> Any:
    state = await service.run(ctx, candidate_id, command, actor=who.actor)
    return service.state_payload(state)


@router.get("")
async def get_timeline(
    candidate_id: str, ctx: CtxDep, session: SessionDep, who: Anyone
) -> dict[str, Any]:
    state = (await service.load(ctx, session, candidate_id)).state()
    if who.role is Role.CANDIDATE:
        return service.candidate_payload(state)
    return service.state_payload(state)


@router.post("/start")
async def start(candidate_id: str, ctx: CtxDep, who: Organiser) -> dict[str, Any]:
    return await _run(ctx, candidate_id, lambda t: t.start(by=who.actor), who)


@router.put("/plan")
async def plan_start(
    candidate_id: str, body: PlanIn, ctx: CtxDep, session: SessionDep, who: Organiser
) -> dict[str, Any]:
    """Staggered starts: the scheduler starts the candidate at `planned_start`."""
    await service.plan_start(ctx, session, candidate_id, body.planned_start, actor=who.actor)
    return {"planned_start": body.planned_start}


@router.post("/pause")
async def pause(candidate_id: str, body: PauseIn, ctx: CtxDep, who: Incidents) -> dict[str, Any]:
    return await _run(ctx, candidate_id, lambda t: t.pause(body.reason, by=who.actor), who)


@router.post("/resume")
async def resume(candidate_id: str, ctx: CtxDep, who: Incidents) -> dict[str, Any]:
    return await _run(ctx, candidate_id, lambda t: t.resume(by=who.actor), who)


@router.post("/extend")
async def extend(
    candidate_id: str, body: ExtendIn, ctx: CtxDep, session: SessionDep, who: Extenders
) -> dict[str, Any]:
    proctor = who.role is Role.PROCTOR
    if proctor:
        limit = await proctor_extension.limit_for(session, candidate_id)
        why = proctor_extension.refusal(limit, body.minutes)
        if why:
            raise HTTPException(status.HTTP_403_FORBIDDEN, why)

    def command(t: Timeline) -> list[Any]:
        why = proctor_extension.phase_refusal(t.state().phase) if proctor else None
        if why:
            raise TimelineError(why)
        return t.extend(body.minutes, body.reason, by=who.actor)

    return await _run(ctx, candidate_id, command, who)


@router.put("/accommodation")
async def set_accommodation(
    candidate_id: str, body: AccommodationIn, ctx: CtxDep, who: Organiser
) -> dict[str, Any]:
    ratio = Fraction(1, 3) if body.tiers_temps else Fraction(body.extra_percent, 100)
    accommodation = Accommodation(
        extra_ratio=ratio,
        extra_minutes=body.extra_minutes,
        note=body.note or ("Tiers-temps" if body.tiers_temps else ""),
    )

    def command(t: Timeline) -> list[Any]:
        return t.set_accommodation(accommodation, by=who.actor)

    return await _run(ctx, candidate_id, command, who)


@router.post("/interview/open")
async def open_interview(candidate_id: str, ctx: CtxDep, who: Jury) -> dict[str, Any]:
    return await _run(ctx, candidate_id, lambda t: t.open_interview(by=who.actor), who)


@router.post("/interview/close")
async def close_interview(candidate_id: str, ctx: CtxDep, who: Jury) -> dict[str, Any]:
    return await _run(ctx, candidate_id, lambda t: t.close_interview(by=who.actor), who)


@router.post("/end-phase")
async def end_phase_early(
    candidate_id: str, body: StopIn, ctx: CtxDep, who: Stoppers
) -> dict[str, Any]:
    """Ends the running timed phase now, with a reason from the list and a comment."""
    only = PROCTOR_PHASES if who.role is Role.PROCTOR else None
    return await _run(
        ctx,
        candidate_id,
        lambda t: t.end_phase_early(body.reason, body.comment, by=who.actor, only=only),
        who,
    )


@router.post("/close")
async def close_exam(candidate_id: str, body: StopIn, ctx: CtxDep, who: Stoppers) -> dict[str, Any]:
    """Closes the candidate's exam now (abandon, fraud, breakdown, jury's request)."""
    only = PROCTOR_PHASES if who.role is Role.PROCTOR else None
    return await _run(
        ctx,
        candidate_id,
        lambda t: t.close_exam(body.reason, body.comment, by=who.actor, only=only),
        who,
    )
