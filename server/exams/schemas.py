"""What the exam-session edges accept and return."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from server.core.identity import Capacity, Role
from server.core.referential import Pathway
from server.core.text import Line, Text
from server.exams.closure import COMMENT_MAX, PROCTOR_EXTENSION_MAX_MINUTES, StopReason
from server.exams.timeline_state import TimelineState


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SessionCreate(In):
    centre: Annotated[str, Line(200)] = Field(min_length=1)
    day: date
    title_id: Annotated[str, Line(40)] = "CRCD"
    format_id: Annotated[str, Line(40)] = Field(min_length=1)
    pack_id: Annotated[str, Line(80)] | None = None


class CandidateCreate(In):
    last_name: Annotated[str, Line(100)] = Field(min_length=1)
    first_name: Annotated[str, Line(100)] = Field(min_length=1)
    pathway: Pathway = Pathway.FORMATION_CONTINUE


class StaffCreate(In):
    role: Role
    display_name: Annotated[str, Line(200)] = Field(min_length=1)


class AssignmentSet(In):
    juror_id: Annotated[str, Line(32)]
    capacity: Capacity


class SessionOut(BaseModel):
    id: str
    centre: str
    day: date
    title_id: str
    format_id: str
    format_name: str
    pack_snapshot_id: str | None
    pack_label: str | None = None
    created_at: datetime
    proctor_extension_minutes: int | None = None  # proctors may extend by this much (None: no)


class PersonOut(BaseModel):
    id: str
    role: Role
    display_name: str


class CandidateOut(BaseModel):
    id: str
    last_name: str
    first_name: str
    display_name: str
    pathway: Pathway
    pathway_label: str
    position: int
    client_juror_id: str | None
    observer_juror_id: str | None


class RemovedOut(BaseModel):
    """Someone the organiser removed before they started (kept for the record)."""

    id: str
    role: Role
    display_name: str
    removed_at: datetime | None
    reason: str


class SessionDetail(BaseModel):
    session: SessionOut
    candidates: list[CandidateOut]
    staff: list[PersonOut]
    removed: list[RemovedOut] = []


class CodeOut(BaseModel):
    participant_id: str
    role: Role
    role_label: str
    display_name: str
    code: str
    # <the address the workstations use>/connexion?code=… (server/exams/public_url.py)
    sign_in_url: str = ""


class CandidateCorrection(In):
    """Only what changes; names as on the candidate's identity document."""

    last_name: Annotated[str, Line(100)] | None = Field(default=None, min_length=1)
    first_name: Annotated[str, Line(100)] | None = Field(default=None, min_length=1)
    pathway: Pathway | None = None


class StaffCorrection(In):
    display_name: Annotated[str, Line(200)] = Field(min_length=1)


class RemovalIn(In):
    reason: Annotated[str, Text(500)] = Field(min_length=1)


class PackChoice(In):
    pack_id: Annotated[str, Line(80)] = Field(min_length=1)


class AssignmentOut(BaseModel):
    """One of a juror's candidates: whether the juror plays the client or observes."""

    candidate_id: str
    name: str  # « Alice DURAND »
    capacity: Capacity
    position: int


class ProctorExtensionIn(In):
    minutes: int | None = Field(default=None, ge=1, le=PROCTOR_EXTENSION_MAX_MINUTES)


class PauseIn(In):
    reason: Annotated[str, Text(300)] = Field(min_length=1)


class ExtendIn(In):
    minutes: int = Field(ge=1, le=240)
    reason: Annotated[str, Text(300)] = Field(min_length=1)


class AccommodationIn(In):
    tiers_temps: bool = False  # exactly one third more on every timed phase
    extra_percent: int = Field(default=0, ge=0, le=100)
    extra_minutes: int = Field(default=0, ge=0, le=120)
    note: Annotated[str, Text(200)] = ""


class PlanIn(In):
    planned_start: datetime | None


class StopIn(In):
    reason: StopReason
    comment: Annotated[str, Text(COMMENT_MAX)] = Field(min_length=1)


# ---- answers of the people, pack and timeline edges -----------------------------------------


class ProctorExtensionOut(BaseModel):
    proctor_extension_minutes: int | None  # proctors may extend by this much (None: never)


class PlanOut(BaseModel):
    planned_start: datetime | None  # as the organiser sent it (None: no planned start)


class ParticipantRemoved(BaseModel):
    removed: str  # the participant's id
    role: Role
    pages_closed: int  # the open pages of that person that were closed


class IncidentOut(BaseModel):
    """An incident of a candidate's exam, as `overview.incident_payload` writes it (the
    `incident` WebSocket event carries the same fields)."""

    candidate_id: str
    kind: str
    label: str
    at: str  # ISO 8601 (`datetime.isoformat()`)
    detail: str


class CandidateLive(BaseModel):
    """One candidate on the consoles: timeline, connection, the last 50 incidents."""

    timeline: TimelineState
    connected: bool
    connected_since: str | None  # ISO 8601 (`datetime.isoformat()`), None: never connected
    incidents: list[IncidentOut]


class SessionOverview(BaseModel):
    """Everything the organiser's and proctor's consoles show; the WebSocket sends changes."""

    detail: SessionDetail
    candidates: dict[str, CandidateLive]  # by candidate id
    planned_starts: dict[str, str | None]  # by candidate id, ISO 8601 (`datetime.isoformat()`)
