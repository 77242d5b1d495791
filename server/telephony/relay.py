"""Both directions of a peer's audio without aiortc's decode/re-encode:

- `tap_receiver` takes the Opus payloads of incoming RTP packets as they arrive (before
  aiortc's jitter buffer, which holds audio back 80 ms, and its decoder thread).
- `OutboundAudio` is the track the server sends to a peer: it hands aiortc's RTCRtpSender
  ready Opus packets (`av.Packet`: the sender packs them, as for `MediaPlayer(decode=False)`)
  as they come — the sender takes each one as soon as it is queued, nothing re-paces them, so
  a sender's burst leaves as it arrived and the receiver's jitter buffer deals with it, as on
  a direct call — with a continuous RTP timeline whatever their source (the other party's
  packets, the hold tone, silence, the observer's mix). The queue is bounded (1 s) only
  against a sender that stopped taking packets.

The tap relies on aiortc's RTCDtlsTransport calling `receiver._handle_rtp_packet(packet,
arrival_time_ms=…)` for each RTP packet (aiortc 1.16; pinned in pyproject). Side effect: no
RTCP receiver reports for that stream (browsers do not need them for audio).
"""

from __future__ import annotations

import asyncio
import fractions
import logging
import time
from collections.abc import Callable

import av
from aiortc import RTCRtpReceiver
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtp import RtpPacket
from av.stream import Stream

from server.telephony.audio import FRAME_SAMPLES, SAMPLE_RATE

logger = logging.getLogger(__name__)
TIME_BASE = fractions.Fraction(1, SAMPLE_RATE)
MAX_SOURCE_STEP = SAMPLE_RATE  # a larger jump in a source's RTP timestamps starts a new run

RtpSink = Callable[[RtpPacket, float], None]


def tap_receiver(receiver: RTCRtpReceiver, sink: RtpSink, payload_types: set[int]) -> None:
    """Route the receiver's incoming RTP packets of `payload_types` to `sink(packet, arrival)`
    (arrival on `time.monotonic()`), instead of aiortc's jitter buffer and decoder."""

    async def handle_rtp_packet(packet: RtpPacket, arrival_time_ms: int) -> None:
        if packet.payload_type in payload_types and packet.payload:
            try:
                sink(packet, time.monotonic())
            except Exception:  # never let one packet break the peer's receive loop
                logger.exception("dropping an RTP packet the media layer failed on")

    receiver._handle_rtp_packet = handle_rtp_packet  # type: ignore[method-assign]


class OutboundAudio(MediaStreamTrack):
    """The server's audio towards one peer: Opus packets, queued until aiortc's sender takes
    them (at once, unless it is stuck). Past `max_queued` (a second of audio: a sender that
    stopped) the oldest packet is dropped (and counted)."""

    kind = "audio"

    def __init__(self, max_queued: int = 50, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._queue: asyncio.Queue[av.Packet[Stream]] = asyncio.Queue(maxsize=max_queued)
        self._clock = clock
        self._origin = clock()
        self._last_pts = -FRAME_SAMPLES
        self._last_source: object = None
        self._last_source_ts = 0
        self.last_sent = float("-inf")
        self.sent = 0
        self.dropped = 0

    def send(self, payload: bytes, source: object, source_ts: int) -> None:
        """Queue one Opus packet. `source` names where it comes from and `source_ts` is its
        timestamp there (48 kHz units): consecutive packets of one source keep their spacing;
        a new source continues the timeline where it stands, or at wall-clock time after
        a silence, so the receiver's jitter buffer sees one continuous stream."""
        now = self._clock()
        step = (source_ts - self._last_source_ts) & 0xFFFFFFFF
        if source is self._last_source and 0 < step <= MAX_SOURCE_STEP:
            pts = self._last_pts + step
        else:
            wall = int((now - self._origin) * SAMPLE_RATE)
            pts = max(self._last_pts + FRAME_SAMPLES, wall)
        self._last_pts = pts
        self._last_source = source
        self._last_source_ts = source_ts
        packet = av.Packet(payload)
        packet.pts = pts
        packet.time_base = TIME_BASE
        if self._queue.full():
            self._queue.get_nowait()
            self.dropped += 1
        self._queue.put_nowait(packet)
        self.last_sent = now
        self.sent += 1

    def idle_for(self) -> float:
        """Seconds since the last packet was queued."""
        return self._clock() - self.last_sent

    async def recv(self) -> av.Packet[Stream]:
        if self.readyState != "live":
            raise MediaStreamError
        return await self._queue.get()
