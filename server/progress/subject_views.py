"""Subject edges: the candidate's dossier and the jury's run sheet."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from server.core.identity import Principal, Role
from server.progress import subject
from server.progress.schemas import CandidateSubjectOut, JurySubjectOut
from server.web.access import CtxDep, Scope, SessionDep, allow

router = APIRouter(prefix="/api/candidates/{candidate_id}/subject", tags=["subject"])

Candidate = Annotated[
    Principal,
    Depends(allow(Role.CANDIDATE, Role.JUROR, Role.ORGANISER, scope=Scope.CANDIDATE)),
]
Jury = Annotated[Principal, Depends(allow(Role.JUROR, Role.ORGANISER, scope=Scope.CANDIDATE))]


@router.get("")
async def candidate_subject(
    candidate_id: str, ctx: CtxDep, session: SessionDep, _: Candidate
) -> CandidateSubjectOut:
    return CandidateSubjectOut.model_validate(
        await subject.candidate_subject(ctx, session, candidate_id)
    )


@router.get("/jury")
async def jury_subject(
    candidate_id: str, ctx: CtxDep, session: SessionDep, _: Jury
) -> JurySubjectOut:
    return JurySubjectOut.model_validate(await subject.jury_subject(ctx, session, candidate_id))
