"""Two replicas applying the same deadlines at once (issue 21: two leaders overlapping for a
moment, or a leader taking over while the old one finishes a pass): every deadline and warning
is persisted once, at its own instant — the facts are fenced where they are stored."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from server.app import build_context
from server.core.clock import FakeClock
from server.core.config import Settings
from server.exams import timeline_service
from server.exams.models import TimelineFactRow
from server.exams.timeline import Timeline
from tests.harness import seed_exam_day

# PostgreSQL as well as SQLite: several processes on one database (leases, shared state)
pytestmark = pytest.mark.postgres


async def test_two_replicas_advancing_together_apply_each_deadline_once(
    settings: Settings, clock: FakeClock
) -> None:
    replicas = [build_context(settings, clock=clock, pooled=False) for _ in range(2)]
    try:
        day = await seed_exam_day(replicas[0])
        candidates = [day.ids["cand_a"], day.ids["cand_b"]]
        for cid in candidates:

            def start(t: Timeline) -> list:
                return t.start_at(clock.now(), by="test")

            await timeline_service.run(replicas[0], cid, start, actor="test")
        for _ in range(12):  # 4 h 10 in 12 passes, both replicas at once each time
            clock.advance(timedelta(minutes=21))
            await asyncio.gather(*(timeline_service.advance_all(r) for r in replicas))
        async with replicas[1].db.session() as session:
            rows = (
                await session.execute(
                    select(TimelineFactRow.candidate_id, TimelineFactRow.data).order_by(
                        TimelineFactRow.candidate_id, TimelineFactRow.seq
                    )
                )
            ).all()
        for cid in candidates:
            facts = [data for c, data in rows if c == cid]
            keys = Counter(
                (f["kind"], f.get("phase"), f.get("minutes"))
                for f in facts
                if f["kind"] != "started"
            )
            assert keys and max(keys.values()) == 1, keys  # nothing applied twice
            ended = [f for f in facts if f["kind"] == "phase_ended"]
            assert [f["phase"] for f in ended][:3] == ["preparation", "appels", "redaction"]
            assert ended[0]["at"].startswith("2026-06-01T09:00:00")  # at its own instant
    finally:
        for r in replicas:
            await r.db.dispose()
