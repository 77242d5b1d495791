"""One chat message sent twice at the same instant (the page's outbox sends it again on a new
socket while the first send, held up by a stalled server, is still on its way): one message
recorded, both sends acknowledged with it — not a « database unavailable » error that puts
the text back in the composer."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from server.app import build_context
from server.chat import service
from server.chat.models import ChatMessage
from server.core.clock import FakeClock
from server.core.config import Settings
from server.exams import timeline_service
from server.exams.timeline import Timeline
from tests.harness import seed_exam_day

# PostgreSQL as well as SQLite: races: what the database's locks and isolation let through
pytestmark = pytest.mark.postgres

PACK = "plateforme-horizon"


async def test_the_same_message_sent_twice_at_once_is_recorded_once_and_both_are_told(
    settings: Settings, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = build_context(settings, clock=clock)  # pooled, as the server runs
    try:
        day = await seed_exam_day(ctx, pack_id=PACK)
        cid = day.ids["cand_a"]

        def start(t: Timeline) -> list[Any]:
            return t.start(by="test")

        await timeline_service.run(ctx, cid, start, actor="test")
        clock.advance(timedelta(minutes=60))  # the calls phase
        await timeline_service.advance_all(ctx)
        await service.send(ctx, cid, "client", "Bonjour, une question.", "j1", actor="test")

        # Both sends have looked for the message (not there yet) before either records it.
        barrier = asyncio.Barrier(2)
        window = service.window

        async def both_past_the_lookup(*args: Any) -> Any:
            await barrier.wait()
            return await window(*args)

        monkeypatch.setattr(service, "window", both_past_the_lookup)

        async def send() -> Any:
            return await service.send(ctx, cid, "candidate", "Je vous réponds.", "c1", actor="c")

        async with asyncio.timeout(60):  # a send that failed early leaves the barrier waiting
            first, second = await asyncio.gather(send(), send(), return_exceptions=True)
        assert first == second, (first, second)
        assert isinstance(first, dict) and (first["seq"], first["text"]) == (2, "Je vous réponds.")
        async with ctx.db.session() as s:
            count = await s.scalar(
                select(func.count()).select_from(ChatMessage).where(ChatMessage.candidate_id == cid)
            )
        assert count == 2
    finally:
        await ctx.db.dispose()
