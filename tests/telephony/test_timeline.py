"""The recording's timeline with the time passed in: audio placed by RTP timestamps on the
call's clock, the file as long as the call whatever the ticks did, every hole named."""

from __future__ import annotations

import numpy as np

from server.telephony.audio import FRAME_SAMPLES, SAMPLE_RATE, tone
from server.telephony.ports import GapReason, PeerRole
from server.telephony.rtp_clock import StreamClock
from server.telephony.timeline import RecordingTimeline

CAND, CLIENT = PeerRole.CANDIDATE, PeerRole.CLIENT
T0 = 1000.0
FRAME = FRAME_SAMPLES / SAMPLE_RATE


class Call:
    """A timeline, its written file (stereo frames in order) and two senders whose packet
    n carries RTP timestamp n * 960 (plus an offset: each sender's clock is its own)."""

    def __init__(self) -> None:
        self.frames: list[np.ndarray] = []
        self.packets: list[object] = []
        self.starts: list[int] = []
        self.timeline = RecordingTimeline(T0, sink=self._sink)
        self.streams = {CAND: object(), CLIENT: object()}
        self.ts0 = {CAND: 123_456, CLIENT: 4_294_000_000}  # the client's wraps around

    def _sink(self, frame: np.ndarray, start: int, packets: object = None) -> None:
        self.packets.append(packets)
        self.frames.append(frame)
        self.starts.append(start)

    def packet(self, role: PeerRole, n: int, arrival: float, hz: float | None = None) -> None:
        hz = hz or (440.0 if role is CAND else 1000.0)
        pcm = tone(hz, FRAME, start=n * FRAME_SAMPLES)
        ts = (self.ts0[role] + n * FRAME_SAMPLES) & 0xFFFFFFFF
        self.timeline.place(role, self.streams[role], ts, pcm, arrival)

    def run(self, start_n: int, end_n: int, roles=(CAND, CLIENT), delay: float = 0.005) -> None:
        """Packets start_n..end_n-1 arriving on time, a tick after each."""
        for n in range(start_n, end_n):
            at = T0 + (n + 1) * FRAME + delay
            for role in roles:
                self.packet(role, n, at)
            self.timeline.advance(at)

    @property
    def audio(self) -> np.ndarray:
        stereo = np.concatenate(self.frames)
        return np.stack([stereo[0::2], stereo[1::2]])

    def channel(self, role: PeerRole, start_s: float, end_s: float) -> np.ndarray:
        side = 0 if role is CAND else 1
        return self.audio[side, round(start_s * SAMPLE_RATE) : round(end_s * SAMPLE_RATE)]


def loud(pcm: np.ndarray) -> bool:
    return bool(len(pcm)) and float(np.sqrt(np.mean(pcm.astype(float) ** 2))) > 1000


def silent(pcm: np.ndarray) -> bool:
    return bool(len(pcm)) and int(np.abs(pcm).max()) == 0


def test_on_time_audio_is_the_call_each_party_on_its_channel() -> None:
    call = Call()
    call.run(0, 150)  # 3 s
    call.timeline.finish(T0 + 3.0)
    assert call.timeline.duration_s == 3.0 and call.audio.shape[1] == 3 * SAMPLE_RATE
    assert call.starts == list(range(0, 3 * SAMPLE_RATE, FRAME_SAMPLES))
    assert loud(call.channel(CAND, 0.1, 2.9)) and loud(call.channel(CLIENT, 0.1, 2.9))
    left = call.channel(CAND, 0.1, 2.9)
    # the candidate's 440 Hz in its place: its first packet arrived (due) 25 ms after the
    # start, so the stream is anchored on the nearest 20 ms frame of the file (20 ms: its
    # packets are then written as they are): sample k of the file is sample k - 960 of the tone
    expected = tone(440.0, 2.8, start=round(0.1 * SAMPLE_RATE) - FRAME_SAMPLES)
    assert np.abs(left.astype(int) - expected.astype(int)).max() <= 1
    assert call.timeline.gaps() == []


def test_a_server_stall_keeps_the_late_audio_in_its_place_and_is_named() -> None:
    """The loop stops 2 s: no tick, no packet handled; then the packets that waited in the
    socket arrive in a burst and the ticks resume. The file has the stalled 2 s of audio
    where they belong and is as long as the call; the stall is one entry, not silent."""
    call = Call()
    call.run(0, 50)  # 1 s
    resumed = T0 + 3.02
    for n in range(50, 151):  # the burst: every packet of the stall, all late
        for role in (CAND, CLIENT):
            call.packet(role, n, resumed + 0.0001 * n)
        if n % 10 == 0:
            call.timeline.advance(resumed + 0.0001 * n)  # ticks run between the packets
    call.run(151, 250)
    call.timeline.finish(T0 + 5.0)
    assert call.timeline.duration_s == 5.0
    (gap,) = call.timeline.gaps()
    assert (gap.role, gap.reason, gap.silent) == ("both", GapReason.SERVER_STALL, False)
    assert 1.0 <= gap.start_s <= 1.03 and 3.0 <= gap.end_s <= 3.05
    for role in (CAND, CLIENT):
        assert loud(call.channel(role, 0.1, 4.9))
        assert not silent(call.channel(role, 1.0, 3.0)[: FRAME_SAMPLES * 2])


def test_a_stall_whose_packets_are_lost_is_silence_named_by_the_stall() -> None:
    call = Call()
    call.run(0, 50)
    call.timeline.advance(T0 + 3.02)  # the stall; its packets never came (the socket dropped)
    call.run(151, 200)
    call.timeline.finish(T0 + 4.0)
    assert call.timeline.duration_s == 4.0
    (gap,) = call.timeline.gaps()
    assert (gap.role, gap.reason, gap.silent) == ("both", GapReason.SERVER_STALL, True)
    assert silent(call.channel(CAND, 1.3, 2.9)) and silent(call.channel(CLIENT, 1.3, 2.9))


def test_300_ms_bursts_make_a_continuous_recording() -> None:
    """The senders' packets come 15 at a time every 300 ms (the first one on time: it
    anchors the stream); the ticks run every 20 ms."""
    call = Call()
    for role in (CAND, CLIENT):
        call.packet(role, 0, T0 + 0.021)
    sent = 1
    for tick in range(1, 201):  # 4 s
        now = T0 + tick * FRAME + 0.001
        if tick % 15 == 0:
            for n in range(sent, tick):
                for role in (CAND, CLIENT):
                    call.packet(role, n, now)
            sent = tick
        call.timeline.advance(now)
    call.timeline.finish(T0 + 4.0)
    assert call.timeline.duration_s == 4.0
    assert call.timeline.gaps() == []
    for role in (CAND, CLIENT):
        audio = call.channel(role, 0.04, 3.7)
        frames = audio[: len(audio) // FRAME_SAMPLES * FRAME_SAMPLES].reshape(-1, FRAME_SAMPLES)
        assert all(loud(f) for f in frames)  # not one silent frame


def test_a_sender_that_stops_leaves_silence_named_no_audio_for_that_party_only() -> None:
    call = Call()
    call.run(0, 50)
    call.run(50, 100, roles=(CLIENT,))  # the candidate sends nothing for 1 s
    call.run(100, 150)  # his timestamps go on as his clock did
    call.timeline.finish(T0 + 3.0)
    (gap,) = call.timeline.gaps()
    assert (gap.role, gap.reason, gap.silent) == ("candidate", GapReason.NO_AUDIO, True)
    assert abs(gap.start_s - 1.0) <= 0.03 and abs(gap.end_s - 2.0) <= 0.03
    assert silent(call.channel(CAND, 1.05, 1.95)) and loud(call.channel(CLIENT, 1.05, 1.95))


def test_a_sender_whose_timestamps_restart_is_anchored_again_where_it_arrives() -> None:
    call = Call()
    call.run(0, 50)
    call.ts0[CAND] = 7  # a new encoder: timestamps from elsewhere, the same stream
    call.run(50, 100)
    call.timeline.finish(T0 + 2.0)
    assert loud(call.channel(CAND, 1.05, 1.95)) and call.timeline.gaps() == []


def test_hold_is_named_and_keeps_the_microphones() -> None:
    call = Call()
    call.run(0, 50)
    call.timeline.open_cause("both", GapReason.HOLD, T0 + 1.0)
    call.run(50, 100)
    call.timeline.close_cause("both", GapReason.HOLD, T0 + 2.0)
    call.run(100, 150)
    call.timeline.finish(T0 + 3.0)
    gaps = call.timeline.gaps()
    assert [(g.role, g.reason, g.start_s, g.end_s, g.silent) for g in gaps] == [
        ("both", GapReason.HOLD, 1.0, 2.0, False)
    ]
    assert call.timeline.causes(GapReason.HOLD) == [(1.0, 2.0)]


def test_a_write_error_is_silent_whatever_arrived() -> None:
    call = Call()
    call.run(0, 100)
    call.timeline.note_loss(0.5, 0.52, GapReason.WRITE_ERROR)
    call.timeline.note_loss(0.52, 0.8, GapReason.WRITE_ERROR)  # contiguous: one entry
    call.timeline.finish(T0 + 2.0)
    assert [(g.role, g.reason, g.start_s, g.end_s, g.silent) for g in call.timeline.gaps()] == [
        ("both", GapReason.WRITE_ERROR, 0.5, 0.8, True)
    ]


def test_a_page_lost_then_reloaded_is_one_entry_from_its_last_packet_to_its_first() -> None:
    call = Call()
    call.run(0, 50)
    call.run(50, 60, roles=(CLIENT,))  # the candidate's page dies at 1.0 s
    call.timeline.open_cause("candidate", GapReason.CONNECTION_LOST, T0 + 1.2)
    call.timeline.open_cause("candidate", GapReason.RECONNECT, T0 + 1.4)  # reloaded
    call.run(60, 70, roles=(CLIENT,))
    call.streams[CAND] = object()  # a new peer: a new stream
    call.timeline.close_cause("candidate", None, T0 + 1.4 + FRAME)
    call.run(70, 100)
    call.timeline.finish(T0 + 2.0)
    (gap,) = call.timeline.gaps()
    assert (gap.role, gap.reason, gap.silent) == ("candidate", GapReason.CONNECTION_LOST, True)
    assert abs(gap.start_s - 1.0) <= 0.03 and abs(gap.end_s - 1.4) <= 0.03


def test_a_tick_late_by_a_little_is_named_only_where_it_cost_audio() -> None:
    call = Call()
    call.run(0, 50)
    stalled_until = T0 + 1.3  # 0.28 s without the loop; its packets waited and come now
    for n in range(50, 64):
        for role in (CAND, CLIENT):
            call.packet(role, n, stalled_until)
    call.timeline.advance(stalled_until)
    call.run(64, 100)
    call.timeline.finish(T0 + 2.0)
    assert call.timeline.gaps() == [] and call.timeline.stats()["server_stalls"] == 1
    assert loud(call.channel(CAND, 1.0, 1.3)) and loud(call.channel(CLIENT, 1.0, 1.3))


def test_a_short_stall_that_cost_audio_names_the_hole_after_the_stall() -> None:
    call = Call()
    call.run(0, 50)
    call.timeline.advance(T0 + 1.3)  # its packets were lost
    call.run(65, 100)
    call.timeline.finish(T0 + 2.0)
    assert [(g.role, g.reason, g.silent) for g in call.timeline.gaps()] == [
        ("candidate", GapReason.SERVER_STALL, True),
        ("client", GapReason.SERVER_STALL, True),
    ]


def test_a_call_answered_during_a_burst_places_its_first_packets_where_they_were_due() -> None:
    """The candidate's packets come 15 at a time every 300 ms, before and during the call;
    the call starts between two bursts. The stream's clock, watched before the call, says
    when each packet was due: the recording starts with his audio, no hole."""
    call = Call()
    clock = StreamClock()
    stream = call.streams[CAND]
    for n in range(-60, 100):  # from 1.2 s before the call
        arrival = T0 + (n // 15 + 1) * 15 * FRAME + 0.002  # each burst when its last is due
        ts = (call.ts0[CAND] + n * FRAME_SAMPLES) & 0xFFFFFFFF
        clock.observe(stream, ts, arrival)
        if arrival > T0:  # the call has started
            pcm = tone(440.0, FRAME, start=n * FRAME_SAMPLES)
            call.timeline.place(CAND, stream, ts, pcm, arrival, clock.on_time(stream, ts))
            call.timeline.advance(arrival)
        due = clock.on_time(stream, ts)
        if n >= -45:  # once a whole burst was seen
            assert due is not None and abs(due - (T0 + (n + 1) * FRAME)) <= 0.003
    call.timeline.finish(T0 + 1.8)
    assert loud(call.channel(CAND, 0.0, 1.7))
    assert [g for g in call.timeline.gaps() if g.role == "candidate"] == []


def test_the_file_writers_own_losses_are_named_disk_full_or_write_error() -> None:
    """The recorder's `write_gaps` (the disk refused the audio; None: to the end) become
    entries: the interface between the timeline and the file writer."""
    from types import SimpleNamespace

    from server.telephony.aiortc_media import note_write_losses

    call = Call()
    call.run(0, 150)
    call.timeline.finish(T0 + 3.0)
    recorder = SimpleNamespace(
        write_gaps=[
            SimpleNamespace(start_s=0.5, end_s=1.0, fault="disk_full"),
            SimpleNamespace(start_s=2.0, end_s=None, fault="write_error"),
        ]
    )
    note_write_losses(call.timeline, recorder)
    assert [(g.role, g.reason, g.start_s, g.end_s, g.silent) for g in call.timeline.gaps()] == [
        ("both", GapReason.DISK_FULL, 0.5, 1.0, True),
        ("both", GapReason.WRITE_ERROR, 2.0, 3.0, True),
    ]


def test_a_frame_that_is_one_whole_packet_is_handed_over_as_that_packet() -> None:
    """The writer gets, per party and frame, the Opus packet whose audio the frame is (so it
    is written as it is), b"" for a frame with nothing of that party, None for anything else
    (audio made here, two packets' parts): those are encoded."""
    call = Call()
    timeline, streams = call.timeline, call.streams
    for n in range(40):
        at = T0 + (n + 1) * FRAME + 0.003  # due 3 ms after its frame: anchored on the frame
        pcm = tone(440.0, FRAME, start=n * FRAME_SAMPLES)
        if n != 20:  # the candidate's packet 20 is lost; a concealment is placed instead
            timeline.place(CAND, streams[CAND], n * FRAME_SAMPLES, pcm, at, None, b"c%d" % n)
        else:
            timeline.place(CAND, streams[CAND], n * FRAME_SAMPLES, pcm // 2, at)
        if n < 30:  # the client stops after 30 packets; from its 10th, its timestamps
            # jumped half a frame: its packets straddle two frames of the file
            ts = (call.ts0[CLIENT] + n * FRAME_SAMPLES + (480 if n >= 10 else 0)) & 0xFFFFFFFF
            timeline.place(CLIENT, streams[CLIENT], ts, pcm, at, None, b"k%d" % n)
        timeline.advance(at)
    timeline.finish(T0 + 41 * FRAME)
    by_frame = dict(zip(call.starts, call.packets, strict=True))
    assert by_frame[5 * FRAME_SAMPLES] == (b"c4", b"k4")  # packet n fills frame n + 1
    assert by_frame[21 * FRAME_SAMPLES][0] is None  # the concealment: encoded
    assert by_frame[22 * FRAME_SAMPLES][0] == b"c21"
    assert by_frame[15 * FRAME_SAMPLES][1] is None  # parts of two packets: encoded
    assert by_frame[35 * FRAME_SAMPLES][1] == b""  # nothing of the client: silence


def test_a_stream_that_starts_with_a_late_burst_is_placed_where_it_was_due() -> None:
    """A party whose stream is new (a page reloaded mid-call, a call answered as it starts
    sending) delivers its first 15 packets at once, 300 ms after the first was due, then on
    time. Its clock learns when they were due within those 300 ms, before any of its audio is
    written: the party's audio sits where it was due (within the file's 20 ms grid), in step
    with the other party's, not 300 ms late for the rest of the call."""
    call = Call()
    clock = StreamClock()
    stream = call.streams[CAND]
    first, burst = 10, 15
    for n in range(0, 150):
        on_time = T0 + (n + 1) * FRAME + 0.005
        call.packet(CLIENT, n, on_time)
        if n >= first + burst - 1:
            arrivals = [on_time] if n > first + burst - 1 else [on_time] * burst
            for k, arrival in zip(range(n - len(arrivals) + 1, n + 1), arrivals, strict=True):
                ts = (call.ts0[CAND] + k * FRAME_SAMPLES) & 0xFFFFFFFF
                clock.observe(stream, ts, arrival)
                pcm = tone(440.0, FRAME, start=k * FRAME_SAMPLES)
                call.timeline.place(CAND, stream, ts, pcm, arrival, clock.on_time(stream, ts))
        call.timeline.advance(on_time)
    call.timeline.finish(T0 + 151 * FRAME)
    audio = call.audio[0]
    first_heard = int(np.flatnonzero(np.abs(audio) > 1000)[0])
    due = (first + 1) * FRAME_SAMPLES  # where the client's packet of the same instant is
    assert abs(first_heard - due) <= FRAME_SAMPLES // 2
    assert loud(call.channel(CAND, (first + 2) * FRAME, 2.9))
