"""Two actions on one call at the same instant (issue 15): the candidate answers while the ring
time-out misses the call. Exactly one wins, the loser gets a French answer, and the media plane
carries a call exactly when the database says it is answered — in one server (its actions on a
call are ordered) and across two servers sharing the database (the version in the UPDATE)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from server.app import build_context
from server.core import audit
from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.context import AppContext
from server.core.identity import Principal, Role
from server.exams import timeline_service
from server.exams.timeline import Timeline
from server.scenarios.pack.types import SimulationKind
from server.telephony import call_lifecycle, call_phase, calls
from server.telephony.call_state import CallAction, Party
from server.telephony.errors import CallRefused
from server.telephony.events import CallOut
from server.telephony.fake_media import FakeMedia
from server.telephony.models import CallRow
from server.telephony.workers.admission import AdmittingMedia
from tests.harness import seed_exam_day

# PostgreSQL as well as SQLite: races: what the database's locks and isolation let through
pytestmark = pytest.mark.postgres

PACK = "plateforme-horizon"
ROUNDS = 12


@dataclass
class Server:
    ctx: AppContext
    media: FakeMedia


@dataclass
class Day:
    servers: list[Server]
    candidate: str
    client: Principal
    sim_id: str


def _server(settings: Settings, clock: FakeClock) -> Server:
    ctx = build_context(settings, clock=clock)  # pooled, as the server runs
    media = FakeMedia(clock)
    ctx.services.media = media
    return Server(ctx, media)


@pytest.fixture
async def day(settings: Settings, clock: FakeClock) -> AsyncIterator[Day]:
    servers = [_server(settings, clock), _server(settings, clock)]
    ctx = servers[0].ctx
    seeded = await seed_exam_day(ctx, pack_id=PACK)
    cand = seeded.ids["cand_a"]

    def start(t: Timeline) -> list[Any]:
        return t.start(by="test")

    await timeline_service.run(ctx, cand, start, actor="test")
    clock.advance(timedelta(minutes=60))
    await timeline_service.advance_all(ctx)
    sim = next(
        s
        for s in ctx.packs[PACK].for_format(ctx.titles["CRCD"].format("titre")).simulations
        if s.kind is SimulationKind.INBOUND_CALL
    )
    client = Principal(Role.JUROR, seeded.ids["client_a"], "client_a", seeded.session_id)
    try:
        yield Day(servers, cand, client, sim.id)
    finally:
        for s in servers:
            await s.ctx.db.dispose()


async def _race(answering: Server, missing: Server, d: Day) -> tuple[Any, Any, str]:
    ring = await calls.ring_inbound(answering.ctx, d.client, d.candidate, d.sim_id)
    barrier = asyncio.Barrier(2)

    async def answer() -> Any:
        await barrier.wait()
        return await call_lifecycle.act(
            answering.ctx,
            ring.id,
            CallAction.ANSWER,
            party=Party.CANDIDATE,
            actor=f"candidate:{d.candidate}",
            candidate_id=d.candidate,
        )

    async def miss() -> Any:
        await barrier.wait()
        return await call_lifecycle.act(
            missing.ctx,
            ring.id,
            CallAction.MISS,
            party=Party.SYSTEM,
            actor="system:clock",
            enforce_phase=False,
        )

    answered, missed = await asyncio.gather(answer(), miss(), return_exceptions=True)
    return answered, missed, ring.id


async def _check_round(answering: Server, d: Day, answered: Any, missed: Any, call_id: str) -> str:
    outcomes = [r for r in (answered, missed) if isinstance(r, CallOut)]
    refusals = [r for r in (answered, missed) if isinstance(r, CallRefused)]
    assert (len(outcomes), len(refusals)) == (1, 1), (answered, missed)
    assert "entre-temps" in str(refusals[0]) or "Impossible" in str(refusals[0])
    async with answering.ctx.db.session() as s:
        row = await s.get(CallRow, call_id)
        assert row is not None
        state = row.state
    room = answering.media.room(d.candidate)
    if state == "en_ligne":  # the answer won: the media plane carries it, then it is hung up
        assert isinstance(answered, CallOut) and answered.state == "en_ligne"
        assert room.call is not None and room.call.call_id == call_id
        await call_lifecycle.act(
            answering.ctx,
            call_id,
            CallAction.HANG_UP,
            party=Party.CANDIDATE,
            actor="test",
            candidate_id=d.candidate,
        )
        cand = Principal(Role.CANDIDATE, d.candidate, "cand")
        await calls.wrap_up(answering.ctx, cand, call_id, "traitee", "")
    else:  # the miss won: no media was ever started for this call
        assert state == "manque", state
        assert isinstance(missed, CallOut) and missed.state == "manque"
        assert room.call is None
        assert call_id not in room.ended
    return state


async def _verify_chain(ctx: AppContext) -> None:
    async with ctx.db.session() as s:
        _checked, breaks = await audit.verify(s)
    assert breaks == []


async def test_answer_and_ring_timeout_at_once_in_one_server(day: Day) -> None:
    server = day.servers[0]
    for _ in range(ROUNDS):
        answered, missed, call_id = await _race(server, server, day)
        await _check_round(server, day, answered, missed, call_id)
    await _verify_chain(server.ctx)


async def test_answer_and_ring_timeout_at_once_on_two_servers(day: Day) -> None:
    """Two processes on one database (the CLI, a second web process): only the version in the
    UPDATE orders them."""
    one, other = day.servers
    for _ in range(ROUNDS):
        answered, missed, call_id = await _race(one, other, day)
        await _check_round(one, day, answered, missed, call_id)
    await _verify_chain(one.ctx)


async def test_an_answer_the_media_plane_refuses_leaves_the_call_ringing(day: Day) -> None:
    server = day.servers[0]
    admitting = AdmittingMedia(server.media, capacity=1)
    server.ctx.services.media = admitting
    await admitting.start_call("another-candidate", "elsewhere", None)  # full now
    ring = await calls.ring_inbound(server.ctx, day.client, day.candidate, day.sim_id)
    with pytest.raises(CallRefused, match="Audio indisponible"):
        await call_lifecycle.act(
            server.ctx,
            ring.id,
            CallAction.ANSWER,
            party=Party.CANDIDATE,
            actor="test",
            candidate_id=day.candidate,
        )
    async with server.ctx.db.session() as s:
        row = await s.get(CallRow, ring.id)
        assert row is not None and (row.state, row.answered_at) == ("sonnerie", None)
    missed = await call_lifecycle.act(
        server.ctx, ring.id, CallAction.MISS, party=Party.SYSTEM, actor="system:clock"
    )
    assert missed.state == "manque"
    await _verify_chain(server.ctx)


async def test_the_end_of_the_calls_phase_while_the_candidate_answers(day: Day) -> None:
    """The phase ends (its listener misses a ringing call, hangs up an answered one) at the
    instant the candidate answers: whichever comes first, the call is over afterwards and the
    media plane carries nothing."""
    from server.core.referential import PhaseKind
    from server.exams.timeline_facts import EndCause, PhaseEnded

    server = day.servers[0]
    ended = PhaseEnded(at=server.ctx.clock.now(), phase=PhaseKind.APPELS, cause=EndCause.DEADLINE)
    for _ in range(ROUNDS):
        ring = await calls.ring_inbound(server.ctx, day.client, day.candidate, day.sim_id)
        barrier = asyncio.Barrier(2)

        async def answer(barrier: asyncio.Barrier = barrier, call_id: str = ring.id) -> Any:
            await barrier.wait()
            return await call_lifecycle.act(
                server.ctx,
                call_id,
                CallAction.ANSWER,
                party=Party.CANDIDATE,
                actor="test",
                candidate_id=day.candidate,
                enforce_phase=False,
            )

        async def end(barrier: asyncio.Barrier = barrier) -> None:
            await barrier.wait()
            async with server.ctx.db.session() as s:
                state = (await timeline_service.load(server.ctx, s, day.candidate)).state()
            await call_phase.on_timeline(server.ctx, day.candidate, state, [ended])

        await asyncio.gather(answer(), end(), return_exceptions=True)
        async with server.ctx.db.session() as s:
            row = await s.get(CallRow, ring.id)
            assert row is not None and row.state in ("termine", "manque"), row.state
            if row.needs_wrap_up:
                cand = Principal(Role.CANDIDATE, day.candidate, "cand")
                await calls.wrap_up(server.ctx, cand, ring.id, "traitee", "")
        assert server.media.room(day.candidate).call is None
