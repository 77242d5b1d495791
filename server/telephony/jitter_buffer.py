"""One party's audio for the observer's live mix: a jitter buffer keyed on RTP timestamps
(pure: numpy, no clock of its own — the arrival instants are passed in, the tick calls
`take_frame` every 20 ms).

- Decoded audio is stored at its RTP timestamp; the tick plays it in timestamp order, one
  20 ms frame at a time. Nothing that arrives before its turn is dropped: a burst (a sender
  that stalled, then sent 300 ms at once) is played in full.
- When the frame due has not arrived and **nothing newer has** either, the sender (or the
  network) is stalled: the buffer conceals (the last frame at half level, then silence) and
  **waits** — the frame due stays due, the delay grows by the stall. When a newer frame is
  there, the frame due was lost: it is concealed and skipped.
- A stream (new, or after a long stall) starts once its target is queued behind its first
  frame, as any jitter buffer prefetches: played from its very first frame it would run below
  its target, and the first frame a little late would make it wait once and stay a frame
  deeper for the rest of the call (the mix's delay rising a step at a time in real browsers).
- The target delay adapts to the arrival jitter (RFC 3550's estimator, twice it, rounded up
  to whole frames, between 20 and 200 ms). Audio more than one frame above the target is
  extra delay (left by a stall or a burst): it is shed at once, up to `MAX_SHED_PER_TICK`
  frames per tick (so that speech at the end of a burst is heard within the target of its
  arrival, not after the backlog), and only frames that are quiet (RMS under -30 dBFS,
  or 18 dB under the loudest frame of the last second or so: pauses, breath, background) —
  speech and the benchmarks' clicks are never shed. When nothing is quiet (a continuous
  sound) for `SQUEEZE_WINDOW` ticks, the extra delay is played 5 % faster instead (21 ms of
  audio per 20 ms tick, 50 ms won back per second; nothing left out, a little higher in pitch
  meanwhile). So the delay
  comes back to its target after a burst or a stall instead of carrying the backlog.
- A delay left within the slack (a frame above the target, after a jitter that went away) is
  brought down to the target too, once it has lasted `SETTLE_TICKS` (0.5 s; a loud sound
  played 5 % faster gives a frame back in 0.4 s more): the delay returns to its baseline
  within a second instead of keeping each step.
- The media loop's own stalls are not the sender's: the ticks it missed (`skip`) leave a gap
  in the observer's stream, and the audio due at those ticks is not played after it (else
  each stall of the server would add its length to the mix's delay).
- Bounded: a stall longer than `MAX_WAIT_FRAMES` starts the buffer afresh at the newest audio
  minus the target (the observer listens live; the recording, placed by its own timeline,
  keeps everything); more than `MAX_DEPTH_FRAMES` queued (a clock running fast) drops the
  oldest, counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np

from server.telephony.audio import FRAME_SAMPLES, SAMPLE_RATE, SILENCE, Pcm
from server.telephony.rtp_clock import timestamp_step

MIN_TARGET_FRAMES: Final = 1  # 20 ms
JITTER_FACTOR: Final = 2.0  # the target: this many times the arrival jitter, in whole frames
SLACK_SAMPLES: Final = FRAME_SAMPLES  # queued beyond the target before it counts as extra
SETTLE_TICKS: Final = 25  # 0.5 s above the target, within the slack: brought down to it too
MAX_TARGET_FRAMES: Final = 10  # 200 ms
MAX_WAIT_FRAMES: Final = 50  # a stall of 1 s: start afresh
MAX_DEPTH_FRAMES: Final = 100  # 2 s queued: the oldest goes
EXCESS_WINDOW: Final = 1  # a tick above the target: a burst, or audio that waited for a stall
SQUEEZE_WINDOW: Final = 3  # ticks (60 ms) above the target before loud audio is played faster
MAX_SHED_PER_TICK: Final = MAX_TARGET_FRAMES  # a quiet backlog goes at once (200 ms a tick)
SQUEEZE_SAMPLES: Final = 48  # no quiet frame to shed: 21 ms played per tick, 50 ms/s back
QUIET_RMS: Final = 32768 * 10 ** (-30 / 20)  # -30 dBFS: quiet whatever came before
QUIET_BELOW_PEAK: Final = 10 ** (-18 / 20)  # or 18 dB under the recent loudest frame
PEAK_DECAY: Final = 0.5 ** (1 / 50)  # that loudest frame's level halves every second
MAX_CONCEALED_FRAMES: Final = 2  # the last frame at half level, then silence


@dataclass
class BufferStats:
    played: int = 0  # frames of audio played
    samples: int = 0  # samples of audio that arrived and were played (squeezed or not)
    shed_samples: int = 0  # samples of audio shed (quiet)
    late: int = 0  # frames that arrived after their turn (refused)
    lost: int = 0  # frames concealed because a newer one was there (a lost packet)
    stalls: int = 0  # ticks that waited for a stalled sender
    shed: int = 0  # quiet frames skipped to bring the delay back to its target
    squeezed: int = 0  # ticks that played 21 ms of audio in 20 (no quiet frame to shed)
    restarts: int = 0  # stalls longer than MAX_WAIT_FRAMES
    overflow: int = 0  # frames dropped past MAX_DEPTH_FRAMES
    skipped: int = 0  # frames whose tick the media loop missed (not played late after it)
    skipped_samples: int = 0


_SQUEEZE_AT = np.linspace(0, FRAME_SAMPLES + SQUEEZE_SAMPLES - 1, FRAME_SAMPLES)
_SQUEEZE_FROM = np.arange(FRAME_SAMPLES + SQUEEZE_SAMPLES)


def _squeezed(pcm: Pcm) -> Pcm:
    """21 ms of audio played in 20 (5 % faster, a little higher: nothing is left out)."""
    return np.interp(_SQUEEZE_AT, _SQUEEZE_FROM, pcm).astype(np.int16)


def _rms(pcm: Pcm) -> float:
    wide = pcm.astype(np.int64)
    return math.sqrt(int(np.dot(wide, wide)) / len(pcm)) if len(pcm) else 0.0


class PlayoutBuffer:
    def __init__(self) -> None:
        self.stats = BufferStats()
        self.jitter_s = 0.0
        self._peak = 0.0  # the recent loudest frame's RMS (what "quiet" is measured against)
        self.clear()

    def clear(self) -> None:
        """A new stream (another peer, a new call): nothing of the old one is played."""
        self._chunks: dict[int, Pcm] = {}  # extended RTP timestamp -> decoded audio
        self._next: int | None = None  # the timestamp due; None: waiting for audio to start
        self._end = 0  # one past the newest audio stored
        self._last_ts: int | None = None  # the last RTP timestamp seen (to extend it)
        self._ext = 0
        self._prev_transit: float | None = None
        self._last_pcm: Pcm | None = None
        self._concealing = 0
        self._waiting = 0
        self._excess_ticks = 0
        self._above_ticks = 0  # ticks in a row above the target (within the slack or not)
        self._restarted = False  # after a long stall: start at the newest audio

    # --- in -----------------------------------------------------------------------------

    def push(self, timestamp: int, pcm: Pcm, arrival: float) -> bool:
        """Store `pcm` decoded from the packet of RTP `timestamp`, arrived at `arrival`
        (seconds). False when its turn has passed (it is counted as late)."""
        if self._last_ts is None:
            self._ext = 0
        else:
            self._ext += timestamp_step(self._last_ts, timestamp)
        self._last_ts = timestamp
        transit = arrival - self._ext / SAMPLE_RATE
        if self._prev_transit is not None:
            self.jitter_s += (abs(transit - self._prev_transit) - self.jitter_s) / 16
        self._prev_transit = transit
        if not len(pcm):
            return True
        if self._next is not None and self._ext < self._next:
            self.stats.late += 1
            return False
        self._chunks[self._ext] = pcm
        self._peak = max(_rms(pcm), self._peak * PEAK_DECAY)
        self._end = max(self._end, self._ext + len(pcm))
        self._bound()
        return True

    # --- out ----------------------------------------------------------------------------

    @property
    def target_samples(self) -> int:
        frames = math.ceil(JITTER_FACTOR * self.jitter_s * SAMPLE_RATE / FRAME_SAMPLES)
        return max(MIN_TARGET_FRAMES, min(MAX_TARGET_FRAMES, frames)) * FRAME_SAMPLES

    @property
    def depth_samples(self) -> int:
        """Audio queued ahead of the frame due (the mix's delay, beyond the tick)."""
        return 0 if self._next is None else max(0, self._end - self._next)

    def take_frame(self) -> Pcm:
        """The next 20 ms of this party's audio for the mix (silence when there is none)."""
        if self._next is None:
            if not self._chunks or self._end - min(self._chunks) < self._start_samples:
                return SILENCE  # a stream starts once its target is queued
            self._start()
        assert self._next is not None
        count = FRAME_SAMPLES + (SQUEEZE_SAMPLES if self._must_squeeze() else 0)
        parts: list[Pcm] = []
        heard = True  # every sample of the frame is audio that arrived
        need = count
        while need > 0:
            chunk = self._chunks.pop(self._next, None)
            if chunk is not None:
                piece = chunk[:need]
                if len(chunk) > need:
                    self._chunks[self._next + need] = chunk[need:]
                parts.append(piece)
                self.stats.samples += len(piece)
                self._next += len(piece)
                need -= len(piece)
                self._waiting = self._concealing = 0
                continue
            newer = [start for start in self._chunks if start > self._next]
            if newer:  # the audio due was lost: conceal it and move on
                span = min(need, min(newer) - self._next)
                parts.append(self._conceal(span))
                heard = False
                self._next += span
                need -= span
                self.stats.lost += 1
                continue
            # nothing due, nothing newer: the sender is stalled — wait for it
            parts.append(self._conceal(need))
            need, heard = 0, False
            self.stats.stalls += 1
            self._waiting += 1
            if self._waiting > MAX_WAIT_FRAMES:
                self._next = None  # start afresh with the next audio that arrives
                self._restarted = True
                self.stats.restarts += 1
                return self._joined(parts, count)[:FRAME_SAMPLES]
        frame = self._joined(parts, count)
        if count != FRAME_SAMPLES:
            frame = _squeezed(frame)
            self.stats.squeezed += 1
        if heard:
            self.stats.played += 1
            self._last_pcm = frame
        self._shed_excess()
        return frame

    def skip(self, frames: int) -> None:
        """The media loop missed `frames` ticks (it stalled): the observer's stream has a gap
        there, and the audio of those ticks is not played late after it — up to what is
        queued beyond the target, so a sender that is itself late is still waited for."""
        if self._next is None:
            return
        for _ in range(frames):
            if self.depth_samples <= self.target_samples:
                return
            chunk = self._chunks.pop(self._next, None)
            if chunk is None:  # lost, or not there yet: the tick conceals or waits
                return
            self._next += len(chunk)
            self.stats.skipped += 1
            self.stats.skipped_samples += len(chunk)

    # --- inside -------------------------------------------------------------------------

    @property
    def _start_samples(self) -> int:
        """Queued before a stream (new, or after a long stall) starts: its first frame and
        the target behind it. Played from its very first frame, a stream would run below its
        target, and the first frame a little late would make the tick wait once and leave
        the buffer at its target — a step in the delay that nothing gives back."""
        return self.target_samples + FRAME_SAMPLES

    def _start(self) -> None:
        """Play from the stream's first audio or, after a long stall, from the newest minus
        the target (what arrived before it is stale for a live listener)."""
        first = min(self._chunks)
        if self._restarted:
            first = max(first, self._end - self._start_samples)
        self._next = first
        for start in [s for s in self._chunks if s + len(self._chunks[s]) <= self._next]:
            del self._chunks[start]
        self._waiting = self._excess_ticks = self._above_ticks = 0

    def _bound(self) -> None:
        limit = MAX_DEPTH_FRAMES * FRAME_SAMPLES
        while self._chunks and self._end - (self._next or min(self._chunks)) > limit:
            oldest = min(self._chunks)
            chunk = self._chunks.pop(oldest)
            if self._next is not None:
                self._next = max(self._next, oldest + len(chunk))
            self.stats.overflow += 1

    def _shed_excess(self) -> None:
        if self._next is None or self.depth_samples <= self.target_samples:
            self._excess_ticks = self._above_ticks = 0
            return
        self._above_ticks += 1
        if self.depth_samples <= self._allowed_samples:
            self._excess_ticks = 0
            return
        self._excess_ticks += 1
        if self._excess_ticks < EXCESS_WINDOW:
            return
        for _ in range(MAX_SHED_PER_TICK):
            chunk = self._chunks.get(self._next)
            if chunk is None or not self._quiet(chunk):
                return
            del self._chunks[self._next]
            self._next += len(chunk)  # a frame, or what a squeezed tick left of one
            self.stats.shed += 1
            self.stats.shed_samples += len(chunk)
            if self.depth_samples <= self._allowed_samples:
                return

    @property
    def _allowed_samples(self) -> int:
        """The depth left alone: the target and a frame of slack (so that a frame a little
        late does not make it shed then wait), or the target itself once the buffer has
        stayed above it for `SETTLE_TICKS` (a jitter that went away: else the frame of slack
        it left would stay in the observer's delay for the rest of the call)."""
        settling = self._above_ticks >= SETTLE_TICKS
        return self.target_samples + (0 if settling else SLACK_SAMPLES)

    def _must_squeeze(self) -> bool:
        """Extra delay, and the next frame is not quiet (a quiet one will be shed instead):
        play 21 ms in this 20 ms."""
        if self._excess_ticks < SQUEEZE_WINDOW:
            return False
        chunk = self._chunks.get(self._next) if self._next is not None else None
        return chunk is not None and not self._quiet(chunk)

    def _quiet(self, pcm: Pcm) -> bool:
        level = _rms(pcm)
        return level < QUIET_RMS or level < self._peak * QUIET_BELOW_PEAK

    def _conceal(self, samples: int) -> Pcm:
        last = self._last_pcm
        if last is None or self._concealing >= MAX_CONCEALED_FRAMES:
            return np.zeros(samples, dtype=np.int16)
        self._concealing += 1
        self._last_pcm = (last // 2).astype(np.int16)
        out = self._last_pcm[:samples]
        if len(out) < samples:
            out = np.concatenate([out, np.zeros(samples - len(out), dtype=np.int16)])
        return out

    @staticmethod
    def _joined(parts: list[Pcm], count: int) -> Pcm:
        out = parts[0] if len(parts) == 1 else np.concatenate(parts)
        if len(out) < count:
            out = np.concatenate([out, np.zeros(count - len(out), dtype=np.int16)])
        return out
