"""Admission control: past the capacity, a new call is refused with a French message for the
juror and the organiser, and the calls already up keep every frame."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.telephony.aiortc_media import AiortcMedia
from server.telephony.fake_media import FakeMedia
from server.telephony.ports import CallAlreadyActive, MediaError, NoActiveCall, PeerRole
from server.telephony.probe import ProbePeer, dominant_frequency, tone_signal
from server.telephony.workers.admission import (
    CAPACITY_MESSAGE_FR,
    Admission,
    AdmittingMedia,
    CapacityExceeded,
    MediaRefused,
)


def test_admission_counts_rooms_with_a_call() -> None:
    admission = Admission(2)
    assert admission.admit("a") and admission.admit("b")
    assert not admission.admit("a")  # already counted
    with pytest.raises(CapacityExceeded) as refused:
        admission.admit("c")
    assert str(refused.value) == refused.value.message_fr == CAPACITY_MESSAGE_FR
    assert "Capacité audio du serveur atteinte" in CAPACITY_MESSAGE_FR
    assert isinstance(refused.value, MediaRefused) and isinstance(refused.value, MediaError)
    assert admission.refused == 1 and admission.load == 1.0
    admission.admit("c", force=True)  # a call re-placed from a dead worker
    admission.release("a")
    admission.release("c")
    assert admission.admit("d")
    with pytest.raises(ValueError):
        Admission(0)


async def test_the_wrapper_refuses_past_capacity_and_frees_on_end() -> None:
    media = AdmittingMedia(FakeMedia(), capacity=1)
    await media.start_call("a", "call-1", None)
    with pytest.raises(CapacityExceeded):
        await media.start_call("b", "call-2", None)
    with pytest.raises(CallAlreadyActive):  # refused by the inner port: still counted
        await media.start_call("a", "call-3", None)
    assert media.admission.active == {"a"}
    await media.end_call("a")
    await media.start_call("b", "call-2", None)
    await media.close_room("b")
    with pytest.raises(NoActiveCall):
        await media.end_call("b")
    assert media.admission.active == set()


@pytest.fixture
async def admitting() -> AsyncIterator[AdmittingMedia]:
    media = AdmittingMedia(AiortcMedia(), capacity=2)
    yield media
    await media.close()


class Seq:
    """Sequence numbers a probe received after `since`: any hole is a lost frame."""

    def __init__(self) -> None:
        self.numbers: list[tuple[float, int]] = []

    def __call__(self, got) -> None:  # noqa: ANN001 - probe callback
        self.numbers.append((got.arrival, got.sequence_number))

    def lost_since(self, since: float) -> int:
        seqs = [s for at, s in self.numbers if at >= since]
        assert len(seqs) > 40
        span = (seqs[-1] - seqs[0]) % 65536 + 1
        return span - len(seqs)


async def test_past_capacity_new_calls_are_refused_and_calls_up_lose_nothing(
    admitting: AdmittingMedia, tmp_path: Path
) -> None:
    probes: list[ProbePeer] = []
    heard: dict[str, Seq] = {}
    try:
        for room, hz in (("room-1", 440.0), ("room-2", 660.0)):
            heard[room] = Seq()
            for role, signal, sink in (
                (PeerRole.CANDIDATE, tone_signal(hz), None),
                (PeerRole.CLIENT, tone_signal(1000.0), heard[room]),
            ):
                probe = ProbePeer(signal, on_received=sink)
                probes.append(probe)
                answer = await admitting.attach_peer(room, role, await probe.offer())
                await probe.accept(answer)
                await asyncio.wait_for(probe.connected.wait(), timeout=5)
            await admitting.start_call(room, f"call-{room}", tmp_path / f"{room}.ogg")
        await asyncio.sleep(0.3)
        since = time.monotonic()
        for attempt in range(3):  # the third room and more: refused, every time
            with pytest.raises(CapacityExceeded, match="Capacité audio du serveur atteinte"):
                await admitting.start_call(f"room-{3 + attempt}", "call-x", None)
        await asyncio.sleep(1.5)
        for room, hz in (("room-1", 440.0), ("room-2", 660.0)):
            assert heard[room].lost_since(since) == 0
            client = probes[1] if room == "room-1" else probes[3]
            assert abs(dominant_frequency(client.pcm_since(since)) - hz) < 20
        assert admitting.admission.refused == 3
        # (No assertion on the media clock's stalls: on a loaded machine the loop may stall for
        # reasons of its own; a refusal's cost is measured in benchmarks/, not here.)
    finally:
        for probe in probes:
            await probe.close()
