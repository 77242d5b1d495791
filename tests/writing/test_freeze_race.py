"""A save arriving at the deadline (issue 15): the freeze and the candidate's last autosave at
the same instant, many times, on SQLite and PostgreSQL. Frozen means frozen: either the save
committed first and its text is what was frozen (with its SHA-256), or it is refused — kept
aside for an appeal and audited — and the frozen text is untouched."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from server.app import build_context
from server.core import audit
from server.core.audit import AuditEntry
from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.context import AppContext
from server.exams import timeline_service
from server.exams.timeline import Timeline
from server.writing import service
from server.writing.models import Draft, SaveLog
from tests.harness import seed_exam_day

# PostgreSQL as well as SQLite: races: what the database's locks and isolation let through
pytestmark = pytest.mark.postgres

PACK = "plateforme-horizon"
ROUNDS = 10


@dataclass
class Writing:
    ctx: AppContext
    candidate: str
    tasks: list[str]


@pytest.fixture
async def writing(settings: Settings, clock: FakeClock) -> AsyncIterator[Writing]:
    ctx = build_context(settings, clock=clock)  # pooled, as the server runs
    seeded = await seed_exam_day(ctx, pack_id=PACK)
    cand = seeded.ids["cand_a"]

    def start(t: Timeline) -> list[Any]:
        return t.start(by="test")

    await timeline_service.run(ctx, cand, start, actor="test")
    clock.advance(timedelta(minutes=155))  # in the writing phase
    await timeline_service.advance_all(ctx)
    async with ctx.db.session() as s:
        tasks = [
            d["task_id"] for d in (await service.drafts(ctx, s, cand, for_candidate=True))["drafts"]
        ]
    try:
        yield Writing(ctx, cand, tasks)
    finally:
        await ctx.db.dispose()


async def _reopen(w: Writing) -> None:
    """Test set-up only: the drafts unfrozen again for the next round."""
    async with w.ctx.db.session() as s:
        await s.execute(
            update(Draft)
            .where(Draft.candidate_id == w.candidate)
            .values(frozen_at=None, sha256=None)
        )
        await s.execute(delete(Draft).where(Draft.version == 0))  # the empty replies frozen
        await s.commit()


async def _current(w: Writing, task_id: str) -> int:
    async with w.ctx.db.session() as s:
        version = await s.scalar(
            select(Draft.version).where(Draft.candidate_id == w.candidate, Draft.task_id == task_id)
        )
    return version or 0


async def _round(w: Writing, task_id: str, text: str) -> None:
    base = await _current(w, task_id)
    barrier = asyncio.Barrier(2)

    async def save() -> Any:
        await barrier.wait()
        return await service.save_draft(
            w.ctx, w.candidate, task_id, {"body": text}, base, actor="candidate"
        )

    async def freeze() -> Any:
        await barrier.wait()
        return await service.freeze(w.ctx, w.candidate)

    saved, frozen = await asyncio.gather(save(), freeze(), return_exceptions=True)
    assert isinstance(frozen, int), frozen
    async with w.ctx.db.session() as s:
        rows = list(await s.scalars(select(Draft).where(Draft.candidate_id == w.candidate)))
        refused = list(
            await s.scalars(
                select(SaveLog).where(
                    SaveLog.candidate_id == w.candidate, SaveLog.accepted.is_(False)
                )
            )
        )
    assert {r.task_id for r in rows} == set(w.tasks)  # every reply is final, written or not
    for row in rows:  # what is frozen is what its SHA-256 says
        assert row.frozen_at is not None and row.sha256 == service.digest(row.content), row.task_id
    mine = next(r for r in rows if r.task_id == task_id)
    if isinstance(saved, dict):  # committed before the freeze: it is the answer
        assert mine.content["body"] == text
    else:  # after it: refused in French, kept aside, never the answer
        assert isinstance(saved, service.WritingRefused), saved
        assert "écoulé" in str(saved)
        assert mine.content.get("body") != text
        assert any(r.content and r.content.get("body") == text for r in refused)


async def test_a_save_racing_the_freeze_never_changes_a_frozen_reply(writing: Writing) -> None:
    first, second = writing.tasks[0], writing.tasks[1]
    for i in range(ROUNDS):
        await _round(writing, first, f"mise à jour {i}")  # a reply already saved
        await _reopen(writing)
    for i in range(ROUNDS):  # a first save of a reply (an INSERT) against the freeze
        async with writing.ctx.db.session() as s:
            await s.execute(delete(Draft).where(Draft.task_id == second))
            await s.commit()
        await _round(writing, second, f"premier jet {i}")
        await _reopen(writing)
    async with writing.ctx.db.session() as s:
        _checked, breaks = await audit.verify(s)
        refused_saves = len(
            list(await s.scalars(select(SaveLog).where(SaveLog.accepted.is_(False))))
        )
        refusals_audited = len(
            list(
                await s.scalars(
                    select(AuditEntry).where(AuditEntry.action == "writing.save_refused")
                )
            )
        )
    assert breaks == []
    assert refusals_audited == refused_saves  # every refused save is in the audit log
