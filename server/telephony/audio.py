"""PCM helpers for the media clock: 48 kHz, 20 ms frames of 960 int16 samples. numpy only."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

SAMPLE_RATE = 48_000
FRAME_SAMPLES = 960  # 20 ms at 48 kHz
FRAME_SECONDS = FRAME_SAMPLES / SAMPLE_RATE

Pcm = npt.NDArray[np.int16]

SILENCE: Pcm = np.zeros(FRAME_SAMPLES, dtype=np.int16)
SILENCE.setflags(write=False)

# The hold tone: two soft notes (C5 then E5, -24 dBFS, faded in and out) every 2 seconds.
HOLD_NOTES_HZ = (523.25, 659.25)
HOLD_NOTE_SECONDS = 0.3
HOLD_PERIOD_SECONDS = 2.0
HOLD_AMPLITUDE = 0.063


def tone(frequency: float, seconds: float, amplitude: float = 0.25, start: int = 0) -> Pcm:
    """A sine at `frequency`, `seconds` long, starting at sample index `start` (for phase)."""
    n = np.arange(start, start + round(seconds * SAMPLE_RATE))
    return (np.sin(2 * np.pi * frequency * n / SAMPLE_RATE) * amplitude * 32767).astype(np.int16)


def hold_tone() -> Pcm:
    """One period of the hold tone (a whole number of frames, silent at both ends so that it
    loops without a click)."""
    total = round(HOLD_PERIOD_SECONDS * SAMPLE_RATE)
    out = np.zeros(total, dtype=np.float64)
    note = round(HOLD_NOTE_SECONDS * SAMPLE_RATE)
    fade = np.minimum(
        1.0, np.minimum(np.arange(note), np.arange(note)[::-1]) / (0.03 * SAMPLE_RATE)
    )
    for i, freq in enumerate(HOLD_NOTES_HZ):
        start = round(0.1 * SAMPLE_RATE) + i * note
        t = np.arange(note) / SAMPLE_RATE
        out[start : start + note] += np.sin(2 * np.pi * freq * t) * fade
    return (out * HOLD_AMPLITUDE * 32767).astype(np.int16)


def frames(pcm: Pcm) -> list[Pcm]:
    """Cut mono PCM into whole 20 ms frames (a short tail is padded with silence)."""
    padded = np.concatenate([pcm, np.zeros(-len(pcm) % FRAME_SAMPLES, dtype=np.int16)])
    return [padded[i : i + FRAME_SAMPLES] for i in range(0, len(padded), FRAME_SAMPLES)]


def stereo(left: Pcm, right: Pcm) -> Pcm:
    """Interleave two mono frames into packed s16 stereo (L R L R …)."""
    out = np.empty(2 * len(left), dtype=np.int16)
    out[0::2] = left
    out[1::2] = right
    return out


def mix(a: Pcm, b: Pcm) -> Pcm:
    """Sum two mono frames, clipped to int16."""
    total = a.astype(np.int32) + b.astype(np.int32)
    return np.clip(total, -32768, 32767).astype(np.int16)
