"""What a call's recording holds of the clicks the bots sent: the candidate's on the left
channel, the client's on the right, each click once, 500 ms apart.

- found / expected: clicks found in the channel vs the clicks the network delivered to the
  server while the call was up (up to 0.6 s before its end, the tail still in flight is not
  expected); the recording's delay is estimated as the median of (click in the recording −
  its emission), so a recording that starts later or buffers more is not counted as a loss;
- spacing: the gaps between consecutive clicks in the recording, off a whole number of 500 ms
  periods (0 when the audio is placed by its RTP timestamps; network jitter and bursts show
  here when it is placed by arrival).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np

from benchmarks.media_signals import CANDIDATE, CLIENT, SIDES, ClickDetector, percentiles
from server.telephony.audio import SAMPLE_RATE

PERIOD_S = 0.5
TAIL_S = 0.6


def onsets_by_channel(path: Path, sides: tuple[str, ...]) -> tuple[list[list[float]], float]:
    """Positions (seconds into the recording) of each channel's side's clicks, decoded frame
    by frame (a long recording is never held in memory whole), and the recording's length."""
    detectors = [ClickDetector(SIDES) for _ in sides]
    position = 0
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            data = frame.to_ndarray()
            if data.dtype != np.int16:
                data = np.clip(data * 32767, -32768, 32767).astype(np.int16)
            if not frame.format.is_planar:
                data = data.reshape(-1, len(frame.layout.channels)).T
            if data.shape[0] < len(sides):
                raise ValueError(f"{data.shape[0]} channel(s), {len(sides)} expected")
            for channel, detector in enumerate(detectors):
                detector.feed(position / SAMPLE_RATE, data[channel])
            position += data.shape[1]
    found = [
        [t for s, t in d.onsets if s == side] for d, side in zip(detectors, sides, strict=True)
    ]
    return found, position / SAMPLE_RATE


def channel_figures(
    onsets: list[float], emitted: list[float], call_started: float, call_ended: float
) -> dict[str, Any]:
    sent = np.array(sorted(e for e in emitted if call_started <= e <= call_ended - TAIL_S))
    if not len(sent):
        return {"expected": 0, "found": len(onsets), "missing": 0, "delay_s": None}
    times = call_started + np.array(onsets)
    delays = []
    for t in times:
        i = int(np.searchsorted(sent, t, side="right")) - 1
        if i >= 0:
            delays.append(t - sent[i])
    delay = float(np.median(delays)) if delays else 0.0
    placed = times - delay  # each click back at its emission time
    found = int(np.sum((placed >= sent[0] - PERIOD_S / 2) & (placed <= sent[-1] + PERIOD_S / 2)))
    gaps = np.diff(np.array(onsets))
    periods = np.maximum(np.round(gaps / PERIOD_S), 1)
    off = np.abs(gaps - periods * PERIOD_S)
    return {
        "expected": int(len(sent)),
        "found": found,
        "missing": max(0, int(len(sent)) - found),
        "delay_s": round(delay, 3),
        "spacing_error_ms": percentiles(off.tolist()),
    }


def check(
    path: Path, clicks_sent: dict[str, list[float]], call_started: float, call_ended: float
) -> dict[str, Any]:
    """Both channels of one recording against the clicks each side sent."""
    sides = (CANDIDATE.name, CLIENT.name)  # left, right
    try:
        found, seconds = onsets_by_channel(path, sides)
    except (OSError, ValueError, av.FFmpegError) as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    out: dict[str, Any] = {"seconds": round(seconds, 2)}
    for side, onsets in zip(sides, found, strict=True):
        out[side] = channel_figures(onsets, clicks_sent.get(side, []), call_started, call_ended)
    return out
