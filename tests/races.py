"""Races made certain rather than hoped for: the next calls of an async function wait for each
other there (before the call, or after it), so that two writers are sure to have both read
before either writes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import select

from server.core.audit import AuditEntry
from server.core.identity import Principal, Role
from tests.harness import Harness


def meet_at(
    monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, *, after: bool = False, parties: int = 2
) -> None:
    """The next `parties` calls of `owner.name` wait until all of them got there: before the
    call, or once it returned (`after`). Later calls go straight through."""
    real = getattr(owner, name)
    barrier: list[asyncio.Barrier] = []  # made on the loop that runs the race
    calls = 0

    async def meet() -> None:
        nonlocal calls
        calls += 1
        if calls > parties:
            return
        if not barrier:
            barrier.append(asyncio.Barrier(parties))
        await barrier[0].wait()

    async def met(*args: Any, **kwargs: Any) -> Any:
        if not after:
            await meet()
        result = await real(*args, **kwargs)
        if after:
            await meet()
        return result

    monkeypatch.setattr(owner, name, met)


def juror(h: Harness, label: str) -> Principal:
    """The juror `label` of the harness's exam day, as the services take them."""
    return Principal(Role.JUROR, h.day.ids[label], label, h.day.session_id)


def race(h: Harness, *writes: Callable[[], Awaitable[Any]]) -> list[Any]:
    """Runs the writes at once on the app's loop; each one's result, or what it raised."""

    async def together() -> list[Any]:
        return await asyncio.gather(*(w() for w in writes), return_exceptions=True)

    return h.call(together)


def audited(h: Harness, subject: str, action: str) -> int:
    """How many times `action` on `subject` is in the audit log."""

    async def count() -> int:
        async with h.ctx.db.session() as s:
            rows = await s.scalars(
                select(AuditEntry).where(AuditEntry.subject == subject, AuditEntry.action == action)
            )
            return len(list(rows))

    return h.call(count)
