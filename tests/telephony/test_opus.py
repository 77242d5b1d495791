"""The media plane's Opus codec, called directly, against PyAV's libopus (FFmpeg's wrapper:
the reference the recordings were read and checked with): the same packets out of the
encoder, the same samples out of the decoder."""

from __future__ import annotations

import fractions

import av
import numpy as np
import pytest
from av.audio.codeccontext import AudioCodecContext

from server.telephony.audio import FRAME_SAMPLES, SAMPLE_RATE, frames
from server.telephony.opus import VOICE_BITRATE, OpusDecoder, OpusEncoder

TIME_BASE = fractions.Fraction(1, SAMPLE_RATE)


def speechlike(seconds: float, seed: int = 7) -> np.ndarray:
    """A voiced sound whose pitch and level move, with pauses and noise."""
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    rng = np.random.default_rng(seed)
    pitch = 140 + 40 * np.sin(2 * np.pi * 0.7 * t)
    phase = 2 * np.pi * np.cumsum(pitch) / SAMPLE_RATE
    voiced = sum(np.sin(k * phase) / k for k in range(1, 12))
    envelope = np.clip(np.sin(2 * np.pi * 1.3 * t), 0, None)
    pcm = 6000 * voiced * envelope + rng.normal(0, 300, len(t))
    return np.clip(pcm, -32768, 32767).astype(np.int16)


def pyav_encoder(layout: str, bitrate: int, complexity: int) -> AudioCodecContext:
    codec = av.CodecContext.create("libopus", "w")
    assert isinstance(codec, AudioCodecContext)
    codec.sample_rate, codec.layout, codec.format = SAMPLE_RATE, layout, "s16"
    codec.time_base, codec.bit_rate = TIME_BASE, bitrate
    codec.options = {
        "application": "voip",
        "vbr": "constrained",
        "compression_level": str(complexity),
    }
    return codec


def pyav_encode(codec: AudioCodecContext, pcm: np.ndarray, layout: str, pts: int) -> list[bytes]:
    frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout=layout)
    frame.sample_rate, frame.pts, frame.time_base = SAMPLE_RATE, pts, TIME_BASE
    return [bytes(p) for p in codec.encode(frame)]


def pyav_decode_mono(packets: list[bytes]) -> np.ndarray:
    codec = av.CodecContext.create("libopus", "r")
    assert isinstance(codec, AudioCodecContext)
    codec.sample_rate, codec.layout, codec.format = SAMPLE_RATE, "mono", "s16"
    out = []
    for payload in packets:
        for frame in codec.decode(av.Packet(payload)):
            out.append(frame.to_ndarray().reshape(-1))
    return np.concatenate(out).astype(np.int16)


@pytest.mark.parametrize("complexity", [10, 5])
def test_the_encoder_writes_the_packets_pyavs_libopus_writes(complexity: int) -> None:
    pcm = speechlike(2.0)
    ours = OpusEncoder(VOICE_BITRATE, complexity)
    reference = pyav_encoder("mono", VOICE_BITRATE, complexity)
    for i, chunk in enumerate(frames(pcm)):
        expected = pyav_encode(reference, chunk, "mono", i * FRAME_SAMPLES)
        assert ours.encode(chunk) == expected, f"frame {i}"


def test_the_decoder_gives_pyavs_samples_for_mono_packets_and_a_downmix_of_stereo_ones() -> None:
    pcm = speechlike(1.0)
    encoder = OpusEncoder()
    mono = [p for chunk in frames(pcm) for p in encoder.encode(chunk)]
    decoder = OpusDecoder()
    ours = np.concatenate([decoder.decode(p) for p in mono])
    assert len(ours) == len(pcm)
    np.testing.assert_array_equal(ours, pyav_decode_mono(mono))

    # A stereo sender (browsers send mono unless asked): libopus's own mono downmix, where
    # FFmpeg decoded both channels and averaged them; the same sound, not the same samples.
    stereo_codec = pyav_encoder("stereo", 64_000, 10)
    both = np.stack([pcm, pcm[::-1].copy()], axis=1).reshape(-1)  # interleaved
    step = 2 * FRAME_SAMPLES
    stereo = [
        p
        for i in range(len(pcm) // FRAME_SAMPLES)
        for p in pyav_encode(stereo_codec, both[i * step : (i + 1) * step], "stereo", i)
    ]
    decoder = OpusDecoder()
    downmix = np.concatenate([decoder.decode(p) for p in stereo]).astype(np.float64)
    average = pyav_decode_mono(stereo).astype(np.float64)
    assert len(downmix) == len(average) == len(pcm)
    snr_db = 10 * np.log10(np.mean(average**2) / np.mean((downmix - average) ** 2))
    assert snr_db > 20


def test_a_packet_libopus_refuses_decodes_to_nothing_and_the_stream_goes_on() -> None:
    packets = [p for chunk in frames(speechlike(0.2)) for p in OpusEncoder().encode(chunk)]
    decoder = OpusDecoder()
    assert len(decoder.decode(packets[0])) == FRAME_SAMPLES
    assert len(decoder.decode(b"")) == 0
    assert len(decoder.decode(bytes([0x03, 0xFF]))) == 0  # code 3 with 63 frames: invalid
    assert len(decoder.decode(packets[1])) == FRAME_SAMPLES


def test_decoded_frames_are_the_callers_own() -> None:
    packets = [p for chunk in frames(speechlike(0.2)) for p in OpusEncoder().encode(chunk)]
    decoder = OpusDecoder()
    first = decoder.decode(packets[3])
    kept = first.copy()
    decoder.decode(packets[4])
    np.testing.assert_array_equal(first, kept)
