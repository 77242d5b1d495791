"""Live sessions: each person's open sockets, so that revoking their sessions (code renewed,
sign-out, password changed, person removed) closes them at once instead of at their next
reconnection. In memory: a socket lives in this process; the cookie check is in the database."""

from __future__ import annotations

import itertools
from collections.abc import Callable

Closer = Callable[[], None]


class LiveSessions:
    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self._open: dict[str, dict[int, tuple[int, Closer]]] = {}
        # The generation each person's sessions were last revoked to: a socket that
        # authenticated just before a revocation and registers just after is closed too.
        self._floor: dict[str, int] = {}

    def track(self, subject_id: str, generation: int, close: Closer) -> Closer:
        """Registers an open socket authenticated at `generation`; returns its un-registration."""
        if generation < self._floor.get(subject_id, 0):
            close()
            return lambda: None
        key = next(self._ids)
        self._open.setdefault(subject_id, {})[key] = (generation, close)

        def untrack() -> None:
            sockets = self._open.get(subject_id)
            if sockets is not None:
                sockets.pop(key, None)
                if not sockets:
                    del self._open[subject_id]

        return untrack

    def revoked(self, subject_id: str, generation: int) -> int:
        """Closes every socket of `subject_id` older than `generation`; returns how many."""
        self._floor[subject_id] = max(generation, self._floor.get(subject_id, 0))
        sockets = self._open.get(subject_id, {})
        stale = [key for key, (gen, _) in sockets.items() if gen < generation]
        for key in stale:
            _, close = sockets.pop(key)
            close()
        if subject_id in self._open and not self._open[subject_id]:
            del self._open[subject_id]
        return len(stale)

    def subjects(self) -> list[str]:
        """The people who have an open socket now."""
        return list(self._open)

    def open_count(self, subject_id: str) -> int:
        return len(self._open.get(subject_id, {}))
