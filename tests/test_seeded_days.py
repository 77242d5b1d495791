"""The standard exam day written back as rows (tests/seeded_days.py) is the day the services
seed: the same rows in every table, the same codes, and a database that goes on as after a
real seeding (PostgreSQL's sequences included); a database in another state is seeded."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import make_url

from server.app import build_context
from server.auth import service as auth_service
from server.core import audit
from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.context import AppContext
from server.core.db import Base
from tests import seeded_days
from tests.conftest import MigratedTemplates, _pg_admin, _pg_admin_url, fresh_database_name
from tests.harness import ORGANISER_PASSWORD, ExamDay, seed_exam_day

# PostgreSQL as well as SQLite: the database is the subject
pytestmark = pytest.mark.postgres

PACK = "plateforme-horizon"


@pytest.fixture
def second_settings(
    settings: Settings, migrated_templates: MigratedTemplates, tmp_path: Path
) -> Iterator[Settings]:
    """Another database at the migrations' head, of the same kind as `settings`'."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        target = tmp_path / "second" / "plateau.db"
        migrated_templates.sqlite_copy(target)
        yield settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{target}"})
        return
    admin = _pg_admin_url()
    assert admin is not None
    name = fresh_database_name()
    migrated_templates.postgres_copy(admin, name)
    try:
        second = url.set(database=name).render_as_string(hide_password=False)
        yield settings.model_copy(update={"database_url": second})
    finally:
        asyncio.run(_pg_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def no_seeded_days(monkeypatch: pytest.MonkeyPatch) -> dict[Any, Any]:
    fresh: dict[Any, Any] = {}
    monkeypatch.setattr(seeded_days, "_SEEDED", fresh)
    return fresh


async def _every_row(ctx: AppContext) -> dict[str, list[tuple[Any, ...]]]:
    async with ctx.db.session() as s:
        return {
            table.name: [
                tuple(row)
                for row in await s.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


async def _seed_and_read(settings: Settings, **kwargs: Any) -> tuple[ExamDay, dict[str, Any]]:
    ctx = build_context(settings, clock=FakeClock(), pooled=False)
    try:
        day = await seed_exam_day(ctx, **kwargs)
        return day, await _every_row(ctx)
    finally:
        await ctx.db.dispose()


@pytest.mark.parametrize("pack_id", [None, PACK])
def test_a_day_written_back_is_the_day_the_services_seed(
    settings: Settings,
    second_settings: Settings,
    no_seeded_days: dict[Any, Any],
    pack_id: str | None,
) -> None:
    seeded, seeded_rows = asyncio.run(_seed_and_read(settings, pack_id=pack_id))
    assert len(no_seeded_days) == 1
    written, written_rows = asyncio.run(_seed_and_read(second_settings, pack_id=pack_id))
    assert len(no_seeded_days) == 1  # written back, not seeded again
    assert written == seeded
    assert written_rows == seeded_rows
    assert len(seeded_rows["audit_log"]) > 10 and len(seeded_rows["participants"]) == 7


def test_the_database_goes_on_after_a_day_written_back(
    settings: Settings, second_settings: Settings, no_seeded_days: dict[Any, Any]
) -> None:
    """New audit entries and accounts after the rows written back: PostgreSQL's sequences
    moved past them, the audit chain still verifies, the organiser signs in."""
    asyncio.run(_seed_and_read(settings))

    async def go_on() -> None:
        ctx = build_context(second_settings, clock=FakeClock(), pooled=False)
        try:
            await seed_exam_day(ctx)
            async with ctx.db.session() as s:
                await audit.record(s, clock=ctx.clock, actor="test", action="after.write_back")
                await s.commit()
                checked, breaks = await audit.verify(s)
                assert breaks == [] and checked > 10
                organiser = await auth_service.login_with_password(
                    s, username="orga", password=ORGANISER_PASSWORD
                )
                assert organiser.display_name == "Orga Nisateur"
        finally:
            await ctx.db.dispose()

    asyncio.run(go_on())


async def _add_an_audit_entry(ctx: AppContext) -> None:
    async with ctx.db.session() as s:
        await audit.record(s, clock=ctx.clock, actor="test", action="before.seeding")
        await s.commit()


async def _move_the_audit_head(ctx: AppContext) -> None:
    """The same row count everywhere: only a row the seeding changes, changed in place."""
    async with ctx.db.session() as s:
        await s.execute(update(audit.AuditHead).values(seq=40))
        await s.commit()


@pytest.mark.parametrize("change", [_add_an_audit_entry, _move_the_audit_head])
def test_a_database_in_another_state_is_seeded(
    settings: Settings,
    second_settings: Settings,
    no_seeded_days: dict[Any, Any],
    change: Callable[[AppContext], Awaitable[None]],
) -> None:
    asyncio.run(_seed_and_read(settings))

    async def seed_after_the_change() -> list[int]:
        ctx = build_context(second_settings, clock=FakeClock(), pooled=False)
        try:
            await change(ctx)
            await seed_exam_day(ctx)
            async with ctx.db.session() as s:
                return list(await s.scalars(select(audit.AuditEntry.seq)))
        finally:
            await ctx.db.dispose()

    sequence = sorted(asyncio.run(seed_after_the_change()))
    if change is _add_an_audit_entry:
        assert sequence == list(range(1, len(sequence) + 1))  # one chain, from the first entry
    else:
        assert sequence[0] == 41  # chained after the head, not the rows of a pristine database
