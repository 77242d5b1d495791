"""Leadership of the clock across web replicas (issue 21): a PostgreSQL advisory lock held on
a connection; exactly one replica leads; when the leader's connection dies (its process was
killed) another takes over by itself."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy.engine import make_url

from server.core.leader import AdvisoryLockLeader, AlwaysLeader, asyncpg_dsn, build_leadership

# PostgreSQL as well as SQLite: several processes on one database (leases, shared state)
pytestmark = pytest.mark.postgres

WAIT_S = 60.0  # generous: the takeover itself is a retry away (RETRY_S)


@pytest.fixture
def pg_url(database_url: str) -> str:
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("le verrou consultatif est celui de PostgreSQL")
    return database_url


@pytest.fixture
async def replicas(pg_url: str) -> AsyncIterator[list[AdvisoryLockLeader]]:
    leaders = [AdvisoryLockLeader(pg_url, "test:clock", retry_s=0.1, check_s=0.1) for _ in range(3)]
    for leader in leaders:
        await leader.start()
    try:
        yield leaders
    finally:
        for leader in leaders:
            await leader.stop()


async def until(predicate: Callable[[], bool], what: str) -> None:
    for _ in range(int(WAIT_S / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{what}: not within {WAIT_S} s")


async def test_exactly_one_replica_leads_and_another_takes_over_when_it_dies(
    replicas: list[AdvisoryLockLeader],
) -> None:
    assert [r.is_leader for r in replicas].count(True) == 1
    for _ in range(3):  # the leader's process dies: its connection goes with it, and the lock
        leader = next(r for r in replicas if r.is_leader)
        task = leader._task
        assert task is not None
        task.cancel()  # no clean stop, no unlock: the process is gone, its task with it
        leader._conn.terminate()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, WAIT_S)  # never runs again (it did, on 3.11)
        leader._leading.clear()
        leader._conn = None
        others = [r for r in replicas if r is not leader]
        await until(lambda others=others: any(r.is_leader for r in others), "takeover")
        assert [r.is_leader for r in replicas].count(True) == 1
        await leader.start()  # it comes back as a follower
        await asyncio.sleep(0.5)
        assert [r.is_leader for r in replicas].count(True) == 1
        assert not leader.is_leader


async def test_a_leader_cut_off_from_postgresql_steps_down(
    replicas: list[AdvisoryLockLeader], pg_url: str
) -> None:
    import asyncpg

    leader = next(r for r in replicas if r.is_leader)
    pid = leader._conn.get_server_pid()
    admin = await asyncpg.connect(asyncpg_dsn(pg_url))
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()
    await until(
        lambda: (
            [r.is_leader for r in replicas].count(True) == 1
            and (not leader.is_leader or leader.terms > 1)
        ),
        "new term",
    )
    assert [r.is_leader for r in replicas].count(True) == 1


async def test_postgresql_notices_a_vanished_leader_within_seconds(
    replicas: list[AdvisoryLockLeader],
) -> None:
    """A leader's machine that vanishes sends nothing: the server's TCP keepalives on the lock's
    connection are short, so the lock is freed in seconds (PostgreSQL's default: 2 hours)."""
    leader = next(r for r in replicas if r.is_leader)
    # A connection made as the lock's (not the lock's own: its loop may be using it, and two
    # queries at once on one asyncpg connection fail)
    conn = await leader.connect()
    try:
        settings = {
            name: await conn.fetchval(f"SHOW {name}")
            for name in ("tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count")
        }
    finally:
        await conn.close()
    assert settings == {
        "tcp_keepalives_idle": "2",
        "tcp_keepalives_interval": "1",
        "tcp_keepalives_count": "2",
    }


def test_one_process_on_sqlite_always_leads(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite+aiosqlite:///{tmp_path / 'p.db'}"
    assert isinstance(build_leadership(url, "plateau"), AlwaysLeader)
    pg = "postgresql+asyncpg://u@h/db"
    assert isinstance(build_leadership(pg, "plateau"), AdvisoryLockLeader)
    assert isinstance(build_leadership(pg, "plateau", election=False), AlwaysLeader)


async def test_a_cancellation_that_meets_a_failing_query_still_stops_the_leader() -> None:
    """On Python 3.11, `wait_for` raises the query's own error when it fails just as the task
    is cancelled; the leader must still stop (else `stop()` waits for ever)."""

    outer = asyncio.current_task()
    assert outer is not None

    class DyingConnection:
        def __init__(self) -> None:
            self.closed = False

        async def fetchval(self, *args: object) -> object:
            outer.cancel()  # stop() arrives…
            raise ConnectionError("connexion coupée")  # …as the query fails

        async def close(self) -> None:
            self.closed = True

        def is_closed(self) -> bool:
            return self.closed

        def terminate(self) -> None:
            self.closed = True

    leader = AdvisoryLockLeader("postgresql+asyncpg://u@h/db", "test:cancel")
    leader._conn = DyingConnection()
    leader._leading.set()
    with pytest.raises(asyncio.CancelledError):
        await leader.attempt()
    assert not leader.is_leader
