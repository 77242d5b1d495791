"""Where Plateau bends aiortc, checked at start-up. Every private name the media core relies
on is listed here and verified by `self_test()` before a worker accepts a room, so that an
aiortc upgrade fails loudly at start instead of silently at the first call.

The hooks (aiortc 1.16, pinned `>=1.16,<1.17` in pyproject):
- `RTCRtpReceiver._handle_rtp_packet(packet, arrival_time_ms=…)`, called by
  `RTCDtlsTransport._handle_rtp_data` for each RTP packet: `relay.tap_receiver` replaces it
  to take Opus payloads before aiortc's JitterBuffer (80 ms) and decoder thread.
- `RTCRtpSender._next_encoded_frame` packs an `av.Packet` from the track without encoding
  (`codec.pack`): `relay.OutboundAudio` hands it ready Opus packets.
- `aiortc.clock.current_ms` / `current_ntp_time` build `datetime` objects on every packet
  received (arrival time) and twice on every packet sent (abs-send-time, RTCP SR state):
  `install_fast_clock()` replaces them with float arithmetic on `time.time()` (same values).
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable

import aiortc
from aiortc import RTCRtpReceiver, RTCRtpSender, clock
from aiortc.codecs.opus import OpusEncoder as AiortcOpusEncoder
from aiortc.rtcdtlstransport import RTCDtlsTransport

SUPPORTED_AIORTC = "1.16."
NTP_UNIX_OFFSET = 2_208_988_800  # seconds from 1900-01-01 to 1970-01-01

_original: dict[str, Callable[[], int]] = {
    "current_ms": clock.current_ms,
    "current_ntp_time": clock.current_ntp_time,
}


class HookError(RuntimeError):
    """aiortc no longer offers what Plateau's media core bends: do not start."""


def fast_current_ms() -> int:
    return int((time.time() + NTP_UNIX_OFFSET) * 1000)


def fast_current_ntp_time() -> int:
    now = time.time() + NTP_UNIX_OFFSET
    high = int(now)
    return (high << 32) | int((now - high) * (1 << 32))


def install_fast_clock() -> None:
    """Replace aiortc's per-packet datetime arithmetic (idempotent)."""
    clock.current_ms = fast_current_ms
    clock.current_ntp_time = fast_current_ntp_time


def uninstall_fast_clock() -> None:
    clock.current_ms = _original["current_ms"]
    clock.current_ntp_time = _original["current_ntp_time"]


def _source(obj: object) -> str:
    try:
        return inspect.getsource(obj)  # type: ignore[arg-type]
    except (OSError, TypeError) as exc:
        raise HookError(f"cannot read the source of {obj!r}: {exc}") from exc


def problems() -> list[str]:
    """Every broken assumption about aiortc, as sentences (empty: all hooks hold)."""
    found: list[str] = []
    if not aiortc.__version__.startswith(SUPPORTED_AIORTC):
        found.append(f"aiortc {aiortc.__version__} is not the pinned {SUPPORTED_AIORTC}x")
    handler = getattr(RTCRtpReceiver, "_handle_rtp_packet", None)
    if handler is None or not inspect.iscoroutinefunction(handler):
        found.append("RTCRtpReceiver._handle_rtp_packet is gone or no longer a coroutine")
    elif list(inspect.signature(handler).parameters) != ["self", "packet", "arrival_time_ms"]:
        found.append("RTCRtpReceiver._handle_rtp_packet(packet, arrival_time_ms) changed")
    dtls = getattr(RTCDtlsTransport, "_handle_rtp_data", None)
    if dtls is None or "receiver._handle_rtp_packet(packet, arrival_time_ms=" not in _source(dtls):
        found.append("RTCDtlsTransport no longer hands RTP packets to receiver._handle_rtp_packet")
    sender = getattr(RTCRtpSender, "_next_encoded_frame", None)
    if sender is None or ".pack(data)" not in _source(sender):
        found.append("RTCRtpSender._next_encoded_frame no longer packs pre-encoded av.Packet")
    if not callable(getattr(AiortcOpusEncoder, "pack", None)):
        found.append("aiortc's Opus encoder has no pack() for pre-encoded packets")
    for name in ("current_ms", "current_ntp_time"):
        if not callable(getattr(clock, name, None)):
            found.append(f"aiortc.clock.{name} is gone")
    if not found:
        for name, fast in (("current_ms", fast_current_ms), ("current_ntp_time", _ntp_ms)):
            reference = _original[name]() if name == "current_ms" else _original[name]() >> 22
            if abs(fast() - reference) > 50:
                found.append(f"aiortc.clock.{name} no longer agrees with the fast clock")
    return found


def _ntp_ms() -> int:  # NTP time in ~ms units (2**-22 s), to compare within tolerance
    return fast_current_ntp_time() >> 22


def self_test() -> None:
    """Raise `HookError` listing every broken hook; call it before serving media."""
    found = problems()
    if found:
        raise HookError("aiortc hooks broken: " + "; ".join(found))


def prepare_runtime(fast_clock: bool = True) -> None:
    """What a media process runs at start: check the hooks, then install the fast clock."""
    self_test()
    if fast_clock:
        install_fast_clock()
