"""Live sessions: each person's open sockets, so that revoking their sessions (code renewed,
sign-out, password changed, person removed) closes them at once instead of at their next
reconnection. In memory: a socket lives in this process; the cookie check is in the database
(`revoke` raises the person's generation there)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from server.core import audit
from server.core.clock import Clock

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


# ---- revoking in the database -----------------------------------------------------------


async def revoke(
    session: AsyncSession,
    model: Any,
    *,
    subject_id: str,
    actor: str,
    clock: Clock,
    reason: str,
    live: LiveSessions | None = None,
) -> int | None:
    """Raises the generation of `subject_id` in `model`, a table of people who sign in
    (`exams.models.Participant`, `auth.models.Account`; None: no such row there), audited;
    once the caller's transaction commits, their open sockets are closed."""
    bumped = await session.execute(
        update(model)
        .where(model.id == subject_id)
        .values(session_generation=model.session_generation + 1)
        .returning(model.session_generation)
    )
    row = bumped.first()
    if row is None:
        return None
    generation = int(row[0])
    await audit.record(
        session,
        clock=clock,
        actor=actor,
        action="auth.sessions_revoked",
        subject=subject_id,
        details={"reason": reason, "generation": generation},
    )
    if live is not None:
        _close_after_commit(session, live, subject_id, generation)
    return generation


_REVOKED_KEY = "auth_revoked_sessions"


def _close_after_commit(
    session: AsyncSession, live: LiveSessions, subject_id: str, generation: int
) -> None:
    sync = session.sync_session
    sync.info.setdefault(_REVOKED_KEY, []).append((live, subject_id, generation))
    if not event.contains(sync, "after_commit", _close_revoked):
        event.listen(sync, "after_commit", _close_revoked)
        event.listen(sync, "after_rollback", _forget_revoked)


def _close_revoked(sync: Session) -> None:
    for live, subject_id, generation in sync.info.pop(_REVOKED_KEY, []):
        live.revoked(subject_id, generation)


def _forget_revoked(sync: Session) -> None:
    sync.info.pop(_REVOKED_KEY, None)
