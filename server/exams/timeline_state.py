"""The timeline's status, one phase's clock arithmetic, and the snapshots it gives to screens."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from server.core.referential import Phase, PhaseKind
from server.exams.closure import StopReason
from server.exams.timeline_facts import (
    WARNING_MINUTES,
    Accommodation,
    EndCause,
    Frozen,
    PhaseEnded,
)


class Status(StrEnum):
    NOT_STARTED = "not_started"
    RUNNING = "running"
    PAUSED = "paused"
    AWAITING = "awaiting"  # between phases: the next interview waits for the jury to open it
    FINISHED = "finished"

    @property
    def label(self) -> str:
        return {
            Status.NOT_STARTED: "Pas commencée",
            Status.RUNNING: "En cours",
            Status.PAUSED: "En pause",
            Status.AWAITING: "En attente du jury",
            Status.FINISHED: "Terminée",
        }[self]


class PhaseRecord(Frozen):
    phase: PhaseKind
    label: str
    timed: bool
    planned_seconds: float  # with the accommodation for timed phases
    extension_seconds: float
    started_at: datetime | None
    ended_at: datetime | None
    end_cause: EndCause | None
    paused_seconds: float
    elapsed_seconds: float  # active time, pauses excluded
    overrun_seconds: float  # active time beyond planned + extensions (interviews)
    warnings: tuple[int, ...]  # minutes-left warnings emitted (and still valid)


class Closure(Frozen):
    """A closed exam: why, when, by whom, in which phase, and what it does to the outcome."""

    at: datetime
    by: str | None
    phase: PhaseKind
    phase_label: str
    reason: StopReason
    reason_label: str
    comment: str  # staff text: left out of what the candidate's page receives
    decision_allowed: bool
    new_sitting: bool
    outcome: str

    @classmethod
    def of(cls, fact: PhaseEnded) -> Closure:
        assert fact.reason is not None
        effect = fact.reason.effect
        return cls(
            at=fact.at,
            by=fact.by,
            phase=fact.phase,
            phase_label=fact.phase.label,
            reason=fact.reason,
            reason_label=effect.label,
            comment=fact.comment or "",
            decision_allowed=effect.decision_allowed,
            new_sitting=effect.new_sitting,
            outcome=effect.outcome,
        )


class TimelineState(Frozen):
    """What every screen shows; instants are the server's, clients count down from them."""

    now: datetime
    status: Status
    status_label: str
    warning_due: int | None  # minutes-left warning due and not yet emitted
    accommodation: Accommodation
    phases: tuple[PhaseRecord, ...]
    # The current or awaited phase (all None once finished).
    phase: PhaseKind | None = None
    phase_label: str | None = None
    timed: bool = False
    started_at: datetime | None = None
    paused_since: datetime | None = None
    pause_reason: str | None = None
    planned_seconds: float | None = None  # with the accommodation for a timed phase
    extension_seconds: float | None = None
    deadline: datetime | None = None  # running timed phase only (it moves while paused)
    remaining_seconds: float | None = None  # timed phase; frozen while paused
    elapsed_seconds: float | None = None  # active time of a started phase, pauses excluded
    overrun_seconds: float | None = None  # beyond planned + extensions (interviews)
    closure: Closure | None = None  # the exam was closed before its end (status finished)


@dataclass
class PhaseRun:
    """One phase's clock arithmetic; mutated only by Timeline._apply."""

    phase: Phase
    planned: timedelta
    started_at: datetime | None = None
    ended_at: datetime | None = None
    end_cause: EndCause | None = None
    extension: timedelta = timedelta(0)
    paused_total: timedelta = timedelta(0)
    paused_since: datetime | None = None
    pause_reason: str | None = None
    warned: set[int] = field(default_factory=set)

    @property
    def kind(self) -> PhaseKind:
        return self.phase.kind

    def paused(self, now: datetime) -> timedelta:
        ongoing = now - self.paused_since if self.paused_since else timedelta(0)
        return self.paused_total + ongoing

    def elapsed(self, now: datetime) -> timedelta:
        if self.started_at is None:
            return timedelta(0)
        end = self.ended_at or now
        return end - self.started_at - self.paused(end)

    def remaining(self, now: datetime) -> timedelta:
        return self.planned + self.extension - self.elapsed(now)

    def deadline(self) -> datetime:
        """Valid while running (not paused)."""
        assert self.started_at is not None
        return self.started_at + self.planned + self.extension + self.paused_total

    def pending(self) -> list[tuple[datetime, int | None]]:
        """Automatic events still to come, in time order: warnings (minutes), then the deadline."""
        floor = min(self.warned, default=None)
        left = [m for m in WARNING_MINUTES if floor is None or m < floor]
        at = self.deadline()
        return [(at - timedelta(minutes=m), m) for m in sorted(left, reverse=True)] + [(at, None)]

    def overrun(self, now: datetime) -> timedelta:
        return max(timedelta(0), -self.remaining(now))

    def record(self, now: datetime) -> PhaseRecord:
        started = self.started_at is not None
        return PhaseRecord(
            phase=self.kind,
            label=self.kind.label,
            timed=self.kind.timed,
            planned_seconds=self.planned.total_seconds(),
            extension_seconds=self.extension.total_seconds(),
            started_at=self.started_at,
            ended_at=self.ended_at,
            end_cause=self.end_cause,
            paused_seconds=self.paused(self.ended_at or now).total_seconds() if started else 0.0,
            elapsed_seconds=self.elapsed(now).total_seconds(),
            overrun_seconds=self.overrun(now).total_seconds() if started else 0.0,
            warnings=tuple(sorted(self.warned, reverse=True)),
        )
