"""Use-cases of the jury's evaluation: the grid with its marks (autosaved, versioned: of two
jurors saving one criterion at once one wins, the other is refused), notes pinned to a moment of
a call, interview notes. The deliberation is in `deliberation.py`."""

from __future__ import annotations

from typing import NotRequired, TypedDict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.context import AppContext
from server.evaluation import grid
from server.evaluation.interviews import (
    InterviewPayload,
    interview_notes,
    interview_out,
    interview_topics,
    set_interview_note,
)
from server.evaluation.marks import MAX_COMMENT, MarkPayload, StaleMark, mark_out, marks, set_mark
from server.evaluation.models import Deliberation
from server.evaluation.payloads import DeliberationPayload
from server.evaluation.pinned_notes import NotePayload, note_out, notes, pin_note
from server.evaluation.seating import EvaluationRefused, Seat, seat

# The façade: the callers (views, ws, deliberation, signing, documents, tests) read everything
# here. The candidate's seat and the refusals: seating.py; the marks: marks.py; the notes pinned to
# a call: pinned_notes.py; the interviews' notes: interviews.py.
__all__ = [
    "CompetenceStatus",
    "Decided",
    "EvaluationGrid",
    "EvaluationRefused",
    "InterviewPayload",
    "MAX_COMMENT",
    "MarkPayload",
    "NotePayload",
    "Seat",
    "StaleMark",
    "evaluation_grid",
    "interview_notes",
    "interview_out",
    "interview_topics",
    "mark_out",
    "marks",
    "note_out",
    "notes",
    "pin_note",
    "seat",
    "set_interview_note",
    "set_mark",
]


class Decided(TypedDict):
    """The signed decision's view (HTTP: `schemas.DecidedOut`)."""

    version: int
    locked_at: str | None
    competences: dict[str, str]
    ccps: dict[str, bool | None]
    transversal: list[grid.TransversalDecided]


class CompetenceStatus(TypedDict):
    """What the marks say of a professional competence (`schemas.CompetenceStatusOut`)."""

    code: str
    name: str
    ccp: str
    status: str
    counts: dict[str, int]


class EvaluationGrid(TypedDict):
    """`evaluation_grid` (HTTP: `schemas.EvaluationOut`, once the route added the notes, the
    interviews' notes and the deliberation's versions)."""

    candidate_id: str
    title_id: str
    format_id: str
    parts: list[grid.Part]
    marks: list[MarkPayload]
    competences: list[CompetenceStatus]
    transversal: list[grid.TransversalStatus]
    decided: Decided | None
    interview_topics: list[str]
    rule: str | None
    notes: NotRequired[list[NotePayload]]
    interviews: NotRequired[list[InterviewPayload]]
    deliberations: NotRequired[list[DeliberationPayload]]


async def evaluation_grid(
    ctx: AppContext, session: AsyncSession, candidate_id: str
) -> EvaluationGrid:
    """The grid of the candidate's format and pack, the marks, and what they say of each
    professional and transversal competence (with how each was derived)."""
    s = await seat(ctx, session, candidate_id)
    structure = s.structure()
    rows = await marks(session, candidate_id)
    facts = [
        grid.MarkFact(m.part, m.competence, m.criterion, grid.MarkValue(m.value)) for m in rows
    ]
    professional = grid.competence_status(facts)
    counts = grid.competence_counts(facts)
    empty = {v.value: 0 for v in grid.MarkValue}
    signed = await session.scalar(
        select(Deliberation)
        .where(Deliberation.candidate_id == candidate_id, Deliberation.locked_at.is_not(None))
        .order_by(Deliberation.version.desc())
        .limit(1)
    )
    decided: Decided | None = (
        {
            "version": signed.version,
            "locked_at": signed.locked_at.isoformat() if signed.locked_at else None,
            "competences": dict(signed.proposal.get("competences", {})),
            "ccps": dict(signed.proposal.get("ccps", {})),
            "transversal": grid.transversal_decided(
                s.title, s.exam_format, dict(signed.proposal.get("ccps", {}))
            ),
        }
        if signed is not None
        else None
    )
    return {
        "candidate_id": candidate_id,
        "title_id": s.title.id,
        "format_id": s.exam_format.id,
        "parts": structure,
        "marks": [mark_out(m) for m in rows],
        "competences": [
            {
                "code": c.code,
                "name": c.name,
                "ccp": s.title.ccp_of(c.code).code,
                "status": professional.get(c.code, grid.Status.NON_EVALUEE).value,
                "counts": counts.get(c.code, empty),
            }
            for c in s.title.competences
            if c.code in s.exam_format.practical
        ],
        "transversal": grid.transversal_status(s.title, professional),
        # The signed decision's view (None until both jurors signed a version): what a signed
        # grid prints, so that it agrees with the decision.
        "decided": decided,
        "interview_topics": interview_topics(s.exam_format),
        "rule": grid.__doc__,
    }
