"""Use-cases that place and close calls: the client juror rings the candidate, the candidate
dials, the candidate wraps a call up (disposition + note).

The pure `Call` state machine decides what may happen (`call_state`); its transitions once a
call rang are `call_lifecycle.act`. Card text never goes to a candidate audience: the
candidate gets the caller's number, the record to pop and the simulation's public part only.
"""

from __future__ import annotations

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from server.core import audit
from server.core.context import AppContext
from server.core.events import Payload, candidate_audience, jury_audience
from server.core.identity import Principal, Role
from server.exams import packs
from server.exams.models import Candidate
from server.scenarios.pack.types import SimulationKind
from server.telephony.call_exam import CallExam, exam_of, require_calls_phase, require_free_line
from server.telephony.call_lifecycle import arm_ring_timeout
from server.telephony.call_records import DISPOSITIONS, announce, call_out, digits_of, line_names
from server.telephony.call_state import CallDirection, CallState, Party
from server.telephony.errors import CallRefused
from server.telephony.events import UNASSIGNED, CallOut, ScreenPop, Unassigned
from server.telephony.models import CallRow


def party_of(principal: Principal) -> Party:
    return Party.CANDIDATE if principal.role is Role.CANDIDATE else Party.CLIENT


async def _new_call(
    ctx: AppContext,
    session: AsyncSession,
    exam: CallExam,
    *,
    direction: CallDirection,
    simulation_id: str,
    number: str,
    crm_record_id: str | None,
    actor: str,
) -> CallRow:
    row = CallRow(
        candidate_id=exam.candidate.participant_id,
        simulation_id=simulation_id,
        direction=direction.value,
        state=CallState.RINGING.value,
        number=number,
        crm_record_id=crm_record_id,
        rang_at=ctx.clock.now(),
        held_seconds=0.0,
        needs_wrap_up=False,
    )
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        clock=ctx.clock,
        actor=actor,
        action="call.ring",
        exam_session_id=exam.candidate.exam_session_id,
        subject=row.candidate_id,
        details={
            "call": row.id,
            "direction": direction.value,
            "number": number,
            "simulation": simulation_id,
        },
    )
    return row


class UnassignedReply(Payload):
    """`call.dial`'s reply for a number no simulation has."""

    unassigned: bool = Field(description="Always true: no call was placed.")
    message: str = Field(description="What the page shows (French).")


async def ring_inbound(
    ctx: AppContext, principal: Principal, candidate_id: str, simulation_id: str
) -> CallOut:
    """The client juror calls the candidate for an inbound simulation: the candidate's phone
    rings with the scenario's number, and the CRM record pops before the answer."""
    async with ctx.db.session() as session:
        exam = await exam_of(ctx, session, candidate_id)
        require_calls_phase(exam)
        found = await packs.candidate_subset(ctx, session, candidate_id)
        if found is None:
            raise CallRefused("Aucun sujet n'est associé à cette session.")
        pack, subset = found
        sim = next((s for s in subset.simulations if s.id == simulation_id), None)
        if sim is None or sim.kind is not SimulationKind.INBOUND_CALL:
            raise CallRefused("Cette simulation n'est pas un appel entrant de cette épreuve.")
        await require_free_line(session, candidate_id)
        phone = sim.candidate.phone
        row = await _new_call(
            ctx,
            session,
            exam,
            direction=CallDirection.INBOUND,
            simulation_id=sim.id,
            number=phone.display if phone else "Numéro masqué",
            crm_record_id=sim.candidate.crm_record,
            actor=principal.actor,
        )
        await session.commit()
        public = sim.public()
    ctx.bus.publish(
        candidate_audience(candidate_id),
        ScreenPop(
            candidate_id=candidate_id,
            call_id=row.id,
            number=row.number,
            crm_record_id=row.crm_record_id,
            simulation=public,
            line=line_names(pack).get(sim.candidate.principal, ""),
        ),
    )
    announce(ctx, row)
    arm_ring_timeout(ctx, row)
    return call_out(row)


async def dial(ctx: AppContext, principal: Principal, number: str) -> CallOut | UnassignedReply:
    """The candidate dials: the simulation whose number it is rings at the client juror;
    any other number gets the « numéro non attribué » message."""
    candidate_id = principal.subject_id
    digits = digits_of(number)
    async with ctx.db.session() as session:
        exam = await exam_of(ctx, session, candidate_id)
        require_calls_phase(exam)
        found = await packs.candidate_subset(ctx, session, candidate_id)
        sims = found[1].simulations if found else ()
        sim = next(
            (
                s
                for s in sims
                if s.kind is SimulationKind.OUTBOUND_CALL
                and s.candidate.phone is not None
                and s.candidate.phone.digits == digits
            ),
            None,
        )
        if sim is None:
            await audit.record(
                session,
                clock=ctx.clock,
                actor=principal.actor,
                action="call.unassigned",
                exam_session_id=exam.candidate.exam_session_id,
                subject=candidate_id,
                details={"number": number},
            )
            await session.commit()
            ctx.bus.publish(
                [candidate_audience(candidate_id), jury_audience(candidate_id)],
                Unassigned(candidate_id=candidate_id, number=number),
            )
            return UnassignedReply(unassigned=True, message=UNASSIGNED)
        await require_free_line(session, candidate_id)
        assert sim.candidate.phone is not None
        row = await _new_call(
            ctx,
            session,
            exam,
            direction=CallDirection.OUTBOUND,
            simulation_id=sim.id,
            number=sim.candidate.phone.display,
            crm_record_id=sim.candidate.crm_record,
            actor=principal.actor,
        )
        await session.commit()
    announce(ctx, row)
    arm_ring_timeout(ctx, row)
    return call_out(row)


async def wrap_up(
    ctx: AppContext, principal: Principal, call_id: str, disposition: str, note: str
) -> CallOut:
    if disposition not in DISPOSITIONS:
        raise CallRefused("Qualification inconnue.")
    async with ctx.db.session() as session:
        row = await session.get(CallRow, call_id)
        if row is None or row.candidate_id != principal.subject_id:
            raise CallRefused("Appel introuvable.")
        if not row.needs_wrap_up or row.wrapped_up_at is not None:
            raise CallRefused("Cet appel n'attend pas de qualification.")
        row.disposition, row.disposition_note = disposition, note.strip()
        row.wrapped_up_at = ctx.clock.now()
        try:
            await session.flush()  # UPDATE … WHERE version = :read
        except StaleDataError:
            raise CallRefused("Cet appel vient d'être qualifié : rechargez la page.") from None
        candidate = await session.get(Candidate, row.candidate_id)
        assert candidate is not None
        await audit.record(
            session,
            clock=ctx.clock,
            actor=principal.actor,
            action="call.wrap_up",
            exam_session_id=candidate.exam_session_id,
            subject=row.candidate_id,
            details={"call": row.id, "disposition": disposition, "note": row.disposition_note},
        )
        await session.commit()
    announce(ctx, row)
    return call_out(row)
