"""A real media worker process recording a real call between probe peers (candidate 440 Hz,
client 1000 Hz) while the worker is stopped (SIGSTOP) for 2 s: the recording is as long as
the call, each party on its channel, and the stall is one entry of the sidecar."""

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

from server.telephony.audio import SAMPLE_RATE
from server.telephony.ports import PeerRole
from server.telephony.probe import ProbePeer, level_at, tone_signal
from server.telephony.workers.client import WorkerClient

from .conftest import TOKEN, SpawnWorker

CANDIDATE_HZ, CLIENT_HZ = 440.0, 1000.0
ROOM = "cand-a"

pytestmark = pytest.mark.slow


def decode(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        return np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)


async def test_a_worker_stopped_two_seconds_records_the_whole_call_and_names_the_stall(
    spawn_worker: SpawnWorker, tmp_path: Path
) -> None:
    worker = spawn_worker("w1")
    media = WorkerClient(worker.url, TOKEN)
    probes: list[ProbePeer] = []
    try:
        for role, hz in ((PeerRole.CANDIDATE, CANDIDATE_HZ), (PeerRole.CLIENT, CLIENT_HZ)):
            probe = ProbePeer(tone_signal(hz), keep=False)
            probes.append(probe)
            await probe.accept(await media.attach_peer(ROOM, role, await probe.offer()))
            await asyncio.wait_for(probe.connected.wait(), timeout=10)
        path = tmp_path / "recordings" / "s1" / "call-1.ogg"
        before_answer = time.monotonic()
        await media.start_call(ROOM, "call-1", path)
        after_answer = time.monotonic()  # the call started between the two
        await asyncio.sleep(1.5)
        os.kill(worker.process.pid, signal.SIGSTOP)
        try:
            await asyncio.sleep(2.0)
        finally:
            os.kill(worker.process.pid, signal.SIGCONT)
        await asyncio.sleep(2.0)
        before_end = time.monotonic()
        info = await media.end_call(ROOM)
        after_end = time.monotonic()
    finally:
        for probe in probes:
            await probe.close()
        await media.close()

    assert info is not None
    # As long as the call (answered → ended), within 100 ms, and the file says so too.
    shortest, longest = before_end - after_answer, after_end - before_answer
    assert shortest - 0.1 <= info.duration_s <= longest + 0.1, (info.duration_s, shortest, longest)
    audio = decode(path)
    assert abs(audio.shape[1] / SAMPLE_RATE - info.duration_s) <= 0.03
    # One entry: the stall, of both parties, about 2 s.
    sidecar = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    (stall,) = sidecar["gaps"]
    assert stall["role"] == "both" and stall["reason"] == "server_stall", sidecar["gaps"]
    assert stall["end_s"] - stall["start_s"] >= 1.9 and 1.0 <= stall["start_s"] <= 2.0
    # Each party on its channel before and after the stall: what follows it is not shifted.
    for start, end in (
        (0.5, stall["start_s"] - 0.1),
        (stall["end_s"] + 0.6, info.duration_s - 0.1),
    ):
        left = audio[0, int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
        right = audio[1, int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
        assert level_at(left, CANDIDATE_HZ) > 0.9 and level_at(left, CLIENT_HZ) < 0.01
        assert level_at(right, CLIENT_HZ) > 0.9 and level_at(right, CANDIDATE_HZ) < 0.01
    # The packets that waited in the worker's sockets are placed in the stall, if they came.
    if not stall["silent"]:
        inside = audio[
            0,
            int((stall["start_s"] + 0.1) * SAMPLE_RATE) : int((stall["end_s"] - 0.1) * SAMPLE_RATE),
        ]
        assert level_at(inside, CANDIDATE_HZ) > 0.9
    assert sidecar["timeline"]["server_stalls"] >= 1
