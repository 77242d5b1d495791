"""The aiortc adapter end to end: probe peers (candidate 440 Hz, client 1000 Hz, a listening
observer) against `AiortcMedia`, over loopback, in the test's event loop."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import av
import numpy as np
import pytest

from server.telephony.aiortc_media import AiortcMedia
from server.telephony.audio import FRAME_SAMPLES, SAMPLE_RATE
from server.telephony.ports import (
    CallAlreadyActive,
    GapReason,
    InvalidOffer,
    NoActiveCall,
    PeerRole,
)
from server.telephony.probe import (
    ProbePeer,
    dominant_frequency,
    level_at,
    level_in_mix,
    tone_signal,
)
from server.telephony.recorder import StorageEvent, sha256_of
from server.telephony.recording_sink import StorageFault

from .conftest import CANDIDATE_HZ, CLIENT_HZ, ROOM, Connect, listen, settled

HOLD_HZ = (523.25, 659.25)


def hold_level(pcm: np.ndarray) -> float:
    return sum(level_at(pcm, hz) for hz in HOLD_HZ) if len(pcm) else 0.0


def rms(pcm: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(pcm.astype(np.float64))))) if len(pcm) else 0.0


def decode(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        parts = [frame.to_ndarray() for frame in container.decode(audio=0)]
    return np.concatenate(parts, axis=1)


async def test_parties_hear_each_other_and_the_observer_hears_both(
    media: AiortcMedia, trio: tuple[ProbePeer, ProbePeer, ProbePeer]
) -> None:
    candidate, client, observer = trio
    await asyncio.sleep(0.3)
    assert not candidate.received and not client.received and not observer.received  # no call
    await media.start_call(ROOM, "call-1", None)
    start = await listen(0.0)
    # a second heard by each, however long the loaded machine takes to deliver it
    await settled(lambda: all(len(p.pcm_since(start)) >= SAMPLE_RATE for p in trio))
    heard_by_client = client.pcm_since(start)
    heard_by_candidate = candidate.pcm_since(start)
    assert abs(dominant_frequency(heard_by_client) - CANDIDATE_HZ) < 5
    assert abs(dominant_frequency(heard_by_candidate) - CLIENT_HZ) < 5
    assert level_at(heard_by_client, CLIENT_HZ) < 0.01  # nobody hears himself
    mixed = observer.pcm_since(start)
    assert level_in_mix(mixed, CANDIDATE_HZ) > 0.3 and level_in_mix(mixed, CLIENT_HZ) > 0.3
    assert await media.end_call(ROOM) is None  # not recorded
    counts: list[int] = []

    def stopped() -> bool:  # nothing more for half a second: what was in flight has landed
        counts.append(len(client.received))
        return len(counts) > 10 and counts[-1] == counts[-11]

    await settled(stopped)  # call over: the relay stopped (one that went on never settles)


async def test_the_relay_forwards_every_packet_in_order(
    media: AiortcMedia, trio: tuple[ProbePeer, ProbePeer, ProbePeer]
) -> None:
    """Behaviour only: latency, spacing and drops under load are measured by
    `benchmarks/media_bench.py`, not asserted here (a loaded CI machine may drop a frame)."""
    candidate, client, _ = trio
    await media.start_call(ROOM, "call-1", None)
    await settled(lambda: len(client.received) >= 20)  # however long a loaded machine takes
    recent = client.received[-20:]
    assert len(recent) == 20
    assert all(np.diff([r.sequence_number for r in recent]) == 1)
    assert set(media.stats()["rooms"][ROOM]["mix"]) == {
        "candidate",
        "client",
    }


async def test_on_hold_the_customer_hears_the_tone_and_the_advisor_silence(
    media: AiortcMedia, trio: tuple[ProbePeer, ProbePeer, ProbePeer]
) -> None:
    """As on a real switch: the held party (the customer) hears the hold tone; the advisor who
    put them on hold hears nobody (silence), not the tone meant for the customer."""
    candidate, client, observer = trio
    await media.start_call(ROOM, "call-1", None)
    await asyncio.sleep(0.3)
    await media.hold(ROOM, True)

    def recent(probe: ProbePeer) -> np.ndarray:
        return probe.pcm_since(time.monotonic() - 0.2)

    start = await settled(
        lambda: (
            hold_level(recent(client)) > 0.8
            and len(recent(candidate)) > 0
            and rms(recent(candidate)) < 33
        )
    )
    await settled(lambda: all(len(p.pcm_since(start)) >= 1.2 * SAMPLE_RATE for p in trio))
    held = client.pcm_since(start)
    assert len(held) >= 1.2 * SAMPLE_RATE  # the stream goes on: tone and silence
    assert level_at(held, CANDIDATE_HZ) < 0.01
    assert hold_level(held) > 0.8
    advisor = candidate.pcm_since(start)
    assert len(advisor) >= 1.2 * SAMPLE_RATE  # the stream goes on: silence
    assert rms(advisor) < 33  # < -60 dBFS
    mixed = observer.pcm_since(start)  # the observer still hears both microphones
    assert level_in_mix(mixed, CANDIDATE_HZ) > 0.3 and level_in_mix(mixed, CLIENT_HZ) > 0.3
    await media.hold(ROOM, False)
    start = await settled(lambda: len(recent(client)) > 0 and hold_level(recent(client)) < 0.01)
    await asyncio.sleep(0.6)
    assert abs(dominant_frequency(client.pcm_since(start)) - CANDIDATE_HZ) < 5
    assert hold_level(client.pcm_since(start)) < 0.01


async def test_recording_left_candidate_right_client_and_sidecar(
    media: AiortcMedia, trio: tuple[ProbePeer, ProbePeer, ProbePeer], tmp_path: Path
) -> None:
    path = tmp_path / "recordings" / "call-1.ogg"
    before_answer = time.monotonic()
    await media.start_call(
        ROOM, "call-1", path, parties={"candidate": "cand-7", "client": "juror-3"}
    )
    after_answer = time.monotonic()
    await asyncio.sleep(2.0)
    before_end = time.monotonic()
    info = await media.end_call(ROOM)
    after_end = time.monotonic()
    assert info is not None and info.path == path
    audio = decode(path)
    assert abs(audio.shape[1] / SAMPLE_RATE - info.duration_s) < 0.05
    # The recording is the call's clock: as long as the call (started and ended somewhere
    # within each of the two calls to the media), whatever the load.
    shortest, longest = before_end - after_answer, after_end - before_answer
    assert shortest - 0.1 <= info.duration_s <= longest + 0.1, (info.duration_s, shortest)
    left, right = audio[0, SAMPLE_RATE // 2 :], audio[1, SAMPLE_RATE // 2 :]
    assert level_at(left, CANDIDATE_HZ) > 0.9 and level_at(left, CLIENT_HZ) < 0.01
    assert level_at(right, CLIENT_HZ) > 0.9 and level_at(right, CANDIDATE_HZ) < 0.01
    sidecar = json.loads(info.sidecar_path.read_text(encoding="utf-8"))
    assert info.sidecar_path == path.with_suffix(".json")
    assert sidecar["sha256"] == sha256_of(path) == info.sha256
    assert sidecar["size_bytes"] == path.stat().st_size
    assert sidecar["call_id"] == "call-1" and sidecar["room_id"] == ROOM
    assert sidecar["parties"] == {"candidate": "cand-7", "client": "juror-3"}
    assert sidecar["channels"] == {"left": "candidate", "right": "client"}

    # nothing missing: a loaded machine may name its stalled loop, and the parties' last
    # fraction of a second still on its way when the call ended (a tail, named), nothing else
    def tail(gap: dict[str, object]) -> bool:
        end, start = float(str(gap["end_s"])), float(str(gap["start_s"]))
        return gap["reason"] == "no_audio" and end >= info.duration_s - 0.03 and end - start < 0.5

    missing = [g for g in sidecar["gaps"] if g["reason"] != "server_stall" and not tail(g)]
    assert missing == [], sidecar["gaps"]
    assert sidecar["frames_dropped"] == 0
    assert sidecar["started_at"] < sidecar["ended_at"]


async def test_a_party_reconnecting_mid_call_resumes_and_the_recording_goes_on(
    media: AiortcMedia, connect: Connect, tmp_path: Path
) -> None:
    candidate = await connect(PeerRole.CANDIDATE, tone_signal(CANDIDATE_HZ))
    client = await connect(PeerRole.CLIENT, tone_signal(CLIENT_HZ))
    path = tmp_path / "call.ogg"
    await media.start_call(ROOM, "call-1", path)
    await asyncio.sleep(1.0)
    closed = time.monotonic()
    await client.close()  # the client's page dies…
    await asyncio.sleep(0.6)
    client = await connect(PeerRole.CLIENT, tone_signal(CLIENT_HZ))  # …and comes back
    start = await listen(0.8)
    away_at_most = time.monotonic() - closed
    assert abs(dominant_frequency(candidate.pcm_since(start)) - CLIENT_HZ) < 5
    assert abs(dominant_frequency(client.pcm_since(start)) - CANDIDATE_HZ) < 5
    info = await media.end_call(ROOM)
    assert info is not None
    # (a loaded machine may add a stalled loop's entry beside it)
    (gap,) = [g for g in info.gaps if g.reason is not GapReason.SERVER_STALL]
    assert gap.role == PeerRole.CLIENT and gap.silent
    assert gap.reason in (GapReason.CONNECTION_LOST, GapReason.RECONNECT)
    # The gap spans the time without the client: at least part of the 0.6 s it was away, and
    # it closed once its new connection's audio arrived (heard above, before this instant).
    assert gap.end_s is not None
    assert 0.2 < gap.end_s - gap.start_s <= away_at_most, (gap, away_at_most)
    audio = decode(path)
    assert abs(audio.shape[1] / SAMPLE_RATE - info.duration_s) < 0.05
    right = audio[1]
    during = right[int((gap.start_s + 0.1) * SAMPLE_RATE) : int((gap.end_s - 0.05) * SAMPLE_RATE)]
    after = right[int((gap.end_s + 0.1) * SAMPLE_RATE) :]
    assert np.abs(during).max() < 0.01  # silence in the gap
    assert len(after) > 0.4 * SAMPLE_RATE and level_at(after, CLIENT_HZ) > 0.9
    assert level_at(audio[0, -SAMPLE_RATE // 2 :], CANDIDATE_HZ) > 0.9
    assert "client" in [g["role"] for g in json.loads(info.sidecar_path.read_text())["gaps"]]


async def test_a_party_absent_at_the_start_is_a_gap_and_silence(
    media: AiortcMedia, connect: Connect, tmp_path: Path
) -> None:
    await connect(PeerRole.CANDIDATE, tone_signal(CANDIDATE_HZ))
    await media.start_call(ROOM, "call-1", tmp_path / "c.ogg")
    await asyncio.sleep(0.5)
    info = await media.end_call(ROOM)
    assert info is not None
    assert [(g.role, g.reason, g.start_s, g.end_s, g.silent) for g in info.gaps] == [
        (PeerRole.CLIENT, GapReason.ABSENT, 0.0, info.duration_s, True)
    ]
    assert np.abs(decode(info.path)[1]).max() < 0.01


async def test_refusals(media: AiortcMedia, connect: Connect, tmp_path: Path) -> None:
    with pytest.raises(NoActiveCall):
        await media.hold(ROOM, True)
    with pytest.raises(NoActiveCall):
        await media.end_call(ROOM)
    with pytest.raises(InvalidOffer):
        await media.attach_peer(ROOM, PeerRole.CLIENT, "not an sdp")
    await media.start_call(ROOM, "call-1", tmp_path / "a.ogg")
    with pytest.raises(CallAlreadyActive):
        await media.start_call(ROOM, "call-2", tmp_path / "b.ogg")
    info = await media.close_room(ROOM)  # closing the room finishes the recording
    assert info is not None and info.call_id == "call-1" and info.sidecar_path.exists()
    assert not (tmp_path / "b.ogg").exists()


async def test_the_observer_is_heard_by_nobody(media: AiortcMedia, connect: Connect) -> None:
    candidate = await connect(PeerRole.CANDIDATE, tone_signal(CANDIDATE_HZ))
    client = await connect(PeerRole.CLIENT)
    observer = await connect(PeerRole.OBSERVER, tone_signal(2000))
    assert observer.pc.getTransceivers()[0].currentDirection == "recvonly"
    await media.start_call(ROOM, "call-1", None)
    start = await listen(0.8)
    assert level_at(client.pcm_since(start), 2000) < 0.01
    assert level_at(candidate.pcm_since(start), 2000) < 0.01
    assert level_in_mix(observer.pcm_since(start), CANDIDATE_HZ) > 0.5
    assert time.monotonic() > start


async def test_an_unwritable_recording_path_starts_the_call_and_says_what_was_lost(
    media: AiortcMedia, tmp_path: Path
) -> None:
    """A recording that cannot be written never refuses the call (it used to, and the phone
    rang forever): the fault is told at once, and the recording says it lost everything."""
    heard: list[tuple[str, str, StorageEvent]] = []
    media.on_storage = lambda room, call, event: heard.append((room, call, event))
    blocker = tmp_path / "file"
    blocker.write_text("")
    await media.start_call(ROOM, "call-1", blocker / "sub" / "c.ogg")
    async with asyncio.timeout(10):
        while not heard:  # noqa: ASYNC110 - told from the writer thread through the loop
            await asyncio.sleep(0.01)
    room, call, event = heard[0]
    assert (room, call, event.kind, event.t) == (ROOM, "call-1", "fault", 0.0)
    assert event.fault is StorageFault.WRITE_ERROR
    await asyncio.sleep(0.3)
    info = await media.end_call(ROOM)
    assert info is not None and info.size_bytes == 0 and info.sha256 == ""
    (written,) = [g for g in info.gaps if g.reason is GapReason.WRITE_ERROR]
    assert (written.role, written.start_s) == ("both", 0.0)
    (gap,) = info.storage["write_gaps"]
    assert gap["end_s"] == info.duration_s and gap["silent"] is False


async def test_an_observer_who_stops_listening_leaves_the_room(
    media: AiortcMedia, connect: Connect
) -> None:
    await connect(PeerRole.CANDIDATE, tone_signal(CANDIDATE_HZ))
    await connect(PeerRole.CLIENT)
    observer = await connect(PeerRole.OBSERVER)
    await media.start_call(ROOM, "call-1", None)
    assert PeerRole.OBSERVER in media.peer_roles(ROOM)
    await observer.pc.close()  # the page's « Arrêter l'écoute »: the mix is no longer encoded
    async with asyncio.timeout(10):
        while PeerRole.OBSERVER in media.peer_roles(ROOM):  # noqa: ASYNC110 - aiortc's state
            await asyncio.sleep(0.05)
    assert set(media.peer_roles(ROOM)) == {PeerRole.CANDIDATE, PeerRole.CLIENT}


def _activity(media: AiortcMedia) -> tuple[np.ndarray, np.ndarray]:
    """Per frame written to the file so far: does the candidate, the client talk in it."""
    call = media._rooms[ROOM].call  # noqa: SLF001 - the test reads the file's progress
    assert call is not None
    return call.meter.activity()


def _frame_at(media: AiortcMedia, when: float) -> int:
    """The first whole frame of the file from the monotonic instant `when` on."""
    call = media._rooms[ROOM].call  # noqa: SLF001
    assert call is not None
    return -(-call.timeline.sample_at(when) // FRAME_SAMPLES)


def _talking_frames(media: AiortcMedia, since: int) -> int:
    """Frames of the file from `since` on in which both parties are heard."""
    candidate, client = _activity(media)
    return int(np.count_nonzero(candidate[since:] & client[since:]))


def _written_frames(media: AiortcMedia, since: int) -> int:
    return max(0, len(_activity(media)[0]) - since)


def _mostly_talk(media: AiortcMedia, since: int, frames: int, share: float) -> bool:
    """From frame `since` on, the file has `frames` frames where both parties are heard, and
    they are at least `share` of the frames it has written."""
    talking = _talking_frames(media, since)
    return talking >= frames and talking >= share * _written_frames(media, since)


async def test_hold_is_in_the_sidecar_with_the_microphones_kept_and_the_talk_analytics(
    media: AiortcMedia, trio: tuple[ProbePeer, ProbePeer, ProbePeer], tmp_path: Path
) -> None:
    path = tmp_path / "call.ogg"
    await media.start_call(ROOM, "call-1", path)
    # Counted in frames of the file, not in seconds of a loaded machine (whose stalls cost
    # audio — rightly said silent in the sidecar — whatever the hold does): the call talks
    # until the file has 40 frames (0.8 s) of both parties, nine tenths of what it holds;
    # the hold lasts until the file has 50 frames (1 s) of both microphones since it began,
    # three quarters of what it wrote since; then the call talks on for 25 frames likewise.
    await settled(lambda: _mostly_talk(media, 0, 40, 0.9))
    held_at = time.monotonic()
    await media.hold(ROOM, True)
    since = _frame_at(media, held_at)
    await settled(lambda: _mostly_talk(media, since, 50, 0.75))
    await media.hold(ROOM, False)
    released_at = time.monotonic()
    held_for = released_at - held_at
    after = _frame_at(media, released_at)
    await settled(lambda: _mostly_talk(media, after, 25, 0.9))
    info = await media.end_call(ROOM)
    assert info is not None
    (hold,) = [g for g in info.gaps if g.reason is GapReason.HOLD]
    sidecar = json.loads(info.sidecar_path.read_text(encoding="utf-8"))
    # both microphones are recorded on hold
    assert (hold.role, hold.silent) == ("both", False), sidecar
    assert 0.9 <= hold.end_s - hold.start_s <= held_for + 0.02  # type: ignore[operator]
    assert {"role": "both", "reason": "hold", "silent": False}.items() <= next(
        g for g in sidecar["gaps"] if g["reason"] == "hold"
    ).items()
    talk = sidecar["analytics"]
    assert talk["holds"] == 1 and abs(talk["hold_s"] - (hold.end_s - hold.start_s)) < 0.02
    # both probes send a steady tone: both talk all along, all of it overlapping
    for role in ("candidate", "client"):
        assert talk["parties"][role]["talk_s"] >= 0.8 * (info.duration_s - talk["hold_s"])
    audio = decode(path)
    during = audio[
        0, int((hold.start_s + 0.1) * SAMPLE_RATE) : int((hold.end_s - 0.1) * SAMPLE_RATE)
    ]
    assert level_at(during, CANDIDATE_HZ) > 0.9
