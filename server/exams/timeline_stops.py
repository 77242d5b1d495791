"""Ending a timed phase before its deadline, and closing a candidate's exam: the command that
makes the `PhaseEnded` fact (cause EARLY or CLOSED, with its reason and comment) and the checks
a replayed one must pass. Pure, used by server/exams/timeline.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from server.core.referential import PhaseKind
from server.exams.closure import StopReason, proctor_refusal, stop_refusal
from server.exams.timeline_facts import EndCause, PhaseEnded
from server.exams.timeline_state import PhaseRun, Status

if TYPE_CHECKING:
    from server.exams.timeline import Timeline


def stop_command(
    cause: EndCause,
    reason: StopReason | None,
    comment: str | None,
    by: str | None,
    only: frozenset[PhaseKind] | None,
) -> Callable[[Timeline, datetime], PhaseEnded]:
    """The fact maker `Timeline._command` runs (after catching up the due deadlines)."""
    from server.exams.timeline import TimelineError

    closing = cause is EndCause.CLOSED
    if (message := stop_refusal(reason, comment, closing=closing)) is not None:
        raise TimelineError(message)

    def make(t: Timeline, now: datetime) -> PhaseEnded:
        if t.status is Status.NOT_STARTED:
            hint = " : retirez le candidat s'il ne se présente pas" if closing else ""
            raise TimelineError(f"L'épreuve n'a pas commencé{hint}.")
        kind = t._kind()
        if only is not None and kind not in only:
            raise TimelineError(proctor_refusal(kind) or "Action refusée.")
        text = (comment or "").strip()
        return PhaseEnded(at=now, by=by, phase=kind, cause=cause, reason=reason, comment=text)

    return make


def stop_fact_refusal(fact: PhaseEnded, status: Status, run: PhaseRun) -> str | None:
    """Why a replayed early end or closure is not legal here, or None."""
    closing = fact.cause is EndCause.CLOSED
    if (message := stop_refusal(fact.reason, fact.comment, closing=closing)) is not None:
        return message
    if fact.phase is not run.kind:
        return f"Historique incohérent : la phase en cours est « {run.kind.label} »."
    if not closing and (status is Status.AWAITING or not run.kind.timed):
        return (
            "Seule une phase minutée en cours se termine avant l'heure ; "
            "un entretien est clos par le jury."
        )
    if status is Status.RUNNING and run.kind.timed and fact.at > run.deadline():
        return "Historique incohérent : l'échéance de la phase est passée."
    return None
