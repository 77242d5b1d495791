"""Read models of exam sessions for the organiser's and proctor's consoles."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.errors import PlateauError
from server.core.identity import Capacity, Role
from server.core.referential import Pathway, Title
from server.exams.models import Candidate, ExamSession, JuryAssignment, Participant
from server.exams.schemas import CandidateOut, PersonOut, RemovedOut, SessionDetail, SessionOut
from server.scenarios.models import PackSnapshot


class NotFound(PlateauError, LookupError):
    """Something asked for does not exist (or is not the caller's): HTTP 404."""

    status = 404


def session_out(
    exam: ExamSession, titles: dict[str, Title], pack: PackSnapshot | None = None
) -> SessionOut:
    title = titles.get(exam.title_id)
    try:
        format_name = title.format(exam.format_id).name if title else exam.format_id
    except KeyError:
        format_name = exam.format_id
    return SessionOut(
        id=exam.id,
        centre=exam.centre,
        day=exam.day,
        title_id=exam.title_id,
        format_id=exam.format_id,
        format_name=format_name,
        pack_snapshot_id=exam.pack_snapshot_id,
        pack_label=f"{pack.pack_id} v{pack.version}" if pack else None,
        created_at=exam.created_at,
        proctor_extension_minutes=exam.proctor_extension_minutes,
    )


async def list_sessions(session: AsyncSession, titles: dict[str, Title]) -> list[SessionOut]:
    rows = await session.execute(
        select(ExamSession, PackSnapshot)
        .outerjoin(PackSnapshot, PackSnapshot.id == ExamSession.pack_snapshot_id)
        .order_by(ExamSession.day.desc(), ExamSession.created_at.desc())
    )
    return [session_out(e, titles, pack) for e, pack in rows]


async def get_exam(session: AsyncSession, exam_session_id: str) -> ExamSession:
    exam = await session.get(ExamSession, exam_session_id)
    if exam is None:
        raise NotFound("Session d'examen introuvable.")
    return exam


async def get_candidate(session: AsyncSession, candidate_id: str) -> Candidate:
    cand = await session.get(Candidate, candidate_id)
    if cand is None:
        raise NotFound("Candidat introuvable.")
    return cand


async def candidates_of(session: AsyncSession, exam_session_id: str) -> list[CandidateOut]:
    cands = (
        await session.scalars(
            select(Candidate)
            .where(Candidate.exam_session_id == exam_session_id)
            .order_by(Candidate.position)
        )
    ).all()
    assignments = (
        await session.scalars(
            select(JuryAssignment).where(
                JuryAssignment.candidate_id.in_([c.participant_id for c in cands])
            )
        )
    ).all()
    jury: dict[tuple[str, str], str] = {
        (a.candidate_id, a.capacity): a.juror_id for a in assignments
    }
    return [
        CandidateOut(
            id=c.participant_id,
            last_name=c.last_name,
            first_name=c.first_name,
            display_name=f"{c.first_name} {c.last_name.upper()}",
            pathway=Pathway(c.pathway),
            pathway_label=Pathway(c.pathway).label,
            position=c.position,
            client_juror_id=jury.get((c.participant_id, Capacity.CLIENT.value)),
            observer_juror_id=jury.get((c.participant_id, Capacity.OBSERVER.value)),
        )
        for c in cands
    ]


async def session_detail(
    session: AsyncSession, exam_session_id: str, titles: dict[str, Title]
) -> SessionDetail:
    exam = await get_exam(session, exam_session_id)
    pack = await session.get(PackSnapshot, exam.pack_snapshot_id) if exam.pack_snapshot_id else None
    staff = (
        await session.scalars(
            select(Participant)
            .where(Participant.exam_session_id == exam_session_id)
            .order_by(Participant.role, Participant.created_at)
        )
    ).all()
    removed = [p for p in staff if p.removed_at is not None]
    removed.sort(key=lambda p: p.removed_at or p.created_at)
    return SessionDetail(
        session=session_out(exam, titles, pack),
        candidates=await candidates_of(session, exam_session_id),
        staff=[
            PersonOut(id=p.id, role=Role(p.role), display_name=p.display_name)
            for p in staff
            if p.role != Role.CANDIDATE.value and p.removed_at is None
        ],
        removed=[
            RemovedOut(
                id=p.id,
                role=Role(p.role),
                display_name=p.display_name,
                removed_at=p.removed_at,
                reason=p.removed_reason or "",
            )
            for p in removed
        ],
    )
