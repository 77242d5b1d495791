"""Every engine of the process that speaks the same dialect (its class and server version)
shares one cache of compiled SQL: the pooled engine, the one a session on another loop gets,
a CLI command's, and each test's app. A statement compiled by one is not compiled again by the
next; engines of another dialect keep theirs apart."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from server.auth.models import Account
from server.core.db import Database

# PostgreSQL as well as SQLite: the database is the subject
pytestmark = pytest.mark.postgres


async def _cache_hit(db: Database) -> tuple[bool, int]:
    """Runs a statement no other test runs; (whether its compiled form came from the cache,
    how many rows it read)."""
    witness = Account.username.label("compiled_sql_witness")  # the label: its own cache key
    statement = select(witness).where(Account.username == "nobody")
    async with db.engine.connect() as conn:
        result = await conn.execute(statement)
        rows = len(result.all())
        return result.context.cache_hit == conn.dialect.CACHE_HIT, rows


def test_a_statement_compiled_by_one_engine_is_reused_by_the_next(migrated_url: str) -> None:
    first, second = Database(migrated_url, pooled=False), Database(migrated_url, pooled=False)
    try:
        assert asyncio.run(_cache_hit(first)) == (False, 0)  # compiled here, the first time
        assert asyncio.run(_cache_hit(first)) == (True, 0)
        assert asyncio.run(_cache_hit(second)) == (True, 0)  # another engine: compiled already
    finally:
        asyncio.run(first.dispose())
        asyncio.run(second.dispose())


def test_the_results_stay_right_through_the_shared_cache(migrated_url: str) -> None:
    """The compiled form is shared, never the parameters: two engines reading different values
    through the same statement each get their own rows."""

    async def usernames(db: Database, value: str) -> list[str]:
        async with db.session() as s:
            s.add(
                Account(
                    username=value,
                    display_name="X",
                    role="organiser",
                    password_hash="h",
                    created_at=datetime(2026, 6, 1, tzinfo=UTC),
                )
            )
            await s.commit()
            statement = select(Account.username).where(Account.username == value)
            return list((await s.scalars(statement)).all())

    first, second = Database(migrated_url, pooled=False), Database(migrated_url, pooled=False)
    try:
        assert asyncio.run(usernames(first, "shared-cache-first")) == ["shared-cache-first"]
        assert asyncio.run(usernames(second, "shared-cache-second")) == ["shared-cache-second"]
    finally:
        asyncio.run(first.dispose())
        asyncio.run(second.dispose())
