"""`MediaPort` for the web process in workers mode: each room (one candidate's telephony) is
placed on the least-loaded live media worker and every call is forwarded to it.

Death is decided on evidence only (`liveness.py`, watched by `watch.py`): the supervisor saw
the local worker's process exit (`worker_exited`), nothing accepts connections at its
address, another instance answers there or registered under its id, or its health check
failed for `dead_after_s`. A registration that lapsed (Redis away, or just back) only makes
the port ask the worker; the workers carrying rooms are asked every `probe_s` anyway, so a
death is seen within that.

Failover: each room of a dead worker is re-placed on another; an active call is started again
there (admitted past capacity: it was admitted once) and records the next segment of the
same call, `<call>.part2.ogg`; the pages are told at once to renegotiate (`on_replaced`);
then, off that critical path, the web process writes the sidecar of the interrupted segment
with the unrecorded stretch as a `failover` gap, and `on_failover` reports the incident.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from redis.exceptions import RedisError

from server.core.clock import Clock, SystemClock
from server.core.tasks import cancel_and_wait
from server.telephony.ports import MediaPort, NoActiveCall, PeerRole, RecordingInfo
from server.telephony.recorder import StorageEvent
from server.telephony.workers.admission import NoMediaWorker
from server.telephony.workers.call_segments import (
    CallSegments,
    LostSegment,
    begin_handover,
    close_lost_segment,
    end_gap_at,
    handover_done,
    handover_failed,
    start_segment,
)
from server.telephony.workers.claims import RoomClaims, Worker
from server.telephony.workers.client import WorkerClient, WorkerUnreachable
from server.telephony.workers.liveness import DEAD_AFTER_S, Liveness
from server.telephony.workers.placement import Failover, OnFailover, Placement, least_loaded
from server.telephony.workers.protocol import WorkerProtocolError
from server.telephony.workers.registry import CLOSE_TIMEOUT_S, Registry, WorkerInfo
from server.telephony.workers.watch import RedisHealth, WorkersHealth, WorkerWatch
from server.telephony.workers.worker_events import StorageNotice
from server.telephony.workers.worker_view import WorkerView

logger = logging.getLogger(__name__)
T = TypeVar("T")
OnReplaced = Callable[[str], Awaitable[None] | None]
PeerStateListener = Callable[[str, PeerRole, str], None]
StorageListener = Callable[[str, str, StorageEvent], None]
ClientFactory = Callable[[str, str], WorkerClient]
REFRESH_ON_FAILOVER_S = 0.3  # the freshest registry view, if Redis answers that fast


class RemoteMediaPort:
    def __init__(
        self,
        registry: Registry,
        token: str,
        *,
        clock: Clock | None = None,
        on_replaced: OnReplaced | None = None,
        on_peer_state: PeerStateListener | None = None,
        on_failover: OnFailover | None = None,
        on_storage: StorageListener | None = None,
        watch_s: float = 0.5,
        probe_s: float = 0.25,
        dead_after_s: float = DEAD_AFTER_S,
        owner: str | None = None,
        client_factory: ClientFactory = WorkerClient,
        owns_registry: bool = False,
    ) -> None:
        self._registry = registry
        self._token = token
        self._clock = clock or SystemClock()
        self.on_replaced = on_replaced
        self.on_failover = on_failover
        self._on_peer_state = on_peer_state
        self._on_storage = on_storage
        self._client_factory = client_factory
        self._owns_registry = owns_registry
        self._claims = RoomClaims(registry.redis, registry.namespace)
        self.liveness = Liveness(dead_after_s)
        self.view = WorkerView(registry, owner, self.liveness)
        self._watch = WorkerWatch(
            self.view,
            client_at=self._client_at,
            carrying=self._carrying,
            on_deaths=self._recover_lost,
            watch_s=watch_s,
            probe_s=probe_s,
        )
        self._clients: dict[str, WorkerClient] = {}  # by url
        self._rooms: dict[str, Placement] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._background: set[asyncio.Task[Any]] = set()
        self.replacements = 0

    # --- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        await self.view.refresh()
        self._tasks.extend(self._watch.tasks())
        if self._on_peer_state is not None or self._on_storage is not None:
            self._tasks.append(asyncio.create_task(self._listen(), name="media-peer-events"))

    async def close(self) -> None:
        # a task stuck in a Redis socket's close must not hang the shutdown: bounded
        await asyncio.gather(*(cancel_and_wait(t, within_s=CLOSE_TIMEOUT_S) for t in self._tasks))
        self._tasks.clear()
        for room_id in list(self._rooms):
            with contextlib.suppress(Exception):
                await self.close_room(room_id)
        for task in list(self._background):
            task.cancel()
        for client in self._clients.values():
            await client.close()
        self._clients.clear()
        if self._owns_registry:
            await self._registry.close()

    def placements(self) -> dict[str, str]:
        """room id -> worker id."""
        return {room_id: p.worker_id for room_id, p in self._rooms.items()}

    def worker_exited(self, worker_id: str, pid: int) -> None:
        """The supervisor saw a local worker's process exit (thread-safe: called from its
        monitor thread). Evidence of death: its rooms move at once."""
        self._watch.worker_exited(worker_id, pid)

    def health(self) -> dict[str, RedisHealth | WorkersHealth]:
        """What `/api/health` shows of the media plane (no network call: the watchers' view)."""
        return self._watch.health(
            orphans=sum(1 for p in self._rooms.values() if p.orphan), rooms=len(self._rooms)
        )

    # --- MediaPort -----------------------------------------------------------------------

    async def attach_peer(self, room_id: str, role: PeerRole, offer_sdp: str) -> str:
        role = PeerRole(role)

        async def attach(client: WorkerClient) -> str:
            return await client.attach_peer(room_id, role, offer_sdp)

        answer = await self._forward(room_id, attach, place=True)
        self._rooms[room_id].roles.add(role)
        return answer

    async def detach_peer(self, room_id: str, role: PeerRole) -> None:
        placement = self._rooms.get(room_id)
        if placement is None:
            return
        placement.roles.discard(PeerRole(role))
        with contextlib.suppress(WorkerUnreachable):  # the watchers re-place the room
            await self._client(placement).detach_peer(room_id, role)

    async def start_call(
        self,
        room_id: str,
        call_id: str,
        recording_path: Path | None,
        *,
        parties: Mapping[str, str] | None = None,
    ) -> None:
        async def start(client: WorkerClient) -> None:
            await client.start_call(room_id, call_id, recording_path, parties=parties)

        await self._forward(room_id, start, place=True)
        now = self._clock.now()
        path = Path(recording_path) if recording_path is not None else None
        self._rooms[room_id].call = CallSegments(call_id, path, dict(parties or {}), now, now)

    async def hold(self, room_id: str, on: bool) -> None:
        async def hold(client: WorkerClient) -> None:
            await client.hold(room_id, on)

        await self._forward(room_id, hold)
        if (call := self._rooms[room_id].call) is not None:
            call.held = on

    async def end_call(self, room_id: str) -> RecordingInfo | None:
        return await self._finish(room_id, close=False)

    async def close_room(self, room_id: str) -> RecordingInfo | None:
        if room_id not in self._rooms:
            return None
        return await self._finish(room_id, close=True)

    # --- forwarding ----------------------------------------------------------------------

    def _lock(self, room_id: str) -> asyncio.Lock:
        return self._locks.setdefault(room_id, asyncio.Lock())

    def _client_at(self, url: str) -> WorkerClient:
        client = self._clients.get(url)
        if client is None:
            client = self._clients[url] = self._client_factory(url, self._token)
        return client

    def _client(self, placement: Placement) -> WorkerClient:
        info = self.view.info(placement.worker_id, placement.instance)
        if info is None:
            raise WorkerUnreachable(f"media worker {placement.worker_id} is unknown")
        return self._client_at(info.url)

    async def _forward(
        self, room_id: str, op: Callable[[WorkerClient], Awaitable[T]], place: bool = False
    ) -> T:
        """Run `op` on the room's worker; if that worker is dead, re-place the room and run it
        once more on the new one."""
        async with self._lock(room_id):
            placement = self._rooms.get(room_id) or await self._locate(room_id)
            if placement is None and not place:
                raise NoActiveCall(f"room {room_id} has no media worker")
            if placement is None:
                placement = await self._place(room_id)
            if (placement.orphan or self._is_dead(placement)) and not await self._replace(
                room_id, placement
            ):
                raise NoMediaWorker(f"room {room_id}: no live worker")
            try:
                return await op(self._client(placement))
            except WorkerUnreachable:
                if not await self._confirm_dead(placement):
                    raise
                if not await self._replace(room_id, placement):
                    raise NoMediaWorker(f"room {room_id}: no live worker") from None
                return await op(self._client(placement))

    async def _finish(self, room_id: str, close: bool) -> RecordingInfo | None:
        async with self._lock(room_id):
            placement = self._rooms.get(room_id) or await self._locate(room_id)
            if placement is None:
                raise NoActiveCall(f"room {room_id}: no call to end")
            call, placement.call = placement.call, None
            try:
                client = self._client(placement)
                info = await (client.close_room(room_id) if close else client.end_call(room_id))
            except WorkerUnreachable:
                if not close and call is None:
                    raise NoActiveCall(f"room {room_id}: no call to end") from None
                placement.orphan = True  # re-placed (without the call) by the watchers
                # the segment being written is lost with its worker: close it (sidecar); a
                # segment numbered but never started has nothing to close
                info = None
                now = self._clock.now()
                if call is not None and not call.restarting:
                    info = await close_lost_segment(
                        room_id, call, LostSegment.of(call), None, now, resumed_at=now
                    )
                elif call is not None:  # ended while no worker had it
                    await end_gap_at(call, now)
            if close:
                del self._rooms[room_id]
                self._locks.pop(room_id, None)
            if call is None:
                return info
            await call.settle()
            return call.with_earlier(info)

    # --- placement -----------------------------------------------------------------------

    def _is_dead(self, placement: Placement) -> bool:
        return self.liveness.is_dead(placement.worker_id, placement.instance)

    def _choose(self, exclude: set[tuple[str, str]]) -> WorkerInfo | None:
        """The least-loaded usable worker, but those in `exclude` (worker id, instance)."""
        usable = self.view.usable(self.liveness.dead_after_s)
        return least_loaded(usable, self._rooms.values(), exclude)

    def _adopt(self, room_id: str) -> Placement | None:
        """The room lives on a worker already (as its registration says): this web process
        restarted, or another web replica placed it (a juror's page on this replica, the
        candidate's on the other)."""
        for known in self.view.registered.values():
            if room_id in known.room_ids and self.view.alive(known):
                placement = self._rooms[room_id] = Placement(known.worker_id, known.instance)
                return placement
        return None

    async def _locate(self, room_id: str) -> Placement | None:
        """A room this process did not place: where its registration says, else where a live
        worker says it is now (the registrations lag by a heartbeat: another web replica may
        have placed it a moment ago)."""
        if (adopted := self._adopt(room_id)) is not None:
            return adopted
        for info in self.view.usable(self.liveness.dead_after_s):
            with contextlib.suppress(WorkerUnreachable, WorkerProtocolError, RedisError, OSError):
                if room_id in (await self._client_at(info.url).health()).room_ids:
                    placement = Placement(info.worker_id, info.instance)
                    self._rooms[room_id] = placement
                    return placement
        return None

    async def _place(self, room_id: str) -> Placement:
        if (adopted := self._adopt(room_id)) is not None:
            return adopted
        info = self._choose(exclude=set())
        if info is None:
            with contextlib.suppress(RedisError, OSError):
                await self.view.refresh()
            info = self._choose(exclude=set())
        if info is None:
            raise NoMediaWorker("no live media worker registered")
        info = await self._agreed(info, await self._claims.claim(room_id, _worker(info)))
        placement = self._rooms[room_id] = Placement(info.worker_id, info.instance)
        return placement

    async def _agreed(self, mine: WorkerInfo, agreed: Worker | None) -> WorkerInfo:
        """Another web replica put the room elsewhere: follow it while that worker lives."""
        if agreed is None or agreed == _worker(mine) or self.liveness.is_dead(*agreed):
            return mine
        other = self.view.info(*agreed)
        if other is None:
            with contextlib.suppress(RedisError, OSError):
                await self.view.refresh()
            other = self.view.info(*agreed)
        return other if other is not None else mine

    async def _confirm_dead(self, placement: Placement) -> bool:
        """A request failed: is the worker really gone (not merely slow)?"""
        return await self._watch.probe(placement.worker_id, placement.instance)

    async def _replace(self, room_id: str, placement: Placement) -> bool:
        """Move the room off its dead worker (lock held). False: no worker could take it."""
        lost_at = self._clock.now()
        dead, dead_instance = placement.worker_id, placement.instance
        self.liveness.declare_dead(dead, dead_instance, "its room could not be served")
        if self._registry.health.up:  # the freshest view of who is alive, if Redis is quick
            with contextlib.suppress(RedisError, OSError, TimeoutError):
                async with asyncio.timeout(REFRESH_ON_FAILOVER_S):
                    await self.view.refresh()
        dead_info = self.view.info(dead, dead_instance)
        excluded = {(dead, dead_instance)}
        call = placement.call
        lost = begin_handover(call) if call is not None else None
        while (info := self._choose(excluded)) is not None:
            info = await self._agreed(
                info, await self._claims.move(room_id, excluded, _worker(info))
            )
            try:
                if call is not None:
                    await start_segment(room_id, call, self._client_at(info.url), self._clock)
                break
            except WorkerUnreachable:
                self.liveness.declare_dead(info.worker_id, info.instance, "refused a failover")
                excluded.add((info.worker_id, info.instance))
        else:
            first = not placement.orphan
            placement.orphan = True
            if first:
                logger.error("room %s: its media worker died and no other can take it", room_id)
                if call is not None:
                    await handover_failed(room_id, call, lost, lost_at)
                self._report(room_id, call, (dead, dead_instance), lost_at, None, None)
            return False
        logger.warning("room %s re-placed from worker %s to %s", room_id, dead, info.worker_id)
        placement.worker_id, placement.instance = info.worker_id, info.instance
        placement.roles.clear()
        placement.orphan = False
        self.replacements += 1
        self._notify(room_id)  # the pages renegotiate now; the bookkeeping follows
        resumed_at = call.segment_started_at if call is not None else self._clock.now()
        if call is not None:
            await handover_done(room_id, call, lost, lost_at)
        self._report(room_id, call, (dead, dead_instance), lost_at, resumed_at, info.worker_id)
        if dead_info is not None and dead_info.url != info.url:
            # if it was only cut off, stop its stale copy of the room (and of the call)
            self._spawn(self._client_at(dead_info.url).close_room(room_id))
        return True

    def _report(
        self,
        room_id: str,
        call: CallSegments | None,
        dead: tuple[str, str],
        lost_at: datetime,
        resumed_at: datetime | None,
        moved_to: str | None,
    ) -> None:
        if self.on_failover is None:
            return
        event = Failover(
            room_id=room_id,
            call_id=call.call_id if call is not None else None,
            lost_worker=dead[0],
            why=self.liveness.why(*dead),
            lost_at=lost_at,
            resumed_at=resumed_at,
            moved_to=moved_to,
        )
        result = self.on_failover(event)
        if inspect.isawaitable(result):
            self._spawn(result)

    # --- watching ------------------------------------------------------------------------

    def _carrying(self) -> set[tuple[str, str]]:
        return {(p.worker_id, p.instance) for p in self._rooms.values() if not p.orphan}

    def _lost_rooms(self) -> list[str]:
        return [r for r, p in self._rooms.items() if p.orphan or self._is_dead(p)]

    async def _recover_lost(self) -> None:
        rooms = self._lost_rooms()
        if rooms:
            await asyncio.gather(*(self._recover(room_id) for room_id in rooms))

    async def _recover(self, room_id: str) -> None:
        try:
            async with self._lock(room_id):
                placement = self._rooms.get(room_id)
                if placement is None or not (placement.orphan or self._is_dead(placement)):
                    return  # moved meanwhile
                await self._replace(room_id, placement)
        except Exception:
            logger.exception("re-placing room %s failed", room_id)

    def _notify(self, room_id: str) -> None:
        if self.on_replaced is None:
            return
        result = self.on_replaced(room_id)
        if inspect.isawaitable(result):
            self._spawn(result)

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(self._quietly(coro))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    @staticmethod
    async def _quietly(awaitable: Awaitable[Any]) -> None:
        try:
            await awaitable
        except Exception:
            logger.debug("background media task failed", exc_info=True)

    async def _listen(self) -> None:
        """The workers' events: a page's peer state, or what a recording's disk did."""
        async for event in self._registry.events_forever():
            placement = self._rooms.get(event.room_id)
            if placement is None or placement.instance != event.instance:
                continue
            try:
                if isinstance(event, StorageNotice):
                    if self._on_storage is not None:
                        self._on_storage(event.room_id, event.call_id, event.storage.event())
                elif self._on_peer_state is not None:
                    self._on_peer_state(event.room_id, event.role, event.state)
            except Exception:
                logger.exception("media event listener failed")


def _conforms(media: RemoteMediaPort) -> MediaPort:  # mypy: it implements MediaPort
    return media


def _worker(info: WorkerInfo) -> Worker:
    return (info.worker_id, info.instance)
