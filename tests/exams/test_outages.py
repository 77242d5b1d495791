"""An outage given back (issue 15): the server stopped (or its database was away) for longer
than the grace during a timed phase → each candidate whose phase was running gets exactly the
outage back, as facts (a pause from the last heartbeat to the restart, reason « Interruption
technique du serveur ») and a technical incident on the consoles. Shorter stalls, paused
candidates and candidates not started are left alone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from server.core.clock import FakeClock
from server.core.config import Settings
from server.exams import outages
from server.exams.models import TimelineFactRow
from tests.harness import Harness, running_app

# PostgreSQL as well as SQLite: deadlines and timestamps as each database stores them
pytestmark = pytest.mark.postgres

PACK = "plateforme-horizon"


def _deadline(h: Harness, cid: str) -> datetime:
    state = h.client.get(f"/api/candidates/{cid}/timeline").json()
    return datetime.fromisoformat(state["deadline"])


async def _facts(h: Harness, cid: str) -> list[dict[str, Any]]:
    async with h.ctx.db.session() as s:
        return list(
            await s.scalars(
                select(TimelineFactRow.data)
                .where(TimelineFactRow.candidate_id == cid)
                .order_by(TimelineFactRow.seq)
            )
        )


def test_a_restart_after_an_outage_gives_the_running_candidates_their_time_back(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        running, paused = h.day.ids["cand_a"], h.day.ids["cand_b"]
        h.login("organiser")
        for cid in (running, paused):
            assert h.client.post(f"/api/candidates/{cid}/timeline/start").status_code == 200
        clock.advance(timedelta(minutes=50))  # mid-préparation
        h.call(outages.heartbeat.beat, h.ctx.db, clock.now())  # the last beat before the kill
        assert (
            h.client.post(
                f"/api/candidates/{paused}/timeline/pause", json={"reason": "Malaise"}
            ).status_code
            == 200
        )
        before = _deadline(h, running)
        day = h.day
    down_from = clock.now()
    clock.advance(timedelta(seconds=37))  # the server is down
    with running_app(settings, clock, pack_id=PACK, day=day) as h:
        h.login("organiser")
        assert _deadline(h, running) - before == timedelta(seconds=37)
        facts = h.call(_facts, h, running)[-2:]
        assert [(f["kind"], f["by"], f.get("reason")) for f in facts] == [
            ("paused", "system:outage", "Interruption technique du serveur"),
            ("resumed", "system:outage", None),
        ]
        assert datetime.fromisoformat(facts[0]["at"]) == down_from
        assert datetime.fromisoformat(facts[1]["at"]) == clock.now()
        state = h.client.get(f"/api/candidates/{paused}/timeline").json()
        assert (state["status"], state["pause_reason"]) == ("paused", "Malaise")  # untouched
        board = h.client.get(f"/api/sessions/{h.day.session_id}/overview").json()["candidates"]
        (incident,) = board[running]["incidents"]
        assert incident["label"] == "Interruption technique du serveur : temps rendu"
        assert "37 s" in incident["detail"] and "Préparation" in incident["detail"]
        assert board[paused]["incidents"] == []
        day = h.day
    clock.advance(timedelta(seconds=3))  # shorter than the grace: not an outage
    with running_app(settings, clock, pack_id=PACK, day=day) as h:
        h.login("organiser")
        assert _deadline(h, running) - before == timedelta(seconds=37)


def test_a_database_outage_is_given_back_by_the_first_beat_after_it(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        h.login("organiser")
        assert h.client.post(f"/api/candidates/{cid}/timeline/start").status_code == 200
        before = _deadline(h, cid)
        heart = outages.Heart(h.ctx)
        clock.advance(timedelta(seconds=1))
        h.call(heart.tick)  # an ordinary beat
        assert _deadline(h, cid) == before
        clock.advance(timedelta(seconds=12))  # beats failed meanwhile (database away)
        h.call(heart.tick)
        assert _deadline(h, cid) - before == timedelta(seconds=12)
