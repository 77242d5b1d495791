"""Where the media workers are: each worker writes its address, capacity and load to Redis
every heartbeat, under a key that expires after `ttl_s` (a dead worker disappears by itself).
Workers also publish their peers' connection states on one channel for the web process."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from pydantic import BaseModel, ConfigDict
from redis.asyncio import Redis

logger = logging.getLogger(__name__)
CLOSE_TIMEOUT_S = 2.0  # how long a shutdown waits for a Redis socket to report closed


class WorkerInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    worker_id: str
    instance: str  # new at every start: a restarted worker under the same id lost its rooms
    url: str  # http://host:port of its API
    capacity: int  # rooms with an active call it accepts
    calls: int = 0
    rooms: int = 0
    room_ids: tuple[str, ...] = ()
    pid: int = 0
    resyncs: int = 0  # media-clock stalls so far (a worker over its CPU budget)

    @property
    def load(self) -> float:
        return self.calls / self.capacity


class Registry:
    def __init__(self, redis: Redis, namespace: str = "plateau:media", ttl_s: float = 3.0):
        self.redis = redis
        self.namespace = namespace
        self.ttl_ms = max(1, round(ttl_s * 1000))

    @classmethod
    def from_url(cls, url: str, namespace: str = "plateau:media", ttl_s: float = 3.0) -> Registry:
        return cls(Redis.from_url(url), namespace, ttl_s)

    def _key(self, worker_id: str) -> str:
        return f"{self.namespace}:worker:{worker_id}"

    @property
    def events_channel(self) -> str:
        return f"{self.namespace}:events"

    async def register(self, info: WorkerInfo) -> None:
        await self.redis.set(self._key(info.worker_id), info.model_dump_json(), px=self.ttl_ms)

    async def remove(self, worker_id: str) -> None:
        await self.redis.delete(self._key(worker_id))

    async def live(self) -> dict[str, WorkerInfo]:
        keys = [k async for k in self.redis.scan_iter(match=self._key("*"), count=100)]
        if not keys:
            return {}
        found: dict[str, WorkerInfo] = {}
        for raw in await self.redis.mget(keys):
            if raw is None:  # expired between SCAN and MGET
                continue
            try:
                info = WorkerInfo.model_validate_json(raw)
            except ValueError:
                logger.warning("ignoring a malformed media worker record")
                continue
            found[info.worker_id] = info
        return found

    async def publish(self, event: dict[str, Any]) -> None:
        await self.redis.publish(self.events_channel, json.dumps(event))

    async def events(self) -> AsyncIterator[dict[str, Any]]:
        """The peer-state events workers publish, as they come (malformed ones skipped)."""
        pubsub = self.redis.pubsub()
        await pubsub.subscribe(self.events_channel)
        try:
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                try:
                    event = json.loads(message["data"])
                    if {"room_id", "instance", "role", "state"} <= event.keys():
                        yield event
                except (ValueError, AttributeError):
                    logger.warning("ignoring a malformed media peer event")
        finally:
            await _close_pubsub(pubsub)

    async def close(self) -> None:
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT_S):
                await self.redis.aclose()
        except TimeoutError:  # redis-py #3941: a socket that never reports closed
            logger.warning("closing the media worker registry timed out: dropping its sockets")
            await self.redis.connection_pool.disconnect(inuse_connections=True)


async def _close_pubsub(pubsub: Any, timeout_s: float = CLOSE_TIMEOUT_S) -> None:
    """redis-py's PubSub.aclose() can wait forever for the socket to close (redis-py #3941),
    which would hang a shutdown: bounded, then the connection is dropped without waiting."""
    try:
        async with asyncio.timeout(timeout_s):
            await pubsub.aclose()
    except TimeoutError:
        logger.warning("closing the media events subscription timed out: dropping it")
        if pubsub.connection is not None:
            await pubsub.connection.disconnect(nowait=True)


class Heartbeat:
    """Re-registers `describe()` every `every_s` until stopped (then removes the record)."""

    def __init__(
        self, registry: Registry, describe: Callable[[], WorkerInfo], every_s: float = 1.0
    ) -> None:
        self._registry = registry
        self._describe = describe
        self._every = every_s
        self._task: asyncio.Task[None] | None = None
        self.beats = 0

    async def start(self) -> None:
        await self._registry.register(self._describe())  # registered before serving
        self._task = asyncio.create_task(self._run(), name="media-heartbeat")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._every)
            try:
                await self._registry.register(self._describe())
                self.beats += 1
            except Exception:  # Redis away for a moment: try again at the next beat
                logger.exception("media worker heartbeat failed")

    async def stop(self, deregister: bool = True) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if deregister:
            with contextlib.suppress(Exception):
                await self._registry.remove(self._describe().worker_id)
