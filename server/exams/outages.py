"""An outage is given back (issue 15). When the server — or its database — was unavailable for
more than a few seconds, every candidate whose timed phase was running is given the time back:
the timeline records a pause from the outage's start (the last heartbeat) to its end (the first
beat after it), reason « Interruption technique du serveur », by `system:outage`, so the
deadline moves by exactly the outage and the timeline stays a pure function of its facts. Each
candidate concerned gets a technical incident on the organiser's and the proctor's consoles
(persisted and audited); the organiser can still extend or end the phase as usual.

At start-up (before the clock applies the deadlines that passed meanwhile) the gap since the
last heartbeat is checked; while running, a beat that succeeds after failing or stalling for
longer than the grace does the same (a database outage)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

from server.core import heartbeat
from server.core.clock import real_seconds
from server.core.context import AppContext
from server.core.tasks import cancel_and_wait, raise_if_cancelled
from server.exams import overview, timeline_service
from server.exams.timeline import Timeline
from server.exams.timeline_facts import TimelineFact

log = logging.getLogger(__name__)
REASON = "Interruption technique du serveur"
ACTOR = "system:outage"
GRACE_S = 5.0  # real seconds: shorter stalls are not outages


def is_outage(ctx: AppContext, start: datetime, end: datetime) -> bool:
    return real_seconds(ctx.clock, (end - start).total_seconds()) > GRACE_S


async def give_back(ctx: AppContext, start: datetime, end: datetime) -> list[str]:
    """Every candidate whose timed phase ran at `start` gets `end - start` back; returns them."""
    given: list[str] = []
    seconds = round((end - start).total_seconds())
    for candidate_id in await timeline_service.active_candidates(ctx):
        appended: list[TimelineFact] = []

        def command(t: Timeline, appended: list[TimelineFact] = appended) -> list[TimelineFact]:
            appended.extend(t.interrupted(start, end, REASON, by=ACTOR))
            return appended

        await timeline_service.run(ctx, candidate_id, command, actor=ACTOR)
        if not appended:
            continue
        given.append(candidate_id)
        phase = getattr(appended[0], "phase", None)
        label = phase.label if phase is not None else ""
        await overview.report_incident(
            ctx,
            candidate_id=candidate_id,
            kind="server_outage",
            detail=(
                f"Serveur indisponible {seconds} s : temps rendu au candidat (phase « {label} »)."
            ),
            actor=ACTOR,
        )
    if given:
        log.warning("outage of %s s given back to %d candidate(s)", seconds, len(given))
    return given


async def at_start_up(ctx: AppContext) -> None:
    """The outage that ended with this start (a kill, a crash, a stop), given back; then the
    first beat."""
    now = ctx.clock.now()
    last = await heartbeat.last_beat(ctx.db)
    if last is not None and is_outage(ctx, last, now):
        await give_back(ctx, last, now)
    await heartbeat.beat(ctx.db, now)


async def last_beat(ctx: AppContext) -> None:
    """At a clean stop: the outage starts now, not at the last periodic beat."""
    with contextlib.suppress(Exception):  # the database may be the reason of the stop
        await heartbeat.beat(ctx.db, ctx.clock.now())


class Heart:
    """Beats every second; a beat that succeeds after an outage gives it back."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.last_ok = ctx.clock.now()
        self._task: asyncio.Task[None] | None = None
        self._failing = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="heartbeat")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)

    async def tick(self) -> None:
        now = self.ctx.clock.now()
        try:
            await heartbeat.beat(self.ctx.db, now)
        except Exception:  # noqa: BLE001 - the database is away: the next beat measures it
            if not self._failing:
                log.warning("heartbeat: database unavailable", exc_info=True)
            self._failing = True
            return
        self._failing = False
        start, self.last_ok = self.last_ok, now
        leadership = self.ctx.services.leadership
        if leadership is not None and not leadership.is_leader:
            return  # replicas: the database outage is given back once, by the clock's leader
        if is_outage(self.ctx, start, now):
            await give_back(self.ctx, start, now)

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.ctx.settings.heartbeat_s)
            try:
                await self.tick()
            except Exception:  # noqa: BLE001 - keep beating
                raise_if_cancelled()
                log.exception("heartbeat tick failed")
