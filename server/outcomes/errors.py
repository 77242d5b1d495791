"""Refused decisions: each message is French and safe to show to the jury."""

from __future__ import annotations

from server.core.errors import PlateauError
from server.core.referential import EvidenceKind, requirement_label


class OutcomeError(PlateauError, ValueError):
    """A decision or a record change the rules refuse."""


class DecisionRefused(OutcomeError):
    """The proposal contradicts the rules (pathway, validity, CCPs held, CCS holder...)."""


class MissingEvidence(OutcomeError):
    """The jury lacks evidence the pathway requires; `missing` lists every requirement lacking."""

    def __init__(self, missing: tuple[tuple[EvidenceKind, ...], ...]) -> None:
        self.missing = missing
        listed = " ; ".join(requirement_label(r) for r in missing)
        super().__init__(f"Décision impossible : pièces d'évaluation manquantes — {listed}.")
