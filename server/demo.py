"""`plateau demo`: a ready-to-try exam session on SQLite, with its codes printed."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from server.auth import service as auth_service
from server.auth.models import Account
from server.core import localtime
from server.core.audit import AuditEntry
from server.core.clock import clock_rate
from server.core.context import AppContext
from server.core.db import Database
from server.core.files import write_private
from server.core.identity import Capacity, Role
from server.core.referential import Pathway
from server.exams import setup
from server.exams.models import ExamSession
from server.exams.packs import freeze_pack_for_session

DEMO_CENTRE = "Centre de démonstration Plateau"
DEMO_USERNAME = "organisateur"


@dataclass
class DemoLogins:
    organiser_username: str
    organiser_password: str
    codes: list[setup.CodeLine]


def _demo_password(data_dir: Path) -> str:
    path = data_dir / "demo_password"
    if not path.exists():
        write_private(path, secrets.token_urlsafe(12))
    return path.read_text(encoding="utf-8").strip()


DEMO_PACK = "plateforme-horizon"


async def rehearsal_start(database_url: str) -> datetime:
    """Where an accelerated clock starts: now, or the last instant the database recorded if
    an earlier rehearsal ran ahead of real time (exam time never goes backward)."""
    db = Database(database_url, pooled=False)
    try:
        async with db.session() as session:
            last = await session.scalar(select(func.max(AuditEntry.at)))
    finally:
        await db.dispose()
    now = datetime.now(UTC)
    return max(now, last) if last is not None else now


async def seed_demo(ctx: AppContext) -> DemoLogins:
    """Idempotent: a second run finds the demo session and prints the same codes. The
    session uses the demo pack when it loaded (else the first valid pack, else none).

    On an accelerated clock (`plateau demo --speed N`) every run makes a fresh rehearsal
    session instead, its codes valid for two real days."""
    password = _demo_password(ctx.settings.data_dir)
    actor = "system:demo"
    rate = clock_rate(ctx.clock)
    centre = DEMO_CENTRE
    if rate > 1:
        started = localtime.date_time(ctx.clock.now(), ctx.settings.zone)
        centre = f"Répétition accélérée ×{rate:g} — {started}"
    async with ctx.db.session() as session:
        if await session.scalar(select(Account).where(Account.username == DEMO_USERNAME)) is None:
            await auth_service.create_account(
                session,
                username=DEMO_USERNAME,
                display_name="Responsable de session (démo)",
                password=password,
                clock=ctx.clock,
            )
        exam = await session.scalar(select(ExamSession).where(ExamSession.centre == centre))
        if exam is None:
            pack_id = DEMO_PACK if DEMO_PACK in ctx.packs else next(iter(sorted(ctx.packs)), None)
            pack_snapshot_id = (
                await freeze_pack_for_session(ctx, session, pack_id, "CRCD", "titre")
                if pack_id
                else None
            )
            exam = await setup.create_exam_session(
                session,
                titles=ctx.titles,
                centre=centre,
                day=localtime.local(ctx.clock.now(), ctx.settings.zone).date(),  # the centre's day
                title_id="CRCD",
                format_id="titre",
                pack_snapshot_id=pack_snapshot_id,
                actor=actor,
                clock=ctx.clock,
            )
            if rate > 1:  # two real days, whatever the pace of exam time
                exam.codes_expire_at = ctx.clock.now() + setup.CODES_VALID_AFTER_DAY * 2 * rate
            secret = ctx.settings.secret_key
            candidate, _ = await setup.add_candidate(
                session,
                exam=exam,
                last_name="Martin",
                first_name="Camille",
                pathway=Pathway.FORMATION_CONTINUE,
                secret=secret,
                actor=actor,
                clock=ctx.clock,
            )
            client, _ = await setup.add_staff(
                session,
                exam=exam,
                role=Role.JUROR,
                display_name="Juré client (démo)",
                secret=secret,
                actor=actor,
                clock=ctx.clock,
            )
            observer, _ = await setup.add_staff(
                session,
                exam=exam,
                role=Role.JUROR,
                display_name="Juré observateur (démo)",
                secret=secret,
                actor=actor,
                clock=ctx.clock,
            )
            await setup.add_staff(
                session,
                exam=exam,
                role=Role.PROCTOR,
                display_name="Surveillant (démo)",
                secret=secret,
                actor=actor,
                clock=ctx.clock,
            )
            for juror, capacity in ((client, Capacity.CLIENT), (observer, Capacity.OBSERVER)):
                await setup.assign_juror(
                    session,
                    candidate=candidate,
                    juror_id=juror.id,
                    capacity=capacity,
                    actor=actor,
                    clock=ctx.clock,
                )
        codes = await setup.access_codes(session, exam=exam, secret=ctx.settings.secret_key)
        await session.commit()
    return DemoLogins(DEMO_USERNAME, password, codes)
