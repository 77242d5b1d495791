"""The writing phase's WebSocket events, to the candidate's jury (the live review of the
replies). Declared in the package's contribution (docs/events.md)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from server.core.events import Audience, Event


class DraftFrozen(Event):
    """The writing phase's deadline: every reply of the candidate is final."""

    audiences: ClassVar[tuple[Audience, ...]] = (Audience.JURY,)
    type: Literal["writing.frozen"] = "writing.frozen"
    candidate_id: str = Field(description="Whose replies.")


class DraftSaved(Event):
    """A reply saved during the writing phase: the jury's review reads it again (live)."""

    audiences: ClassVar[tuple[Audience, ...]] = (Audience.JURY,)
    type: Literal["writing.saved"] = "writing.saved"
    candidate_id: str = Field(description="Whose reply.")
    task_id: str = Field(description="The writing task.")
    version: int = Field(description="The reply's version now.")
    saved_at: str = Field(description="When (ISO 8601).")


EVENTS: tuple[type[Event], ...] = (DraftFrozen, DraftSaved)
