"""Which web replica runs the clock: deadlines, warnings, planned starts and ring time-outs
are applied by one replica at a time, the leader.

- One process (SQLite, or the tests): `AlwaysLeader`.
- Replicas on PostgreSQL: `AdvisoryLockLeader` holds a session-level advisory lock on a
  connection of its own. The lock is PostgreSQL's: it goes with the connection, so a leader
  killed with SIGKILL (or cut off the network, once PostgreSQL notices) loses it, and one of
  the others, which try every `retry_s`, takes it. A leader that can no longer reach its
  connection steps down at once.

Leadership is not what keeps a fact from being applied twice (two leaders may overlap for a
moment around a partition): the facts are fenced where they are persisted — a timeline fact
takes the next number of the candidate's facts under a unique constraint and the loser
re-reads and finds nothing left to do (`timeline_service.run`). Calls: two actions racing on
one call across processes are ordered by the call's version (issue 15's change to CallRow);
the leader's sweep of ringing calls keeps out of a living replica's own time-out by a grace
(`server/telephony/ring_sweep.py`). Leadership keeps the replicas from doing the work at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from typing import Any, Protocol

from sqlalchemy.engine import make_url

from server.core.tasks import cancel_and_wait, raise_if_cancelled

log = logging.getLogger(__name__)
RETRY_S = 1.0  # a follower tries to take the lock this often: takeover well within 5 s
CHECK_S = 1.0  # the leader checks its connection this often
CHECK_TIMEOUT_S = 2.0
# A leader whose whole machine vanished sends no FIN: PostgreSQL notices the dead connection
# (and frees the lock) through TCP keepalives, asked here to be quick (~4 s, not 2 hours).
KEEPALIVES = {
    "tcp_keepalives_idle": "2",
    "tcp_keepalives_interval": "1",
    "tcp_keepalives_count": "2",
}


class Leadership(Protocol):
    @property
    def is_leader(self) -> bool: ...

    async def elected(self) -> None:
        """Returns once this replica leads (at once if it does)."""
        ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class AlwaysLeader:
    """One web process: it always leads."""

    is_leader = True

    async def elected(self) -> None:
        return None

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def asyncpg_dsn(database_url: str) -> str:
    """SQLAlchemy's `postgresql+asyncpg://…` as asyncpg's own `postgresql://…`."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class AdvisoryLockLeader:
    def __init__(
        self,
        database_url: str,
        name: str = "plateau:clock",
        *,
        retry_s: float = RETRY_S,
        check_s: float = CHECK_S,
    ) -> None:
        self._dsn = asyncpg_dsn(database_url)
        self.key = lock_key(name)
        self._retry_s = retry_s
        self._check_s = check_s
        self._leading = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._conn: Any = None
        self.terms = 0  # how many times this replica was elected

    @property
    def is_leader(self) -> bool:
        return self._leading.is_set()

    async def elected(self) -> None:
        await self._leading.wait()

    async def start(self) -> None:
        """A first attempt at once (a lone replica leads from its start-up), then in the
        background."""
        await self.attempt()
        self._task = asyncio.create_task(self._run(), name="leadership")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None
        await self._step_down()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._check_s if self.is_leader else self._retry_s)
            await self.attempt()

    async def connect(self) -> Any:
        """A connection as the lock's: the server's TCP keepalives short (KEEPALIVES)."""
        import asyncpg

        return await asyncio.wait_for(
            asyncpg.connect(self._dsn, server_settings=KEEPALIVES), CHECK_TIMEOUT_S * 5
        )

    async def attempt(self) -> None:
        """One pass: take the lock if free, or check that this leader still holds it."""
        try:
            if self._conn is None:
                self._conn = await self.connect()
            if not self.is_leader:
                got = await asyncio.wait_for(
                    self._conn.fetchval("SELECT pg_try_advisory_lock($1)", self.key),
                    CHECK_TIMEOUT_S,
                )
                if got:
                    self.terms += 1
                    log.info("cette réplique mène l'horloge (mandat %d)", self.terms)
                    self._leading.set()
            else:  # still holding it? (the connection is the lock)
                await asyncio.wait_for(self._conn.fetchval("SELECT 1"), CHECK_TIMEOUT_S)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - PostgreSQL away or slow: not leading any more
            if self.is_leader:
                log.warning("connexion de l'horloge perdue : cette réplique ne mène plus")
            await self._step_down()
            # Python 3.11's wait_for raises the query's own error when it fails just as the
            # task is cancelled: the cancellation is not lost (else `stop()` hangs and a
            # replica told to stop goes on taking the lock)
            raise_if_cancelled()

    async def _step_down(self) -> None:
        self._leading.clear()
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), CHECK_TIMEOUT_S)
            if not conn.is_closed():
                conn.terminate()


def build_leadership(
    database_url: str, prefix: str, *, election: bool = True, retry_s: float = RETRY_S
) -> Leadership:
    """An advisory lock on PostgreSQL when elections are on; otherwise this process leads."""
    if election and make_url(database_url).get_backend_name() == "postgresql":
        return AdvisoryLockLeader(database_url, f"{prefix}:clock", retry_s=retry_s)
    return AlwaysLeader()
