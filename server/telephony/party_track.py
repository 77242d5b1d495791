"""One party's audio placed on a recording's timeline, from the writer's cursor on (pure):
the samples, which of them were placed, the party's RTP anchor, its packets that are whole
frames of the file, and the holes written (`timeline.RecordingTimeline` keeps two)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from server.telephony.audio import FRAME_SAMPLES, Pcm


@dataclass
class PartyTrack:
    """One party's placed audio from the cursor on, and its RTP anchor."""

    stream: object = None
    anchor: int = 0  # recording sample of the stream's extended timestamp 0
    last_ts: int = 0
    ext: int = 0  # extended (unwrapped) timestamp of the last packet, from the first one
    buf: Pcm = field(default_factory=lambda: np.zeros(0, dtype=np.int16))
    have: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    size: int = 0  # samples in use from the cursor
    late_samples: int = 0  # arrived after their place was written
    reanchors: int = 0
    silent_from: int | None = None  # the hole being written, from this sample
    holes: list[tuple[int, int]] = field(default_factory=list)  # written silence (≥ MIN_GAP)
    packets: dict[int, bytes] = field(default_factory=dict)  # frame start -> its one packet
    # the stream's placements while none of them is written: (ext, pcm, packet), moved
    # together when its clock learns that they were due earlier than its first one arrived
    unwritten: list[tuple[int, Pcm, bytes | None]] | None = None

    def ensure(self, size: int) -> None:
        if size > len(self.buf):
            capacity = max(size, 2 * len(self.buf), 8 * FRAME_SAMPLES)
            buf = np.zeros(capacity, dtype=np.int16)
            have = np.zeros(capacity, dtype=bool)
            buf[: self.size] = self.buf[: self.size]
            have[: self.size] = self.have[: self.size]
            self.buf, self.have = buf, have
        self.size = max(self.size, size)

    def take(self, count: int) -> tuple[Pcm, int]:
        """The next `count` samples (silence where nothing was placed: the buffers start
        zeroed and a taken region is never written again) and how many were placed."""
        self.ensure(count)
        pcm = self.buf[:count]
        placed = int(np.count_nonzero(self.have[:count]))
        self.buf, self.have = self.buf[count:], self.have[count:]
        self.size -= count
        return pcm, placed

    def erase(self, at: int, count: int, first_sample: int) -> None:
        """Unplace `count` samples from `at` (from the cursor), the recording's sample
        `first_sample` on: silence again, and no packet of theirs kept."""
        self.buf[at : at + count] = 0
        self.have[at : at + count] = False
        for frame in range(first_sample, first_sample + count, FRAME_SAMPLES):
            self.packets.pop(frame, None)
