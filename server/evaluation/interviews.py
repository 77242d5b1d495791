"""The jurors' notes of the interviews: the technical interview's competences, then the final
interview when the format has one."""

from __future__ import annotations

from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core import audit
from server.core.context import AppContext
from server.core.db import insert_or_theirs
from server.core.identity import Principal
from server.core.referential import ExamFormat
from server.evaluation import grid
from server.evaluation.events import (
    InterviewNoteChanged,
    InterviewOut,
    to_jury,
)
from server.evaluation.models import InterviewNote
from server.evaluation.seating import EvaluationRefused, seat


class InterviewPayload(TypedDict):
    """A juror's notes of an interview (`interview_out`; `events.InterviewOut`)."""

    topic: str
    text: str
    by: str
    updated_at: str


def interview_topics(exam_format: ExamFormat) -> list[str]:
    """The technical interview's competences (RC), then the final interview when there is one."""
    return list(exam_format.technical_interview) + (
        [grid.FINAL_INTERVIEW_TOPIC] if exam_format.has_final_interview else []
    )


def interview_out(r: InterviewNote) -> InterviewPayload:
    return {"topic": r.topic, "text": r.text, "by": r.by, "updated_at": r.updated_at.isoformat()}


async def set_interview_note(
    ctx: AppContext, principal: Principal, candidate_id: str, topic: str, text: str
) -> InterviewPayload:
    """The last save wins (the page shows the other juror's text beside, as it arrives; the
    audit log keeps the other juror's text a save writes over); the two jurors' first notes of
    a topic at once are two saves like any others."""
    async with ctx.db.session() as session:
        s = await seat(ctx, session, candidate_id)
        if topic not in interview_topics(s.exam_format):
            raise EvaluationRefused("Sujet d'entretien inconnu pour ce format d'épreuve.")
        exam_session_id, now = s.candidate.exam_session_id, ctx.clock.now()
        row = await session.get(InterviewNote, (candidate_id, topic))
        if row is None:
            first = InterviewNote(
                candidate_id=candidate_id,
                topic=topic,
                text=text,
                by=principal.actor,
                updated_at=now,
            )
            # The other juror's first notes may land between the read and this write: then
            # this save is written over theirs.
            row = (await insert_or_theirs(session, first))[0]
        replaced = _replaced(row, principal.actor, text)
        row.text, row.by, row.updated_at = text, principal.actor, now
        await audit.record(
            session,
            clock=ctx.clock,
            actor=principal.actor,
            action="evaluation.interview",
            exam_session_id=exam_session_id,
            subject=candidate_id,
            details={"topic": topic, "chars": len(text), "replaced": replaced},
        )
        await session.commit()
        out = interview_out(row)
    to_jury(
        ctx,
        candidate_id,
        InterviewNoteChanged(candidate_id=candidate_id, interview=InterviewOut(**out)),
    )
    return out


def _replaced(row: InterviewNote, actor: str, text: str) -> dict[str, str] | None:
    """The other juror's text this save writes over, kept in the audit log for an appeal (one's
    own autosaves replace nothing worth keeping)."""
    if row.by == actor or not row.text.strip() or row.text == text:
        return None
    return {"by": row.by, "text": row.text}


async def interview_notes(session: AsyncSession, candidate_id: str) -> list[InterviewPayload]:
    rows = await session.scalars(
        select(InterviewNote)
        .where(InterviewNote.candidate_id == candidate_id)
        .order_by(InterviewNote.topic)
    )
    return [interview_out(r) for r in rows]
