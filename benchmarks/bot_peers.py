"""The load generator's peers: an aiortc peer connection per bot that sends pre-encoded Opus
on a fixed schedule through an emulated network (`benchmarks.jitter.Link`), and records what
it receives as it arrives (before any jitter buffer).

- `ScheduledTrack`: packet k is handed to the RTP sender at t0 + k·20 ms (aiortc 1.16's
  `RTCRtpSender` packs an `av.Packet` a track returns without encoding it:
  `_next_encoded_frame` → `encoder.pack`). A bot that wakes up late sends every packet that is
  due, at once, and counts how late it was: it never skips a packet.
- `RelayReceiver`: what a party hears of the other party. Packets whose payload is one of the
  sender's pre-encoded frames are identified (which frame, when it arrived) without decoding;
  anything else (the server's silence or hold tone, a server that re-encodes) is decoded and
  searched for clicks.
- `MixReceiver`: what the observer hears: decoded, clicks of both sides searched.
"""

from __future__ import annotations

import asyncio
import fractions
import time
from collections.abc import Callable

import av
import numpy as np
from aiortc import RTCConfiguration, RTCPeerConnection, RTCRtpReceiver, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtp import RtpPacket

from benchmarks.jitter import FRAME_S, SAMPLES_PER_FRAME, Link
from benchmarks.media_signals import SIDES, ClickDetector, PreEncoded
from server.telephony.opus import OpusDecoder

TIME_BASE = fractions.Fraction(1, 48_000)
PacketSink = Callable[[bytes, int, float], None]  # payload, RTP timestamp, arrival


class ScheduledTrack(MediaStreamTrack):
    """Sends `signal`'s frames, frame k at `t0 + k·20 ms` once `start(t0)` is called."""

    kind = "audio"

    def __init__(self, signal: PreEncoded, frames: int) -> None:
        super().__init__()
        self.signal = signal
        self.frames = frames
        self.t0 = 0.0
        self.emitted = np.full(frames, np.nan)  # when frame k was handed to the sender
        self._go = asyncio.Event()
        self._index = 0

    def start(self, t0: float) -> None:
        self.t0 = t0
        self._go.set()

    async def recv(self) -> av.Packet:
        if self.readyState != "live":
            raise MediaStreamError
        await self._go.wait()
        index = self._index
        due = self.t0 + index * FRAME_S
        now = time.monotonic()
        if due > now:
            await asyncio.sleep(due - now)
            now = time.monotonic()
        self._index += 1
        packet = av.Packet(self.signal.payload(index))
        packet.pts = index * SAMPLES_PER_FRAME
        packet.time_base = TIME_BASE
        if index < self.frames:
            self.emitted[index] = now
        return packet

    def lateness(self, window: tuple[float, float]) -> np.ndarray:
        """Seconds each frame emitted in `window` was handed over after it was due."""
        due = self.t0 + np.arange(self.frames) * FRAME_S
        with np.errstate(invalid="ignore"):
            inside = (self.emitted >= window[0]) & (self.emitted <= window[1])
        return (self.emitted - due)[inside]


def tap(receiver: RTCRtpReceiver, sink: PacketSink) -> None:
    """Every incoming RTP packet with a payload goes to `sink` on arrival, instead of aiortc's
    jitter buffer and decoder (aiortc 1.16 calls `receiver._handle_rtp_packet` per packet)."""

    async def handle_rtp_packet(packet: RtpPacket, arrival_time_ms: int) -> None:
        if packet.payload:
            sink(packet.payload, packet.timestamp, time.monotonic())

    receiver._handle_rtp_packet = handle_rtp_packet  # type: ignore[method-assign]


class BenchPeer:
    """One bot: `sdp = await bot.offer()`, the server answers, `await bot.accept(answer)`."""

    def __init__(self, track: ScheduledTrack | None, sink: PacketSink) -> None:
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))  # host candidates only
        self.track = track
        self._sink = sink
        self._transceiver = self.pc.addTransceiver(
            track or "audio", direction="sendrecv" if track else "recvonly"
        )
        self.connected = asyncio.Event()

        @self.pc.on("connectionstatechange")
        def _state() -> None:
            if self.pc.connectionState == "connected":
                self.connected.set()

    async def offer(self) -> str:
        await self.pc.setLocalDescription(await self.pc.createOffer())
        return str(self.pc.localDescription.sdp)

    async def accept(self, answer_sdp: str, link: Link | None) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer_sdp, type="answer"))
        tap(self._transceiver.receiver, self._sink)
        if link is not None:
            link.install(self._transceiver.sender.transport)

    async def close(self) -> None:
        await self.pc.close()


class StreamSpan:
    """Loss of a received stream by its own RTP timestamps (span vs packets), in a window."""

    def __init__(self) -> None:
        self.window = (float("inf"), float("-inf"))
        self.first_ts: int | None = None
        self.last_ts = 0
        self.packets = 0

    def note(self, timestamp: int, arrival: float) -> None:
        if not self.window[0] <= arrival <= self.window[1]:
            return
        if self.first_ts is None:
            self.first_ts = timestamp
        self.last_ts = timestamp
        self.packets += 1

    def loss(self) -> float | None:
        if self.first_ts is None:
            return None
        expected = ((self.last_ts - self.first_ts) & 0xFFFFFFFF) // SAMPLES_PER_FRAME + 1
        return max(0.0, 1 - self.packets / expected)


class RelayReceiver:
    """What one party receives of the other (`sender`: the other party's track)."""

    def __init__(self, sender: ScheduledTrack) -> None:
        self.sender = sender
        self.arrival = np.full(sender.frames, np.nan)  # frame k of the sender, identified
        self.duplicates = 0
        self.foreign = 0  # packets that were not one of the sender's frames
        self.span = StreamSpan()
        self.detector = ClickDetector(SIDES)
        self._decoder: OpusDecoder | None = None

    def on_packet(self, payload: bytes, timestamp: int, arrival: float) -> None:
        self.span.note(timestamp, arrival)
        position = self.sender.signal.position(payload)
        if position is None:
            self.foreign += 1
            self._decoder = self._decoder or OpusDecoder()
            self.detector.feed(arrival, self._decoder.decode(payload))
            return
        loop = len(self.sender.signal)
        approx = (arrival - self.sender.t0) / FRAME_S
        k = position + loop * round((approx - position) / loop)
        if 0 <= k < self.sender.frames:
            if np.isnan(self.arrival[k]):
                self.arrival[k] = arrival
            else:
                self.duplicates += 1

    @property
    def identified(self) -> int:
        return int(np.count_nonzero(~np.isnan(self.arrival)))


class MixReceiver:
    """What the observer receives: the server's mix, decoded, clicks of both sides."""

    def __init__(self) -> None:
        self.span = StreamSpan()
        self.detector = ClickDetector(SIDES)
        self._decoder = OpusDecoder()

    def on_packet(self, payload: bytes, timestamp: int, arrival: float) -> None:
        self.span.note(timestamp, arrival)
        self.detector.feed(arrival, self._decoder.decode(payload))


class LoopLag:
    """The bot process's own stalls: how late a 10 ms sleep wakes up, in a window."""

    PERIOD = 0.01

    def __init__(self) -> None:
        self.window = (float("inf"), float("-inf"))
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            before = time.monotonic()
            await asyncio.sleep(self.PERIOD)
            after = time.monotonic()
            if self.window[0] <= after <= self.window[1]:
                self.lags.append(after - before - self.PERIOD)

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
