"""The evaluation over the juror's page socket: autosaved marks and one-click pinned notes
while listening; the jury's evaluation of each of their candidates in the snapshot."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth import service as auth_service
from server.core.context import AppContext
from server.core.events import Message, Payload
from server.core.identity import Principal, Role
from server.core.text import Line, Text
from server.evaluation import deliberation, service
from server.evaluation.events import MarkOut, NoteOut
from server.exams.models import JuryAssignment
from server.web.ws_registry import CommandError, WsCommand


class SetMark(Message):
    type: Literal["evaluation.set_mark"]
    candidate_id: Annotated[str, Line(32)]
    part: Annotated[str, Line(120)]
    competence: Annotated[str, Line(20)]
    criterion: int
    value: Annotated[str, Line(40)]
    comment: Annotated[str, Text(service.MAX_COMMENT)] | None = None  # None: kept
    # The version of the mark the juror saw (0: none yet); refused if the other juror saved since.
    base_version: int | None = Field(default=None, ge=0)


class PinNote(Message):
    type: Literal["evaluation.pin_note"]
    candidate_id: Annotated[str, Line(32)]
    call_id: Annotated[str, Line(32)] | None = None
    offset_ms: int | None = Field(default=None, ge=0)
    text: Annotated[str, Text(4000)] = Field(min_length=1)
    # Made once by the page: the note sent again after a cut is pinned once.
    client_note_id: Annotated[str, Line(64)] | None = None


class MarkSaved(Payload):
    """`evaluation.set_mark`'s reply: the mark as saved (its new version)."""

    mark: MarkOut = Field(description="The mark as saved.")


class NoteKept(Payload):
    """`evaluation.pin_note`'s reply: the note as stored."""

    note: NoteOut = Field(description="The note as stored.")


async def _juror_of(ctx: AppContext, principal: Principal, candidate_id: str) -> None:
    async with ctx.db.session() as session:
        if not await auth_service.may_reach_candidate(session, principal, candidate_id):
            raise CommandError("forbidden", "Ce candidat ne vous concerne pas.")


async def on_set_mark(ctx: AppContext, principal: Principal, msg: SetMark) -> MarkSaved:
    await _juror_of(ctx, principal, msg.candidate_id)
    mark = await service.set_mark(
        ctx,
        principal,
        msg.candidate_id,
        msg.part,
        msg.competence,
        msg.criterion,
        msg.value,
        msg.comment,
        msg.base_version,
    )
    return MarkSaved(mark=MarkOut.model_validate(mark))


async def on_pin_note(ctx: AppContext, principal: Principal, msg: PinNote) -> NoteKept:
    await _juror_of(ctx, principal, msg.candidate_id)
    note = await service.pin_note(
        ctx, principal, msg.candidate_id, msg.call_id, msg.offset_ms, msg.text, msg.client_note_id
    )
    return NoteKept(note=NoteOut.model_validate(note))


# The commands this package's contribution declares (who may send each).
WS_COMMANDS = (
    WsCommand.of(SetMark, (Role.JUROR,), on_set_mark),
    WsCommand.of(PinNote, (Role.JUROR,), on_pin_note),
)


async def evaluation_snapshot(ctx: AppContext, session: AsyncSession, principal: Principal) -> Any:
    """Jurors only: per candidate of theirs, the marks, notes, interview notes and the last
    deliberation version (the grid's structure is read once over HTTP)."""
    if principal.role is not Role.JUROR:
        return {}
    ids = await session.scalars(
        select(JuryAssignment.candidate_id).where(JuryAssignment.juror_id == principal.subject_id)
    )
    out = {}
    for cid in ids:
        versions = await deliberation.deliberations(session, cid)
        out[cid] = {
            "marks": [service.mark_out(m) for m in await service.marks(session, cid)],
            "notes": await service.notes(session, cid),
            "interviews": await service.interview_notes(session, cid),
            "deliberation": deliberation.deliberation_out(versions[-1]) if versions else None,
        }
    return {"by_candidate": out}
