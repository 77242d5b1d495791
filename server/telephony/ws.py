"""Telephony over the page's WebSocket: WebRTC signalling and call commands."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth import service as auth_service
from server.core.context import AppContext
from server.core.events import Message, Payload
from server.core.identity import Capacity, Principal, Role
from server.core.text import Line, Text
from server.exams.models import JuryAssignment
from server.telephony import call_control, call_lifecycle, call_records, calls
from server.telephony.call_control import QueuedReply
from server.telephony.call_state import CallAction
from server.telephony.calls import UnassignedReply
from server.telephony.events import CallOut
from server.telephony.media_events import media
from server.telephony.models import CallRow
from server.telephony.ports import InvalidOffer, PeerRole, RecordingInfo
from server.web.ws_registry import CommandError, WsCommand

PAGES_WITH_AUDIO = (Role.CANDIDATE, Role.JUROR)


class RtcOffer(Message):
    type: Literal["rtc.offer"]
    sdp: Annotated[str, Text(100_000)] = Field(min_length=10)
    candidate_id: Annotated[str, Line(32)] | None = None  # jurors: whose room


class CallRing(Message):
    type: Literal["call.ring"]
    candidate_id: Annotated[str, Line(32)]
    simulation_id: Annotated[str, Line(100)]


class CallDial(Message):
    type: Literal["call.dial"]
    number: Annotated[str, Line(40)] = Field(min_length=1)


class CallCommand(Message):
    type: Literal["call.answer", "call.reject", "call.hangup", "call.hold", "call.resume"]
    call_id: Annotated[str, Line(32)]


class CallWrapUp(Message):
    type: Literal["call.wrap_up"]
    call_id: Annotated[str, Line(32)]
    disposition: Annotated[str, Line(60)]
    note: Annotated[str, Text(2000)] = ""


class RtcAnswer(Payload):
    """`rtc.offer`'s reply: the server's SDP answer, and the page's place in the room."""

    type: Literal["rtc.answer"] = "rtc.answer"
    sdp: str = Field(description="The SDP answer.")
    role: str = Field(description="The page's role in the room: candidate, client or observer.")
    candidate_id: str = Field(description="Whose room (the candidate's id).")


async def _juror_capacity(ctx: AppContext, principal: Principal, candidate_id: str) -> Capacity:
    async with ctx.db.session() as session:
        capacity = await session.scalar(
            select(JuryAssignment.capacity).where(
                JuryAssignment.candidate_id == candidate_id,
                JuryAssignment.juror_id == principal.subject_id,
            )
        )
    if capacity is None:
        raise CommandError("forbidden", "Ce candidat ne vous est pas confié.")
    if capacity == Capacity.CLIENT.value:
        call_control.live_calls(ctx).allowed(principal, candidate_id)
    return Capacity(capacity)


async def _room_and_role(
    ctx: AppContext, principal: Principal, candidate_id: str | None
) -> tuple[str, PeerRole]:
    if principal.role is Role.CANDIDATE:
        return principal.subject_id, PeerRole.CANDIDATE
    if not candidate_id:
        raise CommandError("invalid", "Précisez le candidat (candidate_id).")
    capacity = await _juror_capacity(ctx, principal, candidate_id)
    return candidate_id, PeerRole.CLIENT if capacity is Capacity.CLIENT else PeerRole.OBSERVER


async def on_rtc_offer(ctx: AppContext, principal: Principal, msg: RtcOffer) -> RtcAnswer:
    room, role = await _room_and_role(ctx, principal, msg.candidate_id)
    try:
        answer = await media(ctx).attach_peer(room, role, msg.sdp)
    except InvalidOffer as exc:
        raise CommandError("rtc_invalid", f"Offre audio refusée : {exc}") from None
    return RtcAnswer(sdp=answer, role=role.value, candidate_id=room)


async def on_ring(ctx: AppContext, principal: Principal, msg: CallRing) -> CallOut:
    if await _juror_capacity(ctx, principal, msg.candidate_id) is not Capacity.CLIENT:
        raise CommandError("forbidden", "Seul le juré qui joue le client appelle le candidat.")
    return await calls.ring_inbound(ctx, principal, msg.candidate_id, msg.simulation_id)


async def on_dial(
    ctx: AppContext, principal: Principal, msg: CallDial
) -> CallOut | UnassignedReply:
    return await calls.dial(ctx, principal, msg.number)


ACTIONS = {
    "call.answer": CallAction.ANSWER,
    "call.reject": CallAction.REJECT,
    "call.hangup": CallAction.HANG_UP,
    "call.hold": CallAction.HOLD,
    "call.resume": CallAction.RESUME,
}


async def on_call_command(
    ctx: AppContext, principal: Principal, msg: CallCommand
) -> CallOut | QueuedReply:
    """Answer and reject as they come; hold, resume and hang-up never wait on the database
    (`call_control`): past a short wait they act on the audio at once and are written later."""
    action = ACTIONS[msg.type]

    async def apply(requested_at: datetime, claim: call_control.MediaClaim) -> CallOut:
        nonlocal action
        async with ctx.db.session() as session:
            row = await session.get(CallRow, msg.call_id)
            if row is None or not await auth_service.may_reach_candidate(
                session, principal, row.candidate_id, Capacity.CLIENT
            ):
                raise CommandError("forbidden", "Cet appel ne vous concerne pas.")
        call_control.live_calls(ctx).allowed(principal, row.candidate_id)
        # The caller who gives up before an answer "misses" the call rather than hanging up.
        if action is CallAction.HANG_UP and row.state == "sonnerie":
            action = CallAction.MISS
        return await call_lifecycle.act(
            ctx,
            msg.call_id,
            action,
            party=calls.party_of(principal),
            actor=principal.actor,
            candidate_id=row.candidate_id,
            at=requested_at if action in call_control.DEFERRED else None,
            claim=claim,
        )

    async def on_media(room_id: str, action: CallAction) -> RecordingInfo | None:
        port = media(ctx)
        if action is CallAction.HANG_UP:
            return await port.end_call(room_id)
        await port.hold(room_id, action is CallAction.HOLD)
        return None

    return await call_control.run(ctx, principal, msg.call_id, action, apply, on_media)


async def on_wrap_up(ctx: AppContext, principal: Principal, msg: CallWrapUp) -> CallOut:
    return await calls.wrap_up(ctx, principal, msg.call_id, msg.disposition, msg.note)


# The commands this package's contribution declares (who may send each).
WS_COMMANDS = (
    WsCommand.of(RtcOffer, PAGES_WITH_AUDIO, on_rtc_offer),
    WsCommand.of(CallRing, (Role.JUROR,), on_ring),
    WsCommand.of(CallDial, (Role.CANDIDATE,), on_dial),
    WsCommand.of(CallCommand, (Role.CANDIDATE, Role.JUROR), on_call_command),
    WsCommand.of(CallWrapUp, (Role.CANDIDATE,), on_wrap_up),
)


async def calls_snapshot(ctx: AppContext, session: AsyncSession, principal: Principal) -> Any:
    """The candidate: their calls (live one, pending wrap-up) and the dispositions; a juror:
    the calls of each of their candidates."""
    dispositions = [{"code": k, "label": v} for k, v in call_records.DISPOSITIONS.items()]
    if principal.role is Role.CANDIDATE:
        return {
            "calls": await call_records.calls_with_lines(ctx, session, principal.subject_id),
            "dispositions": dispositions,
        }
    if principal.role is Role.JUROR:
        ids = await session.scalars(
            select(JuryAssignment.candidate_id).where(
                JuryAssignment.juror_id == principal.subject_id
            )
        )
        return {
            "by_candidate": {cid: await call_records.calls_json(session, cid) for cid in ids},
            "dispositions": dispositions,
        }
    return {}
