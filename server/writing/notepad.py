"""The candidate's notepad: like the paper draft, writable from the preparation to the end of
the writing phase; the last save wins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.context import AppContext
from server.core.referential import PhaseKind
from server.exams import timeline_service
from server.exams.models import Candidate
from server.exams.queries import NotFound
from server.exams.timeline_state import Status, TimelineState
from server.writing.models import Notepad
from server.writing.replies import NotepadPayload, WritingRefused
from server.writing.save_log import refuse

NOTEPAD = "notepad"


async def notepad(ctx: AppContext, session: AsyncSession, candidate_id: str) -> NotepadPayload:
    row = await session.get(Notepad, candidate_id)
    state = (await timeline_service.load(ctx, session, candidate_id)).state()
    return {
        "text": row.text if row else "",
        "version": row.version if row else 0,
        "saved_at": row.saved_at.isoformat() if row and row.version else None,
        "writable": _notepad_writable(state),
    }


def _notepad_writable(state: TimelineState) -> bool:
    """Like the paper draft: from the preparation to the end of the writing phase."""
    return state.status in (Status.RUNNING, Status.PAUSED) and state.phase in (
        PhaseKind.PREPARATION,
        PhaseKind.APPELS,
        PhaseKind.REDACTION,
    )


async def save_notepad(
    ctx: AppContext, candidate_id: str, text: str, *, actor: str
) -> NotepadPayload:
    async with ctx.db.session() as session:
        candidate = await session.get(Candidate, candidate_id)
        if candidate is None:
            raise NotFound("Candidat introuvable.")
        state = (await timeline_service.load(ctx, session, candidate_id)).state()
        if not _notepad_writable(state):
            reason = "Le bloc-notes n'est modifiable que pendant l'épreuve."
            await refuse(ctx, session, candidate, NOTEPAD, reason, {"text": text}, actor)
            raise WritingRefused(reason)
        now = ctx.clock.now()
        version = await _write_notepad(session, candidate_id, text, now)
        await session.commit()
        return {"text": text, "version": version, "saved_at": now.isoformat(), "writable": True}


async def _write_notepad(session: AsyncSession, candidate_id: str, text: str, now: datetime) -> int:
    """The notepad is the candidate's alone (the last save wins), but two tabs may save at once:
    `UPDATE … SET version = version + 1`, or the first INSERT — which the key refuses to the
    second tab, whose save then becomes an UPDATE."""
    bump = (
        update(Notepad)
        .where(Notepad.candidate_id == candidate_id)
        .values(text=text, version=Notepad.version + 1, saved_at=now)
        .returning(Notepad.version)
    )
    version = (await session.execute(bump)).scalar()
    if version is not None:
        return int(version)
    try:
        async with session.begin_nested():
            session.add(Notepad(candidate_id=candidate_id, text=text, version=1, saved_at=now))
        return 1
    except IntegrityError:
        version = (await session.execute(bump)).scalar()
        assert version is not None
        return int(version)
