"""Use-cases around the pure outcomes engine: the evidence of a seat (derived from the exam's
timeline, plus what the organiser or jury declares), the decision taken when both jurors sign
a deliberation version (refused, with the missing evidence named, before the signature locks
it), the livret and the session's results list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.certification.decisions import (
    decision_out,
    on_lock,
    preview,
    retake_decision,
    seal_part,
)
from server.certification.errors import CertificationRefused
from server.certification.events import DecisionTaken
from server.certification.evidence import DECLARABLE, DERIVED, declare, evidence_of
from server.certification.models import DecisionRow
from server.certification.persons import person_of, record_of
from server.core.context import AppContext
from server.evaluation import deliberation as deliberations
from server.exams import queries
from server.exams.models import ExamSession
from server.outcomes import (
    CandidateRecord,
    Decision,
    LivretData,
    OutcomeError,
    ResultsList,
    livret_data,
    required_sessions,
    results_list,
    sitting_for_format,
)

# The use-cases live by concern: the evidence in evidence.py, the decision in decisions.py;
# the readings (summary, livret, results) below. Callers read everything here.
__all__ = [
    "CertificationRefused",
    "DECLARABLE",
    "DERIVED",
    "DecisionTaken",
    "decision_out",
    "declare",
    "evidence_of",
    "livret",
    "on_lock",
    "preview",
    "results",
    "retake_decision",
    "seal_part",
    "summary",
]


async def summary(ctx: AppContext, session: AsyncSession, candidate_id: str) -> dict[str, Any]:
    """The seat's evidence, the decision in force, the person's record and what remains
    (missing CCPs, whether the final interview is due at this session)."""
    candidate = await queries.get_candidate(session, candidate_id)
    exam = await queries.get_exam(session, candidate.exam_session_id)
    title = ctx.titles[exam.title_id]
    person = await person_of(ctx, session, candidate, create=False)
    before = (
        await record_of(session, person, exclude=candidate_id)
        if person
        else CandidateRecord(candidate_id="")
    )
    record = await record_of(session, person) if person else before
    evidence, from_training = await evidence_of(ctx, session, candidate_id)
    row = await session.get(DecisionRow, candidate_id)
    plan_before = required_sessions(title, before, exam.day)
    ccps = title.format(exam.format_id).ccps
    signed = await deliberations.signed(session, candidate_id)
    return {
        "person_id": person.id if person else None,
        "evidence": sorted(k.value for k in evidence.present),
        "from_training": from_training,
        "declarable": sorted(k.value for k in DECLARABLE),
        "decision": row.data if row else None,
        "decision_version": row.deliberation_version if row else None,
        "signed_version": signed.version if signed else None,
        "final_interview_due": plan_before.is_last_ccp_session(ccps),
        "record": record.model_dump(mode="json") if person else None,
        "plan": required_sessions(title, record, exam.day).model_dump(mode="json"),
    }


async def livret(ctx: AppContext, session: AsyncSession, candidate_id: str) -> LivretData:
    candidate = await queries.get_candidate(session, candidate_id)
    exam = await queries.get_exam(session, candidate.exam_session_id)
    person = await person_of(ctx, session, candidate, create=False)
    record = await record_of(session, person) if person else CandidateRecord(candidate_id="")
    try:
        return livret_data(
            ctx.titles[exam.title_id],
            record,
            candidate_name=f"{candidate.first_name} {candidate.last_name.upper()}",
            on=exam.day,
        )
    except OutcomeError as exc:
        raise CertificationRefused(str(exc)) from None


async def results(ctx: AppContext, session: AsyncSession, exam_session_id: str) -> ResultsList:
    exam: ExamSession = await queries.get_exam(session, exam_session_id)
    title = ctx.titles[exam.title_id]
    names = {c.id: c.display_name for c in await queries.candidates_of(session, exam.id)}
    rows = await session.scalars(
        select(DecisionRow).where(DecisionRow.candidate_id.in_(list(names)))
    )
    return results_list(
        title,
        sitting_for_format(title, exam.format_id, session_id=exam.id, day=exam.day),
        [(names[r.candidate_id], Decision.model_validate(r.data)) for r in rows],
    )
