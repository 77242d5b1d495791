"""The emulated network of the media benchmark: the same injection in every run, bursts held
and released in order, drops that never reach the wire, RTCP untouched."""

from __future__ import annotations

import asyncio
import time

import numpy as np

from benchmarks.jitter import FRAME_S, PROFILES, Link, Plan, Profile


def rtp(k: int, ts0: int = 0xFFFFF000) -> bytes:
    """A minimal RTP header for frame k (its timestamp k·960 after ts0, wrapping)."""
    ts = (ts0 + 960 * k) & 0xFFFFFFFF
    return bytes([0x80, 111, (k >> 8) & 0xFF, k & 0xFF]) + ts.to_bytes(4, "big") + bytes(8)


class Wire:
    """Stands for aiortc's DTLS transport: records what reaches the socket."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    async def _send_rtp(self, data: bytes) -> None:
        self.sent.append(data)


def test_a_profile_injects_the_same_thing_in_every_run_whatever_its_length() -> None:
    for name in ("lan", "wifi", "lossy"):
        short = Plan(PROFILES[name], (20, 3, 1), 500)
        long = Plan(PROFILES[name], (20, 3, 1), 5000)
        assert np.array_equal(short.delay, long.delay[:500])
        assert np.array_equal(short.drop, long.drop[:500])
        assert short.burst_phase == long.burst_phase and short.send_phase == long.send_phase
        assert [short.held_until(k) for k in range(500)] == [long.held_until(k) for k in range(500)]
    other = Plan(PROFILES["lan"], (20, 3, 0), 500)  # another stream of the same room
    assert not np.array_equal(other.delay, Plan(PROFILES["lan"], (20, 3, 1), 500).delay)


def test_the_profiles_are_what_the_readme_says() -> None:
    lan = Plan(PROFILES["lan"], (1, 0, 0), 20_000)
    assert lan.delay.min() >= 0 and lan.delay.max() <= 0.010 and not lan.drop.any()
    assert abs(lan.delay.mean() - 0.005) < 0.0005
    wifi = Plan(PROFILES["wifi"], (1, 0, 0), 20_000)
    assert wifi.delay.max() <= 0.060 and abs(wifi.delay.mean() - 0.030) < 0.002
    held = [k for k in range(20_000) if wifi.held_until(k) is not None]
    # 300 ms (15 packets) held every 5 s (250 packets)
    assert len(held) == 15 * len({k // 250 for k in held})
    bursts = {wifi.held_until(k) for k in held}
    starts = sorted(b for b in bursts if b is not None)
    assert all(abs(b - a - 5.0) < 1e-9 for a, b in zip(starts, starts[1:], strict=False))
    lossy = Plan(PROFILES["lossy"], (1, 0, 0), 20_000)
    assert 0.007 < lossy.drop.mean() < 0.013 and not lossy.delay.any()
    none = Plan(PROFILES["none"], (1, 0, 0), 1000)
    assert not none.delay.any() and not none.drop.any() and none.held_until(10) is None


async def _send_on_schedule(link: Link, frames: int, wire: Wire, t0: float) -> None:
    for k in range(frames):
        await asyncio.sleep(max(0.0, t0 + k * FRAME_S - time.monotonic()))
        await link.send(rtp(k))
    await link.flush()


async def test_a_burst_is_held_then_released_in_order_and_nothing_overtakes() -> None:
    profile = Profile("test", jitter_ms=3.0, burst_every_s=0.2, burst_hold_ms=60.0)
    plan = Plan(profile, (7, 0, 0), 40)
    wire = Wire()
    link = Link(plan, t0=time.monotonic())
    link.install(wire)
    await _send_on_schedule(link, 40, wire, link.t0)
    indices = [int.from_bytes(d[2:4], "big") for d in wire.sent]
    assert indices == list(range(40))  # FIFO: in order, none lost
    held = [k for k in range(40) if plan.held_until(k) is not None]
    assert held, "the plan should hold some packets"
    for k in held:  # never released before its burst ends
        hold_end = plan.held_until(k)
        assert hold_end is not None
        assert link.released[k] >= link.t0 + hold_end
    assert np.all(link.released >= link.planned)  # the link never sends early
    assert np.all(np.diff(link.released) >= 0)
    injected = link.released - link.entered
    assert np.all(injected >= 0) and injected[held].min() > 0


async def test_dropped_packets_never_reach_the_wire_and_rtcp_passes() -> None:
    plan = Plan(Profile("drop-all-odd"), (1, 0, 0), 10)
    plan.drop[1::2] = True
    wire = Wire()
    link = Link(plan, t0=time.monotonic())
    link.install(wire)
    for k in range(10):
        await link.send(rtp(k))
    rtcp = bytes([0x80, 200]) + bytes(26)
    await link.send(rtcp)
    assert [int.from_bytes(d[2:4], "big") for d in wire.sent[:-1]] == [0, 2, 4, 6, 8]
    assert wire.sent[-1] == rtcp
    assert list(link.dropped) == [k % 2 == 1 for k in range(10)]
    assert np.isnan(link.released[1::2]).all() and not np.isnan(link.released[0::2]).any()


def test_frame_index_comes_from_the_rtp_timestamp_across_its_wrap() -> None:
    link = Link(Plan(PROFILES["none"], (1, 0, 0), 10), t0=0.0)
    assert [link.index_of(rtp(k)) for k in (0, 1, 5, 300)] == [0, 1, 5, 300]
