"""`MediaPort` for the web process in workers mode: each room (one candidate's telephony) is
placed on the least-loaded live media worker and every call is forwarded to it.

Failure: when a worker's heartbeat expires (or it stops answering and a health probe agrees),
each of its rooms is re-placed on another worker; an active call is started again there
(admitted past capacity: it was admitted once) and records the next segment of the same call,
`<call>.part2.ogg`, whose sidecar names the segment before; the web process writes the sidecar
of the interrupted segment. Then `on_replaced(room_id)` tells the app to have the room's pages
renegotiate (they send a new offer; `attach_peer` reaches the new worker).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from server.core.clock import Clock, SystemClock
from server.telephony.ports import MediaPort, NoActiveCall, PeerRole, RecordingInfo
from server.telephony.workers.admission import NoMediaWorker
from server.telephony.workers.call_segments import CallSegments, close_lost_segment
from server.telephony.workers.client import WorkerClient, WorkerUnreachable
from server.telephony.workers.registry import CLOSE_TIMEOUT_S, Registry, WorkerInfo
from server.telephony.workers.segments import segment_path

logger = logging.getLogger(__name__)
T = TypeVar("T")
OnReplaced = Callable[[str], Awaitable[None] | None]
PeerStateListener = Callable[[str, PeerRole, str], None]
ClientFactory = Callable[[str, str], WorkerClient]


@dataclass
class Placement:
    worker_id: str
    instance: str
    call: CallSegments | None = None
    roles: set[PeerRole] = field(default_factory=set)
    orphan: bool = False  # its worker died and no other could take it yet


class RemoteMediaPort:
    def __init__(
        self,
        registry: Registry,
        token: str,
        *,
        clock: Clock | None = None,
        on_replaced: OnReplaced | None = None,
        on_peer_state: PeerStateListener | None = None,
        watch_s: float = 0.5,
        client_factory: ClientFactory = WorkerClient,
        owns_registry: bool = False,
    ) -> None:
        self._registry = registry
        self._token = token
        self._clock = clock or SystemClock()
        self.on_replaced = on_replaced
        self._on_peer_state = on_peer_state
        self._watch_s = watch_s
        self._client_factory = client_factory
        self._owns_registry = owns_registry
        self._workers: dict[str, WorkerInfo] = {}
        self._clients: dict[str, WorkerClient] = {}  # by url
        self._suspects: dict[str, str] = {}  # worker id -> instance seen dead
        self._rooms: dict[str, Placement] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._notifications: set[asyncio.Task[None]] = set()
        self.replacements = 0

    # --- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        await self._refresh()
        self._tasks.append(asyncio.create_task(self._watch(), name="media-placement-watch"))
        if self._on_peer_state is not None:
            self._tasks.append(asyncio.create_task(self._listen(), name="media-peer-events"))

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self._tasks:  # a task stuck in a Redis socket's close must not hang the shutdown
            _, stuck = await asyncio.wait(self._tasks, timeout=CLOSE_TIMEOUT_S)
            for task in stuck:
                logger.warning("media task %s did not stop in time", task.get_name())
        self._tasks.clear()
        for room_id in list(self._rooms):
            with contextlib.suppress(Exception):
                await self.close_room(room_id)
        for client in self._clients.values():
            await client.close()
        self._clients.clear()
        if self._owns_registry:
            await self._registry.close()

    def placements(self) -> dict[str, str]:
        """room id -> worker id."""
        return {room_id: p.worker_id for room_id, p in self._rooms.items()}

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
        with contextlib.suppress(WorkerUnreachable):  # the watcher re-places the room
            await self._client(placement.worker_id).detach_peer(room_id, role)

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

    def _client(self, worker_id: str) -> WorkerClient:
        info = self._workers.get(worker_id)
        if info is None:
            raise WorkerUnreachable(f"media worker {worker_id} is not registered")
        client = self._clients.get(info.url)
        if client is None:
            client = self._clients[info.url] = self._client_factory(info.url, self._token)
        return client

    async def _forward(
        self, room_id: str, op: Callable[[WorkerClient], Awaitable[T]], place: bool = False
    ) -> T:
        """Run `op` on the room's worker; if that worker is dead, re-place the room and run it
        once more on the new one."""
        replaced = False
        try:
            async with self._lock(room_id):
                placement = self._rooms.get(room_id)
                if placement is None and not place:
                    raise NoActiveCall(f"room {room_id} has no media worker")
                if placement is None:
                    placement = await self._place(room_id)
                if placement.orphan:
                    replaced = await self._replace(room_id, placement)
                    if not replaced:
                        raise NoMediaWorker(f"room {room_id}: no live worker")
                try:
                    return await op(self._client(placement.worker_id))
                except WorkerUnreachable:
                    if not await self._confirm_dead(placement):
                        raise
                    replaced = await self._replace(room_id, placement)
                    if not replaced:
                        raise NoMediaWorker(f"room {room_id}: no live worker") from None
                    return await op(self._client(placement.worker_id))
        finally:
            if replaced:
                self._notify(room_id)

    async def _finish(self, room_id: str, close: bool) -> RecordingInfo | None:
        async with self._lock(room_id):
            placement = self._rooms.get(room_id)
            if placement is None:
                raise NoActiveCall(f"room {room_id}: no call to end")
            call, placement.call = placement.call, None
            try:
                client = self._client(placement.worker_id)
                info = await (client.close_room(room_id) if close else client.end_call(room_id))
            except WorkerUnreachable:
                if not close and call is None:
                    raise NoActiveCall(f"room {room_id}: no call to end") from None
                placement.orphan = True  # re-placed (without the call) by the watcher
                # the segment being written is lost with its worker: close it (sidecar); a
                # segment numbered but never started has nothing to close
                info = None
                if call is not None and not call.restarting:
                    info = await self._interrupted(room_id, call, None)
            if close:
                del self._rooms[room_id]
                self._locks.pop(room_id, None)
            return call.with_earlier(info) if call is not None else info

    # --- placement -----------------------------------------------------------------------

    def _choose(self, exclude: set[tuple[str, str]]) -> WorkerInfo | None:
        """The least-loaded live worker, but those in `exclude` (worker id, instance)."""
        placed: dict[str, list[Placement]] = {}
        for p in self._rooms.values():
            placed.setdefault(p.worker_id, []).append(p)

        def score(info: WorkerInfo) -> tuple[float, float, str]:
            mine = placed.get(info.worker_id, [])
            calls = max(info.calls, sum(1 for p in mine if p.call is not None))
            rooms = max(info.rooms, len(mine))
            return (rooms / info.capacity, calls / info.capacity, info.worker_id)

        candidates = [
            w
            for w in self._workers.values()
            if (w.worker_id, w.instance) not in exclude
            and self._suspects.get(w.worker_id) != w.instance
        ]
        return min(candidates, key=score, default=None)

    async def _place(self, room_id: str) -> Placement:
        for known in self._workers.values():  # a web process restarted: the room lives on
            if room_id in known.room_ids and self._suspects.get(known.worker_id) != known.instance:
                placement = self._rooms[room_id] = Placement(known.worker_id, known.instance)
                return placement
        info = self._choose(exclude=set())
        if info is None:
            await self._refresh()
            info = self._choose(exclude=set())
        if info is None:
            raise NoMediaWorker("no live media worker registered")
        placement = self._rooms[room_id] = Placement(info.worker_id, info.instance)
        return placement

    async def _confirm_dead(self, placement: Placement) -> bool:
        """A request failed: is the worker really gone (not merely slow)?"""
        try:
            await self._client(placement.worker_id).health()
        except WorkerUnreachable:
            self._suspects[placement.worker_id] = placement.instance
            return True
        return False

    async def _replace(self, room_id: str, placement: Placement) -> bool:
        """Move the room off its dead worker (lock held). False: no worker could take it."""
        with contextlib.suppress(Exception):  # the freshest view of who is alive
            await self._refresh()
        dead, dead_instance = placement.worker_id, placement.instance
        still_listed = self._workers.get(dead)  # the registry still has it: only cut off?
        if still_listed is not None and still_listed.instance != dead_instance:
            still_listed = None  # restarted: the new process never had this room
        excluded = {(dead, dead_instance)}
        call = placement.call
        while (info := self._choose(excluded)) is not None:
            try:
                if call is not None:
                    if not call.restarting:
                        await self._next_segment(room_id, call)
                    await self._start_segment(room_id, call, self._client(info.worker_id))
                break
            except WorkerUnreachable:
                self._suspects[info.worker_id] = info.instance
                excluded.add((info.worker_id, info.instance))
        else:
            if not placement.orphan:
                logger.error("room %s: its media worker died and no other can take it", room_id)
            placement.orphan = True
            return False
        logger.warning("room %s re-placed from worker %s to %s", room_id, dead, info.worker_id)
        placement.worker_id, placement.instance = info.worker_id, info.instance
        placement.roles.clear()
        placement.orphan = False
        self.replacements += 1
        if still_listed is not None and still_listed.url != info.url:
            # if it was only cut off, stop its stale copy of the room (and of the call)
            self._spawn(self._quietly(self._client(dead).close_room(room_id)))
        return True

    async def _next_segment(self, room_id: str, call: CallSegments) -> None:
        """Close the dead worker's segment (its sidecar) and number the next one."""
        if call.first_path is not None:
            next_path = segment_path(call.first_path, call.segment + 1)
            if (closed := await self._interrupted(room_id, call, next_path)) is not None:
                call.closed.append(closed)
        call.segment += 1
        call.restarting = True

    async def _start_segment(self, room_id: str, call: CallSegments, client: WorkerClient) -> None:
        previous = call.previous_path
        await client.start_call(
            room_id,
            call.call_id,
            call.path,
            parties=call.parties,
            force=True,
            segment=call.segment,
            previous_segment=previous.name if previous is not None else None,
        )
        call.restarting = False
        call.segment_started_at = self._clock.now()
        if call.held:
            await client.hold(room_id, True)

    async def _interrupted(
        self, room_id: str, call: CallSegments, next_path: Path | None
    ) -> RecordingInfo | None:
        return await close_lost_segment(room_id, call, next_path, self._clock.now())

    # --- watching ------------------------------------------------------------------------

    async def _refresh(self) -> list[str]:
        """Read the registry; returns the rooms whose worker is gone."""
        self._workers = await self._registry.live()
        for worker_id, instance in list(self._suspects.items()):
            info = self._workers.get(worker_id)
            if info is None or info.instance != instance:
                del self._suspects[worker_id]  # gone for good, or back as a new instance
        lost = []
        for room_id, p in self._rooms.items():
            info = self._workers.get(p.worker_id)
            if p.orphan or info is None or info.instance != p.instance:
                lost.append(room_id)
        return lost

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self._watch_s)
            try:
                lost = await self._refresh()
            except Exception:  # Redis away: keep every placement, do not panic
                logger.exception("media worker registry unreachable")
                continue
            for room_id in lost:
                await self._recover(room_id)

    async def _recover(self, room_id: str) -> None:
        replaced = False
        try:
            async with self._lock(room_id):
                placement = self._rooms.get(room_id)
                info = self._workers.get(placement.worker_id) if placement else None
                if placement is None or (
                    not placement.orphan
                    and info is not None
                    and info.instance == placement.instance
                ):
                    return
                replaced = await self._replace(room_id, placement)
        except Exception:
            logger.exception("re-placing room %s failed", room_id)
        if replaced:
            self._notify(room_id)

    def _notify(self, room_id: str) -> None:
        if self.on_replaced is None:
            return
        result = self.on_replaced(room_id)
        if inspect.isawaitable(result):
            self._spawn(self._quietly(result))

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._notifications.add(task)
        task.add_done_callback(self._notifications.discard)

    @staticmethod
    async def _quietly(awaitable: Awaitable[Any]) -> None:
        try:
            await awaitable
        except Exception:
            logger.debug("background media task failed", exc_info=True)

    async def _listen(self) -> None:
        assert self._on_peer_state is not None
        async for event in self._registry.events():
            placement = self._rooms.get(event["room_id"])
            if placement is not None and placement.instance == event["instance"]:
                try:
                    self._on_peer_state(event["room_id"], PeerRole(event["role"]), event["state"])
                except Exception:
                    logger.exception("peer state listener failed")


def _conforms(media: RemoteMediaPort) -> MediaPort:  # mypy: it implements MediaPort
    return media
