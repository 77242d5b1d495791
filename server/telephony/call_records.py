"""A call's row: its public shape, its state machine, the reads of a candidate's calls, and
the announcement of each change to the candidate's and the jury's pages."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.clock import FixedClock
from server.core.context import AppContext
from server.core.events import candidate_audience, jury_audience
from server.exams import packs
from server.telephony import call_control
from server.telephony.call_state import (
    Call,
    CallAction,
    CallDirection,
    CallEvent,
    CallState,
    HoldPeriod,
    Party,
)
from server.telephony.events import CallChanged, CallOut
from server.telephony.models import CallRow

LIVE_STATES = (CallState.RINGING.value, CallState.ACTIVE.value, CallState.HELD.value)
DISPOSITIONS = {
    "traitee": "Demande traitée",
    "rappel": "Rappel programmé",
    "rendez_vous": "Rendez-vous pris",
    "vente": "Vente conclue",
    "accord_paiement": "Accord de paiement",
    "refus": "Refus",
    "escalade": "Escalade niveau 2",
    "injoignable": "Faux numéro / non joignable",
    "autre": "Autre",
}


def digits_of(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    if digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def call_out(row: CallRow) -> CallOut:
    return CallOut(
        id=row.id,
        simulation_id=row.simulation_id,
        direction=row.direction,
        state=row.state,
        number=row.number,
        crm_record_id=row.crm_record_id,
        rang_at=row.rang_at.isoformat(),
        answered_at=row.answered_at.isoformat() if row.answered_at else None,
        ended_at=row.ended_at.isoformat() if row.ended_at else None,
        ended_by=row.ended_by,
        held_seconds=row.held_seconds,
        hold_started_at=row.hold_started_at.isoformat() if row.hold_started_at else None,
        needs_wrap_up=row.needs_wrap_up,
        disposition=row.disposition,
        disposition_label=DISPOSITIONS.get(row.disposition or ""),
        disposition_note=row.disposition_note,
    )


def call_of(row: CallRow, ctx: AppContext, at: datetime | None = None) -> Call:
    """The call's state machine; `at`: the instant its next action was asked (a command that
    waited for the database is dated when it was asked, not when it was written)."""
    call = Call(
        call_id=row.id,
        direction=CallDirection(row.direction),
        clock=FixedClock(at) if at is not None else ctx.clock,
        ringing_at=row.rang_at,
        state=CallState(row.state),
        answered_at=row.answered_at,
        ended_at=row.ended_at,
        ended_by=Party(row.ended_by) if row.ended_by else None,
    )
    if row.hold_started_at is not None:
        call.holds.append(HoldPeriod(start=row.hold_started_at))
    return call


def store(row: CallRow, call: Call, event: CallEvent) -> None:
    """Writes the machine's new state into the row."""
    if event.from_state is CallState.HELD and row.hold_started_at is not None:
        row.held_seconds += (event.at - row.hold_started_at).total_seconds()
        row.hold_started_at = None
    if event.action is CallAction.HOLD:
        row.hold_started_at = event.at
    row.state = call.state.value
    row.answered_at = call.answered_at
    row.ended_at = call.ended_at
    row.ended_by = call.ended_by.value if call.ended_by else None
    # Every call the candidate handled or placed ends with a wrap-up (disposition + note);
    # an inbound call the candidate never picked up does not.
    if call.state.is_terminal:
        row.needs_wrap_up = not (
            call.direction is CallDirection.INBOUND and call.answered_at is None
        )


def announce(ctx: AppContext, row: CallRow) -> None:
    call = call_out(row)
    call_control.live_calls(ctx).seen(row.candidate_id, call)
    ctx.bus.publish(
        [candidate_audience(row.candidate_id), jury_audience(row.candidate_id)],
        CallChanged(candidate_id=row.candidate_id, call=call),
    )


async def live_call(session: AsyncSession, candidate_id: str) -> CallRow | None:
    found: CallRow | None = await session.scalar(
        select(CallRow)
        .where(CallRow.candidate_id == candidate_id, CallRow.state.in_(LIVE_STATES))
        .order_by(CallRow.rang_at.desc())
        .limit(1)
    )
    return found


async def pending_wrap_up(session: AsyncSession, candidate_id: str) -> CallRow | None:
    found: CallRow | None = await session.scalar(
        select(CallRow)
        .where(
            CallRow.candidate_id == candidate_id,
            CallRow.needs_wrap_up.is_(True),
            CallRow.wrapped_up_at.is_(None),
        )
        .limit(1)
    )
    return found


def line_names(pack: Any) -> dict[str, str]:
    return {p.id: p.name for p in pack.principals}


async def lines_of(ctx: AppContext, session: AsyncSession, candidate_id: str) -> dict[str, str]:
    """The line each simulation's calls are on: its principal's name (the DNIS label a real
    CTI shows), by simulation id."""
    found = await packs.candidate_subset(ctx, session, candidate_id)
    if found is None:
        return {}
    pack, subset = found
    names = line_names(pack)
    return {s.id: names.get(s.candidate.principal, "") for s in subset.simulations}


async def calls_with_lines(
    ctx: AppContext, session: AsyncSession, candidate_id: str
) -> list[dict[str, Any]]:
    """`calls_of`, each call with its `line` (after a reload the bar still names it)."""
    lines = await lines_of(ctx, session, candidate_id)
    return [
        {**c.model_dump(), "line": lines.get(c.simulation_id or "", "")}
        for c in await calls_of(session, candidate_id)
    ]


async def calls_of(session: AsyncSession, candidate_id: str) -> list[CallOut]:
    rows = await session.scalars(
        select(CallRow).where(CallRow.candidate_id == candidate_id).order_by(CallRow.rang_at)
    )
    return [call_out(r) for r in rows]


async def calls_json(session: AsyncSession, candidate_id: str) -> list[dict[str, Any]]:
    """`calls_of` as JSON objects (the archive, the pages' snapshot)."""
    return [c.model_dump() for c in await calls_of(session, candidate_id)]
