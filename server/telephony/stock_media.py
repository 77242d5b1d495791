"""A `MediaPort` built the stock aiortc way, for the side-by-side benchmark only (never used by
the app): each remote track is decoded by aiortc (80 ms jitter buffer + decoder thread) and
fanned out with `MediaRelay`; every outgoing leg re-encodes what it reads; the observer gets a
mixer track (decoded, summed, re-encoded); the recording is aiortc's `MediaRecorder` (Ogg/Opus,
encoded and written on the event loop) fed by a stereo track (candidate LEFT, client RIGHT).
Tracks nobody listens to are drained by a `MediaBlackhole`, as aiortc's docs advise.

This is what a careful developer writes from aiortc's examples; `AiortcMedia` is what Plateau
runs. `benchmarks/media_bench.py --impl stock` measures this one."""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import av
import numpy as np
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaBlackhole, MediaRecorder, MediaRelay
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from server.core.clock import Clock, SystemClock
from server.telephony.aiortc_media import MediaStats
from server.telephony.audio import FRAME_SAMPLES, FRAME_SECONDS, SAMPLE_RATE
from server.telephony.peer import lan_configuration
from server.telephony.ports import (
    CallAlreadyActive,
    InvalidOffer,
    MediaPort,
    NoActiveCall,
    PeerRole,
    RecordingInfo,
)

TIME_BASE = fractions.Fraction(1, SAMPLE_RATE)
PARTIES = (PeerRole.CANDIDATE, PeerRole.CLIENT)
OTHER = {PeerRole.CANDIDATE: PeerRole.CLIENT, PeerRole.CLIENT: PeerRole.CANDIDATE}


def _mono(frame: av.AudioFrame) -> np.ndarray:
    """aiortc's decoder yields s16 stereo (packed): average to mono int32."""
    data = frame.to_ndarray().reshape(-1).astype(np.int32)
    if len(frame.layout.channels) == 2:
        data = (data[0::2] + data[1::2]) // 2
    return data


def _frame(samples: np.ndarray, layout: str, pts: int) -> av.AudioFrame:
    pcm = np.clip(samples, -32768, 32767).astype(np.int16).reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout=layout)
    frame.sample_rate = SAMPLE_RATE
    frame.pts = pts
    frame.time_base = TIME_BASE
    return frame


class _Paced(MediaStreamTrack):
    """Base of the server's own tracks: a 20 ms pts timeline and wall-clock pacing for silence."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self._pts = 0
        self._start: float | None = None
        self._source_base: int | None = None

    async def _silence_slot(self) -> None:
        now = time.monotonic()
        if self._start is None:
            self._start = now
        due = self._start + self._pts / SAMPLE_RATE
        if due > now:
            await asyncio.sleep(due - now)

    def _next_pts(self, samples: int) -> int:
        pts, self._pts = self._pts, self._pts + samples
        self._source_base = None
        return pts

    def _follow(self, source_pts: int | None, samples: int) -> int:
        """Keep the source's timeline (a frame the relay dropped stays a gap, so the receiver
        counts it lost), continuing ours where the source run starts."""
        if source_pts is None:
            return self._next_pts(samples)
        if self._source_base is None:
            self._source_base = source_pts - self._pts
        pts = max(source_pts - self._source_base, self._pts)
        self._pts = pts + samples
        self._start = time.monotonic() - self._pts / SAMPLE_RATE
        return pts


class SwitchTrack(_Paced):
    """What one party hears: the other party's relayed (decoded) audio during a call, else
    silence. Every frame goes through aiortc's encoder on the way out."""

    def __init__(self) -> None:
        super().__init__()
        self.source: MediaStreamTrack | None = None

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        source = self.source
        if source is not None:
            try:
                frame = await source.recv()
                assert isinstance(frame, av.AudioFrame)
                frame.pts = self._follow(frame.pts, frame.samples)
                frame.time_base = TIME_BASE
                return frame
            except MediaStreamError:
                self.source = None
        await self._silence_slot()  # stereo, as aiortc's decoder: its encoder's resampler
        return _frame(np.zeros(2 * FRAME_SAMPLES), "stereo", self._next_pts(FRAME_SAMPLES))


class MixTrack(_Paced):
    """Both parties side by side (the recording) or summed on both channels (the observer)."""

    def __init__(self, left: MediaStreamTrack, right: MediaStreamTrack, stereo: bool) -> None:
        super().__init__()
        self._left, self._right, self._stereo = left, right, stereo

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        left_frame, right_frame = await asyncio.gather(self._left.recv(), self._right.recv())
        assert isinstance(left_frame, av.AudioFrame) and isinstance(right_frame, av.AudioFrame)
        left, right = _mono(left_frame), _mono(right_frame)
        n = min(len(left), len(right))
        out = np.empty(2 * n, dtype=np.int32)
        if self._stereo:
            out[0::2], out[1::2] = left[:n], right[:n]
        else:
            out[0::2] = out[1::2] = left[:n] + right[:n]
        return _frame(out, "stereo", self._follow(left_frame.pts, n))


@dataclass
class _StockCall:
    call_id: str
    path: Path | None
    recorder: MediaRecorder | None
    started_at: datetime
    parties: dict[str, str]


class _StockRoom:
    def __init__(self) -> None:
        self.relay = MediaRelay()
        self.pcs: dict[PeerRole, RTCPeerConnection] = {}
        self.remote: dict[PeerRole, MediaStreamTrack] = {}
        self.outs: dict[PeerRole, SwitchTrack] = {}
        self.sinks: list[MediaBlackhole] = []
        self.call: _StockCall | None = None
        self.subscriptions: list[MediaStreamTrack] = []


class StockAiortcMedia:
    """The stock-aiortc `MediaPort` (hold is accepted and ignored: not measured)."""

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._rooms: dict[str, _StockRoom] = {}

    def _room(self, room_id: str) -> _StockRoom:
        return self._rooms.setdefault(room_id, _StockRoom())

    async def attach_peer(self, room_id: str, role: PeerRole | str, offer_sdp: str) -> str:
        role = PeerRole(role)
        room = self._room(room_id)
        pc = RTCPeerConnection(lan_configuration())
        out = SwitchTrack()
        pc.addTrack(out)

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            if track.kind != "audio" or role is PeerRole.OBSERVER:
                return
            room.remote[role] = track
            sink = MediaBlackhole()  # keeps the decoder drained outside calls
            sink.addTrack(room.relay.subscribe(track, buffered=False))
            room.sinks.append(sink)
            asyncio.ensure_future(sink.start())

        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
            await pc.setLocalDescription(await pc.createAnswer())
        except Exception as exc:
            await pc.close()
            raise InvalidOffer(str(exc)) from exc
        old = room.pcs.get(role)
        room.pcs[role], room.outs[role] = pc, out
        if old is not None:
            await old.close()
        return pc.localDescription.sdp

    async def detach_peer(self, room_id: str, role: PeerRole | str) -> None:
        room = self._rooms.get(room_id)
        if room is not None and (pc := room.pcs.pop(PeerRole(role), None)) is not None:
            await pc.close()

    async def start_call(
        self,
        room_id: str,
        call_id: str,
        recording_path: Path | None,
        *,
        parties: Mapping[str, str] | None = None,
    ) -> None:
        room = self._room(room_id)
        if room.call is not None:
            raise CallAlreadyActive(room_id)
        for _ in range(100):  # remote tracks appear with the first RTP packets
            if all(r in room.remote for r in PARTIES):
                break
            await asyncio.sleep(0.05)
        else:
            raise NoActiveCall(f"room {room_id}: both parties must be attached")

        def sub(role: PeerRole) -> MediaStreamTrack:
            track = room.relay.subscribe(room.remote[role], buffered=False)
            room.subscriptions.append(track)
            return track

        for role in PARTIES:
            if (out := room.outs.get(OTHER[role])) is not None:
                out.source = sub(role)
        if (observer := room.outs.get(PeerRole.OBSERVER)) is not None:
            observer.source = MixTrack(sub(PeerRole.CANDIDATE), sub(PeerRole.CLIENT), stereo=False)
        recorder = None
        if recording_path is not None:
            recorder = MediaRecorder(str(recording_path), format="ogg")
            recorder.addTrack(MixTrack(sub(PeerRole.CANDIDATE), sub(PeerRole.CLIENT), stereo=True))
            await recorder.start()
        room.call = _StockCall(
            call_id=call_id,
            path=recording_path,
            recorder=recorder,
            started_at=self._clock.now(),
            parties=dict(parties or {}),
        )

    async def hold(self, room_id: str, on: bool) -> None:
        if self._room(room_id).call is None:
            raise NoActiveCall(room_id)

    async def end_call(self, room_id: str) -> RecordingInfo | None:
        room = self._room(room_id)
        call, room.call = room.call, None
        if call is None:
            raise NoActiveCall(room_id)
        for out in room.outs.values():
            out.source = None
        for track in room.subscriptions:
            track.stop()
        room.subscriptions.clear()
        if call.recorder is None or call.path is None:
            return None
        await call.recorder.stop()
        path = call.path
        ended = self._clock.now()
        duration = (ended - call.started_at).total_seconds()
        return RecordingInfo(
            call_id=call.call_id,
            room_id=room_id,
            path=path,
            sidecar_path=path.with_suffix(".json"),
            started_at=call.started_at,
            ended_at=ended,
            duration_s=round(duration, 3),
            size_bytes=(await asyncio.to_thread(path.stat)).st_size,
            sha256="",
            parties=call.parties,
            gaps=(),
            frames_written=round(duration / FRAME_SECONDS),
            frames_dropped=0,
        )

    async def close_room(self, room_id: str) -> RecordingInfo | None:
        room = self._rooms.get(room_id)
        if room is None:
            return None
        info = await self.end_call(room_id) if room.call is not None else None
        for sink in room.sinks:
            await sink.stop()
        await asyncio.gather(*(pc.close() for pc in room.pcs.values()))
        del self._rooms[room_id]
        return info

    async def close(self) -> None:
        for room_id in list(self._rooms):
            with contextlib.suppress(Exception):
                await self.close_room(room_id)

    def stats(self) -> MediaStats:
        return {"tick": {}, "rooms": {}}


def _conforms(media: StockAiortcMedia) -> MediaPort:  # mypy: it implements MediaPort
    return media
