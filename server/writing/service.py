"""Use-cases of the writing phase and of the notepad.

A reply is saved only while the candidate's phase is `redaction` and running; at the
deadline (the PhaseEnded(redaction) fact, also when applied at start-up after a crash) every
draft is frozen with its SHA-256. A refused save is logged with what was typed (for an appeal)
and audit-logged, but never becomes the answer.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.context import AppContext
from server.core.db import insert_first, update_if_unchanged
from server.core.events import jury_audience
from server.core.referential import PhaseKind
from server.exams import timeline_service
from server.exams.models import Candidate
from server.exams.queries import NotFound
from server.exams.timeline_state import Status
from server.scenarios.pack.simulations import WritingTask
from server.writing.events import DraftSaved
from server.writing.freezing import freeze, on_timeline
from server.writing.models import Draft, SaveLog
from server.writing.notepad import NOTEPAD, notepad, save_notepad
from server.writing.replies import (
    MAX_TEXT,
    SHAPES,
    Counts,
    DraftPayload,
    DraftsPayload,
    EmailDraft,
    LetterDraft,
    NotepadPayload,
    SmsDraft,
    StaleDraft,
    WritingRefused,
    counts,
    digest,
    draft_out,
    text_fields,
)
from server.writing.save_log import refuse, save_count
from server.writing.tasks import writing_reached, writing_tasks

# The façade: the callers (views, lifecycle, review, documents, tests) read everything here.
# The reply's shape and payloads: replies.py; the tasks: tasks.py; the saves' log:
# save_log.py; the deadline: freezing.py; the notepad: notepad.py.
__all__ = [
    "LATE",
    "MAX_TEXT",
    "NOTEPAD",
    "SHAPES",
    "Counts",
    "DraftPayload",
    "DraftsPayload",
    "EmailDraft",
    "LetterDraft",
    "NotepadPayload",
    "SmsDraft",
    "StaleDraft",
    "WritingRefused",
    "counts",
    "digest",
    "draft_out",
    "drafts",
    "freeze",
    "notepad",
    "on_timeline",
    "save_count",
    "save_draft",
    "save_notepad",
    "text_fields",
]

LATE = "Le temps de rédaction est écoulé : ce texte n'est plus modifiable."


async def drafts(
    ctx: AppContext, session: AsyncSession, candidate_id: str, *, for_candidate: bool
) -> DraftsPayload:
    """The replies; a candidate sees the tasks only from the writing phase on."""
    timeline = await timeline_service.load(ctx, session, candidate_id)
    state = timeline.state()
    if for_candidate and (state.status is Status.NOT_STARTED or not writing_reached(state)):
        raise WritingRefused("Les sujets de rédaction seront disponibles à la phase « Rédaction ».")
    rows = {
        d.task_id: d
        for d in await session.scalars(select(Draft).where(Draft.candidate_id == candidate_id))
    }
    tasks = await writing_tasks(ctx, session, candidate_id)
    frozen = state.phase is not PhaseKind.REDACTION and writing_reached(state)
    return {
        "frozen": frozen,
        "writable": state.phase is PhaseKind.REDACTION and state.status is Status.RUNNING,
        "drafts": [draft_out(t, rows.get(t.id)) for t in tasks],
    }


async def save_draft(
    ctx: AppContext,
    candidate_id: str,
    task_id: str,
    content: dict[str, Any],
    base_version: int,
    *,
    actor: str,
) -> DraftPayload:
    async with ctx.db.session() as session:
        candidate = await session.get(Candidate, candidate_id)
        if candidate is None:
            raise NotFound("Candidat introuvable.")
        task = next(
            (t for t in await writing_tasks(ctx, session, candidate_id) if t.id == task_id), None
        )
        if task is None:
            raise NotFound("Sujet de rédaction inconnu.")
        try:
            fields = text_fields(SHAPES[task.channel].model_validate(content).model_dump())
        except ValueError as exc:
            raise WritingRefused(f"Texte refusé : {exc}") from None
        state = (await timeline_service.load(ctx, session, candidate_id)).state()
        reason = None
        if state.phase is not PhaseKind.REDACTION:
            reason = LATE if writing_reached(state) else "La phase de rédaction n'a pas commencé."
        elif state.status is not Status.RUNNING:
            reason = "L'épreuve est en pause : l'enregistrement reprendra à la reprise."
        if reason:
            await refuse(ctx, session, candidate, task_id, reason, fields, actor)
            raise WritingRefused(reason)
        row = await session.scalar(
            select(Draft).where(Draft.candidate_id == candidate_id, Draft.task_id == task_id)
        )
        if row is not None and row.frozen_at is not None:
            await refuse(ctx, session, candidate, task_id, LATE, fields, actor)
            raise WritingRefused(LATE)
        if row is not None and row.version != base_version:
            raise StaleDraft(draft_out(task, row))
        if row is None and base_version != 0:
            raise StaleDraft(draft_out(task, None))
        now = ctx.clock.now()
        written = await _write(session, candidate_id, task, fields, base_version, now)
        if written:
            session.add(
                SaveLog(
                    candidate_id=candidate_id,
                    task_id=task_id,
                    at=now,
                    accepted=True,
                    version=base_version + 1,
                    size=len(json.dumps(fields, ensure_ascii=False)),
                )
            )
            await session.commit()
        # Read again (a new transaction): the saved reply, or why nothing was written.
        row = await session.scalar(
            select(Draft)
            .where(Draft.candidate_id == candidate_id, Draft.task_id == task_id)
            .execution_options(populate_existing=True)
        )
        if not written and row is not None and row.frozen_at is not None:
            await session.refresh(candidate)  # expired by the rollback
            await refuse(ctx, session, candidate, task_id, LATE, fields, actor)
            raise WritingRefused(LATE)
        if not written:  # another tab saved first
            raise StaleDraft(draft_out(task, row))
        out = draft_out(task, row)
    saved_at = out["saved_at"]
    assert saved_at is not None  # a reply just written (version >= 1) has its time
    ctx.bus.publish(  # after the commit: the jury's review of the replies is live
        jury_audience(candidate_id),
        DraftSaved(
            candidate_id=candidate_id,
            task_id=task_id,
            version=out["version"],
            saved_at=saved_at,
        ),
    )
    return out


async def _write(
    session: AsyncSession,
    candidate_id: str,
    task: WritingTask,
    fields: dict[str, str],
    base_version: int,
    now: datetime,
) -> bool:
    """The save itself, checked in the statement: `UPDATE … WHERE version = :base AND frozen_at
    IS NULL` (or the first INSERT, which the freeze's empty reply or another tab's first save
    makes fail on the unique key). False: nothing was written (the transaction is rolled back)."""
    if base_version == 0:
        first = Draft(
            candidate_id=candidate_id,
            task_id=task.id,
            channel=task.channel.value,
            content=fields,
            version=1,
            saved_at=now,
        )
        return await insert_first(session, first)
    return await update_if_unchanged(
        session,
        update(Draft)
        .where(
            Draft.candidate_id == candidate_id,
            Draft.task_id == task.id,
            Draft.version == base_version,
            Draft.frozen_at.is_(None),
        )
        .values(content=fields, version=base_version + 1, saved_at=now),
    )
