"""In-process event bus: services publish typed events to audiences, WebSocket edges subscribe.

An audience names who may receive an event, so a candidate can never subscribe to jury text:
- `candidate:<id>`  what the candidate's own page may show;
- `jury:<candidate id>`  what the jurors (and the organiser) of that candidate may see;
- `staff:<session id>`  what the organiser and proctors of a session may see.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

QUEUE_LIMIT = 1000


class Message(BaseModel):
    """Base of every typed WebSocket message, both ways: discriminated by `type`."""

    model_config = ConfigDict(extra="forbid")


def candidate_audience(candidate_id: str) -> str:
    return f"candidate:{candidate_id}"


def jury_audience(candidate_id: str) -> str:
    return f"jury:{candidate_id}"


def staff_audience(exam_session_id: str) -> str:
    return f"staff:{exam_session_id}"


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

    def publish(self, audiences: str | Iterable[str], event: BaseModel) -> None:
        targets = [audiences] if isinstance(audiences, str) else list(audiences)
        seen: set[int] = set()
        for audience in targets:
            for sub in list(self._by_audience.get(audience, ())):
                if sub.id not in seen:
                    seen.add(sub.id)
                    sub.offer(event)

    def subscriber_count(self, audience: str) -> int:
        return len(self._by_audience.get(audience, ()))
