"""A stand-in for a browser page's audio, for the tests and the media benchmark: an aiortc
peer that offers one Opus audio transceiver, sends a generated signal (mono, 20 ms packets
paced by the wall clock, as a browser does) and hands every packet it receives to a
callback, decoded on arrival (no jitter buffer: arrival times are what the network gave).
Also the signal analysis the tests use (dominant frequency, level at a frequency)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

import av
import numpy as np
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtp import RtpPacket
from av.stream import Stream

from server.telephony.audio import FRAME_SAMPLES, FRAME_SECONDS, SAMPLE_RATE, Pcm, tone
from server.telephony.jitter_buffer import SQUEEZE_SAMPLES
from server.telephony.opus import TIME_BASE, OpusDecoder, OpusEncoder
from server.telephony.peer import lan_configuration
from server.telephony.relay import tap_receiver

Signal = Callable[[int], Pcm]  # frame index -> 960 mono samples


def tone_signal(frequency: float, amplitude: float = 0.25) -> Signal:
    return lambda n: tone(frequency, FRAME_SECONDS, amplitude, start=n * FRAME_SAMPLES)


@dataclass(frozen=True)
class Received:
    arrival: float  # time.monotonic()
    sequence_number: int
    timestamp: int
    pcm: Pcm


class SignalTrack(MediaStreamTrack):
    """Sends `signal` as Opus packets, one every 20 ms of wall clock from the first request.
    `on_sent(frame_index, monotonic_time)` is told when each packet is handed to aiortc."""

    kind = "audio"

    def __init__(self, signal: Signal, on_sent: Callable[[int, float], None] | None = None):
        super().__init__()
        self._signal = signal
        self._on_sent = on_sent
        self._encoder = OpusEncoder()
        self._start: float | None = None
        self._index = 0

    async def recv(self) -> av.Packet[Stream]:
        if self.readyState != "live":
            raise MediaStreamError
        now = time.monotonic()
        if self._start is None:
            self._start = now
        else:
            due = self._start + self._index * FRAME_SECONDS
            if due > now:
                await asyncio.sleep(due - now)
        index = self._index
        self._index += 1
        payloads = self._encoder.encode(self._signal(index))
        packet = av.Packet(payloads[0])
        packet.pts = index * FRAME_SAMPLES
        packet.time_base = TIME_BASE
        if self._on_sent is not None:
            self._on_sent(index, time.monotonic())
        return packet


class ProbePeer:
    """`sdp = await probe.offer()`, give it to the server, `await probe.accept(answer)`."""

    def __init__(
        self,
        signal: Signal | None = None,
        on_received: Callable[[Received], None] | None = None,
        on_sent: Callable[[int, float], None] | None = None,
        keep: bool = True,
    ) -> None:
        self.pc = RTCPeerConnection(lan_configuration())
        self.track = SignalTrack(signal, on_sent) if signal is not None else None
        self.received: list[Received] = []
        self._keep = keep
        self._on_received = on_received
        self._decoder = OpusDecoder()
        self._transceiver = self.pc.addTransceiver(
            self.track or "audio", direction="sendrecv" if self.track else "recvonly"
        )
        self.connected = asyncio.Event()

        @self.pc.on("connectionstatechange")
        def _state() -> None:
            if self.pc.connectionState == "connected":
                self.connected.set()

    async def offer(self) -> str:
        await self.pc.setLocalDescription(await self.pc.createOffer())
        return self.pc.localDescription.sdp

    async def accept(self, answer_sdp: str) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer_sdp, type="answer"))
        payload_types = {c.payloadType for c in self._transceiver._codecs if c.payloadType}
        tap_receiver(self._transceiver.receiver, self._arrived, payload_types)

    def _arrived(self, packet: RtpPacket, arrival: float) -> None:
        got = Received(
            arrival, packet.sequence_number, packet.timestamp, self._decoder.decode(packet.payload)
        )
        if self._keep:
            self.received.append(got)
        if self._on_received is not None:
            self._on_received(got)

    def pcm_since(self, start: float) -> Pcm:
        """Everything received (decoded) since `start` (monotonic), concatenated."""
        chunks = [r.pcm for r in self.received if r.arrival >= start]
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)

    async def close(self) -> None:
        await self.pc.close()


def dominant_frequency(pcm: Pcm) -> float:
    """The frequency (Hz) of the strongest FFT bin of `pcm`."""
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float64) * np.hanning(len(pcm))))
    spectrum[0] = 0.0
    return float(np.fft.rfftfreq(len(pcm), 1 / SAMPLE_RATE)[int(np.argmax(spectrum))])


def level_in_mix(pcm: Pcm, frequency: float) -> float:
    """`level_at` for the observer's mix, which plays a party up to 5 % faster (a tone 5 %
    higher) while it wins back a delay that only loud audio is left to carry
    (jitter_buffer: `SQUEEZE_SAMPLES`): the band reaches that far up."""
    squeeze = SQUEEZE_SAMPLES / FRAME_SAMPLES
    return level_at(pcm, frequency, width=max(30.0, frequency * squeeze + 15.0))


def level_at(pcm: Pcm, frequency: float, width: float = 30.0) -> float:
    """The share (0..1) of `pcm`'s spectral energy within ±`width` Hz of `frequency`."""
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float64) * np.hanning(len(pcm)))) ** 2
    freqs = np.fft.rfftfreq(len(pcm), 1 / SAMPLE_RATE)
    total = float(spectrum[1:].sum()) or 1.0
    return float(spectrum[(freqs > frequency - width) & (freqs < frequency + width)].sum() / total)
