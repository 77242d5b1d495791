"""Shared fixtures: a migrated database on SQLite and (when TEST_DATABASE_URL is set) on
PostgreSQL, an application context with a fake clock, and a signed-in test client."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
import uuid
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy.engine import make_url

from server.core.clock import FakeClock
from server.core.config import PROJECT_ROOT, Settings
from server.core.migrations import upgrade
from tests import warm_bytecode

# tests.loop_leaks: a test that leaves an event loop open fails (see there); pytester runs the
# small test sessions of tests/test_loop_leaks.py
pytest_plugins = ["tests.loop_leaks", "tests.route_cache", "pytester"]

TEST_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
PG_ENV = "TEST_DATABASE_URL"
WORKERS_ENV = "PLATEAU_TEST_WORKERS"
NO_BYTECODE_ENV = "PYTHONDONTWRITEBYTECODE"


def pytest_configure(config: pytest.Config) -> None:
    """Bytecode kept even where the environment says not to write any (PYTHONDONTWRITEBYTECODE,
    set on the CI machine): without it every xdist worker parses and rewrites every test module
    and pytest plugin again (~7 s of CPU per worker to collect the suite) and every process a
    test starts compiles server/ again. Set here, before xdist starts its workers, which inherit
    it with the processes the tests start. It is written beside the sources (`__pycache__/`,
    ignored by git), not under a cache prefix: a prefix would hide the bytecode installed with
    the standard library and the packages, compiled again by each fresh clone's first processes.
    The process that starts the workers writes the project's bytecode first, so that they do not
    all compile it at once (tests/warm_bytecode.py, tests/test_suite_startup.py)."""
    if os.environ.get(NO_BYTECODE_ENV) or sys.dont_write_bytecode:
        os.environ.pop(NO_BYTECODE_ENV, None)
        sys.dont_write_bytecode = False
    if starts_workers(config):
        packages = ("server", "tests", "benchmarks", "alembic")
        ours = tuple(name for name in pytest_plugins if name.startswith("tests."))
        warm_bytecode.warm(config, PROJECT_ROOT, packages, plugins=ours)


def starts_workers(config: pytest.Config) -> bool:
    """This process is the one that starts xdist's workers (not one of them, not `-n 0`)."""
    workers = getattr(config.option, "numprocesses", None)
    return not hasattr(config, "workerinput") and bool(workers)


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """The suite runs on one worker per core and two more (pytest-xdist, `default_workers`)
    unless told otherwise: `-n 0`, `-p no:xdist` or PLATEAU_TEST_WORKERS=0 run it in one
    process, `-n N` or PLATEAU_TEST_WORKERS=N on N workers. Each worker has its own databases
    (uuid names), ports (bound to 0) and temporary directories; tests that must share a worker
    carry `pytest.mark.xdist_group` (`loadgroup`)."""
    option = config.option
    if not hasattr(option, "numprocesses") or hasattr(config, "workerinput"):
        return  # xdist absent or disabled, or this is one of its workers
    if option.numprocesses is not None or option.collectonly or option.usepdb:
        return  # `-n` given, nothing to run, or a debugger that needs one process
    option.numprocesses = default_workers(os.environ, cores=len(os.sched_getaffinity(0)))
    if option.dist == "no":
        option.dist = "loadgroup"


def default_workers(environ: Mapping[str, str], *, cores: int) -> int:
    """PLATEAU_TEST_WORKERS if it is a number, else one worker per core and two more: the tests
    wait for a part of their time (calls at real speed, timers, PostgreSQL's syncs), and the
    extra workers fill it. On 2 cores (2026-12-07, eighth session), four workers against three:
    336 and 354 s against 364 s quiet, 563 s against 617–635 s beside two busy CPU loops, for
    20–60 CPU-s more (an earlier suite, with every test on PostgreSQL too, gained nothing from
    a fourth and once starved a browser test's in-process server with it; the pages' races
    that showed then are fixed): benchmarks/results/suite_durations.md."""
    workers = environ.get(WORKERS_ENV, "auto")
    return int(workers) if workers.isdigit() else cores + 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked `slow` first (in their order), so that on several workers the longest
    ones do not end the run alone; the others keep pytest's order."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[PasswordHasher]:
    """Passwords hashed by argon2id at its smallest cost in this process (the tests' apps and
    CLI), and the production hasher returned (tests/auth/test_password_cost.py checks its cost).
    Production's costs 64 MiB and three passes, 0.1 s of CPU on a quiet core and much more on a
    loaded one, twice per test that seeds an exam day and signs the organiser in; the hashes
    stay argon2id hashes, verified as such, and the servers the tests start as processes
    (`plateau demo`, `plateau serve`) keep production's cost."""
    from server.auth import service

    production = service._hasher
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(service, "_hasher", cheap)
        # unknown usernames are verified against the dummy hash: same cost as a real one
        patch.setattr(service, "_DUMMY_HASH", cheap.hash("plateau-dummy-password"))
        yield production


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


def fresh_database_name() -> str:
    """A PostgreSQL database of one test (its name says so, should a killed run leave it)."""
    return f"plateau_test_{uuid.uuid4().hex[:12]}"


DATABASE_KINDS = ("sqlite", "postgres")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Which databases a test runs on. SQLite always; PostgreSQL too for the tests marked
    `postgres`: those whose subject is the database (migrations, the audit chain, leases,
    races, hashes of stored rows, hostile text that the database itself would refuse) and the
    per-action event tests, which make every route and WebSocket command run on PostgreSQL at
    least once (tests/test_database_policy.py). The rest exercise the same SQLAlchemy
    statements through behaviour that does not depend on the database's kind, and ran twice for
    nothing (a fifth of the suite's time)."""
    if "database_url" not in metafunc.fixturenames:
        return
    for mark in metafunc.definition.iter_markers("parametrize"):
        names = mark.args[0] if mark.args else mark.kwargs.get("argnames", "")
        if "database_url" in (names.split(",") if isinstance(names, str) else names):
            return  # the test chose its databases itself
    marked = metafunc.definition.get_closest_marker("postgres") is not None
    kinds = DATABASE_KINDS if marked else DATABASE_KINDS[:1]
    metafunc.parametrize("database_url", kinds, indirect=True)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of the kind the test is parametrized on (`pytest_generate_tests`);
    the PostgreSQL one is created and dropped here — or, for a test that asks for
    `migrated_url`, created there as a copy of the migrated template (one CREATE DATABASE per
    test, not an empty one dropped at once for the copy)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'plateau.db'}"
        return
    admin = _pg_admin_url()
    required = os.environ.get("PLATEAU_REQUIRE_POSTGRES") == "1"
    if admin is None:
        if required:
            pytest.fail(f"PLATEAU_REQUIRE_POSTGRES=1 but {PG_ENV} is not set")
        pytest.skip(f"PostgreSQL non testé : {PG_ENV} n'est pas défini")
    name = fresh_database_name()
    try:
        if "migrated_url" in request.fixturenames:  # created from the migrated template there
            asyncio.run(_pg_admin(admin, "SELECT 1"))
        else:
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
    migration again.

    A PostgreSQL copy takes ~0.25 s, mostly PostgreSQL writing and syncing files while the
    test's worker waits: the next test's copy is made in a thread while this test runs (a
    spare, renamed to the test's name when it is asked for)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.sqlite: Path | None = None
        self.postgres: str | None = None  # the template database's name
        self._spare: Future[str] | None = None  # the next copy, being made
        # the spares' thread's loop, made here (with the session's fixture) and kept: a loop
        # made by the thread while a test runs would count as that test's, left open
        self._spare_loop = asyncio.new_event_loop()

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
        spare, self._spare = self._spare, _SPARES.submit(self._make_spare, admin)
        try:
            ready = spare.result() if spare is not None else None
        except Exception:  # noqa: BLE001 - the spare failed: this copy is made now, as without
            ready = None
        if ready is None:
            asyncio.run(_pg_admin(admin, self._create(name)))
        else:
            asyncio.run(_pg_admin(admin, f'ALTER DATABASE "{ready}" RENAME TO "{name}"'))

    def _create(self, name: str) -> str:
        return f'CREATE DATABASE "{name}" TEMPLATE "{self.postgres}"'

    def _make_spare(self, admin: str) -> str:
        name = fresh_database_name()
        self._spare_loop.run_until_complete(_pg_admin(admin, self._create(name)))
        return name

    def drop(self) -> None:
        admin = _pg_admin_url()
        spare = None
        if self._spare is not None:
            with contextlib.suppress(Exception):  # a copy that failed left nothing to drop
                spare = self._spare.result()
        self._spare_loop.close()
        if admin is None:
            return
        if spare is not None:
            asyncio.run(_pg_admin(admin, f'DROP DATABASE IF EXISTS "{spare}" WITH (FORCE)'))
        if self.postgres is not None:
            asyncio.run(_pg_admin(admin, f'DROP DATABASE IF EXISTS "{self.postgres}" WITH (FORCE)'))


# one thread per test process makes the PostgreSQL copies ahead of the tests
_SPARES = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-spare")


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
