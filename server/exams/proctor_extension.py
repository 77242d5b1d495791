"""Extensions by the proctor: the organiser decides, per session, whether proctors may extend a
candidate's phase and by how many minutes at most at a time (`proctor_extension_minutes`;
None: they may not). A proctor extends only during the phases they supervise (préparation,
rédaction), within that limit; the server checks it on every request, whatever the page shows."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from server.core import audit
from server.core.bus import Bus
from server.core.clock import Clock
from server.core.events import staff_audience
from server.core.referential import PhaseKind
from server.exams import queries
from server.exams.closure import PROCTOR_EXTENSION_MAX_MINUTES, proctor_refusal
from server.exams.events import ProctorExtensionChanged

MAX_MINUTES = PROCTOR_EXTENSION_MAX_MINUTES


async def limit_for(session: AsyncSession, candidate_id: str) -> int | None:
    cand = await queries.get_candidate(session, candidate_id)
    exam = await queries.get_exam(session, cand.exam_session_id)
    return exam.proctor_extension_minutes


def refusal(limit: int | None, minutes: int) -> str | None:
    """Why the organiser's setting refuses this extension to a proctor, or None."""
    if limit is None:
        return (
            "Le responsable de session n'a pas autorisé les surveillants à prolonger une phase : "
            "adressez-vous à lui."
        )
    if minutes > limit:
        return f"Un surveillant peut prolonger une phase de {limit} min au plus à la fois."
    return None


def phase_refusal(phase: PhaseKind | None) -> str | None:
    if phase is None:
        return "L'épreuve n'est pas en cours."
    return proctor_refusal(phase)


async def set_limit(
    session: AsyncSession,
    *,
    exam_session_id: str,
    minutes: int | None,
    actor: str,
    clock: Clock,
    bus: Bus,
) -> int | None:
    if minutes is not None and not 1 <= minutes <= MAX_MINUTES:
        raise ValueError(f"La durée doit être comprise entre 1 et {MAX_MINUTES} minutes.")
    exam = await queries.get_exam(session, exam_session_id)
    exam.proctor_extension_minutes = minutes
    await audit.record(
        session,
        clock=clock,
        actor=actor,
        action="session.proctor_extension",
        exam_session_id=exam.id,
        subject=exam.id,
        details={"minutes": minutes},
    )
    await session.commit()
    bus.publish(
        staff_audience(exam.id),
        ProctorExtensionChanged(exam_session_id=exam.id, minutes=minutes),
    )
    return minutes
