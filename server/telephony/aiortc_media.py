"""`MediaPort` on aiortc: rooms of server-side peer connections, one media clock (a 20 ms
tick shared by every room: the observer's mix, the hold tone, and the recordings' writing,
whose timeline is the call's own clock — see `timeline.py`), recordings finished off the
event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypedDict

import av
from aiortc import RTCConfiguration

from server.core.clock import Clock, SystemClock
from server.telephony.audio import FRAME_SECONDS
from server.telephony.peer import Peer, answer_offer, lan_configuration
from server.telephony.ports import (
    CallAlreadyActive,
    GapReason,
    MediaError,
    MediaPort,
    NoActiveCall,
    PeerRole,
    RecordingInfo,
)
from server.telephony.recorder import (
    OggOpusRecorder,
    StorageEvent,
    StorageReport,
    sha256_of,
    write_sidecar,
)
from server.telephony.recording_sink import OpenFile, OsFile
from server.telephony.room import PARTIES, ActiveCall, Room
from server.telephony.timeline import RecordingTimeline

logger = logging.getLogger(__name__)

END_GRACE_S = 0.1  # a hang-up lets the loop place what arrived before it, if it was behind
MAX_CATCH_UP_SECONDS = 0.1  # a tick later than this is skipped, not caught up
TICK_SLOTS = 4  # the rooms tick in 4 groups, 5 ms apart: the loop is never busy with all at once


def next_tick(due: float, now: float) -> tuple[float, int]:
    """When to run the tick `due` at, and how many ticks are given up before it. A tick a
    little late (up to `MAX_CATCH_UP_SECONDS`) is run at once, and the next ones after it
    catch up (the mix's stream goes on without a gap: a short burst); a later one means the
    loop stalled: the ticks whose time has passed are given up (the rooms skip them: a gap
    in the server's own streams, nothing played late) and the next runs now."""
    late = now - due
    if late <= MAX_CATCH_UP_SECONDS:
        return due, 0
    missed = int(late / FRAME_SECONDS + 1e-9)
    return due + missed * FRAME_SECONDS, missed


SIDECAR_RETRY_S = 2.0  # a sidecar the disks refused is written again this often
PeerStateListener = Callable[[str, PeerRole, str], None]
# (room id, call id, what the recordings' disk did): told on the event loop
StorageListener = Callable[[str, str, StorageEvent], None]


@dataclass
class TickStats:
    ticks: int = 0
    resyncs: int = 0  # the loop was stalled > 100 ms: mix ticks skipped (recordings keep time)
    missed: int = 0  # the ticks skipped at those resyncs
    errors: int = 0


class RoomStats(TypedDict):
    """One room's counters (`AiortcMedia.stats`), per party or per peer."""

    peers: dict[str, str]  # role -> connection state
    call: str | None
    mix: dict[str, dict[str, int]]  # party -> its jitter buffer's `BufferStats`
    concealed: dict[str, int]
    refused_packets: dict[str, int]
    outbound_dropped: dict[str, int]
    recorder_dropped: int


class MediaStats(TypedDict):
    """The media plane's counters, for monitoring and the benchmark."""

    tick: dict[str, int]  # `TickStats`
    rooms: dict[str, RoomStats]


class AiortcMedia:
    """The aiortc adapter. `on_peer_state(room_id, role, state)` is told each connection
    state change of a current peer ("connected", "failed", "closed", …) so the edge can
    show a reconnecting page."""

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        configuration: Callable[[], RTCConfiguration] = lan_configuration,
        on_peer_state: PeerStateListener | None = None,
        on_storage: StorageListener | None = None,
        fallback_of: Callable[[Path], Path | None] | None = None,
        open_file: OpenFile = OsFile,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock or SystemClock()
        self._monotonic = monotonic  # the calls' clock (the packets' arrival times too)
        self._configuration = configuration
        self._on_peer_state = on_peer_state
        self.on_storage = on_storage
        self._fallback_of = fallback_of
        self._open_file = open_file  # the recordings' files (tests inject a failing disk)
        self._sidecars: dict[Path, asyncio.Task[None]] = {}  # sidecars waiting for a disk
        self._rooms: dict[str, Room] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._tickers: list[asyncio.Task[None]] = []
        self._slots: dict[str, int] = {}  # room id -> the group it ticks with
        self._closed = False
        self.tick_stats = TickStats()

    # --- peers -------------------------------------------------------------------------

    async def attach_peer(self, room_id: str, role: PeerRole | str, offer_sdp: str) -> str:
        role = PeerRole(role)
        room = self._room(room_id)

        def on_state(peer: Peer, state: str) -> None:
            current = room.peers.get(peer.role) is peer
            room.on_state(peer, state)
            if self._on_peer_state is not None and current:
                self._on_peer_state(room_id, peer.role, state)

        peer, answer = await answer_offer(
            role, offer_sdp, room.on_packet, on_state, self._configuration()
        )
        if self._rooms.get(room_id) is not room:
            await peer.close()
            raise MediaError(f"room {room_id} was closed while its peer was negotiated")
        old = room.attach(peer)
        if old is not None:
            await old.close()
        return answer

    def peer_roles(self, room_id: str) -> list[PeerRole]:
        """Who is connected to the room now (the observer leaves when it stops listening)."""
        room = self._rooms.get(room_id)
        return room.peer_roles if room is not None else []

    async def detach_peer(self, room_id: str, role: PeerRole | str) -> None:
        room = self._rooms.get(room_id)
        if room is not None and (peer := room.detach(PeerRole(role))) is not None:
            await peer.close()

    # --- calls -------------------------------------------------------------------------

    async def start_call(
        self,
        room_id: str,
        call_id: str,
        recording_path: Path | None,
        *,
        parties: Mapping[str, str] | None = None,
    ) -> None:
        room = self._room(room_id)
        async with self._locks[room_id]:
            if room.call is not None:
                raise CallAlreadyActive(f"room {room_id}: call {room.call.call_id} is active")
            recorder = None
            if recording_path is not None:
                path = Path(recording_path)
                recorder = OggOpusRecorder(
                    path,
                    fallback=self._fallback_of(path) if self._fallback_of else None,
                    on_storage=self._storage_listener(room_id, call_id),
                    open_file=self._open_file,
                )
                try:  # a disk that refuses is not an error here: the call goes on, see sink
                    await asyncio.to_thread(recorder.open)
                except av.FFmpegError as exc:
                    raise MediaError(f"cannot record to {recording_path}: {exc}") from exc
            call = ActiveCall(
                call_id, self._clock.now(), dict(parties or {}), recorder, t0=self._monotonic()
            )
            room.start_call(call)

    async def hold(self, room_id: str, on: bool) -> None:
        room = self._rooms.get(room_id)
        if room is None or room.call is None:
            raise NoActiveCall(f"room {room_id}: no call to hold")
        room.set_hold(on)

    async def end_call(self, room_id: str) -> RecordingInfo | None:
        room = self._rooms.get(room_id)
        if room is None:
            raise NoActiveCall(f"room {room_id}: no call to end")
        async with self._locks[room_id]:
            if room.call is None:
                raise NoActiveCall(f"room {room_id}: no call to end")
            ended, ended_at = self._monotonic(), self._clock.now()
            await asyncio.sleep(END_GRACE_S)  # audio that waited in the sockets is placed
            call = room.end_call(ended)
            if call is None:
                raise NoActiveCall(f"room {room_id}: no call to end")
            return await self._finish_recording(room_id, call, ended_at)

    def _storage_listener(self, room_id: str, call_id: str) -> Callable[[StorageEvent], None]:
        """The recorder's thread tells; the listener hears it on the event loop."""
        loop = asyncio.get_running_loop()

        def heard(event: StorageEvent) -> None:
            if self.on_storage is not None:
                loop.call_soon_threadsafe(self.on_storage, room_id, call_id, event)

        return heard

    async def _finish_recording(
        self, room_id: str, call: ActiveCall, ended_at: datetime | None = None
    ) -> RecordingInfo | None:
        """Close the file and write its sidecar. Never raises for the disk: a call always
        ends; what the disk refused is in the gaps and the sidecar's `storage`."""
        ended_at = ended_at or self._clock.now()
        recorder = call.recorder
        if recorder is None:
            return None
        timeline = call.timeline
        analytics = call.meter.result(timeline.causes(GapReason.HOLD))
        try:
            await asyncio.to_thread(recorder.finish)
        except Exception:
            logger.exception("recording of call %s did not finish cleanly", call.call_id)
        note_write_losses(timeline, recorder)
        path = recorder.path
        try:
            digest = await asyncio.to_thread(sha256_of, path)
            size = path.stat().st_size
        except OSError:  # nothing could ever be written
            digest, size = "", 0
        storage: StorageReport | None = None
        if recorder.sink.faults:
            storage = StorageReport(
                write_gaps=[gap.to_json() for gap in recorder.write_gaps],
                frames_lost=recorder.frames_lost,
                moved_to_fallback=recorder.sink.moved_to_fallback,
                faults=[
                    {"reason": f.fault.value, "file": f.path.name, "detail": f.detail}
                    for f in recorder.sink.faults
                ],
            )
        info = RecordingInfo(
            call_id=call.call_id,
            room_id=room_id,
            path=path,
            sidecar_path=path.with_suffix(".json"),
            started_at=call.started_at,
            ended_at=ended_at,
            duration_s=timeline.duration_s,
            size_bytes=size,
            sha256=digest,
            parties=call.parties,
            gaps=tuple(timeline.gaps()),
            frames_written=recorder.frames_written,
            frames_dropped=recorder.frames_dropped,
            analytics=analytics,
            timeline=timeline.stats(),
            storage=storage or {},
        )
        await self._write_sidecar(info)
        return info

    async def _write_sidecar(self, info: RecordingInfo) -> None:
        """Next to the audio; if that disk refuses, in the fallback directory; if none takes
        it, tried again every `SIDECAR_RETRY_S` until one does (or the media layer closes)."""
        data = info.to_json()
        targets = [info.sidecar_path]
        if self._fallback_of is not None:
            with contextlib.suppress(ValueError):
                if (fallback := self._fallback_of(info.sidecar_path)) is not None:
                    targets.append(fallback)
        if await _write_first(targets, data):
            return

        async def later() -> None:
            written = False
            while not written:
                await asyncio.sleep(SIDECAR_RETRY_S)
                written = await _write_first(targets, data)
            logger.warning("sidecar %s written after the disk came back", info.sidecar_path)

        logger.error("sidecar %s: no disk takes it now, tried again later", info.sidecar_path)
        task = asyncio.create_task(later(), name=f"sidecar:{info.sidecar_path.name}")
        self._sidecars[info.sidecar_path] = task
        task.add_done_callback(lambda _: self._sidecars.pop(info.sidecar_path, None))

    # --- rooms -------------------------------------------------------------------------

    async def close_room(self, room_id: str) -> RecordingInfo | None:
        room = self._rooms.get(room_id)
        if room is None:
            return None
        info = None
        async with self._locks[room_id]:
            call = room.end_call()
            if call is not None:
                info = await self._finish_recording(room_id, call)
            del self._rooms[room_id]
            del self._locks[room_id]
            self._slots.pop(room_id, None)
        await asyncio.gather(*(peer.close() for peer in room.peers.values()))
        room.peers.clear()
        if not self._rooms:
            await self._stop_ticker()
        return info

    async def close(self) -> None:
        self._closed = True
        for room_id in list(self._rooms):
            try:
                await self.close_room(room_id)
            except Exception:
                logger.exception("closing room %s", room_id)
        await self._stop_ticker()
        for path, task in list(self._sidecars.items()):
            logger.error("sidecar %s never written: no disk took it", path)
            task.cancel()

    def _room(self, room_id: str) -> Room:
        if self._closed:
            raise MediaError("the media layer is closed")
        room = self._rooms.get(room_id)
        if room is None:
            room = self._rooms[room_id] = Room(room_id, self._monotonic)
            self._locks[room_id] = asyncio.Lock()
            self._slots[room_id] = quietest_slot(self._slots.values())
        if not self._tickers:
            self._tickers = [
                asyncio.create_task(self._run_ticker(slot), name=f"media-tick-{slot}")
                for slot in range(TICK_SLOTS)
            ]
        return room

    def stats(self) -> MediaStats:
        """Counters for monitoring and the benchmark."""
        rooms: dict[str, RoomStats] = {}
        for room_id, room in self._rooms.items():
            rooms[room_id] = {
                "peers": {r.value: p.state for r, p in room.peers.items()},
                "call": room.call.call_id if room.call else None,
                # the mix's jitter buffers: played, late, lost, stalls, shed, restarts, overflow
                "mix": {r.value: vars(room.upstreams[r].buffer.stats).copy() for r in PARTIES},
                "concealed": {r.value: room.upstreams[r].concealed for r in PARTIES},
                "refused_packets": {r.value: room.upstreams[r].refused for r in PARTIES},
                "outbound_dropped": {r.value: p.outbound.dropped for r, p in room.peers.items()},
                "recorder_dropped": (
                    room.call.recorder.frames_dropped if room.call and room.call.recorder else 0
                ),
            }
        return {"tick": vars(self.tick_stats).copy(), "rooms": rooms}

    # --- the media clock ---------------------------------------------------------------

    async def _run_ticker(self, slot: int) -> None:
        """The 20 ms clock of the rooms in group `slot`, `slot` × 5 ms after group 0's: each
        tick encodes and sends a quarter of the rooms' audio, so a packet to relay never
        waits behind every room's tick at once. Group 0's ticker keeps `tick_stats`."""
        loop = asyncio.get_running_loop()
        next_at = loop.time() + slot * FRAME_SECONDS / TICK_SLOTS
        stats = self.tick_stats if slot == 0 else TickStats()
        while True:
            next_at, missed = next_tick(next_at + FRAME_SECONDS, loop.time())
            delay = next_at - loop.time()
            if missed:
                stats.resyncs += 1
                stats.missed += missed
            await asyncio.sleep(max(0.0, delay))
            now = self._monotonic()
            for room_id, room in list(self._rooms.items()):
                if self._slots.get(room_id) != slot:
                    continue
                try:
                    room.tick(now, missed)
                except Exception:
                    self.tick_stats.errors += 1
                    logger.exception("media tick failed in room %s", room.room_id)
            stats.ticks += 1

    async def _stop_ticker(self) -> None:
        tickers, self._tickers = self._tickers, []
        for ticker in tickers:
            ticker.cancel()
        for ticker in tickers:
            with contextlib.suppress(asyncio.CancelledError):
                await ticker


def quietest_slot(taken: Iterable[int]) -> int:
    """The tick group with the fewest rooms (the first of them on a tie)."""
    counts = Counter(taken)
    return min(range(TICK_SLOTS), key=lambda slot: counts[slot])


async def _write_first(targets: list[Path], data: Mapping[str, object]) -> bool:
    for target in targets:
        try:
            await asyncio.to_thread(_write_sidecar_in, target, data)
            return True
        except OSError as exc:
            logger.warning("sidecar %s not written: %s", target, exc)
    return False


def _write_sidecar_in(path: Path, data: Mapping[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_sidecar(path, data)


def note_write_losses(timeline: RecordingTimeline, recorder: object) -> None:
    """The file writer's own losses (a disk that refused the audio: `write_gaps`, each
    `start_s`, `end_s` — None: to the end — and its `fault`) named on the timeline."""
    for lost in getattr(recorder, "write_gaps", ()):
        end = timeline.duration_s if lost.end_s is None else lost.end_s
        full = str(getattr(lost, "fault", "")) == GapReason.DISK_FULL.value
        reason = GapReason.DISK_FULL if full else GapReason.WRITE_ERROR
        timeline.note_loss(lost.start_s, end, reason)


def _conforms(media: AiortcMedia) -> MediaPort:  # mypy: AiortcMedia implements MediaPort
    return media
