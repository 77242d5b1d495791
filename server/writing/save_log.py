"""The log of the saves: every save accepted, and every save refused with what was typed (for
an appeal, audit-logged too) — a refused save never becomes the answer."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core import audit
from server.core.context import AppContext
from server.exams.models import Candidate
from server.writing.models import SaveLog


async def refuse(
    ctx: AppContext,
    session: AsyncSession,
    candidate: Candidate,
    task_id: str,
    reason: str,
    content: dict[str, str],
    actor: str,
) -> None:
    size = len(json.dumps(content, ensure_ascii=False))
    session.add(
        SaveLog(
            candidate_id=candidate.participant_id,
            task_id=task_id,
            at=ctx.clock.now(),
            accepted=False,
            reason=reason,
            content=content,
            size=size,
        )
    )
    await audit.record(
        session,
        clock=ctx.clock,
        actor=actor,
        action="writing.save_refused",
        exam_session_id=candidate.exam_session_id,
        subject=candidate.participant_id,
        details={"task": task_id, "reason": reason, "size": size},
    )
    await session.commit()


async def save_count(session: AsyncSession, candidate_id: str, task_id: str) -> dict[str, int]:
    rows = list(
        await session.scalars(
            select(SaveLog.accepted).where(
                SaveLog.candidate_id == candidate_id, SaveLog.task_id == task_id
            )
        )
    )
    return {"accepted": sum(rows), "refused": len(rows) - sum(rows)}
