"""Marked audio for the media benchmark: each side sends a soft low hum with a short tone
burst (a "click") every 500 ms, at a frequency of its own; receivers find click onsets in
the decoded packets on arrival and tell which side they came from."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np

from server.telephony.audio import FRAME_SAMPLES, SAMPLE_RATE, Pcm
from server.telephony.probe import Signal

CLICK_EVERY_FRAMES = 25  # 500 ms
CLICK_SAMPLES = 480  # 10 ms
CLICK_AMPLITUDE = 0.5
HUM_HZ = 150.0
HUM_AMPLITUDE = 0.03  # keeps the codecs working on something between clicks
THRESHOLD = 0.2 * 32767
REFRACTORY_SAMPLES = 4800  # 100 ms of quiet before a new onset counts
MAX_LATENCY = 0.45


@dataclass(frozen=True)
class Side:
    name: str
    click_hz: float
    phase_frames: int  # clicks at frames n with n % CLICK_EVERY_FRAMES == phase_frames


CANDIDATE = Side("candidate", 1200.0, 0)
CLIENT = Side("client", 2400.0, 12)


def click_signal(side: Side) -> Signal:
    n = np.arange(FRAME_SAMPLES)
    burst_n = np.arange(CLICK_SAMPLES)
    burst = np.sin(2 * np.pi * side.click_hz * burst_n / SAMPLE_RATE) * CLICK_AMPLITUDE
    burst *= np.minimum(1.0, np.minimum(burst_n, burst_n[::-1]) / 24 + 0.5)  # soft edges

    def signal(index: int) -> Pcm:
        t = index * FRAME_SAMPLES + n
        out = np.sin(2 * np.pi * HUM_HZ * t / SAMPLE_RATE) * HUM_AMPLITUDE
        if index % CLICK_EVERY_FRAMES == side.phase_frames:
            out[:CLICK_SAMPLES] += burst
        return (out * 32767).astype(np.int16)

    return signal


def is_click_frame(side: Side, index: int) -> bool:
    return index % CLICK_EVERY_FRAMES == side.phase_frames


@dataclass
class Emissions:
    """When each side's click frames were handed to the sender (monotonic seconds)."""

    times: dict[str, list[float]] = field(default_factory=dict)

    def add(self, side: Side, at: float) -> None:
        self.times.setdefault(side.name, []).append(at)

    def latest_before(self, side_name: str, at: float) -> float | None:
        times = self.times.get(side_name, [])
        i = bisect.bisect_right(times, at)
        return times[i - 1] if i else None


class ClickDetector:
    """Feed it the decoded packets of one received stream, in arrival order; it reports
    (side name, onset time) for each click: onset time = packet arrival + the onset's
    offset in the packet."""

    def __init__(self, sides: tuple[Side, ...]) -> None:
        self._sides = sides
        self._quiet = REFRACTORY_SAMPLES
        self._pending: tuple[float, list[Pcm]] | None = None
        n = np.arange(CLICK_SAMPLES)
        self._probes = {s.name: np.exp(-2j * np.pi * s.click_hz * n / SAMPLE_RATE) for s in sides}
        self.onsets: list[tuple[str, float]] = []

    def feed(self, arrival: float, pcm: Pcm) -> None:
        if self._pending is not None:
            self._pending[1].append(pcm)
            self._classify()
        loud = np.flatnonzero(np.abs(pcm.astype(np.int32)) > THRESHOLD)
        if len(loud) == 0:
            self._quiet += len(pcm)
            return
        first = int(loud[0])
        if self._quiet + first >= REFRACTORY_SAMPLES and self._pending is None:
            self._pending = (arrival + first / SAMPLE_RATE, [pcm[first:]])
            self._classify()
        self._quiet = len(pcm) - 1 - int(loud[-1])

    def _classify(self) -> None:
        assert self._pending is not None
        onset, parts = self._pending
        samples = np.concatenate(parts)
        if len(samples) < CLICK_SAMPLES:
            return
        window = samples[:CLICK_SAMPLES].astype(np.float64)
        side = max(self._probes, key=lambda name: abs(np.dot(window, self._probes[name])))
        self.onsets.append((side, onset))
        self._pending = None


def match_latencies(
    onsets: list[tuple[str, float]], emissions: Emissions, since: float
) -> dict[str, list[float]]:
    """Latency of each detected click, by side: onset − emission of that side's latest
    click before it (each emission matched once)."""
    out: dict[str, list[float]] = {}
    used: set[tuple[str, float]] = set()
    for side, onset in onsets:
        emitted = emissions.latest_before(side, onset)
        if emitted is None or emitted < since or (side, emitted) in used:
            continue
        latency = onset - emitted
        if latency <= MAX_LATENCY:
            used.add((side, emitted))
            out.setdefault(side, []).append(latency)
    return out


def percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None, "n": 0}
    arr = np.array(values) * 1000
    return {
        "p50": round(float(np.percentile(arr, 50)), 1),
        "p95": round(float(np.percentile(arr, 95)), 1),
        "p99": round(float(np.percentile(arr, 99)), 1),
        "max": round(float(arr.max()), 1),
        "n": len(values),
    }
