"""A call's recording in segments: when its worker dies mid-call the call resumes on another
worker and records `<call>.part2.ogg` (then part3…), each with its JSON sidecar naming the
segment before it. The segment the dead worker was writing stays readable up to its last
second (see `recorder.py`); the web process writes its sidecar, marked interrupted."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import av

from server.telephony.ports import GapFacts
from server.telephony.recorder import sha256_of, write_sidecar


def segment_path(first: Path, segment: int) -> Path:
    """`rec/call-1.ogg` → segment 2: `rec/call-1.part2.ogg`."""
    if segment <= 1:
        return first
    return first.with_name(f"{first.stem}.part{segment}{first.suffix}")


def amend_sidecar(sidecar: Path, fields: Mapping[str, object]) -> None:
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    data.update(fields)
    write_sidecar(sidecar, data)


def ogg_duration(path: Path) -> float:
    """Seconds of audio readable in an Ogg file (0.0 if none); a truncated last page (the
    writer was killed) ends the count instead of failing it."""
    end = 0.0
    try:
        with av.open(str(path)) as container:
            stream = container.streams.audio[0]
            try:
                for packet in container.demux(stream):
                    if packet.pts is not None and packet.time_base is not None:
                        end = max(
                            end, float((packet.pts + (packet.duration or 0)) * packet.time_base)
                        )
            except av.FFmpegError:
                pass
    except (av.FFmpegError, IndexError):
        return 0.0
    return round(end, 3)


def close_interrupted_segment(
    path: Path,
    *,
    call_id: str,
    room_id: str,
    parties: dict[str, str],
    started_at: datetime,
    interrupted_at: datetime,
    segment: int,
    previous_segment: str | None,
    next_segment: str | None,
    resumed_at: datetime | None = None,
) -> dict[str, Any]:
    """Write the sidecar of a segment whose worker died (blocking: run it in a thread). A
    worker stopped gracefully finished the segment and wrote its sidecar: that one is kept,
    and only told where the call went on.

    What was not recorded — from the end of the readable audio to `resumed_at`, when the next
    segment started (or the call ended); None: not known yet, see `close_failover_gap` — is
    a gap of both parties with cause `failover` in the sidecar's `gaps`; its offsets are
    seconds from the segment's start (the call's own clock for the first segment)."""
    sidecar = path.with_suffix(".json")
    links = {"segment": segment, "previous_segment": previous_segment, "next_segment": next_segment}
    if sidecar.exists():
        data: dict[str, Any] = json.loads(sidecar.read_text(encoding="utf-8"))
        gaps = [
            *data.get("gaps", []),
            *failover_gaps(data.get("duration_s", 0.0), started_at, resumed_at),
        ]
        amend_sidecar(sidecar, {**links, "interrupted": "worker_stopped", "gaps": gaps})
        data = json.loads(sidecar.read_text(encoding="utf-8"))
        return data
    exists = path.exists()
    duration = ogg_duration(path) if exists else 0.0
    data = {
        "call_id": call_id,
        "room_id": room_id,
        "path": path.name,
        "started_at": started_at.isoformat(),
        "interrupted_at": interrupted_at.isoformat(),
        "interrupted": "worker_lost",
        "duration_s": duration,
        "size_bytes": path.stat().st_size if exists else 0,
        "sha256": sha256_of(path) if exists else None,
        "parties": parties,
        **links,
        "gaps": failover_gaps(duration, started_at, resumed_at),
        "channels": {"left": "candidate", "right": "client"},
        "format": "ogg/opus, 48 kHz stereo",
    }
    write_sidecar(sidecar, data)
    return data


FAILOVER = "failover"


def failover_gaps(
    recorded_s: float, started_at: datetime, resumed_at: datetime | None
) -> list[GapFacts]:
    """The gap of both parties (the sidecar's shape: role, reason, start_s, end_s, silent)
    from the end of what the segment holds to the moment the call's audio was recorded
    again (seconds from the segment's start)."""
    end = None if resumed_at is None else round((resumed_at - started_at).total_seconds(), 3)
    start = round(recorded_s, 3) if end is None else round(min(recorded_s, end), 3)
    return [{"role": "both", "reason": FAILOVER, "start_s": start, "end_s": end, "silent": True}]


def close_failover_gap(sidecar: Path, started_at: datetime, resumed_at: datetime) -> None:
    """The call found a worker again after its segment was closed with an open failover
    gap (no worker could take it at first): the gap ends now."""
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    end = round((resumed_at - started_at).total_seconds(), 3)
    for gap in data.get("gaps", []):
        if gap.get("reason") == FAILOVER and gap.get("end_s") is None:
            gap["end_s"] = end
    write_sidecar(sidecar, data)
