"""Start-up and shutdown of the revocation watch: a person's sessions revoked by another
process (a `plateau` command, another web process on the same database) close their open
sockets here too, within about a second. Revocations made in this process close them at the
commit already (auth.service.revoke_sessions)."""

from __future__ import annotations

import asyncio
import logging
import sys

from sqlalchemy import select

from server.auth.models import Account
from server.core.context import AppContext
from server.core.tasks import cancel_and_wait, raise_if_cancelled
from server.exams.models import ExamSession, Participant

log = logging.getLogger(__name__)


async def check_revocations(ctx: AppContext) -> int:
    """One pass: closes the sockets whose person's generation moved on, who was removed, or
    whose session's codes expired (their cookie is refused from then on: so is their page)."""
    subjects = ctx.live_sessions.subjects()
    if not subjects:
        return 0
    current: dict[str, int] = {}
    now = ctx.clock.now()
    async with ctx.db.session() as session:
        rows = await session.execute(
            select(Participant.id, Participant.session_generation)
            .join(ExamSession, ExamSession.id == Participant.exam_session_id)
            .where(Participant.id.in_(subjects), ExamSession.codes_expire_at > now)
        )
        current.update({sid: int(gen) for sid, gen in rows})
        rows = await session.execute(
            select(Account.id, Account.session_generation).where(Account.id.in_(subjects))
        )
        current.update({sid: int(gen) for sid, gen in rows})
    closed = 0
    for subject in subjects:
        closed += ctx.live_sessions.revoked(subject, current.get(subject, sys.maxsize))
    return closed


async def _watch(ctx: AppContext) -> None:
    while True:
        await asyncio.sleep(ctx.settings.revocation_watch_s)
        try:
            await check_revocations(ctx)
        except Exception:  # noqa: BLE001 - a database outage: try again at the next pass
            raise_if_cancelled()
            log.warning("vérification des sessions révoquées impossible", exc_info=True)


async def start_revocation_watch(ctx: AppContext) -> None:
    """Only with background tasks (tests call `check_revocations`, as they advance the clock)."""
    if ctx.settings.background_tasks:
        ctx.services.revocation_watch = asyncio.get_running_loop().create_task(_watch(ctx))


async def stop_revocation_watch(ctx: AppContext) -> None:
    task, ctx.services.revocation_watch = ctx.services.revocation_watch, None
    await cancel_and_wait(task)
