"""Shared fixtures: a migrated database on SQLite and (when TEST_DATABASE_URL is set) on
PostgreSQL, an application context with a fake clock, and a signed-in test client."""

from __future__ import annotations

import asyncio
import os
import shutil
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


class MigratedTemplates:
    """One database of each kind migrated once per test session; each test gets a copy (a file
    copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL) instead of running every
    migration again."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.sqlite: Path | None = None
        self.postgres: str | None = None  # the template database's name

    def sqlite_copy(self, target: Path) -> None:
        if self.sqlite is None:
            template = self.directory / "template.db"
            upgrade(f"sqlite+aiosqlite:///{template}")
            self.sqlite = template
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.sqlite, target)

    def postgres_copy(self, admin: str, name: str) -> None:
        if self.postgres is None:
            template = f"plateau_template_{uuid.uuid4().hex[:12]}"
            asyncio.run(_pg_admin(admin, f'CREATE DATABASE "{template}"'))
            self.postgres = template
            upgrade(make_url(admin).set(database=template).render_as_string(hide_password=False))
        asyncio.run(_pg_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        asyncio.run(_pg_admin(admin, f'CREATE DATABASE "{name}" TEMPLATE "{self.postgres}"'))

    def drop(self) -> None:
        admin = _pg_admin_url()
        if self.postgres is not None and admin is not None:
            asyncio.run(_pg_admin(admin, f'DROP DATABASE IF EXISTS "{self.postgres}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MigratedTemplates]:
    templates = MigratedTemplates(tmp_path_factory.mktemp("migrated-templates"))
    yield templates
    templates.drop()


@pytest.fixture
def migrated_url(database_url: str, migrated_templates: MigratedTemplates) -> str:
    """`database_url` at the migrations' head (a copy of the session's migrated template)."""
    parsed = make_url(database_url)
    if parsed.get_backend_name() == "sqlite":
        assert parsed.database is not None
        migrated_templates.sqlite_copy(Path(parsed.database))
    else:
        admin = _pg_admin_url()
        assert admin is not None and parsed.database is not None
        migrated_templates.postgres_copy(admin, parsed.database)
    return database_url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(migrated_url: str, tmp_path: Path) -> Settings:
    return Settings(
        background_tasks=False,  # the tests drive the fake clock themselves
        leader_election=False,  # this process leads the clock
        database_url=migrated_url,
        secret_key=TEST_SECRET,
        data_dir=tmp_path,
    )
