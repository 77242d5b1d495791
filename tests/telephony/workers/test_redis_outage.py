"""Redis goes away for longer than the workers' registrations live, then comes back (a
private redis-server, killed and started again on the same port, empty): the call in
progress keeps its worker and its audio throughout, a new call can be placed meanwhile,
the registrations come back by themselves and nothing is moved; each process logs the loss
once and the return once."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from pathlib import Path

import pytest

from benchmarks.bench_rpc import LoopLag
from server.telephony.ports import PeerRole
from server.telephony.probe import Received
from server.telephony.workers.registry import Registry
from server.telephony.workers.remote import RemoteMediaPort

from .conftest import TOKEN, TTL_S, PrivateRedis, SpawnWorker
from .test_failover import CANDIDATE_HZ, CLIENT_HZ, ROOM, Pages

pytestmark = pytest.mark.slow
OUTAGE_S = max(4 * TTL_S, 6.0)  # how long Redis stays away: every registration lapses
LOST = "Redis (media worker registry) is unreachable"
BACK = "Redis (media worker registry) is back"


class SenderStalls(LoopLag):
    """This process's event loop, watched (the benchmarks' `LoopLag`): the two parties'
    senders live in it, so on a loaded machine a stall of the test itself is a hole in what
    they sent, which the recording names `no_audio` — the truth, and not the outage's doing
    (CI beside two busy loops, 2026-12-07: 1.5 s of both parties)."""

    STALL_S = 0.3  # asleep longer than this: the senders stalled
    KEPT = 10_000

    def explains(self, start: float, end: float, slack: float) -> bool:
        """Whether a stall of this process overlaps [start, end] (± slack), monotonic."""
        return any(at < end + slack and at + ms / 1000 > start - slack for at, ms in self.stalls)


def largest_jump_ms(received: list[Received], since: float) -> float:
    """The largest step in RTP time between consecutive packets that arrived after `since`:
    20 ms when nothing was missing; a pause in the relay shows as a jump (the relay keeps
    the sender's timestamp spacing across what it drops or misses)."""
    times = [r.timestamp for r in received if r.arrival >= since]
    steps = [(b - a) % 2**32 for a, b in zip(times, times[1:], strict=False)]
    return max(steps, default=0) / 48


async def test_a_redis_outage_moves_no_call_and_is_logged_once_each_way(
    private_redis: PrivateRedis,
    spawn_worker: SpawnWorker,
    namespace: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    logs = {wid: tmp_path / f"{wid}.log" for wid in ("w1", "w2")}
    for worker_id, log in logs.items():
        spawn_worker(worker_id, redis=private_redis.url, log=log)
    registry = Registry.from_url(private_redis.url, namespace, ttl_s=TTL_S)
    moved: list[str] = []
    port = RemoteMediaPort(registry, TOKEN, on_replaced=moved.append, owns_registry=True)
    pages = Pages(port)
    stalls = SenderStalls()
    await port.start()
    watch = asyncio.create_task(stalls.watch())
    try:
        await pages.join(PeerRole.CANDIDATE)
        await pages.join(PeerRole.CLIENT)
        probes = dict(pages.probes)
        recording = tmp_path / "recordings" / "s" / "call-1.ogg"
        call_asked = time.monotonic()  # the recording's 0 s is between these two
        await port.start_call(ROOM, "call-1", recording, parties={"candidate": "cand-a"})
        call_started = time.monotonic()
        assert abs(await pages.hears(PeerRole.CLIENT) - CANDIDATE_HZ) < 20
        before = (await registry.live()).copy()
        placed = port.placements()

        outage_began = time.monotonic()
        private_redis.kill()
        await asyncio.sleep(OUTAGE_S)  # the fault's duration, not a bound on anything
        assert not registry.health.up  # the port noticed, and kept every placement
        assert abs(await pages.hears(PeerRole.CLIENT) - CANDIDATE_HZ) < 20
        assert abs(await pages.hears(PeerRole.CANDIDATE) - CLIENT_HZ) < 20
        await port.start_call("room-b", "call-b", None)  # a new call is placed meanwhile

        private_redis.start()  # empty: every registration lapsed while it was away
        async with asyncio.timeout(60):  # the workers' next heartbeats register them again
            wanted = {i.instance for i in before.values()}
            while {i.instance for i in (await registry.live()).values()} != wanted:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        async with asyncio.timeout(60):  # the port reads them again (its next watch)
            while set(port.view.registered) != set(before):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        back_at = time.monotonic()
        assert abs(await pages.hears(PeerRole.CLIENT) - CANDIDATE_HZ) < 20

        assert moved == [] and port.replacements == 0
        assert {ROOM: port.placements()[ROOM]} == placed
        assert pages.probes == probes  # no renegotiation: the same peer connections
        for probe in probes.values():  # the audio went on, both ways, without a pause:
            assert probe.received[-1].arrival > back_at
            # (a move costs seconds; a busy machine's stalls drop a few hundred ms of packets
            # at the relay's bounded queues, with or without an outage)
            assert largest_jump_ms(probe.received, outage_began) < 1000
        info = await port.end_call(ROOM)
    finally:
        watch.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watch
        await pages.close()
        await port.close()

    assert info is not None and info.path == recording and info.earlier == ()
    assert not recording.with_name("call-1.part2.ogg").exists()  # never moved
    # No hole in the recording, but where this test's own senders stalled (a loaded machine):
    # the recorder names that `no_audio`; any other cause, or a hole no stall explains, fails.
    sidecar = json.loads(recording.with_suffix(".json").read_text())
    unexplained = [
        gap
        for gap in sidecar["gaps"]
        if gap["reason"] != "no_audio"
        or not stalls.explains(call_asked + gap["start_s"], call_started + gap["end_s"], 0.5)
    ]
    assert unexplained == [], (sidecar["gaps"], stalls.stalls, call_asked)

    web = [r.getMessage() for r in caplog.records if "Redis" in r.getMessage()]
    assert [m.split(" (")[0] + (" back" if "back" in m else " lost") for m in web] == [
        "Redis lost",
        "Redis back",
    ], web
    assert sum(m.startswith(LOST) for m in web) == 1 and sum(m.startswith(BACK) for m in web) == 1
    for worker_id, log in logs.items():
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        redis_lines = [line for line in lines if "Redis" in line]
        assert len(redis_lines) == 2, (worker_id, redis_lines)
        assert LOST in redis_lines[0] and BACK in redis_lines[1], (worker_id, redis_lines)
        assert not any("Traceback" in line for line in lines), (worker_id, lines)
