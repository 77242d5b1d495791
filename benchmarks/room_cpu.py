"""The CPU a recorded room costs the media server outside aiortc, on a simulated clock: what
`Room` does per packet and per tick (decode, the mix's jitter buffer and encode for a
listening observer, the recording's timeline, talk meter and file writer thread), for `--rooms`
rooms of `--seconds` of call, both parties sending the benchmark's marked signal (pre-encoded
Opus, 20 ms packets, on time).

Measured: the process's CPU time (every thread: `time.process_time`), whatever else the machine
does, divided by rooms × seconds of call: CPU-seconds per room-second. The DTLS/SRTP and RTP
handling of aiortc is not in it (`media_bench.py` measures the whole server).

    .venv/bin/python -m benchmarks.room_cpu --rooms 12 --seconds 30 [--no-observer]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiortc.rtp import RtpPacket

from benchmarks.media_signals import CANDIDATE, CLIENT, PreEncoded
from server.telephony.audio import FRAME_SAMPLES
from server.telephony.peer import Peer
from server.telephony.ports import PeerRole
from server.telephony.recorder import OggOpusRecorder
from server.telephony.relay import OutboundAudio
from server.telephony.room import ActiveCall, Room

FRAME_S = FRAME_SAMPLES / 48_000


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def run(rooms: int, seconds: float, observer: bool, folder: Path) -> dict[str, Any]:
    clock = Clock()
    signals = {PeerRole.CANDIDATE: PreEncoded(CANDIDATE), PeerRole.CLIENT: PreEncoded(CLIENT)}
    setup: list[tuple[Room, dict[PeerRole, Peer], ActiveCall]] = []
    for r in range(rooms):
        room = Room(f"room-{r}", monotonic=clock)
        pc: Any = None
        peers = {}
        for role in (PeerRole.CANDIDATE, PeerRole.CLIENT, PeerRole.OBSERVER):
            if role is PeerRole.OBSERVER and not observer:
                continue
            peers[role] = Peer(role, pc, OutboundAudio(clock=clock))
            room.attach(peers[role])
        recorder = OggOpusRecorder(folder / f"room-{r}.ogg")
        recorder.open()
        call = ActiveCall(f"call-{r}", datetime.now(UTC), {}, recorder, t0=clock.now)
        room.start_call(call)
        setup.append((room, peers, call))
    frames = round(seconds / FRAME_S)
    cpu0, wall0 = time.process_time(), time.monotonic()
    for n in range(frames):
        clock.now += FRAME_S
        for room, peers, _ in setup:
            for role in (PeerRole.CANDIDATE, PeerRole.CLIENT):
                packet = RtpPacket(
                    payload_type=111,
                    sequence_number=n & 0xFFFF,
                    timestamp=(n * FRAME_SAMPLES) & 0xFFFFFFFF,
                    payload=signals[role].payload(n),
                )
                room.on_packet(peers[role], packet, clock.now - 0.003)
            room.tick(clock.now)
        for _, peers, _ in setup:
            for peer in peers.values():  # what aiortc's senders would take
                queue = peer.outbound._queue
                while not queue.empty():
                    queue.get_nowait()
        if n % 50 == 49:  # never let the writers fall 5 s behind (they would drop frames)
            while any(c.recorder is not None and c.recorder._queue.qsize() > 25 for *_, c in setup):
                time.sleep(0.002)
    for room, _, call in setup:
        room.end_call(clock.now)
        assert call.recorder is not None
        call.recorder.finish()
    cpu = time.process_time() - cpu0
    recorders = [c.recorder for *_, c in setup if c.recorder is not None]
    dropped = sum(r.frames_dropped for r in recorders)
    encoded = sum(getattr(r, "frames_encoded", 2 * r.frames_written) for r in recorders)
    channel_frames = sum(2 * r.frames_written for r in recorders)
    return {
        "rooms": rooms,
        "seconds": seconds,
        "observer": observer,
        "cpu_s": round(cpu, 3),
        "wall_s": round(time.monotonic() - wall0, 3),
        "cpu_ms_per_room_second": round(cpu / (rooms * seconds) * 1000, 2),
        "recorder_frames_dropped": dropped,
        "recorded_channel_frames_encoded_pct": round(100 * encoded / max(channel_frames, 1), 2),
        "file_bytes_per_room_second": round(
            sum(p.stat().st_size for p in folder.glob("*.ogg")) / (rooms * seconds)
        ),
        "load_avg": os.getloadavg(),
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rooms", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--no-observer", dest="observer", action="store_false")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="room-cpu-") as tmp:
        result = run(args.rooms, args.seconds, args.observer, Path(tmp))
    result["label"] = args.label
    print(json.dumps(result))


if __name__ == "__main__":
    main()
