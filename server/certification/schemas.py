"""What the certification edges accept and return. The shapes of the rules (a decision, a
record, a plan) are the outcomes engine's own models (`server.outcomes`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from server.core.referential import Pathway
from server.core.text import Line
from server.outcomes import CandidateRecord, Plan
from server.outcomes.decision import Outcome, Sitting
from server.outcomes.records import CcsAward, HeldCcp, ObtainedCcp, TitleAward

# ---- bodies ---------------------------------------------------------------------------------


class EvidenceSeen(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kinds: list[Annotated[str, Line(40)]] = Field(max_length=20)
    from_training: bool | None = None


class EvidenceIn(EvidenceSeen):
    """The pieces as the juror's page shows them and, in `base`, as it showed them when the
    juror began: only the juror's changes are applied to what is stored (another juror's
    changes meanwhile are kept). Without `base` the list replaces what is stored."""

    base: EvidenceSeen | None = None


class LinkIn(BaseModel):
    """Either the person, or another candidate (seat) already known to be this person."""

    model_config = ConfigDict(extra="forbid")
    person_id: Annotated[str, Line(32)] | None = None
    same_as_candidate_id: Annotated[str, Line(32)] | None = None


class IdentityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    last_name: Annotated[str, Line(100)] = Field(min_length=1)
    first_name: Annotated[str, Line(100)] = Field(min_length=1)
    birth_date: date | None = None
    external_id: Annotated[str, Line(60)] | None = None


class PriorCcpIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title_id: Annotated[str, Line(40)]
    version: Annotated[str, Line(40)]
    ccp: Annotated[str, Line(300)] = Field(min_length=1)
    obtained_on: date
    session_label: Annotated[str, Line(32)] = Field(min_length=1)


# ---- answers --------------------------------------------------------------------------------


class Out(BaseModel):
    """An answer built from the services' dictionaries: a key they add that the model does not
    name is refused (a 500 in the tests), never dropped silently."""

    model_config = ConfigDict(extra="forbid")


class StoredDecision(Out):
    """The decision as stored (the rules' `Decision` as JSON), without the labels."""

    candidate_id: str
    title_id: str
    title_version: str
    pathway: Pathway
    sitting: Sitting
    outcome: Outcome
    granted: tuple[ObtainedCcp, ...] = ()
    held: tuple[HeldCcp, ...] = ()
    remaining: tuple[str, ...] = ()
    title_award: TitleAward | None = None
    ccs_award: CcsAward | None = None


class DecisionOut(StoredDecision):
    """The decision in force, as `service.decision_out` writes it: the stored decision (the
    rules' `Decision`, same fields, same order), the person and the signed version, and French
    labels."""

    person_id: str
    deliberation_version: int
    outcome_label: str
    document: str  # Document value
    document_label: str


class CertificationSummary(Out):
    """The seat's evidence, the decision in force, the person's record and what remains."""

    person_id: str | None  # None: the seat is not linked to a person yet
    evidence: list[str]  # EvidenceKind values present (from the timeline and declared)
    from_training: bool | None
    declarable: list[str]  # the EvidenceKind values the jury may declare
    decision: StoredDecision | None
    decision_version: int | None
    signed_version: int | None
    final_interview_due: bool
    record: CandidateRecord | None
    plan: Plan


class MissingPiece(Out):
    any_of: list[str]  # EvidenceKind values, one of which is needed
    label: str


class PreviewRefused(Out):
    """What the current version would decide: nothing, and why (the missing pieces)."""

    version: int | None  # None: no proposal yet
    ok: Literal[False]
    refused: str
    missing: list[MissingPiece]


class PreviewDecided(Out):
    version: int
    ok: Literal[True]
    decision: DecisionOut


class PersonLinked(Out):
    candidate_id: str
    person_id: str


class PersonIdentity(Out):
    id: str
    last_name: str
    first_name: str
    birth_date: date | None
    external_id: str | None


class PersonFound(PersonIdentity):
    seats: list[str]  # the candidate ids of the person's seats


class SeatOut(Out):
    candidate_id: str
    session_id: str
    day: date
    centre: str
    title_id: str
    format_id: str
    pathway: Pathway
    decision: str | None  # the outcome decided at that seat (Outcome value)


class PersonDetail(PersonIdentity):
    seats: list[SeatOut]
    record: CandidateRecord
    plans: dict[str, Plan]  # by title id: what remains to sit
