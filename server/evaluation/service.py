"""Use-cases of the jury's evaluation: the grid with its marks (autosaved, versioned: of two
jurors saving one criterion at once one wins, the other is refused), notes pinned to a moment of
a call, interview notes. The deliberation is in `deliberation.py`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NotRequired, TypedDict

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.core import audit
from server.core.context import AppContext
from server.core.db import insert_first, update_if_unchanged
from server.core.errors import PlateauError
from server.core.identity import Principal
from server.core.referential import ExamFormat, Title
from server.evaluation import grid
from server.evaluation.events import (
    InterviewNoteChanged,
    InterviewOut,
    MarkChanged,
    MarkOut,
    NoteOut,
    NotePinned,
    to_jury,
)
from server.evaluation.models import Deliberation, InterviewNote, Mark, PinnedNote
from server.evaluation.payloads import DeliberationPayload
from server.exams.models import Candidate, ExamSession
from server.exams.queries import NotFound
from server.progress import service as progress
from server.scenarios.pack.models import FormatSubset
from server.telephony.models import CallRow

MAX_COMMENT = 4000


class MarkPayload(TypedDict):
    """One criterion as marked (`mark_out`; events and HTTP: `events.MarkOut`)."""

    part: str
    competence: str
    criterion: int
    criterion_text: str
    value: str
    comment: str
    by: str
    updated_at: str
    version: int


class NotePayload(TypedDict):
    """A pinned note (`note_out`; events and HTTP: `events.NoteOut`)."""

    id: str
    call_id: str | None
    offset_ms: int | None
    text: str
    by: str
    at: str


class InterviewPayload(TypedDict):
    """A juror's notes of an interview (`interview_out`; `events.InterviewOut`)."""

    topic: str
    text: str
    by: str
    updated_at: str


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


class _MarkValues(TypedDict):
    criterion_text: str
    value: str
    comment: str
    by: str
    updated_at: datetime
    version: int


class EvaluationRefused(PlateauError):
    """A mark, note or signature the evaluation does not allow (French message)."""


class StaleMark(EvaluationRefused):
    """The criterion was marked by the other juror since this one read it: nothing is written
    (HTTP 409, the current mark in `current`)."""

    code = "conflict"

    def __init__(self, current: Mark | None, competence: str, criterion: int) -> None:
        if current is None:
            told = "vient d'être modifié"
        else:
            told = (
                f"vient d'être noté « {grid.MarkValue(current.value).label} » "
                f"(version {current.version})"
            )
        super().__init__(
            f"Le critère {criterion} de {competence} {told} par l'autre juré : votre note "
            "n'a pas été enregistrée, vérifiez-la ensemble."
        )
        self.extra = {"current": mark_out(current) if current is not None else None}


@dataclass(frozen=True)
class Seat:
    """A candidate with what the grid needs: the session, the title, the format, the pack as
    it was played (writing tasks replaced where their simulation was not played, and the
    simulations not played with their reason)."""

    candidate: Candidate
    exam: ExamSession
    title: Title
    exam_format: ExamFormat
    subset: FormatSubset | None
    not_played: dict[str, str] = field(default_factory=dict)

    def structure(self) -> list[grid.Part]:
        if self.subset is None:
            raise NotFound("Aucun sujet n'est associé à cette session : pas de grille.")
        return grid.parts(self.title, self.exam_format, self.subset, self.not_played)


async def seat(ctx: AppContext, session: AsyncSession, candidate_id: str) -> Seat:
    candidate = await session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound("Candidat introuvable.")
    exam = await session.get(ExamSession, candidate.exam_session_id)
    assert exam is not None
    title = ctx.titles[exam.title_id]
    found = await progress.played(ctx, session, candidate_id)
    return Seat(
        candidate,
        exam,
        title,
        title.format(exam.format_id),
        found.subset if found else None,
        found.not_played if found else {},
    )


def mark_out(m: Mark) -> MarkPayload:
    return {
        "part": m.part,
        "competence": m.competence,
        "criterion": m.criterion,
        "criterion_text": m.criterion_text,
        "value": m.value,
        "comment": m.comment,
        "by": m.by,
        "updated_at": m.updated_at.isoformat(),
        "version": m.version,
    }


async def marks(session: AsyncSession, candidate_id: str) -> list[Mark]:
    return list(
        await session.scalars(
            select(Mark)
            .where(Mark.candidate_id == candidate_id)
            .order_by(Mark.part, Mark.competence, Mark.criterion)
        )
    )


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


async def set_mark(
    ctx: AppContext,
    principal: Principal,
    candidate_id: str,
    part: str,
    competence: str,
    criterion: int,
    value: str,
    comment: str | None = None,
    base_version: int | None = None,
) -> MarkPayload:
    """Autosave of one criterion of one part. `base_version`: the version of the mark the juror
    saw (0: not marked yet); refused (StaleMark) when the other juror saved it since. Without
    it, the version read here is the one checked. Either way the write is `UPDATE … WHERE
    version = :read` (or the first INSERT): of two saves at once exactly one wins. No comment
    (None) keeps the one saved."""
    try:
        mark_value = grid.MarkValue(value)
    except ValueError:
        raise EvaluationRefused("Valeur : acquis, non_acquis ou non_observe.") from None
    if comment is not None and len(comment) > MAX_COMMENT:
        raise EvaluationRefused(f"Commentaire trop long ({MAX_COMMENT} caractères au plus).")
    key = (candidate_id, part, competence, criterion)
    async with ctx.db.session() as session:
        s = await seat(ctx, session, candidate_id)
        exam_session_id = s.candidate.exam_session_id
        text = grid.criterion_text(s.structure(), part, competence, criterion)
        if text is None:
            raise EvaluationRefused("Ce critère n'est pas évalué dans cette partie de l'épreuve.")
        if part in s.not_played and mark_value is not grid.MarkValue.NON_OBSERVE:
            raise EvaluationRefused(
                "Cette simulation n'a pas été jouée : ses critères ne peuvent être que "
                "« non observé »."
            )
        row = await session.get(Mark, key)
        read = row.version if row is not None else 0
        if base_version is not None and base_version != read:
            raise StaleMark(row, competence, criterion)
        if comment is None:
            comment = row.comment if row is not None else ""
        values: _MarkValues = {
            "criterion_text": text,
            "value": mark_value.value,
            "comment": comment,
            "by": principal.actor,
            "updated_at": ctx.clock.now(),
            "version": read + 1,
        }
        if not await _write_mark(session, key, read, values):
            current = await session.get(Mark, key, populate_existing=True)
            raise StaleMark(current, competence, criterion)
        await audit.record(
            session,
            clock=ctx.clock,
            actor=principal.actor,
            action="evaluation.mark",
            exam_session_id=exam_session_id,
            subject=candidate_id,
            details={
                "part": part,
                "competence": competence,
                "criterion": criterion,
                "value": mark_value.value,
                "comment": comment,
                "version": read + 1,
            },
        )
        await session.commit()
        saved = await session.get(Mark, key, populate_existing=True)
        assert saved is not None
        out = mark_out(saved)
    to_jury(ctx, candidate_id, MarkChanged(candidate_id=candidate_id, mark=MarkOut(**out)))
    return out


async def _write_mark(
    session: AsyncSession, key: tuple[str, str, str, int], read: int, values: _MarkValues
) -> bool:
    """`UPDATE … WHERE version = :read`, or the first INSERT (the primary key refuses a second
    one). False: the other juror wrote first; the transaction is rolled back."""
    candidate_id, part, competence, criterion = key
    if read == 0:
        first = Mark(
            candidate_id=candidate_id,
            part=part,
            competence=competence,
            criterion=criterion,
            **values,
        )
        return await insert_first(session, first)
    return await update_if_unchanged(
        session,
        update(Mark)
        .where(
            Mark.candidate_id == candidate_id,
            Mark.part == part,
            Mark.competence == competence,
            Mark.criterion == criterion,
            Mark.version == read,
        )
        .values(**values),
    )


# ---- notes pinned to a moment of a call --------------------------------------------------


def note_out(n: PinnedNote) -> NotePayload:
    return {
        "id": n.id,
        "call_id": n.call_id,
        "offset_ms": n.offset_ms,
        "text": n.text,
        "by": n.by,
        "at": n.at.isoformat(),
    }


async def _offset(
    ctx: AppContext, session: AsyncSession, candidate_id: str, call_id: str
) -> int | None:
    """Where « now » falls in the call's recording (it starts when the call is answered)."""
    call = await session.get(CallRow, call_id)
    if call is None or call.candidate_id != candidate_id:
        raise EvaluationRefused("Cet appel n'est pas un appel de ce candidat.")
    if call.answered_at is None:
        return None
    end = call.ended_at or ctx.clock.now()
    return max(0, int((end - call.answered_at).total_seconds() * 1000))


async def pin_note(
    ctx: AppContext,
    principal: Principal,
    candidate_id: str,
    call_id: str | None,
    offset_ms: int | None,
    text: str,
) -> NotePayload:
    """One click while listening: with a call and no offset, the offset is the moment of the
    click in that call's recording; a page replaying a recording gives its own offset."""
    if not text.strip():
        raise EvaluationRefused("La note est vide.")
    if offset_ms is not None and offset_ms < 0:
        raise EvaluationRefused("Le moment de la note est négatif.")
    async with ctx.db.session() as session:
        candidate = await session.get(Candidate, candidate_id)
        if candidate is None:
            raise NotFound("Candidat introuvable.")
        if call_id is not None:
            live = await _offset(ctx, session, candidate_id, call_id)
            offset_ms = live if offset_ms is None else offset_ms
        note = PinnedNote(
            candidate_id=candidate_id,
            call_id=call_id,
            offset_ms=offset_ms,
            text=text,
            by=principal.actor,
            at=ctx.clock.now(),
        )
        session.add(note)
        await audit.record(
            session,
            clock=ctx.clock,
            actor=principal.actor,
            action="evaluation.note",
            exam_session_id=candidate.exam_session_id,
            subject=candidate_id,
            details={"call": call_id, "offset_ms": offset_ms, "text": text},
        )
        await session.commit()
        out = note_out(note)
    to_jury(ctx, candidate_id, NotePinned(candidate_id=candidate_id, note=NoteOut(**out)))
    return out


async def notes(session: AsyncSession, candidate_id: str) -> list[NotePayload]:
    rows = await session.scalars(
        select(PinnedNote)
        .where(PinnedNote.candidate_id == candidate_id)
        .order_by(PinnedNote.at, PinnedNote.id)
    )
    return [note_out(n) for n in rows]


# ---- interview notes ----------------------------------------------------------------------


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
    async with ctx.db.session() as session:
        s = await seat(ctx, session, candidate_id)
        if topic not in interview_topics(s.exam_format):
            raise EvaluationRefused("Sujet d'entretien inconnu pour ce format d'épreuve.")
        row = await session.get(InterviewNote, (candidate_id, topic))
        if row is None:
            row = InterviewNote(candidate_id=candidate_id, topic=topic)
            session.add(row)
        row.text, row.by, row.updated_at = text, principal.actor, ctx.clock.now()
        await audit.record(
            session,
            clock=ctx.clock,
            actor=principal.actor,
            action="evaluation.interview",
            exam_session_id=s.candidate.exam_session_id,
            subject=candidate_id,
            details={"topic": topic, "chars": len(text)},
        )
        await session.commit()
        out = interview_out(row)
    to_jury(
        ctx,
        candidate_id,
        InterviewNoteChanged(candidate_id=candidate_id, interview=InterviewOut(**out)),
    )
    return out


async def interview_notes(session: AsyncSession, candidate_id: str) -> list[InterviewPayload]:
    rows = await session.scalars(
        select(InterviewNote)
        .where(InterviewNote.candidate_id == candidate_id)
        .order_by(InterviewNote.topic)
    )
    return [interview_out(r) for r in rows]
