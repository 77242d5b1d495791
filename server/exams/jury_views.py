"""The juror's own assignments: for each candidate, whether the juror plays the client or
observes (the jury page picks the console from it). Read-only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from server.core.identity import Principal, Role
from server.exams import service
from server.exams.schemas import AssignmentOut
from server.web.access import SessionDep, allow

router = APIRouter(prefix="/api/jury", tags=["jury"])
Juror = Annotated[Principal, Depends(allow(Role.JUROR))]


@router.get("/assignments")
async def my_assignments(session: SessionDep, who: Juror) -> list[AssignmentOut]:
    return await service.assignments_of(session, who.subject_id)
