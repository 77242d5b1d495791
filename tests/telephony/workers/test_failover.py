"""Two real media workers, the web process's `RemoteMediaPort`, probe peers for the pages:
a recorded call is up, its worker is killed (-9), the room is re-placed on the other worker,
the pages renegotiate, audio flows again, and the recording continues in a second segment
whose sidecar names the first."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from pathlib import Path

import av
import numpy as np
import pytest

from server.telephony.ports import PeerRole
from server.telephony.probe import ProbePeer, dominant_frequency, level_at, tone_signal
from server.telephony.recorder import StorageEvent
from server.telephony.recording_sink import StorageFault
from server.telephony.workers.admission import CapacityExceeded
from server.telephony.workers.local import LocalWorkers
from server.telephony.workers.placement import Failover
from server.telephony.workers.registry import Registry, WorkerInfo
from server.telephony.workers.remote import RemoteMediaPort
from server.telephony.workers.segments import ogg_duration
from server.telephony.workers.settings import MediaSettings
from tests.ports import free_base_port

from .conftest import HEARTBEAT_S, START_WAIT_S, TOKEN, TTL_S, SpawnWorker

CANDIDATE_HZ, CLIENT_HZ = 440.0, 1000.0
ROOM = "cand-a"
SIGNALS = {PeerRole.CANDIDATE: CANDIDATE_HZ, PeerRole.CLIENT: CLIENT_HZ}

pytestmark = pytest.mark.slow


class Pages:
    """The room's two parties, as pages that (re)negotiate with whatever the port answers."""

    def __init__(self, port: RemoteMediaPort) -> None:
        self.port = port
        self.probes: dict[PeerRole, ProbePeer] = {}

    async def join(self, role: PeerRole) -> None:
        old = self.probes.get(role)
        probe = ProbePeer(tone_signal(SIGNALS[role]))
        self.probes[role] = probe
        await probe.accept(await self.port.attach_peer(ROOM, role, await probe.offer()))
        await asyncio.wait_for(probe.connected.wait(), timeout=60)  # the page's peer connects
        if old is not None:
            await old.close()

    async def renegotiate(self) -> None:
        await asyncio.gather(*(self.join(role) for role in list(self.probes)))

    async def hears(self, role: PeerRole, seconds: float = 1.0) -> float:
        start = time.monotonic() + 0.3
        await asyncio.sleep(0.3 + seconds)
        return dominant_frequency(self.probes[role].pcm_since(start))

    async def close(self) -> None:
        for probe in self.probes.values():
            await probe.close()


async def test_killed_worker_room_is_replaced_and_call_resumes_in_segment_two(
    spawn_worker: SpawnWorker, registry: Registry, tmp_path: Path
) -> None:
    first = spawn_worker("w1")
    second = spawn_worker("w2")
    replaced: list[str] = []
    renegotiated = asyncio.Event()
    states: list[tuple[str, PeerRole, str]] = []
    port = RemoteMediaPort(registry, TOKEN, watch_s=0.2, on_peer_state=lambda *s: states.append(s))
    pages = Pages(port)

    async def on_replaced(room_id: str) -> None:  # the app tells the pages: send a new offer
        replaced.append(room_id)
        await pages.renegotiate()
        renegotiated.set()

    port.on_replaced = on_replaced
    await port.start()
    try:
        await pages.join(PeerRole.CANDIDATE)
        await pages.join(PeerRole.CLIENT)
        recording = tmp_path / "recordings" / "session" / "call-1.ogg"
        await port.start_call(ROOM, "call-1", recording, parties={"candidate": "cand-a"})
        # 3.5 s of call: the Ogg muxer holds its last complete page back, so a killed
        # worker's segment keeps all but its last second or two
        assert abs(await pages.hears(PeerRole.CLIENT, seconds=3.2) - CANDIDATE_HZ) < 20
        placed_on = port.placements()[ROOM]
        victim, survivor = (first, second) if placed_on == "w1" else (second, first)

        victim.kill()
        await asyncio.wait_for(renegotiated.wait(), timeout=10)
        assert replaced == [ROOM]
        assert port.placements()[ROOM] == survivor.worker_id
        assert abs(await pages.hears(PeerRole.CLIENT) - CANDIDATE_HZ) < 20
        assert abs(await pages.hears(PeerRole.CANDIDATE) - CLIENT_HZ) < 20

        info = await port.end_call(ROOM)
        assert (ROOM, PeerRole.CLIENT, "connected") in states  # relayed from the workers
    finally:
        await pages.close()
        await port.close()

    part2 = recording.with_name("call-1.part2.ogg")
    assert info is not None and info.path == part2 and info.duration_s > 1
    # The call's recording is both files: the lost worker's segment comes first.
    assert [e.path for e in info.earlier] == [recording]
    assert info.earlier[0].duration_s >= 1.0 and info.earlier[0].sha256
    first_sidecar = json.loads(recording.with_suffix(".json").read_text())
    second_sidecar = json.loads(part2.with_suffix(".json").read_text())
    assert second_sidecar["segment"] == 2
    assert second_sidecar["previous_segment"] == "call-1.ogg"
    assert first_sidecar["interrupted"] == "worker_lost"
    assert first_sidecar["next_segment"] == "call-1.part2.ogg"
    assert first_sidecar["duration_s"] == ogg_duration(recording) >= 1.0
    for segment in (recording, part2):  # both valid Ogg/Opus stereo with audio in them
        assert ogg_duration(segment) >= 1.0
        with av.open(str(segment)) as container:
            stream = container.streams.audio[0]
            assert stream.codec_context.name == "opus" and stream.channels == 2


async def test_a_full_worker_refuses_new_calls_through_the_remote_port(
    spawn_worker: SpawnWorker, registry: Registry
) -> None:
    spawn_worker("solo", capacity=1)
    port = RemoteMediaPort(registry, TOKEN)
    await port.start()
    try:
        await port.start_call("room-1", "call-1", None)
        with pytest.raises(CapacityExceeded) as refused:
            await port.start_call("room-2", "call-2", None)
        assert refused.value.message_fr.startswith("Capacité audio du serveur atteinte")
        await port.end_call("room-1")
        await port.start_call("room-2", "call-2", None)  # capacity freed by the end of call 1
    finally:
        await port.close()


async def registered_again(registry: Registry, worker_id: str, old_pid: int) -> WorkerInfo:
    while True:
        info = (await registry.live()).get(worker_id)
        if info is not None and info.pid != old_pid:
            return info
        await asyncio.sleep(0.05)


def first_tone_after(probe: ProbePeer, frequency: float, after: float) -> float | None:
    """Arrival time of the first packet after `after` that carries `frequency` clearly."""
    for received in list(probe.received):
        if received.arrival <= after or len(received.pcm) == 0:
            continue
        rms = float(np.sqrt(np.mean(received.pcm.astype(np.float64) ** 2)))
        if rms > 500 and level_at(received.pcm, frequency, width=60) > 0.5:
            return received.arrival
    return None


async def test_a_killed_local_worker_fails_over_and_both_parties_hear_each_other_again(
    redis_url: str, namespace: str, registry: Registry, tmp_path: Path
) -> None:
    """Two supervised local workers (as `plateau serve` starts them); the one carrying a
    recorded call is killed (-9): both parties hear each other again (the time from the kill to
    the first packet of the other party's tone on each side is printed, not asserted: a
    machine's load decides it, and timings belong in benchmarks/, not in the tests' verdicts),
    the lost stretch is a `failover` gap of both parties in the interrupted segment, the
    failover is reported (the app turns it into an incident) and the worker is restarted."""
    media = MediaSettings(
        redis_url=redis_url,
        namespace=namespace,
        worker_base_port=free_base_port(2),
        workers=2,
        heartbeat_s=HEARTBEAT_S,
        ttl_s=TTL_S,
    )
    workers = LocalWorkers(media, TOKEN, tmp_path / "recordings", capacity=4)
    failovers: list[Failover] = []
    renegotiated = asyncio.Event()
    port = RemoteMediaPort(
        registry,
        TOKEN,
        owner=workers.owner,
        on_failover=failovers.append,
    )
    pages = Pages(port)

    async def on_replaced(room_id: str) -> None:  # the app tells the pages: send a new offer
        await pages.renegotiate()
        renegotiated.set()

    port.on_replaced = on_replaced
    try:
        workers.start()
        await asyncio.to_thread(
            workers.wait_registered, START_WAIT_S
        )  # both answer as this server's own
        workers.add_exit_listener(port.worker_exited)
        await port.start()
        await pages.join(PeerRole.CANDIDATE)
        await pages.join(PeerRole.CLIENT)
        recording = tmp_path / "recordings" / "session" / "call-1.ogg"
        await port.start_call(ROOM, "call-1", recording, parties={"candidate": "cand-a"})
        assert abs(await pages.hears(PeerRole.CLIENT, seconds=3.2) - CANDIDATE_HZ) < 20
        victim = next(s for s in workers.slots if s.worker_id == port.placements()[ROOM])
        victim_pid = victim.process.pid  # type: ignore[union-attr]

        killed_at = time.monotonic()
        os.kill(victim_pid, signal.SIGKILL)
        await asyncio.wait_for(renegotiated.wait(), timeout=30)
        back: dict[PeerRole, float] = {}
        async with asyncio.timeout(60):  # generous: the audio must come back, however loaded
            while len(back) < 2:
                for role, other in (
                    (PeerRole.CLIENT, CANDIDATE_HZ),
                    (PeerRole.CANDIDATE, CLIENT_HZ),
                ):
                    if role not in back and (
                        at := first_tone_after(pages.probes[role], other, killed_at)
                    ):
                        back[role] = at
                await asyncio.sleep(0.02)
        silence = max(back.values()) - killed_at
        print(f"failover: audio back {silence:.2f} s after the kill")
        assert port.placements()[ROOM] != victim.worker_id

        (failover,) = failovers
        assert (failover.room_id, failover.call_id) == (ROOM, "call-1")
        assert failover.lost_worker == victim.worker_id and failover.moved_to is not None
        assert f"process {victim_pid} exited" == failover.why

        async with asyncio.timeout(START_WAIT_S):  # the supervisor starts it again (imports aiortc)
            restarted = await registered_again(registry, victim.worker_id, victim_pid)
        assert victim.restarts == 1 and victim.process is not None
        assert restarted.pid == victim.process.pid and restarted.owner == workers.owner

        info = await port.end_call(ROOM)
    finally:
        await pages.close()
        await port.close()
        workers.stop()

    assert info is not None and [e.path for e in info.earlier] == [recording]
    lost = info.earlier[0]
    sidecar = json.loads(recording.with_suffix(".json").read_text())
    assert sidecar["interrupted"] == "worker_lost"
    recorded = sidecar["duration_s"]
    # until the web process had segment 2 started (after the worker began it)
    assert failover.resumed_at is not None and info.started_at <= failover.resumed_at
    resumed = round((failover.resumed_at - lost.started_at).total_seconds(), 3)
    assert sidecar["gaps"] == [
        {
            "role": "both",
            "reason": "failover",
            "start_s": recorded,
            "end_s": resumed,
            "silent": True,
        }
    ]
    assert [(g.role, g.reason.value) for g in lost.gaps] == [("both", "failover")]
    assert recorded < resumed  # the stretch between the segments is named, not hidden


async def test_a_worker_whose_disk_refuses_the_recording_tells_the_web_process(
    spawn_worker: SpawnWorker, registry: Registry, tmp_path: Path
) -> None:
    """Workers mode: the recording's fault travels from the worker to the web process (which
    turns it into the consoles' incident), the call goes on and ends with the loss stated."""
    spawn_worker("w1")
    heard: list[tuple[str, str, StorageEvent]] = []
    got = asyncio.Event()

    def on_storage(room: str, call: str, event: StorageEvent) -> None:
        heard.append((room, call, event))
        got.set()

    port = RemoteMediaPort(registry, TOKEN, watch_s=0.2, on_storage=on_storage)
    await port.start()
    pages = Pages(port)
    try:
        await pages.join(PeerRole.CANDIDATE)
        await pages.join(PeerRole.CLIENT)
        blocker = tmp_path / "recordings" / "blocker"
        blocker.parent.mkdir(parents=True, exist_ok=True)
        blocker.write_text("")  # a file where the call's folder should be: nothing can be written
        await port.start_call(ROOM, "call-1", blocker / "sub" / "call-1.ogg")
        await asyncio.wait_for(got.wait(), timeout=30)
        (room, call, event), *_ = heard
        assert (room, call, event.kind, event.t) == (ROOM, "call-1", "fault", 0.0)
        assert event.fault is StorageFault.WRITE_ERROR
        assert abs(await pages.hears(PeerRole.CLIENT) - CANDIDATE_HZ) < 20  # the call goes on
        info = await port.end_call(ROOM)
        assert info is not None and info.size_bytes == 0
        assert {g.reason.value for g in info.gaps} >= {"write_error"}
        assert info.storage["write_gaps"][0]["silent"] is False
    finally:
        await pages.close()
        await port.close()
