"""Opus through PyAV (libopus): a decoder per party's upstream, an encoder for the observer's
mix, and packet loops encoded once (silence, hold tone) that cost nothing per room."""

from __future__ import annotations

import fractions
from functools import cache

import av
import numpy as np
from av.audio.codeccontext import AudioCodecContext

from server.telephony.audio import FRAME_SAMPLES, SAMPLE_RATE, SILENCE, Pcm, frames, hold_tone

TIME_BASE = fractions.Fraction(1, SAMPLE_RATE)
VOICE_BITRATE = 32_000  # mono speech: what browsers send by default, give or take


class OpusDecoder:
    """Decodes one RTP Opus stream (mono or stereo packets) to mono int16 PCM."""

    def __init__(self) -> None:
        self._codec = self._make()

    @staticmethod
    def _make() -> AudioCodecContext:
        codec = av.CodecContext.create("libopus", "r")
        assert isinstance(codec, AudioCodecContext)
        codec.sample_rate = SAMPLE_RATE
        codec.layout = "mono"
        codec.format = "s16"
        return codec

    def decode(self, payload: bytes) -> Pcm:
        """The PCM of one packet (960 samples for a 20 ms packet); empty if undecodable."""
        try:
            decoded = self._codec.decode(av.Packet(payload))
        except av.FFmpegError:
            return np.zeros(0, dtype=np.int16)
        if not decoded:
            return np.zeros(0, dtype=np.int16)
        parts = [frame.to_ndarray().reshape(-1).astype(np.int16, copy=False) for frame in decoded]
        return parts[0] if len(parts) == 1 else np.concatenate(parts)


class OpusEncoder:
    """Encodes mono 20 ms frames to Opus packets (one packet per frame)."""

    def __init__(self, bitrate: int = VOICE_BITRATE, complexity: int = 10) -> None:
        codec = av.CodecContext.create("libopus", "w")
        assert isinstance(codec, AudioCodecContext)
        codec.sample_rate = SAMPLE_RATE
        codec.layout = "mono"
        codec.format = "s16"
        codec.time_base = TIME_BASE
        codec.bit_rate = bitrate
        codec.options = {
            "application": "voip",
            "vbr": "constrained",
            "compression_level": str(complexity),  # libopus's complexity, 0-10
        }
        self._codec = codec
        self._pts = 0

    def encode(self, pcm: Pcm) -> list[bytes]:
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self._pts
        frame.time_base = TIME_BASE
        self._pts += len(pcm)
        return [bytes(packet) for packet in self._codec.encode(frame)]


def encode_loop(pcm: Pcm) -> tuple[bytes, ...]:
    """Encode a whole loop once; the packets are replayed in turn to any number of listeners.
    Encoded twice over so that the second pass (the one kept) starts from a warm encoder."""
    encoder = OpusEncoder()
    chunks = frames(pcm)
    packets: list[bytes] = []
    for chunk in chunks + chunks:
        packets.extend(encoder.encode(chunk))
    return tuple(packets[-len(chunks) :])


@cache
def silence_packet() -> bytes:
    encoder = OpusEncoder()
    packets: list[bytes] = []
    for _ in range(5):  # past the encoder's start-up
        packets.extend(encoder.encode(SILENCE))
    return packets[-1]


@cache
def hold_packets() -> tuple[bytes, ...]:
    packets = encode_loop(hold_tone())
    assert len(packets) == len(hold_tone()) // FRAME_SAMPLES
    return packets
