"""The parties' own Opus packets in a stereo Ogg Opus file: the self-delimiting framing of
RFC 6716 Appendix B (every packet code), Ogg's CRC, and a file of multistream packets that
libopus (through FFmpeg) decodes to exactly what each party's packets decode to alone."""

from __future__ import annotations

import struct
from pathlib import Path

import av
import numpy as np
import pytest

from server.telephony.audio import FRAME_SAMPLES, tone
from server.telephony.ogg_opus import (
    OggOpusPages,
    OpusPacketError,
    _encode_length,
    ogg_crc,
    packet_samples,
    self_delimited,
)
from server.telephony.opus import OpusDecoder, OpusEncoder, silence_packet


def encoded(hz: float, frames: int, start: int = 0) -> list[bytes]:
    encoder = OpusEncoder()
    return [
        p
        for n in range(start, start + frames)
        for p in encoder.encode(tone(hz, 0.02, start=n * FRAME_SAMPLES))
    ]


def frames_of(packet: bytes) -> list[bytes]:
    """The frames of a code-0 packet (a single frame: the bytes after the TOC)."""
    assert packet[0] & 3 == 0
    return [packet[1:]]


def code1(a: bytes, b: bytes) -> bytes:
    """Two frames of equal size, same configuration."""
    assert len(a) == len(b) and a[0] == b[0]
    return bytes((a[0] | 1,)) + a[1:] + b[1:]


def code2(a: bytes, b: bytes) -> bytes:
    assert a[0] == b[0]
    return bytes((a[0] | 2,)) + _encode_length(len(a) - 1) + a[1:] + b[1:]


def code3(frames: list[bytes], vbr: bool, padding: int = 0) -> bytes:
    toc = frames[0][0] | 3
    count = len(frames) | (0x80 if vbr else 0) | (0x40 if padding else 0)
    out = bytearray((toc, count))
    if padding:
        rest = padding
        while rest >= 255:  # 255 means 254 bytes and more to come
            out.append(255)
            rest -= 254
        out.append(rest)
    if vbr:
        for f in frames[:-1]:
            out += _encode_length(len(f) - 1)
    for f in frames:
        out += f[1:]
    return bytes(out) + b"\x00" * padding


def test_a_frame_length_takes_one_byte_below_252_and_two_above() -> None:
    assert _encode_length(251) == bytes((251,))
    assert _encode_length(252) == bytes((252, 0))
    assert _encode_length(1275) == bytes((255, 255))
    assert _encode_length(700) == bytes((252, 112))  # 252 + 4 × 112
    with pytest.raises(OpusPacketError):
        _encode_length(1276)


def test_self_delimited_framing_of_each_packet_code() -> None:
    a, b = encoded(440, 2)
    assert self_delimited(a) == a[:1] + _encode_length(len(a) - 1) + a[1:]
    same = bytes((a[0],)) + a[1:10]
    twin = code1(same, bytes((a[0],)) + b[1:10])
    assert self_delimited(twin) == twin[:1] + bytes((9,)) + twin[1:]
    two = code2(a, b)
    head = 1 + len(_encode_length(len(a) - 1))
    assert self_delimited(two) == two[:head] + _encode_length(len(b) - 1) + two[head:]
    vbr = code3([a, b, a], vbr=True, padding=300)
    out = self_delimited(vbr)
    assert out[:2] == vbr[:2] and len(out) == len(vbr) + len(_encode_length(len(a) - 1))
    cbr = code3([same, same], vbr=False)
    assert self_delimited(cbr) == cbr[:2] + bytes((9,)) + cbr[2:]
    for broken in (b"", bytes((a[0] | 1,)) + b"\x01\x02\x03"[:2] + b"x", bytes((a[0] | 3,))):
        with pytest.raises(OpusPacketError):
            self_delimited(broken)


def test_packet_samples_reads_the_toc() -> None:
    a, b = encoded(440, 2)
    assert packet_samples(a) == FRAME_SAMPLES
    assert packet_samples(code2(a, b)) == 2 * FRAME_SAMPLES
    assert packet_samples(code3([a, b, a], vbr=True)) == 3 * FRAME_SAMPLES
    assert packet_samples(silence_packet()) == FRAME_SAMPLES
    assert packet_samples(b"") == 0


def test_ogg_crc_is_the_one_ffmpeg_writes(tmp_path: Path) -> None:
    path = tmp_path / "ref.ogg"
    with av.open(str(path), "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=48_000, layout="mono")
        for n in range(10):
            frame = av.AudioFrame.from_ndarray(
                tone(440, 0.02, start=n * 960).reshape(1, -1), format="s16", layout="mono"
            )
            frame.sample_rate, frame.pts = 48_000, n * 960
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    data, at, checked = path.read_bytes(), 0, 0
    while at < len(data):
        segments = data[at + 26]
        size = 27 + segments + sum(data[at + 27 : at + 27 + segments])
        page = bytearray(data[at : at + size])
        crc = struct.unpack_from("<I", page, 22)[0]
        page[22:26] = b"\0\0\0\0"
        assert ogg_crc(bytes(page)) == crc
        at, checked = at + size, checked + 1
    assert checked >= 3


def decode_file(path: Path) -> np.ndarray:
    """The file's two channels (int16), decoded by libopus (FFmpeg's own Opus decoder is not
    bit-exact with it) from the file's own OpusHead."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.channels == 2
        codec = av.CodecContext.create("libopus", "r")
        codec.extradata = stream.codec_context.extradata
        parts = [f.to_ndarray() for p in container.demux(stream) for f in codec.decode(p)]
    interleaved = np.concatenate(parts, axis=1).reshape(-1)
    return np.stack([interleaved[0::2], interleaved[1::2]]).astype(np.int32)


def decode_alone(packets: list[bytes]) -> np.ndarray:
    decoder = OpusDecoder()
    return np.concatenate([decoder.decode(p) for p in packets]).astype(np.int32)


@pytest.mark.parametrize("shape", ["code0", "code2", "code3"])
def test_the_file_decodes_to_what_each_party_s_packets_decode_to(
    tmp_path: Path, shape: str
) -> None:
    left = encoded(440, 40)
    right = encoded(1000, 40)
    right[7] = silence_packet()  # a silence packet in the middle, as for a gap
    if shape == "code2":
        left = [
            code2(left[i], left[i + 1]) for i in range(0, 40, 2) if left[i][0] == left[i + 1][0]
        ]
        right = [
            code2(right[i], right[i + 1]) for i in range(0, 40, 2) if right[i][0] == right[i + 1][0]
        ]
    elif shape == "code3":
        left = [
            code3([left[i], left[i + 1]], vbr=True, padding=3)
            for i in range(0, 40, 2)
            if left[i][0] == left[i + 1][0]
        ]
        right = [
            code3([right[i], right[i + 1]], vbr=True)
            for i in range(0, 40, 2)
            if right[i][0] == right[i + 1][0]
        ]
    count = min(len(left), len(right))
    assert count >= 10
    left, right = left[:count], right[:count]
    path = tmp_path / "call.ogg"
    with path.open("wb") as handle:
        pages = OggOpusPages(handle.write, page_packets=7)
        for a, b in zip(left, right, strict=True):
            assert packet_samples(a) == packet_samples(b)
            pages.add(a, b, packet_samples(a))
        pages.close()
    audio = decode_file(path)
    expected_left, expected_right = decode_alone(left), decode_alone(right)
    assert audio.shape[1] == len(expected_left) == len(expected_right)
    np.testing.assert_array_equal(audio[0], expected_left)  # bit for bit
    np.testing.assert_array_equal(audio[1], expected_right)
    assert np.abs(expected_left).max() > 1000 and np.abs(expected_right).max() > 1000
