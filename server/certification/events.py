"""The certification's WebSocket events, to the candidate's jury and the session's staff.
Declared in the package's contribution (docs/events.md)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from server.certification.schemas import DecisionOut
from server.core.events import Audience, Event, Payload

_JURY_AND_STAFF = (Audience.JURY, Audience.STAFF)


class EvidenceOut(Payload):
    """The pieces of the file the jury declared."""

    kinds: list[str] = Field(description="The pieces declared (EvidenceKind values).")
    from_training: bool | None = Field(
        description="Whether the training's results come from the training organisation."
    )


class EvidenceChanged(Event):
    """The pieces of the file changed (the other juror's deliberation shows it, and what may
    now be signed)."""

    audiences: ClassVar[tuple[Audience, ...]] = _JURY_AND_STAFF
    type: Literal["certification.evidence"] = "certification.evidence"
    candidate_id: str = Field(description="The candidate whose file it is.")
    evidence: EvidenceOut = Field(description="The pieces declared now.")


class DecisionTaken(Event):
    """The decision in force changed."""

    audiences: ClassVar[tuple[Audience, ...]] = _JURY_AND_STAFF
    type: Literal["certification.decision"] = "certification.decision"
    candidate_id: str = Field(description="The candidate decided on.")
    decision: DecisionOut = Field(
        description="The decision in force, as `POST …/certification/decision` answers it: the "
        "rules' `Decision`, `person_id`, `deliberation_version` and the French labels."
    )


class PersonChanged(Event):
    """The person behind the candidate's seat changed (the seat linked to another person, a CCP
    obtained elsewhere recorded): what the rules decide, and what may be signed, may have
    changed (the deliberation reads it again)."""

    audiences: ClassVar[tuple[Audience, ...]] = _JURY_AND_STAFF
    type: Literal["certification.person"] = "certification.person"
    candidate_id: str = Field(description="The candidate (the seat).")
    person_id: str = Field(description="The person behind the seat now.")


EVENTS: tuple[type[Event], ...] = (EvidenceChanged, DecisionTaken, PersonChanged)
