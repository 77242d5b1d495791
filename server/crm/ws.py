"""The CRM part of the jury's snapshot: on (re)connect the observer gets the change log and
the survey answers of each of their candidates, then follows `crm.change` events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.context import AppContext
from server.core.identity import Principal, Role
from server.crm import store, survey
from server.exams.models import JuryAssignment

RECENT = 200  # the live feed's tail; the whole log is at GET …/crm/changes


async def crm_snapshot(ctx: AppContext, session: AsyncSession, principal: Principal) -> Any:
    if principal.role is not Role.JUROR:
        return None  # the candidate's page loads its records over HTTP
    ids = list(
        await session.scalars(
            select(JuryAssignment.candidate_id)
            .where(JuryAssignment.juror_id == principal.subject_id)
            .distinct()
        )
    )
    return {
        "by_candidate": {
            cid: {
                "changes": (await store.changes(session, cid))[-RECENT:],
                "surveys": await survey.all_answers(session, cid),
            }
            for cid in ids
        }
    }
