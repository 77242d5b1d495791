"""The person behind candidates' seats across sessions, and their certification record.

A seat (a candidate of one exam session) links to one person; the organiser says « this
candidate is the same person as … » to join the seats of different sessions. The record of a
person is computed, never copied: what they obtained outside the platform (declared by the
organiser, `Person.record`) plus the decisions in force of every seat linked to them. So a
later deliberation version, or a seat moved to another person, changes the record by itself."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, TypedDict

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.certification.errors import CertificationRefused
from server.certification.events import PersonChanged
from server.certification.models import DecisionRow, Person, PersonLink
from server.core import audit
from server.core.context import AppContext
from server.core.events import jury_audience, staff_audience
from server.core.identity import Principal
from server.exams import queries
from server.exams.models import Candidate, ExamSession
from server.outcomes import CandidateRecord, Decision, ObtainedCcp, Plan, required_sessions


class PersonPayload(TypedDict):
    """A person's identity (`person_out`; HTTP: `schemas.PersonIdentity`)."""

    id: str
    last_name: str
    first_name: str
    birth_date: str | None  # ISO 8601
    external_id: str | None


class PersonFoundPayload(PersonPayload):
    """A person found (HTTP: `schemas.PersonFound`): the candidate ids of their seats."""

    seats: list[str]


class SeatPayload(TypedDict):
    """A seat of a person (HTTP: `schemas.SeatOut`)."""

    candidate_id: str
    session_id: str
    day: str  # ISO 8601
    centre: str
    title_id: str
    format_id: str
    pathway: str
    decision: str | None  # the outcome decided at that seat


class PersonDetailPayload(PersonPayload):
    """A person with seats, record and plans (HTTP: `schemas.PersonDetail`)."""

    seats: list[SeatPayload]
    record: CandidateRecord
    plans: dict[str, Plan]  # by title id: what remains to sit


class LinkedPayload(TypedDict):
    """HTTP: `schemas.PersonLinked`."""

    candidate_id: str
    person_id: str


class PersonRefused(CertificationRefused):
    """A link or identity change the record does not allow (French message)."""


def _empty(person_id: str) -> dict[str, Any]:
    return CandidateRecord(candidate_id=person_id).model_dump(mode="json")


async def person_of(
    ctx: AppContext, session: AsyncSession, candidate: Candidate, *, create: bool = True
) -> Person | None:
    """The seat's person; created from the seat's names on first need."""
    link = await session.get(PersonLink, candidate.participant_id)
    if link is not None:
        return await session.get(Person, link.person_id)
    if not create:
        return None
    person = Person(
        last_name=candidate.last_name,
        first_name=candidate.first_name,
        record={},
        created_at=ctx.clock.now(),
    )
    session.add(person)
    await session.flush()
    person.record = _empty(person.id)
    session.add(PersonLink(candidate_id=candidate.participant_id, person_id=person.id))
    await session.flush()
    return person


async def seats_of(session: AsyncSession, person_id: str) -> list[str]:
    return list(
        await session.scalars(
            select(PersonLink.candidate_id).where(PersonLink.person_id == person_id)
        )
    )


async def _seats_of_persons(
    session: AsyncSession, person_ids: Iterable[str]
) -> list[tuple[str, str, str]]:
    """(seat, its session, its person) of every seat of these persons."""
    rows = await session.execute(
        select(PersonLink.candidate_id, Candidate.exam_session_id, PersonLink.person_id)
        .join(Candidate, Candidate.participant_id == PersonLink.candidate_id)
        .where(PersonLink.person_id.in_(list(person_ids)))
        .order_by(PersonLink.candidate_id)
    )
    return [(seat, exam_session_id, person) for seat, exam_session_id, person in rows]


def _announce(ctx: AppContext, seats: list[tuple[str, str, str]]) -> None:
    """Each seat's jury and session staff: the rules' decision may have changed."""
    for seat, exam_session_id, person_id in seats:
        ctx.bus.publish(
            [jury_audience(seat), staff_audience(exam_session_id)],
            PersonChanged(candidate_id=seat, person_id=person_id),
        )


async def record_of(
    session: AsyncSession, person: Person, *, exclude: str | None = None
) -> CandidateRecord:
    """Prior record + the decisions in force of the person's seats (but `exclude`'s), in the
    order of their sessions."""
    record = CandidateRecord.model_validate(person.record or _empty(person.id)).model_copy(
        update={"candidate_id": person.id}
    )
    seats = [s for s in await seats_of(session, person.id) if s != exclude]
    rows = list(
        await session.scalars(select(DecisionRow).where(DecisionRow.candidate_id.in_(seats)))
    )
    decisions = sorted(
        (Decision.model_validate(r.data) for r in rows),
        key=lambda d: (d.sitting.day, d.sitting.session_id),
    )
    for d in decisions:
        record = record.model_copy(
            update={
                "ccps": record.ccps + d.granted,
                "titles": record.titles + ((d.title_award,) if d.title_award else ()),
                "ccs": record.ccs + ((d.ccs_award,) if d.ccs_award else ()),
            }
        )
    return record


def person_out(person: Person) -> PersonPayload:
    return {
        "id": person.id,
        "last_name": person.last_name,
        "first_name": person.first_name,
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        "external_id": person.external_id,
    }


async def _seat_out(session: AsyncSession, candidate_id: str) -> SeatPayload:
    cand = await session.get(Candidate, candidate_id)
    assert cand is not None
    exam = await session.get(ExamSession, cand.exam_session_id)
    assert exam is not None
    decision = await session.get(DecisionRow, candidate_id)
    return {
        "candidate_id": candidate_id,
        "session_id": exam.id,
        "day": exam.day.isoformat(),
        "centre": exam.centre,
        "title_id": exam.title_id,
        "format_id": exam.format_id,
        "pathway": cand.pathway,
        "decision": decision.outcome if decision else None,
    }


async def person_detail(
    ctx: AppContext, session: AsyncSession, person_id: str
) -> PersonDetailPayload:
    """Identity, seats, record, and per title of their seats what remains to sit
    (`required_sessions`: missing CCPs, the formats that evaluate them, the deadline)."""
    person = await session.get(Person, person_id)
    if person is None:
        raise queries.NotFound("Personne inconnue.")
    seats = [await _seat_out(session, s) for s in await seats_of(session, person_id)]
    record = await record_of(session, person)
    # As of today, or of the person's last award if its session is dated later (a session
    # entered ahead of its day).
    awarded = [c.obtained_on for c in record.ccps] + [t.obtained_on for t in record.titles]
    today = max([ctx.clock.now().date(), *awarded])
    titles = sorted({s["title_id"] for s in seats} | {c.title_id for c in record.ccps})
    plans = {t: required_sessions(ctx.titles[t], record, today) for t in titles if t in ctx.titles}
    return {**person_out(person), "seats": seats, "record": record, "plans": plans}


async def search(session: AsyncSession, q: str) -> list[PersonFoundPayload]:
    pattern = f"%{q.strip().lower()}%"
    rows = await session.scalars(
        select(Person)
        .where(
            or_(
                func.lower(Person.last_name).like(pattern),
                func.lower(Person.first_name).like(pattern),
                func.lower(func.coalesce(Person.external_id, "")).like(pattern),
            )
        )
        .order_by(Person.last_name, Person.first_name)
        .limit(50)
    )
    out: list[PersonFoundPayload] = []
    for p in rows:
        out.append({**person_out(p), "seats": await seats_of(session, p.id)})
    return out


async def link(
    ctx: AppContext,
    principal: Principal,
    candidate_id: str,
    *,
    person_id: str | None = None,
    same_as: str | None = None,
) -> LinkedPayload:
    """« This candidate is the same person as … » (a person, or another candidate's seat)."""
    if (person_id is None) == (same_as is None):
        raise PersonRefused("Indiquer soit la personne, soit le candidat déjà connu.")
    async with ctx.db.session() as session:
        candidate = await queries.get_candidate(session, candidate_id)
        if same_as is not None:
            other = await queries.get_candidate(session, same_as)
            target = await person_of(ctx, session, other)
        else:
            target = await session.get(Person, person_id)
        if target is None:
            raise queries.NotFound("Personne inconnue.")
        for seat in await seats_of(session, target.id):
            cand = await session.get(Candidate, seat)
            if (
                seat != candidate_id
                and cand is not None
                and cand.exam_session_id == candidate.exam_session_id
            ):
                raise PersonRefused(
                    "Cette personne occupe déjà une autre place dans la même session."
                )
        link_row = await session.get(PersonLink, candidate_id)
        before = link_row.person_id if link_row else None
        if link_row is None:
            session.add(PersonLink(candidate_id=candidate_id, person_id=target.id))
        else:
            link_row.person_id = target.id
        await session.flush()
        if before is not None and before != target.id:
            await _drop_if_orphan(session, before)
        await audit.record(
            session,
            clock=ctx.clock,
            actor=principal.actor,
            action="certification.link_person",
            exam_session_id=candidate.exam_session_id,
            subject=candidate_id,
            details={"person": target.id, "before": before},
        )
        changed = before != target.id
        seats = await _seats_of_persons(session, {target.id, before or target.id})
        await session.commit()
    if changed:  # the seats of the person it joins, and of the one it leaves
        _announce(ctx, seats)
    return {"candidate_id": candidate_id, "person_id": target.id}


async def _drop_if_orphan(session: AsyncSession, person_id: str) -> None:
    person = await session.get(Person, person_id)
    if person is None or await seats_of(session, person_id):
        return
    prior = CandidateRecord.model_validate(person.record or _empty(person_id))
    if not (prior.ccps or prior.titles or prior.ccs):
        await session.delete(person)


async def update_identity(
    ctx: AppContext,
    principal: Principal,
    person_id: str,
    *,
    last_name: str,
    first_name: str,
    birth_date: date | None,
    external_id: str | None,
) -> PersonPayload:
    async with ctx.db.session() as session:
        person = await session.get(Person, person_id)
        if person is None:
            raise queries.NotFound("Personne inconnue.")
        if not last_name.strip() or not first_name.strip():
            raise PersonRefused("Le nom et le prénom sont obligatoires.")
        person.last_name, person.first_name = last_name.strip(), first_name.strip()
        person.birth_date, person.external_id = birth_date, (external_id or None)
        await audit.record(
            session,
            clock=ctx.clock,
            actor=principal.actor,
            action="certification.person",
            subject=person_id,
            details=dict(person_out(person)),
        )
        await session.commit()
        return person_out(person)


async def add_prior_ccp(
    ctx: AppContext, principal: Principal, person_id: str, entry: ObtainedCcp
) -> PersonDetailPayload:
    """A CCP the person obtained outside this platform (another centre, an earlier version of
    the title): it counts toward the title like one obtained here, through the
    correspondence table for an earlier version."""
    if entry.title_id not in ctx.titles:
        raise PersonRefused(f"Titre inconnu : {entry.title_id}.")
    title = ctx.titles[entry.title_id]
    known_versions = {title.version} | {p.version for p in title.previous_versions}
    if entry.version not in known_versions:
        raise PersonRefused(
            f"Version inconnue du titre {title.id} : {entry.version} "
            f"(connues : {', '.join(sorted(known_versions))})."
        )
    if entry.version == title.version and entry.ccp not in {c.code for c in title.ccps}:
        raise PersonRefused(f"CCP inconnu du titre {title.id} : {entry.ccp}.")
    if entry.obtained_on > ctx.clock.now().date():
        raise PersonRefused("La date d'obtention est dans le futur.")
    async with ctx.db.session() as session:
        person = await session.get(Person, person_id)
        if person is None:
            raise queries.NotFound("Personne inconnue.")
        prior = CandidateRecord.model_validate(person.record or _empty(person_id))
        person.record = prior.model_copy(update={"ccps": prior.ccps + (entry,)}).model_dump(
            mode="json"
        )
        await audit.record(
            session,
            clock=ctx.clock,
            actor=principal.actor,
            action="certification.prior_ccp",
            subject=person_id,
            details=entry.model_dump(mode="json"),
        )
        seats = await _seats_of_persons(session, [person_id])
        await session.commit()
        detail = await person_detail(ctx, session, person_id)
    _announce(ctx, seats)
    return detail
