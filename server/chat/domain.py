"""When the candidate may write in the chat simulation (pure: facts and the instant in).

The customer opens the conversation (a website chat starts with the visitor's message): the
candidate may write from the customer's first message until the simulation's time (its card's
minutes) has run from it. The customer's juror is not bound by it (a last word after the
time is theirs to say); the calls phase bounds both (`service.require_open`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

NOT_STARTED = "La conversation n'a pas commencé : le client écrit le premier message."
ENDED = "La conversation est terminée : le temps de la simulation par messagerie est écoulé."


@dataclass(frozen=True)
class ChatWindow:
    minutes: int
    opened_at: datetime | None  # the customer's first message

    @property
    def closes_at(self) -> datetime | None:
        if self.opened_at is None:
            return None
        return self.opened_at + timedelta(minutes=self.minutes)

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
        }
