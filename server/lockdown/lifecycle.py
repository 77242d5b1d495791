"""A socket opened before a locked phase (or before SEB was required) proved nothing: when a
locked phase starts for a candidate of a session that requires SEB, or when the organiser turns
the requirement on, the candidate's unverified sockets are closed. The page reconnects by itself
and its new handshake is checked (server/lockdown/seb_check.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from server.core.context import AppContext
from server.core.identity import Principal, Role
from server.exams.models import Candidate, ExamSession
from server.exams.timeline_facts import PhaseStarted, TimelineFact
from server.exams.timeline_state import TimelineState
from server.lockdown import service
from server.lockdown.seb_check import POLICY_VIOLATION, VERIFIED


async def close_unverified(ctx: AppContext, which: Callable[[Principal], bool]) -> int:
    """Closes the open sockets of the principals `which` selects that did not prove SEB."""
    closed = 0
    for conn in list(ctx.services.ws_connections):
        if not which(conn.principal) or conn.ws.scope.get(VERIFIED):
            continue
        with contextlib.suppress(Exception):  # already closing: nothing more to do
            await conn.ws.close(code=POLICY_VIOLATION, reason="Safe Exam Browser requis")
            closed += 1
    return closed


def candidates_of(exam_session_id: str) -> Callable[[Principal], bool]:
    return lambda p: p.role is Role.CANDIDATE and p.exam_session_id == exam_session_id


async def on_timeline(
    ctx: AppContext, candidate_id: str, state: TimelineState, facts: list[TimelineFact]
) -> None:
    if not any(isinstance(f, PhaseStarted) and f.phase in service.LOCKED_PHASES for f in facts):
        return
    async with ctx.db.session() as session:
        cand = await session.get(Candidate, candidate_id)
        exam = await session.get(ExamSession, cand.exam_session_id) if cand else None
        if exam is None or service.requirement(exam) is None:
            return
    await close_unverified(ctx, lambda p: p.subject_id == candidate_id)
