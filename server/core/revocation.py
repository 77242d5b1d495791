"""Live sessions: each person's open sockets, so that revoking their sessions (code renewed,
sign-out, password changed, person removed) closes them at once instead of at their next
reconnection. In memory: a socket lives in this process; the cookie check is in the database
(`revoke` raises the person's generation there).

What a person may see can also change while they stay signed in (a jury seat given to another
juror, a candidate removed): `access_changed` tells each of that person's pages, once the
transaction commits, through the bus (`person:<id>`, so on every replica). Each socket then
reads its audiences again from the database and sends a new snapshot before the notice
(server/web/ws.py): an event published after the notice never reaches the old audiences."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Literal

from pydantic import Field
from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from server.core import audit
from server.core.bus import Bus
from server.core.clock import Clock
from server.core.events import Audience, Event, person_audience

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


_AFTER_COMMIT_KEY = "auth_after_commit"


def after_commit(session: AsyncSession, action: Closer) -> None:
    """Runs `action` once the caller's transaction commits; forgotten if it rolls back."""
    sync = session.sync_session
    sync.info.setdefault(_AFTER_COMMIT_KEY, []).append(action)
    if not event.contains(sync, "after_commit", _run_after_commit):
        event.listen(sync, "after_commit", _run_after_commit)
        event.listen(sync, "after_rollback", _forget_after_commit)


def _close_after_commit(
    session: AsyncSession, live: LiveSessions, subject_id: str, generation: int
) -> None:
    def close() -> None:
        live.revoked(subject_id, generation)

    after_commit(session, close)


def _run_after_commit(sync: Session) -> None:
    for action in sync.info.pop(_AFTER_COMMIT_KEY, []):
        action()


def _forget_after_commit(sync: Session) -> None:
    sync.info.pop(_AFTER_COMMIT_KEY, None)


# ---- what a person may see changed ------------------------------------------------------


class AccessChanged(Event):
    """What this person may see changed while their page stays open (a jury seat given to
    another juror or to them, a candidate removed). Right before it the page received a new
    snapshot, read with its new rights: from then on it hears the events of the candidates it
    gained and none of those it lost. The page shows `message`."""

    audiences: ClassVar[tuple[Audience, ...]] = (Audience.PERSON,)
    type: Literal["access.changed"] = "access.changed"
    message: str = Field(description="Why, for the person (French).")
    lost: list[str] = Field(description="The candidates this person no longer follows.")
    gained: list[str] = Field(description="The candidates this person follows from now on.")


def access_changed(
    session: AsyncSession,
    bus: Bus,
    subject_id: str,
    message: str,
    *,
    lost: Sequence[str] = (),
    gained: Sequence[str] = (),
) -> None:
    """Once the caller's transaction commits, every page of `subject_id`, on any replica,
    reads its rights again and is told `message` (French)."""
    notice = AccessChanged(message=message, lost=list(lost), gained=list(gained))

    def tell() -> None:
        bus.publish(person_audience(subject_id), notice)

    after_commit(session, tell)
