"""The persisted facts of a candidate's exam timeline, and the accommodation (tiers-temps).

A fact is an immutable, JSON-serialisable record of something that happened at an instant.
The timeline (server/exams/timeline.py) is a pure function of the format and these facts:
store them as rows, in order, and the whole timeline survives a restart.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from enum import StrEnum
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter

from server.core.referential import Phase, PhaseKind
from server.exams.closure import StopReason

WARNING_MINUTES = (10, 5, 1)
"""Minutes left in a timed phase at which the candidate is warned, most distant first."""


class Frozen(BaseModel):
    # Serialised, every field is present: the JSON Schema of what is sent says so (the pages'
    # typedefs then need no `?? default` for a field the server always writes).
    model_config = ConfigDict(
        extra="forbid", frozen=True, json_schema_serialization_defaults_required=True
    )


class Accommodation(Frozen):
    """Extra time on every timed phase: planned × (1 + extra_ratio) + extra_minutes.

    Interviews keep their planned duration: the jury opens and closes them.
    """

    extra_ratio: Fraction = Field(default=Fraction(0), ge=0, le=1)
    extra_minutes: int = Field(default=0, ge=0, le=120)
    note: str = ""

    def planned(self, phase: Phase) -> timedelta:
        if not phase.kind.timed:
            return timedelta(minutes=phase.minutes)
        seconds = phase.minutes * 60 * (1 + self.extra_ratio) + self.extra_minutes * 60
        return timedelta(microseconds=round(seconds * 1_000_000))


NO_ACCOMMODATION = Accommodation()
TIERS_TEMPS = Accommodation(extra_ratio=Fraction(1, 3), note="Tiers-temps")


class EndCause(StrEnum):
    DEADLINE = "deadline"  # a timed phase reached its deadline
    JURY = "jury"  # the jury closed an interview
    EARLY = "early"  # a timed phase ended before its deadline (organiser, proctor): next one
    CLOSED = "closed"  # the candidate's exam was closed: no later phase (server/exams/closure.py)


class _Fact(Frozen):
    at: AwareDatetime
    by: str | None = None  # who asked for it; None for what the clock did


class AccommodationSet(_Fact):
    kind: Literal["accommodation_set"] = "accommodation_set"
    accommodation: Accommodation


class PhaseStarted(_Fact):
    kind: Literal["phase_started"] = "phase_started"
    phase: PhaseKind


class PhaseEnded(_Fact):
    kind: Literal["phase_ended"] = "phase_ended"
    phase: PhaseKind
    cause: EndCause
    # Why a phase ended early or the exam was closed (causes EARLY and CLOSED only).
    reason: StopReason | None = None
    comment: str | None = None


class Paused(_Fact):
    kind: Literal["paused"] = "paused"
    phase: PhaseKind
    reason: str = Field(min_length=1)


class Resumed(_Fact):
    kind: Literal["resumed"] = "resumed"
    phase: PhaseKind


class Extended(_Fact):
    kind: Literal["extended"] = "extended"
    phase: PhaseKind
    minutes: int = Field(gt=0)
    reason: str = Field(min_length=1)


class WarningEmitted(_Fact):
    kind: Literal["warning_emitted"] = "warning_emitted"
    phase: PhaseKind
    minutes: int


TimelineFact = Annotated[
    AccommodationSet | PhaseStarted | PhaseEnded | Paused | Resumed | Extended | WarningEmitted,
    Field(discriminator="kind"),
]

_FACT: TypeAdapter[TimelineFact] = TypeAdapter(TimelineFact)


def dump_fact(fact: TimelineFact) -> dict[str, Any]:
    """The fact as a JSON-ready dict (instants as ISO 8601 with microseconds)."""
    data = fact.model_dump(mode="json")
    if isinstance(fact, PhaseEnded) and fact.reason is None:  # rows as they always were
        del data["reason"], data["comment"]
    return data


def parse_fact(data: Mapping[str, Any] | str | bytes) -> TimelineFact:
    """A fact from `dump_fact`'s dict or its JSON text; pydantic ValidationError if malformed."""
    if isinstance(data, str | bytes):
        return _FACT.validate_json(data)
    return _FACT.validate_python(data)
