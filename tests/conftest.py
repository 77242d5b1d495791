"""Shared fixtures: a migrated database on SQLite and (when TEST_DATABASE_URL is set) on
PostgreSQL, an application context with a fake clock, and a signed-in test client."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.migrations import upgrade

TEST_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
PG_ENV = "TEST_DATABASE_URL"


def _pg_admin_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if not url:
        return None
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


async def _pg_admin(url: str, sql: str) -> None:
    import asyncpg

    parsed = make_url(url)
    conn = await asyncpg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        database=parsed.database or "postgres",
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of each kind; the PostgreSQL one is created and dropped here."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'plateau.db'}"
        return
    admin = _pg_admin_url()
    required = os.environ.get("PLATEAU_REQUIRE_POSTGRES") == "1"
    if admin is None:
        if required:
            pytest.fail(f"PLATEAU_REQUIRE_POSTGRES=1 but {PG_ENV} is not set")
        pytest.skip(f"PostgreSQL non testé : {PG_ENV} n'est pas défini")
    name = f"plateau_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_pg_admin(admin, f'CREATE DATABASE "{name}"'))
    except OSError as exc:
        if required:
            pytest.fail(f"PostgreSQL unreachable at {PG_ENV}: {exc}")
        pytest.skip(f"PostgreSQL injoignable ({exc})")
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_pg_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def migrated_url(database_url: str) -> str:
    upgrade(database_url)
    return database_url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(migrated_url: str, tmp_path: Path) -> Settings:
    return Settings(
        mode="test",
        database_url=migrated_url,
        secret_key=TEST_SECRET,
        data_dir=tmp_path,
    )
