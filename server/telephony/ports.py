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
from typing import Any, Protocol, TypedDict


class PeerRole(StrEnum):
    CANDIDATE = "candidate"
    CLIENT = "client"
    OBSERVER = "observer"


BOTH = "both"  # a gap's role when it concerns the call, not one party


class GapReason(StrEnum):
    ABSENT = "absent"  # the party had no peer when the call started
    RECONNECT = "reconnect"  # the party's page attached a new peer mid-call
    CONNECTION_LOST = "connection_lost"  # the peer connection failed or closed mid-call
    FAILOVER = "failover"  # the media worker carrying the call died: until the next segment
    SERVER_STALL = "server_stall"  # the media process did not run (stopped, starved, paused)
    HOLD = "hold"  # the call was on hold (the recording keeps both microphones)
    NO_AUDIO = "no_audio"  # no audio arrived from the party (a sender or network stall)
    WRITE_ERROR = "write_error"  # the file writer could not write it (refused, too slow…)
    DISK_FULL = "disk_full"  # the recordings' disk was full


GAP_LABELS_FR: dict[str, str] = {
    GapReason.ABSENT: "participant absent au décroché",
    GapReason.RECONNECT: "reconnexion du participant",
    GapReason.CONNECTION_LOST: "connexion du participant perdue",
    GapReason.FAILOVER: "serveur audio perdu, appel rétabli sur un autre",
    GapReason.SERVER_STALL: "serveur audio bloqué",
    GapReason.HOLD: "mise en attente",
    GapReason.NO_AUDIO: "aucun son reçu du participant",
    GapReason.WRITE_ERROR: "écriture de l'enregistrement impossible",
    GapReason.DISK_FULL: "enregistrement interrompu : disque plein",
}
ROLE_LABELS_FR: dict[str, str] = {"candidate": "candidat", "client": "client", BOTH: "les deux"}


@dataclass(frozen=True)
class MediaGap:
    """A named stretch of the recording (sidecar shape `{role, reason, start_s, end_s,
    silent}`): `role` is "candidate", "client" or "both"; offsets are seconds of the
    recording, which is the call's clock from its start; `silent`: the file has no audio
    of that role there ("both": of either party; a hold, or a server stall whose late audio
    was recovered, is not silent)."""

    role: str
    reason: GapReason
    start_s: float
    end_s: float | None  # None: not ended when the segment was closed (an open failover)
    silent: bool = True


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
    # Talk analytics from the recording's own decode (`talk.TalkMeter.result`), and the
    # timeline's counters (stalls, late audio); empty where nothing was decoded.
    analytics: Mapping[str, Any] = field(default_factory=dict)
    timeline: Mapping[str, Any] = field(default_factory=dict)
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
        data["gaps"] = [gap_to_json(g) for g in self.gaps]
        data["analytics"] = dict(self.analytics)
        data["timeline"] = dict(self.timeline)
        data["channels"] = {"left": PeerRole.CANDIDATE.value, "right": PeerRole.CLIENT.value}
        data["format"] = "ogg/opus, 48 kHz stereo"
        return data


class GapFacts(TypedDict):
    """A `MediaGap` as the sidecar and the recording's facts hold it."""

    role: str
    reason: str
    start_s: float
    end_s: float | None
    silent: bool


def gap_to_json(gap: MediaGap) -> GapFacts:
    return {
        "role": str(gap.role),
        "reason": gap.reason.value,
        "start_s": gap.start_s,
        "end_s": gap.end_s,
        "silent": gap.silent,
    }


def gap_from_json(data: Mapping[str, Any]) -> MediaGap:
    """A sidecar's entry; the earlier failover shape (`party`, `cause`, `start`, `end`) too."""
    end = data.get("end_s", data.get("end"))
    return MediaGap(
        role=str(data.get("role", data.get("party", BOTH))),
        reason=GapReason(data.get("reason", data.get("cause"))),
        start_s=float(data.get("start_s", data.get("start", 0.0))),
        end_s=None if end is None else float(end),
        silent=bool(data.get("silent", True)),
    )


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
        """On hold the customer (client) hears the hold tone and the advisor (candidate)
        silence, instead of each other; the observer and the recording keep both microphones."""
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
