"""Use-cases of the simulations actually played: a candidate's progress through the subject
(for the run sheet, the observer and the organiser's board), the record of the simulations not
played at the end of the calls phase (persisted, audited, told to the jury and the staff), and
the writing tasks as they follow from it (a task whose simulation was not played is replaced).

The played state is read from the calls and the chat as they are stored; once the calls phase
is over the same computation gives the simulations not played, so the writing phase never
waits for the record to be written to hand out the right brief."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.chat.models import ChatMessage
from server.core import audit
from server.core.context import AppContext
from server.core.events import jury_audience, staff_audience
from server.core.referential import PhaseKind
from server.exams import packs, timeline_service
from server.exams.models import Candidate
from server.exams.timeline_facts import PhaseEnded, TimelineFact
from server.exams.timeline_state import TimelineState
from server.progress.domain import (
    CallFact,
    Card,
    ChatFact,
    NotPlayedReason,
    Progress,
    Recorded,
    progress,
)
from server.progress.events import ProgressChanged, ProgressOut
from server.progress.models import SimulationNotPlayed
from server.scenarios.pack.models import FormatSubset, ScenarioPack
from server.telephony.call_state import CallState
from server.telephony.models import CallRow

LIVE = (CallState.RINGING.value, CallState.ACTIVE.value, CallState.HELD.value)


async def _facts(
    session: AsyncSession, candidate_id: str
) -> tuple[list[CallFact], list[ChatFact], dict[str, Recorded]]:
    calls = [
        CallFact(
            simulation_id=r.simulation_id,
            rang_at=r.rang_at,
            answered_at=r.answered_at,
            live=r.state in LIVE,
            wrap_up_pending=bool(r.needs_wrap_up and r.wrapped_up_at is None),
        )
        for r in await session.scalars(
            select(CallRow).where(CallRow.candidate_id == candidate_id).order_by(CallRow.rang_at)
        )
    ]
    chats = [
        ChatFact(simulation_id=sim, author=author, at=at)
        for sim, author, at in await session.execute(
            select(ChatMessage.simulation_id, ChatMessage.author, ChatMessage.sent_at).where(
                ChatMessage.candidate_id == candidate_id
            )
        )
    ]
    recorded = {
        r.simulation_id: Recorded(NotPlayedReason(r.reason), r.detail, r.at)
        for r in await session.scalars(
            select(SimulationNotPlayed).where(SimulationNotPlayed.candidate_id == candidate_id)
        )
    }
    return calls, chats, recorded


def cards(subset: FormatSubset) -> list[Card]:
    return [Card(s.id, s.title, s.kind, s.minutes) for s in subset.simulations]


async def load(ctx: AppContext, session: AsyncSession, candidate_id: str) -> Progress | None:
    """The candidate's progress now; None when the session has no subject."""
    found = await packs.candidate_subset(ctx, session, candidate_id)
    if found is None:
        return None
    pack, subset = found
    timeline = await timeline_service.load(ctx, session, candidate_id)
    calls, chats, recorded = await _facts(session, candidate_id)
    return progress(
        cards(subset),
        wrap_up_minutes=pack.wrap_up_minutes,
        calls=calls,
        chats=chats,
        recorded=recorded,
        state=timeline.state(),
        now=ctx.clock.now(),
    )


async def progress_out(ctx: AppContext, session: AsyncSession, candidate_id: str) -> dict[str, Any]:
    """The progress now, and the simulations recorded as not played (with when)."""
    found = await load(ctx, session, candidate_id)
    return {
        "candidate_id": candidate_id,
        "progress": found.out() if found else None,
        "recorded_not_played": await not_played(session, candidate_id),
    }


@dataclass(frozen=True)
class Played:
    """The candidate's part of the subject as it was played: each writing task whose
    simulation was not played replaced by its stand-alone brief (never a confirmation of a
    call that did not take place), and the simulations not played with their reason."""

    pack: ScenarioPack
    subset: FormatSubset
    progress: Progress

    @property
    def not_played(self) -> dict[str, str]:
        """simulation id → « Non jouée : reason — detail »."""
        return {
            s.card.id: f"Non jouée : {s.reason.label if s.reason else ''} — {s.detail or ''}"
            for s in self.progress.unplayed
        }


async def played(ctx: AppContext, session: AsyncSession, candidate_id: str) -> Played | None:
    found = await packs.candidate_subset(ctx, session, candidate_id)
    if found is None:
        return None
    pack, subset = found
    now = await load(ctx, session, candidate_id)
    assert now is not None
    unplayed = {s.card.id for s in now.unplayed}
    if unplayed:
        tasks = tuple(
            w.when_not_played() if w.simulation in unplayed else w for w in subset.writing_tasks
        )
        subset = subset.model_copy(update={"writing_tasks": tasks})
    return Played(pack, subset, now)


async def effective_subset(
    ctx: AppContext, session: AsyncSession, candidate_id: str
) -> tuple[ScenarioPack, FormatSubset] | None:
    """`played`'s pack and subset (writing tasks replaced where their simulation was not
    played)."""
    found = await played(ctx, session, candidate_id)
    return (found.pack, found.subset) if found else None


async def not_played(session: AsyncSession, candidate_id: str) -> list[dict[str, Any]]:
    """The simulations recorded as not played, for the grid and the appeal archive."""
    rows = await session.scalars(
        select(SimulationNotPlayed)
        .where(SimulationNotPlayed.candidate_id == candidate_id)
        .order_by(SimulationNotPlayed.at, SimulationNotPlayed.simulation_id)
    )
    return [
        {
            "simulation_id": r.simulation_id,
            "reason": r.reason,
            "reason_label": NotPlayedReason(r.reason).label,
            "detail": r.detail,
            "at": r.at.isoformat(),
        }
        for r in rows
    ]


async def record_unplayed(ctx: AppContext, candidate_id: str) -> int:
    """At the end of the calls phase: each simulation not played is recorded once, with its
    reason, and audited. Idempotent (a restart applying the deadline again adds nothing)."""
    async with ctx.db.session() as session:
        now = await load(ctx, session, candidate_id)
        if now is None or now.phase != "terminee":
            return 0
        candidate = await session.get(Candidate, candidate_id)
        assert candidate is not None
        known = set(
            await session.scalars(
                select(SimulationNotPlayed.simulation_id).where(
                    SimulationNotPlayed.candidate_id == candidate_id
                )
            )
        )
        added = [s for s in now.unplayed if s.card.id not in known]
        for sim in added:
            assert sim.reason is not None
            session.add(
                SimulationNotPlayed(
                    candidate_id=candidate_id,
                    simulation_id=sim.card.id,
                    reason=sim.reason.value,
                    detail=sim.detail or sim.reason.label,
                    at=ctx.clock.now(),
                )
            )
            await audit.record(
                session,
                clock=ctx.clock,
                actor="system:clock",
                action="simulation.not_played",
                exam_session_id=candidate.exam_session_id,
                subject=candidate_id,
                details={
                    "simulation": sim.card.id,
                    "title": sim.card.title,
                    "reason": sim.reason.value,
                    "detail": sim.detail,
                    "attempts": sim.attempts,
                },
            )
        await session.commit()
        out = (await load(ctx, session, candidate_id)) if added else None
        exam_session_id = candidate.exam_session_id
    if out is not None:
        ctx.bus.publish(
            [jury_audience(candidate_id), staff_audience(exam_session_id)],
            ProgressChanged(
                candidate_id=candidate_id, progress=ProgressOut.model_validate(out.out())
            ),
        )
    return len(added)


async def on_timeline(
    ctx: AppContext, candidate_id: str, state: TimelineState, facts: list[TimelineFact]
) -> None:
    if any(isinstance(f, PhaseEnded) and f.phase is PhaseKind.APPELS for f in facts):
        await record_unplayed(ctx, candidate_id)
