"""What the web process knows of the media workers: the registry's last answer (only the
workers it may use: its own, started by this server, and independent ones, never another
server's), every instance seen since (to keep reaching a worker whose registration lapsed
while Redis was away), and which instances are dead by evidence (`Liveness`)."""

from __future__ import annotations

from server.core.outage import DependencyStatus
from server.telephony.workers.liveness import Liveness
from server.telephony.workers.registry import Registry, WorkerInfo


class WorkerView:
    def __init__(self, registry: Registry, owner: str | None, liveness: Liveness) -> None:
        self._registry = registry
        self.owner = owner
        self.liveness = liveness
        self.registered: dict[str, WorkerInfo] = {}  # worker id -> info (last registry read)
        self.instances: dict[tuple[str, str], WorkerInfo] = {}  # (id, instance) -> last seen

    @property
    def registry_health(self) -> DependencyStatus:
        return self._registry.health.status

    def accepts(self, info: WorkerInfo) -> bool:
        """Independent workers (no owner) and this server's own; never another server's."""
        return info.owner == "" or (self.owner is not None and info.owner == self.owner)

    async def refresh(self) -> None:
        """Read the registry (raises `RedisError`/`OSError` when Redis is away: the last view
        is kept, no worker is taken for dead for it)."""
        registered: dict[str, WorkerInfo] = {}
        for worker_id, info in (await self._registry.live()).items():
            if not self.accepts(info):
                continue
            registered[worker_id] = info
            for old in list(self.instances.values()):
                if old.worker_id == worker_id and old.instance != info.instance:
                    self.liveness.declare_dead(
                        worker_id, old.instance, f"instance {info.instance[:8]} took its place"
                    )
            self.instances[(worker_id, info.instance)] = info
        self.registered = registered

    def seen(self, info: WorkerInfo) -> None:
        """A worker answered its health check with these facts."""
        if self.accepts(info):
            self.instances[(info.worker_id, info.instance)] = info

    def info(self, worker_id: str, instance: str) -> WorkerInfo | None:
        return self.instances.get((worker_id, instance))

    def alive(self, info: WorkerInfo) -> bool:
        return not self.liveness.is_dead(info.worker_id, info.instance)

    def lapsed(self) -> list[WorkerInfo]:
        """Instances not dead whose registration is missing (lapsed, or Redis was away)."""
        return [
            info
            for info in self.instances.values()
            if self.alive(info) and info.worker_id not in self.registered
        ]

    def usable(self, answered_within_s: float) -> list[WorkerInfo]:
        """Where a room may go: registered and not dead, or not registered right now but
        answering its health checks (Redis away, or just back and not yet re-registered)."""
        found = [i for i in self.registered.values() if self.alive(i)]
        for info in self.lapsed():
            if self.liveness.answered_recently(info.worker_id, info.instance, answered_within_s):
                found.append(info)
        return found

    def forget_dead(self, keep: set[tuple[str, str]]) -> None:
        """Drop dead instances that neither a placement (`keep`) nor the registry (a key
        not expired yet) refers to any more (bounded memory)."""
        keep = keep | {(i.worker_id, i.instance) for i in self.registered.values()}
        for key, info in list(self.instances.items()):
            if key not in keep and not self.alive(info):
                del self.instances[key]
        self.liveness.forget(set(self.instances))
