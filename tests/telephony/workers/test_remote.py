"""`RemoteMediaPort` placement and failover, against a real Redis registry and in-memory
workers (`FakeMedia` behind each worker URL): fast and deterministic. The real processes are
in test_failover.py."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from server.telephony.fake_media import FakeMedia
from server.telephony.ports import PeerRole
from server.telephony.workers.admission import CapacityExceeded, MediaRefused, NoMediaWorker
from server.telephony.workers.client import WorkerGone, WorkerUnreachable
from server.telephony.workers.placement import Failover
from server.telephony.workers.protocol import HealthJson, TickJson
from server.telephony.workers.registry import Registry, WorkerInfo
from server.telephony.workers.remote import RemoteMediaPort

OFFER = "v=0\r\nfake offer"
SERVER = "this-server"


class FakeWorker:
    """What a `WorkerClient` would reach: a FakeMedia; when `dead`, nothing listens at its
    address any more (connection refused); when `hung`, it never answers (timeouts)."""

    def __init__(self, url: str, capacity: int = 2) -> None:
        self.url = url
        self.media = FakeMedia()
        self.capacity = capacity
        self.dead = False
        self.hung = False
        self.instance = "i1"
        self.health_calls = 0
        self.info: WorkerInfo | None = None  # as registered (its health report repeats it)
        self.starts: list[dict[str, Any]] = []

    def _alive(self) -> None:
        if self.dead:
            raise WorkerGone(self.url)
        if self.hung:
            raise WorkerUnreachable(self.url)

    async def attach_peer(self, room_id: str, role: PeerRole, offer_sdp: str) -> str:
        self._alive()
        return await self.media.attach_peer(room_id, role, offer_sdp)

    async def detach_peer(self, room_id: str, role: PeerRole) -> None:
        self._alive()
        await self.media.detach_peer(room_id, role)

    async def start_call(self, room_id, call_id, recording_path, *, parties=None, **extra):  # noqa: ANN001
        self._alive()
        calls = sum(1 for r in self.media.rooms.values() if r.call is not None)
        if calls >= self.capacity and not extra.get("force"):
            raise CapacityExceeded("fake")
        self.starts.append({"room": room_id, "path": recording_path, **extra})
        await self.media.start_call(room_id, call_id, recording_path, parties=parties)

    async def hold(self, room_id: str, on: bool) -> None:
        self._alive()
        await self.media.hold(room_id, on)

    async def end_call(self, room_id: str):  # noqa: ANN201
        self._alive()
        return await self.media.end_call(room_id)

    async def close_room(self, room_id: str):  # noqa: ANN201
        self._alive()
        return await self.media.close_room(room_id)

    async def health(self) -> HealthJson:
        self.health_calls += 1
        self._alive()
        assert self.info is not None, "health of a worker never registered"
        return HealthJson(
            **{**self.info.model_dump(), "instance": self.instance},
            tick=TickJson(ticks=0, resyncs=0, errors=0),
            refused=0,
            events_dropped=0,
            gc={},
        )

    async def close(self) -> None:
        pass


class Cluster:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.workers: dict[str, FakeWorker] = {}
        self.replaced: list[str] = []
        self.failovers: list[Failover] = []

    async def add(
        self,
        worker_id: str,
        capacity: int = 2,
        instance: str = "i1",
        owner: str = "",
        room_ids: tuple[str, ...] = (),
        pid: int = 0,
    ) -> FakeWorker:
        worker = self.workers.setdefault(f"http://{worker_id}", FakeWorker(f"http://{worker_id}"))
        worker.capacity, worker.instance = capacity, instance
        worker.info = WorkerInfo(
            worker_id=worker_id,
            instance=instance,
            owner=owner,
            url=worker.url,
            capacity=capacity,
            room_ids=room_ids,
            pid=pid,
        )
        await self.registry.register(worker.info)
        return worker

    def client(self, url: str, token: str) -> FakeWorker:
        assert token == "t"
        return self.workers[url]


@pytest.fixture
async def cluster(redis_url: str, namespace: str) -> AsyncIterator[Cluster]:
    registry = Registry.from_url(redis_url, namespace, ttl_s=30)
    yield Cluster(registry)
    await registry.close()


@pytest.fixture
async def port(cluster: Cluster) -> AsyncIterator[RemoteMediaPort]:
    port = RemoteMediaPort(
        cluster.registry,
        "t",
        watch_s=0.05,
        probe_s=0.05,
        dead_after_s=0.5,
        owner=SERVER,
        client_factory=cluster.client,  # type: ignore[arg-type]
        on_replaced=cluster.replaced.append,
        on_failover=cluster.failovers.append,
    )
    yield port
    await port.close()


async def eventually(check) -> None:  # noqa: ANN001
    # generous: a start-up wait, not a speed claim (the suite runs beside busy loops)
    async with asyncio.timeout(30):
        while not check():  # noqa: ASYNC110 - polls state the port changes in the background
            await asyncio.sleep(0.02)


async def test_rooms_go_to_the_least_loaded_worker(cluster: Cluster, port: RemoteMediaPort):
    await cluster.add("w1", capacity=2)
    await cluster.add("w2", capacity=4)
    await port.start()
    for room in ("r1", "r2", "r3", "r4"):
        await port.attach_peer(room, PeerRole.CANDIDATE, OFFER)
    # by rooms / capacity: w1 0/2, then w2 0/4, w2 1/4, then w1 1/2 = w2 2/4 -> w1 (name)
    assert port.placements() == {"r1": "w1", "r2": "w2", "r3": "w2", "r4": "w1"}
    await port.attach_peer("r1", PeerRole.CLIENT, OFFER)  # a room stays where it is
    assert port.placements()["r1"] == "w1"


async def test_no_worker_and_full_workers_are_refused_in_french(
    cluster: Cluster, port: RemoteMediaPort
):
    await port.start()
    with pytest.raises(NoMediaWorker) as none:
        await port.attach_peer("r1", PeerRole.CANDIDATE, OFFER)
    assert "Aucun serveur audio disponible" in none.value.message_fr
    await cluster.add("w1", capacity=1)
    await port.start_call("r1", "c1", None)
    with pytest.raises(CapacityExceeded) as full:
        await port.start_call("r2", "c2", None)
    assert isinstance(full.value, MediaRefused)
    assert "Capacité audio du serveur atteinte" in str(full.value)


async def test_an_expired_worker_s_call_resumes_elsewhere_as_segment_two(
    cluster: Cluster, port: RemoteMediaPort, tmp_path: Path
):
    w1 = await cluster.add("w1")
    await port.start()
    first = tmp_path / "call-1.ogg"
    await port.attach_peer("r1", PeerRole.CANDIDATE, OFFER)
    await port.start_call("r1", "call-1", first, parties={"candidate": "a"})
    await port.hold("r1", True)
    w2 = await cluster.add("w2")
    w1.dead = True
    await cluster.registry.remove("w1")  # as when its heartbeat key expires
    await eventually(lambda: cluster.replaced == ["r1"])
    assert port.placements() == {"r1": "w2"}
    (start,) = w2.starts
    assert start["path"] == tmp_path / "call-1.part2.ogg"
    assert start["segment"] == 2 and start["previous_segment"] == "call-1.ogg"
    assert start["force"] is True
    assert w2.media.rooms["r1"].call.held  # type: ignore[union-attr]
    # the interrupted segment's sidecar: written after the pages were told to renegotiate
    await eventually(lambda: (tmp_path / "call-1.json").exists())
    info = await port.end_call("r1")
    assert info is not None and info.path == tmp_path / "call-1.part2.ogg"


async def test_a_worker_that_stops_answering_is_left_at_the_next_request(
    cluster: Cluster, port: RemoteMediaPort
):
    w1 = await cluster.add("w1")
    await port.start()
    await port.attach_peer("r1", PeerRole.CANDIDATE, OFFER)
    await port.start_call("r1", "c1", None)
    w2 = await cluster.add("w2")
    w1.dead = True  # still registered: its key has not expired yet
    await port.hold("r1", True)
    assert port.placements() == {"r1": "w2"}
    assert w2.media.rooms["r1"].call.held  # type: ignore[union-attr]
    await eventually(lambda: cluster.replaced == ["r1"])


async def test_an_orphan_room_waits_for_a_worker(cluster: Cluster, port: RemoteMediaPort):
    w1 = await cluster.add("w1")
    await port.start()
    await port.attach_peer("r1", PeerRole.CANDIDATE, OFFER)
    await port.start_call("r1", "c1", None)
    w1.dead = True
    await cluster.registry.remove("w1")
    await asyncio.sleep(0.2)
    assert cluster.replaced == []
    with pytest.raises(NoMediaWorker):
        await port.hold("r1", True)
    w2 = await cluster.add("w2")
    await eventually(lambda: cluster.replaced == ["r1"])
    assert w2.media.rooms["r1"].call is not None


async def test_a_worker_restarted_under_the_same_name_lost_its_rooms(
    cluster: Cluster, port: RemoteMediaPort
):
    await cluster.add("w1", instance="before")
    await port.start()
    await port.attach_peer("r1", PeerRole.CANDIDATE, OFFER)
    await port.start_call("r1", "c1", None)
    cluster.workers["http://w1"].media = FakeMedia()  # the new process knows nothing
    await cluster.add("w1", instance="after")
    await eventually(lambda: cluster.replaced == ["r1"])
    assert port.placements() == {"r1": "w1"}
    await asyncio.sleep(0.1)  # nothing closes the room the new process now carries
    assert cluster.workers["http://w1"].media.rooms["r1"].call is not None


async def test_ending_a_call_whose_worker_died_closes_the_lost_segment(
    cluster: Cluster, port: RemoteMediaPort, tmp_path: Path
):
    w1 = await cluster.add("w1")
    await port.start()
    await port.start_call("r1", "call-1", tmp_path / "call-1.ogg")
    w1.dead = True
    info = await port.end_call("r1")
    assert info is not None and info.path == tmp_path / "call-1.ogg"
    assert info.duration_s == 0.0  # nothing readable was left (no file at all here)
    assert '"interrupted": "worker_lost"' in (tmp_path / "call-1.json").read_text()


# --- death on evidence only ----------------------------------------------------------------


async def test_a_lapsed_registration_of_a_worker_that_answers_moves_nothing(
    cluster: Cluster, port: RemoteMediaPort
):
    """As after a Redis outage: the key expired, the worker carries its call all along."""
    w1 = await cluster.add("w1")
    await port.start()
    await port.attach_peer("r1", PeerRole.CANDIDATE, OFFER)
    await port.start_call("r1", "c1", None)
    await cluster.add("w2")
    await cluster.registry.remove("w1")  # lapsed; nothing else says it died
    probed = w1.health_calls
    await eventually(lambda: "w1" not in port.view.registered and w1.health_calls >= probed + 5)
    assert port.placements() == {"r1": "w1"} and port.replacements == 0
    assert cluster.replaced == [] and cluster.failovers == []
    await port.hold("r1", True)  # still served where it is
    assert w1.media.rooms["r1"].call.held  # type: ignore[union-attr]
    await cluster.add("w1")  # re-registered when Redis is back: the same instance, no move
    await eventually(lambda: "w1" in port.view.registered)
    assert port.placements() == {"r1": "w1"} and port.replacements == 0


async def test_a_worker_that_stops_answering_is_dead_after_dead_after_s(
    cluster: Cluster, port: RemoteMediaPort
):
    w1 = await cluster.add("w1")
    await port.start()
    await port.start_call("r1", "c1", None)
    await cluster.add("w2")
    w1.hung = True  # registered, connections accepted, never an answer
    await eventually(lambda: cluster.replaced == ["r1"])
    assert port.placements() == {"r1": "w2"}
    assert "no answer for" in port.liveness.why("w1", "i1")


async def test_a_local_worker_s_exit_moves_its_rooms_without_waiting_for_a_probe(
    cluster: Cluster, redis_url: str, namespace: str
):
    await cluster.add("w1", owner=SERVER, pid=4242)
    await cluster.add("w2", owner=SERVER, pid=4243)
    port = RemoteMediaPort(
        cluster.registry,
        "t",
        watch_s=3600,
        probe_s=3600,  # no probe, no registry read: only the supervisor's evidence
        owner=SERVER,
        client_factory=cluster.client,  # type: ignore[arg-type]
        on_replaced=cluster.replaced.append,
        on_failover=cluster.failovers.append,
    )
    await port.start()
    try:
        await port.start_call("r1", "c1", None)
        carrier = port.placements()["r1"]
        other = "w2" if carrier == "w1" else "w1"
        port.worker_exited(carrier, 4243 if carrier == "w2" else 4242)
        await eventually(lambda: cluster.replaced == ["r1"])
        assert port.placements() == {"r1": other}
        (failover,) = cluster.failovers
        assert (failover.room_id, failover.call_id, failover.lost_worker) == ("r1", "c1", carrier)
        assert failover.moved_to == other and failover.resumed_at is not None
        assert failover.why.startswith("process 424") and failover.why.endswith("exited")
    finally:
        await port.close()


async def test_a_worker_of_another_server_is_never_used(cluster: Cluster, port: RemoteMediaPort):
    """A survivor of a previous run (another server instance) is registered, even carrying
    the room: this server neither adopts it nor places anything on it."""
    stale = await cluster.add("old", owner="previous-server", room_ids=("r1",))
    await stale.media.attach_peer("r1", PeerRole.CANDIDATE, OFFER)
    await port.start()
    with pytest.raises(NoMediaWorker):
        await port.attach_peer("r1", PeerRole.CANDIDATE, OFFER)
    own = await cluster.add("mine", owner=SERVER)
    independent = await cluster.add("independent")  # `plateau media-worker`, no owner
    for room in ("r1", "r2", "r3"):
        await port.start_call(room, f"c-{room}", None)
    assert set(port.placements().values()) == {"mine", "independent"}
    assert stale.starts == [] and "old" not in port.view.registered
    assert own.starts and independent.starts


async def test_a_failover_closes_the_lost_segment_with_a_gap_and_reports_it(
    cluster: Cluster, port: RemoteMediaPort, tmp_path: Path
):
    w1 = await cluster.add("w1")
    await port.start()
    first = tmp_path / "call-1.ogg"
    await port.start_call("r1", "call-1", first, parties={"candidate": "a"})
    await cluster.add("w2")
    w1.dead = True
    await eventually(lambda: cluster.failovers != [])
    (failover,) = cluster.failovers
    assert failover.call_id == "call-1" and failover.moved_to == "w2"
    info = await port.end_call("r1")
    assert info is not None and [e.path for e in info.earlier] == [first]
    lost = info.earlier[0]
    (gap,) = lost.gaps  # the call's: both parties
    expected_end = round((failover.resumed_at - lost.started_at).total_seconds(), 3)  # type: ignore[operator]
    assert gap.role == "both" and gap.reason.value == "failover" and gap.silent
    assert gap.start_s == 0.0 and gap.end_s == expected_end  # nothing readable here
    sidecar = json.loads(first.with_suffix(".json").read_text())
    assert sidecar["gaps"] == [
        {
            "role": "both",
            "reason": "failover",
            "start_s": 0.0,
            "end_s": expected_end,
            "silent": True,
        }
    ]


async def test_an_orphan_call_gap_stays_open_until_a_worker_takes_it(
    cluster: Cluster, port: RemoteMediaPort, tmp_path: Path
):
    w1 = await cluster.add("w1")
    await port.start()
    first = tmp_path / "call-1.ogg"
    await port.start_call("r1", "call-1", first)
    w1.dead = True
    await eventually(lambda: len(cluster.failovers) == 1)
    assert cluster.failovers[0].resumed_at is None  # media_lost: no other worker
    assert json.loads(first.with_suffix(".json").read_text())["gaps"][0]["end_s"] is None
    await cluster.add("w2")
    await eventually(lambda: len(cluster.failovers) == 2)
    resumed = cluster.failovers[1]
    assert resumed.moved_to == "w2" and resumed.resumed_at is not None
    gaps = json.loads(first.with_suffix(".json").read_text())["gaps"]
    assert len(gaps) == 1 and gaps[0]["end_s"] is not None
