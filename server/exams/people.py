"""Correcting and removing the people of a session (the organiser's use-cases), every change
audited with what it was before.

- A candidate's names are corrected at any time (a typo goes onto the codes sheet, the grid,
  the procès-verbal and the livret: the caller issues new versions of the documents already
  issued); the pathway only before the exam started (it decides which evidence the jury needs).
- A juror's or proctor's displayed name is corrected at any time.
- Someone is removed only before they started: a candidate whose exam has not begun, a juror
  none of whose candidates has begun, a proctor of a session where nobody has begun. The person
  stays in the database, marked removed (who, when, why) and no longer listed; their access
  code stops working at once and `Participant.active` refuses their open sign-ins."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core import audit, revocation
from server.core.bus import Bus
from server.core.clock import Clock
from server.core.identity import Role
from server.core.referential import Pathway
from server.core.revocation import LiveSessions
from server.exams.models import Candidate, JuryAssignment, Participant, TimelineFactRow
from server.exams.queries import NotFound
from server.exams.setup import SetupError


@dataclass(frozen=True)
class Change:
    """What a correction or a removal changed, and whose documents name that person."""

    participant_id: str
    role: Role
    before: dict[str, Any]
    after: dict[str, Any]
    # The candidates whose grid, livret… name this person; session documents name everyone.
    candidate_ids: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """« nom : « Durand » devient « Durant » » (the display name only for staff)."""
        keys = [k for k in self.after if k in FIELD_LABELS and k != "display_name"]
        keys = keys or [k for k in self.after if k in FIELD_LABELS]
        return " ; ".join(
            f"{FIELD_LABELS[k]} : « {self.before.get(k, '')} » devient « {self.after[k]} »"
            for k in keys
        )


FIELD_LABELS = {
    "last_name": "nom",
    "first_name": "prénom",
    "pathway": "parcours",
    "display_name": "nom",
}


def removed_digest(participant_id: str) -> str:
    """The code digest of a removed person: no access code normalises to it."""
    return hashlib.sha256(f"removed:{participant_id}".encode()).hexdigest()


async def _participant(
    session: AsyncSession, participant_id: str, exam_session_id: str
) -> Participant:
    person = await session.get(Participant, participant_id)
    if person is None or person.exam_session_id != exam_session_id or not person.active:
        raise NotFound("Personne introuvable dans cette session.")
    return person


async def has_started(session: AsyncSession, candidate_ids: list[str]) -> list[str]:
    """Those of `candidate_ids` whose exam has begun (a first phase started)."""
    if not candidate_ids:
        return []
    rows = await session.scalars(
        select(TimelineFactRow.candidate_id)
        .where(
            TimelineFactRow.candidate_id.in_(candidate_ids),
            TimelineFactRow.kind == "phase_started",
        )
        .distinct()
    )
    return list(rows)


def _name(value: str | None, label: str) -> str | None:
    if value is None:
        return None
    cleaned = " ".join(value.split())
    if not cleaned:
        raise SetupError(f"{label} ne peut pas être vide.")
    return cleaned


async def correct_candidate(
    session: AsyncSession,
    *,
    candidate_id: str,
    exam_session_id: str,
    last_name: str | None = None,
    first_name: str | None = None,
    pathway: Pathway | None = None,
    actor: str,
    clock: Clock,
) -> Change:
    person = await _participant(session, candidate_id, exam_session_id)
    candidate = await session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound("Candidat introuvable.")
    wanted = {
        "last_name": _name(last_name, "Le nom"),
        "first_name": _name(first_name, "Le prénom"),
        "pathway": pathway.value if pathway is not None else None,
    }
    before = {k: getattr(candidate, k) for k, v in wanted.items() if v is not None}
    after = {k: v for k, v in wanted.items() if v is not None and v != before[k]}
    if not after:
        raise SetupError("Rien à corriger : les valeurs sont celles déjà enregistrées.")
    if "pathway" in after and await has_started(session, [candidate_id]):
        raise SetupError(
            "Le parcours ne se corrige plus une fois l'épreuve commencée : il décide des "
            "pièces que le jury doit avoir."
        )
    for key, value in after.items():
        setattr(candidate, key, value)
    old_name = person.display_name
    person.display_name = f"{candidate.first_name} {candidate.last_name.upper()}"
    change = Change(
        candidate_id,
        Role.CANDIDATE,
        {k: before[k] for k in after} | {"display_name": old_name},
        after | {"display_name": person.display_name},
        [candidate_id],
    )
    await audit.record(
        session,
        clock=clock,
        actor=actor,
        action="session.candidate_correct",
        exam_session_id=exam_session_id,
        subject=candidate_id,
        details={"before": change.before, "after": change.after},
    )
    await session.flush()
    return change


async def correct_staff(
    session: AsyncSession,
    *,
    participant_id: str,
    exam_session_id: str,
    display_name: str,
    actor: str,
    clock: Clock,
) -> Change:
    person = await _participant(session, participant_id, exam_session_id)
    if person.role == Role.CANDIDATE.value:
        raise SetupError("Un candidat se corrige par son nom et son prénom.")
    name = _name(display_name, "Le nom")
    assert name is not None
    if name == person.display_name:
        raise SetupError("Rien à corriger : c'est le nom déjà enregistré.")
    before = person.display_name
    person.display_name = name
    candidates = list(
        await session.scalars(
            select(JuryAssignment.candidate_id)
            .where(JuryAssignment.juror_id == participant_id)
            .distinct()
        )
    )
    change = Change(
        participant_id,
        Role(person.role),
        {"display_name": before},
        {"display_name": name},
        candidates,
    )
    await audit.record(
        session,
        clock=clock,
        actor=actor,
        action=f"session.{person.role}_correct",
        exam_session_id=exam_session_id,
        subject=participant_id,
        details={"before": change.before, "after": change.after},
    )
    await session.flush()
    return change


async def _removal_refusal(session: AsyncSession, person: Participant) -> str | None:
    role = Role(person.role)
    if role is Role.CANDIDATE:
        if await has_started(session, [person.id]):
            return (
                f"L'épreuve de {person.display_name} a commencé : elle ne se retire plus, "
                "elle se clôt (« Clore l'épreuve », avec son motif)."
            )
        return None
    if role is Role.JUROR:
        rows = (
            await session.execute(
                select(JuryAssignment.candidate_id, Participant.display_name)
                .join(Participant, Participant.id == JuryAssignment.candidate_id)
                .where(JuryAssignment.juror_id == person.id)
            )
        ).all()
        started = set(await has_started(session, [cid for cid, _ in rows]))
        names = sorted({name for cid, name in rows if cid in started})
        if names:
            return (
                f"{person.display_name} est juré de {', '.join(names)}, dont l'épreuve a "
                "commencé : affectez d'abord un autre juré à sa place."
            )
        return None
    candidates = list(
        await session.scalars(
            select(Candidate.participant_id).where(
                Candidate.exam_session_id == person.exam_session_id
            )
        )
    )
    if await has_started(session, candidates):
        return (
            "Des candidats de cette session ont commencé : un surveillant ne se retire plus "
            "(donnez-lui un nouveau code si le sien a circulé)."
        )
    return None


async def remove_participant(
    session: AsyncSession,
    *,
    participant_id: str,
    exam_session_id: str,
    reason: str,
    actor: str,
    clock: Clock,
    live: LiveSessions | None = None,
    bus: Bus | None = None,
) -> Change:
    """Marks the person removed (kept for the record); their code stops working and, once the
    transaction commits, every cookie issued to them is refused and their open pages closed
    (`auth.service.revoke_sessions`). A candidate's jurors (with `bus`) are told on their open
    pages, which stop following the candidate at once (`revocation.access_changed`)."""
    person = await _participant(session, participant_id, exam_session_id)
    why = " ".join(reason.split())
    if not why:
        raise SetupError("Le motif du retrait est obligatoire.")
    if (refusal := await _removal_refusal(session, person)) is not None:
        raise SetupError(refusal)
    now: datetime = clock.now()
    person.removed_at, person.removed_by, person.removed_reason = now, actor, why
    person.code_digest = removed_digest(person.id)
    candidate_ids: list[str] = []
    if person.role == Role.CANDIDATE.value:
        candidate = await session.get(Candidate, person.id)
        if candidate is not None and bus is not None:
            jurors = await session.scalars(
                select(JuryAssignment.juror_id)
                .where(JuryAssignment.candidate_id == person.id)
                .distinct()
            )
            for juror_id in sorted(jurors):
                revocation.access_changed(
                    session,
                    bus,
                    juror_id,
                    f"L'organisateur a retiré {person.display_name} de la session : vous ne "
                    "suivez plus ce candidat.",
                    lost=[person.id],
                )
        if candidate is not None:
            await session.delete(candidate)  # not started: nothing of an exam is lost
            await session.flush()
            others = (
                await session.scalars(
                    select(Candidate)
                    .where(Candidate.exam_session_id == exam_session_id)
                    .order_by(Candidate.position)
                )
            ).all()
            for position, other in enumerate(others):
                other.position = position
    else:
        assignments = (
            await session.scalars(
                select(JuryAssignment).where(JuryAssignment.juror_id == person.id)
            )
        ).all()
        candidate_ids = sorted({a.candidate_id for a in assignments})
        for assignment in assignments:
            await session.delete(assignment)
    change = Change(
        person.id,
        Role(person.role),
        {"display_name": person.display_name},
        {"removed_reason": why},
        candidate_ids,
    )
    await audit.record(
        session,
        clock=clock,
        actor=actor,
        action="session.participant_remove",
        exam_session_id=exam_session_id,
        subject=person.id,
        details={"name": person.display_name, "role": person.role, "reason": why},
    )
    await revocation.revoke(
        session,
        Participant,
        subject_id=person.id,
        actor=actor,
        clock=clock,
        reason=f"retiré de la session : {why}",
        live=live,
    )
    if bus is not None:  # their pages on the other replicas close at once too
        revocation.access_changed(
            session,
            bus,
            person.id,
            "L'organisateur vous a retiré de cette session.",
            lost=candidate_ids,
        )
    await session.flush()
    return change
