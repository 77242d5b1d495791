"""Two web replicas on one database and one Redis (issue 21): a page on either hears every
event of its audiences, whichever replica did the action; each event carries its number in
each of the page's audiences."""

from __future__ import annotations

from typing import Any

import pytest

from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.events import candidate_audience, jury_audience
from tests.harness import running_app

# PostgreSQL as well as SQLite: several processes on one database (leases, shared state)
pytestmark = pytest.mark.postgres


def next_of(ws: Any, kind: str) -> dict:
    for _ in range(50):
        event = ws.receive_json()
        if event["type"] == kind:
            return event
    raise AssertionError(f"no {kind} event")


def test_pages_on_two_replicas_hear_what_either_replica_does(
    settings: Settings, clock: FakeClock, replica_redis_url: str, redis_prefix: str
) -> None:
    shared = settings.model_copy(
        update={"redis_url": replica_redis_url, "redis_prefix": redis_prefix}
    )
    with running_app(shared, clock) as a, running_app(shared, clock, day=a.day) as b:
        cand = a.day.ids["cand_a"]
        b.login("observer_a")
        with b.client.websocket_connect("/ws") as observer:
            assert observer.receive_json()["type"] == "snapshot"
            a.login("cand_a")
            with a.client.websocket_connect("/ws") as candidate:
                assert candidate.receive_json()["type"] == "snapshot"
                # the candidate connected on A: the jury's page on B is told
                seen = next_of(observer, "presence")
                assert seen["subject_id"] == cand and seen["connected"] is True
                assert set(seen["aseq"]) == {jury_audience(cand)}
                a.login("organiser")
                started = a.client.post(f"/api/candidates/{cand}/timeline/start")
                assert started.status_code == 200, started.text
                on_b = next_of(observer, "timeline")
                on_a = next_of(candidate, "timeline")
                assert on_b["state"]["phase"] == on_a["state"]["phase"] == "preparation"
                assert set(on_b["aseq"]) == {candidate_audience(cand), jury_audience(cand)}
                assert set(on_a["aseq"]) == {candidate_audience(cand)}  # never the jury's


def test_the_organisers_console_on_one_replica_sees_who_is_connected_to_the_other(
    settings: Settings, clock: FakeClock, replica_redis_url: str, redis_prefix: str
) -> None:
    shared = settings.model_copy(
        update={"redis_url": replica_redis_url, "redis_prefix": redis_prefix}
    )
    with running_app(shared, clock) as a, running_app(shared, clock, day=a.day) as b:
        cand = a.day.ids["cand_a"]
        overview = f"/api/sessions/{a.day.session_id}/overview"

        def connected() -> bool:
            b.login("organiser")
            answer = b.client.get(overview)
            assert answer.status_code == 200, answer.text
            return bool(answer.json()["candidates"][cand]["connected"])

        assert not connected()
        a.login("cand_a")
        with a.client.websocket_connect("/ws") as first:
            first.receive_json()
            assert connected()
            b.login("cand_a")  # a second page of the same candidate, on the other replica
            with b.client.websocket_connect("/ws") as second:
                second.receive_json()
            assert connected()  # one page still open on A
        assert not connected()
