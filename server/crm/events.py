"""The CRM's WebSocket event, to the candidate's own page and that candidate's jury.
Declared in the package's contribution (docs/events.md)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from server.core.events import Audience, Event, Payload


class CrmChangeOut(Payload):
    """One row of the CRM's change log (`server.crm.store.change_out`)."""

    id: int
    record_id: str | None = Field(description="The record changed, if the change is to one.")
    kind: str = Field(description="What kind of change (an edit, a creation, an answer…).")
    field: str | None = Field(description="The field changed, if one.")
    old: Any = Field(description="Its value before (any JSON value).")
    new: Any = Field(description="Its value after (any JSON value).")
    actor: str = Field(description="Who changed it.")
    at: str = Field(description="When (ISO 8601).")


class CrmChanged(Event):
    """One change of the candidate's CRM copy (and the record or the survey as they are now)."""

    audiences: ClassVar[tuple[Audience, ...]] = (Audience.CANDIDATE, Audience.JURY)
    type: Literal["crm.change"] = "crm.change"
    candidate_id: str = Field(description="Whose CRM copy.")
    change: CrmChangeOut = Field(description="The change as logged.")
    record: dict[str, Any] | None = Field(
        default=None,
        description="The record as it is now, with its `version` (`server.crm.store.record_out`).",
    )
    record_id: str | None = Field(default=None, description="The record changed, if one.")
    survey: dict[str, Any] | None = Field(
        default=None, description="The survey as it is now: `simulation_id` and `answers`."
    )


EVENTS: tuple[type[Event], ...] = (CrmChanged,)
