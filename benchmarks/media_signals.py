"""Marked audio for the media benchmarks: each side sends a soft low hum with a short tone
burst (a "click") every 500 ms, at a frequency of its own; receivers find the click onsets and
tell which side they came from.

The bots send it pre-encoded (`PreEncoded`: encoded once at start-up, replayed packet by
packet, nothing encoded while a run is measured). A little seeded noise makes every frame of the
loop unique, so a receiver that gets the packets byte for byte (Plateau's relay legs forward
Opus untouched) knows which frame each packet is without decoding it; the click onset inside a
click packet is then known from decoding the same packets once at start-up. Real browsers get
the same hum with longer, frequency-coded clicks as a WAV file (`browser_pcm`, `write_wav`)."""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from server.telephony.audio import FRAME_SAMPLES, SAMPLE_RATE, Pcm
from server.telephony.opus import OpusDecoder, OpusEncoder

CLICK_EVERY_FRAMES = 25  # 500 ms
CLICK_SAMPLES = 480  # 10 ms
CLICK_AMPLITUDE = 0.5
HUM_HZ = 150.0  # 3 whole periods per 20 ms frame: the hum repeats frame after frame
HUM_AMPLITUDE = 0.03  # keeps the codecs working on something between clicks
NOISE_RMS = 30.0  # int16 units (-61 dBFS): makes every encoded frame of the loop unique
BAND_SAMPLES = 120  # 2.5 ms: the click detector's envelope (nulls every 400 Hz)
BAND_THRESHOLD = 0.1 * 32767  # a click's envelope is its amplitude, 0.5; the hum's, ~0.004
REFRACTORY_SAMPLES = 4800  # 100 ms of quiet before a new onset counts
LOOP_FRAMES = 1500  # 30 s of distinct frames, replayed


@dataclass(frozen=True)
class Side:
    name: str
    click_hz: float
    phase_frames: int  # clicks at frames n with n % CLICK_EVERY_FRAMES == phase_frames
    noise_seed: int


CANDIDATE = Side("candidate", 1200.0, 0, 1)
CLIENT = Side("client", 2400.0, 12, 2)
SIDES = (CANDIDATE, CLIENT)


def is_click_frame(side: Side, index: int) -> bool:
    return index % CLICK_EVERY_FRAMES == side.phase_frames


def marked_pcm(side: Side, frames: int, noise: bool = True) -> Pcm:
    """`frames` × 20 ms of the side's marked signal (mono int16)."""
    t = np.arange(frames * FRAME_SAMPLES)
    out = np.sin(2 * np.pi * HUM_HZ * t / SAMPLE_RATE) * HUM_AMPLITUDE * 32767
    burst_n = np.arange(CLICK_SAMPLES)
    burst = np.sin(2 * np.pi * side.click_hz * burst_n / SAMPLE_RATE) * CLICK_AMPLITUDE * 32767
    burst *= np.minimum(1.0, np.minimum(burst_n, burst_n[::-1]) / 24 + 0.5)  # soft edges
    for index in range(side.phase_frames, frames, CLICK_EVERY_FRAMES):
        start = index * FRAME_SAMPLES
        out[start : start + CLICK_SAMPLES] += burst
    if noise:
        out += np.random.default_rng(side.noise_seed).normal(0.0, NOISE_RMS, len(out))
    return np.clip(out, -32768, 32767).astype(np.int16)


# Real browsers: longer clicks (a browser's noise suppression smooths 10 ms bursts), and each
# click one of three frequencies in turn, so that a click is told from the one 500 ms before
# it even when the delay passes 500 ms (the pattern repeats every 1.5 s).
BROWSER_CLICK_HZ = {"candidate": (1000.0, 1400.0, 1800.0), "client": (2400.0, 3000.0, 3600.0)}
BROWSER_CLICK_SECONDS = 0.04
BROWSER_PERIOD_SECONDS = 0.5
BROWSER_PHASE_SECONDS = {"candidate": 0.0, "client": 0.25}


def browser_pcm(side: str, seconds: float) -> Pcm:
    """The browser's fake microphone for `side`: the hum, and a click every 500 ms whose
    frequency cycles through `BROWSER_CLICK_HZ[side]`. `seconds` is rounded up to whole
    1.5 s cycles so that the file loops without breaking the pattern."""
    codes = BROWSER_CLICK_HZ[side]
    cycle = BROWSER_PERIOD_SECONDS * len(codes)
    total = round(-(-seconds // cycle) * cycle * SAMPLE_RATE)
    t = np.arange(total)
    out = np.sin(2 * np.pi * HUM_HZ * t / SAMPLE_RATE) * HUM_AMPLITUDE
    n = np.arange(round(BROWSER_CLICK_SECONDS * SAMPLE_RATE))
    fade = np.minimum(1.0, np.minimum(n, n[::-1]) / 48)
    step = round(BROWSER_PERIOD_SECONDS * SAMPLE_RATE)
    start = round(BROWSER_PHASE_SECONDS[side] * SAMPLE_RATE)
    for i, at in enumerate(range(start, total - len(n), step)):
        hz = codes[i % len(codes)]
        out[at : at + len(n)] += np.sin(2 * np.pi * hz * n / SAMPLE_RATE) * fade * CLICK_AMPLITUDE
    return (np.clip(out, -1, 1) * 32767).astype(np.int16)


def write_wav(path: Path, pcm: Pcm) -> Path:
    """Mono 48 kHz 16-bit WAV (a browser's fake microphone file)."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())
    return path


class PreEncoded:
    """A side's signal encoded once: `payload(index)` is frame `index` (the loop replayed),
    `position(payload)` tells which loop frame a payload is (None: not one of ours), and
    `onset_offset` is where a click frame's onset is found once decoded (seconds after the
    start of its packet: the codec delay plus the detector's threshold)."""

    def __init__(self, side: Side, loop_frames: int = LOOP_FRAMES) -> None:
        if loop_frames % CLICK_EVERY_FRAMES:
            raise ValueError(f"the loop must hold whole click periods ({CLICK_EVERY_FRAMES})")
        self.side = side
        pcm = marked_pcm(side, loop_frames)
        chunks = [pcm[i : i + FRAME_SAMPLES] for i in range(0, len(pcm), FRAME_SAMPLES)]
        encoder = OpusEncoder()
        encoded: list[bytes] = []
        for chunk in chunks + chunks:  # the second pass, from a warm encoder, is kept
            encoded.extend(encoder.encode(chunk))
        self.payloads: tuple[bytes, ...] = tuple(encoded[-loop_frames:])
        self._positions = {payload: i for i, payload in enumerate(self.payloads)}
        if len(self._positions) != loop_frames:
            raise RuntimeError(
                f"{side.name}: {loop_frames - len(self._positions)} encoded frames are not "
                "unique; a receiver could not tell them apart"
            )
        self.onset_offset = self._reference_onset()

    def __len__(self) -> int:
        return len(self.payloads)

    def payload(self, index: int) -> bytes:
        return self.payloads[index % len(self.payloads)]

    def position(self, payload: bytes) -> int | None:
        return self._positions.get(payload)

    def _reference_onset(self) -> float:
        decoder, detector = OpusDecoder(), ClickDetector((self.side,))
        frame_s = FRAME_SAMPLES / SAMPLE_RATE
        for index in range(2 * len(self.payloads)):  # twice over: the decoder warm, as in a run
            detector.feed(index * frame_s, decoder.decode(self.payload(index)))
        starts = []  # each onset, from the start of its click packet
        for _, onset in detector.onsets:
            cycles = round((onset / frame_s - self.side.phase_frames) / CLICK_EVERY_FRAMES)
            click_index = cycles * CLICK_EVERY_FRAMES + self.side.phase_frames
            starts.append(onset - click_index * frame_s)
        if not starts:
            raise RuntimeError(f"{self.side.name}: no click found in its own decoded signal")
        return float(np.median(starts))


class ClickDetector:
    """Feed it the decoded packets of one received stream, in arrival order; it reports
    (side name, onset time) for each click: onset time = packet arrival + the onset's
    offset in the packet.

    Each side's clicks are found at their own frequency: the stream is demodulated at the
    side's click frequency and averaged over `BAND_SAMPLES` (2.5 ms, whose nulls fall on the
    other side's frequency), so two clicks of different sides close together in a mix (two
    parties whose audio reaches the mix with different delays) are both found; an onset is
    where that envelope first passes `BAND_THRESHOLD` after `REFRACTORY_SAMPLES` below it.
    The codec's delay and the envelope's rise are calibrated out by `PreEncoded.onset_offset`,
    measured with this same detector."""

    def __init__(self, sides: tuple[Side, ...]) -> None:
        self._sides = sides
        self._omega = {s.name: 2 * np.pi * s.click_hz / SAMPLE_RATE for s in sides}
        self._position = 0  # samples fed so far (the demodulation's phase)
        self._tail = {s.name: np.zeros(BAND_SAMPLES - 1, dtype=np.complex128) for s in sides}
        self._abs_tail = np.zeros(BAND_SAMPLES - 1)
        self._quiet = {s.name: REFRACTORY_SAMPLES for s in sides}
        self.onsets: list[tuple[str, float]] = []

    def feed(self, arrival: float, pcm: Pcm) -> None:
        if not len(pcm):
            return
        n = np.arange(self._position, self._position + len(pcm))
        self._position += len(pcm)
        x = pcm.astype(np.float64)
        if not self._may_be_loud(np.abs(x)) and len(x) >= BAND_SAMPLES - 1:
            # nothing in it can pass the threshold at any frequency (most packets: the hum
            # between clicks): only the tail the next packet's first windows need
            last = slice(-(BAND_SAMPLES - 1), None)
            for side in self._sides:
                name = side.name
                self._tail[name] = x[last] * np.exp(-1j * self._omega[name] * n[last])
                self._quiet[name] += len(x)
            return
        found = []
        for side in self._sides:
            name = side.name
            base = x * np.exp(-1j * self._omega[name] * n)
            joined = np.concatenate([self._tail[name], base])
            self._tail[name] = joined[-(BAND_SAMPLES - 1) :]
            sums = np.cumsum(np.concatenate([[0], joined]))
            envelope = np.abs(sums[BAND_SAMPLES:] - sums[:-BAND_SAMPLES]) * (2 / BAND_SAMPLES)
            loud = np.flatnonzero(envelope > BAND_THRESHOLD)
            quiet = self._quiet[name]
            for index in loud:  # onsets: loud after a long enough quiet stretch
                if quiet + index >= REFRACTORY_SAMPLES:
                    found.append((arrival + index / SAMPLE_RATE, name))
                quiet = -int(index) - 1  # counting again from the sample after it
            self._quiet[name] = quiet + len(pcm)
        for onset, name in sorted(found):
            self.onsets.append((name, onset))

    def _may_be_loud(self, magnitude: np.ndarray) -> bool:
        """Can any window's envelope pass the threshold? It cannot exceed the window's mean
        magnitude times 2, whatever the frequency (the triangle inequality)."""
        joined = np.concatenate([self._abs_tail, magnitude])
        self._abs_tail = joined[-(BAND_SAMPLES - 1) :]
        sums = np.cumsum(joined)
        windows = sums[BAND_SAMPLES - 1 :] - np.concatenate([[0.0], sums[:-BAND_SAMPLES]])
        return bool(windows.max() * (2 / BAND_SAMPLES) > BAND_THRESHOLD * 0.999)


def histogram(values: list[float] | np.ndarray, resolution: float = 1e-4) -> list[list[float]]:
    """Values (seconds) as [[value, count], …] at `resolution` (0.1 ms): what a bot process
    sends of per-packet figures (a 30-minute soak has millions of them); merged by
    concatenation, read by `histogram_percentiles`."""
    arr = np.asarray(values, dtype=np.float64)
    arr = arr[~np.isnan(arr)]
    bins, counts = np.unique(np.round(arr / resolution).astype(np.int64), return_counts=True)
    return [[float(b) * resolution, int(c)] for b, c in zip(bins, counts, strict=True)]


def histogram_percentiles(pairs: list[list[float]], scale: float = 1000.0) -> dict[str, Any]:
    """p50/p95/p99/max (nearest rank) and the count of `histogram` pairs."""
    if not pairs:
        return {"p50": None, "p95": None, "p99": None, "max": None, "n": 0}
    arr = np.array(pairs, dtype=np.float64)
    arr = arr[np.argsort(arr[:, 0])]
    cumulative = np.cumsum(arr[:, 1])
    total = int(cumulative[-1])

    def rank(q: float) -> float:
        i = int(np.searchsorted(cumulative, max(1, np.ceil(q * total)), side="left"))
        return round(float(arr[min(i, len(arr) - 1), 0]) * scale, 1)

    return {
        "p50": rank(0.5),
        "p95": rank(0.95),
        "p99": rank(0.99),
        "max": round(float(arr[-1, 0]) * scale, 1),
        "n": total,
    }


def percentiles(values: list[float] | np.ndarray, scale: float = 1000.0) -> dict[str, float | None]:
    """p50/p95/p99/max (in ms for values in seconds) and the count."""
    arr = np.asarray(values, dtype=np.float64) * scale
    if arr.size == 0:
        return {"p50": None, "p95": None, "p99": None, "max": None, "n": 0}
    return {
        "p50": round(float(np.percentile(arr, 50)), 1),
        "p95": round(float(np.percentile(arr, 95)), 1),
        "p99": round(float(np.percentile(arr, 99)), 1),
        "max": round(float(arr.max()), 1),
        "n": int(arr.size),
    }
