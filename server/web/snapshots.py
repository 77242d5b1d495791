"""What a page receives on (re)connect: each package contributes a part of the snapshot and
says which event audiences the principal listens to."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.context import AppContext
from server.core.events import candidate_audience, jury_audience, staff_audience
from server.core.identity import Principal, Role
from server.exams.models import Candidate, JuryAssignment

log = logging.getLogger(__name__)
SnapshotPart = Callable[[AppContext, AsyncSession, Principal], Awaitable[Any]]


async def build_state(
    ctx: AppContext,
    session: AsyncSession,
    principal: Principal,
    parts: Mapping[str, SnapshotPart],
) -> dict[str, Any]:
    """Every part the app assembled from the contributions; one that cannot be read (a bad row)
    is null and logged, and the page gets the others: never a socket down for one unreadable
    value."""
    state: dict[str, Any] = {}
    for name, part in parts.items():
        try:
            state[name] = await part(ctx, session, principal)
        except Exception:  # noqa: BLE001 - a server-side read failure, logged whole
            log.exception("Instantané : la partie « %s » n'a pas pu être lue", name)
            await session.rollback()  # a failed statement must not fail the next parts
            state[name] = None
    return state


async def audiences_of(session: AsyncSession, principal: Principal) -> set[str]:
    """The event audiences a principal may hear: never a jury audience for a candidate."""
    match principal.role:
        case Role.CANDIDATE:
            return {candidate_audience(principal.subject_id)}
        case Role.JUROR:
            ids = await session.scalars(
                select(JuryAssignment.candidate_id).where(
                    JuryAssignment.juror_id == principal.subject_id
                )
            )
            out = set()
            for cid in ids:
                out |= {candidate_audience(cid), jury_audience(cid)}
            return out
        case Role.PROCTOR:
            assert principal.exam_session_id is not None
            return {staff_audience(principal.exam_session_id)}
        case Role.ORGANISER:
            return set()
    return set()


async def organiser_audiences(session: AsyncSession, exam_session_id: str) -> set[str]:
    ids = await session.scalars(
        select(Candidate.participant_id).where(Candidate.exam_session_id == exam_session_id)
    )
    out = {staff_audience(exam_session_id)}
    for cid in ids:
        out |= {candidate_audience(cid), jury_audience(cid)}
    return out
