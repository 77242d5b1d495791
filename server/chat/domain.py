"""When the candidate may write in the chat simulation (pure: facts and the instant in).

The customer opens the conversation (a website chat starts with the visitor's message): the
candidate may write from the customer's first message until the simulation's time (its card's
minutes) has run from it — exam time: a pause of the exam meanwhile does not count. The
customer's juror is not bound by it (a last word after the time is theirs to say); the calls
phase bounds both (`service.require_open`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from server.exams.timeline_facts import Paused, Resumed, TimelineFact

NOT_STARTED = "La conversation n'a pas commencé : le client écrit le premier message."
ENDED = "La conversation est terminée : le temps de la simulation par messagerie est écoulé."


def paused_since(facts: Iterable[TimelineFact], start: datetime, now: datetime) -> timedelta:
    """How long the exam was paused between `start` and `now` (an open pause up to now)."""
    total, since = timedelta(0), None
    for fact in facts:
        if isinstance(fact, Paused):
            since = fact.at
        elif isinstance(fact, Resumed) and since is not None:
            total += max(timedelta(0), min(fact.at, now) - max(since, start))
            since = None
    if since is not None:
        total += max(timedelta(0), now - max(since, start))
    return total


@dataclass(frozen=True)
class ChatWindow:
    minutes: int
    opened_at: datetime | None  # the customer's first message
    paused: timedelta = timedelta(0)  # exam paused since then (it does not count)

    @property
    def closes_at(self) -> datetime | None:
        if self.opened_at is None:
            return None
        return self.opened_at + timedelta(minutes=self.minutes) + self.paused

    def refusal(self, author: str, now: datetime) -> str | None:
        """Why `author` may not write at `now` (French), or None."""
        if author != "candidate":
            return None
        if self.opened_at is None:
            return NOT_STARTED
        closes = self.closes_at
        if closes is not None and now >= closes:
            return ENDED
        return None

    def out(self) -> dict[str, Any]:
        closes = self.closes_at
        return {
            "minutes": self.minutes,
            "opened_at": self.opened_at.isoformat() if self.opened_at else None,
            "closes_at": closes.isoformat() if closes else None,
            "paused_seconds": self.paused.total_seconds(),
        }
