"""In-process event bus: services publish typed events to audiences, WebSocket edges subscribe.

An audience names who may receive an event, so a candidate can never subscribe to jury text:
- `candidate:<id>`  what the candidate's own page may show;
- `jury:<candidate id>`  what the jurors (and the organiser) of that candidate may see;
- `staff:<session id>`  what the organiser and proctors of a session may see;
- `person:<subject id>`  what concerns that person's own pages alone (what they may see
  changed: server/core/revocation.py).
"""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from collections.abc import Iterable
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

QUEUE_LIMIT = 1000


class Message(BaseModel):
    """Base of every typed WebSocket message, both ways: discriminated by `type`."""

    model_config = ConfigDict(extra="forbid")


class Audience(StrEnum):
    """Who an event may reach (the prefix of the bus audiences it is published to)."""

    CANDIDATE = "candidate"  # `candidate:<id>`: the candidate's page, that candidate's jurors
    JURY = "jury"  # `jury:<candidate id>`: that candidate's jurors (never the candidate)
    STAFF = "staff"  # `staff:<session id>`: the session's proctors
    PERSON = "person"  # `person:<subject id>`: every page of that one person
    SOCKET = "socket"  # not on the bus: the WebSocket edge's answer to one connection


AUDIENCE_READERS: dict[Audience, str] = {
    Audience.CANDIDATE: "the candidate's own page, that candidate's two jurors and the "
    "organiser's console of the session",
    Audience.JURY: "that candidate's two jurors and the organiser's console of the session "
    "(never a candidate's page)",
    Audience.STAFF: "the session's proctors and the organiser's console of the session",
    Audience.PERSON: "every page of that one person (whatever their role), and no one else's",
    Audience.SOCKET: "the one connection it answers (sent by the WebSocket edge, not published "
    "on the bus)",
}


class Event(Message):
    """Base of every server → client WebSocket message: its `type` literal, the audiences it
    may be published to (`audiences`) and whether the edge numbers it (`seq`, see
    server/web/ws.py). Each package declares its events in its contribution; the catalogue
    (docs/events.md, `python -m server.event_catalogue`) is generated from them."""

    # Every field is always sent (nothing is excluded on dump): each one is required in the
    # generated JSON Schema, defaults included.
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)

    audiences: ClassVar[tuple[Audience, ...]] = ()
    numbered: ClassVar[bool] = True  # False: sent out of sequence (replies, heartbeats)

    @classmethod
    def type_name(cls) -> str:
        return str(cls.model_fields["type"].default)


class Payload(BaseModel):
    """A typed object inside an event (a call, a mark…): its keys are those the service's
    `*_out` function writes, in the same order; a missing or unknown key is refused."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


def candidate_audience(candidate_id: str) -> str:
    return f"candidate:{candidate_id}"


def jury_audience(candidate_id: str) -> str:
    return f"jury:{candidate_id}"


def staff_audience(exam_session_id: str) -> str:
    return f"staff:{exam_session_id}"


def person_audience(subject_id: str) -> str:
    return f"person:{subject_id}"


class Subscription:
    """A bounded queue of events; if a slow client lets it fill, it is marked lost and the
    client must resync from a snapshot (never silent loss)."""

    _ids = itertools.count(1)

    def __init__(self, audiences: Iterable[str]) -> None:
        self.id = next(self._ids)
        self.audiences = frozenset(audiences)
        self.queue: asyncio.Queue[BaseModel] = asyncio.Queue(QUEUE_LIMIT)
        self.overflowed = False

    def offer(self, event: BaseModel) -> None:
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True


class EventBus:
    def __init__(self) -> None:
        self._by_audience: dict[str, set[Subscription]] = defaultdict(set)

    def subscribe(self, audiences: Iterable[str]) -> Subscription:
        sub = Subscription(audiences)
        for audience in sub.audiences:
            self._by_audience[audience].add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        for audience in sub.audiences:
            subs = self._by_audience.get(audience)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._by_audience[audience]

    def publish(self, audiences: str | Iterable[str], event: Event) -> None:
        """`event`: an `Event` of one of the audiences it declares (tests/events_check.py
        checks both in every per-command test)."""
        targets = [audiences] if isinstance(audiences, str) else list(audiences)
        seen: set[int] = set()
        for audience in targets:
            for sub in list(self._by_audience.get(audience, ())):
                if sub.id not in seen:
                    seen.add(sub.id)
                    sub.offer(event)

    def subscriber_count(self, audience: str) -> int:
        return len(self._by_audience.get(audience, ()))
