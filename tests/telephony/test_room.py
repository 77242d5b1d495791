"""A room's upstream takes packets in RTP order: a lost packet is concealed in the mix and the
recording, a late or duplicated one is refused, and the relay does not forward it either. A
sender's burst is relayed whole and heard whole in the mix."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from aiortc.rtp import RtpPacket

from server.telephony.aiortc_media import next_tick
from server.telephony.audio import FRAME_SAMPLES, tone
from server.telephony.opus import encode_loop
from server.telephony.peer import Peer
from server.telephony.ports import GapReason, PeerRole
from server.telephony.relay import OutboundAudio
from server.telephony.room import MAX_CONCEALED, ActiveCall, Room, Upstream

PACKETS = encode_loop(tone(440.0, 0.2))  # ten 20 ms packets of a 440 Hz tone


def packet(seq: int, index: int = 0) -> RtpPacket:
    """Packet `seq` of a stream (`seq` unwrapped: the sequence number wraps at 16 bits, the
    timestamp at 32)."""
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
    for i, seq in enumerate((65534, 65535, 65536, 65537)):
        assert upstream.push(candidate, packet(seq, i))
    assert upstream.buffer.depth_samples == 0  # nothing played yet: all four are queued
    assert [np.abs(upstream.buffer.take_frame()).max() > 0 for _ in range(4)] == [True] * 4
    assert upstream.buffer.stats.played == 4
    assert upstream.concealed == upstream.refused == 0


def test_a_lost_packet_is_concealed_by_the_last_frame_at_half_level() -> None:
    upstream, candidate = Upstream(), peer(PeerRole.CANDIDATE)
    assert upstream.push(candidate, packet(10, 3))
    assert upstream.push(candidate, packet(12, 5))  # 11 lost
    assert upstream.concealed == 1  # in the recording
    heard = upstream.buffer.take_frame().copy()
    concealed = upstream.buffer.take_frame()  # in the mix
    np.testing.assert_array_equal(concealed, heard // 2)
    assert np.abs(concealed).max() > 0
    assert upstream.buffer.stats.lost == 1
    assert upstream.buffer.take_frame() is not None and upstream.buffer.stats.played == 2


def test_a_long_loss_is_concealed_for_a_bounded_time_then_left_to_silence() -> None:
    upstream, candidate = Upstream(), peer(PeerRole.CANDIDATE)
    assert upstream.push(candidate, packet(100))
    upstream.buffer.take_frame()
    assert upstream.push(candidate, packet(150, 1))  # 49 lost
    assert upstream.concealed == MAX_CONCEALED


def test_late_and_duplicated_packets_are_refused_and_a_new_peer_starts_afresh() -> None:
    upstream, candidate = Upstream(), peer(PeerRole.CANDIDATE)
    assert upstream.push(candidate, packet(20))
    assert upstream.push(candidate, packet(22, 2))
    assert not upstream.push(candidate, packet(21, 1))  # arrived after 22
    assert not upstream.push(candidate, packet(22, 2))  # twice
    assert upstream.refused == 2
    reconnected = peer(PeerRole.CANDIDATE)  # its own sequence numbers, from anywhere
    assert upstream.push(reconnected, packet(5))
    assert upstream.buffer.depth_samples == 0 and upstream.concealed == 1
    assert np.abs(upstream.buffer.take_frame()).max() == 0  # it starts once its target is queued
    assert upstream.push(reconnected, packet(6, 1))
    assert np.abs(upstream.buffer.take_frame()).max() > 0  # the new peer's first frame


async def test_a_300_ms_burst_is_relayed_whole_and_heard_whole_in_the_mix() -> None:
    """The candidate's network holds 300 ms of audio, then delivers it at once. The client
    gets every packet, in order, with nothing of the server's own in between; the observer's
    mix waits for the burst and plays all of it."""
    now = [10.0]
    room = Room("r1", monotonic=lambda: now[0])
    candidate, client = peer(PeerRole.CANDIDATE), peer(PeerRole.CLIENT)
    room.attach(candidate)
    room.attach(client)
    room.start_call(ActiveCall("c1", datetime.now(UTC), {}, recorder=None, t0=now[0]))
    relayed: list[bytes] = []

    def sender_takes_what_is_queued() -> None:  # as aiortc's RTCRtpSender does, at once
        while not client.outbound._queue.empty():
            relayed.append(bytes(client.outbound._queue.get_nowait()))

    seq = 0
    for _ in range(25):  # half a second on time
        room.on_packet(candidate, packet(seq, seq), arrival=now[0])
        room.tick(now[0])
        sender_takes_what_is_queued()
        seq, now[0] = seq + 1, now[0] + 0.02
    held = list(range(seq, seq + 15))
    for _ in held:  # 300 ms held by the network
        room.tick(now[0])
        sender_takes_what_is_queued()
        seq, now[0] = seq + 1, now[0] + 0.02
    for s in held:
        room.on_packet(candidate, packet(s, s), arrival=now[0])
    sender_takes_what_is_queued()
    for _ in range(100):  # two more seconds on time
        room.on_packet(candidate, packet(seq, seq), arrival=now[0])
        room.tick(now[0])
        sender_takes_what_is_queued()
        seq, now[0] = seq + 1, now[0] + 0.02
    assert relayed == [PACKETS[s % len(PACKETS)] for s in range(seq)]
    assert client.outbound.dropped == 0
    buffer = room.upstreams[PeerRole.CANDIDATE].buffer
    mix = buffer.stats
    # every sample heard, or still to be heard, or shed in a quiet stretch (the loop's first
    # packet decodes near silent); the rest of the extra delay is played 5 % faster
    assert mix.samples + mix.shed_samples + buffer.depth_samples == seq * FRAME_SAMPLES
    assert mix.lost == mix.late == mix.overflow == 0 and mix.stalls >= 14
    assert mix.squeezed > 0


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


async def test_after_a_stalled_loop_the_server_s_own_audio_keeps_the_wall_clock() -> None:
    """The media loop stalled and gave up 18 ticks (`next_tick`): the next mix packet to the
    observer is stamped 19 frames after the last — a gap the observer's jitter buffer
    conceals, rather than a timeline that stays 360 ms behind for the rest of the call."""
    now = [10.0]
    room = Room("r1", monotonic=lambda: now[0])
    observer = peer(PeerRole.OBSERVER)
    room.attach(observer)
    room.start_call(ActiveCall("c1", datetime.now(UTC), {}, recorder=None, t0=now[0]))
    for step, missed in ((0.02, 0), (0.02, 0), (0.38, 18), (0.02, 0)):
        now[0] += step
        room.tick(now[0], missed)
    stamps = []
    while not observer.outbound._queue.empty():
        stamps.append(observer.outbound._queue.get_nowait().pts)
    assert [b - a for a, b in zip(stamps, stamps[1:], strict=False)] == [
        FRAME_SAMPLES,
        19 * FRAME_SAMPLES,
        FRAME_SAMPLES,
    ]


def test_a_tick_a_little_late_is_caught_up_a_long_stall_is_given_up_to_the_wall_clock() -> None:
    """The media loop's schedule: a tick up to 100 ms late runs at once and the next ones
    catch up (no tick given up, the server's timeline unmoved, whatever the phase of the call
    within a frame); a stall longer than that gives up the ticks whose time has passed."""
    assert next_tick(due=10.0, now=10.012) == (10.0, 0)
    assert next_tick(due=10.0, now=10.1) == (10.0, 0)
    at, missed = next_tick(due=10.0, now=10.38)
    assert missed == 19 and at == pytest.approx(10.38) and at <= 10.38
    at, missed = next_tick(due=10.0, now=10.2)  # 10 frames late, in floating point
    assert missed == 10 and at == pytest.approx(10.2)


@pytest.mark.parametrize("earlier_calls", [0, 1])
async def test_after_a_stalled_loop_the_mix_plays_what_is_due_not_the_backlog(
    earlier_calls: int,
) -> None:
    """The media loop stalled 200 ms (a busy server: the hold's database work in the web
    process, a page's reconnection) while both parties went on talking: their packets wait in
    the sockets and arrive together after the stall. The ticks the loop missed are a gap in
    the observer's stream; what the parties said during them is not played late after it —
    the mix is back to its delay at once, instead of playing the backlog 5 % faster for
    seconds (a delay that grew at each stall, and tones heard 5 % higher meanwhile). The
    recording, placed on its own timeline, keeps it all. The same in a room's later call."""
    now = [10.0]
    room = Room("r1", monotonic=lambda: now[0])
    candidate, client = peer(PeerRole.CANDIDATE), peer(PeerRole.CLIENT)
    room.attach(candidate)
    room.attach(client)
    for k in range(earlier_calls):  # a call of two minutes, then a minute of wrap-up
        room.start_call(ActiveCall(f"c0{k}", datetime.now(UTC), {}, recorder=None, t0=now[0]))
        for _ in range(6000):
            now[0] += 0.02
            room.tick(now[0])
        room.end_call()
        now[0] += 60
    room.start_call(ActiveCall("c1", datetime.now(UTC), {}, recorder=None, t0=now[0]))
    seq = 0

    def both_talk(s: int) -> None:  # a continuous tone: nothing quiet to shed
        room.on_packet(candidate, packet(s, s), arrival=now[0])
        room.on_packet(client, packet(s, s), arrival=now[0])

    for _ in range(50):  # a second on time
        both_talk(seq)
        now[0] += 0.02
        room.tick(now[0])
        seq += 1
    for _ in range(10):  # 200 ms without a tick; the packets wait in the sockets
        now[0] += 0.02
    for s in range(seq, seq + 10):
        both_talk(s)
    seq += 10
    for k in range(3):  # the loop gives up the 9 ticks it missed (`next_tick`)
        both_talk(seq)
        now[0] += 0.02
        room.tick(now[0], 9 if k == 0 else 0)
        seq += 1
    for role in (PeerRole.CANDIDATE, PeerRole.CLIENT):
        buffer = room.upstreams[role].buffer
        assert buffer.depth_samples <= buffer.target_samples + FRAME_SAMPLES, role
        assert buffer.stats.skipped >= 8 and buffer.stats.squeezed == 0, buffer.stats


async def test_a_tick_a_little_late_or_early_does_not_move_the_server_s_timeline() -> None:
    """Ticks on time, give or take a millisecond, whatever the call's start within a frame:
    the mix's timestamps advance by exactly one frame per tick (a tick rounded up to the next
    frame used to stamp one frame ahead, for good: the observer's delay grew by 20 ms)."""
    now = [10.0]
    room = Room("r1", monotonic=lambda: now[0])
    observer = peer(PeerRole.OBSERVER)
    room.attach(observer)
    room.start_call(ActiveCall("c1", datetime.now(UTC), {}, recorder=None, t0=now[0] - 0.0021))
    for k in range(1, 200):
        late = 0.012 if k == 50 else 0.0  # once, a tick 12 ms late (the loop was busy)
        now[0] = 10.0 + k * 0.02 + (0.0009 if k % 2 else -0.0009) + late
        room.tick(now[0])
    stamps = []
    while not observer.outbound._queue.empty():
        stamps.append(observer.outbound._queue.get_nowait().pts)
    assert {b - a for a, b in zip(stamps, stamps[1:], strict=False)} == {FRAME_SAMPLES}


def test_frames_the_recorder_dropped_are_named_where_they_were_in_the_call() -> None:
    """The recorder hands frames to its writer in batches; when it drops one (the writer is
    seconds behind), the whole batch is a `write_error` gap at its own place in the call."""

    class DroppingRecorder:
        frames_dropped = 0

        def __init__(self) -> None:
            self.pushed = 0

        def push(self, frame: object, packets: object) -> None:
            self.pushed += 1
            if self.pushed == 20:  # the batch of frames 11-20 had no room
                self.frames_dropped += 10

    t0 = 1000.0
    call = ActiveCall("c1", datetime.now(UTC), {}, recorder=DroppingRecorder(), t0=t0)  # type: ignore[arg-type]
    call.timeline.advance(t0 + 1.0)
    call.timeline.finish(t0 + 1.0)
    gaps = [g for g in call.timeline.gaps() if g.reason is GapReason.WRITE_ERROR]
    assert [(g.start_s, g.end_s, g.silent) for g in gaps] == [(0.2, 0.4, True)]


async def test_the_rooms_tick_in_four_groups_so_the_loop_never_ticks_them_all_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """20 rooms: each media tick runs a quarter of them (5), and every room still ticks
    once per period, with the same group each time."""
    from collections import defaultdict

    from server.telephony.aiortc_media import TICK_SLOTS, AiortcMedia, quietest_slot

    batches: dict[float, list[str]] = defaultdict(list)
    ticks: dict[str, int] = defaultdict(int)
    stamps = iter(range(10**9))

    def clock() -> float:
        return float(next(stamps))  # one reading per ticker run: its key

    def tick(room: Room, now: float | None = None, missed: int = 0) -> None:
        assert now is not None
        batches[now].append(room.room_id)
        ticks[room.room_id] += 1

    monkeypatch.setattr(Room, "tick", tick)
    media = AiortcMedia(monotonic=clock)
    try:
        for k in range(20):
            media._room(f"r{k}")
        deadline = asyncio.get_running_loop().time() + 60  # generous: no timing asserted
        while min(ticks.values(), default=0) < 5:
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.01)
    finally:
        await media.close()
    assert len(ticks) == 20
    assert max(len(rooms) for rooms in batches.values()) == 20 // TICK_SLOTS
    groups = {frozenset(rooms) for rooms in batches.values() if len(rooms) == 20 // TICK_SLOTS}
    assert len(groups) == TICK_SLOTS  # always the same rooms together
    assert quietest_slot([0, 1, 1, 2, 3, 3]) == 0 and quietest_slot([0, 2, 1, 3, 0]) == 1
