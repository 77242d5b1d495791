"""The sign-in limit across web replicas (issue 21): a guesser whose attempts the reverse
proxy spreads over two replicas meets one limit, not one per replica."""

from __future__ import annotations

import pytest

from server.core.clock import FakeClock
from server.core.config import Settings
from tests.harness import running_app

# PostgreSQL as well as SQLite: several processes on one database (leases, shared state)
pytestmark = pytest.mark.postgres


def test_failures_on_either_replica_count_against_one_window(
    settings: Settings, clock: FakeClock, replica_redis_url: str, redis_prefix: str
) -> None:
    shared = settings.model_copy(
        update={"redis_url": replica_redis_url, "redis_prefix": redis_prefix}
    )
    with running_app(shared, clock) as a, running_app(shared, clock, day=a.day) as b:
        clients = [a.client, b.client]  # one client address ("testclient") on both
        statuses = [
            clients[i % 2]
            .post("/api/auth/code", json={"code": f"AAAA-BBBB-CCCC-{i:04d}"})
            .status_code
            for i in range(10)
        ]
        assert statuses == [401] * 10  # five failures on each replica…
        code = a.day.codes["cand_a"]
        for c in clients:  # …and the address is closed on both
            assert c.post("/api/auth/code", json={"code": code}).status_code == 429
        clock.advance(61)  # the window slides on the injected clock, on both
        assert clients[1].post("/api/auth/code", json={"code": code}).status_code == 200
