"""What the web process remembers of a call in workers mode, to resume it elsewhere: its
segments (`<call>.ogg`, `<call>.part2.ogg`…), parties and hold state; and how it closes the
segment a dead worker was writing."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from server.telephony.audio import FRAME_SECONDS
from server.telephony.ports import RecordingInfo
from server.telephony.workers.segments import close_interrupted_segment, segment_path


@dataclass
class CallSegments:
    call_id: str
    first_path: Path | None
    parties: dict[str, str]
    started_at: datetime
    segment_started_at: datetime
    held: bool = False
    segment: int = 1
    restarting: bool = False  # the next segment is numbered but no worker has started it yet
    closed: list[RecordingInfo] = field(default_factory=list)  # the segments before this one

    def with_earlier(self, last: RecordingInfo | None) -> RecordingInfo | None:
        """The call's recording as `end_call` returns it: the last segment, the closed ones
        before it in `earlier`."""
        segments = [*self.closed, *([last] if last is not None else [])]
        if not segments:
            return None
        return replace(segments[-1], earlier=tuple(segments[:-1]))

    @property
    def path(self) -> Path | None:
        return segment_path(self.first_path, self.segment) if self.first_path else None

    @property
    def previous_path(self) -> Path | None:
        if self.first_path is None or self.segment <= 1:
            return None
        return segment_path(self.first_path, self.segment - 1)


async def close_lost_segment(
    room_id: str, call: CallSegments, next_path: Path | None, now: datetime
) -> RecordingInfo | None:
    """Write the sidecar of the segment a dead worker was recording; return its facts."""
    path = call.path
    if path is None:
        return None
    previous = call.previous_path
    data = await asyncio.to_thread(
        close_interrupted_segment,
        path,
        call_id=call.call_id,
        room_id=room_id,
        parties=call.parties,
        started_at=call.segment_started_at,
        interrupted_at=now,
        segment=call.segment,
        previous_segment=previous.name if previous else None,
        next_segment=next_path.name if next_path else None,
    )
    return RecordingInfo(
        call_id=call.call_id,
        room_id=room_id,
        path=path,
        sidecar_path=path.with_suffix(".json"),
        started_at=call.segment_started_at,
        ended_at=now,
        duration_s=data.get("duration_s", 0.0),
        size_bytes=data.get("size_bytes", 0),
        sha256=data.get("sha256") or "",
        parties=call.parties,
        gaps=(),
        frames_written=round(data.get("duration_s", 0.0) / FRAME_SECONDS),
        frames_dropped=0,
    )
