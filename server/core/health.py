"""`/api/health`: is each dependency of this server up, as a monitor or a load balancer polls
it — the database (a real read of the schema's version row), and the media plane as the
media port reports it (in workers mode: Redis and the media workers, from the port's own
watchers, without a network call of its own).

- `database` down, or no media worker able to carry a call: 503 (this server cannot run an
  exam); Redis down alone: 200, "degraded" (the calls in progress keep their workers and new
  calls are placed on the workers already known; a worker started meanwhile is not seen).
- Cheap to poll: the report is computed at most once a second, whoever asks.
- Public, so it tells states and counts only: no address, no error text (the server's log
  has those, once when a dependency goes and once when it returns)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NotRequired, Protocol, TypedDict, runtime_checkable

from sqlalchemy import text

from server.core.context import AppContext
from server.core.outage import Dependency

logger = logging.getLogger(__name__)
CACHE_S = 1.0
DATABASE_TIMEOUT_S = 2.0
NEEDED = ("database", "media_workers", "media")  # down: 503


class DependencyState(TypedDict):
    """One dependency in the report: its `status` ("ok" or "down"); each kind adds its counts
    (the media workers' `RedisHealth`, `WorkersHealth`)."""

    status: str


class DatabaseHealth(DependencyState):
    down_for_s: NotRequired[float]  # when down


class InProcessMediaHealth(DependencyState):
    mode: str  # "inprocess": the web process carries the calls itself


@runtime_checkable
class ReportsHealth(Protocol):
    def health(self) -> Mapping[str, DependencyState]: ...


@dataclass
class HealthReport:
    status: str  # "ok", "degraded" (a dependency down, the exam goes on) or "down"
    dependencies: dict[str, DependencyState]
    checked_at: float

    @property
    def http_status(self) -> int:
        return 503 if self.status == "down" else 200


class HealthChecks:
    """One per app (in `ctx.services`): the database's state and the last report."""

    def __init__(self) -> None:
        self.database = Dependency("the database", logger)
        self._report: HealthReport | None = None
        self._lock = asyncio.Lock()

    async def report(self, ctx: AppContext) -> HealthReport:
        async with self._lock:  # one check at a time, shared by every caller in the second
            if self._report is None or time.monotonic() - self._report.checked_at >= CACHE_S:
                self._report = await self._check(ctx)
            return self._report

    async def _check(self, ctx: AppContext) -> HealthReport:
        dependencies: dict[str, DependencyState] = {"database": await self._database(ctx)}
        media = ctx.services.media
        if isinstance(media, ReportsHealth):
            dependencies |= media.health()
        elif media is not None:  # in the web process: up as long as this answers
            dependencies["media"] = InProcessMediaHealth(status="ok", mode="inprocess")
        down = {name for name, dep in dependencies.items() if dep["status"] != "ok"}
        status = "down" if down & set(NEEDED) else "degraded" if down else "ok"
        return HealthReport(status, dependencies, time.monotonic())

    async def _database(self, ctx: AppContext) -> DatabaseHealth:
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT_S), ctx.db.engine.connect() as conn:
                await conn.execute(text("SELECT version_num FROM alembic_version LIMIT 1"))
        except Exception as exc:  # unreachable, refused, timed out, file gone, no schema…
            self.database.failed(exc)
            status = self.database.status
            return DatabaseHealth(status="down", down_for_s=round(status.down_for_s, 1))
        self.database.ok()
        return DatabaseHealth(status="ok")


def checks_of(ctx: AppContext) -> HealthChecks:
    if ctx.services.health is None:
        ctx.services.health = HealthChecks()
    return ctx.services.health
