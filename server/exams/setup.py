"""Use-cases of setting up an exam day: sessions, candidates, jurors, proctors, access codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core import audit, revocation
from server.core.bus import Bus
from server.core.clock import Clock
from server.core.db import new_id
from server.core.errors import PlateauError
from server.core.identity import Capacity, Role, access_code, code_digest
from server.core.referential import Pathway, Title
from server.core.revocation import LiveSessions
from server.exams.models import Candidate, ExamSession, JuryAssignment, Participant

CODES_VALID_AFTER_DAY = timedelta(days=1)


class SetupError(PlateauError, ValueError):
    """A refused setup change; the message is French and safe to show."""

    status = 422


@dataclass(frozen=True)
class CodeLine:
    participant_id: str
    role: Role
    display_name: str
    code: str
    detail: str = ""


async def create_exam_session(
    session: AsyncSession,
    *,
    titles: dict[str, Title],
    centre: str,
    day: date,
    title_id: str,
    format_id: str,
    pack_snapshot_id: str | None,
    actor: str,
    clock: Clock,
) -> ExamSession:
    title = titles.get(title_id)
    if title is None:
        raise SetupError(f"Titre inconnu : {title_id}.")
    try:
        title.format(format_id)
    except KeyError:
        known = ", ".join(f.id for f in title.formats)
        raise SetupError(f"Format inconnu : {format_id} (formats du titre : {known}).") from None
    exam = ExamSession(
        id=new_id(),
        centre=centre.strip(),
        day=day,
        title_id=title_id,
        format_id=format_id,
        pack_snapshot_id=pack_snapshot_id,
        codes_expire_at=datetime.combine(day, time(0), UTC) + CODES_VALID_AFTER_DAY * 2,
        created_at=clock.now(),
    )
    session.add(exam)
    await session.flush()
    await audit.record(
        session,
        clock=clock,
        actor=actor,
        action="session.create",
        exam_session_id=exam.id,
        details={
            "centre": exam.centre,
            "day": day.isoformat(),
            "title": title_id,
            "format": format_id,
            "pack_snapshot": pack_snapshot_id,
        },
    )
    return exam


async def _add_participant(
    session: AsyncSession,
    *,
    exam: ExamSession,
    role: Role,
    display_name: str,
    secret: str,
    clock: Clock,
) -> tuple[Participant, str]:
    pid = new_id()
    code = access_code(secret, pid, 1)
    participant = Participant(
        id=pid,
        exam_session_id=exam.id,
        role=role.value,
        display_name=display_name.strip(),
        code_generation=1,
        code_digest=code_digest(code),
        created_at=clock.now(),
    )
    session.add(participant)
    await session.flush()
    return participant, code


async def add_candidate(
    session: AsyncSession,
    *,
    exam: ExamSession,
    last_name: str,
    first_name: str,
    pathway: Pathway,
    secret: str,
    actor: str,
    clock: Clock,
) -> tuple[Candidate, str]:
    if not last_name.strip() or not first_name.strip():
        raise SetupError("Le nom et le prénom du candidat sont obligatoires.")
    position = len(
        (
            await session.scalars(
                select(Candidate.participant_id).where(Candidate.exam_session_id == exam.id)
            )
        ).all()
    )
    participant, code = await _add_participant(
        session,
        exam=exam,
        role=Role.CANDIDATE,
        display_name=f"{first_name.strip()} {last_name.strip().upper()}",
        secret=secret,
        clock=clock,
    )
    candidate = Candidate(
        participant_id=participant.id,
        exam_session_id=exam.id,
        last_name=last_name.strip(),
        first_name=first_name.strip(),
        pathway=pathway.value,
        position=position,
    )
    session.add(candidate)
    await session.flush()
    await audit.record(
        session,
        clock=clock,
        actor=actor,
        action="session.candidate_add",
        exam_session_id=exam.id,
        subject=participant.id,
        details={"name": participant.display_name, "pathway": pathway.value},
    )
    return candidate, code


async def add_staff(
    session: AsyncSession,
    *,
    exam: ExamSession,
    role: Role,
    display_name: str,
    secret: str,
    actor: str,
    clock: Clock,
) -> tuple[Participant, str]:
    if role not in (Role.JUROR, Role.PROCTOR):
        raise SetupError("Seuls des jurés et des surveillants se rattachent ainsi à une session.")
    if not display_name.strip():
        raise SetupError("Le nom est obligatoire.")
    participant, code = await _add_participant(
        session, exam=exam, role=role, display_name=display_name, secret=secret, clock=clock
    )
    await audit.record(
        session,
        clock=clock,
        actor=actor,
        action=f"session.{role.value}_add",
        exam_session_id=exam.id,
        subject=participant.id,
        details={"name": participant.display_name},
    )
    return participant, code


async def assign_juror(
    session: AsyncSession,
    *,
    candidate: Candidate,
    juror_id: str,
    capacity: Capacity,
    actor: str,
    clock: Clock,
    bus: Bus | None = None,
) -> JuryAssignment:
    """Gives the candidate's seat (`capacity`) to `juror_id`. With `bus`, once the transaction
    commits, the juror who held the seat and the one who gets it are told on their open pages,
    which read their rights again at once (server/core/revocation.py)."""
    juror = await session.get(Participant, juror_id)
    if juror is None or juror.role != Role.JUROR.value or juror.removed_at is not None:
        raise SetupError("Ce juré n'existe pas.")
    if juror.exam_session_id != candidate.exam_session_id:
        raise SetupError("Ce juré appartient à une autre session.")
    existing = await session.scalar(
        select(JuryAssignment).where(
            JuryAssignment.candidate_id == candidate.participant_id,
            JuryAssignment.capacity == capacity.value,
        )
    )
    other = await session.scalar(
        select(JuryAssignment).where(
            JuryAssignment.candidate_id == candidate.participant_id,
            JuryAssignment.juror_id == juror_id,
            JuryAssignment.capacity != capacity.value,
        )
    )
    if other is not None:
        raise SetupError("Un même juré ne peut pas jouer le client et observer le même candidat.")
    previous = existing.juror_id if existing is not None else None
    if existing is None:
        existing = JuryAssignment(
            id=new_id(),
            candidate_id=candidate.participant_id,
            juror_id=juror_id,
            capacity=capacity.value,
        )
        session.add(existing)
    else:
        existing.juror_id = juror_id
    await session.flush()
    if bus is not None and previous != juror_id:
        _tell_seat_moved(session, bus, candidate, capacity, previous, juror_id)
    await audit.record(
        session,
        clock=clock,
        actor=actor,
        action="session.jury_assign",
        exam_session_id=candidate.exam_session_id,
        subject=candidate.participant_id,
        details={"juror": juror_id, "capacity": capacity.value},
    )
    return existing


SEAT_LABELS = {Capacity.CLIENT: "client", Capacity.OBSERVER: "observateur"}


def _tell_seat_moved(
    session: AsyncSession,
    bus: Bus,
    candidate: Candidate,
    capacity: Capacity,
    previous: str | None,
    juror_id: str,
) -> None:
    cid = candidate.participant_id
    name = f"{candidate.first_name} {candidate.last_name.upper()}"
    seat = SEAT_LABELS[capacity]
    if previous is not None:
        revocation.access_changed(
            session,
            bus,
            previous,
            f"L'organisateur a confié votre place de juré ({seat}) auprès de {name} à un autre "
            "juré : vous ne suivez plus ce candidat.",
            lost=[cid],
        )
    revocation.access_changed(
        session,
        bus,
        juror_id,
        f"L'organisateur vous a confié {name} (juré {seat}).",
        gained=[cid],
    )


async def access_codes(session: AsyncSession, *, exam: ExamSession, secret: str) -> list[CodeLine]:
    """The printable sheet: codes are derived from the secret, never stored in clear."""
    participants = (
        await session.scalars(
            select(Participant)
            .where(Participant.exam_session_id == exam.id, Participant.removed_at.is_(None))
            .order_by(Participant.role, Participant.created_at)
        )
    ).all()
    return [
        CodeLine(p.id, Role(p.role), p.display_name, access_code(secret, p.id, p.code_generation))
        for p in participants
    ]


async def renew_code(
    session: AsyncSession,
    *,
    participant_id: str,
    exam_session_id: str,
    secret: str,
    actor: str,
    clock: Clock,
    live: LiveSessions | None = None,
) -> CodeLine:
    """A lost or leaked code: the old one stops working at once, and so does every session
    opened with it (cookies refused, open pages closed once the transaction commits)."""
    participant = await session.get(Participant, participant_id)
    if (
        participant is None
        or participant.exam_session_id != exam_session_id
        or participant.removed_at is not None
    ):
        raise SetupError("Participant inconnu dans cette session.")
    participant.code_generation += 1
    code = access_code(secret, participant.id, participant.code_generation)
    participant.code_digest = code_digest(code)
    await audit.record(
        session,
        clock=clock,
        actor=actor,
        action="session.code_renew",
        exam_session_id=participant.exam_session_id,
        subject=participant.id,
        details={},
    )
    await revocation.revoke(
        session,
        Participant,
        subject_id=participant.id,
        actor=actor,
        clock=clock,
        reason="code d'accès renouvelé",
        live=live,
    )
    await session.flush()
    return CodeLine(participant.id, Role(participant.role), participant.display_name, code)
