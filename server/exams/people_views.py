"""Organiser edges that correct and remove people and choose the session's pack after its
creation. A correction after documents were issued issues their new versions (the earlier ones
are kept, server/documents/issued.py); a removal signs the person out at once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from server.core.identity import Principal, Role
from server.documents import issued
from server.documents.schemas import IssuedOut
from server.exams import service
from server.exams.people import Change
from server.exams.schemas import (
    CandidateCorrection,
    CandidateOut,
    PackChoice,
    ParticipantRemoved,
    PersonOut,
    RemovalIn,
    SessionOut,
    StaffCorrection,
)
from server.web.access import CtxDep, Scope, SessionDep, allow

router = APIRouter(prefix="/api/sessions/{session_id}", tags=["sessions"])
OrganiserOfSession = Annotated[Principal, Depends(allow(Role.ORGANISER, scope=Scope.SESSION))]


# The two answers that carry documents are declared here rather than in server/exams/schemas.py:
# that module importing server.documents would make a package cycle (documents reads exams).
class CandidateCorrected(BaseModel):
    """The candidate as corrected, and the documents issued again because they name them."""

    candidate: CandidateOut
    reissued: list[IssuedOut]


class StaffCorrected(BaseModel):
    """The juror or proctor as corrected, and the documents issued again."""

    person: PersonOut
    reissued: list[IssuedOut]


async def _reissue(ctx: CtxDep, session_id: str, change: Change, who: Principal) -> list[IssuedOut]:
    docs = await issued.reissue_after_change(
        ctx,
        exam_session_id=session_id,
        candidate_ids=change.candidate_ids,
        reason=f"Correction — {change.summary}",
        actor=who.actor,
    )
    return [issued.issued_model(d, ctx) for d in docs]


@router.patch("/candidates/{candidate_id}")
async def correct_candidate(
    session_id: str,
    candidate_id: str,
    body: CandidateCorrection,
    ctx: CtxDep,
    session: SessionDep,
    who: OrganiserOfSession,
) -> CandidateCorrected:
    """Corrects a candidate's names (any time) or pathway (before the start)."""
    change = await service.correct_candidate(
        ctx,
        session,
        session_id,
        candidate_id,
        last_name=body.last_name,
        first_name=body.first_name,
        pathway=body.pathway,
        actor=who.actor,
    )
    reissued = await _reissue(ctx, session_id, change, who)
    cand = await service.candidate_out(session, session_id, candidate_id)
    return CandidateCorrected(candidate=cand, reissued=reissued)


@router.patch("/staff/{participant_id}")
async def correct_staff(
    session_id: str,
    participant_id: str,
    body: StaffCorrection,
    ctx: CtxDep,
    session: SessionDep,
    who: OrganiserOfSession,
) -> StaffCorrected:
    """Corrects a juror's or proctor's displayed name."""
    change = await service.correct_staff(
        ctx, session, session_id, participant_id, display_name=body.display_name, actor=who.actor
    )
    reissued = await _reissue(ctx, session_id, change, who)
    person = PersonOut(id=participant_id, role=change.role, **change.after)
    return StaffCorrected(person=person, reissued=reissued)


@router.post("/participants/{participant_id}/remove")
async def remove_participant(
    session_id: str,
    participant_id: str,
    body: RemovalIn,
    ctx: CtxDep,
    session: SessionDep,
    who: OrganiserOfSession,
) -> ParticipantRemoved:
    """Removes someone who has not started; their code and open pages stop working."""
    change, closed = await service.remove_participant(
        ctx, session, session_id, participant_id, reason=body.reason, actor=who.actor
    )
    return ParticipantRemoved(removed=participant_id, role=change.role, pages_closed=closed)


@router.put("/pack")
async def choose_session_pack(
    session_id: str, body: PackChoice, ctx: CtxDep, session: SessionDep, who: OrganiserOfSession
) -> SessionOut:
    """The scenario pack of a session created without one (or changed before any start)."""
    return await service.choose_pack(ctx, session, session_id, body.pack_id, actor=who.actor)
