"""The long-lived objects of one app that live beside its context (`ctx.services`): built at
start-up or on first use, one typed field each, never a module global. Tests may put their own
(a FakeMedia, a leadership) before the app starts."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from server.auth.domain import Principal
    from server.core.health import HealthChecks
    from server.core.leader import Leadership
    from server.exams.outages import Heart
    from server.exams.timeline_service import Scheduler
    from server.scenarios.loading import Problem
    from server.scenarios.pack.models import ScenarioPack
    from server.telephony.call_control import LiveCalls
    from server.telephony.ports import MediaPort


class OpenSocket(Protocol):
    """One page's open socket (`server.web.ws.Connection`), as the lockdown closes it."""

    @property
    def principal(self) -> Principal: ...

    @property
    def ws(self) -> Any: ...


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
    timeline_scheduler: Scheduler | None = None
    heartbeat: Heart | None = None
    timeline_locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    pack_snapshots: dict[str, ScenarioPack] = field(default_factory=dict)
    # the media plane and the calls
    media: MediaPort | None = None
    media_supervisor: WorkerSupervisor | None = None  # the local workers `plateau serve` started
    live_calls: LiveCalls | None = None
    phone_locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    ring_timeouts: set[asyncio.Task[None]] = field(default_factory=set)
    storage_incidents: set[asyncio.Task[None]] = field(default_factory=set)
    ring_sweep: asyncio.Task[None] | None = None
    # sockets and sessions
    ws_connections: set[OpenSocket] = field(default_factory=set)
    revocation_watch: asyncio.Task[None] | None = None
    seb_incident_at: dict[str, datetime] = field(default_factory=dict)
