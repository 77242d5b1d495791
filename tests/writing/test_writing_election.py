"""The clock's leader killed between the writing deadline's commit and the freeze (issue 21):
the replica elected next freezes the drafts left open, once."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from datetime import timedelta

import pytest

from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.wiring import Wiring
from server.exams import timeline_service
from server.writing import service
from tests.harness import Harness, running_app

# PostgreSQL as well as SQLite: several processes on one database (leases, shared state)
pytestmark = pytest.mark.postgres

PACK = "plateforme-horizon"


class NotYetLeader:
    def __init__(self) -> None:
        self.event = asyncio.Event()

    @property
    def is_leader(self) -> bool:
        return self.event.is_set()

    async def elected(self) -> None:
        await self.event.wait()

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


def _advance(h: Harness, minutes: float) -> None:
    h.clock.advance(timedelta(minutes=minutes))
    h.call(timeline_service.advance_all, h.ctx)


def test_the_next_leader_freezes_what_the_dead_one_left_open(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        base = f"/api/candidates/{cid}"
        h.login("organiser")
        assert h.client.post(f"{base}/timeline/start").status_code == 200
        _advance(h, 150)  # preparation + calls
        c = h.login("cand_a")
        task = c.get(f"{base}/writing/drafts").json()["drafts"][0]["task_id"]
        saved = c.put(
            f"{base}/writing/drafts/{task}",
            json={"content": {"body": "Madame, suite à votre appel…"}, "base_version": 0},
        )
        assert saved.status_code == 200, saved.text
        wired = h.ctx.wiring  # the leader dies after the commit: its freeze never runs
        h.ctx.wiring = Wiring(
            tuple(
                dataclasses.replace(
                    b, hooks=tuple(f for f in b.hooks if f is not service.on_timeline)
                )
                for b in wired.bindings
            )
        )
        assert service.on_timeline in wired.hooks(timeline_service.TIMELINE_LISTENER)
        assert service.on_timeline not in h.ctx.wiring.hooks(timeline_service.TIMELINE_LISTENER)
        try:
            _advance(h, 40)
        finally:
            h.ctx.wiring = wired
        c = h.login("cand_a")
        assert not c.get(f"{base}/writing/drafts").json()["drafts"][0]["frozen"]

        leadership = NotYetLeader()
        h.ctx.services.leadership = leadership
        scheduler = timeline_service.Scheduler(h.ctx)
        h.call(_start, scheduler)
        try:
            h.call(_elect, leadership)  # this replica takes the clock over
            for _ in range(600):
                drafts = {d["task_id"]: d for d in c.get(f"{base}/writing/drafts").json()["drafts"]}
                if drafts[task]["frozen"]:
                    break
                time.sleep(0.1)
            assert drafts[task]["frozen"] and drafts[task]["sha256"]
        finally:
            h.call(scheduler.stop)


async def _start(scheduler: timeline_service.Scheduler) -> None:
    scheduler.start()


async def _elect(leadership: NotYetLeader) -> None:
    leadership.event.set()
