"""Workers register with a TTL: a worker that stops beating disappears by itself."""

from __future__ import annotations

import asyncio
import json

import pytest

from server.telephony.ports import PeerRole
from server.telephony.workers.registry import Heartbeat, Registry, WorkerInfo, _close_pubsub
from server.telephony.workers.worker_events import PeerStateNotice, WorkerEvent


def info(worker_id: str = "w1", calls: int = 0) -> WorkerInfo:
    return WorkerInfo(
        worker_id=worker_id, instance="i1", url="http://127.0.0.1:1", capacity=12, calls=calls
    )


async def test_a_registered_worker_is_live_until_its_ttl_runs_out(redis_url: str, namespace: str):
    registry = Registry.from_url(redis_url, namespace, ttl_s=0.4)
    try:
        await registry.register(info("w1", calls=3))
        await registry.register(info("w2"))
        live = await registry.live()
        assert sorted(live) == ["w1", "w2"] and live["w1"].calls == 3
        assert live["w1"].load == 0.25
        await asyncio.sleep(0.6)
        assert await registry.live() == {}
    finally:
        await registry.close()


async def test_a_heartbeat_keeps_it_alive_and_stopping_removes_it(redis_url: str, namespace: str):
    registry = Registry.from_url(redis_url, namespace, ttl_s=0.4)
    load = {"calls": 0}
    beat = Heartbeat(registry, lambda: info(calls=load["calls"]), every_s=0.1)
    try:
        await beat.start()
        load["calls"] = 5
        await asyncio.sleep(0.7)  # longer than the TTL: only the beats keep it
        assert (await registry.live())["w1"].calls == 5 and beat.beats >= 3
        await beat.stop()
        assert await registry.live() == {}
    finally:
        await registry.close()


class _CancelSwallowingRegistry:
    """A registry whose write turns a cancellation into a connection error, as redis-py did
    under the media worker's SIGTERM: the worker then never exited (its heartbeat looped)."""

    def __init__(self) -> None:
        self.writes = 0
        self.writing = asyncio.Event()
        self.removed: list[str] = []

    async def register(self, _: WorkerInfo) -> None:
        self.writes += 1
        if self.writes == 1:
            return  # start(): registered before serving
        self.writing.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            raise ConnectionError("Connection closed by server.") from None

    async def remove(self, worker_id: str) -> None:
        self.removed.append(worker_id)


async def test_stopping_a_heartbeat_caught_in_a_write_ends_and_deregisters() -> None:
    registry = _CancelSwallowingRegistry()
    beat = Heartbeat(registry, lambda: info(), every_s=0.0)  # type: ignore[arg-type]
    await beat.start()
    await registry.writing.wait()
    stopping = asyncio.create_task(beat.stop())
    await asyncio.wait({stopping}, timeout=120)  # a hang-guard only: it ends at the next await
    assert stopping.done(), "the heartbeat never stopped: the worker would never exit"
    assert registry.removed == ["w1"]


async def test_other_namespaces_and_bad_records_are_ignored(redis_url: str, namespace: str):
    registry = Registry.from_url(redis_url, namespace, ttl_s=5)
    other = Registry.from_url(redis_url, namespace + "-other", ttl_s=5)
    try:
        await other.register(info("elsewhere"))
        await registry.redis.set(f"{namespace}:worker:broken", b"{not json", px=5000)
        await registry.register(info("w1"))
        assert list(await registry.live()) == ["w1"]
    finally:
        await other.remove("elsewhere")
        await other.close()
        await registry.close()


PEER = {"worker_id": "w1", "instance": "i1", "room_id": "r1", "role": "client"}
MALFORMED = [
    b"{not json",
    json.dumps({"bad": "event"}),
    json.dumps({**PEER, "role": "nobody", "state": "connected"}),  # not a role
    json.dumps({**PEER, "state": "connected", "extra": 1}),  # not in the protocol
    json.dumps({k: v for k, v in PEER.items() if k != "instance"} | {"state": "connected"}),
]


async def test_peer_state_events_reach_the_web_process(
    redis_url: str, namespace: str, caplog: pytest.LogCaptureFixture
):
    """Each event is read by its model; a malformed one is skipped with a warning (never a
    KeyError in the web process's listener)."""
    registry = Registry.from_url(redis_url, namespace)
    received: list[WorkerEvent] = []

    async def listen() -> None:
        async for event in registry.events():
            received.append(event)
            return

    listener = asyncio.create_task(listen())
    try:
        async with asyncio.timeout(3):
            while not received:  # noqa: ASYNC110 - publish until the subscription is up
                for raw in MALFORMED:
                    await registry.redis.publish(registry.events_channel, raw)
                await registry.publish(PeerStateNotice(**PEER, state="connected"))
                await asyncio.sleep(0.05)
        assert received[0] == PeerStateNotice(
            worker_id="w1", instance="i1", room_id="r1", role=PeerRole.CLIENT, state="connected"
        )
        assert "ignoring a malformed media worker event" in caplog.text
    finally:
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
        await registry.close()


class StuckPubSub:
    """A subscription whose aclose() never returns (redis-py #3941)."""

    def __init__(self) -> None:
        self.dropped: list[bool] = []
        self.connection = self

    async def aclose(self) -> None:
        await asyncio.sleep(3600)

    async def disconnect(self, nowait: bool = False) -> None:
        self.dropped.append(nowait)


async def test_a_subscription_that_will_not_close_is_dropped_without_waiting():
    stuck = StuckPubSub()
    await _close_pubsub(stuck, timeout_s=0.05)
    assert stuck.dropped == [True]
