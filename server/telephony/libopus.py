"""libopus called directly (ctypes): the decode and encode of one 20 ms frame without PyAV's
per-call objects (a packet, a frame, a list, an array conversion), which cost as much as the
codec itself on the media tick's hot path (`benchmarks/results/media_cpu.md`).

The library is the one PyAV ships (its wheel's `av.libs/`: the very build the rest of the
code and the tests decode with), else the system's (`libopus0` on Debian, installed by the
Dockerfile)."""

from __future__ import annotations

import ctypes
import ctypes.util
import weakref
from pathlib import Path
from typing import Final

import av
import numpy as np

from server.telephony.audio import Pcm

APPLICATION_VOIP: Final = 2048
_SET_BITRATE: Final = 4002
_SET_VBR: Final = 4006
_SET_COMPLEXITY: Final = 4010
_SET_VBR_CONSTRAINT: Final = 4020
MAX_FRAME: Final = 5760  # 120 ms at 48 kHz: the longest packet Opus allows
MAX_PACKET: Final = 4000  # bytes: libopus's recommended output buffer


def _find() -> str:
    bundled = sorted((Path(av.__file__).resolve().parent.parent / "av.libs").glob("libopus*.so*"))
    if bundled:
        return str(bundled[0])
    system = ctypes.util.find_library("opus")
    if system is None:
        raise ImportError("libopus not found (PyAV's wheel nor the system's libopus0)")
    return system


_lib = ctypes.CDLL(_find())
_c_int_p = ctypes.POINTER(ctypes.c_int)
_lib.opus_decoder_create.restype = ctypes.c_void_p
_lib.opus_decoder_create.argtypes = [ctypes.c_int32, ctypes.c_int, _c_int_p]
_lib.opus_decoder_destroy.argtypes = [ctypes.c_void_p]
_lib.opus_decode.restype = ctypes.c_int
_lib.opus_decode.argtypes = [
    ctypes.c_void_p,
    ctypes.c_char_p,
    ctypes.c_int32,
    ctypes.c_void_p,
    ctypes.c_int,
    ctypes.c_int,
]
_lib.opus_encoder_create.restype = ctypes.c_void_p
_lib.opus_encoder_create.argtypes = [ctypes.c_int32, ctypes.c_int, ctypes.c_int, _c_int_p]
_lib.opus_encoder_destroy.argtypes = [ctypes.c_void_p]
_lib.opus_encode.restype = ctypes.c_int32
_lib.opus_encode.argtypes = [
    ctypes.c_void_p,
    ctypes.c_void_p,
    ctypes.c_int,
    ctypes.c_char_p,
    ctypes.c_int32,
]
# variadic in C; every request used here takes one opus_int32
_lib.opus_encoder_ctl.restype = ctypes.c_int
_lib.opus_encoder_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int32]


def _check(error: ctypes.c_int, what: str) -> None:
    if error.value != 0:
        raise RuntimeError(f"{what}: libopus error {error.value}")


class Decoder:
    """One Opus stream to int16 PCM at `rate` with `channels` (mono downmixes stereo)."""

    def __init__(self, rate: int, channels: int = 1) -> None:
        error = ctypes.c_int()
        self._state = _lib.opus_decoder_create(rate, channels, ctypes.byref(error))
        _check(error, "opus_decoder_create")
        weakref.finalize(self, _lib.opus_decoder_destroy, self._state)
        self._channels = channels
        self._out = np.zeros(MAX_FRAME * channels, dtype=np.int16)
        self._out_ptr = self._out.ctypes.data

    def decode(self, payload: bytes) -> Pcm:
        """The packet's samples (a new array); empty if libopus refuses the packet (an
        empty payload too: to libopus, that asks for a lost packet's concealment)."""
        if not payload:
            return np.zeros(0, dtype=np.int16)
        count = _lib.opus_decode(self._state, payload, len(payload), self._out_ptr, MAX_FRAME, 0)
        if count <= 0:
            return np.zeros(0, dtype=np.int16)
        return self._out[: count * self._channels].copy()


class Encoder:
    """int16 frames to Opus packets, one packet per frame (VoIP application, constrained VBR)."""

    def __init__(self, rate: int, channels: int, bitrate: int, complexity: int) -> None:
        error = ctypes.c_int()
        self._state = _lib.opus_encoder_create(
            rate, channels, APPLICATION_VOIP, ctypes.byref(error)
        )
        _check(error, "opus_encoder_create")
        weakref.finalize(self, _lib.opus_encoder_destroy, self._state)
        for request, value in (
            (_SET_BITRATE, bitrate),
            (_SET_VBR, 1),
            (_SET_VBR_CONSTRAINT, 1),
            (_SET_COMPLEXITY, complexity),
        ):
            if (status := _lib.opus_encoder_ctl(self._state, request, value)) != 0:
                raise RuntimeError(f"opus_encoder_ctl({request}, {value}): libopus error {status}")
        self._channels = channels
        self._packet = ctypes.create_string_buffer(MAX_PACKET)

    def encode(self, pcm: Pcm) -> bytes:
        """The packet of one frame (`pcm`: int16, interleaved if stereo; 2.5–60 ms)."""
        frame = np.ascontiguousarray(pcm, dtype=np.int16)
        size = _lib.opus_encode(
            self._state, frame.ctypes.data, len(frame) // self._channels, self._packet, MAX_PACKET
        )
        if size < 0:
            raise RuntimeError(f"opus_encode: libopus error {size}")
        return self._packet.raw[:size]
