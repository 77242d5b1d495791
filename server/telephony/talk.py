"""Talk analytics of a call, from the recording's own decode (pure: numpy, no I/O).

An energy voice activity detector per channel, frame by frame (20 ms): a frame is speech when
its level is above max(`FLOOR_DBFS`, noise floor + `MARGIN_DB`), the noise floor following the
quietest frames (down at once, up slowly); speech goes on for `HANGOVER_FRAMES` after the
last loud frame (the gaps between words are not silences). No speech recognition.

From the two activities and the call's hold intervals: per party, talk time (and share),
listening time (the other party speaks, this one does not) and interruptions (starting to
speak over the other); per call, overlaps (both speak), silences longer than `LONG_SILENCE_S`
(nobody speaks, outside hold), hold time and count. Time to answer is the web process's fact
(ringing → answered), added to the analytics when the recording is stored.
"""

from __future__ import annotations

import math
from typing import Final, TypedDict

import numpy as np

from server.telephony.audio import FRAME_SECONDS, Pcm

FLOOR_DBFS: Final = -45.0  # never speech below this (a quiet headset's hiss is ~-60)
MARGIN_DB: Final = 12.0  # speech stands this far above the noise floor
FLOOR_RISE_DB: Final = 0.02  # per frame (1 dB a second): a louder background is learnt slowly
HANGOVER_FRAMES: Final = 10  # 200 ms
LONG_SILENCE_S: Final = 5.0
MIN_OVERLAP_FRAMES: Final = 5  # an overlap shorter than 100 ms is not counted as one
PARTIES: Final = ("candidate", "client")


def level_dbfs(pcm: Pcm) -> float:
    """RMS level of a frame in dB relative to full scale (-120 for digital silence)."""
    if not len(pcm):
        return -120.0
    samples = pcm.astype(np.float32)
    rms = math.sqrt(float(np.dot(samples, samples)) / len(samples))
    return 20 * math.log10(rms / 32768) if rms > 0 else -120.0


class EnergyVad:
    """Frame-by-frame speech decision for one channel."""

    def __init__(self) -> None:
        self.floor = -90.0
        self._hang = 0

    def __call__(self, pcm: Pcm) -> bool:
        level = level_dbfs(pcm)
        threshold = max(FLOOR_DBFS, self.floor + MARGIN_DB)
        loud = level > threshold
        self.floor = level if level < self.floor else self.floor + FLOOR_RISE_DB
        if loud:
            self._hang = HANGOVER_FRAMES
            return True
        if self._hang > 0:
            self._hang -= 1
            return True
        return False


class VadSettings(TypedDict):
    method: str
    floor_dbfs: float
    margin_db: float
    hangover_ms: int


class Silence(TypedDict):
    start_s: float
    end_s: float


class PartyTalk(TypedDict):
    talk_s: float
    talk_share: float
    listening_s: float
    interruptions: int


class TalkAnalytics(TypedDict):
    """What `analyse` finds in a recording (its keys in this order in the JSON)."""

    vad: VadSettings
    duration_s: float
    talk_s: float
    overlap_s: float
    overlaps: int
    silences: list[Silence]
    long_silence_s: float
    hold_s: float
    holds: int
    time_to_answer_s: float | None
    parties: dict[str, PartyTalk]


class TalkMeter:
    """Fed every frame of the recording (`feed(left, right)`: candidate, client); `result`
    at the end. Keeps one byte per party per frame (180 kB an hour)."""

    def __init__(self) -> None:
        self._vad = (EnergyVad(), EnergyVad())
        self._active: tuple[bytearray, bytearray] = (bytearray(), bytearray())

    def feed(self, left: Pcm, right: Pcm) -> None:
        for vad, active, pcm in zip(self._vad, self._active, (left, right), strict=True):
            active.append(1 if vad(pcm) else 0)

    def activity(self) -> tuple[np.ndarray, np.ndarray]:
        return tuple(np.frombuffer(a, dtype=np.uint8).astype(bool) for a in self._active)  # type: ignore[return-value]

    def result(self, holds: list[tuple[float, float]]) -> TalkAnalytics:
        candidate, client = self.activity()
        return analyse(candidate, client, holds)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) frame indices of each run of True."""
    if not len(mask):
        return []
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b)) for a, b in zip(edges[0::2], edges[1::2], strict=True)]


def _s(frames: int | float) -> float:
    return round(float(frames) * FRAME_SECONDS, 2)


def analyse(
    candidate: np.ndarray, client: np.ndarray, holds: list[tuple[float, float]]
) -> TalkAnalytics:
    """The analytics of two per-frame speech activities (bool arrays of one length) and the
    hold intervals (seconds of the recording)."""
    n = min(len(candidate), len(client))
    candidate, client = candidate[:n], client[:n]
    on_hold = np.zeros(n, dtype=bool)
    for start, end in holds:
        on_hold[round(start / FRAME_SECONDS) : round(end / FRAME_SECONDS)] = True
    live = ~on_hold
    both = candidate & client & live
    overlaps = [r for r in _runs(both) if r[1] - r[0] >= MIN_OVERLAP_FRAMES]
    quiet = ~candidate & ~client & live
    silences = [
        Silence(start_s=_s(a), end_s=_s(b))
        for a, b in _runs(quiet)
        if (b - a) * FRAME_SECONDS > LONG_SILENCE_S
    ]
    activity = {"candidate": candidate, "client": client}
    parties: dict[str, PartyTalk] = {}
    talk_total = int(((candidate | client) & live).sum())
    for role, other in (("candidate", "client"), ("client", "candidate")):
        mine, theirs = activity[role], activity[other]
        talk = int((mine & live).sum())
        interruptions = sum(1 for a, b in overlaps if a > 0 and not mine[a - 1] and theirs[a - 1])
        parties[role] = PartyTalk(
            talk_s=_s(talk),
            talk_share=round(talk / talk_total, 3) if talk_total else 0.0,
            listening_s=_s(int((theirs & ~mine & live).sum())),
            interruptions=interruptions,
        )
    return TalkAnalytics(
        vad=VadSettings(
            method="energy",
            floor_dbfs=FLOOR_DBFS,
            margin_db=MARGIN_DB,
            hangover_ms=round(HANGOVER_FRAMES * FRAME_SECONDS * 1000),
        ),
        duration_s=_s(n),
        talk_s=_s(talk_total),
        overlap_s=_s(sum(b - a for a, b in overlaps)),
        overlaps=len(overlaps),
        silences=silences,
        long_silence_s=LONG_SILENCE_S,
        hold_s=round(sum(max(0.0, e - s) for s, e in holds), 2),
        holds=len(holds),
        time_to_answer_s=None,
        parties=parties,
    )
