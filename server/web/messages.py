"""The WebSocket envelope: typed messages, discriminated by `type`, unknown fields refused.

Server → client: a `snapshot` on connect (and on `resync`), then events with a sequence number
per connection, so the client can tell it missed one; `heartbeat` every few seconds.
Client → server: `time_sync` (clock offset, NTP-style), `resync`, and the domain commands
the packages declare in their contributions (`server.web.ws_registry.WsCommand`).
The events of this module are declared by the web contribution (docs/events.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import Field

from server.core.events import Audience, Event, Message, Payload
from server.core.revocation import AccessChanged

_SOCKET = (Audience.SOCKET,)


class Me(Payload):
    """Who the page is signed in as."""

    role: str = Field(description="candidate, juror, proctor or organiser.")
    subject_id: str = Field(description="The person's id (a candidate's participant id…).")
    display_name: str
    exam_session_id: str | None = Field(description="Their session (none for the organiser).")


class Snapshot(Event):
    """On connect and on `resync`: the whole state the page may see (numbered 1); the events
    that follow are numbered from 2."""

    audiences: ClassVar[tuple[Audience, ...]] = _SOCKET
    type: Literal["snapshot"] = "snapshot"
    server_time: datetime = Field(description="The server's clock (the exam's time).")
    me: Me = Field(description="Who the page is signed in as.")
    state: dict[str, Any] = Field(
        description="One part per contribution's snapshot part (clock, exam, calls, chat, crm, "
        "evaluation…); a part that could not be read is null."
    )


class Heartbeat(Event):
    """Every few seconds without an event: the connection is alive."""

    audiences: ClassVar[tuple[Audience, ...]] = _SOCKET
    numbered: ClassVar[bool] = False
    type: Literal["heartbeat"] = "heartbeat"
    server_time: datetime = Field(description="The server's clock (the exam's time).")


class TimeReply(Event):
    """The answer to `time_sync` (the page's clock offset, NTP-style)."""

    audiences: ClassVar[tuple[Audience, ...]] = _SOCKET
    numbered: ClassVar[bool] = False
    type: Literal["time"] = "time"
    client_time: float = Field(description="The page's time it sent, back.")
    server_time: datetime = Field(description="The server's clock when it answered.")


class ErrorReply(Event):
    """A command or a frame refused (its `request_id` if it had one)."""

    audiences: ClassVar[tuple[Audience, ...]] = _SOCKET
    numbered: ClassVar[bool] = False
    type: Literal["error"] = "error"
    code: str = Field(description="For programs: forbidden, invalid, refused, conflict…")
    message: str = Field(description="For people (French).")
    request_id: str | None = Field(default=None, description="The refused command's, if any.")


class Ack(Event):
    """A command with a `request_id` was done: its result."""

    audiences: ClassVar[tuple[Audience, ...]] = _SOCKET
    numbered: ClassVar[bool] = False
    type: Literal["ack"] = "ack"
    request_id: str = Field(description="The command's `request_id`.")
    result: dict[str, Any] = Field(
        default={},
        description="The command's reply (its model: docs/events.md, Commands); {} for a "
        "command without one.",
    )


class TimeSync(Message):
    type: Literal["time_sync"]
    client_time: float


class Resync(Message):
    type: Literal["resync"]


class PresenceChanged(Event):
    """A page connected or the person's last page disconnected: the session's staff see it,
    and a candidate's jury sees the candidate's."""

    audiences: ClassVar[tuple[Audience, ...]] = (Audience.STAFF, Audience.JURY)
    type: Literal["presence"] = "presence"
    subject_id: str = Field(description="Who.")
    role: str = Field(description="Their role.")
    connected: bool = Field(description="Whether they have a page connected now.")
    since: datetime = Field(description="Since when (connected or not).")


EVENTS: tuple[type[Event], ...] = (
    Snapshot,
    Heartbeat,
    TimeReply,
    ErrorReply,
    Ack,
    PresenceChanged,
    AccessChanged,  # server/core/revocation.py: what a person may see changed
)
