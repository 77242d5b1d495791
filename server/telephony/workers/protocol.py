"""The protocol between the web process and its media workers, each message a model:

- the worker's HTTP API: request bodies (validated by the worker's routes) and answers
  (validated by `WorkerClient` with `read_reply`: a malformed answer is refused there, as
  `WorkerProtocolError`, never a KeyError deep inside);
- the events a worker publishes over Redis (a page's peer state, what a recording's disk
  did: `WorkerEvent`, validated by `Registry.events`, which skips a malformed one);
- how a `RecordingInfo` travels, and how the media layer's refusals map to status codes and
  back."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from server.core.french_errors import french_errors, french_summary
from server.telephony.ports import (
    CallAlreadyActive,
    InvalidOffer,
    MediaError,
    NoActiveCall,
    RecordingInfo,
    gap_from_json,
)
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


class WorkerProtocolError(MediaError):
    """A worker's answer or event that does not fit the protocol (a field missing, of the
    wrong type, unknown): refused where it enters the web process."""


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


B = TypeVar("B", bound=BaseModel)


def read_reply(model: type[B], data: object, where: str) -> B:
    """A worker's answer read by its model, or `WorkerProtocolError` (French) naming what
    does not fit (never quoting the answer)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        summary = french_summary(french_errors(exc.errors()[:3]))
        raise WorkerProtocolError(
            f"Réponse malformée du serveur audio ({where}) : {summary}"
        ) from None


class ErrorJson(_Body):
    """A refusal's body (`ERRORS`: its code, and the media layer's message)."""

    code: str
    message: str


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


def _iso(value: str) -> str:
    datetime.fromisoformat(value)  # a ValueError: refused as the field's
    return value


IsoTime = Annotated[str, AfterValidator(_iso)]


class RecordingJson(_Body):
    """A finished recording's facts (`recording_to_json`), its paths in full (the web process
    and the workers share the storage)."""

    call_id: str
    room_id: str
    path: str
    sidecar_path: str
    started_at: IsoTime = Field(description="ISO 8601.")
    ended_at: IsoTime = Field(description="ISO 8601.")
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
    realtime: int = Field(
        0, description="The worker's real-time (SCHED_RR) priority; 0: not real-time."
    )
    nice: int = Field(0, description="The worker's nice (below 0: raised).")

    def info(self) -> WorkerInfo:
        """What it registers, without the counters."""
        return WorkerInfo(**{name: getattr(self, name) for name in WorkerInfo.model_fields})


def recording_to_json(info: RecordingInfo) -> RecordingJson:
    data = info.to_json()
    data["path"] = str(info.path)  # full paths: the web process and workers share storage
    data["sidecar_path"] = str(info.sidecar_path)
    return RecordingJson.model_validate(data)


def recording_from_json(data: RecordingJson | None) -> RecordingInfo | None:
    if data is None:
        return None
    return RecordingInfo(
        call_id=data.call_id,
        room_id=data.room_id,
        path=Path(data.path),
        sidecar_path=Path(data.sidecar_path),
        started_at=datetime.fromisoformat(data.started_at),
        ended_at=datetime.fromisoformat(data.ended_at),
        duration_s=data.duration_s,
        size_bytes=data.size_bytes,
        sha256=data.sha256,
        parties=dict(data.parties),
        gaps=tuple(gap_from_json(g.model_dump()) for g in data.gaps),
        frames_written=data.frames_written,
        frames_dropped=data.frames_dropped,
        analytics=data.analytics,
        timeline=data.timeline,
        storage=data.storage,
    )
