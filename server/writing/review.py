"""The jury's read-only review of the written replies: each reply with its brief, its save
counts and the French aid's marks (`spelling.check`), computed off the event loop against the
exam's vocabulary — the pack's (names, dossier) and the candidate's own CRM as edited."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.context import AppContext
from server.crm.models import CrmRecordRow
from server.progress import service as progress
from server.writing import service, spelling


async def vocabulary(
    ctx: AppContext, session: AsyncSession, candidate_id: str, pack: Any
) -> spelling.Vocabulary:
    records = await session.scalars(
        select(CrmRecordRow.data).where(CrmRecordRow.candidate_id == candidate_id)
    )
    return spelling.pack_vocabulary(pack) | spelling.crm_words(records)


def _marks(drafts: list[service.DraftPayload], words: spelling.Vocabulary) -> None:
    for draft in drafts:
        draft["issues"] = {
            name: spelling.check(value, words)
            for name, value in draft["content"].items()
            if isinstance(value, str) and value
        }


async def review(
    ctx: AppContext, session: AsyncSession, candidate_id: str
) -> service.DraftsPayload:
    data = await service.drafts(ctx, session, candidate_id, for_candidate=False)
    found = await progress.effective_subset(ctx, session, candidate_id)
    words = spelling.Vocabulary()
    briefs: dict[str, Any] = {}
    if found:
        pack, subset = found
        words = await vocabulary(ctx, session, candidate_id, pack)
        briefs = {w.id: w.model_dump(mode="json") for w in subset.writing_tasks}
    for draft in data["drafts"]:
        draft["task"] = briefs.get(draft["task_id"])
        draft["saves"] = await service.save_count(session, candidate_id, draft["task_id"])
    await asyncio.to_thread(_marks, data["drafts"], words)
    data["aid"] = spelling.engines()
    return data
