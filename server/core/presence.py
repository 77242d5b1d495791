"""Who is connected right now, and since when (memory only: rebuilt as pages reconnect)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class Presence:
    connected: bool
    since: datetime
    sockets: int = 0


class PresenceTracker:
    def __init__(self) -> None:
        self._by_subject: dict[str, Presence] = {}

    def connect(self, subject_id: str, now: datetime) -> Presence:
        p = self._by_subject.get(subject_id)
        if p is None or not p.connected:
            p = Presence(True, now, 0)
            self._by_subject[subject_id] = p
        p.sockets += 1
        return p

    def disconnect(self, subject_id: str, now: datetime) -> Presence | None:
        p = self._by_subject.get(subject_id)
        if p is None:
            return None
        p.sockets = max(0, p.sockets - 1)
        if p.sockets == 0:
            p.connected, p.since = False, now
        return p

    def get(self, subject_id: str) -> Presence | None:
        return self._by_subject.get(subject_id)
