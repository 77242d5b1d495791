"""Certification outcomes: a candidate's record across sessions, the jury's decision, the data
of the livret de certification and of the results list. Pure domain; the rules are title data."""

from server.outcomes.decision import (
    Decision,
    Document,
    JuryProposal,
    Outcome,
    SessionEvidence,
    Sitting,
)
from server.outcomes.documents import (
    CcpRef,
    LivretData,
    LivretLine,
    ResultsList,
    ResultsRow,
    TitleHeader,
    livret_data,
    results_list,
    results_row,
)
from server.outcomes.domain import decide, pathway_rule, sitting_for_format
from server.outcomes.errors import DecisionRefused, MissingEvidence, OutcomeError
from server.outcomes.planning import Plan, required_sessions
from server.outcomes.records import (
    CandidateRecord,
    CcsAward,
    HeldCcp,
    Holdings,
    ObtainedCcp,
    TitleAward,
    counts_until,
    holdings,
)

__all__ = [
    "CandidateRecord",
    "CcpRef",
    "CcsAward",
    "Decision",
    "DecisionRefused",
    "Document",
    "HeldCcp",
    "Holdings",
    "JuryProposal",
    "LivretData",
    "LivretLine",
    "MissingEvidence",
    "ObtainedCcp",
    "Outcome",
    "OutcomeError",
    "Plan",
    "ResultsList",
    "ResultsRow",
    "SessionEvidence",
    "Sitting",
    "TitleAward",
    "TitleHeader",
    "counts_until",
    "decide",
    "holdings",
    "livret_data",
    "pathway_rule",
    "required_sessions",
    "results_list",
    "results_row",
    "sitting_for_format",
]
