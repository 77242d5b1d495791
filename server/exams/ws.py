"""The exam's WebSocket parts: what each page gets on connect, and the lockdown reports."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.domain import Principal, Role
from server.core.clock import clock_rate
from server.core.context import AppContext
from server.core.events import Message
from server.core.text import Text
from server.exams import overview
from server.exams.models import Candidate
from server.web.ws_registry import CommandError, WsCommand


async def clock_snapshot(ctx: AppContext, session: AsyncSession, principal: Principal) -> Any:
    """How fast exam time runs (1: real time; N under `plateau demo --speed N`): the pages'
    serverNow() scales the time elapsed since their last time sample by it."""
    return {"rate": clock_rate(ctx.clock)}


async def exam_snapshot(ctx: AppContext, session: AsyncSession, principal: Principal) -> Any:
    ids = await overview.visible_candidates(session, principal)
    data = await overview.candidate_overview(ctx, session, ids)
    if principal.role is Role.CANDIDATE:
        # The candidate's page sees its own clock, not the proctor's incident list.
        timeline = data[principal.subject_id]["timeline"] if data else None
        if timeline and timeline.get("closure"):
            timeline["closure"] = {**timeline["closure"], "comment": "", "by": None}
        return {"timeline": timeline} if data else {}
    names = {
        c.participant_id: f"{c.first_name} {c.last_name.upper()}"
        for c in [await session.get(Candidate, cid) for cid in ids]
        if c is not None
    }
    return {"candidates": data, "names": names}


class LockdownReport(Message):
    type: Literal["lockdown.report"]
    kind: Literal["focus_lost", "fullscreen_left", "tab_hidden", "paste"]
    detail: Annotated[str, Text(300)] = ""


async def on_lockdown_report(
    ctx: AppContext, principal: Principal, msg: LockdownReport
) -> dict[str, Any]:
    try:
        await overview.report_incident(
            ctx,
            candidate_id=principal.subject_id,
            kind=msg.kind,
            detail=msg.detail,
            actor=principal.actor,
        )
    except ValueError as exc:
        raise CommandError("invalid", str(exc)) from None
    return {"recorded": True}


# The commands this package's contribution declares (who may send each).
WS_COMMANDS = (WsCommand.of(LockdownReport, (Role.CANDIDATE,), on_lockdown_report),)
