"""The media worker's HTTP API, in process (httpx's ASGI transport): token, recording paths
confined to the shared recordings directory, refusals carried back as the media layer's
exceptions, a recording's facts round-tripped, the segment noted in the sidecar."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from server.telephony.ports import MediaError, NoActiveCall
from server.telephony.workers.admission import CapacityExceeded
from server.telephony.workers.client import WorkerClient
from server.telephony.workers.worker import MediaWorker

TOKEN = "s" * 32


@pytest.fixture
async def worker(tmp_path: Path) -> AsyncIterator[MediaWorker]:
    worker = MediaWorker(
        worker_id="w1",
        url="http://worker",
        capacity=1,
        token=TOKEN,
        recordings_root=tmp_path / "recordings",
    )
    yield worker
    await worker.stop()


def client_for(worker: MediaWorker, token: str = TOKEN) -> WorkerClient:
    return WorkerClient("http://worker", token, transport=httpx.ASGITransport(worker.app()))


async def test_a_wrong_token_is_refused(worker: MediaWorker) -> None:
    client = client_for(worker, token="nope")
    with pytest.raises(MediaError, match="401"):
        await client.health()
    await client.close()


async def test_recordings_stay_in_the_shared_directory(worker: MediaWorker, tmp_path: Path):
    client = client_for(worker)
    with pytest.raises(MediaError, match="outside"):
        await client.start_call("r1", "c1", tmp_path / "elsewhere.ogg")
    with pytest.raises(MediaError, match="outside"):
        await client.start_call("r1", "c1", tmp_path / "recordings" / ".." / "x.ogg")
    assert worker.port.admission.active == set()
    await client.close()


async def test_a_call_round_trip_with_capacity_and_segment(worker: MediaWorker, tmp_path: Path):
    client = client_for(worker)
    path = tmp_path / "recordings" / "s1" / "call-1.part2.ogg"
    await client.start_call(
        "r1", "call-1", path, parties={"candidate": "a"}, segment=2, previous_segment="call-1.ogg"
    )
    with pytest.raises(CapacityExceeded, match="Capacité audio du serveur atteinte"):
        await client.start_call("r2", "call-2", None)
    health = await client.health()
    assert health.calls == 1 and health.capacity == 1 and health.refused == 1
    await client.hold("r1", True)
    info = await client.end_call("r1")
    assert info is not None and info.path == path and info.parties == {"candidate": "a"}
    assert info.size_bytes == path.stat().st_size and len(info.sha256) == 64
    reasons = [g.reason.value for g in info.gaps if g.reason.value != "server_stall"]
    assert reasons == ["absent", "absent", "hold"]  # nobody attached; put on hold
    sidecar = json.loads(path.with_suffix(".json").read_text())
    assert sidecar["segment"] == 2 and sidecar["previous_segment"] == "call-1.ogg"
    with pytest.raises(NoActiveCall):
        await client.end_call("r1")
    await client.start_call("r2", "call-2", None)  # the capacity is free again
    assert await client.close_room("r2") is None
    await client.close()
