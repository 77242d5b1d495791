"""A juror's own assignments: which candidates, and in which capacity for each."""

from __future__ import annotations

from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.identity import Capacity
from server.exams import setup
from tests.harness import Harness, running_app


async def _observe_b_as_client_a(h: Harness) -> None:
    async with h.ctx.db.session() as s:
        cand = await s.get(setup.Candidate, h.day.ids["cand_b"])
        assert cand is not None
        await setup.assign_juror(
            s,
            candidate=cand,
            juror_id=h.day.ids["client_a"],
            capacity=Capacity.OBSERVER,
            actor="test",
            clock=h.ctx.clock,
        )
        await s.commit()


def test_a_juror_sees_each_candidate_with_its_capacity(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock) as h:
        h.call(_observe_b_as_client_a, h)
        got = h.login("client_a").get("/api/jury/assignments")
        assert got.status_code == 200, got.text
        assert [(a["name"], a["capacity"]) for a in got.json()] == [
            ("Alice DURAND", "client"),
            ("Bruno PETIT", "observer"),
        ]
        assert got.json()[0]["candidate_id"] == h.day.ids["cand_a"]
        # observer_b no longer observes Bruno; client_b still plays Bruno's client.
        assert h.login("observer_b").get("/api/jury/assignments").json() == []
        only = h.login("client_b").get("/api/jury/assignments").json()
        assert [(a["name"], a["capacity"]) for a in only] == [("Bruno PETIT", "client")]
        assert h.login("cand_a").get("/api/jury/assignments").status_code == 403
