"""The network between a sending bot and the media server, as the benchmark injects it.

A profile says what the network does to each RTP packet a bot sends; `Link` does it, after
aiortc has numbered and packed the packet (so a dropped packet is a gap in the sequence
numbers, as on a real network) and before SRTP and the socket. Everything is drawn from a
seeded generator per stream and indexed by the packet's place in the send schedule (packet k is
due at t0 + k·20 ms), so every run of a profile injects exactly the same delays, bursts and
losses.

- `none`: nothing;
- `lan`: each packet delayed by a uniform 0–10 ms (±5 ms around 5 ms);
- `wifi`: each packet delayed by a uniform 0–60 ms (±30 ms around 30 ms), and every 5 s
  (a phase of its own per stream) the link holds everything for 300 ms, then releases it at
  once (a burst of 15 packets), as a Wi-Fi workstation or a busy laptop does;
- `lossy`: 1 % of the packets dropped at random.

The link is a FIFO, as a network queue is: a packet never overtakes the one sent before it
(its release is at least the previous one's), so the delays pile up behind a slow packet rather
than reordering the stream. What was injected is recorded per packet: dropped or not, when it
entered the link, when it was released (its injected delay is the difference); the receivers'
measures are reported beyond it.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import numpy as np

FRAME_S = 0.02
SAMPLES_PER_FRAME = 960


@dataclass(frozen=True)
class Profile:
    name: str
    jitter_ms: float = 0.0  # each packet delayed uniformly in [0, 2 × jitter_ms]
    burst_every_s: float = 0.0  # 0: no bursts
    burst_hold_ms: float = 0.0
    loss: float = 0.0  # probability of a packet being dropped

    def describe(self) -> str:
        parts = []
        if self.jitter_ms:
            parts.append(f"±{self.jitter_ms:g} ms")
        if self.burst_every_s:
            parts.append(f"{self.burst_hold_ms:g} ms held every {self.burst_every_s:g} s")
        if self.loss:
            parts.append(f"{self.loss * 100:g} % lost")
        return ", ".join(parts) or "nothing injected"


PROFILES: dict[str, Profile] = {
    "none": Profile("none"),
    "lan": Profile("lan", jitter_ms=5.0),
    "wifi": Profile("wifi", jitter_ms=30.0, burst_every_s=5.0, burst_hold_ms=300.0),
    "lossy": Profile("lossy", loss=0.01),
}


class Plan:
    """What the profile does to packet k of one stream (deterministic for a seed)."""

    def __init__(self, profile: Profile, seed: tuple[int, ...], frames: int) -> None:
        # One generator per quantity: a longer run draws the same values for its first frames.
        phases, delays, drops = (
            np.random.default_rng(s) for s in np.random.SeedSequence(list(seed)).spawn(3)
        )
        self.profile = profile
        self.frames = frames
        self.send_phase = float(phases.uniform(0.0, FRAME_S))  # the stream's offset in 20 ms
        self.burst_phase = float(phases.uniform(0.0, profile.burst_every_s or 1.0))
        self.delay = delays.uniform(0.0, 1.0, frames) * 2 * profile.jitter_ms / 1000
        self.drop = drops.random(frames) < profile.loss

    def dropped(self, k: int) -> bool:
        return bool(self.drop[k]) if 0 <= k < self.frames else False

    def extra_delay(self, k: int) -> float:
        return float(self.delay[k]) if 0 <= k < self.frames else 0.0

    def held_until(self, k: int) -> float | None:
        """Seconds after the stream's t0 until which packet k is held (it falls in a
        burst), or None."""
        p = self.profile
        if not p.burst_every_s:
            return None
        at = k * FRAME_S - self.burst_phase
        if at < 0:
            return None
        into = at % p.burst_every_s
        if into >= p.burst_hold_ms / 1000:
            return None
        return at - into + p.burst_hold_ms / 1000 + self.burst_phase


SendRtp = Callable[[bytes], Awaitable[None]]


def is_rtcp(data: bytes) -> bool:
    return len(data) >= 2 and 192 <= data[1] <= 223


class Link:
    """Wraps a DTLS transport's `_send_rtp` (aiortc 1.16: `RTCRtpSender._run_rtp` awaits
    `self.transport._send_rtp(bytes)` for each packet) for one sending stream whose packet k
    has pts k·960. RTCP passes straight through."""

    def __init__(self, plan: Plan, t0: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.plan = plan
        self.t0 = t0  # the stream's send schedule origin (monotonic)
        self._clock = clock
        n = plan.frames
        self.entered = np.full(n, np.nan)
        self.released = np.full(n, np.nan)
        self.planned = np.full(n, np.nan)
        self.dropped = np.zeros(n, dtype=bool)
        self.seen = 0
        self._ts0: int | None = None
        self._send: SendRtp | None = None
        self._queue: collections.deque[tuple[float, int, bytes]] = collections.deque()
        self._last_release = float("-inf")
        self._drain: asyncio.Task[None] | None = None

    def install(self, dtls_transport: object) -> None:
        self._send = dtls_transport._send_rtp  # type: ignore[attr-defined]
        dtls_transport._send_rtp = self.send  # type: ignore[attr-defined]

    def index_of(self, data: bytes) -> int:
        ts = int.from_bytes(data[4:8], "big")
        if self._ts0 is None:
            self._ts0 = ts  # the first packet is frame 0 (the track starts at pts 0)
        return ((ts - self._ts0) & 0xFFFFFFFF) // SAMPLES_PER_FRAME

    async def send(self, data: bytes) -> None:
        assert self._send is not None
        if is_rtcp(data):
            await self._send(data)
            return
        now = self._clock()
        k = self.index_of(data)
        self.seen += 1
        inside = k < self.plan.frames
        if inside:
            self.entered[k] = now
        if self.plan.dropped(k):
            self.dropped[k] = True
            return
        release = now + self.plan.extra_delay(k)
        held = self.plan.held_until(k)
        if held is not None:
            release = max(release, self.t0 + held)
        release = max(release, self._last_release)  # FIFO: never overtakes
        self._last_release = release
        if inside:
            self.planned[k] = release
        if release <= now and not self._queue:
            await self._send(data)
            if inside:
                self.released[k] = self._clock()
            return
        self._queue.append((release, k, data))
        if self._drain is None or self._drain.done():
            self._drain = asyncio.create_task(self._run())

    async def _run(self) -> None:
        assert self._send is not None
        while self._queue:
            release, k, data = self._queue[0]
            wait = release - self._clock()
            if wait > 0:
                await asyncio.sleep(wait)
            self._queue.popleft()
            try:
                await self._send(data)
            except ConnectionError:
                self._queue.clear()
                return
            if k < self.plan.frames:
                self.released[k] = self._clock()

    async def flush(self) -> None:
        """Until every packet held in the link has been released."""
        while self._drain is not None and not self._drain.done():
            await self._drain

    def lateness(self, window: tuple[float, float]) -> np.ndarray:
        """How much later than planned the link released each packet that entered it in
        `window` (the generator's own delay: a stalled event loop), in seconds."""
        late = self.released - self.planned
        with np.errstate(invalid="ignore"):
            inside = (self.entered >= window[0]) & (self.entered <= window[1]) & ~np.isnan(late)
        return late[inside]
