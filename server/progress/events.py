"""The progress's WebSocket event: never to a candidate audience (it names the simulations).
Declared in the package's contribution (docs/events.md)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from server.core.events import Audience, Event, Payload


class SimProgressOut(Payload):
    """One simulation's progress (`server.progress.domain.SimProgress.out`)."""

    id: str
    order: int = Field(description="Its rank in the run order (from 1).")
    title: str
    kind: str = Field(description="The simulation's kind (SimulationKind).")
    kind_label: str = Field(description="Its label (French).")
    minutes: int | float = Field(description="The minutes the subject gives it.")
    state: str = Field(description="Its state (SimState).")
    state_label: str = Field(description="Its label (French).")
    started_at: str | None = Field(description="When it was first played (ISO 8601).")
    attempts: int = Field(description="How many times it was started.")
    reason: str | None = Field(description="Why it was not played (NotPlayedReason), if so.")
    reason_label: str | None = Field(description="Its label (French).")
    detail: str | None = Field(description="What was recorded with it.")
    needed_seconds: int = Field(description="What it still needs in the calls phase.")


class ProgressOut(Payload):
    """The simulations' progress of a candidate (`server.progress.domain.Progress.out`)."""

    now: str = Field(description="When it was computed (ISO 8601).")
    phase: str = Field(description="The calls phase: avant, en_cours or terminee.")
    paused: bool
    simulations: list[SimProgressOut] = Field(description="In run order.")
    counts: dict[str, int] = Field(description="How many simulations in each state.")
    wrap_up_minutes: int | float = Field(description="The wrap-up time per call.")
    time_left_seconds: int | None = Field(description="Left in the calls phase, if running.")
    needed_seconds: int = Field(description="What the simulations left still need.")
    card_seconds: int = Field(description="Of which the simulations' own time.")
    wrap_up_seconds: int = Field(description="Of which their wrap-up time.")
    fits_until: str | None = Field(description="Until when the rest still fits (ISO 8601).")
    short: bool = Field(description="The time left is short for what remains.")
    warning: str | None = Field(description="What the jury is told about it (French).")


class ProgressChanged(Event):
    """The simulations played, playing or not played changed (one was recorded as not
    played)."""

    audiences: ClassVar[tuple[Audience, ...]] = (Audience.JURY, Audience.STAFF)
    type: Literal["simulations.progress"] = "simulations.progress"
    candidate_id: str = Field(description="The candidate whose simulations they are.")
    progress: ProgressOut = Field(description="The progress now.")


EVENTS: tuple[type[Event], ...] = (ProgressChanged,)
