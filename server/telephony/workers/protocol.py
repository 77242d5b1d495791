"""The media worker's HTTP API: request bodies and answers (each a model), how a
`RecordingInfo` travels, and how the media layer's refusals map to status codes and back."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from server.telephony.ports import (
    CallAlreadyActive,
    InvalidOffer,
    MediaError,
    NoActiveCall,
    RecordingInfo,
    gap_from_json,
)
from server.telephony.recorder import StorageEvent
from server.telephony.recording_sink import StorageFault
from server.telephony.workers.admission import CapacityExceeded
from server.telephony.workers.registry import WorkerInfo

TOKEN_HEADER = "X-Plateau-Media-Token"

# code on the wire -> (exception type, HTTP status)
ERRORS: dict[str, tuple[type[MediaError], int]] = {
    "capacity": (CapacityExceeded, 503),
    "no_call": (NoActiveCall, 409),
    "call_active": (CallAlreadyActive, 409),
    "invalid_offer": (InvalidOffer, 422),
    "media": (MediaError, 500),
}


def error_code(exc: MediaError) -> str:
    for code, (kind, _) in ERRORS.items():
        if type(exc) is kind:
            return code
    return "media"


def error_from(code: str, message: str) -> MediaError:
    kind = ERRORS.get(code, (MediaError, 500))[0]
    if kind is CapacityExceeded:
        return CapacityExceeded(message)
    return kind(message)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OfferBody(_Body):
    sdp: str


class AnswerBody(_Body):
    sdp: str


class StartCallBody(_Body):
    call_id: str
    recording_path: str | None = None
    parties: dict[str, str] = {}
    force: bool = False  # admit past capacity: a call re-placed from a dead worker
    segment: int = 1  # the recording's segment number (2, 3… after a worker died)
    previous_segment: str | None = None  # file name of the segment before this one


class HoldBody(_Body):
    on: bool


class GapJson(_Body):
    """A named interval of the recording (`server.telephony.ports.gap_to_json`)."""

    role: str
    reason: str
    start_s: float
    end_s: float | None
    silent: bool


class RecordingJson(_Body):
    """A finished recording's facts (`recording_to_json`), its paths in full (the web process
    and the workers share the storage)."""

    call_id: str
    room_id: str
    path: str
    sidecar_path: str
    started_at: str = Field(description="ISO 8601.")
    ended_at: str = Field(description="ISO 8601.")
    duration_s: float
    size_bytes: int
    sha256: str
    parties: dict[str, str]
    gaps: list[GapJson]
    frames_written: int
    frames_dropped: int
    analytics: dict[str, Any] = Field(description="Talk analytics (`talk.TalkMeter.result`).")
    timeline: dict[str, Any] = Field(description="The timeline's counters.")
    storage: dict[str, Any] = Field(description="What the disk did (`recorder.WriteGap`).")
    channels: dict[str, str] = Field(description="Whose audio each channel holds.")
    format: str = Field(description="The file's format.")


class TickJson(_Body):
    """The media clock's counters (`aiortc_media.TickStats`)."""

    ticks: int
    resyncs: int
    missed: int = 0  # the ticks given up at those resyncs
    errors: int


class HealthJson(WorkerInfo):
    """The worker's health report: what it registers (`WorkerInfo`) and its counters."""

    tick: TickJson
    refused: int = Field(description="Calls refused past capacity.")
    events_dropped: int = Field(description="Peer-state events dropped on their way to Redis.")
    gc: dict[str, list[float]] = Field(description="The collector's pauses per generation.")


def recording_to_json(info: RecordingInfo) -> dict[str, Any]:
    data = info.to_json()
    data["path"] = str(info.path)  # full paths: the web process and workers share storage
    data["sidecar_path"] = str(info.sidecar_path)
    return data


def recording_from_json(data: dict[str, Any] | None) -> RecordingInfo | None:
    if data is None:
        return None
    return RecordingInfo(
        call_id=data["call_id"],
        room_id=data["room_id"],
        path=Path(data["path"]),
        sidecar_path=Path(data["sidecar_path"]),
        started_at=datetime.fromisoformat(data["started_at"]),
        ended_at=datetime.fromisoformat(data["ended_at"]),
        duration_s=data["duration_s"],
        size_bytes=data["size_bytes"],
        sha256=data["sha256"],
        parties=dict(data["parties"]),
        gaps=tuple(gap_from_json(g) for g in data["gaps"]),
        frames_written=data["frames_written"],
        frames_dropped=data["frames_dropped"],
        analytics=data.get("analytics") or {},
        timeline=data.get("timeline") or {},
        storage=data.get("storage") or {},
    )


def storage_event_to_json(event: StorageEvent) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "t": event.t,
        "fault": event.fault.value if event.fault else None,
        "detail": event.detail,
        "path": str(event.path),
    }


def storage_event(data: dict[str, Any]) -> StorageEvent:
    return StorageEvent(
        kind=data["kind"],
        t=float(data["t"]),
        fault=StorageFault(data["fault"]) if data.get("fault") else None,
        detail=str(data.get("detail", "")),
        path=Path(data["path"]),
    )
