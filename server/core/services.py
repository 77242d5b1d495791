"""The long-lived objects of one app that live beside its context (`ctx.services`): built at
start-up or on first use, one typed field each, never a module global. Tests may put their own
(a FakeMedia, a leadership) before the app starts.

The core sits under every package (import-linter): where a field holds an object of a package
above it, the field is typed by a Protocol here saying what the core and the start-up need of
it (`Background`, `ExamClock`, `MediaPlane`, `OpenSocket`), or left opaque (`object`) and read
through its package's typed accessor (`telephony.call_control.live_calls`,
`telephony.media_events.media`, `exams.packs.snapshot_pack`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from server.core.health import HealthChecks
    from server.core.identity import Principal
    from server.core.leader import Leadership
    from server.core.loading import Problem


class Background(Protocol):
    """A package's background task, stopped at shutdown (the heartbeat: `exams.outages.Heart`)."""

    def start(self) -> None: ...

    async def stop(self) -> None: ...


class ExamClock(Background, Protocol):
    """The exam clock (`exams.timeline_service.Scheduler`): woken when a deadline changes."""

    def poke(self) -> None: ...


class MediaPlane(Protocol):
    """The media plane (`telephony.ports.MediaPort`) as the core sees it: closed at shutdown,
    asked for its health when it reports one (`health.ReportsHealth`)."""

    async def close(self) -> None: ...


class ClosableSocket(Protocol):
    """A WebSocket as the lockdown reads and closes it (Starlette's `WebSocket`): its ASGI
    scope (what the SEB check marked on it) and its close."""

    @property
    def scope(self) -> MutableMapping[str, Any]: ...

    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


class OpenSocket(Protocol):
    """One page's open socket (`server.web.ws.Connection`), as the lockdown closes it."""

    @property
    def principal(self) -> Principal: ...

    @property
    def ws(self) -> ClosableSocket: ...


class WorkerSupervisor(Protocol):
    """The local media workers `plateau serve` started (`telephony.workers.local.LocalWorkers`):
    the port listens to their exits."""

    owner: str

    def add_exit_listener(self, listener: Callable[[str, int], None]) -> None: ...

    def remove_exit_listener(self, listener: Callable[[str, int], None]) -> None: ...


@dataclass
class Services:
    # what the catalogue could not load (shown to the organiser)
    pack_problems: list[Problem] = field(default_factory=list)
    # replicas: the clock's leadership (server/core/leader.py) and the shared Redis client
    leadership: Leadership | None = None
    replica_redis: Redis | None = None
    health: HealthChecks | None = None
    # the exam clock (not without background tasks)
    timeline_scheduler: ExamClock | None = None  # exams.timeline_service.Scheduler
    heartbeat: Background | None = None  # exams.outages.Heart
    timeline_locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    # id → scenario pack, read through `exams.packs.snapshot_pack`
    pack_snapshots: dict[str, object] = field(default_factory=dict)
    # the media plane and the calls
    media: MediaPlane | None = None  # a telephony.ports.MediaPort (telephony.media_events.media)
    media_supervisor: WorkerSupervisor | None = None  # the local workers `plateau serve` started
    live_calls: object | None = None  # telephony.call_control.LiveCalls (its `live_calls`)
    phone_locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    ring_timeouts: set[asyncio.Task[None]] = field(default_factory=set)
    storage_incidents: set[asyncio.Task[None]] = field(default_factory=set)
    ring_sweep: asyncio.Task[None] | None = None
    # sockets and sessions
    ws_connections: set[OpenSocket] = field(default_factory=set)
    revocation_watch: asyncio.Task[None] | None = None
    seb_incident_at: dict[str, datetime] = field(default_factory=dict)
