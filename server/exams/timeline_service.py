"""Use-cases of the timeline: replay a candidate's persisted facts, run a command, persist
the new facts (audit-logged), and tell every page. The clock only ever comes from the context."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.core import audit, localtime
from server.core.context import AppContext
from server.core.events import candidate_audience, jury_audience, staff_audience
from server.core.tasks import cancel_and_wait, raise_if_cancelled
from server.core.wiring import ELECTION_SWEEP, HookPoint
from server.exams.events import PhaseWarning, TimelineChanged
from server.exams.models import Candidate, ExamSession, TimelineFactRow
from server.exams.queries import NotFound
from server.exams.timeline import Timeline, TimelineError
from server.exams.timeline_facts import TimelineFact, WarningEmitted, dump_fact, parse_fact
from server.exams.timeline_state import TimelineState

Command = Callable[[Timeline], list[TimelineFact]]
# Other packages react to a candidate's timeline (telephony holds calls on a pause, …): they
# are called with what was applied, after its commit. Who listens, and who sweeps after an
# election (`ELECTION_SWEEP`), is `ctx.wiring` (server/core/wiring.py), assembled by
# server/app.py from the packages' contributions.
TimelineListener = Callable[[AppContext, str, TimelineState, list[TimelineFact]], Awaitable[None]]
TIMELINE_LISTENER: HookPoint[TimelineListener] = HookPoint("timeline_listeners")
log = logging.getLogger(__name__)


async def load(ctx: AppContext, session: AsyncSession, candidate_id: str) -> Timeline:
    return (await _load(ctx, session, candidate_id))[0]


async def _load(ctx: AppContext, session: AsyncSession, candidate_id: str) -> tuple[Timeline, int]:
    """The timeline and the number (`seq`) of the last fact it was built from."""
    row = (
        await session.execute(
            select(Candidate, ExamSession)
            .join(ExamSession, Candidate.exam_session_id == ExamSession.id)
            .where(Candidate.participant_id == candidate_id)
        )
    ).first()
    if row is None:
        raise NotFound("Candidat introuvable.")
    _, exam = row
    exam_format = ctx.titles[exam.title_id].format(exam.format_id)
    rows = (
        await session.execute(
            select(TimelineFactRow.seq, TimelineFactRow.data)
            .where(TimelineFactRow.candidate_id == candidate_id)
            .order_by(TimelineFactRow.seq)
        )
    ).all()
    last = rows[-1][0] if rows else 0
    return Timeline(exam_format, ctx.clock, [parse_fact(data) for _, data in rows]), last


def candidate_view(state: TimelineState) -> TimelineState:
    """What the candidate's own page receives: a closure's comment and author are staff
    text, left out."""
    if state.closure is None:
        return state
    closure = state.closure.model_copy(update={"comment": "", "by": None})
    return state.model_copy(update={"closure": closure})


async def run(ctx: AppContext, candidate_id: str, command: Command, *, actor: str) -> TimelineState:
    """Runs one command in its own transaction. Its facts are numbered after the last fact it
    was decided on, so the (candidate, seq) key refuses them if another command appended
    meanwhile (another process): the command is then decided again on the new history. In one
    process the commands of a candidate are also taken one after the other."""
    attempts = 8
    for attempt in range(1, attempts + 1):
        try:
            return await _run_once(ctx, candidate_id, command, actor=actor)
        except IntegrityError:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


async def _run_once(
    ctx: AppContext, candidate_id: str, command: Command, *, actor: str
) -> TimelineState:
    locks = ctx.services.timeline_locks
    async with locks.setdefault(candidate_id, asyncio.Lock()), ctx.db.session() as session:
        timeline, last = await _load(ctx, session, candidate_id)
        new = command(timeline)
        if new:
            exam_session_id = await session.scalar(
                select(Candidate.exam_session_id).where(Candidate.participant_id == candidate_id)
            )
            await _persist(ctx, session, candidate_id, exam_session_id, new, actor, after=last)
            await session.commit()
        state = timeline.state()
    if new:
        await _announce(ctx, candidate_id, exam_session_id, state, new)
    return state


async def _persist(
    ctx: AppContext,
    session: AsyncSession,
    candidate_id: str,
    exam_session_id: str | None,
    facts: list[TimelineFact],
    actor: str,
    *,
    after: int,
) -> None:
    """Appends the facts numbered from `after + 1` (the last fact they were decided on)."""
    seq = after
    for fact in facts:
        seq += 1
        data = dump_fact(fact)
        session.add(
            TimelineFactRow(
                candidate_id=candidate_id, seq=seq, kind=fact.kind, at=fact.at, data=data
            )
        )
        await session.flush()  # the key refuses a fact numbered like one appended meanwhile
        await audit.record(
            session,
            clock=ctx.clock,
            actor=fact.by or actor,
            action=f"timeline.{fact.kind}",
            exam_session_id=exam_session_id,
            subject=candidate_id,
            details=data,
        )
    await session.flush()


async def _announce(
    ctx: AppContext,
    candidate_id: str,
    exam_session_id: str | None,
    state: TimelineState,
    facts: list[TimelineFact],
) -> None:
    audiences = [candidate_audience(candidate_id), jury_audience(candidate_id)]
    if exam_session_id:
        audiences.append(staff_audience(exam_session_id))
    staff_only = audiences[1:] if state.closure is not None else audiences
    for fact in facts:
        if isinstance(fact, WarningEmitted):
            ctx.bus.publish(
                audiences,
                PhaseWarning(
                    candidate_id=candidate_id, minutes=fact.minutes, phase_label=fact.phase.label
                ),
            )
    if state.closure is not None:  # the candidate's copy first: the jury hears both, in order
        ctx.bus.publish(
            audiences[:1],
            TimelineChanged(candidate_id=candidate_id, state=candidate_view(state)),
        )
    ctx.bus.publish(staff_only, TimelineChanged(candidate_id=candidate_id, state=state))
    for listener in ctx.wiring.hooks(TIMELINE_LISTENER):
        await listener(ctx, candidate_id, state, facts)
    _poke(ctx)


def _poke(ctx: AppContext) -> None:
    """Wakes the clock up for a new deadline (none without background tasks)."""
    if ctx.services.timeline_scheduler is not None:
        ctx.services.timeline_scheduler.poke()


async def active_candidates(ctx: AppContext) -> list[str]:
    """Candidates of the sessions still open (their codes have not expired) whose timeline
    has started; finished ones are skipped by the caller after replay."""
    async with ctx.db.session() as session:
        rows = await session.scalars(
            select(TimelineFactRow.candidate_id)
            .distinct()
            .join(Candidate, Candidate.participant_id == TimelineFactRow.candidate_id)
            .join(ExamSession, ExamSession.id == Candidate.exam_session_id)
            .where(ExamSession.codes_expire_at > ctx.clock.now())
        )
        return list(rows)


async def planned_starts(ctx: AppContext) -> tuple[list[tuple[str, datetime]], datetime | None]:
    """Candidates whose planned (staggered) start has come and who have not started yet, and
    the next planned start still to come."""
    now = ctx.clock.now()
    async with ctx.db.session() as session:
        started = select(TimelineFactRow.candidate_id).distinct()
        rows = (
            await session.execute(
                select(Candidate.participant_id, Candidate.planned_start)
                .join(ExamSession, ExamSession.id == Candidate.exam_session_id)
                .where(
                    Candidate.planned_start.is_not(None),
                    ExamSession.codes_expire_at > now,
                    Candidate.participant_id.not_in(started),
                )
            )
        ).all()
    planned = [(cid, at) for cid, at in rows if at is not None]
    due = sorted(((cid, at) for cid, at in planned if at <= now), key=lambda r: r[1])
    later = [at for _, at in planned if at > now]
    return due, min(later) if later else None


async def advance_all(ctx: AppContext) -> datetime | None:
    """Applies every due deadline and warning (at start-up: those that passed while the server
    was down, each at its own instant, in order) and the planned starts that have come.
    Returns the next instant to wake up at."""
    wakeups: list[datetime] = []
    due_starts, next_start = await planned_starts(ctx)
    if next_start is not None:
        wakeups.append(next_start)
    for candidate_id, planned in due_starts:

        def start(t: Timeline, at: datetime = planned) -> list[TimelineFact]:
            return t.start_at(at, by="system:planning")

        with contextlib.suppress(TimelineError):
            await run(ctx, candidate_id, start, actor="system:planning")
    for candidate_id in await active_candidates(ctx):
        seen: list[Timeline] = []

        def advance(t: Timeline, seen: list[Timeline] = seen) -> list[TimelineFact]:
            seen.append(t)
            return t.advance()

        await run(ctx, candidate_id, advance, actor="system:clock")
        if seen and (wake := seen[-1].next_wakeup()) is not None:
            wakeups.append(wake)
    return min(wakeups) if wakeups else None


class Scheduler:
    """Sleeps until the next deadline or warning (or until a command pokes it), then applies
    what is due. It sleeps on the context's clock: with a FakeClock, advancing the clock wakes
    it (tests without background tasks call `advance_all` themselves)."""

    MAX_SLEEP = 30.0  # real seconds between two looks when nothing is due
    REPLICA_SLEEP = 1.0  # with replicas: what another replica changed is seen within this
    RETRY_SLEEP = 0.05  # a deadline already due (its tick failed) is retried this soon

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def poke(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="timeline-scheduler")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)

    async def _loop(self) -> None:
        leadership = self.ctx.services.leadership
        while True:
            if leadership is not None and not leadership.is_leader:  # another replica leads
                await leadership.elected()
                for sweep in self.ctx.wiring.hooks(ELECTION_SWEEP):
                    try:
                        await sweep(self.ctx)
                    except Exception:  # noqa: BLE001 - the clock runs regardless
                        raise_if_cancelled()
                        log.exception("election sweep failed")
            try:
                nxt = await advance_all(self.ctx)
            except Exception:  # noqa: BLE001 - keep the clock running; the next tick retries
                raise_if_cancelled()
                log.exception("timeline tick failed")
                nxt = None
            # replicas: what another replica changed is seen within REPLICA_SLEEP
            poll = self.REPLICA_SLEEP if self.ctx.settings.redis_url else self.MAX_SLEEP
            self._wake.clear()
            await self._sleep_until(nxt, poll)

    async def _poked(self) -> None:
        await self._wake.wait()

    async def _sleep_until(self, deadline: datetime | None, poll_s: float) -> None:
        """Until `deadline` on the context's clock (a FakeClock's advance reaches it), a poke,
        or `poll_s` real seconds, whichever comes first."""
        waits = [asyncio.create_task(self._poked())]
        if deadline is not None:
            left = (deadline - self.ctx.clock.now()).total_seconds()
            if left > 0:
                waits.append(asyncio.create_task(self.ctx.clock.sleep(left)))
            else:  # due already (a tick that failed): retry soon, not in a busy loop
                poll_s = min(poll_s, self.RETRY_SLEEP)
        try:
            await asyncio.wait(waits, timeout=poll_s, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()


class PlannedStartPast(TimelineError):
    """A planned start already past would silently shorten the first phase: refused; the page
    offers to start now instead (`extra` tells it why)."""

    extra = {"code": "planned_start_past"}


async def plan_start(
    ctx: AppContext, session: AsyncSession, candidate_id: str, at: datetime | None, *, actor: str
) -> None:
    timeline = await load(ctx, session, candidate_id)
    if timeline.facts and any(f.kind == "phase_started" for f in timeline.facts):
        raise TimelineError("L'épreuve de ce candidat a déjà commencé.")
    now = ctx.clock.now()
    if at is not None and at.tzinfo is None:
        raise TimelineError("L'heure de départ doit préciser son fuseau horaire.")
    if at is not None and at < now:
        late = (now - at).total_seconds()
        shown = localtime.date_time(at, ctx.settings.zone)
        first = timeline.format.phases[0].kind.label.lower()
        raise PlannedStartPast(
            f"L'heure de départ choisie ({shown}) est déjà passée"
            + (f" de {localtime.duration(late)}" if late >= 60 else "")
            + f" : la {first} du candidat en serait amputée. Choisissez une heure à venir, "
            "ou démarrez l'épreuve maintenant."
        )
    candidate = await session.get(Candidate, candidate_id)
    assert candidate is not None
    candidate.planned_start = at
    await audit.record(
        session,
        clock=ctx.clock,
        actor=actor,
        action="timeline.plan_start",
        exam_session_id=candidate.exam_session_id,
        subject=candidate_id,
        details={"planned_start": at.isoformat() if at else None},
    )
    await session.commit()
    _poke(ctx)
