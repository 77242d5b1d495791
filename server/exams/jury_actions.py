"""The jury's and the consoles' actions: a juror's assignments, the exam's snapshot for a
console, an incident reported."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.context import AppContext
from server.core.identity import Capacity, Principal, Role
from server.exams import (
    overview,
    timeline_service,
)
from server.exams.models import Candidate, JuryAssignment
from server.exams.schemas import (
    AssignmentOut,
)


async def assignments_of(session: AsyncSession, juror_id: str) -> list[AssignmentOut]:
    """The candidates a juror is assigned to, in the session's order."""
    rows = await session.execute(
        select(JuryAssignment.capacity, Candidate)
        .join(Candidate, Candidate.participant_id == JuryAssignment.candidate_id)
        .where(JuryAssignment.juror_id == juror_id)
        .order_by(Candidate.position, Candidate.last_name, Candidate.first_name)
    )
    return [
        AssignmentOut(
            candidate_id=cand.participant_id,
            name=f"{cand.first_name} {cand.last_name.upper()}",
            capacity=Capacity(capacity),
            position=cand.position,
        )
        for capacity, cand in rows
    ]


async def exam_snapshot(
    ctx: AppContext, session: AsyncSession, principal: Principal
) -> dict[str, Any]:
    """What a page gets on connect: a candidate its own clock (not the proctor's incident
    list), the staff the candidates they may see with their names."""
    ids = await overview.visible_candidates(session, principal)
    data = await overview.candidate_overview(ctx, session, ids)
    if principal.role is Role.CANDIDATE:
        if not data:
            return {}
        mine = timeline_service.candidate_view(data[principal.subject_id].timeline)
        return {"timeline": mine.model_dump(mode="json")}
    names = {
        c.participant_id: f"{c.first_name} {c.last_name.upper()}"
        for c in [await session.get(Candidate, cid) for cid in ids]
        if c is not None
    }
    candidates = {cid: live.model_dump(mode="json") for cid, live in data.items()}
    return {"candidates": candidates, "names": names}


async def report_incident(
    ctx: AppContext, *, candidate_id: str, kind: str, detail: str, actor: str
) -> None:
    """A technical or lockdown incident of the candidate's exam (ValueError: unknown kind)."""
    await overview.report_incident(
        ctx, candidate_id=candidate_id, kind=kind, detail=detail, actor=actor
    )
