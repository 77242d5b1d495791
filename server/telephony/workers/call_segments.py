"""What the web process remembers of a call in workers mode, to resume it elsewhere: its
segments (`<call>.ogg`, `<call>.part2.ogg`…), parties and hold state; and how it closes the
segment a dead worker was writing, with the unrecorded stretch up to the next segment as a
`failover` gap of both parties (in its sidecar and in its `RecordingInfo.gaps`)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from server.core.clock import Clock
from server.telephony.audio import FRAME_SECONDS
from server.telephony.ports import GapReason, MediaGap, RecordingInfo, gap_from_json
from server.telephony.workers.client import WorkerClient
from server.telephony.workers.segments import (
    close_failover_gap,
    close_interrupted_segment,
    failover_gaps,
    segment_path,
)


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
    # segments being closed (sidecar, hash) off the failover's critical path
    closing: list[asyncio.Task[RecordingInfo | None]] = field(default_factory=list)
    open_gap: RecordingInfo | None = None  # closed while no worker could take the call

    async def settle(self) -> None:
        """Wait for the segments being closed; keep them in order."""
        tasks, self.closing = self.closing, []
        for info in await asyncio.gather(*tasks):
            if info is not None:
                self.closed.append(info)
        self.closed.sort(key=lambda i: i.started_at)

    def with_earlier(self, last: RecordingInfo | None) -> RecordingInfo | None:
        """The call's recording as `end_call` returns it: the last segment, the closed ones
        before it in `earlier` (call `settle()` first)."""
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


async def start_segment(
    room_id: str, call: CallSegments, client: WorkerClient, clock: Clock
) -> None:
    """Start the call's next segment on `client`'s worker (admitted past its capacity: the
    call was admitted once), on hold if the call was."""
    previous = call.previous_path
    await client.start_call(
        room_id,
        call.call_id,
        call.path,
        parties=call.parties,
        force=True,
        segment=call.segment,
        previous_segment=previous.name if previous is not None else None,
    )
    call.restarting = False
    call.segment_started_at = clock.now()
    if call.held:
        await client.hold(room_id, True)


@dataclass(frozen=True)
class LostSegment:
    """The segment a dead worker was writing, as it was when the worker was lost."""

    path: Path
    segment: int
    previous: Path | None
    started_at: datetime

    @classmethod
    def of(cls, call: CallSegments) -> LostSegment | None:
        if call.path is None:
            return None
        return cls(call.path, call.segment, call.previous_path, call.segment_started_at)


async def close_lost_segment(
    room_id: str,
    call: CallSegments,
    lost: LostSegment | None,
    next_path: Path | None,
    now: datetime,
    resumed_at: datetime | None,
) -> RecordingInfo | None:
    """Write the sidecar of the segment a dead worker was recording; return its facts, with
    the failover gap up to `resumed_at` (None: open until a worker takes the call)."""
    if lost is None:
        return None
    path, previous = lost.path, lost.previous
    data = await asyncio.to_thread(
        close_interrupted_segment,
        path,
        call_id=call.call_id,
        room_id=room_id,
        parties=call.parties,
        started_at=lost.started_at,
        interrupted_at=now,
        segment=lost.segment,
        previous_segment=previous.name if previous else None,
        next_segment=next_path.name if next_path else None,
        resumed_at=resumed_at,
    )
    duration = data.get("duration_s", 0.0)
    return RecordingInfo(
        call_id=call.call_id,
        room_id=room_id,
        path=path,
        sidecar_path=path.with_suffix(".json"),
        started_at=lost.started_at,
        ended_at=now,
        duration_s=duration,
        size_bytes=data.get("size_bytes", 0),
        sha256=data.get("sha256") or "",
        parties=call.parties,
        gaps=media_gaps(failover_gaps(duration, lost.started_at, resumed_at)),
        frames_written=round(duration / FRAME_SECONDS),
        frames_dropped=0,
    )


def media_gaps(gaps: Sequence[Mapping[str, object]]) -> tuple[MediaGap, ...]:
    return tuple(gap_from_json(g) for g in gaps)


async def end_open_gap(info: RecordingInfo, resumed_at: datetime) -> RecordingInfo:
    """A worker took the call again: the open failover gap of its last segment ends now."""
    await asyncio.to_thread(close_failover_gap, info.sidecar_path, info.started_at, resumed_at)
    end = round((resumed_at - info.started_at).total_seconds(), 3)
    gaps = tuple(
        replace(g, end_s=end) if g.reason is GapReason.FAILOVER and g.end_s is None else g
        for g in info.gaps
    )
    return replace(info, gaps=gaps)


# --- a failover, as the call's segments see it ---------------------------------------------


def begin_handover(call: CallSegments) -> LostSegment | None:
    """The call's worker died: number the next segment; return the one that was being
    written (None if the next one was numbered already and never started)."""
    if call.restarting:
        return None
    lost = LostSegment.of(call)
    call.segment += 1
    call.restarting = True
    return lost


async def handover_failed(
    room_id: str, call: CallSegments, lost: LostSegment | None, lost_at: datetime
) -> None:
    """No worker can take the call now: close the lost segment with its gap left open."""
    if lost is None:
        return
    call.open_gap = await close_lost_segment(
        room_id, call, lost, call.path, lost_at, resumed_at=None
    )
    if call.open_gap is not None:
        call.closed.append(call.open_gap)


async def handover_done(
    room_id: str, call: CallSegments, lost: LostSegment | None, lost_at: datetime
) -> None:
    """The next segment started: close the lost one (in the background, off the audio's
    way back: `settle()` waits for it) with the gap up to now, or end an open gap."""
    resumed_at = call.segment_started_at
    if lost is not None:
        closing = close_lost_segment(room_id, call, lost, call.path, lost_at, resumed_at)
        call.closing.append(asyncio.ensure_future(closing))
    else:
        await end_gap_at(call, resumed_at)


async def end_gap_at(call: CallSegments, at: datetime) -> None:
    """An open failover gap ends `at` (the call resumed, or ended while it had no worker)."""
    if call.open_gap is not None:
        index = call.closed.index(call.open_gap)
        call.closed[index] = await end_open_gap(call.open_gap, at)
        call.open_gap = None
