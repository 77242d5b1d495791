"""An RTP stream's 32-bit timestamps on a clock (pure): the step from one timestamp to the
next across the wrap, and `StreamClock`, when a stream's packets were due."""

from __future__ import annotations

from typing import Final

from server.telephony.audio import SAMPLE_RATE

_HALF: Final = 1 << 31
_WRAP: Final = 1 << 32


def timestamp_step(previous: int, timestamp: int) -> int:
    """Samples from `previous` to `timestamp` (RTP, 32 bits): the shorter way round the wrap,
    negative for a packet older than the previous one."""
    return ((timestamp - previous + _HALF) % _WRAP) - _HALF


class StreamClock:
    """When one RTP stream's packets are on time: the least delayed packet of the last two
    to four seconds maps each timestamp to the earliest instant it can have arrived. Watched
    before a call too, so that a call's first packet, late in a burst, is placed where it
    was due rather than where it arrived."""

    EPOCH_S: Final = 2.0

    def __init__(self) -> None:
        self.stream: object = None
        self._last_ts = 0
        self._ext = 0
        self._best: float | None = None  # instant of extended timestamp 0, this epoch
        self._previous: float | None = None  # … the epoch before
        self._epoch_end = 0.0

    def observe(self, stream: object, timestamp: int, arrival: float) -> None:
        if stream is not self.stream:
            self.stream, self._ext, self._best, self._previous = stream, 0, None, None
            self._epoch_end = arrival + self.EPOCH_S
        else:
            self._ext += timestamp_step(self._last_ts, timestamp)
        self._last_ts = timestamp
        if arrival >= self._epoch_end:
            self._previous, self._best = self._best, None
            self._epoch_end = arrival + self.EPOCH_S
        zero = arrival - self._ext / SAMPLE_RATE
        self._best = zero if self._best is None else min(self._best, zero)

    def on_time(self, stream: object, timestamp: int) -> float | None:
        """When the packet of `timestamp` was due, or None (another stream, nothing seen)."""
        if stream is not self.stream or self._best is None:
            return None
        zero = self._best if self._previous is None else min(self._best, self._previous)
        ext = self._ext + timestamp_step(self._last_ts, timestamp)
        return zero + ext / SAMPLE_RATE
