"""`/api/health` in workers mode: the media port reports Redis and the media workers on
their own, from its watchers. Redis down alone is "degraded" (200: the calls go on); no
media worker able to carry a call is 503."""

from __future__ import annotations

import time
from typing import Any

import pytest

from server.core.clock import FakeClock
from server.core.config import Settings
from server.telephony.workers.admission import NoMediaWorker
from server.telephony.workers.registry import Registry
from server.telephony.workers.remote import RemoteMediaPort
from tests.harness import Harness, running_app

from .conftest import PrivateRedis
from .test_remote import Cluster


def health_until(h: Harness, check: Any, what: str, timeout: float = 30.0) -> Any:
    """Poll the route (a report is at most a second old) until `check(response)` holds."""
    deadline = time.monotonic() + timeout
    while not check(response := h.client.get("/api/health")):
        assert time.monotonic() < deadline, f"still waiting for {what}: {response.json()}"
        time.sleep(0.1)
    return response


def test_redis_down_is_degraded_and_no_worker_is_down(
    private_redis: PrivateRedis, namespace: str, settings: Settings, clock: FakeClock
) -> None:
    registry = Registry.from_url(private_redis.url, namespace, ttl_s=30)
    cluster = Cluster(registry)
    port = RemoteMediaPort(
        registry,
        "t",
        watch_s=0.05,
        client_factory=cluster.client,  # type: ignore[arg-type]
        owns_registry=True,
    )
    with running_app(settings, clock, media=port) as h:
        h.call(cluster.add, "w1")
        h.call(port.start)
        body = h.client.get("/api/health").json()
        assert body["status"] == "ok"
        assert body["dependencies"]["redis"] == {"status": "ok", "down_for_s": 0.0}
        assert body["dependencies"]["media_workers"] == {
            "status": "ok",
            "live": 1,
            "rooms": 0,
            "rooms_without_worker": 0,
        }

        private_redis.kill()
        response = health_until(
            h, lambda r: r.json()["dependencies"]["redis"]["status"] == "down", "Redis down"
        )
        body = response.json()
        assert response.status_code == 200 and body["status"] == "degraded"
        assert body["dependencies"]["media_workers"]["status"] == "ok"  # the known worker
        assert body["dependencies"]["database"] == {"status": "ok"}

        cluster.workers["http://w1"].dead = True  # and now the only worker dies
        with pytest.raises(NoMediaWorker):
            h.call(port.start_call, "r1", "c1", None)  # placed there, found dead: nowhere
        response = health_until(h, lambda r: r.status_code == 503, "the media plane down")
        body = response.json()
        assert body["status"] == "down"
        assert body["dependencies"]["media_workers"] == {
            "status": "down",
            "live": 0,
            "rooms": 1,
            "rooms_without_worker": 1,
        }
        assert "w1" not in response.text and "http" not in response.text  # no address
