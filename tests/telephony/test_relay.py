from __future__ import annotations

from server.telephony.audio import FRAME_SAMPLES
from server.telephony.relay import OutboundAudio


class Ticker:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def drain(track: OutboundAudio, count: int) -> list[int]:
    return [(await track.recv()).pts for _ in range(count)]


async def test_one_source_keeps_its_spacing_and_a_new_one_continues_the_timeline() -> None:
    clock = Ticker()
    track = OutboundAudio(max_queued=10, clock=clock)
    peer_a, peer_b = object(), object()
    track.send(b"a0", peer_a, 5000)
    track.send(b"a1", peer_a, 5000 + FRAME_SAMPLES)
    track.send(b"a3", peer_a, 5000 + 3 * FRAME_SAMPLES)  # a2 lost upstream: the gap is kept
    track.send(b"b0", peer_b, 123)  # right after, another source: next slot
    clock.now += 2.0  # two seconds of nothing, then the same source again, far later
    track.send(b"b1", peer_b, 123 + 10 * 48_000)
    pts = await drain(track, 5)
    assert pts[:4] == [0, 960, 2880, 3840]
    assert pts[4] == 2 * 48_000  # wall clock
    assert track.sent == 5 and track.dropped == 0


async def test_the_queue_is_bounded_dropping_the_oldest() -> None:
    track = OutboundAudio(max_queued=2, clock=Ticker())
    src = object()
    for i in range(4):
        track.send(bytes([i]), src, i * FRAME_SAMPLES)
    first = await track.recv()
    assert bytes(first) == bytes([2]) and track.dropped == 2
    assert track.idle_for() == 0.0
