"""Use-cases of the chat simulation: send (idempotent by the client's message id, committed
before it is acknowledged and delivered), typing, read markers, transcript."""

from __future__ import annotations

import uuid
from typing import Any, TypedDict

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.chat.domain import ChatWindow, paused_since
from server.chat.events import ChatMessageOut, ChatPosted, ChatTyping
from server.chat.models import ChatMessage, ChatRead
from server.core import audit
from server.core.context import AppContext
from server.core.errors import PlateauError
from server.core.events import candidate_audience, jury_audience
from server.core.referential import PhaseKind
from server.exams import packs, timeline_service
from server.exams.models import Candidate
from server.exams.timeline_state import Status
from server.scenarios.pack.types import SimulationKind

MAX_TEXT = 2000


class ChatRefused(PlateauError):
    """Sending is not allowed now (French message)."""


class ChatMessagePayload(TypedDict):
    """One message as the pages, the archive and `chat.send`'s reply hold it (`message_out`;
    events and HTTP: `events.ChatMessageOut`)."""

    id: str
    seq: int
    simulation_id: str | None
    author: str
    text: str
    at: str
    client_msg_id: str


def message_out(m: ChatMessage) -> ChatMessagePayload:
    return {
        "id": m.id,
        "seq": m.seq,
        "simulation_id": m.simulation_id,
        "author": m.author,
        "text": m.text,
        "at": m.sent_at.isoformat(),
        "client_msg_id": m.client_msg_id,
    }


async def _chat_card(ctx: AppContext, session: AsyncSession, candidate_id: str) -> Any:
    found = await packs.candidate_subset(ctx, session, candidate_id)
    return next(
        (s for s in (found[1].simulations if found else ()) if s.kind is SimulationKind.CHAT),
        None,
    )


async def _chat_simulation(ctx: AppContext, session: AsyncSession, candidate_id: str) -> str:
    sim = await _chat_card(ctx, session, candidate_id)
    if sim is None:
        raise ChatRefused("Cette épreuve ne comporte pas de simulation par messagerie.")
    return str(sim.id)


async def window(ctx: AppContext, session: AsyncSession, candidate_id: str) -> ChatWindow | None:
    """The chat simulation's window (opened by the customer's first message), or None."""
    sim = await _chat_card(ctx, session, candidate_id)
    if sim is None:
        return None
    opened = await session.scalar(
        select(ChatMessage.sent_at)
        .where(
            ChatMessage.candidate_id == candidate_id,
            ChatMessage.simulation_id == sim.id,
            ChatMessage.author == "client",
        )
        .order_by(ChatMessage.seq)
        .limit(1)
    )
    if opened is None:
        return ChatWindow(minutes=sim.minutes, opened_at=None)
    timeline = await timeline_service.load(ctx, session, candidate_id)
    paused = paused_since(timeline.facts, opened, ctx.clock.now())
    return ChatWindow(minutes=sim.minutes, opened_at=opened, paused=paused)


async def _existing(session: AsyncSession, candidate_id: str, client_msg_id: str) -> Any:
    return await session.scalar(
        select(ChatMessage).where(
            ChatMessage.candidate_id == candidate_id, ChatMessage.client_msg_id == client_msg_id
        )
    )


async def require_open(ctx: AppContext, session: AsyncSession, candidate_id: str) -> str:
    """The chat simulation's id, when the chat is open now (calls phase, running)."""
    state = (await timeline_service.load(ctx, session, candidate_id)).state()
    if state.phase is not PhaseKind.APPELS or state.status is not Status.RUNNING:
        raise ChatRefused("La messagerie n'est ouverte que pendant la phase « Appels ».")
    return await _chat_simulation(ctx, session, candidate_id)


async def send(
    ctx: AppContext,
    candidate_id: str,
    author: str,
    text: str,
    client_msg_id: str | None,
    *,
    actor: str,
) -> ChatMessagePayload:
    """Commits the message, then publishes `chat.message`; returns it for the ack. A resend
    with the same `client_msg_id` returns the stored message (no duplicate, no new event)."""
    text = text.strip("\n")
    if not text.strip():
        raise ChatRefused("Le message est vide.")
    if len(text) > MAX_TEXT:
        raise ChatRefused(f"Le message dépasse {MAX_TEXT} caractères.")
    client_msg_id = client_msg_id or uuid.uuid4().hex
    for attempt in (1, 2, 3):
        async with ctx.db.session() as session:
            existing = await _existing(session, candidate_id, client_msg_id)
            if existing is not None:  # a resend after a dropped connection: same message
                return message_out(existing)
            simulation_id = await require_open(ctx, session, candidate_id)
            span = await window(ctx, session, candidate_id)
            refusal = span.refusal(author, ctx.clock.now()) if span else None
            if refusal:
                raise ChatRefused(refusal)
            last = await session.scalar(
                select(func.max(ChatMessage.seq)).where(ChatMessage.candidate_id == candidate_id)
            )
            msg = ChatMessage(
                candidate_id=candidate_id,
                seq=(last or 0) + 1,
                simulation_id=simulation_id,
                author=author,
                client_msg_id=client_msg_id,
                text=text,
                sent_at=ctx.clock.now(),
            )
            try:  # the INSERT may go at an autoflush (the queries below), not at the commit
                session.add(msg)
                exam_session_id = await session.scalar(
                    select(Candidate.exam_session_id).where(
                        Candidate.participant_id == candidate_id
                    )
                )
                await audit.record(
                    session,
                    clock=ctx.clock,
                    actor=actor,
                    action="chat.message",
                    exam_session_id=exam_session_id,
                    subject=candidate_id,
                    details={
                        "seq": msg.seq,
                        "author": author,
                        "simulation": simulation_id,
                        "length": len(text),
                    },
                )
                await session.commit()
            except IntegrityError:  # another send took this seq, or the same message won
                await session.rollback()
                if attempt == 3:
                    raise ChatRefused("Message non envoyé, réessayez.") from None
                continue
            out = message_out(msg)
        ctx.bus.publish(
            [candidate_audience(candidate_id), jury_audience(candidate_id)],
            ChatPosted(candidate_id=candidate_id, message=ChatMessageOut(**out)),
        )
        return out
    raise AssertionError("unreachable")


async def typing(ctx: AppContext, candidate_id: str, author: str) -> None:
    """Ephemeral (never stored): relayed to the other side while the chat is open."""
    async with ctx.db.session() as session:
        await require_open(ctx, session, candidate_id)
    ctx.bus.publish(
        [candidate_audience(candidate_id), jury_audience(candidate_id)],
        ChatTyping(candidate_id=candidate_id, author=author),
    )


async def mark_read(ctx: AppContext, candidate_id: str, reader_id: str, last_seq: int) -> None:
    async with ctx.db.session() as session:
        row = await session.get(ChatRead, (candidate_id, reader_id))
        if row is None:
            session.add(ChatRead(candidate_id=candidate_id, reader_id=reader_id, last_seq=last_seq))
        else:
            row.last_seq = max(row.last_seq, last_seq)
        await session.commit()


async def transcript(session: AsyncSession, candidate_id: str) -> list[ChatMessagePayload]:
    rows = await session.scalars(
        select(ChatMessage)
        .where(ChatMessage.candidate_id == candidate_id)
        .order_by(ChatMessage.seq)
    )
    return [message_out(m) for m in rows]


async def unread(session: AsyncSession, candidate_id: str, reader_id: str, author: str) -> int:
    """Messages of the other side after the reader's marker (the badge after a reload)."""
    seen = await last_read(session, candidate_id, reader_id)
    count = await session.scalar(
        select(func.count(ChatMessage.id)).where(
            ChatMessage.candidate_id == candidate_id,
            ChatMessage.seq > seen,
            ChatMessage.author != author,
        )
    )
    return int(count or 0)


async def last_read(session: AsyncSession, candidate_id: str, reader_id: str) -> int:
    row = await session.get(ChatRead, (candidate_id, reader_id))
    return row.last_seq if row else 0
