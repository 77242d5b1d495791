"""What a jury decides on and what it decides: the sitting, the evidence present, the jury's
proposal, and the decision (outcome, CCPs granted, document to issue)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from server.core.referential import EvidenceKind, Pathway, SessionKind
from server.outcomes.records import (
    CandidateRecord,
    CcsAward,
    Fact,
    HeldCcp,
    ObtainedCcp,
    TitleAward,
)


class Sitting(Fact):
    """The session a decision is taken at."""

    session_id: str
    kind: SessionKind
    day: date
    # CCP codes evaluated at this session; a title session evaluates them all (empty = all).
    ccps: tuple[str, ...] = ()
    # The CCS evaluated, for a CCS session.
    ccs: str | None = None


class SessionEvidence(Fact):
    """The evidence the jury actually had for this candidate at this session."""

    present: frozenset[EvidenceKind] = frozenset()

    @classmethod
    def of(cls, *kinds: EvidenceKind | str) -> SessionEvidence:
        return cls(present=frozenset(EvidenceKind(k) for k in kinds))

    def missing(
        self, requirements: tuple[tuple[EvidenceKind, ...], ...]
    ) -> tuple[tuple[EvidenceKind, ...], ...]:
        """The requirements none of whose alternatives is present, in order, once each."""
        out: list[tuple[EvidenceKind, ...]] = []
        for req in requirements:
            if not any(k in self.present for k in req) and req not in out:
                out.append(req)
        return tuple(out)


class JuryProposal(Fact):
    """What the jury proposes: each CCP evaluated obtained or not, the title, the CCS."""

    ccps: dict[str, bool] = {}
    title: bool = False
    ccs: bool = False


class Outcome(StrEnum):
    TITLE = "titre"
    PARTIAL = "reussite_partielle"
    NOTHING = "aucun"
    CCS = "ccs"

    @property
    def label(self) -> str:
        return {
            Outcome.TITLE: "Titre obtenu",
            Outcome.PARTIAL: "Réussite partielle",
            Outcome.NOTHING: "Non obtenu",
            Outcome.CCS: "CCS obtenu",
        }[self]


class Document(StrEnum):
    """« Un parchemin est attribué au candidat ayant obtenu le titre complet ou le CCS. Un livret
    de certification est remis au candidat en réussite partielle. »"""

    PARCHEMIN = "parchemin"
    LIVRET = "livret_certification"
    NONE = "aucun"

    @property
    def label(self) -> str:
        return {
            Document.PARCHEMIN: "Parchemin",
            Document.LIVRET: "Livret de certification",
            Document.NONE: "—",
        }[self]


class Decision(Fact):
    candidate_id: str
    title_id: str
    title_version: str
    pathway: Pathway
    sitting: Sitting
    outcome: Outcome
    # CCPs obtained at this session (new record entries).
    granted: tuple[ObtainedCcp, ...] = ()
    # Every CCP of the title held after this session, capitalised ones included.
    held: tuple[HeldCcp, ...] = ()
    # CCP codes still missing for the title.
    remaining: tuple[str, ...] = ()
    title_award: TitleAward | None = None
    ccs_award: CcsAward | None = None

    @property
    def document(self) -> Document:
        if self.outcome in (Outcome.TITLE, Outcome.CCS):
            return Document.PARCHEMIN
        return Document.LIVRET if self.outcome is Outcome.PARTIAL else Document.NONE

    def apply(self, record: CandidateRecord) -> CandidateRecord:
        """The candidate's record with this decision's awards added."""
        if record.candidate_id != self.candidate_id:
            raise ValueError(f"décision de {self.candidate_id}, dossier de {record.candidate_id}")
        return record.model_copy(
            update={
                "ccps": record.ccps + self.granted,
                "titles": record.titles + ((self.title_award,) if self.title_award else ()),
                "ccs": record.ccs + ((self.ccs_award,) if self.ccs_award else ()),
            }
        )
