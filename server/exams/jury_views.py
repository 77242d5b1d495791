"""The juror's own assignments: for each candidate, whether the juror plays the client or
observes (the jury page picks the console from it). Read-only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.domain import Capacity, Principal, Role
from server.exams.models import Candidate, JuryAssignment
from server.web.access import SessionDep, allow

router = APIRouter(prefix="/api/jury", tags=["jury"])
Juror = Annotated[Principal, Depends(allow(Role.JUROR))]


class AssignmentOut(BaseModel):
    candidate_id: str
    name: str  # « Alice DURAND »
    capacity: Capacity
    position: int


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


@router.get("/assignments")
async def my_assignments(session: SessionDep, who: Juror) -> list[AssignmentOut]:
    return await assignments_of(session, who.subject_id)
