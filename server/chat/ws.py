"""Chat over the page's WebSocket: send, typing, read; the transcript in the snapshot."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth import service as auth_service
from server.chat import service
from server.chat.events import ChatMessageOut
from server.chat.models import ChatMessage
from server.core.context import AppContext
from server.core.events import Message, Payload
from server.core.identity import Capacity, Principal, Role
from server.core.text import Line, Text
from server.exams.models import JuryAssignment
from server.web.ws_registry import CommandError, WsCommand


class ChatSend(Message):
    type: Literal["chat.send"]
    text: Annotated[str, Text(service.MAX_TEXT + 100)]
    client_msg_id: Annotated[str, Line(64)] | None = None
    candidate_id: Annotated[str, Line(32)] | None = None  # the client juror: whose conversation


class ChatTypingIn(Message):
    type: Literal["chat.typing"]
    candidate_id: Annotated[str, Line(32)] | None = None


class ChatReadIn(Message):
    type: Literal["chat.read"]
    last_id: Annotated[str, Line(32)] | None = None
    last_seq: int | None = None
    candidate_id: Annotated[str, Line(32)] | None = None


class ChatSent(Payload):
    """`chat.send`'s reply: the message as stored (a resend: the one stored the first time)."""

    message: ChatMessageOut = Field(description="The message as stored.")


async def _conversation(
    ctx: AppContext, principal: Principal, candidate_id: str | None, capacity: Capacity | None
) -> tuple[str, str]:
    """(candidate id, author) for the sender: the candidate, or that candidate's client juror."""
    if principal.role is Role.CANDIDATE:
        return principal.subject_id, "candidate"
    if not candidate_id:
        raise CommandError("invalid", "Précisez le candidat (candidate_id).")
    async with ctx.db.session() as session:
        if not await auth_service.may_reach_candidate(session, principal, candidate_id, capacity):
            raise CommandError("forbidden", "Cette conversation ne vous concerne pas.")
    return candidate_id, "client"


async def on_send(ctx: AppContext, principal: Principal, msg: ChatSend) -> ChatSent:
    cid, author = await _conversation(ctx, principal, msg.candidate_id, Capacity.CLIENT)
    out = await service.send(ctx, cid, author, msg.text, msg.client_msg_id, actor=principal.actor)
    return ChatSent(message=ChatMessageOut.model_validate(out))


async def on_typing(ctx: AppContext, principal: Principal, msg: ChatTypingIn) -> None:
    cid, author = await _conversation(ctx, principal, msg.candidate_id, Capacity.CLIENT)
    await service.typing(ctx, cid, author)


async def on_read(ctx: AppContext, principal: Principal, msg: ChatReadIn) -> None:
    cid, _ = await _conversation(ctx, principal, msg.candidate_id, None)
    last = msg.last_seq
    if last is None and msg.last_id:
        async with ctx.db.session() as session:
            row = await session.get(ChatMessage, msg.last_id)
            last = row.seq if row is not None and row.candidate_id == cid else None
    if last is not None:
        await service.mark_read(ctx, cid, principal.subject_id, last)


# The commands this package's contribution declares (who may send each).
WS_COMMANDS = (
    WsCommand.of(ChatSend, (Role.CANDIDATE, Role.JUROR), on_send),
    WsCommand.of(ChatTypingIn, (Role.CANDIDATE, Role.JUROR), on_typing),
    WsCommand.of(ChatReadIn, (Role.CANDIDATE, Role.JUROR), on_read),
)


async def chat_snapshot(ctx: AppContext, session: AsyncSession, principal: Principal) -> Any:
    if principal.role is Role.CANDIDATE:
        cid = principal.subject_id
        return {
            "messages": await service.transcript(session, cid),
            "last_read": await service.last_read(session, cid, cid),
            "unread": await service.unread(session, cid, cid, "candidate"),
            "window": span.out() if (span := await service.window(ctx, session, cid)) else None,
        }
    if principal.role is Role.JUROR:
        ids = await session.scalars(
            select(JuryAssignment.candidate_id).where(
                JuryAssignment.juror_id == principal.subject_id
            )
        )
        return {
            "by_candidate": {
                cid: {
                    "messages": await service.transcript(session, cid),
                    "last_read": await service.last_read(session, cid, principal.subject_id),
                    "unread": await service.unread(session, cid, principal.subject_id, "client"),
                }
                for cid in ids
            }
        }
    return {}
