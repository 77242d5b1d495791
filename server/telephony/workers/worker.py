"""A media worker: `AiortcMedia` (behind admission control) served over a small HTTP API,
registered in Redis with a heartbeat. Run it with `plateau media-worker`; one per core.

Every route needs the shared token (header `X-Plateau-Media-Token`); recordings are only
written under the worker's recordings directory (storage shared with the web process)."""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, TypedDict

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from redis.exceptions import RedisError

from server.core.clock import Clock, SystemClock
from server.telephony.aiortc_media import AiortcMedia
from server.telephony.ports import MediaError, PeerRole, RecordingInfo
from server.telephony.recorder import StorageEvent
from server.telephony.workers.admission import AdmittingMedia
from server.telephony.workers.gc_tuning import GcPauses, tune_gc
from server.telephony.workers.hooks import prepare_runtime
from server.telephony.workers.priority import current_priority, raise_priority
from server.telephony.workers.protocol import (
    ERRORS,
    TOKEN_HEADER,
    AnswerBody,
    HealthJson,
    HoldBody,
    OfferBody,
    RecordingJson,
    StartCallBody,
    TickJson,
    error_code,
    recording_to_json,
)
from server.telephony.workers.registry import Heartbeat, Registry, WorkerInfo
from server.telephony.workers.segments import amend_sidecar
from server.telephony.workers.supervision import ParentWatch, start_parent_watch
from server.telephony.workers.worker_events import (
    PeerStateNotice,
    StorageEventJson,
    StorageNotice,
    WorkerEvent,
)

logger = logging.getLogger(__name__)
MAX_PENDING_EVENTS = 256  # peer-state events on their way to Redis (bounded)
MAX_CONCURRENT_REQUESTS = 256


class SegmentLinks(TypedDict):
    """Which segment of its call a room records (written into the sidecar when above 1)."""

    segment: int
    previous_segment: str | None


class MediaWorker:
    def __init__(
        self,
        *,
        worker_id: str,
        url: str,
        capacity: int,
        token: str,
        recordings_root: Path,
        registry: Registry | None = None,
        heartbeat_s: float = 1.0,
        clock: Clock | None = None,
        owner: str = "",
        parent_pid: int | None = None,
        fallback_root: Path | None = None,
    ) -> None:
        prepare_runtime()  # fails loudly if aiortc's hooks moved
        self.worker_id = worker_id
        self.url = url
        self.instance = uuid.uuid4().hex
        self.owner = owner  # the server that started it ("" if started on its own)
        self.parent_pid = parent_pid
        self._parent_watch: ParentWatch | None = None
        self.token = token
        self.recordings_root = recordings_root.resolve()
        self.registry = registry
        self.fallback_root = fallback_root.resolve() if fallback_root is not None else None
        self.media = AiortcMedia(
            clock or SystemClock(),
            on_peer_state=self._peer_state,
            on_storage=self._storage,
            fallback_of=self._fallback_of,
        )
        self.port = AdmittingMedia(self.media, capacity)
        self.segments: dict[str, SegmentLinks] = {}  # room -> segment facts of its call
        self.heartbeat = Heartbeat(registry, self.describe, heartbeat_s) if registry else None
        self._events: set[asyncio.Task[None]] = set()
        self.events_dropped = 0
        self.gc_pauses = GcPauses()

    def describe(self) -> WorkerInfo:
        rooms = self.media.stats()["rooms"]
        return WorkerInfo(
            worker_id=self.worker_id,
            instance=self.instance,
            owner=self.owner,
            url=self.url,
            capacity=self.port.admission.capacity,
            calls=len(self.port.admission.active),
            rooms=len(rooms),
            room_ids=tuple(sorted(rooms)),
            pid=os.getpid(),
            resyncs=self.media.tick_stats.resyncs,
        )

    def _fallback_of(self, path: Path) -> Path | None:
        if self.fallback_root is None or not path.is_relative_to(self.recordings_root):
            return None
        return self.fallback_root / path.relative_to(self.recordings_root)

    def _peer_state(self, room_id: str, role: PeerRole, state: str) -> None:
        self._send(
            PeerStateNotice(
                worker_id=self.worker_id,
                instance=self.instance,
                room_id=room_id,
                role=role,
                state=state,
            )
        )

    def _storage(self, room_id: str, call_id: str, event: StorageEvent) -> None:
        """What a recording's disk did, for the web process's consoles."""
        self._send(
            StorageNotice(
                worker_id=self.worker_id,
                instance=self.instance,
                room_id=room_id,
                call_id=call_id,
                storage=StorageEventJson.of(event),
            )
        )

    def _send(self, event: WorkerEvent) -> None:
        if self.registry is None:
            return
        if len(self._events) >= MAX_PENDING_EVENTS:
            self.events_dropped += 1
            return
        task = asyncio.ensure_future(self._publish(self.registry, event))
        self._events.add(task)
        task.add_done_callback(self._events.discard)

    @staticmethod
    async def _publish(registry: Registry, event: WorkerEvent) -> None:
        try:
            await registry.publish(event)
        except (RedisError, OSError):  # Redis away (logged once by the registry): the page's
            pass  # state is seen at its next change
        except Exception:
            logger.warning("peer state event not published", exc_info=True)

    def _recording_path(self, raw: str | None) -> Path | None:
        if raw is None:
            return None
        path = Path(raw).resolve()
        if not path.is_relative_to(self.recordings_root) or path.suffix != ".ogg":
            raise MediaError(f"recording path outside {self.recordings_root}: {raw}")
        return path

    async def start(self) -> None:
        self._parent_watch = start_parent_watch(self.parent_pid)
        if self.heartbeat is not None:
            await self.heartbeat.start()

    async def stop(self) -> None:
        """Finish every recording (sidecars written), then leave the registry: the web
        process re-places the rooms once the files are complete."""
        try:
            await self.port.close()
        finally:
            if self._parent_watch is not None:
                self._parent_watch.stop()
            if self.heartbeat is not None:
                await self.heartbeat.stop()

    def app(self) -> FastAPI:
        @asynccontextmanager
        async def lifespan(_: FastAPI) -> AsyncIterator[None]:
            await self.start()
            try:
                yield
            finally:
                await self.stop()

        def authorised(
            token: Annotated[str, Header(alias=TOKEN_HEADER)] = "",
        ) -> None:
            if not hmac.compare_digest(token.encode(), self.token.encode()):
                raise HTTPException(401, "bad media worker token")

        app = FastAPI(
            title="Plateau media worker",
            lifespan=lifespan,
            dependencies=[Depends(authorised)],
            docs_url=None,
            redoc_url=None,
            openapi_url=None,
        )

        @app.exception_handler(MediaError)
        async def media_error(_: Request, exc: MediaError) -> JSONResponse:
            code = error_code(exc)
            return JSONResponse({"code": code, "message": str(exc)}, ERRORS[code][1])

        @app.get("/health")
        async def health() -> HealthJson:
            return HealthJson(
                **self.describe().model_dump(),
                tick=TickJson(**vars(self.media.tick_stats)),
                refused=self.port.admission.refused,
                events_dropped=self.events_dropped,
                gc=self.gc_pauses.stats(),
                **vars(current_priority()),
            )

        @app.post("/rooms/{room_id}/peers/{role}")
        async def attach(room_id: str, role: PeerRole, body: OfferBody) -> AnswerBody:
            return AnswerBody(sdp=await self.port.attach_peer(room_id, role, body.sdp))

        # What only acknowledges answers 204, no body (the client reads no body as None).
        @app.delete("/rooms/{room_id}/peers/{role}", status_code=204, response_class=Response)
        async def detach(room_id: str, role: PeerRole) -> None:
            await self.port.detach_peer(room_id, role)

        @app.post("/rooms/{room_id}/call", status_code=204, response_class=Response)
        async def start_call(room_id: str, body: StartCallBody) -> None:
            path = self._recording_path(body.recording_path)
            await self.port.start_call(
                room_id, body.call_id, path, parties=body.parties, force=body.force
            )
            self.segments[room_id] = SegmentLinks(
                segment=body.segment, previous_segment=body.previous_segment
            )

        @app.post("/rooms/{room_id}/hold", status_code=204, response_class=Response)
        async def hold(room_id: str, body: HoldBody) -> None:
            await self.port.hold(room_id, body.on)

        async def finished(room_id: str, info: RecordingInfo | None) -> RecordingJson | None:
            segment = self.segments.pop(room_id, None)
            if info is None:
                return None
            if segment is not None and segment["segment"] > 1:
                try:
                    await asyncio.to_thread(amend_sidecar, info.sidecar_path, segment)
                except OSError as exc:  # a disk refusing the sidecar never fails the hang-up
                    logger.warning("sidecar %s not amended: %s", info.sidecar_path, exc)
            return recording_to_json(info)

        @app.delete("/rooms/{room_id}/call")
        async def end_call(room_id: str) -> RecordingJson | None:
            return await finished(room_id, await self.port.end_call(room_id))

        @app.delete("/rooms/{room_id}")
        async def close_room(room_id: str) -> RecordingJson | None:
            return await finished(room_id, await self.port.close_room(room_id))

        return app


def serve_worker(
    worker: MediaWorker, host: str, port: int, realtime: int = 0, nice: int = 0
) -> None:
    """Run the worker until SIGINT/SIGTERM (blocking). The process is the worker's: its
    priority is raised (real-time at `realtime`, else `nice`) before any thread starts (see
    `priority`), its garbage collector tuned (see `gc_tuning`) and its pauses measured."""
    import uvicorn

    raise_priority(realtime, nice)
    worker.gc_pauses.install()
    tune_gc()

    config = uvicorn.Config(
        worker.app(),
        host=host,
        port=port,
        log_level="warning",
        lifespan="on",
        loop="auto",
        limit_concurrency=MAX_CONCURRENT_REQUESTS,  # past it: 503, not an unbounded backlog
    )
    uvicorn.Server(config).run()
