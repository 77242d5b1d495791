"""Notes pinned to a moment of a call: one click while listening (the moment in the call's
recording), or the moment a page replaying the recording gives."""

from __future__ import annotations

from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.core import audit
from server.core.context import AppContext
from server.core.identity import Principal
from server.evaluation.events import (
    NoteOut,
    NotePinned,
    to_jury,
)
from server.evaluation.models import PinnedNote
from server.evaluation.seating import EvaluationRefused
from server.exams.models import Candidate
from server.exams.queries import NotFound
from server.telephony.models import CallRow


class NotePayload(TypedDict):
    """A pinned note (`note_out`; events and HTTP: `events.NoteOut`)."""

    id: str
    call_id: str | None
    offset_ms: int | None
    text: str
    by: str
    at: str


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


async def _sent_before(
    session: AsyncSession, principal: Principal, candidate_id: str, client_note_id: str | None
) -> PinnedNote | None:
    """The note this juror already pinned with this id (its answer lost in a cut)."""
    if client_note_id is None:
        return None
    note = await session.scalar(
        select(PinnedNote).where(
            PinnedNote.by == principal.actor, PinnedNote.client_note_id == client_note_id
        )
    )
    if note is not None and note.candidate_id != candidate_id:
        raise EvaluationRefused("Cet identifiant de note sert déjà à une note d'un autre candidat.")
    return note


async def pin_note(
    ctx: AppContext,
    principal: Principal,
    candidate_id: str,
    call_id: str | None,
    offset_ms: int | None,
    text: str,
    client_note_id: str | None = None,
) -> NotePayload:
    """One click while listening: with a call and no offset, the offset is the moment of the
    click in that call's recording; a page replaying a recording gives its own offset. A note
    sent again with the `client_note_id` its page made once is the note stored the first time
    (no second note, audit entry or event)."""
    if not text.strip():
        raise EvaluationRefused("La note est vide.")
    if offset_ms is not None and offset_ms < 0:
        raise EvaluationRefused("Le moment de la note est négatif.")
    try:
        async with ctx.db.session() as session:
            stored = await _sent_before(session, principal, candidate_id, client_note_id)
            if stored is not None:  # sent again after a cut lost its answer
                return note_out(stored)
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
                client_note_id=client_note_id,
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
    except IntegrityError:  # the same note sent twice at once: the one stored first won
        async with ctx.db.session() as session:
            stored = await _sent_before(session, principal, candidate_id, client_note_id)
        if stored is None:
            raise
        return note_out(stored)
    to_jury(ctx, candidate_id, NotePinned(candidate_id=candidate_id, note=NoteOut(**out)))
    return out


async def notes(session: AsyncSession, candidate_id: str) -> list[NotePayload]:
    rows = await session.scalars(
        select(PinnedNote)
        .where(PinnedNote.candidate_id == candidate_id)
        .order_by(PinnedNote.at, PinnedNote.id)
    )
    return [note_out(n) for n in rows]
