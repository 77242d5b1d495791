"""What a call asks of the candidate's exam: the calls phase running, a free line, the
parties named in the recording's sidecar."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.context import AppContext
from server.core.identity import Capacity
from server.core.referential import PhaseKind
from server.exams import timeline_service
from server.exams.models import Candidate, JuryAssignment, Participant
from server.exams.timeline_state import Status, TimelineState
from server.telephony.call_records import live_call, pending_wrap_up
from server.telephony.errors import CallRefused
from server.telephony.models import CallRow


@dataclass
class CallExam:
    candidate: Candidate
    state: TimelineState


async def exam_of(ctx: AppContext, session: AsyncSession, candidate_id: str) -> CallExam:
    candidate = await session.get(Candidate, candidate_id)
    if candidate is None:
        raise CallRefused("Candidat introuvable.")
    timeline = await timeline_service.load(ctx, session, candidate_id)
    return CallExam(candidate, timeline.state())


async def parties_of(session: AsyncSession, candidate: Candidate, row: CallRow) -> dict[str, str]:
    """Who is on the call, for the recording's sidecar (an appeal reads it without the app)."""
    client = await session.scalar(
        select(Participant)
        .join(JuryAssignment, JuryAssignment.juror_id == Participant.id)
        .where(
            JuryAssignment.candidate_id == candidate.participant_id,
            JuryAssignment.capacity == Capacity.CLIENT.value,
        )
    )
    return {
        "candidate": candidate.participant_id,
        "candidate_name": f"{candidate.first_name} {candidate.last_name.upper()}",
        "client": client.id if client else "",
        "client_name": client.display_name if client else "",
        "simulation": row.simulation_id or "",
    }


def require_calls_phase(exam: CallExam) -> None:
    if exam.state.phase is not PhaseKind.APPELS:
        raise CallRefused("Les appels ne sont possibles que pendant la phase « Appels ».")
    if exam.state.status is not Status.RUNNING:
        raise CallRefused("L'épreuve est en pause : aucun appel ne peut être passé.")


async def require_free_line(session: AsyncSession, candidate_id: str) -> None:
    if await live_call(session, candidate_id) is not None:
        raise CallRefused("Un appel est déjà en cours sur ce poste.")
    if await pending_wrap_up(session, candidate_id) is not None:
        raise CallRefused("Le candidat doit d'abord clôturer l'appel précédent (qualification).")
