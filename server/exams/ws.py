"""The exam's WebSocket parts: what each page gets on connect, and the lockdown reports."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.clock import clock_rate
from server.core.context import AppContext
from server.core.events import Message, Payload
from server.core.identity import Principal, Role
from server.core.text import Text
from server.exams import service
from server.web.ws_registry import CommandError, WsCommand


async def clock_snapshot(ctx: AppContext, session: AsyncSession, principal: Principal) -> Any:
    """How fast exam time runs (1: real time; N under `plateau demo --speed N`): the pages'
    serverNow() scales the time elapsed since their last time sample by it."""
    return {"rate": clock_rate(ctx.clock)}


async def exam_snapshot(ctx: AppContext, session: AsyncSession, principal: Principal) -> Any:
    return await service.exam_snapshot(ctx, session, principal)


class LockdownRecorded(Payload):
    """`lockdown.report`'s reply: the incident is recorded."""

    recorded: bool = Field(default=True, description="Always true.")


class LockdownReport(Message):
    type: Literal["lockdown.report"]
    kind: Literal["focus_lost", "fullscreen_left", "tab_hidden", "paste"]
    detail: Annotated[str, Text(300)] = ""


async def on_lockdown_report(
    ctx: AppContext, principal: Principal, msg: LockdownReport
) -> LockdownRecorded:
    try:
        await service.report_incident(
            ctx,
            candidate_id=principal.subject_id,
            kind=msg.kind,
            detail=msg.detail,
            actor=principal.actor,
        )
    except ValueError as exc:
        raise CommandError("invalid", str(exc)) from None
    return LockdownRecorded()


# The commands this package's contribution declares (who may send each).
WS_COMMANDS = (WsCommand.of(LockdownReport, (Role.CANDIDATE,), on_lockdown_report),)
