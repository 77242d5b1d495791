"""The mix's jitter buffer: played in RTP order, a burst played in full, a stall waited for,
a lost frame concealed and skipped, the delay brought back to its target in quiet frames,
speech never shed, everything bounded."""

from __future__ import annotations

import numpy as np
import pytest

from server.telephony.audio import FRAME_SAMPLES, SAMPLE_RATE
from server.telephony.jitter_buffer import (
    MAX_TARGET_FRAMES,
    MAX_WAIT_FRAMES,
    MIN_TARGET_FRAMES,
    PlayoutBuffer,
)

FRAME_S = FRAME_SAMPLES / SAMPLE_RATE
LOUD = 8000  # -12 dBFS: speech, a click
QUIET = 200  # -44 dBFS: a pause


def frame(index: int, level: int = LOUD) -> np.ndarray:
    """A frame whose first sample says which one it is (index + 1, times the sign)."""
    out = np.full(FRAME_SAMPLES, level, dtype=np.int16)
    out[0] = index + 1
    return out


def which(played: np.ndarray) -> int | None:
    """The index of the frame played, None for silence or concealment."""
    if played[1] in (LOUD, QUIET):
        return int(played[0]) - 1
    return None


def ts(index: int, base: int = 4_000_000_000) -> int:
    return (base + index * FRAME_SAMPLES) & 0xFFFFFFFF  # crosses the 32-bit wrap


def test_frames_arriving_on_time_are_played_in_order_across_the_timestamp_wrap() -> None:
    buffer, heard = PlayoutBuffer(), []
    for i in range(400):
        assert buffer.push(ts(i), frame(i), arrival=i * FRAME_S)
        heard.append(which(buffer.take_frame()))
    assert heard[0] is None  # a stream starts once its target (a frame) is queued behind it
    assert heard[1:] == list(range(399))
    assert buffer.stats.stalls == buffer.stats.lost == buffer.stats.shed == 0


def test_a_300_ms_burst_loses_nothing_and_the_delay_comes_back_to_its_target() -> None:
    """The sender stalls 300 ms, then sends the 15 frames at once: every frame is played, the
    buffer waited meanwhile, and once the audio is quiet the extra delay is shed."""
    buffer, heard, now, i = PlayoutBuffer(), [], 0.0, 0

    def tick() -> None:
        heard.append(which(buffer.take_frame()))

    for _ in range(50):  # one second in time
        buffer.push(ts(i), frame(i), now)
        i, now = i + 1, now + FRAME_S
        tick()
    held = []
    for _ in range(15):  # 300 ms held by the network: the ticks find nothing
        held.append(i)
        i, now = i + 1, now + FRAME_S
        tick()
    for k in held:  # released at once
        buffer.push(ts(k), frame(k), now)
    assert buffer.depth_samples >= 14 * FRAME_SAMPLES
    for _ in range(200):  # four more seconds of quiet audio on time
        buffer.push(ts(i), frame(i, QUIET), now)
        i, now = i + 1, now + FRAME_S
        tick()
    stats = buffer.stats
    played = [h for h in heard if h is not None]  # frames played as they came (not squeezed)
    assert played[:50] == list(range(50))
    assert stats.stalls >= 14 and stats.lost == stats.late == stats.overflow == 0
    assert stats.shed > 0
    assert buffer.depth_samples <= buffer.target_samples + FRAME_SAMPLES  # back to its target
    # nothing of the burst was lost: every sample was played (as it came, or 5 % faster),
    # shed in a quiet stretch, or is still queued
    assert stats.samples + stats.shed_samples + buffer.depth_samples == i * FRAME_SAMPLES


def test_speech_at_the_end_of_a_burst_is_heard_at_once_the_quiet_before_it_shed() -> None:
    """A Wi-Fi workstation: a pause, the network holds 300 ms, then releases it at once, and
    the last frames of the burst are speech again. The quiet backlog ahead of the speech is
    extra delay: shed at once (not a few frames per tick), so the speech is heard within the
    target of its arrival instead of after the whole backlog (benchmarks: mix p95 under the
    `wifi` profile)."""
    buffer, now, i = PlayoutBuffer(), 0.0, 0
    for _ in range(50):  # a second of pause, on time
        buffer.push(ts(i), frame(i, QUIET), now)
        i, now = i + 1, now + FRAME_S
        buffer.take_frame()
    burst = list(range(i, i + 15))
    for _ in burst:  # held by the network: the ticks find nothing
        now += FRAME_S
        buffer.take_frame()
    speech = burst[-3:]  # the talker starts again 240 ms into the hold
    for k in burst:
        buffer.push(ts(k), frame(k, LOUD if k in speech else QUIET), now)
    i = burst[-1] + 1
    ticks_until_speech = None
    for tick in range(1, 20):
        buffer.push(ts(i), frame(i, LOUD), now)
        i, now = i + 1, now + FRAME_S
        if which(buffer.take_frame()) == speech[0]:
            ticks_until_speech = tick
            break
    assert ticks_until_speech is not None
    target_ticks = buffer.target_samples // FRAME_SAMPLES
    assert ticks_until_speech <= target_ticks + 2, (ticks_until_speech, target_ticks)
    assert buffer.stats.lost == buffer.stats.late == buffer.stats.overflow == 0


@pytest.mark.parametrize("level", [QUIET, LOUD])
def test_a_frame_of_delay_left_within_the_slack_is_given_back(level: int) -> None:
    """A frame more than the target stays queued — within the slack, so no shedding at once —
    and the audio goes on on time: within a second the buffer brings it back to its
    target (a quiet frame shed, or loud audio played 5 % faster), instead of keeping 20 ms more
    in the observer's delay for the rest of the call (a step seen in real browsers after a
    hold)."""
    buffer, now = PlayoutBuffer(), 0.0
    buffer.push(ts(0), frame(0, level), now)
    buffer.push(ts(1), frame(1, level), now)
    for i in range(2, 502):  # ten seconds on time
        buffer.push(ts(i), frame(i, level), now)
        buffer.take_frame()
        now += FRAME_S
        if i == 2:
            assert buffer.depth_samples == 2 * FRAME_SAMPLES > buffer.target_samples
    assert buffer.depth_samples <= buffer.target_samples
    stats = buffer.stats
    assert stats.lost == stats.late == stats.overflow == stats.stalls == 0
    assert (stats.shed if level == QUIET else stats.squeezed) > 0


def test_loud_audio_is_never_shed_but_played_a_little_faster_until_the_delay_is_back() -> None:
    """400 ms queued at once, then a continuous loud sound on time: no frame is left out; the
    extra delay is played 5 % faster (21 ms per tick) until the buffer is back at its target."""
    buffer, now, i = PlayoutBuffer(), 0.0, 0
    for _ in range(20):
        buffer.push(ts(i), frame(i), now)
        i += 1
    levels = []
    for _ in range(500):  # ten seconds
        buffer.push(ts(i), frame(i), now)
        i, now = i + 1, now + FRAME_S
        levels.append(int(np.median(buffer.take_frame())))
    stats = buffer.stats
    assert stats.shed == stats.lost == stats.late == stats.overflow == 0
    assert stats.squeezed >= (380 * 48) // (48 * 20)  # ~380 ms won back, 1 ms per tick
    assert buffer.depth_samples <= buffer.target_samples + FRAME_SAMPLES
    assert set(levels) == {LOUD}  # the sound itself, never a silence or a concealment


def test_a_lost_frame_is_concealed_at_half_level_and_skipped() -> None:
    buffer = PlayoutBuffer()
    buffer.push(ts(0), frame(0), 0.0)
    assert which(buffer.take_frame()) is None  # not started: its target is not queued yet
    buffer.push(ts(2), frame(2), 2 * FRAME_S)  # frame 1 never comes
    assert which(buffer.take_frame()) == 0
    concealed = buffer.take_frame()
    assert which(concealed) is None and int(concealed[5]) == LOUD // 2
    assert which(buffer.take_frame()) == 2
    assert buffer.stats.lost == 1 and buffer.stats.stalls == 0


def test_a_frame_arriving_after_its_turn_is_refused_and_counted() -> None:
    buffer = PlayoutBuffer()
    buffer.push(ts(0), frame(0), 0.0)
    buffer.push(ts(2), frame(2), 0.04)
    buffer.take_frame()
    buffer.take_frame()  # frame 1 concealed
    assert not buffer.push(ts(1), frame(1), 0.05)
    assert buffer.stats.late == 1


def test_a_long_stall_starts_afresh_from_the_newest_audio() -> None:
    buffer = PlayoutBuffer()
    buffer.push(ts(0), frame(0), 0.0)
    buffer.push(ts(1), frame(1), 0.0)
    assert which(buffer.take_frame()) == 0
    assert which(buffer.take_frame()) == 1
    for _ in range(MAX_WAIT_FRAMES + 1):
        assert which(buffer.take_frame()) is None
    assert buffer.stats.restarts == 1
    for k in range(1, 200):  # three seconds of stale audio arrive at once
        buffer.push(ts(k), frame(k), 3.0)
    assert buffer.depth_samples <= buffer.target_samples + FRAME_SAMPLES
    assert which(buffer.take_frame()) is not None


def test_the_target_follows_the_jitter_between_20_and_200_ms() -> None:
    rng = np.random.default_rng(7)
    steady, lan, wild = PlayoutBuffer(), PlayoutBuffer(), PlayoutBuffer()
    for i in range(500):
        steady.push(ts(i), frame(i), i * FRAME_S)
        lan.push(ts(i), frame(i), i * FRAME_S + rng.uniform(0, 0.010))
        wild.push(ts(i), frame(i), i * FRAME_S + rng.uniform(0, 2.0))
    assert steady.target_samples == MIN_TARGET_FRAMES * FRAME_SAMPLES
    assert lan.target_samples <= 2 * FRAME_SAMPLES
    assert wild.target_samples == MAX_TARGET_FRAMES * FRAME_SAMPLES


def test_what_is_queued_is_bounded() -> None:
    buffer = PlayoutBuffer()
    for i in range(1000):  # 20 s arriving at once, never played
        buffer.push(ts(i), frame(i), 0.0)
    assert buffer.depth_samples <= 100 * FRAME_SAMPLES
    assert buffer.stats.overflow > 0


def test_quiet_is_measured_against_the_recent_loudest_frame() -> None:
    """A loud hum between louder words (an automatic gain control raised the background above
    -30 dBFS) is still a pause: the extra delay is shed in it, never in the words."""
    hum, word = 2000, 20000  # -24 dBFS and -4 dBFS
    buffer, now, i, heard = PlayoutBuffer(), 0.0, 0, []
    for _ in range(25):  # 500 ms arrive at once: the extra delay
        buffer.push(ts(i), frame(i, word if i % 10 == 0 else hum), now)
        i += 1
    for _ in range(150):
        buffer.push(ts(i), frame(i, word if i % 10 == 0 else hum), now)
        i, now = i + 1, now + FRAME_S
        out = buffer.take_frame()
        heard.append((int(out[0]) - 1, int(out[1])))
    assert buffer.stats.shed > 0
    assert buffer.depth_samples <= buffer.target_samples + FRAME_SAMPLES
    words = [k for k, level in heard if level == word]
    assert words == [k for k in range(words[-1] + 1) if k % 10 == 0]  # no word shed


LATE = 100  # the frame that is 45 ms late, two seconds into the stream
HOLD_FRAMES = 75  # a hold of 1.5 s


def _delays_around_one_late_frame(
    level: int, hold_first: bool
) -> tuple[dict[int, tuple[float, float]], list[tuple[float, int]]]:
    """Frames sent every 20 ms arriving 10 ms before a tick, one of them 45 ms late (a Wi-Fi
    hiccup, holding the two behind it): for each frame played, its arrival and how long it
    waited between its arrival and the tick that played it; and the depth left queued after
    each tick (which also sees the ticks that play a frame 5 % faster). With `hold_first`, the
    stream starts by a hold: a second and a half of nothing after its first second, then new
    audio (what a hold/resume does to the observer's mix); the late frame is then two seconds
    after the resume."""
    buffer = PlayoutBuffer()
    resume = 50 if hold_first else 0
    shift = HOLD_FRAMES if hold_first else 0  # the hold's timestamps
    pending: list[tuple[float, int]] = []
    released = 0.0
    for i in range(400):
        sent = i * FRAME_S + 0.010 + (shift * FRAME_S if hold_first and i >= resume else 0.0)
        # the network is a FIFO: the frames behind the late one wait for it
        released = max(released, sent + (0.045 if i == LATE + resume else 0.0))
        pending.append((released, i))
    arrivals: dict[int, float] = {}
    delays: dict[int, tuple[float, float]] = {}
    depths: list[tuple[float, int]] = []
    for tick in range(round(10.0 / FRAME_S)):
        now = tick * FRAME_S
        while pending and pending[0][0] <= now:
            arrival, i = pending.pop(0)
            arrivals[i] = arrival
            buffer.push(ts(i + (shift if i >= resume else 0)), frame(i, level), arrival)
        index = which(buffer.take_frame())  # a squeezed frame starting mid-frame: not one
        if index in arrivals and index not in delays:
            delays[index] = (arrivals[index], now - arrivals[index])
        depths.append((now, buffer.depth_samples))
    return delays, depths


@pytest.mark.parametrize("hold_first", [False, True], ids=["new stream", "after a hold"])
@pytest.mark.parametrize("level", [QUIET, LOUD], ids=["pauses", "continuous"])
def test_one_late_frame_does_not_leave_its_delay_in_the_mix(level: int, hold_first: bool) -> None:
    """The real-browser creep of the observer's mix (+20 ms at each step, never given back): a
    stream played from its very first frame runs *below* its target, so the first frame a little
    late makes the tick wait once, and from then on the buffer holds its target — not above it,
    so nothing brings it back. A stream (new, or resumed after a hold) starts once its target is
    queued: a late frame within the target is absorbed, one beyond it is waited for, and the
    delay is back to its baseline within a second (issue 20: "returns to its baseline within
    a second")."""
    delays, depths = _delays_around_one_late_frame(level, hold_first)
    start = 50 if hold_first else 0
    late_arrival = delays[LATE + start][0]
    first = [delays[i][1] for i in range(start + 5, start + 50) if i in delays]
    after = [d for i, (arrival, d) in delays.items() if arrival >= late_arrival + 1.0]
    assert len(first) >= 40 and len(after) >= 100
    baseline = float(np.median(first))
    assert max(after) <= baseline + 0.001, (baseline, sorted(after)[-5:])
    queued = [depth for now, depth in depths if late_arrival + 1.0 <= now <= 7.5]
    assert max(queued) <= FRAME_SAMPLES  # the target: nothing more queued a second after
