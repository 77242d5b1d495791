"""The Alembic migrations and the SQLAlchemy models agree, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from server.core.migrations import NotMigrated, head_revisions, require_current, upgrade
from server.models import metadata

# PostgreSQL as well as SQLite: the database is the subject
pytestmark = pytest.mark.postgres


async def _diff(url: str) -> list:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), metadata)
            )
    finally:
        await engine.dispose()


async def test_migrated_schema_matches_models(migrated_url: str) -> None:
    assert await _diff(migrated_url) == []
    await require_current(migrated_url)  # does not raise


async def test_unmigrated_database_is_refused_with_the_command_to_run(database_url: str) -> None:
    with pytest.raises(NotMigrated, match="plateau db upgrade"):
        await require_current(database_url)


def test_upgrade_is_idempotent(migrated_url: str) -> None:
    upgrade(migrated_url)
    assert head_revisions(migrated_url)


async def test_an_unreachable_database_is_refused_without_a_driver_traceback() -> None:
    with pytest.raises(NotMigrated, match="PLATEAU_DATABASE_URL"):
        await require_current("postgresql+asyncpg://postgres@127.0.0.1:1/plateau")
