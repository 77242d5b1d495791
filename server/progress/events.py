"""The progress's WebSocket event: never to a candidate audience (it names the simulations).
Declared in the package's contribution (docs/events.md)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from server.core.events import Audience, Event


class ProgressChanged(Event):
    """The simulations played, playing or not played changed (one was recorded as not
    played)."""

    audiences: ClassVar[tuple[Audience, ...]] = (Audience.JURY, Audience.STAFF)
    type: Literal["simulations.progress"] = "simulations.progress"
    candidate_id: str = Field(description="The candidate whose simulations they are.")
    progress: dict[str, Any] = Field(
        description="The progress as `server.progress.domain.Progress.out` writes it (phase, "
        "simulations with their states, counts, time left…)."
    )


EVENTS: tuple[type[Event], ...] = (ProgressChanged,)
