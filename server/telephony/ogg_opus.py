"""Opus packets as they are (pure: bytes in, bytes out) and the Ogg pages of a stereo recording
made of two mono Opus streams, so that the parties' own packets are recorded without being
decoded and encoded again.

- `packet_samples`: how many 48 kHz samples a packet holds (RFC 6716 §3.1, its TOC byte);
- `self_delimited`: a packet in the self-delimiting framing (RFC 6716 Appendix B), which is
  how every stream but the last one is stored in a multistream packet (RFC 7845 §5.1.1);
- `OggOpusPages`: the pages of an Ogg Opus stream with channel mapping family 1, two
  uncoupled mono streams (candidate LEFT, client RIGHT: no cross-talk), pre-skip 0; each Ogg
  packet is one multistream packet, a page is closed every `page_packets` packets so that a
  killed process leaves a file readable up to its last page.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from typing import Final

SAMPLE_RATE: Final = 48_000
# frame size in samples at 48 kHz of each TOC configuration (RFC 6716 §3.1, table 2)
_SILK: Final = (480, 960, 1920, 2880)
_HYBRID: Final = (480, 960)
_CELT: Final = (120, 240, 480, 960)
FRAME_SIZES: Final = _SILK * 3 + _HYBRID * 2 + _CELT * 4


class OpusPacketError(ValueError):
    pass


def _length(data: bytes, at: int) -> tuple[int, int]:
    """A frame length (RFC 6716 §3.2.1) at `at`: (length, bytes it took)."""
    if at >= len(data):
        raise OpusPacketError("longueur de trame tronquée")
    first = data[at]
    if first < 252:
        return first, 1
    if at + 1 >= len(data):
        raise OpusPacketError("longueur de trame tronquée")
    return first + 4 * data[at + 1], 2


def _encode_length(size: int) -> bytes:
    if size < 252:
        return bytes((size,))
    if size > 1275:
        raise OpusPacketError(f"trame Opus de {size} octets (1275 au plus)")
    first = 252 + (size & 3)
    return bytes((first, (size - first) >> 2))


def packet_samples(packet: bytes) -> int:
    """Samples (48 kHz) in one Opus packet; 0 if it is not one."""
    if not packet:
        return 0
    toc = packet[0]
    code = toc & 3
    if code == 0:
        count = 1
    elif code in (1, 2):
        count = 2
    else:
        if len(packet) < 2:
            return 0
        count = packet[1] & 0x3F
    return count * FRAME_SIZES[toc >> 3]


def self_delimited(packet: bytes) -> bytes:
    """`packet` in the self-delimiting framing of RFC 6716 Appendix B: the length of its last
    frame (of each frame, for code 1: they are equal) is written before the frames' data."""
    if not packet:
        raise OpusPacketError("paquet Opus vide")
    toc, code = packet[0], packet[0] & 3
    if code == 0:
        return bytes((toc,)) + _encode_length(len(packet) - 1) + packet[1:]
    if code == 1:
        if (len(packet) - 1) % 2:
            raise OpusPacketError("paquet Opus de code 1 de taille impaire")
        return bytes((toc,)) + _encode_length((len(packet) - 1) // 2) + packet[1:]
    if code == 2:
        first, took = _length(packet, 1)
        head = 1 + took
        second = len(packet) - head - first
        if second < 0:
            raise OpusPacketError("paquet Opus de code 2 tronqué")
        return packet[:head] + _encode_length(second) + packet[head:]
    # code 3: frame count byte, padding lengths, (VBR) the lengths of all frames but the last
    if len(packet) < 2:
        raise OpusPacketError("paquet Opus de code 3 tronqué")
    count_byte = packet[1]
    vbr, padded, count = count_byte & 0x80, count_byte & 0x40, count_byte & 0x3F
    if count == 0:
        raise OpusPacketError("paquet Opus sans trame")
    at, padding = 2, 0
    if padded:
        while True:
            if at >= len(packet):
                raise OpusPacketError("bourrage Opus tronqué")
            value = packet[at]
            at += 1
            padding += 254 if value == 255 else value
            if value != 255:
                break
    data_bytes = len(packet) - padding
    if vbr:
        sizes = 0
        for _ in range(count - 1):
            size, took = _length(packet, at)
            at += took
            sizes += size
        last = data_bytes - at - sizes
        if last < 0:
            raise OpusPacketError("paquet Opus de code 3 tronqué")
        return packet[:at] + _encode_length(last) + packet[at:]
    body = data_bytes - at
    if body < 0 or body % count:
        raise OpusPacketError("paquet Opus de code 3 (CBR) mal formé")
    return packet[:at] + _encode_length(body // count) + packet[at:]


# --- Ogg ------------------------------------------------------------------------------------

_REVERSED: Final = bytes(int(f"{b:08b}"[::-1], 2) for b in range(256))


def ogg_crc(data: bytes) -> int:
    """Ogg's CRC-32 (polynomial 0x04C11DB7, MSB first, initial value 0, no final XOR), by
    zlib's reflected CRC-32 over the bit-reversed bytes (C speed; a page a second per room)."""
    raw = zlib.crc32(data.translate(_REVERSED), 0xFFFFFFFF) ^ 0xFFFFFFFF
    return int(f"{raw:032b}"[::-1], 2)


def ogg_page(
    serial: int, sequence: int, granule: int, packets: list[bytes], flags: int = 0
) -> bytes:
    """One Ogg page holding whole `packets` (at most 255 lacing values in all)."""
    lacing = bytearray()
    for packet in packets:
        lacing += b"\xff" * (len(packet) // 255) + bytes((len(packet) % 255,))
    if len(lacing) > 255:
        raise ValueError("page Ogg trop longue")
    header = struct.pack("<4sBBqIIIB", b"OggS", 0, flags, granule, serial, sequence, 0, len(lacing))
    page = bytearray(header + lacing + b"".join(packets))
    struct.pack_into("<I", page, 22, ogg_crc(bytes(page)))
    return bytes(page)


BOS: Final = 0x02
EOS: Final = 0x04
VENDOR: Final = b"Plateau (Opus packets of the parties, RFC 7845 mapping family 1)"


def opus_head(pre_skip: int = 0) -> bytes:
    """OpusHead: 2 channels, mapping family 1, 2 streams, 0 coupled, stream 0 LEFT, 1 RIGHT."""
    return (
        b"OpusHead"
        + struct.pack("<BBHIhBBB", 1, 2, pre_skip, SAMPLE_RATE, 0, 1, 2, 0)
        + b"\x00\x01"
    )


def opus_tags() -> bytes:
    return b"OpusTags" + struct.pack("<I", len(VENDOR)) + VENDOR + struct.pack("<I", 0)


class OggOpusPages:
    """The pages of one stereo recording, handed to `write` (the recording's sink) as soon as
    each is complete: the two header pages at once, then a page every `page_packets`."""

    MAX_LACING: Final = 255

    def __init__(
        self, write: Callable[[bytes], object], page_packets: int = 50, serial: int = 0x506C6174
    ) -> None:
        self._write = write
        self._serial = serial
        self._page_packets = page_packets
        self._sequence = 0
        self._granule = 0  # samples of the packets handed so far
        self._packets: list[bytes] = []
        self._lacing = 0
        self._page(0, [opus_head()], BOS)
        self._page(0, [opus_tags()])

    def add(self, left: bytes, right: bytes, samples: int) -> None:
        """One multistream packet: `left` and `right` (Opus packets of `samples` each)."""
        packet = self_delimited(left) + right
        lacing = len(packet) // 255 + 1
        if self._packets and self._lacing + lacing > self.MAX_LACING:
            self._page(self._granule, self._packets)
        self._packets.append(packet)
        self._lacing += lacing
        self._granule += samples
        if len(self._packets) >= self._page_packets:
            self._page(self._granule, self._packets)

    def close(self) -> None:
        """The last page (end of stream), with what is pending (possibly nothing)."""
        self._page(self._granule, self._packets, EOS)

    def _page(self, granule: int, packets: list[bytes], flags: int = 0) -> None:
        page = ogg_page(self._serial, self._sequence, granule, packets, flags)
        self._sequence += 1
        self._packets, self._lacing = [], 0
        self._write(page)
