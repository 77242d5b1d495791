"""A candidate's phase timeline: préparation → appels → rédaction → entretiens → terminé.

Event-sourced and pure: a `Timeline` is rebuilt from the format, an optional accommodation and
the ordered persisted facts (timeline_facts.py). Commands read the injected Clock, first apply
the automatic facts that are due (deadlines, warnings), validate, and return every new fact to
persist — or raise `TimelineError` with a French message and change nothing.

Deadline of a running timed phase = start + planned (× accommodation) + extensions + pauses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from server.core.clock import Clock
from server.core.errors import PlateauError
from server.core.referential import ExamFormat, PhaseKind
from server.exams.closure import StopReason
from server.exams.timeline_facts import (
    NO_ACCOMMODATION,
    WARNING_MINUTES,
    Accommodation,
    AccommodationSet,
    EndCause,
    Extended,
    Paused,
    PhaseEnded,
    PhaseStarted,
    Resumed,
    TimelineFact,
    WarningEmitted,
)
from server.exams.timeline_state import Closure, PhaseRun, Status, TimelineState
from server.exams.timeline_stops import stop_command, stop_fact_refusal

# The transition table: which fact kinds each status accepts (finer checks in `_refusal`).
LEGAL: dict[Status, frozenset[str]] = {
    Status.NOT_STARTED: frozenset({"accommodation_set", "phase_started"}),
    Status.RUNNING: frozenset({"paused", "extended", "warning_emitted", "phase_ended"}),
    Status.PAUSED: frozenset({"resumed", "extended"}),
    Status.AWAITING: frozenset({"phase_started"}),
    Status.FINISHED: frozenset(),
}


class TimelineError(PlateauError, ValueError):
    """A refused command or an inconsistent history; the message is French and safe to show."""


def _required(text: str, message: str) -> str:
    if not text or not text.strip():
        raise TimelineError(message)
    return text.strip()


class Timeline:
    def __init__(
        self,
        exam_format: ExamFormat,
        clock: Clock,
        facts: Iterable[TimelineFact] = (),
        accommodation: Accommodation = NO_ACCOMMODATION,
    ) -> None:
        """Replay `facts` (raises TimelineError on an inconsistent history)."""
        self.format = exam_format
        self._clock = clock
        self._initial = accommodation
        self._accommodation = accommodation
        self._runs = [PhaseRun(p, accommodation.planned(p)) for p in exam_format.phases]
        self._index = 0
        self._status = Status.NOT_STARTED
        self._closure: Closure | None = None
        self._facts: list[TimelineFact] = []
        for fact in facts:
            self._apply(fact)

    # ---- reading -----------------------------------------------------------------------

    @property
    def facts(self) -> tuple[TimelineFact, ...]:
        return tuple(self._facts)

    @property
    def status(self) -> Status:
        return self._status

    @property
    def closure(self) -> Closure | None:
        """Why and when the exam was closed before its end, or None."""
        return self._closure

    def state(self) -> TimelineState:
        """A snapshot at the clock's now of the facts applied so far (call `advance` first)."""
        now, run = self._now(), self._current
        due = self._next_due(now)
        current: dict[str, Any] = {}
        if run is not None:
            timed, live = run.kind.timed, self._status in (Status.RUNNING, Status.PAUSED)
            left = max(0.0, run.remaining(now).total_seconds())
            current = {
                "phase": run.kind,
                "phase_label": run.kind.label,
                "timed": timed,
                "started_at": run.started_at,
                "paused_since": run.paused_since,
                "pause_reason": run.pause_reason,
                "planned_seconds": run.planned.total_seconds(),
                "extension_seconds": run.extension.total_seconds(),
                "deadline": run.deadline() if live and timed and not run.paused_since else None,
                "remaining_seconds": left if timed else None,
                "elapsed_seconds": run.elapsed(now).total_seconds() if live else None,
                "overrun_seconds": run.overrun(now).total_seconds() if live else None,
            }
        closed = self._closure
        return TimelineState(
            now=now,
            status=self._status,
            status_label=f"Close : {closed.reason_label}" if closed else self._status.label,
            closure=closed,
            warning_due=due.minutes if isinstance(due, WarningEmitted) else None,
            accommodation=self._accommodation,
            phases=tuple(r.record(now) for r in self._runs),
            **current,
        )

    def due_facts(self) -> list[TimelineFact]:
        """The automatic facts that should have happened by now, in order (changes nothing)."""
        return self._copy()._catch_up(self._now())

    def next_wakeup(self) -> datetime | None:
        """When a scheduler should next call `advance` (a warning or a deadline), or None."""
        now = self._now()
        if self._next_due(now) is not None:
            return now
        run = self._current
        if self._status is not Status.RUNNING or run is None or not run.kind.timed:
            return None
        return next(at for at, _ in run.pending() if at > now)

    # ---- commands: each returns the new facts to persist -------------------------------

    def advance(self) -> list[TimelineFact]:
        """Apply the due automatic facts (deadlines chained in order, then at most one warning)."""
        return self._command(None)

    def set_accommodation(
        self, accommodation: Accommodation, *, by: str | None = None
    ) -> list[TimelineFact]:
        return self._command(
            lambda t, now: AccommodationSet(at=now, by=by, accommodation=accommodation)
        )

    def start(self, *, by: str | None = None) -> list[TimelineFact]:
        return self.start_at(None, by=by)

    def start_at(self, at: datetime | None, *, by: str | None = None) -> list[TimelineFact]:
        """Start at a planned instant already reached (a staggered start the scheduler applies
        late, e.g. after a restart): the deadlines since then follow, each at its instant."""
        first = self.format.phases[0].kind
        return self._command(lambda t, when: PhaseStarted(at=when, by=by, phase=first), at)

    def pause(self, reason: str, *, by: str | None = None) -> list[TimelineFact]:
        why = _required(reason, "Le motif de la pause est obligatoire.")
        return self._command(lambda t, now: Paused(at=now, by=by, phase=t._kind(), reason=why))

    def resume(self, *, by: str | None = None) -> list[TimelineFact]:
        return self._command(lambda t, now: Resumed(at=now, by=by, phase=t._kind()))

    def extend(self, minutes: int, reason: str, *, by: str | None = None) -> list[TimelineFact]:
        why = _required(reason, "Le motif de la prolongation est obligatoire.")
        if minutes < 1:
            raise TimelineError("La prolongation doit être d'au moins une minute.")
        return self._command(
            lambda t, now: Extended(at=now, by=by, phase=t._kind(), minutes=minutes, reason=why)
        )

    def interrupted(
        self, start: datetime, end: datetime, reason: str, *, by: str | None = None
    ) -> list[TimelineFact]:
        """The server was unavailable from `start` to `end`: a timed phase running at `start`
        is paused then and resumed at `end`, so its deadline moves by the outage. Nothing for an
        exam not started, paused, awaiting an interview, in an interview or over."""
        trial = self._copy()
        trial._catch_up(max(start, trial._now_floor()))
        run = trial._current
        if trial._status is not Status.RUNNING or run is None or not run.kind.timed:
            return []
        why = _required(reason, "Le motif de l'interruption est obligatoire.")
        trial = self._copy()
        new = trial._command(
            lambda t, when: Paused(at=when, by=by, phase=t._kind(), reason=why), start
        )
        new += trial._command(lambda t, when: Resumed(at=when, by=by, phase=t._kind()), end)
        for fact in new:
            self._apply(fact)
        return new

    def open_interview(self, *, by: str | None = None) -> list[TimelineFact]:
        def make(t: Timeline, now: datetime) -> TimelineFact:
            if t._status is Status.NOT_STARTED:
                raise TimelineError("L'épreuve n'a pas commencé.")
            if t._kind().timed:
                raise TimelineError(
                    f"Aucun entretien à ouvrir : phase en cours « {t._kind().label} »."
                )
            return PhaseStarted(at=now, by=by, phase=t._kind())

        return self._command(make)

    def close_interview(self, *, by: str | None = None) -> list[TimelineFact]:
        def make(t: Timeline, now: datetime) -> TimelineFact:
            if t._kind().timed or t._status not in (Status.RUNNING, Status.PAUSED):
                raise TimelineError("Aucun entretien n'est en cours.")
            return PhaseEnded(at=now, by=by, phase=t._kind(), cause=EndCause.JURY)

        return self._command(make)

    def end_phase_early(
        self,
        reason: StopReason | None,
        comment: str | None,
        *,
        by: str | None = None,
        only: frozenset[PhaseKind] | None = None,
    ) -> list[TimelineFact]:
        """Ends the running timed phase now (the next timed phase starts at once); `only`: the
        phases this person may act on (a proctor's)."""
        return self._command(stop_command(EndCause.EARLY, reason, comment, by, only))

    def close_exam(
        self,
        reason: StopReason | None,
        comment: str | None,
        *,
        by: str | None = None,
        only: frozenset[PhaseKind] | None = None,
    ) -> list[TimelineFact]:
        """Closes the candidate's exam now: the current (or awaited) phase ends, none follows."""
        return self._command(stop_command(EndCause.CLOSED, reason, comment, by, only))

    # ---- the state machine ------------------------------------------------------------

    @property
    def _current(self) -> PhaseRun | None:
        return self._runs[self._index] if self._index < len(self._runs) else None

    def _kind(self) -> PhaseKind:
        if (run := self._current) is None:
            if self._closure is not None:
                raise TimelineError(f"L'épreuve a été close ({self._closure.reason_label}).")
            raise TimelineError("L'épreuve est terminée.")
        return run.kind

    def _now(self) -> datetime:
        return max(self._clock.now(), self._now_floor())

    def _now_floor(self) -> datetime:
        """No fact may precede the last one, whatever the clock says."""
        return self._facts[-1].at if self._facts else datetime.min.replace(tzinfo=UTC)

    def _copy(self) -> Timeline:
        return Timeline(self.format, self._clock, self._facts, self._initial)

    def _command(
        self, make: Callable[[Timeline, datetime], TimelineFact] | None, at: datetime | None = None
    ) -> list[TimelineFact]:
        """Catch up to `at` (default now), apply `make`'s fact at `at`, catch up to now; all or
        nothing: on a refusal this timeline is left as it was."""
        now = self._now()
        when = now if at is None else max(at, self._now_floor())
        if when > now:
            raise TimelineError("Cet instant n'est pas encore atteint.")
        trial = self._copy()
        new = trial._catch_up(when)
        if make is not None:
            fact = make(trial, when)
            trial._apply(fact)
            new.append(fact)
        new += trial._catch_up(now)
        for fact in new:
            self._apply(fact)
        return new

    def _catch_up(self, now: datetime) -> list[TimelineFact]:
        new: list[TimelineFact] = []
        while (fact := self._next_due(now)) is not None:
            self._apply(fact)
            new.append(fact)
        return new

    def _next_due(self, now: datetime) -> TimelineFact | None:
        run = self._current
        if run is None or not run.kind.timed:
            return None
        if self._status is Status.AWAITING:  # the previous timed phase just ended
            return PhaseStarted(at=self._facts[-1].at, phase=run.kind)
        if self._status is not Status.RUNNING:
            return None
        passed = [(at, m) for at, m in run.pending() if at <= now]
        if not passed:
            return None
        at, minutes = passed[-1]  # a missed warning is superseded by any later event
        if minutes is None:
            return PhaseEnded(at=at, phase=run.kind, cause=EndCause.DEADLINE)
        return WarningEmitted(at=max(at, self._facts[-1].at), phase=run.kind, minutes=minutes)

    def _refusal(self, fact: TimelineFact) -> str | None:
        if self._facts and fact.at < self._facts[-1].at:
            return "Historique incohérent : un fait est antérieur au précédent."
        status, run = self._status, self._current
        if run is None:
            return "L'épreuve est terminée."
        if isinstance(fact, AccommodationSet) and status is not Status.NOT_STARTED:
            return "L'aménagement d'épreuve (tiers-temps) se fixe avant le début de l'épreuve."
        if isinstance(fact, PhaseStarted):
            if fact.phase is run.kind and status in (Status.NOT_STARTED, Status.AWAITING):
                return None
            if status is Status.NOT_STARTED:
                return "L'épreuve n'a pas commencé."
            if fact.phase is self._runs[0].kind:
                return "L'épreuve a déjà commencé."
            if fact.phase is run.kind:
                return f"La phase « {run.kind.label} » est déjà en cours."
            return f"« {fact.phase.label} » ne peut pas commencer : phase « {run.kind.label} »."
        if status is Status.NOT_STARTED and fact.kind not in LEGAL[status]:
            return "L'épreuve n'a pas commencé."
        if isinstance(fact, PhaseEnded) and fact.cause in (EndCause.EARLY, EndCause.CLOSED):
            return stop_fact_refusal(fact, status, run)
        if status is Status.AWAITING:
            return f"Aucune phase en cours : « {run.kind.label} » attend d'être ouvert par le jury."
        if getattr(fact, "phase", run.kind) is not run.kind:
            return f"Historique incohérent : la phase en cours est « {run.kind.label} »."
        timed = run.kind.timed
        deadline = run.deadline() if timed and status is Status.RUNNING else None
        ending = isinstance(fact, PhaseEnded)
        if deadline and (fact.at > deadline or (fact.at == deadline and not ending)):
            return "Historique incohérent : l'échéance de la phase est passée."
        if isinstance(fact, Paused) and status is Status.PAUSED:
            return "Le candidat est déjà en pause."
        if isinstance(fact, Resumed) and status is Status.RUNNING:
            return "Le candidat n'est pas en pause."
        if isinstance(fact, Extended) and not timed:
            return (
                "Un entretien ne se prolonge pas : le jury le clôt quand il le décide "
                "(le dépassement reste visible)."
            )
        if isinstance(fact, PhaseEnded):
            if status is Status.PAUSED:
                return "La phase est en pause : reprenez-la avant de la clore."
            if fact.cause is not (EndCause.DEADLINE if timed else EndCause.JURY):
                return "Une phase minutée finit à son échéance ; un entretien est clos par le jury."
            if timed and fact.at != run.deadline():
                return "Historique incohérent : fin de phase hors de son échéance."
        if isinstance(fact, WarningEmitted) and (not timed or fact.minutes not in WARNING_MINUTES):
            return "Historique incohérent : avertissement hors d'une phase minutée."
        if fact.kind not in LEGAL[status]:
            return f"Impossible : l'épreuve est « {status.label.lower()} »."
        return None

    def _apply(self, fact: TimelineFact) -> None:
        if (message := self._refusal(fact)) is not None:
            raise TimelineError(message)
        run = self._current
        assert run is not None
        match fact:
            case AccommodationSet(accommodation=accommodation):
                self._accommodation = accommodation
                for r in self._runs:
                    r.planned = accommodation.planned(r.phase)
            case PhaseStarted():
                run.started_at, self._status = fact.at, Status.RUNNING
            case PhaseEnded():
                if run.paused_since is not None:  # an early end or a closure during a pause
                    run.paused_total += fact.at - run.paused_since
                    run.paused_since = run.pause_reason = None
                # An awaited interview closed before it was opened did not take place.
                held = run.started_at is not None
                run.ended_at, run.end_cause = (fact.at if held else None), fact.cause
                self._index += 1
                if fact.cause is EndCause.CLOSED:
                    self._closure, self._index = Closure.of(fact), len(self._runs)
                self._status = Status.AWAITING if self._current else Status.FINISHED
            case Paused():
                run.paused_since, run.pause_reason = fact.at, fact.reason
                self._status = Status.PAUSED
            case Resumed():
                assert run.paused_since is not None
                run.paused_total += fact.at - run.paused_since
                run.paused_since = run.pause_reason = None
                self._status = Status.RUNNING
            case Extended():
                run.extension += timedelta(minutes=fact.minutes)
                left = run.remaining(fact.at)  # warnings no longer true are given again later
                run.warned = {m for m in run.warned if timedelta(minutes=m) >= left}
            case WarningEmitted():
                run.warned.add(fact.minutes)
        self._facts.append(fact)
