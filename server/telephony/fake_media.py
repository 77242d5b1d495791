"""An in-memory `MediaPort` for service and edge tests: no aiortc, no audio, no files. It
keeps the same rules as the real adapter (one call per room, hold and end need a call) and
remembers what it was asked, so tests assert on behaviour instead of mocking."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import numpy as np

from server.core.clock import Clock, SystemClock
from server.telephony.audio import FRAME_SECONDS
from server.telephony.ports import (
    BOTH,
    CallAlreadyActive,
    GapReason,
    InvalidOffer,
    MediaGap,
    MediaPort,
    NoActiveCall,
    PeerRole,
    RecordingInfo,
)
from server.telephony.talk import analyse

FAKE_ANSWER = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"


@dataclass
class FakeCall:
    call_id: str
    recording_path: Path | None
    parties: dict[str, str]
    started_at: datetime
    held: bool = False
    closed: list[RecordingInfo] = field(default_factory=list)  # segments before a failover
    holds: list[list[datetime | None]] = field(default_factory=list)  # [on, off] on hold


@dataclass
class FakeRoom:
    peers: dict[PeerRole, str] = field(default_factory=dict)  # role -> offer
    attach_count: dict[PeerRole, int] = field(default_factory=dict)
    call: FakeCall | None = None
    ended: list[str] = field(default_factory=list)  # call ids, in order


class FakeMedia:
    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or SystemClock()
        self.rooms: dict[str, FakeRoom] = {}
        self.closed = False

    def room(self, room_id: str) -> FakeRoom:
        return self.rooms.setdefault(room_id, FakeRoom())

    async def attach_peer(self, room_id: str, role: PeerRole, offer_sdp: str) -> str:
        if not offer_sdp.startswith("v=0"):
            raise InvalidOffer("not an SDP offer")
        room = self.room(room_id)
        role = PeerRole(role)
        room.peers[role] = offer_sdp
        room.attach_count[role] = room.attach_count.get(role, 0) + 1
        return FAKE_ANSWER

    async def detach_peer(self, room_id: str, role: PeerRole) -> None:
        self.room(room_id).peers.pop(PeerRole(role), None)

    async def start_call(
        self,
        room_id: str,
        call_id: str,
        recording_path: Path | None,
        *,
        parties: Mapping[str, str] | None = None,
    ) -> None:
        room = self.room(room_id)
        if room.call is not None:
            raise CallAlreadyActive(f"room {room_id}: call {room.call.call_id} is active")
        room.call = FakeCall(call_id, recording_path, dict(parties or {}), self.clock.now())

    async def hold(self, room_id: str, on: bool) -> None:
        call = self.room(room_id).call
        if call is None:
            raise NoActiveCall(f"room {room_id}: no call to hold")
        if on and not call.held:
            call.holds.append([self.clock.now(), None])
        elif not on and call.held:
            call.holds[-1][1] = self.clock.now()
        call.held = on

    async def end_call(self, room_id: str) -> RecordingInfo | None:
        room = self.room(room_id)
        call, room.call = room.call, None
        if call is None:
            raise NoActiveCall(f"room {room_id}: no call to end")
        room.ended.append(call.call_id)
        if call.recording_path is None:
            return None
        return replace(self._segment(room_id, call), earlier=tuple(call.closed))

    def lose_worker(self, room_id: str) -> None:
        """As when the call's media worker dies: its segment ends here, the call goes on
        recording in the next one (`<call>.part2.ogg`…)."""
        call = self.room(room_id).call
        if call is None or call.recording_path is None:
            raise NoActiveCall(f"room {room_id}: no recorded call")
        call.closed.append(self._segment(room_id, call))
        first = call.closed[0].path
        call.recording_path = first.with_name(f"{first.stem}.part{len(call.closed) + 1}.ogg")
        call.started_at = self.clock.now()

    def _segment(self, room_id: str, call: FakeCall) -> RecordingInfo:
        assert call.recording_path is not None
        ended_at = self.clock.now()
        duration = (ended_at - call.started_at).total_seconds()

        def at(moment: datetime | None) -> float:
            return round(((moment or ended_at) - call.started_at).total_seconds(), 3)

        holds = [(max(0.0, at(on)), at(off)) for on, off in call.holds]
        quiet = np.zeros(round(duration / FRAME_SECONDS), dtype=bool)  # no audio, no speech
        return RecordingInfo(
            call_id=call.call_id,
            room_id=room_id,
            path=call.recording_path,
            sidecar_path=call.recording_path.with_suffix(".json"),
            started_at=call.started_at,
            ended_at=ended_at,
            duration_s=(ended_at - call.started_at).total_seconds(),
            size_bytes=0,
            sha256="0" * 64,
            parties=call.parties,
            gaps=tuple(MediaGap(BOTH, GapReason.HOLD, a, b, silent=False) for a, b in holds),
            frames_written=0,
            frames_dropped=0,
            analytics=analyse(quiet, quiet, holds),
        )

    async def close_room(self, room_id: str) -> RecordingInfo | None:
        info = await self.end_call(room_id) if self.room(room_id).call else None
        self.rooms.pop(room_id, None)
        return info

    async def close(self) -> None:
        for room_id in list(self.rooms):
            await self.close_room(room_id)
        self.closed = True


def _conforms(media: FakeMedia) -> MediaPort:  # mypy: FakeMedia implements MediaPort
    return media
