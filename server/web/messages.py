"""The WebSocket envelope: typed messages, discriminated by `type`, unknown fields refused.

Server → client: a `snapshot` on connect (and on `resync`), then events with a sequence number
per connection, so the client can tell it missed one; `heartbeat` every few seconds.
Client → server: `time_sync` (clock offset, NTP-style), `resync`, and the domain commands
that packages register in `server.web.ws_registry`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from server.core.events import Message


class Snapshot(Message):
    type: Literal["snapshot"] = "snapshot"
    server_time: datetime
    me: dict[str, Any]
    state: dict[str, Any]


class Heartbeat(Message):
    type: Literal["heartbeat"] = "heartbeat"
    server_time: datetime


class TimeReply(Message):
    type: Literal["time"] = "time"
    client_time: float
    server_time: datetime


class ErrorReply(Message):
    type: Literal["error"] = "error"
    code: str
    message: str
    request_id: str | None = None


class Ack(Message):
    type: Literal["ack"] = "ack"
    request_id: str
    result: dict[str, Any] = {}


class TimeSync(Message):
    type: Literal["time_sync"]
    client_time: float


class Resync(Message):
    type: Literal["resync"]


class PresenceChanged(Message):
    type: Literal["presence"] = "presence"
    subject_id: str
    role: str
    connected: bool
    since: datetime
