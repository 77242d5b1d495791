"""The chat's WebSocket events, to both sides of the conversation (the candidate's page and
that candidate's jurors). Declared in the package's contribution (docs/events.md)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from server.core.events import Audience, Event, Payload

_BOTH = (Audience.CANDIDATE, Audience.JURY)


class ChatMessageOut(Payload):
    """One message of the conversation (`server.chat.service.message_out`)."""

    id: str
    seq: int = Field(description="Its number in the conversation (from 1, no gap).")
    simulation_id: str | None = Field(description="The chat simulation it belongs to.")
    author: str = Field(description="candidate or client.")
    text: str
    at: str = Field(description="When it was sent (ISO 8601).")
    client_msg_id: str = Field(description="The sender's id of it (a resend is the same one).")


class ChatPosted(Event):
    """A message was sent (stored before it is announced)."""

    audiences: ClassVar[tuple[Audience, ...]] = _BOTH
    type: Literal["chat.message"] = "chat.message"
    candidate_id: str = Field(description="Whose conversation.")
    message: ChatMessageOut = Field(description="The message as stored.")


class ChatTyping(Event):
    """One side is typing (never stored)."""

    audiences: ClassVar[tuple[Audience, ...]] = _BOTH
    type: Literal["chat.typing"] = "chat.typing"
    candidate_id: str = Field(description="Whose conversation.")
    author: str = Field(description="Who types: candidate or client.")


EVENTS: tuple[type[Event], ...] = (ChatPosted, ChatTyping)
