"""Two timeline commands on one candidate at the same instant (issue 15): a pause from the
organiser's board and one from the proctor's, on two servers sharing the database. Each command
is decided on the history it read and its fact is numbered after it, so exactly one pause is
appended; the other is decided again on the new history and refused in French. The history
never holds two pauses in a row (before, it did, and every later read of it failed)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from server.app import build_context
from server.core.clock import FakeClock
from server.core.config import Settings
from server.exams import timeline_service
from server.exams.timeline import Timeline, TimelineError
from server.exams.timeline_state import Status
from tests.harness import seed_exam_day

# PostgreSQL as well as SQLite: races: what the database's locks and isolation let through
pytestmark = pytest.mark.postgres

ROUNDS = 10


async def test_two_pauses_at_once_on_two_servers_append_one(
    settings: Settings, clock: FakeClock
) -> None:
    one, other = build_context(settings, clock=clock), build_context(settings, clock=clock)
    try:
        day = await seed_exam_day(one)
        cid = day.ids["cand_a"]

        def start(t: Timeline) -> list[Any]:
            return t.start(by="test")

        def pause(t: Timeline) -> list[Any]:
            return t.pause("Incident", by="test")

        def resume(t: Timeline) -> list[Any]:
            return t.resume(by="test")

        await timeline_service.run(one, cid, start, actor="test")
        for _ in range(ROUNDS):
            barrier = asyncio.Barrier(2)

            async def attempt(ctx: Any, barrier: asyncio.Barrier = barrier) -> Any:
                await barrier.wait()
                return await timeline_service.run(ctx, cid, pause, actor="test")

            results = await asyncio.gather(attempt(one), attempt(other), return_exceptions=True)
            refused = [r for r in results if isinstance(r, TimelineError)]
            assert len(refused) == 1 and "déjà en pause" in str(refused[0]), results
            async with one.db.session() as s:
                state = (await timeline_service.load(one, s, cid)).state()  # still readable
            assert state.status is Status.PAUSED
            clock.advance(timedelta(seconds=30))
            await timeline_service.run(other, cid, resume, actor="test")
    finally:
        await one.db.dispose()
        await other.db.dispose()
