"""A room's upstream takes packets in RTP order: a lost packet is concealed in the mix and the
recording, a late or duplicated one is refused, and the relay does not forward it either."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
from aiortc.rtp import RtpPacket

from server.telephony.audio import FRAME_SAMPLES, tone
from server.telephony.opus import encode_loop
from server.telephony.peer import Peer
from server.telephony.ports import PeerRole
from server.telephony.relay import OutboundAudio
from server.telephony.room import MAX_CONCEALED, ActiveCall, Room, Upstream

PACKETS = encode_loop(tone(440.0, 0.2))  # ten 20 ms packets of a 440 Hz tone


def packet(seq: int, index: int = 0) -> RtpPacket:
    return RtpPacket(
        payload_type=111,
        sequence_number=seq & 0xFFFF,
        timestamp=(seq * FRAME_SAMPLES) & 0xFFFFFFFF,
        payload=PACKETS[index % len(PACKETS)],
    )


def peer(role: PeerRole) -> Peer:
    pc: Any = None  # the room never touches the connection itself
    return Peer(role, pc, OutboundAudio())


def test_packets_in_order_are_decoded_one_frame_each_across_the_sequence_wrap() -> None:
    upstream, candidate = Upstream(), peer(PeerRole.CANDIDATE)
    for i, seq in enumerate((65534, 65535, 0, 1)):
        assert upstream.push(candidate, packet(seq, i))
    assert len(upstream.fifo) == upstream.fifo._max  # bounded at 3 frames: 4 pushed
    assert upstream.fifo.dropped_samples == FRAME_SAMPLES
    assert upstream.concealed == upstream.refused == 0


def test_a_lost_packet_is_concealed_by_the_last_frame_at_half_level() -> None:
    upstream, candidate = Upstream(), peer(PeerRole.CANDIDATE)
    assert upstream.push(candidate, packet(10, 3))
    heard = upstream.fifo.take_frame().copy()
    assert upstream.push(candidate, packet(12, 5))  # 11 lost
    assert upstream.concealed == 1
    concealed = upstream.fifo.take_frame()
    np.testing.assert_array_equal(concealed, heard // 2)
    assert np.abs(concealed).max() > 0
    assert len(upstream.fifo) == FRAME_SAMPLES  # then packet 12 itself


def test_a_long_loss_is_concealed_for_a_bounded_time_then_left_to_silence() -> None:
    upstream, candidate = Upstream(), peer(PeerRole.CANDIDATE)
    assert upstream.push(candidate, packet(100))
    upstream.fifo.take_frame()
    assert upstream.push(candidate, packet(150, 1))  # 49 lost
    assert upstream.concealed == MAX_CONCEALED
    assert len(upstream.fifo) == (MAX_CONCEALED + 1) * FRAME_SAMPLES


def test_late_and_duplicated_packets_are_refused_and_a_new_peer_starts_afresh() -> None:
    upstream, candidate = Upstream(), peer(PeerRole.CANDIDATE)
    assert upstream.push(candidate, packet(20))
    assert upstream.push(candidate, packet(22, 2))
    queued = len(upstream.fifo)
    assert not upstream.push(candidate, packet(21, 1))  # arrived after 22
    assert not upstream.push(candidate, packet(22, 2))  # twice
    assert upstream.refused == 2 and len(upstream.fifo) == queued
    reconnected = peer(PeerRole.CANDIDATE)  # its own sequence numbers, from anywhere
    assert upstream.push(reconnected, packet(5))
    assert len(upstream.fifo) == FRAME_SAMPLES and upstream.concealed == 1


async def test_the_relay_does_not_forward_a_packet_the_upstream_refused() -> None:
    room = Room("r1")
    candidate, client = peer(PeerRole.CANDIDATE), peer(PeerRole.CLIENT)
    room.attach(candidate)
    room.attach(client)
    room.start_call(ActiveCall("c1", datetime.now(UTC), {}, recorder=None))
    for seq in (1, 3, 2, 3, 4):
        room.on_packet(candidate, packet(seq, seq), arrival=0.0)
    assert client.outbound.sent == 3  # 1, 3, 4: the late 2 and the second 3 are not forwarded
    assert room.upstreams[PeerRole.CANDIDATE].refused == 2
