"""A call's transitions after it rang: answer, reject, miss, hold, resume, hang up — each one
checked by the `Call` state machine, committed against the row's version, audited, then
played on the media plane and announced; and the ring time-outs that miss a call nobody
answered."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from server.core import audit
from server.core.context import AppContext
from server.exams.models import Candidate
from server.telephony import call_control
from server.telephony.call_exam import CallExam, exam_of, parties_of, require_calls_phase
from server.telephony.call_records import announce, call_of, call_out, store
from server.telephony.call_state import CallAction, CallError, CallEvent, CallState, Party
from server.telephony.errors import (
    STATE_WORDS_FR,
    VERBS_FR,
    CallMediaRefused,
    CallRaced,
    CallRefused,
    refusal_fr,
)
from server.telephony.events import CallOut
from server.telephony.media_events import media, media_refused
from server.telephony.models import CallEventRow, CallRow
from server.telephony.ports import MediaError, RecordingInfo
from server.telephony.recordings import keep_recording, recording_path

log = logging.getLogger(__name__)


def ring_timeout(ctx: AppContext) -> timedelta:
    """How long a call rings before it is missed: the centre's setting, in exam time."""
    return timedelta(seconds=ctx.settings.ring_timeout_s)


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
) -> CallOut:
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
                await media_refused(ctx, row.candidate_id, action, call_id, exc)
                raise CallMediaRefused(f"Audio indisponible : {exc}") from None
            _media_lagged(action, call_id, exc)
        except Exception as exc:  # e.g. a recording that could not be finished
            if action is CallAction.ANSWER:
                raise
            log.exception("media failed to %s call %s", action.value, call_id)
            _media_lagged(action, call_id, exc)
        if recording is not None:
            await keep_recording(ctx, row, exam.candidate, recording)
    announce(ctx, row)
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


@dataclass(frozen=True)
class _Kept:
    """What an undone action puts back on its call's row."""

    state: str
    answered_at: datetime | None
    ended_at: datetime | None
    ended_by: str | None
    held_seconds: float
    hold_started_at: datetime | None

    @classmethod
    def of(cls, row: CallRow) -> _Kept:
        return cls(
            row.state,
            row.answered_at,
            row.ended_at,
            row.ended_by,
            row.held_seconds,
            row.hold_started_at,
        )

    def put_back(self, row: CallRow) -> None:
        row.state = self.state
        row.answered_at = self.answered_at
        row.ended_at = self.ended_at
        row.ended_by = self.ended_by
        row.held_seconds = self.held_seconds
        row.hold_started_at = self.hold_started_at


async def _commit(
    ctx: AppContext,
    call_id: str,
    action: CallAction,
    party: Party,
    actor: str,
    candidate_id: str | None,
    enforce_phase: bool,
    at: datetime | None = None,
) -> tuple[CallRow, _Kept, CallExam, dict[str, str]]:
    """The transition, committed (`UPDATE calls … WHERE version = :read`), or CallRefused."""
    async with ctx.db.session() as session:
        row = await session.get(CallRow, call_id)
        if row is None or (candidate_id is not None and row.candidate_id != candidate_id):
            raise CallRefused("Appel introuvable.")
        exam = await exam_of(ctx, session, row.candidate_id)
        if enforce_phase and action in (CallAction.ANSWER, CallAction.RESUME):
            require_calls_phase(exam)
        call = call_of(row, ctx, at)
        try:
            event = call.apply(action, party)
        except CallError as exc:
            raise CallRefused(refusal_fr(action, exc)) from None
        before = _Kept.of(row)
        parties = (
            await parties_of(session, exam.candidate, row) if action is CallAction.ANSWER else {}
        )
        store(row, call, event)
        try:
            await session.flush()
        except StaleDataError:
            await session.rollback()
            now = await session.scalar(select(CallRow.state).where(CallRow.id == call_id))
            raise CallRaced(
                f"Impossible de {VERBS_FR[action]} : l'appel a changé entre-temps "
                f"({STATE_WORDS_FR.get(now or '', now)})."
            ) from None
        await _record_event(ctx, session, row, event, actor)
        await session.commit()
    return row, before, exam, parties


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


async def _drive_media(
    ctx: AppContext,
    row: CallRow,
    exam: CallExam,
    action: CallAction,
    parties: dict[str, str],
    claim: call_control.MediaClaim | None = None,
) -> RecordingInfo | None:
    """What the media plane does for the action — for a hold, resume or hang-up, unless the
    command already did it at once while the database kept it waiting (`claim`): then its
    outcome is taken from there."""
    port = media(ctx)
    if action is CallAction.ANSWER:
        path = recording_path(ctx, exam.candidate, row.id)
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
    before: _Kept,
    exam: CallExam,
    action: CallAction,
    exc: MediaError,
) -> None:
    """The media plane refused what was committed: the call goes back to where it was (a
    versioned change of its own, audited with the reason)."""
    async with ctx.db.session() as session:
        current = await session.get(CallRow, row.id)
        assert current is not None
        undone_from = current.state
        before.put_back(current)
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
    _Kept.of(current).put_back(row)
    row.version = current.version
    if action is CallAction.ANSWER:  # the ring time-out it may have lost to still applies
        arm_ring_timeout(ctx, row)


# ---- ring time-outs ---------------------------------------------------------------------


def arm_ring_timeout(ctx: AppContext, row: CallRow) -> None:
    """A ringing call is missed `ring_timeout` after it started ringing. The deadline is a fact
    in the database (the call's `rang_at`): this timer is only a wake-up, re-armed at start-up
    for the calls still ringing (`rearm_ring_timeouts`). Without background tasks (tests with
    a fake clock) nothing is armed: they call `expire_ringing` themselves."""
    if not ctx.settings.background_tasks:
        return
    tasks = ctx.services.ring_timeouts
    left = (row.rang_at + ring_timeout(ctx) - ctx.clock.now()).total_seconds()

    async def later() -> None:
        await ctx.clock.sleep(left)  # exam time: a FakeClock's advance fires it
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
        arm_ring_timeout(ctx, row)


async def expire_ringing(ctx: AppContext) -> None:
    """Every call ringing for longer than the ring time-out is missed."""
    deadline = ctx.clock.now() - ring_timeout(ctx)
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
