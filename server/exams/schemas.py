"""What the exam-session edges accept and return."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from server.auth.domain import Capacity, Role
from server.scenarios.referential import Pathway


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SessionCreate(In):
    centre: str = Field(min_length=1, max_length=200)
    day: date
    title_id: str = "CRCD"
    format_id: str = Field(min_length=1, max_length=40)
    pack_id: str | None = None


class CandidateCreate(In):
    last_name: str = Field(min_length=1, max_length=100)
    first_name: str = Field(min_length=1, max_length=100)
    pathway: Pathway = Pathway.FORMATION_CONTINUE


class StaffCreate(In):
    role: Role
    display_name: str = Field(min_length=1, max_length=200)


class AssignmentSet(In):
    juror_id: str
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

    last_name: str | None = Field(default=None, min_length=1, max_length=100)
    first_name: str | None = Field(default=None, min_length=1, max_length=100)
    pathway: Pathway | None = None


class StaffCorrection(In):
    display_name: str = Field(min_length=1, max_length=200)


class RemovalIn(In):
    reason: str = Field(min_length=1, max_length=500)


class PackChoice(In):
    pack_id: str = Field(min_length=1, max_length=80)
