"""How the web process learns that a media worker died, on evidence (`liveness.py`):

- the registry is read every `watch_s` (Redis away: the last view is kept, logged once by
  the registry; a new instance under a known id is the old one's death);
- the workers that carry rooms, and those whose registration lapsed, are asked every
  `probe_s` (connection refused, another instance answering, or no answer for
  `dead_after_s`: dead; an answer: alive, whatever the registry says);
- a local worker's exit is reported by the supervisor (`worker_exited`, from its thread).

Each time, `on_deaths()` is awaited: the port moves the rooms whose worker is dead."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypedDict

from redis.exceptions import RedisError

from server.core.tasks import swallowed
from server.telephony.workers.client import WorkerClient, WorkerGone, WorkerUnreachable
from server.telephony.workers.liveness import Liveness
from server.telephony.workers.worker_view import WorkerView

logger = logging.getLogger(__name__)
Key = tuple[str, str]  # (worker id, instance)


class RedisHealth(TypedDict):
    """`/api/health`'s `redis` dependency in workers mode."""

    status: str  # ok or down
    down_for_s: float


class WorkersHealth(TypedDict):
    """`/api/health`'s `media_workers` dependency: the workers usable, the rooms placed."""

    status: str  # ok or down (none usable, or a room without a worker)
    live: int
    rooms: int
    rooms_without_worker: int


class WorkerWatch:
    def __init__(
        self,
        view: WorkerView,
        *,
        client_at: Callable[[str], WorkerClient],
        carrying: Callable[[], set[Key]],
        on_deaths: Callable[[], Awaitable[None]],
        watch_s: float,
        probe_s: float,
    ) -> None:
        self.view = view
        self.liveness: Liveness = view.liveness
        self._client_at = client_at
        self._carrying = carrying  # the workers the port's rooms are on
        self._on_deaths = on_deaths
        self._watch_s = watch_s
        self._probe_s = probe_s
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: set[asyncio.Task[None]] = set()

    def tasks(self) -> list[asyncio.Task[None]]:
        """Start the watchers (the caller cancels them at shutdown)."""
        self._loop = asyncio.get_running_loop()
        return [
            asyncio.create_task(self._read_registry(), name="media-registry-watch"),
            asyncio.create_task(self._probe_workers(), name="media-worker-probes"),
        ]

    def health(self, *, rooms: int, orphans: int) -> dict[str, RedisHealth | WorkersHealth]:
        """Redis and the workers as last seen (for `/api/health`: states and counts only)."""
        redis = self.view.registry_health
        usable = self.view.usable(self.liveness.dead_after_s)
        return {
            "redis": RedisHealth(
                status="ok" if redis.up else "down", down_for_s=round(redis.down_for_s, 1)
            ),
            "media_workers": WorkersHealth(
                status="ok" if usable and not orphans else "down",
                live=len(usable),
                rooms=rooms,
                rooms_without_worker=orphans,
            ),
        }

    def worker_exited(self, worker_id: str, pid: int) -> None:
        """The supervisor saw a local worker's process exit (thread-safe)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._exited, worker_id, pid)

    def _exited(self, worker_id: str, pid: int) -> None:
        for info in list(self.view.instances.values()):
            if info.worker_id == worker_id and info.pid == pid:
                self.liveness.declare_dead(worker_id, info.instance, f"process {pid} exited")
        task = asyncio.ensure_future(self._on_deaths())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _read_registry(self) -> None:
        while True:
            await asyncio.sleep(self._watch_s)
            with swallowed(RedisError, OSError):
                await self.view.refresh()
            await self._on_deaths()
            self.view.forget_dead(self._carrying())

    async def _probe_workers(self) -> None:
        while True:
            await asyncio.sleep(self._probe_s)
            targets = self._carrying() | {(i.worker_id, i.instance) for i in self.view.lapsed()}
            targets = {t for t in targets if not self.liveness.is_dead(*t)}
            if targets:
                await asyncio.gather(*(self.probe(*t) for t in targets))
            await self._on_deaths()

    async def probe(self, worker_id: str, instance: str) -> bool:
        """One health check. True: the worker is dead (evidence found now or before)."""
        if self.liveness.is_dead(worker_id, instance):
            return True
        info = self.view.info(worker_id, instance)
        if info is None:
            return False
        try:
            health = await self._client_at(info.url).health()
        except WorkerGone as exc:
            self.liveness.declare_dead(worker_id, instance, f"connection refused ({exc})")
            return True
        except WorkerUnreachable as exc:
            return self.liveness.unanswered(worker_id, instance, str(exc))
        except Exception as exc:  # an answer that is not a health report (HTTP 5xx…)
            return self.liveness.unanswered(worker_id, instance, f"{type(exc).__name__}: {exc}")
        answered = health.instance
        if answered != instance:
            self.liveness.declare_dead(worker_id, instance, f"instance {answered} answers there")
            return True
        self.liveness.answered(worker_id, instance)
        self.view.seen(health.info())
        return False
