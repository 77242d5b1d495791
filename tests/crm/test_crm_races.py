"""Two changes to one CRM record at the same instant (issue 15: two tabs of the candidate's
workstation): the record is written `WHERE version = :read`, so neither change is lost — the
second is applied again on the record as the first left it — on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from server.app import build_context
from server.core.clock import FakeClock
from server.core.config import Settings
from server.crm import service
from server.exams import timeline_service
from server.exams.timeline import Timeline
from server.scenarios.pack.types import SimulationKind
from tests.harness import seed_exam_day

# PostgreSQL as well as SQLite: races: what the database's locks and isolation let through
pytestmark = pytest.mark.postgres

PACK = "plateforme-horizon"
ROUNDS = 8


async def test_two_edits_of_one_record_at_once_both_stay(
    settings: Settings, clock: FakeClock
) -> None:
    ctx = build_context(settings, clock=clock)  # pooled, as the server runs
    try:
        day = await seed_exam_day(ctx, pack_id=PACK)
        cid = day.ids["cand_a"]

        def start(t: Timeline) -> list[Any]:
            return t.start(by="test")

        await timeline_service.run(ctx, cid, start, actor="test")
        clock.advance(timedelta(minutes=60))  # the calls phase: the CRM is editable
        await timeline_service.advance_all(ctx)
        record_id = next(
            s.candidate.crm_record
            for s in ctx.packs[PACK].for_format(ctx.titles["CRCD"].format("titre")).simulations
            if s.kind is SimulationKind.INBOUND_CALL and s.candidate.crm_record
        )
        assert record_id is not None
        for i in range(ROUNDS):
            barrier = asyncio.Barrier(2)

            async def change(fields: dict[str, Any], barrier: asyncio.Barrier = barrier) -> Any:
                await barrier.wait()
                return await service.edit(ctx, cid, record_id, fields, actor="candidate")

            results = await asyncio.gather(
                change({"notes": f"Rappeler le client ({i})"}),
                change({"company": f"Société {i}"}),
                return_exceptions=True,
            )
            assert all(isinstance(r, dict) for r in results), results
            async with ctx.db.session() as s:
                now = await service.record(ctx, s, cid, record_id)
            assert (now["notes"], now["company"]) == (f"Rappeler le client ({i})", f"Société {i}")
    finally:
        await ctx.db.dispose()
