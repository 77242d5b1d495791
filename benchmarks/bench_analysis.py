"""From what one room's bots sent, what the emulated network did and what they received, to
the figures of one path (candidate→client, client→candidate, mix→observer): latency, the
server-added part of it, and what was lost beyond what the network injected.

Definitions (every time on the one monotonic clock of the machine):
- emission: the packet holding a click handed to the sending bot's RTP sender;
- released: that packet leaving the emulated network towards the server (emission plus the
  injected delay; never, for a packet the network dropped);
- onset: the click's onset found on arrival at the receiving bot (arrival of its packet plus
  the onset's offset in it);
- latency = onset − emission (the definition the benchmark always had);
- server-added = onset − released: the latency minus the injected delay. It still includes
  loopback, both bots' aiortc paths and the Opus codec delay (~6.5 ms per encode+decode).
Loss is counted on the frames (or clicks) emitted in the measured window that the network
delivered: the ones it dropped are reported apart, as injected.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.bot_peers import MixReceiver, RelayReceiver, ScheduledTrack
from benchmarks.jitter import Link
from benchmarks.media_signals import (
    CLICK_EVERY_FRAMES,
    histogram,
    histogram_percentiles,
    percentiles,
)

MAX_SERVER_ADDED_S = 0.45  # a decoded onset later than this after its click is not that click


def _in_window(times: np.ndarray, window: tuple[float, float]) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return (times >= window[0]) & (times <= window[1])


def click_frames(track: ScheduledTrack) -> np.ndarray:
    phase = track.signal.side.phase_frames
    return np.arange(phase, track.frames, CLICK_EVERY_FRAMES)


def match_onsets(onsets: list[float], track: ScheduledTrack, link: Link) -> dict[int, float]:
    """Decoded onsets of one side's clicks → {click frame: onset}: each onset goes to the
    latest click the network released before it (once each, within MAX_SERVER_ADDED_S)."""
    clicks = click_frames(track)
    released = link.released[clicks]
    known = ~np.isnan(released)
    clicks, released = clicks[known], released[known]
    found: dict[int, float] = {}
    for onset in sorted(onsets):
        i = int(np.searchsorted(released, onset, side="right")) - 1
        if i < 0 or onset - released[i] > MAX_SERVER_ADDED_S:
            continue
        found.setdefault(int(clicks[i]), onset)
    return found


def _clicks_figures(
    found: dict[int, float], track: ScheduledTrack, link: Link, window: tuple[float, float]
) -> dict[str, Any]:
    clicks = click_frames(track)
    clicks = clicks[_in_window(track.emitted[clicks], window)]
    dropped = link.dropped[clicks]
    delivered = clicks[~dropped]
    hit = [k for k in delivered if int(k) in found]
    onsets = np.array([found[int(k)] for k in hit])
    emitted = track.emitted[hit] if hit else np.zeros(0)
    released = link.released[hit] if hit else np.zeros(0)
    return {
        "latency": (onsets - emitted).tolist(),
        "server_added": (onsets - released).tolist(),
        "injected": (released - emitted).tolist(),
        "clicks": {
            "emitted": int(len(clicks)),
            "injected_dropped": int(dropped.sum()),
            "found": len(hit),
            "lost_beyond_injected": int(len(delivered) - len(hit)),
        },
    }


def relay_path(
    track: ScheduledTrack, link: Link, receiver: RelayReceiver, window: tuple[float, float]
) -> dict[str, Any]:
    """One party's audio as the other party received it."""
    frames = np.arange(track.frames)[_in_window(track.emitted, window)]
    dropped = link.dropped[frames]
    delivered = frames[~dropped]
    side = track.signal.side.name
    if receiver.identified:  # the server forwarded our packets byte for byte
        arrival = receiver.arrival
        got = delivered[~np.isnan(arrival[delivered])]
        found = {
            int(k): float(arrival[k]) + track.signal.onset_offset
            for k in click_frames(track)
            if not np.isnan(arrival[k])
        }
        frame_figures = {
            "method": "payload",
            "sent": int(len(frames)),
            "injected_dropped": int(dropped.sum()),
            "delivered": int(len(delivered)),
            "received": int(len(got)),
            "lost_beyond_injected": int(len(delivered) - len(got)),
        }
        packet_server_added = histogram(arrival[got] - link.released[got])
    else:  # re-encoded by the server: decode, and loss by the stream's RTP timestamps
        found = match_onsets([t for s, t in receiver.detector.onsets if s == side], track, link)
        span = receiver.span.loss()
        injected = float(dropped.mean()) if len(dropped) else 0.0
        lost = None if span is None else max(0.0, span - injected)
        frame_figures = {
            "method": "rtp_span",
            "sent": int(len(frames)),
            "injected_dropped": int(dropped.sum()),
            "delivered": int(len(delivered)),
            "received": None,
            "lost_beyond_injected": None if lost is None else round(lost * len(frames)),
        }
        packet_server_added = []
    out = _clicks_figures(found, track, link, window)
    out["frames"] = frame_figures
    out["packet_server_added"] = packet_server_added
    injected = link.released[delivered] - track.emitted[delivered]
    out["packet_injected"] = histogram(injected)
    out["stream_loss"] = [receiver.span.loss()]
    out["duplicates"] = receiver.duplicates
    out["foreign_packets"] = receiver.foreign
    return out


def mix_path(
    tracks: dict[str, ScheduledTrack],
    links: dict[str, Link],
    receiver: MixReceiver,
    window: tuple[float, float],
) -> dict[str, Any]:
    """Both parties' clicks as the observer heard them in the mix."""
    parts = []
    for side, track in tracks.items():
        onsets = [t for s, t in receiver.detector.onsets if s == side]
        found = match_onsets(onsets, track, links[side])
        parts.append(_clicks_figures(found, track, links[side], window))
    out: dict[str, Any] = {"latency": [], "server_added": [], "injected": []}
    clicks = {"emitted": 0, "injected_dropped": 0, "found": 0, "lost_beyond_injected": 0}
    for part in parts:
        for key in ("latency", "server_added", "injected"):
            out[key] += part[key]
        for key in clicks:
            clicks[key] += part["clicks"][key]
    out["clicks"] = clicks
    out["stream_loss"] = [receiver.span.loss()]
    return out


def merge_paths(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Rooms (or bot processes) merged: lists concatenated, counts added."""
    out: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            if isinstance(value, list):
                out.setdefault(key, []).extend(value)
            elif isinstance(value, dict):
                merged = out.setdefault(key, {})
                for k, v in value.items():
                    if isinstance(v, int | float) and not isinstance(v, bool):
                        merged[k] = (merged.get(k) or 0) + v
                    elif v is None and k not in merged:
                        merged[k] = None
                    else:
                        merged.setdefault(k, v)
            elif isinstance(value, int | float):
                out[key] = out.get(key, 0) + value
    return out


def summarise_path(raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "latency_ms": percentiles(raw.get("latency", [])),
        "server_added_ms": percentiles(raw.get("server_added", [])),
        "injected_ms": percentiles(raw.get("injected", [])),
        "clicks": raw.get("clicks", {}),
    }
    if "frames" in raw:
        out["frames"] = raw["frames"]
        out["packet_server_added_ms"] = histogram_percentiles(raw.get("packet_server_added", []))
        out["packet_injected_ms"] = histogram_percentiles(raw.get("packet_injected", []))
        out["duplicates"] = raw.get("duplicates", 0)
        out["foreign_packets"] = raw.get("foreign_packets", 0)
    losses = [x for x in raw.get("stream_loss", []) if x is not None]
    out["stream_loss_pct_worst"] = round(max(losses) * 100, 2) if losses else None
    return out


def counter_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """How each counter moved over the window (a counter that appeared counts from 0)."""
    return {k: round(v - before.get(k, 0), 3) for k, v in after.items()}


def recording_summary(recordings: list[dict[str, Any]]) -> dict[str, Any]:
    expected = missing = 0
    worst_spacing = 0.0
    errors = []
    for rec in recordings:
        clicks = rec.get("clicks") or {}
        if "error" in clicks:
            errors.append(f"{rec['room']}: {clicks['error']}")
            continue
        for side in ("candidate", "client"):
            figures = clicks.get(side) or {}
            expected += figures.get("expected", 0)
            missing += figures.get("missing", 0)
            spacing = (figures.get("spacing_error_ms") or {}).get("p95")
            worst_spacing = max(worst_spacing, spacing or 0.0)
    out: dict[str, Any] = {
        "expected": expected,
        "missing": missing,
        "spacing_error_ms_p95_worst": worst_spacing,
    }
    if errors:
        out["errors"] = errors
        out["missing"] = None
    return out
