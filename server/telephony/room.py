"""One room's media: who is attached, the call in progress, and what happens on each packet
and on each 20 ms tick.

- Relay legs (candidate ⇄ client) forward the Opus packets as they arrive: no decode, no
  re-encode, no buffering (`on_packet`).
- Each party's upstream is also decoded once, into a bounded FIFO (≤ 60 ms).
- The tick (`tick`, every 20 ms, driven by `AiortcMedia`) takes one frame per party
  (silence where a party has none), pushes the stereo frame to the recorder (candidate
  LEFT, client RIGHT), encodes the mono mix for the observer, and on hold sends the hold
  tone to the customer and silence to the advisor, or silence where a relay leg has gone
  quiet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

import numpy as np
from aiortc.rtp import RtpPacket

from server.telephony.audio import FRAME_SAMPLES, FRAME_SECONDS, Pcm, SampleFifo, mix, stereo
from server.telephony.opus import OpusDecoder, OpusEncoder, hold_packets, silence_packet
from server.telephony.peer import Peer
from server.telephony.ports import GapReason, MediaGap, PeerRole
from server.telephony.recorder import OggOpusRecorder

PARTIES: Final = (PeerRole.CANDIDATE, PeerRole.CLIENT)
OTHER: Final = {PeerRole.CANDIDATE: PeerRole.CLIENT, PeerRole.CLIENT: PeerRole.CANDIDATE}
MAX_CONCEALED = 2  # lost packets replaced in the mix and the recording (40 ms)
QUIET_LEG_SECONDS = 0.06  # a relay leg without packets for this long gets silence
_TICK_SOURCE: Final = object()  # RTP-timeline source of everything the tick generates


@dataclass
class Upstream:
    """One party's decoded audio, waiting for the tick. Packets are taken in RTP sequence
    order: a late (reordered) or duplicated packet is refused (`push` returns False: the relay
    drops it too, so the receiver's jitter buffer sees a gap it conceals rather than a packet
    out of its place); a lost one (a gap in sequence numbers) is concealed in the mix and the
    recording by the last frame repeated at half the level each time, for at most
    `MAX_CONCEALED` frames; past that the tick's silence takes over."""

    fifo: SampleFifo = field(default_factory=SampleFifo)
    decoder: OpusDecoder = field(default_factory=OpusDecoder)
    peer_serial: int = 0
    last_seq: int | None = None
    last_pcm: Pcm | None = None
    concealed: int = 0
    refused: int = 0

    def push(self, peer: Peer, packet: RtpPacket) -> bool:
        if peer.serial != self.peer_serial:  # a new peer: a new Opus stream
            self.peer_serial = peer.serial
            self.decoder = OpusDecoder()
            self.fifo.clear()
            self.last_seq = self.last_pcm = None
        seq = packet.sequence_number
        if self.last_seq is not None:
            ahead = (seq - self.last_seq) & 0xFFFF
            if ahead == 0 or ahead >= 0x8000:  # duplicate, or behind the last one taken
                self.refused += 1
                return False
            self._conceal(min(ahead - 1, MAX_CONCEALED))
        self.last_seq = seq
        pcm = self.decoder.decode(packet.payload)
        if len(pcm):
            self.last_pcm = pcm
        self.fifo.push(pcm)
        return True

    def _conceal(self, lost: int) -> None:
        for _ in range(lost):
            if self.last_pcm is None:
                return
            self.last_pcm = (self.last_pcm // 2).astype(np.int16)
            self.fifo.push(self.last_pcm)
            self.concealed += 1


@dataclass
class ActiveCall:
    call_id: str
    started_at: datetime
    parties: dict[str, str]
    recorder: OggOpusRecorder | None
    held: bool = False
    frames: int = 0
    gaps: list[MediaGap] = field(default_factory=list)

    @property
    def position(self) -> float:
        """Seconds into the recording."""
        return round(self.frames * FRAME_SECONDS, 3)

    def open_gap(self, role: PeerRole, reason: GapReason) -> None:
        if not any(g.role is role and g.end_s is None for g in self.gaps):
            self.gaps.append(MediaGap(role, reason, self.position, None))

    def close_gap(self, role: PeerRole) -> None:
        for i, gap in enumerate(self.gaps):
            if gap.role is role and gap.end_s is None:
                self.gaps[i] = MediaGap(gap.role, gap.reason, gap.start_s, self.position)


class Room:
    def __init__(self, room_id: str) -> None:
        self.room_id = room_id
        self.peers: dict[PeerRole, Peer] = {}
        self.upstreams = {role: Upstream() for role in PARTIES}
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
            self.call.open_gap(peer.role, GapReason.RECONNECT)
        return old

    def detach(self, role: PeerRole) -> Peer | None:
        peer = self.peers.pop(role, None)
        if peer is not None and self.call is not None and role in PARTIES:
            self.call.open_gap(role, GapReason.CONNECTION_LOST)
        return peer

    def on_state(self, peer: Peer, state: str) -> None:
        current = self.peers.get(peer.role) is peer
        if state not in ("failed", "closed") or not current:
            return
        if peer.role in PARTIES:
            if self.call:
                self.call.open_gap(peer.role, GapReason.CONNECTION_LOST)
        else:  # the observer stopped listening (or lost the link): no more mix for nobody
            self.peers.pop(peer.role)

    def on_packet(self, peer: Peer, packet: RtpPacket, arrival: float) -> None:
        role = peer.role
        if self.peers.get(role) is not peer:
            return  # a replaced peer still closing
        call = self.call
        if call is None:
            return
        peer.heard = True
        call.close_gap(role)
        if not self.upstreams[role].push(peer, packet):
            return
        if not call.held:
            listener = self.peers.get(OTHER[role])
            if listener is not None:
                listener.outbound.send(packet.payload, source=peer, source_ts=packet.timestamp)

    # --- call --------------------------------------------------------------------------

    def start_call(self, call: ActiveCall) -> None:
        self.call = call
        self._mix_encoder = OpusEncoder()
        for role in PARTIES:
            self.upstreams[role].fifo.clear()
            if role not in self.peers:
                call.open_gap(role, GapReason.ABSENT)

    def end_call(self) -> ActiveCall | None:
        call, self.call = self.call, None
        self._mix_encoder = None
        return call

    # --- the 20 ms tick ------------------------------------------------------------------

    def tick(self) -> None:
        call = self.call
        if call is None:
            return  # no call: the pages hear nothing (their players play silence)
        self._ticks += 1
        tick_ts = self._ticks * FRAME_SAMPLES
        left = self.upstreams[PeerRole.CANDIDATE].fifo.take_frame()
        right = self.upstreams[PeerRole.CLIENT].fifo.take_frame()
        if call.recorder is not None:
            call.recorder.push(stereo(left, right))
        call.frames += 1
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
        if self.call is not None:
            if on and not self.call.held:
                self._hold_index = 0
            self.call.held = on

    @property
    def peer_roles(self) -> list[PeerRole]:
        return list(self.peers)
