"""Snapshot then deltas without a window (issue 15): a juror's marks change continuously while
pages connect; each page's snapshot and the events after it leave no version out, so every page
ends with the server's state."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.identity import Principal, Role
from server.evaluation import service
from server.evaluation.models import Mark
from tests.harness import Harness, running_app

# PostgreSQL as well as SQLite: races: what the database's locks and isolation let through
pytestmark = pytest.mark.postgres

PACK = "plateforme-horizon"
PAGES = 25
EVENTS_PER_PAGE = 4


def _version_in(snapshot: dict[str, Any], cid: str, where: tuple[str, str, int]) -> int:
    marks = snapshot["state"]["evaluation"]["by_candidate"][cid]["marks"]
    found = [m["version"] for m in marks if (m["part"], m["competence"], m["criterion"]) == where]
    return found[0] if found else 0


def test_events_published_while_pages_connect_are_never_lost(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        h.login("observer_a")
        part = h.client.get(f"/api/candidates/{cid}/evaluation").json()["parts"][0]
        where = (part["part"], part["competences"][0]["code"], 1)
        juror = Principal(Role.JUROR, h.day.ids["client_a"], "client_a", h.day.session_id)
        running = {"on": True}

        async def publish() -> int:
            """The other juror re-marks the criterion without pause (each save committed,
            then published)."""
            n = 0
            while running["on"]:
                value = ("acquis", "non_acquis")[n % 2]
                await service.set_mark(h.ctx, juror, cid, *where, value, None)
                n += 1
                await asyncio.sleep(0)
            return n

        publisher = h.client.portal.start_task_soon(publish)  # type: ignore[union-attr]
        try:
            for _page in range(PAGES):
                with h.client.websocket_connect("/ws") as ws:
                    snapshot = ws.receive_json()
                    assert snapshot["type"] == "snapshot"
                    seq, version = snapshot["seq"], _version_in(snapshot, cid, where)
                    seen = 0
                    while seen < EVENTS_PER_PAGE:
                        msg = ws.receive_json()
                        if "seq" not in msg:  # heartbeats, replies
                            continue
                        assert msg["seq"] == seq + 1  # numbered without a gap
                        seq = msg["seq"]
                        if msg["type"] != "evaluation.mark":
                            continue
                        got = msg["mark"]["version"]
                        # An event the snapshot already reflects may come again; none is missed.
                        assert got <= version + 1, (version, got)
                        version = max(version, got)
                        seen += 1
        finally:
            running["on"] = False
            published = publisher.result(timeout=60)
        assert published > PAGES
        final = h.call(_final_version, h, cid, where)
        assert final >= version


async def _final_version(h: Harness, cid: str, where: tuple[str, str, int]) -> int:
    async with h.ctx.db.session() as s:
        row = await s.get(Mark, (cid, *where))
        return row.version if row else 0
