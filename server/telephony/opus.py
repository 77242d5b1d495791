"""Opus (libopus called directly: `libopus.py`): a decoder per party's upstream, an encoder
for the observer's mix, and packet loops encoded once (silence, hold tone) that cost nothing
per room."""

from __future__ import annotations

import fractions
from functools import cache

from server.telephony import libopus
from server.telephony.audio import FRAME_SAMPLES, SAMPLE_RATE, SILENCE, Pcm, frames, hold_tone

TIME_BASE = fractions.Fraction(1, SAMPLE_RATE)
VOICE_BITRATE = 32_000  # mono speech: what browsers send by default, give or take


class OpusDecoder:
    """Decodes one RTP Opus stream (mono or stereo packets) to mono int16 PCM."""

    def __init__(self) -> None:
        self._codec = libopus.Decoder(SAMPLE_RATE, channels=1)

    def decode(self, payload: bytes) -> Pcm:
        """The PCM of one packet (960 samples for a 20 ms packet); empty if undecodable."""
        return self._codec.decode(payload)


class OpusEncoder:
    """Encodes mono 20 ms frames to Opus packets (one packet per frame)."""

    def __init__(self, bitrate: int = VOICE_BITRATE, complexity: int = 10) -> None:
        # VoIP application, constrained VBR; complexity: libopus's, 0-10
        self._codec = libopus.Encoder(SAMPLE_RATE, 1, bitrate, complexity)

    def encode(self, pcm: Pcm) -> list[bytes]:
        return [self._codec.encode(pcm)]


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
