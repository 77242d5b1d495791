"""The data behind the documents of a session's outcome (the PDFs are drawn elsewhere):
the livret de certification of a candidate in partial success, and the session's results list."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from server.core.referential import Pathway, Title
from server.outcomes.decision import Decision, Document, Outcome, Sitting
from server.outcomes.errors import OutcomeError
from server.outcomes.records import CandidateRecord, Fact, holdings


class TitleHeader(Fact):
    id: str
    code: str | None
    rncp: str
    name: str
    level: str
    version: str

    @classmethod
    def of(cls, title: Title) -> TitleHeader:
        return cls(
            id=title.id,
            code=title.code,
            rncp=title.rncp,
            name=title.name,
            level=title.level,
            version=title.version,
        )


class CcpRef(Fact):
    code: str
    name: str


class LivretLine(Fact):
    """One CCP held, as the livret lists it."""

    code: str
    name: str
    obtained_on: date
    session_id: str
    version: str
    # The CCP as obtained under a previous version, when it counts through a correspondence.
    obtained_as: str | None = None


class LivretData(Fact):
    candidate_id: str
    candidate_name: str
    title: TitleHeader
    lines: tuple[LivretLine, ...]
    missing: tuple[CcpRef, ...]
    # The last day these CCPs count toward the title, when the title's validity end is known.
    counts_until: date | None
    issued_on: date


def livret_data(
    title: Title, record: CandidateRecord, *, candidate_name: str, on: date
) -> LivretData:
    """The livret de certification: every CCP held on `on`, capitalised ones included."""
    held = holdings(title, record, on)
    if not held.held:
        raise OutcomeError(
            f"Aucun CCP du titre {title.id} obtenu : pas de livret de certification."
        )
    lines = tuple(
        LivretLine(
            code=h.code,
            name=h.name,
            obtained_on=h.obtained_on,
            session_id=h.session_id,
            version=h.version,
            obtained_as=h.obtained_as,
        )
        for h in held.held
    )
    missing = tuple(
        CcpRef(code=c.code, name=c.name) for c in title.ccps if c.code not in held.codes
    )
    return LivretData(
        candidate_id=record.candidate_id,
        candidate_name=candidate_name,
        title=TitleHeader.of(title),
        lines=lines,
        missing=missing,
        counts_until=held.deadline,
        issued_on=on,
    )


class ResultsRow(Fact):
    candidate_id: str
    candidate_name: str
    pathway: Pathway
    pathway_label: str
    outcome: Outcome
    outcome_label: str
    # CCPs obtained at this session, and all CCPs held after it (capitalised ones included).
    ccps_obtained: tuple[str, ...]
    ccps_held: tuple[str, ...]
    remaining: tuple[str, ...]
    ccs: str | None
    document: Document
    document_label: str


class ResultsList(Fact):
    title: TitleHeader
    session_id: str
    day: date
    rows: tuple[ResultsRow, ...]


def results_row(decision: Decision, *, candidate_name: str) -> ResultsRow:
    return ResultsRow(
        candidate_id=decision.candidate_id,
        candidate_name=candidate_name,
        pathway=decision.pathway,
        pathway_label=decision.pathway.label,
        outcome=decision.outcome,
        outcome_label=decision.outcome.label,
        ccps_obtained=tuple(g.ccp for g in decision.granted),
        ccps_held=tuple(h.code for h in decision.held),
        remaining=decision.remaining,
        ccs=decision.ccs_award.ccs if decision.ccs_award else None,
        document=decision.document,
        document_label=decision.document.label,
    )


def results_list(
    title: Title, sitting: Sitting, decisions: Iterable[tuple[str, Decision]]
) -> ResultsList:
    """The session's results list, one row per (candidate name, decision), sorted by name."""
    rows = []
    for name, decision in decisions:
        if decision.sitting.session_id != sitting.session_id or decision.title_id != title.id:
            raise OutcomeError(
                f"Décision de {name} prise pour une autre session ou un autre titre."
            )
        rows.append(results_row(decision, candidate_name=name))
    rows.sort(key=lambda r: (r.candidate_name.casefold(), r.candidate_id))
    return ResultsList(
        title=TitleHeader.of(title),
        session_id=sitting.session_id,
        day=sitting.day,
        rows=tuple(rows),
    )
