"""What the telephony's HTTP routes answer besides a call (`server.telephony.events.CallOut`,
the shape of the call events): a candidate's recordings (facts, named intervals, talk
analytics, the URLs of their files)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from server.core.events import Payload


class GapOut(Payload):
    """A named interval of a recording (`server.telephony.recordings.gaps_out`)."""

    role: str = Field(description="Whose audio: candidate, client or both.")
    reason: str = Field(description="Why (GapReason).")
    start_s: float = Field(description="From, in seconds of the recording.")
    end_s: float | None = Field(description="To; None: until the end.")
    silent: bool = Field(description="The interval is silence in the file.")
    label: str = Field(description="The reason's label (French).")
    role_label: str = Field(description="Whose audio (French).")


class RecordingOut(Payload):
    """A call's recording (`server.telephony.recordings.recording_out`) and its two files."""

    id: str
    call_id: str
    file: str = Field(description="The audio file's name.")
    sha256: str = Field(description="The audio file's SHA-256 (hex).")
    duration_s: float
    size_bytes: int
    started_at: str = Field(description="ISO 8601.")
    ended_at: str = Field(description="ISO 8601.")
    gaps: list[GapOut] = Field(description="The named intervals (losses, holds…).")
    analytics: dict[str, Any] | None = Field(
        description="Talk analytics (`server.telephony.talk.analyse`); None: recorded before them."
    )
    audio_url: str = Field(description="The Ogg/Opus audio (HTTP range requests).")
    sidecar_url: str = Field(description="The recording's sidecar (JSON file).")
