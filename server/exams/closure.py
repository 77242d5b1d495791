"""Why a phase ends before its deadline or a candidate's exam is closed, and what that does to
the outcome. Pure: the timeline records the reason in its `PhaseEnded` fact; the certification
layer reads `effect` to know whether the jury may decide.

- *abandon*: the candidate gives up; the jury takes no decision at this session;
- *exclusion pour fraude*: the exam stops; no decision, the facts go to the procès-verbal;
- *panne technique*: the exam cannot go on; no decision, the candidate may sit again;
- *demande du jury*: the jury stops the exam; it deliberates on what was evaluated;
- *travail terminé*: only to end a phase early (the candidate finished before the time).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from server.core.referential import PhaseKind

COMMENT_MAX = 1000
# How many minutes at most the organiser may let proctors extend a phase by.
PROCTOR_EXTENSION_MAX_MINUTES = 60
# The phases the proctor supervises (RC: préparation; the writing phase is locked down): the
# proctor may end them early or close the exam during them; the organiser always may.
PROCTOR_PHASES = frozenset({PhaseKind.PREPARATION, PhaseKind.REDACTION})


class StopReason(StrEnum):
    ABANDON = "abandon"
    FRAUD = "exclusion_fraude"
    BREAKDOWN = "panne_technique"
    JURY = "demande_jury"
    FINISHED_EARLY = "travail_termine"

    @property
    def label(self) -> str:
        return REASONS[self].label

    @property
    def effect(self) -> Effect:
        return REASONS[self]


@dataclass(frozen=True)
class Effect:
    label: str
    ends_phase: bool  # may end one timed phase early (the next one starts)
    closes_exam: bool  # may close the whole exam
    decision_allowed: bool  # after a closure, the jury may still take a decision
    new_sitting: bool  # after a closure, the candidate may sit the exam again
    outcome: str  # what a closure means for the result, as the documents print it


REASONS: dict[StopReason, Effect] = {
    StopReason.ABANDON: Effect(
        "Abandon du candidat",
        ends_phase=False,
        closes_exam=True,
        decision_allowed=False,
        new_sitting=False,
        outcome="Abandon : pas de décision du jury pour cette session.",
    ),
    StopReason.FRAUD: Effect(
        "Exclusion pour fraude",
        ends_phase=False,
        closes_exam=True,
        decision_allowed=False,
        new_sitting=False,
        outcome="Exclusion pour fraude : pas de décision du jury ; les faits sont consignés.",
    ),
    StopReason.BREAKDOWN: Effect(
        "Panne technique",
        ends_phase=True,
        closes_exam=True,
        decision_allowed=False,
        new_sitting=True,
        outcome="Panne technique : pas de décision ; le candidat peut repasser l'épreuve "
        "lors d'une nouvelle session.",
    ),
    StopReason.JURY: Effect(
        "Demande du jury",
        ends_phase=True,
        closes_exam=True,
        decision_allowed=True,
        new_sitting=False,
        outcome="Close à la demande du jury : le jury délibère sur ce qui a été évalué.",
    ),
    StopReason.FINISHED_EARLY: Effect(
        "Travail terminé avant l'heure",
        ends_phase=True,
        closes_exam=False,
        decision_allowed=True,
        new_sitting=False,
        outcome="",
    ),
}


def reasons_for(*, closing: bool) -> list[dict[str, str]]:
    """The list the pages and the CLI offer: value and French label."""
    return [
        {"value": r.value, "label": e.label}
        for r, e in REASONS.items()
        if (e.closes_exam if closing else e.ends_phase)
    ]


def stop_refusal(reason: StopReason | None, comment: str | None, *, closing: bool) -> str | None:
    """Why this reason and comment cannot end a phase (closing=False) or close the exam."""
    if reason is None:
        return "Le motif est obligatoire (choisissez-le dans la liste)."
    if not comment or not comment.strip():
        return "Le commentaire est obligatoire : décrivez ce qui s'est passé."
    if len(comment) > COMMENT_MAX:
        return f"Le commentaire dépasse {COMMENT_MAX} caractères."
    effect = reason.effect
    if closing and not effect.closes_exam:
        return f"« {effect.label} » termine une phase, il ne clôt pas l'épreuve."
    if not closing and not effect.ends_phase:
        return (
            f"« {effect.label} » clôt l'épreuve : utilisez « Clore l'épreuve », "
            "pas « Terminer la phase »."
        )
    return None


def proctor_refusal(phase: PhaseKind) -> str | None:
    """A proctor acts only during the phases they supervise."""
    if phase in PROCTOR_PHASES:
        return None
    allowed = " et ".join(f"« {p.label} »" for p in sorted(PROCTOR_PHASES))
    return (
        f"Le surveillant n'intervient que pendant {allowed} ; phase en cours « {phase.label} » : "
        "adressez-vous au responsable de session."
    )
