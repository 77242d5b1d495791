"""What a call's recording holds of the clicks the bots sent: the candidate's on the left
channel, the client's on the right, each click once, 500 ms apart.

- found / expected: of the clicks the network delivered to the server in the measured window
  (and, apart, over the whole call up to 0.6 s before its end), those found in the channel.
  Each click in the recording is matched to its emission by following the recording's delay
  from click to click (a start at the first clicks' median delay, then within ±200 ms of the
  previous one), so a recording that starts later, buffers more or whose timeline steps is
  not counted as a loss; a click whose audio is not there is;
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


JUMP_S = 0.2  # a recording's delay may change by this much from one click to the next
EARLY_S = 0.1  # a channel placed up to this much before the click's emission (grid anchoring)


def align(times: np.ndarray, sent: np.ndarray) -> dict[int, float]:
    """Clicks at `times` (on the machine's clock, as placed by the recording) → {index in
    `sent`: time}, following the recording's delay from click to click."""
    if not len(times) or not len(sent):
        return {}
    first = []
    for t in times[:5]:  # the recording's delay, from -EARLY_S (anchored on the 20 ms grid,
        # a channel can sit a few ms before its emission) to a period minus that
        i = int(np.searchsorted(sent, t + EARLY_S, side="right")) - 1
        if i >= 0:
            first.append(t - sent[i])
    delay = float(np.median(first)) if first else 0.0
    matched: dict[int, float] = {}
    for t in times:
        target = t - delay
        i = int(np.clip(np.searchsorted(sent, target), 1, len(sent) - 1)) if len(sent) > 1 else 0
        if len(sent) > 1 and abs(sent[i - 1] - target) < abs(sent[i] - target):
            i -= 1
        if abs(sent[i] - target) <= JUMP_S and i not in matched:
            matched[i] = float(t)
            delay = float(t - sent[i])
    return matched


def channel_figures(
    onsets: list[float],
    emitted: list[float],
    call_started: float,
    call_ended: float,
    window: tuple[float, float] | None = None,
) -> dict[str, Any]:
    sent = np.array(sorted(e for e in emitted if call_started <= e <= call_ended - TAIL_S))
    times = call_started + np.array(onsets, dtype=np.float64)
    matched = align(times, sent)
    lo, hi = window or (call_started, call_ended)
    in_window = [i for i, e in enumerate(sent) if lo <= e <= hi]
    found = sum(1 for i in in_window if i in matched)
    delays = [t - sent[i] for i, t in matched.items()]
    gaps = np.diff(np.array(onsets))
    periods = np.maximum(np.round(gaps / PERIOD_S), 1)
    off = np.abs(gaps - periods * PERIOD_S)
    return {
        "onsets": len(onsets),  # clicks of this side found in the channel, matched or not
        "expected": len(in_window),
        "found": found,
        "missing": len(in_window) - found,
        "whole_call": {"expected": int(len(sent)), "found": len(matched)},
        "delay_s": round(float(np.median(delays)), 3) if delays else None,
        "spacing_error_ms": percentiles(off.tolist()),
    }


def check(
    path: Path,
    clicks_sent: dict[str, list[float]],
    call_started: float,
    call_ended: float,
    window: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """Both channels of one recording against the clicks each side sent."""
    sides = (CANDIDATE.name, CLIENT.name)  # left, right
    try:
        found, seconds = onsets_by_channel(path, sides)
    except (OSError, ValueError, av.FFmpegError) as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    out: dict[str, Any] = {"seconds": round(seconds, 2)}
    for side, onsets in zip(sides, found, strict=True):
        out[side] = channel_figures(
            onsets, clicks_sent.get(side, []), call_started, call_ended, window
        )
    return out
