"""The exam's WebSocket events: the candidate's timeline, its warnings, the incidents and the
session's settings. Declared in the package's contribution (docs/events.md)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from server.core.events import Audience, Event
from server.exams.timeline_state import TimelineState

_EVERYONE = (Audience.CANDIDATE, Audience.JURY, Audience.STAFF)


class TimelineChanged(Event):
    """The candidate's timeline changed (a phase started or ended, a pause, an extension, a
    closure). Once the exam is closed the candidate's audience gets its own copy, without the
    closure's comment and author (staff text), before the jury's and the staff's."""

    audiences: ClassVar[tuple[Audience, ...]] = _EVERYONE
    type: Literal["timeline"] = "timeline"
    candidate_id: str = Field(description="Whose timeline.")
    state: TimelineState = Field(
        description="The timeline's state: phases, current phase, deadlines, pauses, closure "
        "(the candidate's copy without the closure's comment and author)."
    )


class PhaseWarning(Event):
    """A phase of the candidate ends in a few minutes."""

    audiences: ClassVar[tuple[Audience, ...]] = _EVERYONE
    type: Literal["timeline.warning"] = "timeline.warning"
    candidate_id: str = Field(description="Whose phase.")
    minutes: int = Field(description="Minutes left in the phase.")
    phase_label: str = Field(description="The phase's name (French).")


class IncidentReported(Event):
    """A technical or lockdown incident of the candidate's exam was recorded (kept for the
    appeal archive)."""

    audiences: ClassVar[tuple[Audience, ...]] = (Audience.STAFF, Audience.JURY)
    type: Literal["incident"] = "incident"
    candidate_id: str = Field(description="Whose exam.")
    kind: str = Field(description="The incident's kind (a key of `overview.INCIDENT_LABELS`).")
    label: str = Field(description="The kind's label (French).")
    at: str = Field(description="When (ISO 8601).")
    detail: str = Field(description="What happened (French, at most 500 characters).")


class ProctorExtensionChanged(Event):
    """The organiser changed whether proctors may extend a phase: the proctors' pages show
    « Prolonger » or not."""

    audiences: ClassVar[tuple[Audience, ...]] = (Audience.STAFF,)
    type: Literal["session.proctor_extension"] = "session.proctor_extension"
    exam_session_id: str = Field(description="The session.")
    minutes: int | None = Field(
        description="The longest extension a proctor may give at once, or null: none."
    )


EVENTS: tuple[type[Event], ...] = (
    TimelineChanged,
    PhaseWarning,
    IncidentReported,
    ProctorExtensionChanged,
)
