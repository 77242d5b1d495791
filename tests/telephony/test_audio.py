from __future__ import annotations

import numpy as np

from server.telephony.audio import (
    FRAME_SAMPLES,
    frames,
    hold_tone,
    mix,
    stereo,
    tone,
)
from server.telephony.opus import OpusDecoder, hold_packets, silence_packet
from server.telephony.probe import dominant_frequency, level_at


def test_stereo_interleaves_left_then_right_and_mix_clips() -> None:
    left = np.array([1, 2], dtype=np.int16)
    right = np.array([-1, -2], dtype=np.int16)
    assert list(stereo(left, right)) == [1, -1, 2, -2]
    loud = np.array([30000, -30000], dtype=np.int16)
    assert list(mix(loud, loud)) == [32767, -32768]


def test_hold_tone_loops_in_whole_frames_at_its_two_notes() -> None:
    pcm = hold_tone()
    assert len(pcm) % FRAME_SAMPLES == 0 and pcm[0] == 0 and pcm[-1] == 0
    assert level_at(pcm, 523.25) + level_at(pcm, 659.25) > 0.9
    assert np.abs(pcm).max() < 0.1 * 32767  # soft
    packets = hold_packets()
    assert len(packets) == len(frames(pcm))
    decoder = OpusDecoder()
    decoded = np.concatenate([decoder.decode(p) for p in packets])
    assert level_at(decoded, 523.25) + level_at(decoded, 659.25) > 0.8


def test_silence_packet_decodes_to_silence() -> None:
    decoder = OpusDecoder()
    pcm = np.concatenate([decoder.decode(silence_packet()) for _ in range(3)])
    assert len(pcm) == 3 * FRAME_SAMPLES and np.abs(pcm).max() < 50


def test_dominant_frequency() -> None:
    assert abs(dominant_frequency(tone(1000, 0.5)) - 1000) < 5
