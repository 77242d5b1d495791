"""Hold, resume and hang-up never wait on the database.

A call command runs as usual (`call_lifecycle.act`: the state machine checked against the
database, the media plane, the commit), in a task of its own per call, in order. If the
database has not answered within `DB_PATIENCE_S` (locked, restarting, unreachable), the
command goes on without it:

- the media plane acts at once from what this process knows of the call (`LiveCalls`, kept
  from every call change it announced; the person was allowed to act on that candidate's
  calls when the database last answered): a hang-up ends the call's audio and finishes its
  recording, a hold or resume switches the audio;
- both pages are told the call's new state, marked `pending`, with a French sentence
  (`call.pending`): « … enregistré dès que la base de données répondra »;
- the command itself stays queued, retried every `db_retry_s` (settings) while the database
  refuses, and is written when it answers, dated when it was asked (the hang-up's instant, not the
  database's return); then the pages get the call as written and `call.pending` false.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import Field
from sqlalchemy.exc import DBAPIError

from server.core.context import AppContext
from server.core.events import Payload, candidate_audience, jury_audience
from server.core.identity import Principal, Role
from server.telephony.call_state import CallAction, CallState
from server.telephony.events import CallChanged, CallOut, CallPending, PendingCallOut
from server.telephony.ports import RecordingInfo

log = logging.getLogger(__name__)

DB_PATIENCE_S = 2.0  # a call command waits this long for the database, then goes on without
DB_ERRORS: tuple[type[BaseException], ...] = (DBAPIError, OSError, TimeoutError)
DEFERRED = (CallAction.HOLD, CallAction.RESUME, CallAction.HANG_UP, CallAction.MISS)

_WAITING_FR = {
    CallAction.HANG_UP: "Appel raccroché. La base de données ne répond pas : la fin de l'appel "
    "sera enregistrée dès qu'elle répondra.",
    CallAction.MISS: "Appel annulé. La base de données ne répond pas : ce sera enregistré dès "
    "qu'elle répondra.",
    CallAction.HOLD: "Appel mis en attente. La base de données ne répond pas : l'attente sera "
    "enregistrée dès qu'elle répondra.",
    CallAction.RESUME: "Appel repris. La base de données ne répond pas : la reprise sera "
    "enregistrée dès qu'elle répondra.",
}
_QUEUED_FR = (
    "La base de données ne répond pas : votre demande est en file d'attente et sera appliquée "
    "dès qu'elle répondra."
)
_WRITTEN_FR = "La base de données répond à nouveau : l'appel est enregistré tel qu'il est."

_NEXT_STATE = {
    CallAction.HANG_UP: CallState.ENDED,
    CallAction.MISS: CallState.MISSED,
    CallAction.HOLD: CallState.HELD,
    CallAction.RESUME: CallState.ACTIVE,
}


@dataclass(frozen=True)
class KnownCall:
    """A live call as this process last announced it, and whose phone it rings on."""

    candidate_id: str
    call: CallOut


class QueuedReply(Payload):
    """A call command's reply when it waits for the database and nothing is known of its
    call here: it is queued, and will be announced once written (`call_control.run`)."""

    id: str = Field(description="The call's id.")
    queued: bool = Field(description="Always true.")
    pending: bool = Field(description="Always true: the change is not written yet.")
    message: str = Field(description="What the pages show meanwhile (French).")


@dataclass
class LiveCalls:
    """What this process last announced of each live call (`call_records.call_out` plus its
    candidate), and who was allowed to act on which candidate's calls."""

    calls: dict[str, KnownCall] = field(default_factory=dict)
    reach: set[tuple[str, str]] = field(default_factory=set)  # (person, candidate)
    queues: dict[str, asyncio.Task[Any]] = field(default_factory=dict)  # last command, by call

    def seen(self, candidate_id: str, call: CallOut) -> None:
        if CallState(call.state).is_terminal:
            self.calls.pop(call.id, None)
        else:
            self.calls[call.id] = KnownCall(candidate_id, call)

    def allowed(self, principal: Principal, candidate_id: str) -> None:
        self.reach.add((principal.subject_id, candidate_id))

    def may(self, principal: Principal, candidate_id: str) -> bool:
        if principal.role is Role.CANDIDATE:
            return principal.subject_id == candidate_id
        return (principal.subject_id, candidate_id) in self.reach


def live_calls(ctx: AppContext) -> LiveCalls:
    """This process's `LiveCalls` (held opaque by `ctx.services`: the core sits below this
    package), made on first use."""
    calls = ctx.services.live_calls
    if not isinstance(calls, LiveCalls):
        calls = ctx.services.live_calls = LiveCalls()
    return calls


class MediaClaim:
    """Who acts on the media plane for one command: the normal path (`call_lifecycle.act`,
    once the database answered) or the at-once path (the database kept it waiting) — never
    both. The first to `take()` it acts and `settle()`s it with the recording (a hang-up); the
    other `wait()`s for that."""

    def __init__(self) -> None:
        self._done: asyncio.Future[RecordingInfo | None] | None = None

    @property
    def taken(self) -> bool:
        return self._done is not None

    def take(self) -> bool:
        if self._done is not None:
            return False
        self._done = asyncio.get_running_loop().create_future()
        return True

    def settle(self, info: RecordingInfo | None) -> None:
        if self._done is not None and not self._done.done():
            self._done.set_result(info)

    async def wait(self) -> RecordingInfo | None:
        assert self._done is not None
        return await self._done


Act = Callable[[datetime, MediaClaim], Awaitable[CallOut]]


async def run(
    ctx: AppContext,
    principal: Principal,
    call_id: str,
    action: CallAction,
    apply: Act,
    on_media: Callable[[str, CallAction], Awaitable[RecordingInfo | None]],
) -> CallOut | QueuedReply:
    """Run `apply(requested_at, claim)` (the normal path, which raises the usual refusals);
    if the database keeps a hold, resume or hang-up waiting past `DB_PATIENCE_S`, act on the
    media plane now with `on_media(room_id, action)`, tell the pages, and let `apply` finish
    when it can (it then takes the media's outcome from `claim` instead of acting again)."""
    calls = live_calls(ctx)
    requested_at = ctx.clock.now()
    previous = calls.queues.get(call_id)
    claim = MediaClaim()

    async def queued() -> CallOut:
        if previous is not None and not previous.done():
            await asyncio.gather(previous, return_exceptions=True)
        while True:
            try:
                return await apply(requested_at, claim)
            except DB_ERRORS as exc:
                log.warning("call %s: %s waits for the database (%s)", call_id, action, exc)
                await asyncio.sleep(ctx.settings.db_retry_s)

    task = asyncio.ensure_future(queued())
    calls.queues[call_id] = task
    task.add_done_callback(lambda t: _forget(calls, call_id, t))
    if action not in DEFERRED:  # answering and refusing wait as they always did
        return await task
    done, _ = await asyncio.wait({task}, timeout=DB_PATIENCE_S)
    if done:
        return task.result()
    if claim.taken:  # the database answered: the media plane is merely slow, keep waiting
        return await task
    known = calls.calls.get(call_id)
    if known is None or not calls.may(principal, known.candidate_id):
        task.add_done_callback(lambda t: _settled(ctx, None, call_id, action, t))
        return QueuedReply(id=call_id, queued=True, pending=True, message=_QUEUED_FR)
    candidate_id = known.candidate_id
    if action is CallAction.HANG_UP and known.call.state == CallState.RINGING.value:
        action = CallAction.MISS
    if action is not CallAction.MISS and claim.take():
        info = None
        try:
            info = await on_media(candidate_id, action)
        except Exception as exc:  # nothing on the media plane (lost call): the state goes on
            log.warning("call %s: media %s at once failed (%s)", call_id, action, exc)
        finally:
            claim.settle(info)
    provisional = _provisional(known.call, action, principal, requested_at)
    calls.seen(candidate_id, provisional)
    note = CallPending(
        candidate_id=candidate_id,
        call_id=call_id,
        action=action.value,
        pending=True,
        message=_WAITING_FR[action],
    )
    _tell(ctx, candidate_id, provisional, note)
    task.add_done_callback(lambda t: _settled(ctx, candidate_id, call_id, action, t))
    return provisional


def _provisional(
    known: CallOut, action: CallAction, principal: Principal, at: datetime
) -> PendingCallOut:
    call = CallOut.model_validate(known.model_dump(include=set(CallOut.model_fields)))
    call.state = _NEXT_STATE[action].value
    if action in (CallAction.HANG_UP, CallAction.MISS):
        call.ended_at = at.isoformat()
        call.ended_by = "candidate" if principal.role is Role.CANDIDATE else "client"
        # as `call_records.store` decides: every call handled or placed is then qualified
        call.needs_wrap_up = not (call.direction == "inbound" and not call.answered_at)
    if action is CallAction.HOLD:
        call.hold_started_at = at.isoformat()
    return PendingCallOut(**call.model_dump(), pending=True, pending_message=_WAITING_FR[action])


def _tell(ctx: AppContext, candidate_id: str, call: PendingCallOut, note: CallPending) -> None:
    audiences = [candidate_audience(candidate_id), jury_audience(candidate_id)]
    ctx.bus.publish(audiences, CallChanged(candidate_id=candidate_id, call=call))
    ctx.bus.publish(audiences, note)


def _settled(
    ctx: AppContext,
    candidate_id: str | None,
    call_id: str,
    action: CallAction,
    task: asyncio.Task[Any],
) -> None:
    """The queued command was written (its call was announced by `act`) or refused."""
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        log.warning("call %s: queued %s refused once written: %s", call_id, action, exc)
    else:
        log.warning("call %s: queued %s written", call_id, action)
    if candidate_id is None:  # nothing was shown ahead: `act` announced what it wrote
        return
    message = _WRITTEN_FR if exc is None else f"{_WRITTEN_FR} ({exc})"
    ctx.bus.publish(
        [candidate_audience(candidate_id), jury_audience(candidate_id)],
        CallPending(
            candidate_id=candidate_id,
            call_id=call_id,
            action=action.value,
            pending=False,
            message=message,
        ),
    )


def _forget(calls: LiveCalls, call_id: str, task: asyncio.Task[Any]) -> None:
    if calls.queues.get(call_id) is task:
        del calls.queues[call_id]
