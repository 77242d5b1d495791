"""One room's media: who is attached, the call in progress, and what happens on each packet
and on each 20 ms tick.

- Relay legs (candidate ⇄ client) forward the Opus packets as they arrive: no decode, no
  re-encode, no buffering (`on_packet`).
- Each party's upstream is also decoded once, into the mix's jitter buffer (keyed on RTP
  timestamps, adaptive 20–200 ms, a burst played whole: `jitter_buffer.PlayoutBuffer`).
- The decoded audio is also placed on the call's recording timeline by its RTP timestamps
  (`timeline.RecordingTimeline`): the recording is the call's clock, never a tick count.
- The tick (`tick`, every 20 ms, driven by `AiortcMedia`) takes one frame per party for the
  observer's live mix (silence where a party has none), on hold sends the hold tone to the
  customer and silence to the advisor, or silence where a relay leg has been quiet for half a
  second (a party gone; a shorter pause — a sender's burst — is left to the receiver's own
  jitter buffer, as on a direct call), and lets the timeline write what is due.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

import numpy as np
from aiortc.rtp import RtpPacket

from server.telephony.audio import FRAME_SAMPLES, Pcm, mix
from server.telephony.jitter_buffer import PlayoutBuffer
from server.telephony.opus import OpusDecoder, OpusEncoder, hold_packets, silence_packet
from server.telephony.peer import Peer
from server.telephony.ports import BOTH, GapReason, PeerRole
from server.telephony.recorder import OggOpusRecorder
from server.telephony.rtp_clock import StreamClock
from server.telephony.talk import TalkMeter
from server.telephony.timeline import Packets, RecordingTimeline

Placer = Callable[[int, Pcm, "bytes | None"], None]  # (RTP timestamp, decoded PCM, its Opus
# packet or None for audio made here) -> on the call's clock

PARTIES: Final = (PeerRole.CANDIDATE, PeerRole.CLIENT)
OTHER: Final = {PeerRole.CANDIDATE: PeerRole.CLIENT, PeerRole.CLIENT: PeerRole.CANDIDATE}
MAX_CONCEALED = 2  # lost packets replaced in the mix and the recording (40 ms)
QUIET_LEG_SECONDS = 0.5  # a relay leg without packets for this long gets silence
_TICK_SOURCE: Final = object()  # RTP-timeline source of everything the tick generates


@dataclass
class Upstream:
    """One party's decoded audio: in the mix's jitter buffer, waiting for the tick, and placed
    on the recording's timeline. Packets are taken in RTP sequence order: a late (reordered)
    or duplicated packet is refused (`push` returns False: the relay drops it too, so the
    receiver's jitter buffer sees a gap it conceals rather than a packet out of its place); a
    lost one (a gap in sequence numbers) is concealed in the recording by the last frame
    repeated at half the level each time, for at most `MAX_CONCEALED` frames (the jitter
    buffer conceals it in the mix the same way)."""

    buffer: PlayoutBuffer = field(default_factory=PlayoutBuffer)
    decoder: OpusDecoder = field(default_factory=OpusDecoder)
    peer_serial: int = 0
    last_seq: int | None = None
    last_ts: int = 0
    last_pcm: Pcm | None = None
    concealed: int = 0
    refused: int = 0

    def push(
        self, peer: Peer, packet: RtpPacket, place: Placer | None = None, arrival: float = 0.0
    ) -> bool:
        """Decode `packet` into the mix's jitter buffer and, with `place`, onto the
        recording's timeline at its RTP timestamp (concealed frames at the lost packets'
        places)."""
        if peer.serial != self.peer_serial:  # a new peer: a new Opus stream
            self.peer_serial = peer.serial
            self.decoder = OpusDecoder()
            self.buffer.clear()
            self.last_seq = self.last_pcm = None
        seq = packet.sequence_number
        if self.last_seq is not None:
            ahead = (seq - self.last_seq) & 0xFFFF
            if ahead == 0 or ahead >= 0x8000:  # duplicate, or behind the last one taken
                self.refused += 1
                return False
            self._conceal(min(ahead - 1, MAX_CONCEALED), place)
        self.last_seq = seq
        self.last_ts = packet.timestamp
        pcm = self.decoder.decode(packet.payload)
        if len(pcm):
            self.last_pcm = pcm
        self.buffer.push(packet.timestamp, pcm, arrival)
        if place is not None:
            place(packet.timestamp, pcm, packet.payload)
        return True

    def _conceal(self, lost: int, place: Placer | None) -> None:
        for k in range(1, lost + 1):
            if self.last_pcm is None:
                return
            self.last_pcm = (self.last_pcm // 2).astype(np.int16)
            if place is not None:
                place((self.last_ts + k * len(self.last_pcm)) & 0xFFFFFFFF, self.last_pcm, None)
            self.concealed += 1


@dataclass
class ActiveCall:
    """A call in progress: its recorder (the file writer), its timeline (where audio goes in
    time, and what is missing) and its talk meter (fed the same frames as the file)."""

    call_id: str
    started_at: datetime
    parties: dict[str, str]
    recorder: OggOpusRecorder | None
    t0: float = field(default_factory=time.monotonic)  # the call's clock: its start
    held: bool = False
    timeline: RecordingTimeline = field(init=False)
    meter: TalkMeter = field(default_factory=TalkMeter)

    def __post_init__(self) -> None:
        self.timeline = RecordingTimeline(self.t0, sink=self._write, on_frame=self.meter.feed)

    def _write(self, frame: Pcm, start: int, packets: Packets) -> None:
        recorder = self.recorder
        if recorder is None:
            return
        dropped = recorder.frames_dropped
        recorder.push(frame, packets)
        if lost := recorder.frames_dropped - dropped:  # the writer is 5 s behind: the batch
            # that ends with this frame is not in the file (silence in its place)
            seconds = self.timeline.seconds
            end = start + FRAME_SAMPLES
            self.timeline.note_loss(
                seconds(end - lost * FRAME_SAMPLES), seconds(end), GapReason.WRITE_ERROR
            )

    @property
    def position(self) -> float:
        """Seconds of the recording written so far."""
        return self.timeline.duration_s

    def open_gap(self, role: PeerRole, reason: GapReason, now: float) -> None:
        self.timeline.open_cause(role.value, reason, now)

    def close_gap(self, role: PeerRole, now: float) -> None:
        self.timeline.close_cause(role.value, None, now)


class Room:
    def __init__(self, room_id: str, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.room_id = room_id
        self._now = monotonic
        self.peers: dict[PeerRole, Peer] = {}
        self.upstreams = {role: Upstream() for role in PARTIES}
        self.stream_clocks = {role: StreamClock() for role in PARTIES}
        self.call: ActiveCall | None = None
        self._mix_encoder: OpusEncoder | None = None
        self._ticks = 0
        self._hold_index = 0

    # --- peers -------------------------------------------------------------------------

    def attach(self, peer: Peer) -> Peer | None:
        """Make `peer` the current one for its role; returns the peer it replaces."""
        old = self.peers.get(peer.role)
        self.peers[peer.role] = peer
        if old is not None and self.call is not None and peer.role in PARTIES:
            self.call.open_gap(peer.role, GapReason.RECONNECT, self._now())
        return old

    def detach(self, role: PeerRole) -> Peer | None:
        peer = self.peers.pop(role, None)
        if peer is not None and self.call is not None and role in PARTIES:
            self.call.open_gap(role, GapReason.CONNECTION_LOST, self._now())
        return peer

    def on_state(self, peer: Peer, state: str) -> None:
        current = self.peers.get(peer.role) is peer
        if state not in ("failed", "closed") or not current:
            return
        if peer.role in PARTIES:
            if self.call:
                self.call.open_gap(peer.role, GapReason.CONNECTION_LOST, self._now())
        else:  # the observer stopped listening (or lost the link): no more mix for nobody
            self.peers.pop(peer.role)

    def on_packet(self, peer: Peer, packet: RtpPacket, arrival: float) -> None:
        role = peer.role
        if self.peers.get(role) is not peer:
            return  # a replaced peer still closing
        clock = self.stream_clocks[role]
        clock.observe(peer, packet.timestamp, arrival)
        call = self.call
        if call is None:
            return
        peer.heard = True
        call.close_gap(role, arrival)
        timeline = call.timeline

        def place(timestamp: int, pcm: Pcm, payload: bytes | None) -> None:
            on_time = clock.on_time(peer, timestamp)
            timeline.place(role, peer, timestamp, pcm, arrival, on_time, payload)

        if not self.upstreams[role].push(peer, packet, place, arrival):
            return
        if not call.held:
            listener = self.peers.get(OTHER[role])
            if listener is not None:
                listener.outbound.send(packet.payload, source=peer, source_ts=packet.timestamp)

    # --- call --------------------------------------------------------------------------

    def start_call(self, call: ActiveCall) -> None:
        self.call = call
        self._mix_encoder = OpusEncoder()
        self._ticks = 0  # counted on this call's clock (the outbound tracks start a new run)
        for role in PARTIES:
            self.upstreams[role].buffer.clear()
            if role not in self.peers:
                call.open_gap(role, GapReason.ABSENT, call.t0)

    def end_call(self, at: float | None = None) -> ActiveCall | None:
        """The call ended `at` (now by default): its timeline is written up to that instant."""
        call, self.call = self.call, None
        self._mix_encoder = None
        if call is not None:
            call.timeline.finish(self._now() if at is None else at)
        return call

    # --- the 20 ms tick ------------------------------------------------------------------

    def tick(self, now: float | None = None, missed: int = 0) -> None:
        """One 20 ms tick, `missed` ticks after the last one the media loop could not run
        (it stalled, and gave up catching up): the server's own audio (mix, hold tone,
        silence) is stamped that much later — a gap the receiver conceals, not a timeline
        left behind for the rest of the call — and the mix skips what those ticks were due
        instead of playing it late."""
        call = self.call
        if call is None:
            return  # no call: the pages hear nothing (their players play silence)
        now = self._now() if now is None else now
        self._ticks += 1 + missed
        tick_ts = self._ticks * FRAME_SAMPLES
        if missed > 0:
            for role in PARTIES:
                self.upstreams[role].buffer.skip(missed)
        left = self.upstreams[PeerRole.CANDIDATE].buffer.take_frame()
        right = self.upstreams[PeerRole.CLIENT].buffer.take_frame()
        call.timeline.advance(now)
        observer = self.peers.get(PeerRole.OBSERVER)
        if observer is not None and self._mix_encoder is not None:
            for payload in self._mix_encoder.encode(mix(left, right)):
                observer.outbound.send(payload, source=_TICK_SOURCE, source_ts=tick_ts)
        if call.held:
            # The held customer hears the hold tone; the advisor who holds hears nobody.
            loop = hold_packets()
            payload = loop[self._hold_index % len(loop)]
            self._hold_index += 1
            if (client := self.peers.get(PeerRole.CLIENT)) is not None:
                client.outbound.send(payload, source=_TICK_SOURCE, source_ts=tick_ts)
            if (advisor := self.peers.get(PeerRole.CANDIDATE)) is not None:
                advisor.outbound.send(silence_packet(), source=_TICK_SOURCE, source_ts=tick_ts)
            return
        for role in PARTIES:
            peer = self.peers.get(role)
            if peer is not None and peer.outbound.idle_for() >= QUIET_LEG_SECONDS:
                peer.outbound.send(silence_packet(), source=_TICK_SOURCE, source_ts=tick_ts)

    def set_hold(self, on: bool) -> None:
        call = self.call
        if call is not None:
            if on and not call.held:
                self._hold_index = 0
                call.timeline.open_cause(BOTH, GapReason.HOLD, self._now())
            elif not on and call.held:
                call.timeline.close_cause(BOTH, GapReason.HOLD, self._now())
            call.held = on

    @property
    def peer_roles(self) -> list[PeerRole]:
        return list(self.peers)
