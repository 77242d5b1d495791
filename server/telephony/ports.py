"""What the rest of the application may ask of the media layer. No aiortc here: the
adapter (`aiortc_media.AiortcMedia`) implements `MediaPort`; services depend on this file only.

A *room* is one candidate's telephony: up to three browser peers (candidate, client juror,
observer), at most one call at a time. Rooms are created on first use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol


class PeerRole(StrEnum):
    CANDIDATE = "candidate"
    CLIENT = "client"
    OBSERVER = "observer"


class GapReason(StrEnum):
    ABSENT = "absent"  # the party had no peer when the call started
    RECONNECT = "reconnect"  # the party's page attached a new peer mid-call
    CONNECTION_LOST = "connection_lost"  # the peer connection failed or closed mid-call
    FAILOVER = "failover"  # the media worker carrying the call died: until the next segment
    DISK_FULL = "disk_full"  # the recordings' disk was full: audio lost, silence in the file
    WRITE_ERROR = "write_error"  # the disk refused otherwise (read-only, I/O error)


@dataclass(frozen=True)
class MediaGap:
    """A stretch of the recording where one party's audio is silence for lack of a peer.
    Offsets are seconds from the first frame of the recording."""

    role: PeerRole
    reason: GapReason
    start_s: float
    end_s: float | None  # None: the party never came back before the call ended


@dataclass(frozen=True)
class RecordingInfo:
    """What `end_call` produced: an Ogg/Opus stereo file (candidate LEFT, client RIGHT) and
    its JSON sidecar (the same facts, next to the file)."""

    call_id: str
    room_id: str
    path: Path
    sidecar_path: Path
    started_at: datetime
    ended_at: datetime
    duration_s: float
    size_bytes: int
    sha256: str
    parties: Mapping[str, str]
    gaps: tuple[MediaGap, ...]
    frames_written: int
    frames_dropped: int  # frames the writer thread could not keep up with (should be 0)
    # The call's earlier segments, in order, when a media worker died mid-call (workers mode):
    # each a file of its own; this one is the last.
    earlier: tuple[RecordingInfo, ...] = ()
    # What the disk did (see `recorder.WriteGap`): {"write_gaps": [...], "frames_lost": n,
    # "moved_to_fallback": bool, "faults": [...]}; empty when it took everything.
    storage: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """This segment's facts (as its sidecar holds them; `earlier` is not part of them)."""
        data = asdict(self)
        del data["earlier"]
        data["path"] = self.path.name
        data["sidecar_path"] = self.sidecar_path.name
        data["started_at"] = self.started_at.isoformat()
        data["ended_at"] = self.ended_at.isoformat()
        data["parties"] = dict(self.parties)
        data["storage"] = dict(self.storage)
        data["gaps"] = [asdict(g) for g in self.gaps]
        data["channels"] = {"left": PeerRole.CANDIDATE.value, "right": PeerRole.CLIENT.value}
        data["format"] = "ogg/opus, 48 kHz stereo"
        return data


class MediaError(Exception):
    """Base class of the media layer's refusals."""


class InvalidOffer(MediaError):
    """The SDP offer could not be used (unparsable, no audio, no Opus)."""


class NoActiveCall(MediaError):
    pass


class CallAlreadyActive(MediaError):
    pass


class MediaPort(Protocol):
    async def attach_peer(self, room_id: str, role: PeerRole, offer_sdp: str) -> str:
        """Answer a page's SDP offer (complete, non-trickle) with the server's SDP answer.
        Attaching a role that already has a peer replaces it: that is how a page
        reconnects (aiortc has no ICE restart); an ongoing call and its recording go on."""
        ...

    async def detach_peer(self, room_id: str, role: PeerRole) -> None:
        """The page left: close its peer connection (no-op if none)."""
        ...

    async def start_call(
        self,
        room_id: str,
        call_id: str,
        recording_path: Path | None,
        *,
        parties: Mapping[str, str] | None = None,
    ) -> None:
        """The call is connected: relay candidate ⇄ client, feed the observer's mix, and
        record to `recording_path` (an .ogg; its sidecar gets the .json suffix) unless None.
        `parties` (e.g. {"candidate": id, "client": id}) is copied into the sidecar."""
        ...

    async def hold(self, room_id: str, on: bool) -> None:
        """On hold both parties hear the hold tone instead of each other; the observer
        and the recording keep both microphones."""
        ...

    async def end_call(self, room_id: str) -> RecordingInfo | None:
        """Stop relaying; finish the recording (file closed, sidecar written)."""
        ...

    async def close_room(self, room_id: str) -> RecordingInfo | None:
        """End the call if one is active (returned), then close every peer of the room."""
        ...

    async def close(self) -> None:
        """Close every room (finishing recordings) and stop the media clock."""
        ...
