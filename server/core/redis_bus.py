"""The event bus across web replicas, through Redis.

Publishing runs one Lua script per event (atomic in Redis): it takes the next number of each
of the event's audiences (`<prefix>:bus:seq`, a hash audience → last number), appends the
event to each audience's log (`<prefix>:bus:log:<audience>`, a stream whose entry id is
`<number>-0`, trimmed to about LOG_LENGTH entries) and publishes it once on
`<prefix>:bus` with its numbers. Every replica listens on that one channel and hands the event
to its local subscriptions of those audiences: Redis runs the scripts one at a time, so every
replica sees every audience's events in the same order, numbered without gaps.

If the listening connection drops, the replica reads what it missed from the audiences' logs
when it is back: by number for an audience it had handed events of, and, for an audience
subscribed since, every logged event published after the last one the replica heard (events
carry one global number too). A subscription whose audience's log no longer reaches back that
far is marked lost, and its page resyncs from a snapshot (never a silent loss); so is one made
before the replica first reached Redis. `replay`
does the same for a socket that comes back with the numbers it last saw.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Iterable
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeout

from server.core.events import Event, EventBus, Subscription
from server.core.tasks import cancel_and_wait, raise_if_cancelled

log = logging.getLogger(__name__)
LOG_LENGTH = 2000  # events kept per audience for catching up (approximate trimming)
BATCH = 256
RETRY_S = 0.2
OUTBOX_LIMIT = 100_000  # events waiting for Redis, at most

PUBLISH = """
local prefix, maxlen, data = ARGV[1], ARGV[2], ARGV[3]
local id = redis.call('INCR', prefix .. ':bus:id')
local seqs = {}
for i = 4, #ARGV do
  local audience = ARGV[i]
  local seq = redis.call('HINCRBY', prefix .. ':bus:seq', audience, 1)
  seqs[audience] = seq
  redis.call('XADD', prefix .. ':bus:log:' .. audience, 'MAXLEN', '~', maxlen,
             seq .. '-0', 'id', id, 'data', data)
end
redis.call('PUBLISH', prefix .. ':bus',
           '{"id":' .. id .. ',"seqs":' .. cjson.encode(seqs) .. ',"data":' .. data .. '}')
return id
"""


class RemoteEvent(BaseModel):
    """An event as it came through Redis: its fields, and `aseq`, its number in each of the
    receiving socket's audiences that it was published to."""

    model_config = ConfigDict(extra="allow")


class Logged(NamedTuple):
    """An event read back from the audiences' logs: its number among all events, its number
    in each audience read, its fields."""

    event_id: int
    seqs: dict[str, int]
    data: dict[str, Any]

    @classmethod
    def of_entry(cls, audience: str, entry_id: str, fields: dict[str, str]) -> Logged:
        seq = int(entry_id.split("-")[0])
        return cls(int(fields["id"]), {audience: seq}, json.loads(fields["data"]))


def merged(events: Iterable[Logged]) -> list[Logged]:
    """Each event once, with its numbers in every audience it was read from, in publication
    order."""
    by_id: dict[int, Logged] = {}
    for event in events:
        by_id.setdefault(event.event_id, Logged(event.event_id, {}, event.data)).seqs.update(
            event.seqs
        )
    return [by_id[i] for i in sorted(by_id)]


class Gap(Exception):
    """An audience's log no longer holds the events asked for: resync from a snapshot."""


class RedisEventBus(EventBus):
    """The in-process bus's local subscriptions (inherited), fed from Redis instead of
    directly: `publish` sends to Redis, and each replica hands what Redis delivers to its own
    subscribers of those audiences, in Redis's order."""

    def __init__(self, url: str, *, prefix: str = "plateau", retry_s: float = RETRY_S) -> None:
        super().__init__()
        self._retry_s = retry_s  # real seconds between two attempts to reach Redis
        self._url = url
        self.prefix = prefix
        self.channel = f"{prefix}:bus"
        self._redis: Redis | None = None
        self._last: dict[str, int] = {}  # audience → last number handed to local subscribers
        # the last event heard on the channel (events are numbered in publication order):
        # what a new audience missed while the channel was down is its log after this one
        self._heard: int | None = None
        self._outbox: deque[tuple[list[str], str]] = deque()
        self._pending = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._listening = asyncio.Event()
        self._idle = asyncio.Event()  # set whenever the outbox has just been emptied
        self.published = 0
        self.dropped = 0

    # --- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._redis = Redis.from_url(self._url, decode_responses=True)
        self._script = self._redis.register_script(PUBLISH)
        self._tasks = [
            asyncio.create_task(self._listen(), name="bus-listen"),
            asyncio.create_task(self._publish_loop(), name="bus-publish"),
        ]
        with contextlib.suppress(TimeoutError):  # Redis away: the listener keeps trying
            await asyncio.wait_for(self._listening.wait(), 10)
        if self._outbox:
            self._pending.set()

    async def close(self) -> None:
        with contextlib.suppress(TimeoutError):  # what was published is sent first
            await asyncio.wait_for(self._drained(), 2)
        await asyncio.gather(*(cancel_and_wait(task) for task in self._tasks))  # one bound
        self._tasks.clear()
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None

    async def _drained(self) -> None:
        if self._outbox:
            self._idle.clear()
            await self._idle.wait()

    # --- the Bus protocol ----------------------------------------------------------------

    def unsubscribe(self, sub: Subscription) -> None:
        super().unsubscribe(sub)
        for audience in sub.audiences:
            if audience not in self._by_audience:  # its last subscriber here: forget its number
                self._last.pop(audience, None)

    def publish(self, audiences: str | Iterable[str], event: Event) -> None:
        targets = [audiences] if isinstance(audiences, str) else list(dict.fromkeys(audiences))
        if not targets:
            return
        if len(self._outbox) >= OUTBOX_LIMIT:  # Redis away for long: the oldest go (logged)
            self._outbox.popleft()
            self.dropped += 1
            if self.dropped == 1:
                log.error(
                    "Redis injoignable : des événements sont perdus (les pages se "
                    "resynchronisent à leur reconnexion)"
                )
        self._outbox.append((targets, event.model_dump_json()))
        loop = self._loop
        if loop is None:
            return  # before start(): sent once started
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._pending.set()
        else:
            loop.call_soon_threadsafe(self._pending.set)

    # --- numbers, for sockets that come back ---------------------------------------------

    async def positions(self, audiences: Iterable[str]) -> dict[str, int]:
        """The last number of each audience (0: nothing published yet)."""
        assert self._redis is not None
        names = list(audiences)
        if not names:
            return {}
        values = await self._redis.hmget(f"{self.prefix}:bus:seq", names)
        return {a: int(v or 0) for a, v in zip(names, values, strict=True)}

    async def replay(self, since: dict[str, int]) -> list[RemoteEvent]:
        """Every event published to these audiences after the given numbers, in publication
        order, each once; raises Gap if a log was trimmed past a number asked for."""
        events = await self._read_logs(since)
        out = []
        for event in events:
            mine = {a: s for a, s in event.seqs.items() if a in since}
            out.append(RemoteEvent.model_construct(**event.data, aseq=mine))
        return out

    async def _read_logs(self, since: dict[str, int]) -> list[Logged]:
        assert self._redis is not None
        read: list[Logged] = []
        last = await self.positions(since)
        for audience, after in since.items():
            if last[audience] <= after:
                continue
            entries: list[tuple[str, dict[str, str]]] = await self._redis.xrange(
                f"{self.prefix}:bus:log:{audience}", min=f"{after + 1}-0", max="+"
            )  # type: ignore[assignment]  # decode_responses: str
            first = int(entries[0][0].split("-")[0]) if entries else None
            if first != after + 1:
                raise Gap(audience)
            read.extend(Logged.of_entry(audience, *entry) for entry in entries)
        return merged(read)

    # --- publishing ----------------------------------------------------------------------

    async def _publish_loop(self) -> None:
        while True:
            await self._pending.wait()
            self._pending.clear()
            while self._outbox:
                batch = [self._outbox[i] for i in range(min(BATCH, len(self._outbox)))]
                try:
                    await self._send(batch)
                except (RedisConnectionError, RedisTimeout, OSError):
                    raise_if_cancelled()
                    log.warning("Redis injoignable : événements en attente d'envoi", exc_info=True)
                    await asyncio.sleep(self._retry_s)
                    continue
                except RedisError:  # refused by Redis (e.g. its data was wiped): not retried
                    raise_if_cancelled()
                    log.exception("événements refusés par Redis : les pages se resynchronisent")
                for _ in batch:
                    self._outbox.popleft()
                self.published += len(batch)
            self._idle.set()

    async def _send(self, batch: list[tuple[list[str], str]]) -> None:
        assert self._redis is not None
        async with self._redis.pipeline(transaction=False) as pipe:
            for targets, data in batch:
                await self._script(
                    keys=[], args=[self.prefix, LOG_LENGTH, data, *targets], client=pipe
                )
            await pipe.execute()

    # --- listening -----------------------------------------------------------------------

    async def _listen(self) -> None:
        while True:
            assert self._redis is not None
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                if self._heard is None:  # the first connection: the channel is heard from now
                    self._heard = int(await self._redis.get(f"{self.prefix}:bus:id") or 0)
                    self._lose_all()  # a page subscribed before missed what: it resyncs
                await self._catch_up()  # what was published while this replica was not listening
                self._listening.set()
                while True:
                    message = await pubsub.get_message(timeout=5.0)
                    if message is not None and message["type"] == "message":
                        raw = json.loads(message["data"])
                        self._heard = max(self._heard or 0, raw["id"])
                        self._dispatch(raw["seqs"], raw["data"])
            except RedisError:
                raise_if_cancelled()
                log.warning("écoute des événements interrompue (Redis) : reprise", exc_info=True)
                await asyncio.sleep(self._retry_s)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    async def _catch_up(self) -> None:
        """What was published while the channel was down: for each audience with subscribers
        here, its log after the last number handed to them or, for an audience subscribed
        since (none handed yet), after the last event heard on the channel. A log that no
        longer reaches back that far marks its subscriptions lost (their pages resync)."""
        heard = self._heard or 0
        missed: list[Logged] = []
        for audience in list(self._by_audience):
            try:
                if audience in self._last:
                    events = await self._read_logs({audience: self._last[audience]})
                else:
                    events = await self._read_log_after_event(audience, heard)
            except Gap:
                self._lose(audience)
                continue
            missed.extend(events)
        for event in merged(missed):  # once each, in publication order
            self._dispatch(event.seqs, event.data)

    async def _read_log_after_event(self, audience: str, heard: int) -> list[Logged]:
        """The audience's logged events published after event number `heard`, oldest first
        (read newest first until one at or before it); Gap if the log does not reach it."""
        assert self._redis is not None
        key = f"{self.prefix}:bus:log:{audience}"
        after: list[Logged] = []
        top = "+"
        while True:
            entries: list[tuple[str, dict[str, str]]] = await self._redis.xrevrange(
                key, max=top, min="-", count=BATCH
            )  # type: ignore[assignment]  # decode_responses: str
            for entry_id, fields in entries:
                event = Logged.of_entry(audience, entry_id, fields)
                if event.event_id <= heard:
                    return after[::-1]
                after.append(event)
                top = f"({entry_id}"
            if len(entries) < BATCH:  # the log's oldest entry: complete only if it is the first
                oldest = after[-1].seqs[audience] if after else None
                published = (await self.positions([audience]))[audience]
                if (oldest is None and published == 0) or oldest == 1:
                    return after[::-1]
                raise Gap(audience)

    def _lose(self, audience: str) -> None:
        for sub in list(self._by_audience.get(audience, ())):
            sub.overflowed = True
            with contextlib.suppress(asyncio.QueueFull):
                sub.queue.put_nowait(RemoteEvent.model_construct(type="lost"))

    def _lose_all(self) -> None:
        for audience in list(self._by_audience):
            self._lose(audience)

    def _dispatch(self, seqs: dict[str, int], data: dict[str, Any]) -> None:
        fresh = [a for a, n in seqs.items() if a in self._by_audience and n > self._last.get(a, 0)]
        if not fresh:
            return
        for audience in fresh:
            self._last[audience] = seqs[audience]
        seen: set[int] = set()
        copies: dict[frozenset[str], RemoteEvent] = {}
        for audience in fresh:
            for sub in list(self._by_audience.get(audience, ())):
                if sub.id in seen:
                    continue
                seen.add(sub.id)
                mine = sub.audiences.intersection(seqs)
                event = copies.get(mine)
                if event is None:
                    event = RemoteEvent.model_construct(**data, aseq={a: seqs[a] for a in mine})
                    copies[mine] = event
                sub.offer(event)
