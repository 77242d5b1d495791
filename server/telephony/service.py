"""Use-cases of the simulated telephony: ring, dial, answer, hold, hang up, wrap up.

The pure `Call` state machine decides what may happen; this module checks the exam (calls
phase, running, the candidate's pack), persists every transition (calls, call_events, audit),
drives the media port (relay, mix, recording) and tells the pages. Card text never goes to a
candidate audience: the candidate gets the caller's number, the record to pop and the
simulation's public part only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from server.auth.domain import Capacity, Principal, Role
from server.core import audit
from server.core.clock import FixedClock, real_seconds
from server.core.context import AppContext
from server.core.events import candidate_audience, jury_audience
from server.exams import overview, packs, timeline_service
from server.exams.models import Candidate, JuryAssignment, Participant
from server.exams.timeline_facts import Paused, PhaseEnded, TimelineFact, WarningEmitted
from server.exams.timeline_state import Status, TimelineState
from server.scenarios.pack_types import SimulationKind
from server.scenarios.referential import PhaseKind
from server.telephony import call_control, storage
from server.telephony.call_state import (
    Call,
    CallAction,
    CallDirection,
    CallError,
    CallEvent,
    CallState,
    HoldPeriod,
    Party,
)
from server.telephony.events import (
    UNASSIGNED,
    CallChanged,
    CallOut,
    CallWarning,
    MediaAlert,
    PeerState,
    Renegotiate,
    ScreenPop,
    Unassigned,
)
from server.telephony.models import CallEventRow, CallRow, RecordingRow
from server.telephony.ports import (
    GAP_LABELS_FR,
    ROLE_LABELS_FR,
    MediaError,
    MediaPort,
    RecordingInfo,
    gap_from_json,
    gap_to_json,
)
from server.telephony.sidecar import amend_sidecar

log = logging.getLogger(__name__)
RING_TIMEOUT = timedelta(seconds=45)
LIVE_STATES = (CallState.RINGING.value, CallState.ACTIVE.value, CallState.HELD.value)
DISPOSITIONS = {
    "traitee": "Demande traitée",
    "rappel": "Rappel programmé",
    "rendez_vous": "Rendez-vous pris",
    "vente": "Vente conclue",
    "accord_paiement": "Accord de paiement",
    "refus": "Refus",
    "escalade": "Escalade niveau 2",
    "injoignable": "Faux numéro / non joignable",
    "autre": "Autre",
}


class CallRefused(Exception):
    """A call action the exam does not allow now; the message is French and safe to show."""


class CallRaced(CallRefused):
    """Another action changed the call since it was read (the version check refused this one)."""


class CallMediaRefused(CallRefused):
    """The media plane refused what the call needed (reported as an incident already)."""


def media(ctx: AppContext) -> MediaPort:
    port = ctx.services.media
    if port is None:
        raise RuntimeError("the media layer starts with the app (start_media)")
    return port


def digits_of(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    if digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def call_out(row: CallRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "simulation_id": row.simulation_id,
        "direction": row.direction,
        "state": row.state,
        "number": row.number,
        "crm_record_id": row.crm_record_id,
        "rang_at": row.rang_at.isoformat(),
        "answered_at": row.answered_at.isoformat() if row.answered_at else None,
        "ended_at": row.ended_at.isoformat() if row.ended_at else None,
        "ended_by": row.ended_by,
        "held_seconds": row.held_seconds,
        "hold_started_at": row.hold_started_at.isoformat() if row.hold_started_at else None,
        "needs_wrap_up": row.needs_wrap_up,
        "disposition": row.disposition,
        "disposition_label": DISPOSITIONS.get(row.disposition or ""),
        "disposition_note": row.disposition_note,
    }


def _call_of(row: CallRow, ctx: AppContext, at: datetime | None = None) -> Call:
    """The call's state machine; `at`: the instant its next action was asked (a command that
    waited for the database is dated when it was asked, not when it was written)."""
    call = Call(
        call_id=row.id,
        direction=CallDirection(row.direction),
        clock=FixedClock(at) if at is not None else ctx.clock,
        ringing_at=row.rang_at,
        state=CallState(row.state),
        answered_at=row.answered_at,
        ended_at=row.ended_at,
        ended_by=Party(row.ended_by) if row.ended_by else None,
    )
    if row.hold_started_at is not None:
        call.holds.append(HoldPeriod(start=row.hold_started_at))
    return call


def _store(row: CallRow, call: Call, event: CallEvent) -> None:
    if event.from_state is CallState.HELD and row.hold_started_at is not None:
        row.held_seconds += (event.at - row.hold_started_at).total_seconds()
        row.hold_started_at = None
    if event.action is CallAction.HOLD:
        row.hold_started_at = event.at
    row.state = call.state.value
    row.answered_at = call.answered_at
    row.ended_at = call.ended_at
    row.ended_by = call.ended_by.value if call.ended_by else None
    # Every call the candidate handled or placed ends with a wrap-up (disposition + note);
    # an inbound call the candidate never picked up does not.
    if call.state.is_terminal:
        row.needs_wrap_up = not (
            call.direction is CallDirection.INBOUND and call.answered_at is None
        )


@dataclass
class _Exam:
    candidate: Candidate
    state: TimelineState


async def _exam(ctx: AppContext, session: AsyncSession, candidate_id: str) -> _Exam:
    candidate = await session.get(Candidate, candidate_id)
    if candidate is None:
        raise CallRefused("Candidat introuvable.")
    timeline = await timeline_service.load(ctx, session, candidate_id)
    return _Exam(candidate, timeline.state())


async def _parties(session: AsyncSession, candidate: Candidate, row: CallRow) -> dict[str, str]:
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


def _require_calls_phase(exam: _Exam) -> None:
    if exam.state.phase is not PhaseKind.APPELS:
        raise CallRefused("Les appels ne sont possibles que pendant la phase « Appels ».")
    if exam.state.status is not Status.RUNNING:
        raise CallRefused("L'épreuve est en pause : aucun appel ne peut être passé.")


async def _live_call(session: AsyncSession, candidate_id: str) -> CallRow | None:
    found: CallRow | None = await session.scalar(
        select(CallRow)
        .where(CallRow.candidate_id == candidate_id, CallRow.state.in_(LIVE_STATES))
        .order_by(CallRow.rang_at.desc())
        .limit(1)
    )
    return found


async def _pending_wrap_up(session: AsyncSession, candidate_id: str) -> CallRow | None:
    found: CallRow | None = await session.scalar(
        select(CallRow)
        .where(
            CallRow.candidate_id == candidate_id,
            CallRow.needs_wrap_up.is_(True),
            CallRow.wrapped_up_at.is_(None),
        )
        .limit(1)
    )
    return found


async def _require_free_line(session: AsyncSession, candidate_id: str) -> None:
    if await _live_call(session, candidate_id) is not None:
        raise CallRefused("Un appel est déjà en cours sur ce poste.")
    if await _pending_wrap_up(session, candidate_id) is not None:
        raise CallRefused("Le candidat doit d'abord clôturer l'appel précédent (qualification).")


async def _record_event(
    ctx: AppContext, session: AsyncSession, row: CallRow, event: CallEvent, actor: str
) -> None:
    session.add(
        CallEventRow(
            call_id=row.id,
            action=event.action.value,
            by=event.by.value,
            from_state=event.from_state.value,
            to_state=event.to_state.value,
            at=event.at,
        )
    )
    exam_session_id = await session.scalar(
        select(Candidate.exam_session_id).where(Candidate.participant_id == row.candidate_id)
    )
    await audit.record(
        session,
        clock=ctx.clock,
        actor=actor,
        action=f"call.{event.action.value}",
        exam_session_id=exam_session_id,
        subject=row.candidate_id,
        details={"call": row.id, "from": event.from_state.value, "to": event.to_state.value},
    )


def _announce(ctx: AppContext, row: CallRow) -> None:
    call_control.live_calls(ctx).seen(row.candidate_id, call_out(row))
    ctx.bus.publish(
        [candidate_audience(row.candidate_id), jury_audience(row.candidate_id)],
        CallChanged(candidate_id=row.candidate_id, call=CallOut(**call_out(row))),
    )


async def _new_call(
    ctx: AppContext,
    session: AsyncSession,
    exam: _Exam,
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


async def ring_inbound(
    ctx: AppContext, principal: Principal, candidate_id: str, simulation_id: str
) -> dict[str, Any]:
    """The client juror calls the candidate for an inbound simulation: the candidate's phone
    rings with the scenario's number, and the CRM record pops before the answer."""
    async with ctx.db.session() as session:
        exam = await _exam(ctx, session, candidate_id)
        _require_calls_phase(exam)
        found = await packs.candidate_subset(ctx, session, candidate_id)
        if found is None:
            raise CallRefused("Aucun sujet n'est associé à cette session.")
        pack, subset = found
        sim = next((s for s in subset.simulations if s.id == simulation_id), None)
        if sim is None or sim.kind is not SimulationKind.INBOUND_CALL:
            raise CallRefused("Cette simulation n'est pas un appel entrant de cette épreuve.")
        await _require_free_line(session, candidate_id)
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
        public = sim.public().model_dump(mode="json")
    ctx.bus.publish(
        candidate_audience(candidate_id),
        ScreenPop(
            candidate_id=candidate_id,
            call_id=row.id,
            number=row.number,
            crm_record_id=row.crm_record_id,
            simulation=public,
            line=_line_names(pack).get(sim.candidate.principal, ""),
        ),
    )
    _announce(ctx, row)
    _arm_ring_timeout(ctx, row)
    return call_out(row)


async def dial(ctx: AppContext, principal: Principal, number: str) -> dict[str, Any]:
    """The candidate dials: the simulation whose number it is rings at the client juror;
    any other number gets the « numéro non attribué » message."""
    candidate_id = principal.subject_id
    digits = digits_of(number)
    async with ctx.db.session() as session:
        exam = await _exam(ctx, session, candidate_id)
        _require_calls_phase(exam)
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
            return {"unassigned": True, "message": UNASSIGNED}
        await _require_free_line(session, candidate_id)
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
    _announce(ctx, row)
    _arm_ring_timeout(ctx, row)
    return call_out(row)


def party_of(principal: Principal) -> Party:
    return Party.CANDIDATE if principal.role is Role.CANDIDATE else Party.CLIENT


async def act(
    ctx: AppContext,
    call_id: str,
    action: CallAction,
    *,
    party: Party,
    actor: str,
    candidate_id: str | None = None,
    enforce_phase: bool = True,
    at: datetime | None = None,
    claim: call_control.MediaClaim | None = None,
) -> dict[str, Any]:
    """Answer, reject, miss, hold, resume or hang up one call (persisted, audited, told).

    The change is committed first, checked against the version it was based on (of two actions
    racing on one call exactly one wins; the other is refused in French); the media plane is
    asked only then, outside any transaction, and only by the winner. In one server the actions
    on a candidate's phone are also taken one after the other, so the media plane sees them in
    the order the database does. An answer the media plane refuses is undone; a hold, a
    resume or a hang-up happens whatever it says (a call it lost, a recording that failed:
    the call's state is the exam's, and it can always be held and ended).

    `at`: when it was asked, if earlier than now (it waited for the database); `claim`: who
    acts on the media plane for it (see `call_control`)."""
    async with _phone_lock(ctx, candidate_id or await _candidate_of(ctx, call_id)):
        row, before, exam, parties = await _commit(
            ctx, call_id, action, party, actor, candidate_id, enforce_phase, at
        )
        recording: RecordingInfo | None = None
        try:
            recording = await _drive_media(ctx, row, exam, action, parties, claim)
        except MediaError as exc:
            if action is CallAction.ANSWER:
                await _undo(ctx, row, before, exam, action, exc)
                await _media_refused(ctx, row.candidate_id, action, call_id, exc)
                raise CallMediaRefused(f"Audio indisponible : {exc}") from None
            _media_lagged(action, call_id, exc)
        except Exception as exc:  # e.g. a recording that could not be finished
            if action is CallAction.ANSWER:
                raise
            log.exception("media failed to %s call %s", action.value, call_id)
            _media_lagged(action, call_id, exc)
        if recording is not None:
            await _keep_recording(ctx, row, exam.candidate, recording)
    _announce(ctx, row)
    return call_out(row)


async def _candidate_of(ctx: AppContext, call_id: str) -> str:
    async with ctx.db.session() as session:
        found = await session.scalar(select(CallRow.candidate_id).where(CallRow.id == call_id))
    if found is None:
        raise CallRefused("Appel introuvable.")
    return found


@contextlib.asynccontextmanager
async def _phone_lock(ctx: AppContext, candidate_id: str) -> AsyncIterator[None]:
    locks = ctx.services.phone_locks
    async with locks.setdefault(candidate_id, asyncio.Lock()):
        yield


_KEPT = ("state", "answered_at", "ended_at", "ended_by", "held_seconds", "hold_started_at")


async def _commit(
    ctx: AppContext,
    call_id: str,
    action: CallAction,
    party: Party,
    actor: str,
    candidate_id: str | None,
    enforce_phase: bool,
    at: datetime | None = None,
) -> tuple[CallRow, dict[str, Any], _Exam, dict[str, str]]:
    """The transition, committed (`UPDATE calls … WHERE version = :read`), or CallRefused."""
    async with ctx.db.session() as session:
        row = await session.get(CallRow, call_id)
        if row is None or (candidate_id is not None and row.candidate_id != candidate_id):
            raise CallRefused("Appel introuvable.")
        exam = await _exam(ctx, session, row.candidate_id)
        if enforce_phase and action in (CallAction.ANSWER, CallAction.RESUME):
            _require_calls_phase(exam)
        call = _call_of(row, ctx, at)
        try:
            event = call.apply(action, party)
        except CallError as exc:
            raise CallRefused(_french(action, exc)) from None
        before = {name: getattr(row, name) for name in _KEPT}
        parties = (
            await _parties(session, exam.candidate, row) if action is CallAction.ANSWER else {}
        )
        _store(row, call, event)
        try:
            await session.flush()
        except StaleDataError:
            await session.rollback()
            now = await session.scalar(select(CallRow.state).where(CallRow.id == call_id))
            raise CallRaced(
                f"Impossible de {_VERBS[action]} : l'appel a changé entre-temps "
                f"({_STATE_WORDS.get(now or '', now)})."
            ) from None
        await _record_event(ctx, session, row, event, actor)
        await session.commit()
    return row, before, exam, parties


async def _drive_media(
    ctx: AppContext,
    row: CallRow,
    exam: _Exam,
    action: CallAction,
    parties: dict[str, str],
    claim: call_control.MediaClaim | None = None,
) -> RecordingInfo | None:
    """What the media plane does for the action — for a hold, resume or hang-up, unless the
    command already did it at once while the database kept it waiting (`claim`): then its
    outcome is taken from there."""
    port = media(ctx)
    if action is CallAction.ANSWER:
        path = _recording_path(ctx, exam.candidate, row.id)
        await port.start_call(row.candidate_id, row.id, path, parties=parties)
        return None
    if action not in (CallAction.HOLD, CallAction.RESUME, CallAction.HANG_UP):
        return None
    if claim is not None and not claim.take():
        return await claim.wait()
    recording = None
    try:
        if action is CallAction.HANG_UP:
            recording = await port.end_call(row.candidate_id)
        else:
            await port.hold(row.candidate_id, action is CallAction.HOLD)
    finally:
        if claim is not None:
            claim.settle(recording)
    return recording


def _media_lagged(action: CallAction, call_id: str, exc: Exception) -> None:
    """The media plane had no call to hold, resume or end (it lost it: a worker gone, a
    recording that failed), or could not be reached: the call's state is the exam's and
    changes all the same; the media plane follows (its rooms are re-placed without it)."""
    log.warning("call %s: %s done without the media plane (%s)", call_id, action.value, exc)


async def _undo(
    ctx: AppContext,
    row: CallRow,
    before: dict[str, Any],
    exam: _Exam,
    action: CallAction,
    exc: MediaError,
) -> None:
    """The media plane refused what was committed: the call goes back to where it was (a
    versioned change of its own, audited with the reason)."""
    async with ctx.db.session() as session:
        current = await session.get(CallRow, row.id)
        assert current is not None
        undone_from = current.state
        for name, value in before.items():
            setattr(current, name, value)
        session.add(
            CallEventRow(
                call_id=row.id,
                action=f"undo_{action.value}"[:20],
                by=Party.SYSTEM.value,
                from_state=undone_from,
                to_state=current.state,
                at=ctx.clock.now(),
            )
        )
        await audit.record(
            session,
            clock=ctx.clock,
            actor="system:media",
            action="call.undone",
            exam_session_id=exam.candidate.exam_session_id,
            subject=row.candidate_id,
            details={"call": row.id, "action": action.value, "reason": str(exc)},
        )
        await session.commit()
    for name in (*_KEPT, "version"):
        setattr(row, name, getattr(current, name))
    if action is CallAction.ANSWER:  # the ring time-out it may have lost to still applies
        _arm_ring_timeout(ctx, row)


async def _keep_recording(
    ctx: AppContext, row: CallRow, candidate: Candidate, recording: RecordingInfo
) -> None:
    """One row per file (a worker lost mid-call made several), after the hang-up's commit."""
    async with ctx.db.session() as session:
        for segment in (*recording.earlier, recording):
            await _store_recording(ctx, session, row, candidate, segment)
        await session.commit()


_STATE_WORDS = {
    CallState.RINGING.value: "il sonne encore",
    CallState.ACTIVE.value: "il a été décroché",
    CallState.HELD.value: "il est en attente",
    CallState.ENDED.value: "il est terminé",
    CallState.MISSED.value: "il a été manqué",
    CallState.REJECTED.value: "il a été refusé",
}


async def _media_refused(
    ctx: AppContext, candidate_id: str, action: CallAction, call_id: str, exc: MediaError
) -> None:
    """The media plane refused (e.g. its capacity is reached): a technical incident of the
    candidate's exam (persisted, audited, on the organiser's and proctor's consoles, in the
    appeal archive), and the jurors' phones say why."""
    log.error("media refused %s on call %s: %s", action, call_id, exc)
    await overview.report_incident(
        ctx,
        candidate_id=candidate_id,
        kind="media_refused",
        detail=f"Impossible de {_VERBS[action]} (appel {call_id}) : {exc}",
        actor="system:media",
    )
    ctx.bus.publish(
        [jury_audience(candidate_id)], MediaAlert(candidate_id=candidate_id, message=str(exc))
    )


_VERBS = {
    CallAction.ANSWER: "décrocher",
    CallAction.REJECT: "refuser l'appel",
    CallAction.MISS: "annuler l'appel",
    CallAction.HOLD: "mettre en attente",
    CallAction.RESUME: "reprendre l'appel",
    CallAction.HANG_UP: "raccrocher",
}


def _french(action: CallAction, exc: CallError) -> str:
    return f"Impossible de {_VERBS[action]} maintenant ({exc})."


def _recording_path(ctx: AppContext, candidate: Candidate, call_id: str) -> Path:
    directory = ctx.settings.recordings_path / candidate.exam_session_id / candidate.participant_id
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{call_id}.ogg"


async def _store_recording(
    ctx: AppContext,
    session: AsyncSession,
    row: CallRow,
    candidate: Candidate,
    info: RecordingInfo,
) -> None:
    analytics = await _with_time_to_answer(row, info)
    rec = RecordingRow(
        call_id=row.id,
        candidate_id=row.candidate_id,
        path=storage.relative_path(ctx.settings, info.path),
        sidecar_path=storage.relative_path(ctx.settings, info.sidecar_path),
        sha256=info.sha256,
        duration_s=info.duration_s,
        size_bytes=info.size_bytes,
        started_at=info.started_at,
        ended_at=info.ended_at,
        gaps=info.to_json()["gaps"],
        analytics=analytics,
    )
    session.add(rec)
    await audit.record(
        session,
        clock=ctx.clock,
        actor="system:recorder",
        action="recording.closed",
        exam_session_id=candidate.exam_session_id,
        subject=row.candidate_id,
        details={
            "call": row.id,
            "file": rec.path,
            "sha256": info.sha256,
            "duration_s": round(info.duration_s, 3),
            "gaps": rec.gaps,
            **({"storage": dict(info.storage)} if info.storage else {}),
        },
    )


async def wrap_up(
    ctx: AppContext, principal: Principal, call_id: str, disposition: str, note: str
) -> dict[str, Any]:
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
    _announce(ctx, row)
    return call_out(row)


async def _with_time_to_answer(row: CallRow, info: RecordingInfo) -> dict[str, Any] | None:
    """The recording's talk analytics with the call's time to answer (ringing → answered, a
    fact of this process), written into its sidecar too. None where nothing was analysed."""
    if not info.analytics:
        return None
    analytics = dict(info.analytics)
    if row.answered_at is not None:
        analytics["time_to_answer_s"] = round((row.answered_at - row.rang_at).total_seconds(), 2)
    if info.sidecar_path.exists():
        try:
            await asyncio.to_thread(amend_sidecar, info.sidecar_path, {"analytics": analytics})
        except (OSError, ValueError):  # the database keeps them; the sidecar stays as written
            log.warning("sidecar %s not amended", info.sidecar_path, exc_info=True)
    return analytics


# ---- time: ring timeouts, pauses and the end of the calls phase ------------------------


def _arm_ring_timeout(ctx: AppContext, row: CallRow) -> None:
    """A ringing call is missed RING_TIMEOUT after it started ringing. The deadline is a fact
    in the database (the call's `rang_at`): this timer is only a wake-up, re-armed at start-up
    for the calls still ringing (`rearm_ring_timeouts`). Without background tasks (tests with
    a fake clock) nothing is armed: they call `expire_ringing` themselves."""
    if not ctx.settings.background_tasks:
        return
    tasks = ctx.services.ring_timeouts
    left = (row.rang_at + RING_TIMEOUT - ctx.clock.now()).total_seconds()

    async def later() -> None:
        await asyncio.sleep(max(0.0, real_seconds(ctx.clock, left)))
        await expire_ringing(ctx)

    task = asyncio.create_task(later(), name=f"ring-timeout-{row.id}")
    tasks.add(task)
    task.add_done_callback(tasks.discard)


async def rearm_ring_timeouts(ctx: AppContext) -> None:
    """At start-up: the calls whose ring time-out passed while the server was down are missed
    now, the others get their wake-up back (the line is never left blocked by a restart)."""
    await expire_ringing(ctx)
    async with ctx.db.session() as session:
        ringing = list(
            await session.scalars(select(CallRow).where(CallRow.state == CallState.RINGING.value))
        )
    for row in ringing:
        _arm_ring_timeout(ctx, row)


async def expire_ringing(ctx: AppContext) -> None:
    """Every call ringing for longer than RING_TIMEOUT is missed."""
    deadline = ctx.clock.now() - RING_TIMEOUT
    async with ctx.db.session() as session:
        ids = list(
            await session.scalars(
                select(CallRow.id).where(
                    CallRow.state == CallState.RINGING.value, CallRow.rang_at <= deadline
                )
            )
        )
    for call_id in ids:
        with contextlib.suppress(CallRefused):  # answered (or cancelled) meanwhile: it won
            await act(
                ctx,
                call_id,
                CallAction.MISS,
                party=Party.SYSTEM,
                actor="system:clock",
                enforce_phase=False,
            )


async def on_timeline(
    ctx: AppContext, candidate_id: str, state: TimelineState, facts: list[TimelineFact]
) -> None:
    """A pause holds the call; a minute before the end of the calls phase both parties are
    warned; at its end the call is ended (a ringing one is missed)."""
    for fact in facts:
        if isinstance(fact, Paused):
            await _settle(ctx, candidate_id, pause=True)
        elif (
            isinstance(fact, WarningEmitted)
            and fact.phase is PhaseKind.APPELS
            and fact.minutes == 1
        ):
            ctx.bus.publish(
                [candidate_audience(candidate_id), jury_audience(candidate_id)],
                CallWarning(
                    candidate_id=candidate_id,
                    message="Fin de la phase d'appels dans une minute : concluez l'appel.",
                ),
            )
        elif isinstance(fact, PhaseEnded) and fact.phase is PhaseKind.APPELS:
            await _settle(ctx, candidate_id, pause=False)


async def _settle(ctx: AppContext, candidate_id: str, *, pause: bool) -> None:
    """Holds (a pause) or ends (the end of the phase) the candidate's live call. Someone may act
    on the call at the same instant (the candidate answers as the phase ends): the version
    check refuses one of the two; the call is then read again and settled from its new state."""
    for _attempt in range(4):
        async with ctx.db.session() as session:
            row = await _live_call(session, candidate_id)
        if row is None:
            return
        if pause:
            if row.state != CallState.ACTIVE.value:
                return
            action, actor = CallAction.HOLD, "system:pause"
        else:
            ringing = row.state == CallState.RINGING.value
            action, actor = (CallAction.MISS if ringing else CallAction.HANG_UP), "system:clock"
        try:
            await act(ctx, row.id, action, party=Party.SYSTEM, actor=actor, enforce_phase=False)
            return
        except CallMediaRefused:
            return  # reported as an incident; trying again would only repeat it
        except CallRefused:
            continue  # the call changed meanwhile (a race, or its new state): read it again
    log.error("could not settle the live call of %s", candidate_id)


def on_media_replaced(ctx: AppContext) -> Any:
    def replaced(room_id: str) -> None:
        ctx.bus.publish(
            [candidate_audience(room_id), jury_audience(room_id)], Renegotiate(candidate_id=room_id)
        )

    return replaced


def on_peer_state(ctx: AppContext) -> Any:
    """The media layer reports a page's peer connection state: tell that candidate's pages."""

    def report(room_id: str, role: str, state: str) -> None:
        ctx.bus.publish(
            [candidate_audience(room_id), jury_audience(room_id)],
            PeerState(candidate_id=room_id, role=str(role), state=state),
        )

    return report


# ---- reads ----------------------------------------------------------------------------


def _line_names(pack: Any) -> dict[str, str]:
    return {p.id: p.name for p in pack.principals}


async def lines_of(ctx: AppContext, session: AsyncSession, candidate_id: str) -> dict[str, str]:
    """The line each simulation's calls are on: its principal's name (the DNIS label a real
    CTI shows), by simulation id."""
    found = await packs.candidate_subset(ctx, session, candidate_id)
    if found is None:
        return {}
    pack, subset = found
    names = _line_names(pack)
    return {s.id: names.get(s.candidate.principal, "") for s in subset.simulations}


async def calls_with_lines(
    ctx: AppContext, session: AsyncSession, candidate_id: str
) -> list[dict[str, Any]]:
    """`calls_of`, each call with its `line` (after a reload the bar still names it)."""
    lines = await lines_of(ctx, session, candidate_id)
    return [
        {**c, "line": lines.get(c["simulation_id"] or "", "")}
        for c in await calls_of(session, candidate_id)
    ]


async def calls_of(session: AsyncSession, candidate_id: str) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(CallRow).where(CallRow.candidate_id == candidate_id).order_by(CallRow.rang_at)
    )
    return [call_out(r) for r in rows]


def gaps_out(gaps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A recording's named intervals for the jury, each with its French label and party:
    `{role, reason, start_s, end_s, silent, label, role_label}` (older rows' shapes too)."""
    out = []
    for raw in gaps:
        gap = gap_from_json(raw)
        out.append(
            {
                **gap_to_json(gap),
                "label": GAP_LABELS_FR.get(gap.reason, gap.reason.value),
                "role_label": ROLE_LABELS_FR.get(gap.role, gap.role),
            }
        )
    return out


def recording_out(row: RecordingRow) -> dict[str, Any]:
    """A recording's facts for the jury and the appeal archive (no URL)."""
    return {
        "id": row.id,
        "call_id": row.call_id,
        "file": Path(row.path).name,
        "sha256": row.sha256,
        "duration_s": row.duration_s,
        "size_bytes": row.size_bytes,
        "started_at": row.started_at.isoformat(),
        "ended_at": row.ended_at.isoformat(),
        "gaps": gaps_out(row.gaps),
        "analytics": row.analytics,
    }


async def recordings_of(session: AsyncSession, candidate_id: str) -> list[RecordingRow]:
    return list(
        await session.scalars(
            select(RecordingRow)
            .where(RecordingRow.candidate_id == candidate_id)
            .order_by(RecordingRow.started_at)
        )
    )
