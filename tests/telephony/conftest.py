"""In-process peers: the server side (`AiortcMedia`) and probe peers standing in for the
browser pages, all in the test's event loop, over loopback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from server.telephony.aiortc_media import AiortcMedia
from server.telephony.ports import PeerRole
from server.telephony.probe import ProbePeer, Signal, tone_signal

CANDIDATE_HZ = 440.0
CLIENT_HZ = 1000.0
ROOM = "room-1"

Connect = Callable[..., Awaitable[ProbePeer]]


@pytest.fixture
async def media() -> AsyncIterator[AiortcMedia]:
    media = AiortcMedia()
    yield media
    await media.close()


@pytest.fixture
async def connect(media: AiortcMedia) -> AsyncIterator[Connect]:
    """`await connect(role, signal=None, room=ROOM)`: a probe peer attached and connected."""
    probes: list[ProbePeer] = []

    async def _connect(role: PeerRole, signal: Signal | None = None, room: str = ROOM) -> ProbePeer:
        probe = ProbePeer(signal)
        probes.append(probe)
        answer = await media.attach_peer(room, role, await probe.offer())
        await probe.accept(answer)
        await asyncio.wait_for(probe.connected.wait(), timeout=5)
        return probe

    yield _connect
    for probe in probes:
        await probe.close()


@pytest.fixture
async def trio(connect: Connect) -> tuple[ProbePeer, ProbePeer, ProbePeer]:
    """Candidate sending 440 Hz, client sending 1000 Hz, a listening observer."""
    candidate = await connect(PeerRole.CANDIDATE, tone_signal(CANDIDATE_HZ))
    client = await connect(PeerRole.CLIENT, tone_signal(CLIENT_HZ))
    observer = await connect(PeerRole.OBSERVER)
    return candidate, client, observer


async def settled(check: Callable[[], bool], within: float = 60.0) -> float:
    """Wait until `check()` holds — a change has reached the probes, however loaded the
    machine — and return that instant, from which to analyse. Fails after `within` seconds
    (generous: a start-up wait, not a measure)."""
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "the change never reached the probes"
        await asyncio.sleep(0.05)
    return time.monotonic()


async def listen(seconds: float, settle: float = 0.3) -> float:
    """Let `settle` seconds pass, then return the instant from which to analyse and let
    `seconds` more pass."""
    await asyncio.sleep(settle)
    start = time.monotonic()
    await asyncio.sleep(seconds)
    return start
