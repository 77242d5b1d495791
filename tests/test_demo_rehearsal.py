"""`plateau demo --speed N`: each run makes a fresh rehearsal session, named after its speed
and start, whose codes stay valid for two real days however fast exam time runs; the clock
starts where the database's last instant is (exam time never goes backward)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from server.app import build_context
from server.core.clock import AcceleratedClock
from server.core.config import Settings
from server.demo import rehearsal_start, seed_demo
from server.exams.models import ExamSession


async def _sessions(settings: Settings) -> list[ExamSession]:
    ctx = build_context(settings, pooled=False)
    try:
        async with ctx.db.session() as s:
            return list(await s.scalars(select(ExamSession).order_by(ExamSession.created_at)))
    finally:
        await ctx.db.dispose()


async def _seed(settings: Settings, clock: AcceleratedClock) -> list[str]:
    ctx = build_context(settings, clock=clock, pooled=False)
    try:
        return [line.code for line in (await seed_demo(ctx)).codes]
    finally:
        await ctx.db.dispose()


def test_each_rehearsal_is_a_fresh_session_with_codes_for_two_real_days(
    settings: Settings,
) -> None:
    start = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)

    def frozen() -> float:  # real time stands still: exam time is exactly `start`
        return 0.0

    first = asyncio.run(_seed(settings, AcceleratedClock(60, start, monotonic=frozen)))
    later = asyncio.run(rehearsal_start(settings.database_url))
    assert later >= start  # the last instant the database holds, or now
    ahead = later + timedelta(hours=5)
    second = asyncio.run(_seed(settings, AcceleratedClock(60, ahead, monotonic=frozen)))
    assert len(first) == len(second) == 4 and not set(first) & set(second)
    sessions = asyncio.run(_sessions(settings))
    assert [s.centre.split(" — ")[0] for s in sessions] == ["Répétition accélérée ×60"] * 2
    assert sessions[0].centre.endswith("04/12/2026 à 10 h 00")  # Paris time
    for s in sessions:
        lasts = s.codes_expire_at - s.created_at
        assert lasts == timedelta(days=2) * 60  # two real days at 60×
