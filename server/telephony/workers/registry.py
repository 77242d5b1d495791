"""Where the media workers are: each worker writes its address, capacity and load to Redis
every heartbeat, under a key that expires after `ttl_s`. A lapsed key is a hint, never the
proof of a death (Redis itself may have been away): the web process confirms with the worker
(see `remote.py`). Workers also publish their peers' connection states on one channel.

Redis going away is logged once and its return once (`Registry.redis`, a `Dependency`); the
operations that fail in between raise to their caller, which logs nothing more."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import RedisError

from server.core.french_errors import french_errors, french_summary
from server.core.outage import Dependency
from server.core.tasks import cancel_and_wait, raise_if_cancelled
from server.telephony.workers.worker_events import WORKER_EVENT, WorkerEvent

logger = logging.getLogger(__name__)
CLOSE_TIMEOUT_S = 2.0  # how long a shutdown waits for a Redis socket to report closed
# A Redis that is away must fail an operation fast (the heartbeat and the watcher try again
# at their next beat), not hold it for redis-py's default retries with growing back-off.
CONNECT_TIMEOUT_S = 1.0
COMMAND_TIMEOUT_S = 2.0
RESUBSCRIBE_S = 0.5  # how often the web process tries to subscribe again while Redis is away
T = TypeVar("T")


class WorkerInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    worker_id: str
    instance: str  # new at every start: a restarted worker under the same id lost its rooms
    # The server instance that started it (`plateau serve`'s local workers) or "" (a worker
    # started on its own with `plateau media-worker`): a server uses its own and the
    # independent ones, never another server's (a survivor of a previous run).
    owner: str = ""
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
    def __init__(
        self,
        redis: Redis,
        namespace: str = "plateau:media",
        ttl_s: float = 3.0,
        *,
        resubscribe_s: float = RESUBSCRIBE_S,
    ):
        self.redis = redis
        self.resubscribe_s = resubscribe_s
        self.namespace = namespace
        self.ttl_ms = max(1, round(ttl_s * 1000))
        self.ttl_s = ttl_s
        self.health = Dependency(
            "Redis (media worker registry)",
            logger,
            what="the calls in progress keep their media worker",
        )

    @classmethod
    def from_url(
        cls,
        url: str,
        namespace: str = "plateau:media",
        ttl_s: float = 3.0,
        *,
        resubscribe_s: float = RESUBSCRIBE_S,
    ) -> Registry:
        client = Redis.from_url(
            url,
            socket_connect_timeout=CONNECT_TIMEOUT_S,
            socket_timeout=COMMAND_TIMEOUT_S,
            retry=Retry(ExponentialBackoff(cap=0.2, base=0.05), 1),
        )
        return cls(client, namespace, ttl_s, resubscribe_s=resubscribe_s)

    async def _tracked(self, operation: Awaitable[T]) -> T:
        """Run one Redis operation, noting whether Redis answered (logged on a change only)."""
        try:
            result = await operation
        except (RedisError, OSError) as exc:
            self.health.failed(exc)
            raise
        self.health.ok()
        return result

    async def ping(self) -> bool:
        try:
            return bool(await self._tracked(self.redis.ping()))
        except (RedisError, OSError):
            return False

    def _key(self, worker_id: str) -> str:
        return f"{self.namespace}:worker:{worker_id}"

    @property
    def events_channel(self) -> str:
        return f"{self.namespace}:events"

    async def register(self, info: WorkerInfo) -> None:
        key, value = self._key(info.worker_id), info.model_dump_json()
        await self._tracked(self.redis.set(key, value, px=self.ttl_ms))

    async def remove(self, worker_id: str) -> None:
        await self._tracked(self.redis.delete(self._key(worker_id)))

    async def _keys(self) -> list[Any]:
        return [k async for k in self.redis.scan_iter(match=self._key("*"), count=100)]

    async def live(self) -> dict[str, WorkerInfo]:
        """Every registered worker (keys not yet expired), whoever started it."""
        keys = await self._tracked(self._keys())
        if not keys:
            return {}
        found: dict[str, WorkerInfo] = {}
        for raw in await self._tracked(self.redis.mget(keys)):
            if raw is None:  # expired between SCAN and MGET
                continue
            try:
                info = WorkerInfo.model_validate_json(raw)
            except ValueError:
                logger.warning("ignoring a malformed media worker record")
                continue
            found[info.worker_id] = info
        return found

    async def publish(self, event: WorkerEvent) -> None:
        text = json.dumps(event.model_dump(mode="json"))
        await self._tracked(self.redis.publish(self.events_channel, text))

    async def events(self) -> AsyncIterator[WorkerEvent]:
        """The events workers publish (a page's peer state, what a recording's disk did), as
        they come, each read by its model (`protocol.WorkerEvent`): a malformed one is
        skipped with a warning.
        Raises `RedisError`/`OSError` when Redis goes away (see `events_forever`)."""
        pubsub = self.redis.pubsub()
        try:
            await self._tracked(pubsub.subscribe(self.events_channel))
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                try:
                    event = WORKER_EVENT.validate_json(message["data"])
                except ValidationError as exc:
                    logger.warning(
                        "ignoring a malformed media worker event: %s",
                        french_summary(french_errors(exc.errors()[:3])),
                    )
                    continue
                yield event
        except (RedisError, OSError) as exc:
            self.health.failed(exc)
            raise
        finally:
            await _close_pubsub(pubsub)

    async def events_forever(self) -> AsyncIterator[WorkerEvent]:
        """`events()`, subscribed again each time Redis comes back (events published while
        it was away are lost: a page's state is seen again at its next change)."""
        while True:
            try:
                async for event in self.events():
                    yield event
            except (RedisError, OSError):
                raise_if_cancelled()  # logged once by `health`; try again
            await asyncio.sleep(self.resubscribe_s)

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
    except TimeoutError:  # (before OSError, of which it is a kind)
        logger.warning("closing the media events subscription timed out: dropping it")
        if pubsub.connection is not None:
            await pubsub.connection.disconnect(nowait=True)
    except (RedisError, OSError):
        pass  # Redis is away: nothing to close politely


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
            try:  # Redis away: logged once by the registry; the next beat registers again
                await self._registry.register(self._describe())
                self.beats += 1
            except (RedisError, OSError):
                raise_if_cancelled()  # redis-py turned our stop into its error (a SIGTERM)
                continue
            except Exception:
                raise_if_cancelled()
                logger.exception("media worker heartbeat failed")

    async def stop(self, deregister: bool = True) -> None:
        task, self._task = self._task, None
        await cancel_and_wait(task)
        if deregister:
            with contextlib.suppress(Exception):
                await self._registry.remove(self._describe().worker_id)
