"""A recording's timeline is the call's clock (pure: numpy, no I/O, the time passed in).

Sample 0 of the recording is the instant the call started (monotonic seconds `t0`); sample
`n` is `t0 + n / 48000`. Each party's decoded audio is *placed* by its RTP timestamps: the
first packet of a stream is anchored where it was due (`StreamClock`; else where it arrived;
on the nearest 20 ms frame of the file: within 10 ms, so that the party's 20 ms packets fill
the file's frames one for one and are written as they are), every later one at the anchor
plus its timestamp's advance; while none of a stream is written, its anchor moves earlier
when its clock learns that its first packets came late (a burst at its start).
So a burst of late packets (a sender that sends in bursts, the
server stalled while the packets waited in its socket) lands where it belongs, and a sender
that stopped sending leaves a hole exactly as long as its silence.

The writer is fed by `advance(now)`, called on every media tick: it hands out whole stereo
frames (candidate LEFT, client RIGHT) as soon as both parties' audio fills them, and waits
for a frame with a hole until it is `LATENESS_S` old (the *horizon*); then the hole is
silence. After a stall of the loop the horizon catches up at most
`CATCH_UP` times faster than the loop's own progress, so the packets that waited during the
stall are placed before their place is written. `finish(now)` writes the rest: the file
holds exactly `now - t0` seconds, whatever happened.

Every interval where a party has no audio in the file is named: by its cause when one is
known (`note_cause`: absent, reconnect, connection lost, server stall, hold, failover, write
error…) or as `no_audio` (nothing arrived: a sender or network stall). Each entry is
`{role, reason, start_s, end_s, silent}`; `silent` says whether the file is silent there
(a server stall whose audio was recovered from the late packets is not; hold is not: the
recording keeps both microphones on hold).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Final, TypedDict

import numpy as np

from server.telephony.audio import FRAME_SAMPLES, SAMPLE_RATE, Pcm, stereo
from server.telephony.party_track import PartyTrack
from server.telephony.ports import BOTH, GapReason, MediaGap, PeerRole
from server.telephony.rtp_clock import timestamp_step

LATENESS_S: Final = 1.0  # audio is written this long after its moment: late packets (a
# sender's 300 ms bursts, plus a stall of its own or of the network) fit in
CATCH_UP: Final = 2.0  # after a stall the horizon moves at most twice as fast as the loop
STALL_S: Final = 0.1  # a tick this late: the server was stalled (noted)
REPORT_STALL_S: Final = 0.5  # shorter stalls are named only where they cost audio
MAX_AHEAD_S: Final = 0.5  # a packet placed further ahead of its arrival re-anchors its stream
MIN_GAP_S: Final = 0.1  # shorter holes (a lost packet or two) are not entries
START_GRACE_S: Final = 0.2  # a party's first packet this late after the start: no entry
PARTIES: Final = (PeerRole.CANDIDATE, PeerRole.CLIENT)
UNWRITTEN_MAX: Final = 100  # a stream's first 2 s can move earlier, not more

Packets = tuple[bytes | None, bytes | None]
FrameSink = Callable[[Pcm, int, Packets], None]  # (stereo frame, its first sample, packets)
# Each party's side of a frame, as the file can take it without encoding it again: the Opus
# packet whose decoded audio is exactly that frame (placed whole on the frame's grid, nothing
# else written over it), b"" where nothing of that party is in the frame (silence), None
# otherwise (a lost packet's concealment, parts of two packets, a late packet cut): the
# writer encodes those samples.


@dataclass
class Cause:
    """A known reason for an interval (samples; `end` None while it lasts)."""

    role: str  # "candidate", "client" or "both"
    reason: GapReason
    start: int
    end: int | None
    lost: bool = False  # the audio is not in the file whatever arrived (a write error)


class TimelineStats(TypedDict):
    """The timeline's counters (`RecordingInfo.timeline`, the sidecar's `timeline`)."""

    server_stalls: int
    longest_stall_s: float
    late_audio_s: dict[str, float]  # party -> seconds of audio that came late
    reanchored: dict[str, int]  # party -> times its stream was placed again


class RecordingTimeline:
    """One call's recording timeline. `sink(frame, start_sample)` receives each stereo frame
    in order (the file writer); `on_frame(left, right)` too (the talk analysis)."""

    def __init__(
        self,
        t0: float,
        sink: FrameSink | None = None,
        on_frame: Callable[[Pcm, Pcm], None] | None = None,
    ) -> None:
        self.t0 = t0
        self._sink = sink
        self._on_frame = on_frame
        self._tracks = {role: PartyTrack() for role in PARTIES}
        self.cursor = 0  # samples written
        self._horizon = 0
        self._last_tick = t0
        self._causes: list[Cause] = []
        self._lock = threading.Lock()  # `note_loss` may come from the writer's thread
        self.stalls = 0
        self.longest_stall_s = 0.0
        self._short_stalls: list[tuple[int, int]] = []
        self.finished = False

    # --- the clock ---------------------------------------------------------------------

    def sample_at(self, when: float) -> int:
        return max(0, round((when - self.t0) * SAMPLE_RATE))

    def seconds(self, sample: int) -> float:
        return round(sample / SAMPLE_RATE, 3)

    # --- audio in ----------------------------------------------------------------------

    def place(
        self,
        role: PeerRole,
        stream: object,
        timestamp: int,
        pcm: Pcm,
        arrival: float,
        on_time: float | None = None,
        packet: bytes | None = None,
    ) -> None:
        """Put one decoded packet (`timestamp`: its RTP timestamp, 48 kHz) of `stream` (one
        RTP stream: a peer) on the call's clock; `arrival` is when it arrived (monotonic),
        `on_time` when it was due, if known (`StreamClock`: the stream's least delay);
        `packet`: the Opus packet `pcm` was decoded from (None: audio made here, e.g. a
        concealment). A stream is anchored on the 20 ms frame grid of the recording (the
        nearest frame to where it was due), so that each of its 20 ms packets fills one
        frame of the file exactly and is written as it is, never encoded again."""
        if self.finished or not len(pcm):
            return
        track = self._tracks[role]
        arrived = self.sample_at(arrival)
        due = arrival if on_time is None else min(on_time, arrival)
        if track.stream is not stream:  # a new stream: anchored where it was due
            track.stream, track.last_ts, track.ext = stream, timestamp, 0
            track.anchor = _on_grid(round((due - self.t0) * SAMPLE_RATE))
            track.unwritten = []
        else:
            step = timestamp_step(track.last_ts, timestamp)
            track.last_ts = timestamp
            track.ext += step
            position = track.anchor + track.ext
            late = position < self.cursor and arrived - position > LATENESS_S * SAMPLE_RATE
            if late or position > arrived + MAX_AHEAD_S * SAMPLE_RATE:
                # its place is written already and it is late by more than the writing
                # waits (the sender's timestamps lag its clock), or its timestamps jumped
                # ahead: the stream goes on from where this packet arrived (audio sent before
                # the call started is merely cut)
                track.anchor = max(_on_grid(arrived), self.cursor) - track.ext
                track.reanchors += 1
                track.unwritten = None
            else:
                self._move_earlier(track, due)
        if track.unwritten is not None:
            track.unwritten.append((track.ext, pcm, packet))
        self._write(track, track.anchor + track.ext, pcm, packet)

    def _move_earlier(self, track: PartyTrack, due: float) -> None:
        """A stream's first packets came late in a burst (its clock knew nothing yet): once
        the clock says they were due earlier, and none of them is written, they move there."""
        pending = track.unwritten
        if pending is None:
            return
        if self.cursor > track.anchor + pending[0][0] or len(pending) >= UNWRITTEN_MAX:
            track.unwritten = None  # written from its start (or long enough): it stays
            return
        anchor = max(  # the stream's first packet on the grid, as when it came
            _on_grid(round((due - self.t0) * SAMPLE_RATE) - track.ext),
            self.cursor - pending[0][0],  # nothing before what is written
        )
        if track.anchor - anchor < FRAME_SAMPLES:
            return
        for ext, pcm, _ in pending:  # out of where they were
            track.erase(track.anchor + ext - self.cursor, len(pcm), track.anchor + ext)
        track.anchor = anchor
        for ext, pcm, packet in pending:
            self._write(track, anchor + ext, pcm, packet)

    def _write(
        self, track: PartyTrack, position: int, pcm: Pcm, packet: bytes | None = None
    ) -> None:
        start = position - self.cursor
        if start < 0:
            track.late_samples += min(-start, len(pcm))
            pcm = pcm[-start:]
            start = 0
            packet = None  # cut: not that packet's audio any more
        if not len(pcm):
            return
        track.ensure(start + len(pcm))
        track.buf[start : start + len(pcm)] = pcm
        track.have[start : start + len(pcm)] = True
        at = self.cursor + start
        if track.packets:  # a frame written over is no longer its packet's audio alone
            first = at - at % FRAME_SAMPLES
            for frame in range(first, at + len(pcm), FRAME_SAMPLES):
                track.packets.pop(frame, None)
        if packet is not None and at % FRAME_SAMPLES == 0 and len(pcm) == FRAME_SAMPLES:
            track.packets[at] = packet

    # --- causes ------------------------------------------------------------------------

    def open_cause(self, role: str, reason: GapReason, when: float) -> None:
        """`reason` starts for `role` ("both" for the call) at `when`, unless it is open (a
        party has one open cause at a time: a page lost then reloaded is one entry)."""
        with self._lock:
            if any(
                c.role == role and c.end is None and (c.reason is reason or role != BOTH)
                for c in self._causes
            ):
                return
            self._causes.append(Cause(role, reason, self.sample_at(when), None))

    def close_cause(self, role: str, reason: GapReason | None, when: float) -> None:
        """End the open causes of `role` (of that `reason`, or all of them) at `when`."""
        end = self.sample_at(when)
        with self._lock:
            for cause in self._causes:
                if cause.role == role and cause.end is None and reason in (None, cause.reason):
                    cause.end = max(end, cause.start)

    def note_loss(self, start_s: float, end_s: float, reason: GapReason, role: str = BOTH) -> None:
        """What the file writer could not write (e.g. `write_error`), in seconds of the
        recording; thread-safe. The interval is silent in the file whatever arrived."""
        start = round(start_s * SAMPLE_RATE)
        end = round(end_s * SAMPLE_RATE)
        with self._lock:
            last = self._causes[-1] if self._causes else None
            if (
                last
                and last.lost
                and last.reason is reason
                and last.role == role
                and last.end == start
            ):
                last.end = end  # contiguous with the previous loss: one entry
            else:
                self._causes.append(Cause(role, reason, start, end, lost=True))

    # --- audio out ---------------------------------------------------------------------

    def advance(self, now: float) -> None:
        """A media tick at `now`: write what is older than the horizon."""
        if self.finished:
            return
        dt = now - self._last_tick
        if dt > STALL_S:
            self.stalls += 1
            self.longest_stall_s = max(self.longest_stall_s, round(dt, 3))
            span = (self.sample_at(self._last_tick), self.sample_at(now))
            if dt >= REPORT_STALL_S:
                with self._lock:
                    self._causes.append(Cause(BOTH, GapReason.SERVER_STALL, *span))
            else:  # named only where a party's audio is missing in it
                self._short_stalls.append(span)
        self._last_tick = max(self._last_tick, now)
        allowed = round(min(max(dt, 0.0), STALL_S) * CATCH_UP * SAMPLE_RATE)
        target = min(self.sample_at(now) - round(LATENESS_S * SAMPLE_RATE), self._horizon + allowed)
        self._horizon = max(self._horizon, target)
        self._flush((self._horizon // FRAME_SAMPLES) * FRAME_SAMPLES, self.sample_at(now))

    def finish(self, now: float) -> None:
        """The call ended at `now`: write everything up to it (whole frames)."""
        if self.finished:
            return
        end = round(self.sample_at(now) / FRAME_SAMPLES) * FRAME_SAMPLES
        self._flush(end)
        for role in PARTIES:
            self._close_hole(self._tracks[role], self.cursor)
        with self._lock:
            for cause in self._causes:
                if cause.end is None or cause.end > self.cursor:
                    cause.end = self.cursor
        self.finished = True

    def _flush(self, until: int, complete_until: int = 0) -> None:
        """Write the frames up to `until`, and on up to `complete_until` those that both
        parties' audio fills already (nothing to wait for: the file stays close behind the
        call, and a crash loses little)."""
        while self.cursor + FRAME_SAMPLES <= until or (
            self.cursor + FRAME_SAMPLES <= complete_until and self._complete()
        ):
            channels = []
            packets: list[bytes | None] = []
            for role in PARTIES:
                track = self._tracks[role]
                pcm, placed = track.take(FRAME_SAMPLES)
                packet = track.packets.pop(self.cursor, None) if track.packets else None
                if placed * 2 < FRAME_SAMPLES:  # less than half a frame: a hole
                    if track.silent_from is None:
                        track.silent_from = self.cursor
                else:
                    self._close_hole(track, self.cursor)
                channels.append(pcm)
                packets.append(b"" if placed == 0 else packet if placed == FRAME_SAMPLES else None)
            if self._sink is not None:
                self._sink(stereo(channels[0], channels[1]), self.cursor, (packets[0], packets[1]))
            if self._on_frame is not None:
                self._on_frame(channels[0], channels[1])
            self.cursor += FRAME_SAMPLES

    def _complete(self) -> bool:
        for track in self._tracks.values():
            if track.size < FRAME_SAMPLES:
                return False
            if np.count_nonzero(track.have[:FRAME_SAMPLES]) < FRAME_SAMPLES:
                return False
        return True

    def _close_hole(self, track: PartyTrack, at: int) -> None:
        if track.silent_from is not None:
            start_up = track.silent_from == 0 and at < START_GRACE_S * SAMPLE_RATE  # the first
            if at - track.silent_from >= MIN_GAP_S * SAMPLE_RATE and not start_up:  # packet's way
                track.holes.append((track.silent_from, at))
            track.silent_from = None

    # --- what the sidecar says -----------------------------------------------------------

    @property
    def duration_s(self) -> float:
        return self.seconds(self.cursor)

    def causes(self, reason: GapReason) -> list[tuple[float, float]]:
        """(start_s, end_s) of each interval of `reason` (hold, …), ended ones only."""
        with self._lock:
            return [
                (self.seconds(c.start), self.seconds(c.end))
                for c in self._causes
                if c.reason is reason and c.end is not None
            ]

    def gaps(self) -> list[MediaGap]:
        """Every named interval, in order of start (see the module's docstring). A hole in a
        party's audio that touches a cause of silence (its own or the call's: not hold) is
        that cause's, which widens to cover it: a page reloading is one `reconnect` from its
        last packet to its first one again; the rest of a hole is `no_audio`."""
        with self._lock:
            causes = [replace(c) for c in self._causes]
        spans = {id(c): [c.start, self.cursor if c.end is None else c.end] for c in causes}
        for role in PARTIES:
            mine = [c for c in causes if c.role in (role.value, BOTH)]
            for hole in self._tracks[role].holes:
                silencing = [
                    c
                    for c in mine
                    if c.reason is not GapReason.HOLD and _overlap(spans[id(c)], hole)
                ]
                if silencing and silencing[0].role == role.value:
                    span = spans[id(silencing[0])]
                    span[0], span[1] = min(span[0], hole[0]), max(span[1], hole[1])
        out: list[MediaGap] = []
        for cause in causes:
            start, end = spans[id(cause)]
            silent = cause.lost or self._silent_share(cause.role, start, end) >= 0.5
            out.append(
                MediaGap(cause.role, cause.reason, self.seconds(start), self.seconds(end), silent)
            )
        for role in PARTIES:
            explained = [
                (spans[id(c)][0], spans[id(c)][1]) for c in causes if c.role in (role.value, BOTH)
            ]
            for hole in self._tracks[role].holes:
                for a, b in _subtract(hole, explained):
                    if b - a >= MIN_GAP_S * SAMPLE_RATE:
                        stalled = any(_overlap([s, e], (a, b)) for s, e in self._short_stalls)
                        reason = GapReason.SERVER_STALL if stalled else GapReason.NO_AUDIO
                        out.append(
                            MediaGap(role.value, reason, self.seconds(a), self.seconds(b), True)
                        )
        out.sort(key=lambda g: (g.start_s, g.role))
        return out

    def _silent_share(self, role: str, start: int, end: int) -> float:
        if end <= start:
            return 0.0
        roles = PARTIES if role == BOTH else (PeerRole(role),)
        shares = []
        for r in roles:
            holes = list(self._tracks[r].holes)
            track = self._tracks[r]
            if track.silent_from is not None:
                holes.append((track.silent_from, self.cursor))
            silent = sum(max(0, min(end, b) - max(start, a)) for a, b in holes)
            shares.append(silent / (end - start))
        return min(shares)  # the call's interval is silent when nobody is heard

    def stats(self) -> TimelineStats:
        return {
            "server_stalls": self.stalls,
            "longest_stall_s": self.longest_stall_s,
            "late_audio_s": {r.value: self.seconds(self._tracks[r].late_samples) for r in PARTIES},
            "reanchored": {r.value: self._tracks[r].reanchors for r in PARTIES},
        }


def _on_grid(sample: int) -> int:
    """The nearest start of a 20 ms frame of the recording."""
    return round(sample / FRAME_SAMPLES) * FRAME_SAMPLES


def _overlap(span: list[int], hole: tuple[int, int]) -> bool:
    """Do they overlap or touch (a hole that ends where the cause starts is the cause's)?"""
    return span[0] <= hole[1] and hole[0] <= span[1]


def _subtract(span: tuple[int, int], cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`span` less every interval of `cuts`."""
    pieces = [span]
    for a, b in cuts:
        next_pieces = []
        for s, e in pieces:
            if b <= s or a >= e:
                next_pieces.append((s, e))
                continue
            if a > s:
                next_pieces.append((s, a))
            if b < e:
                next_pieces.append((b, e))
        pieces = next_pieces
    return pieces
