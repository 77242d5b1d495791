"""One browser page's RTCPeerConnection on the server side: answer its offer with a single
Opus audio transceiver (send + receive for the parties, send-only for the observer), tap its
incoming RTP, and send it whatever its `OutboundAudio` is fed."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from aiortc import (
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpCodecCapability,
    RTCRtpSender,
    RTCSessionDescription,
)
from aiortc.rtp import RtpPacket

from server.telephony.ports import InvalidOffer, PeerRole
from server.telephony.relay import OutboundAudio, tap_receiver

_serial = itertools.count(1)


@dataclass(eq=False)
class Peer:
    role: PeerRole
    pc: RTCPeerConnection = field(repr=False)
    outbound: OutboundAudio = field(repr=False)
    serial: int = field(default_factory=lambda: next(_serial))
    heard: bool = False  # at least one RTP packet arrived from it

    @property
    def state(self) -> str:
        return self.pc.connectionState

    async def close(self) -> None:
        await self.pc.close()


PacketSink = Callable[[Peer, RtpPacket, float], None]
StateSink = Callable[[Peer, str], None]


def lan_configuration() -> RTCConfiguration:
    """Offline LAN: host candidates only (the default would reach out to a public STUN)."""
    return RTCConfiguration(iceServers=[])


def _opus_capabilities() -> list[RTCRtpCodecCapability]:
    codecs = RTCRtpSender.getCapabilities("audio").codecs
    return [c for c in codecs if c.mimeType.lower() == "audio/opus"]


async def answer_offer(
    role: PeerRole,
    offer_sdp: str,
    on_packet: PacketSink,
    on_state: StateSink,
    configuration: RTCConfiguration | None = None,
) -> tuple[Peer, str]:
    """Build the server's peer for `role` from a complete SDP offer; returns it and the
    SDP answer (complete too: aiortc gathers its host candidates before answering)."""
    pc = RTCPeerConnection(configuration or lan_configuration())
    outbound = OutboundAudio()
    direction = "sendonly" if role is PeerRole.OBSERVER else "sendrecv"
    transceiver = pc.addTransceiver(outbound, direction=direction)
    transceiver.setCodecPreferences(_opus_capabilities())
    peer = Peer(role=role, pc=pc, outbound=outbound)
    try:
        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
        if transceiver.mid is None:
            raise InvalidOffer("the offer has no audio")
        for other in pc.getTransceivers():
            if other is not transceiver:
                other.direction = "inactive"  # a second m-line (video…) gets no media
        payload_types = {
            codec.payloadType
            for codec in transceiver._codecs
            if codec.mimeType.lower() == "audio/opus" and codec.payloadType is not None
        }
        if role is not PeerRole.OBSERVER:
            tap_receiver(transceiver.receiver, lambda p, at: on_packet(peer, p, at), payload_types)
        else:  # the observer is heard by nobody: drop whatever he sends
            tap_receiver(transceiver.receiver, lambda p, at: None, set())
        await pc.setLocalDescription(await pc.createAnswer())
    except InvalidOffer:
        await pc.close()
        raise
    except Exception as exc:  # aiortc raises ValueError, OperationError, … on a bad offer
        await pc.close()
        raise InvalidOffer(f"{type(exc).__name__}: {exc}") from exc

    @pc.on("connectionstatechange")
    def _state_changed() -> None:
        on_state(peer, pc.connectionState)

    return peer, pc.localDescription.sdp
