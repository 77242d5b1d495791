"""A real media worker process recording a real call between probe peers (candidate 440 Hz,
client 1000 Hz) while the worker is stopped (SIGSTOP) for 2 s, or shares its core with a busy
loop: the recording is as long as the call, each party on its channel, a moment of the call
is at the same offset in the file (where a pinned note points), and a stall is one entry of
the sidecar."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from server.telephony.audio import FRAME_SAMPLES, FRAME_SECONDS, SAMPLE_RATE, tone
from server.telephony.ports import PeerRole
from server.telephony.probe import (
    ProbePeer,
    Signal,
    SignalTrack,
    dominant_frequency,
    level_at,
    tone_signal,
)
from server.telephony.workers.client import WorkerClient

from .conftest import TOKEN, SpawnWorker

CANDIDATE_HZ, CLIENT_HZ, LATER_HZ = 440.0, 1000.0, 880.0
ROOM = "cand-a"

pytestmark = pytest.mark.slow


class Switch:
    """The candidate's voice: 440 Hz until `at` (monotonic), 880 Hz from then on."""

    def __init__(self) -> None:
        self.at = float("inf")

    def signal(self) -> Signal:
        return lambda n: tone(
            LATER_HZ if time.monotonic() >= self.at else CANDIDATE_HZ,
            FRAME_SECONDS,
            start=n * FRAME_SAMPLES,
        )


def switch_offset(left: np.ndarray, after_s: float) -> float:
    """Where the candidate's channel turns to 880 Hz (seconds), from `after_s` on."""
    for i in range(int(after_s / FRAME_SECONDS), len(left) // FRAME_SAMPLES):
        frame = left[i * FRAME_SAMPLES : (i + 1) * FRAME_SAMPLES]
        if abs(dominant_frequency(frame) - LATER_HZ) < 60:
            return i * FRAME_SECONDS
    raise AssertionError("the switch to 880 Hz is not in the recording")


def decode(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        return np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)


async def test_a_worker_stopped_two_seconds_records_the_whole_call_and_names_the_stall(
    spawn_worker: SpawnWorker, tmp_path: Path
) -> None:
    worker = spawn_worker("w1")
    media = WorkerClient(worker.url, TOKEN)
    probes: list[ProbePeer] = []
    switch = Switch()
    try:
        for role, voice in (
            (PeerRole.CANDIDATE, switch.signal()),
            (PeerRole.CLIENT, tone_signal(CLIENT_HZ)),
        ):
            probe = ProbePeer(voice, keep=False)
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
        await asyncio.sleep(1.0)
        switch.at = time.monotonic()  # a moment of the call, after the stall
        await asyncio.sleep(1.5)
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
    assert len(sidecar["gaps"]) == 1, sidecar["gaps"]
    (stall,) = sidecar["gaps"]
    assert stall["role"] == "both" and stall["reason"] == "server_stall", sidecar["gaps"]
    assert stall["end_s"] - stall["start_s"] >= 1.9 and 1.0 <= stall["start_s"] <= 2.0
    # Each party on its channel before and after the stall.
    for start, end in ((0.5, stall["start_s"] - 0.1), (stall["end_s"] + 0.6, stall["end_s"] + 0.9)):
        left = audio[0, int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
        right = audio[1, int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
        assert level_at(left, CANDIDATE_HZ) > 0.9 and level_at(left, CLIENT_HZ) < 0.01
        assert level_at(right, CLIENT_HZ) > 0.9 and level_at(right, CANDIDATE_HZ) < 0.01
    # What followed the stall is not shifted: the moment the candidate's voice changed is at
    # its offset from the answer (as a note pinned then would say), within 100 ms.
    found = switch_offset(audio[0], stall["end_s"])
    assert switch.at - after_answer - 0.1 <= found <= switch.at - before_answer + 0.1, found
    # The packets that waited in the worker's sockets are placed in the stall, if they came.
    if not stall["silent"]:
        inside = audio[
            0,
            int((stall["start_s"] + 0.1) * SAMPLE_RATE) : int((stall["end_s"] - 0.1) * SAMPLE_RATE),
        ]
        assert level_at(inside, CANDIDATE_HZ) > 0.9
    assert sidecar["timeline"]["server_stalls"] >= 1


class BurstTrack(SignalTrack):
    """Sends like a stalling sender: nothing for 300 ms, then the 15 packets it owes at once
    (their timestamps as a steady sender's)."""

    async def recv(self) -> Any:
        index = self._index
        now = time.monotonic()
        if self._start is not None:
            due = self._start + index * FRAME_SECONDS
            burst_at = self._start + (index // 15 + 1) * 15 * FRAME_SECONDS
            if due > now:
                await asyncio.sleep(max(0.0, burst_at - now))
        return await super().recv()


async def _call(media: WorkerClient, path: Path, seconds: float, *, bursts: bool = False):
    """A recorded call of `seconds` between two probes; returns (info, shortest, longest):
    the call's length lies between the two (the answer and the end are HTTP round trips)."""
    probes: list[ProbePeer] = []
    try:
        for role, hz in ((PeerRole.CANDIDATE, CANDIDATE_HZ), (PeerRole.CLIENT, CLIENT_HZ)):
            probe = ProbePeer(tone_signal(hz), keep=False)
            if bursts:
                probe.track = BurstTrack(tone_signal(hz))
                probe._transceiver.sender.replaceTrack(probe.track)
            probes.append(probe)
            await probe.accept(await media.attach_peer(ROOM, role, await probe.offer()))
            await asyncio.wait_for(probe.connected.wait(), timeout=10)
        before_answer = time.monotonic()
        await media.start_call(ROOM, "call-1", path)
        after_answer = time.monotonic()
        await asyncio.sleep(seconds)
        before_end = time.monotonic()
        info = await media.end_call(ROOM)
        after_end = time.monotonic()
    finally:
        for probe in probes:
            await probe.close()
    assert info is not None
    return info, before_end - after_answer, after_end - before_answer


def _each_party_on_its_channel(audio: np.ndarray, start: float, end: float) -> None:
    left = audio[0, int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
    right = audio[1, int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
    assert level_at(left, CANDIDATE_HZ) > 0.9 and level_at(left, CLIENT_HZ) < 0.01
    assert level_at(right, CLIENT_HZ) > 0.9 and level_at(right, CANDIDATE_HZ) < 0.01


async def test_300_ms_bursts_are_recorded_as_a_continuous_call(
    spawn_worker: SpawnWorker, tmp_path: Path
) -> None:
    worker = spawn_worker("w1")
    media = WorkerClient(worker.url, TOKEN)
    path = tmp_path / "recordings" / "s1" / "call-1.ogg"
    try:
        info, shortest, longest = await _call(media, path, 4.0, bursts=True)
    finally:
        await media.close()
    assert shortest - 0.1 <= info.duration_s <= longest + 0.1
    audio = decode(path)
    _each_party_on_its_channel(audio, 0.7, info.duration_s - 0.7)
    # The bursts' packets are in their places: every frame of the candidate's channel has
    # his voice, except where an entry names a hole (on a loaded machine a sender may stall
    # past what the recorder waits for, and what it still owed at the hang-up never came).
    named = [(g.start_s, g.end_s or info.duration_s) for g in info.gaps if g.silent]
    frames = audio[0, : int(info.duration_s * SAMPLE_RATE)]
    frames = frames[: len(frames) // FRAME_SAMPLES * FRAME_SAMPLES].reshape(-1, FRAME_SAMPLES)
    rms = np.sqrt(np.mean(frames.astype(float) ** 2, axis=1))  # float samples, tone at 0.18
    quiet = [i * FRAME_SECONDS for i, r in enumerate(rms) if r <= 0.03 and i * FRAME_SECONDS >= 0.2]
    unexplained = [t for t in quiet if not any(a - 0.02 <= t < b + 0.02 for a, b in named)]
    assert len(unexplained) <= 4, (unexplained, info.gaps)  # a lost packet's concealment ends
    assert len(quiet) * FRAME_SECONDS <= 0.5, (quiet, info.gaps)  # and most of it is there


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 1, reason="no CPU to pin to")
async def test_a_worker_sharing_its_core_with_a_busy_loop_records_the_whole_call(
    spawn_worker: SpawnWorker, tmp_path: Path
) -> None:
    worker = spawn_worker("w1")
    cpu = min(os.sched_getaffinity(0))
    busy = await asyncio.create_subprocess_exec(sys.executable, "-c", "while True: pass")
    try:
        os.sched_setaffinity(busy.pid, {cpu})
        os.sched_setaffinity(worker.process.pid, {cpu})
        media = WorkerClient(worker.url, TOKEN)
        path = tmp_path / "recordings" / "s1" / "call-1.ogg"
        try:
            info, shortest, longest = await _call(media, path, 4.0)
        finally:
            await media.close()
    finally:
        busy.kill()  # by its pid
        await busy.wait()
    assert shortest - 0.1 <= info.duration_s <= longest + 0.1
    audio = decode(path)
    assert abs(audio.shape[1] / SAMPLE_RATE - info.duration_s) <= 0.03
    _each_party_on_its_channel(audio, 0.7, info.duration_s - 0.7)
