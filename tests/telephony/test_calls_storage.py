"""A call whose recordings' disk fills up (or refuses) mid-call, through the whole application
with real WebRTC (probe peers): an incident on the organiser's, the proctor's and the jurors'
consoles, the call held, resumed and hung up as usual, the recording resumed when space comes
back, and the loss stated in the sidecar and the recordings API. Once with a failing disk
injected, once on a real 2 MB tmpfs (root only). Also: hold, resume and hang-up of a call the
media plane lost (the old « no call to end » dead end). SQLite only: the media path is the
subject."""

from __future__ import annotations

import json
import shutil
import time
from typing import Any

import pytest

from server.core.clock import FakeClock
from server.core.config import Settings
from server.scenarios.pack.types import SimulationKind
from server.telephony import media_incidents
from server.telephony.aiortc_media import AiortcMedia
from server.telephony.fake_media import FakeMedia
from server.telephony.models import CallRow
from server.telephony.storage import fallback_for
from tests.harness import Harness, running_app
from tests.telephony.storage_faults import FlakyDisk, can_mount, fill, small_tmpfs
from tests.telephony.test_calls import PACK, _next, _reply, _sims, _to_calls_phase, _until
from tests.telephony.test_calls_media import CANDIDATE_HZ, CLIENT_HZ, _attach, _probe

WAIT_S = 60  # generous, for a busy machine; nothing here is a timing assertion
DISK_FULL_FR = "Enregistrement interrompu : disque plein"


def _incident(ws: Any, kind: str) -> dict[str, Any]:
    return _next(ws, lambda m: m.get("type") == "incident" and m.get("kind") == kind)


def _send(ws: Any, msg: dict[str, Any], rid: str) -> dict[str, Any]:
    ws.send_json({**msg, "request_id": rid})
    reply = _reply(ws, rid)
    assert reply["type"] == "ack", reply
    return dict(reply["result"])


def _start_call(h: Harness, client_ws: Any, cand_ws: Any) -> tuple[str, list[Any]]:
    cand = h.day.ids["cand_a"]
    sim = _sims(h, SimulationKind.INBOUND_CALL)[0]
    candidate = h.call(_probe, CANDIDATE_HZ)
    client = h.call(_probe, CLIENT_HZ)
    _attach(h, cand_ws, candidate, None, "c")
    _attach(h, client_ws, client, cand, "k")
    ring = {"type": "call.ring", "candidate_id": cand, "simulation_id": sim.id}
    call_id = _send(client_ws, ring, "ring")["id"]
    answer = {"type": "call.answer", "call_id": call_id}
    assert _send(cand_ws, answer, "a")["state"] == "en_ligne"
    return call_id, [candidate, client]


def _state(h: Harness, call_id: str) -> str:
    async def read() -> str:
        async with h.ctx.db.session() as session:
            row = await session.get(CallRow, call_id)
            assert row is not None
            return row.state

    return str(h.call(read))


def _wait(predicate: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_disk_full_mid_call_is_an_incident_everywhere_and_the_call_goes_on(
    settings: Settings, clock: FakeClock
) -> None:
    disk = FlakyDisk()
    media = AiortcMedia(open_file=disk.open_file)
    with running_app(settings, clock, pack_id=PACK, media=media) as h:
        media.on_storage = media_incidents.on_recording_storage(h.ctx)
        cand = h.day.ids["cand_a"]
        _to_calls_phase(h)
        who = ("organiser", "proctor", "observer_a", "client_a", "cand_a")
        with h.sockets(*who) as (orga_ws, proctor_ws, observer_ws, client_ws, cand_ws):
            call_id, probes = _start_call(h, client_ws, cand_ws)
            time.sleep(1.5)
            disk.give(0)  # the disk is full from now on
            for ws in (orga_ws, proctor_ws, observer_ws, client_ws):
                incident = _incident(ws, "recording_disk_full")
                assert incident["label"] == DISK_FULL_FR
                assert call_id in incident["detail"] and "L'appel continue" in incident["detail"]
            alert = _until(client_ws, "media.alert")
            assert alert["message"].startswith(DISK_FULL_FR)

            # The call itself goes on: hold, resume, as usual.
            hold = {"type": "call.hold", "call_id": call_id}
            assert _send(cand_ws, hold, "h")["state"] == "en_attente"
            resume = {"type": "call.resume", "call_id": call_id}
            assert _send(cand_ws, resume, "r")["state"] == "en_ligne"
            time.sleep(1.0)
            disk.give(None)  # space is back: the recorder resumes
            assert "repris" in _incident(orga_ws, "recording_resumed")["detail"]
            time.sleep(1.0)
            hangup = {"type": "call.hangup", "call_id": call_id}
            assert _send(client_ws, hangup, "x")["state"] == "termine"
            for probe in probes:
                h.call(probe.close)

        h.login("observer_a")
        (rec,) = h.client.get(f"/api/candidates/{cand}/recordings").json()
        (lost,) = [g for g in rec["gaps"] if g["reason"] == "disk_full"]
        assert lost["role"] == "both" and lost["silent"] is True  # named on the timeline
        sidecar = h.client.get(rec["sidecar_url"]).json()
        (gap,) = sidecar["storage"]["write_gaps"]
        assert gap["reason"] == "disk_full" and gap["silent"] is True
        assert gap["end_s"] - gap["start_s"] >= 0.9
        assert sidecar["storage"]["frames_lost"] == round((gap["end_s"] - gap["start_s"]) * 50)
        assert lost["start_s"] == pytest.approx(gap["start_s"], abs=0.021)
        assert lost["end_s"] == pytest.approx(gap["end_s"], abs=0.021)


@pytest.mark.skipif(not can_mount(), reason="a small disk needs a tmpfs (root)")
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_real_tmpfs_filled_mid_call_then_a_hang_up_while_it_is_still_full(
    settings: Settings, clock: FakeClock, tmp_path: Any
) -> None:
    with small_tmpfs(tmp_path / "small", size="2m") as small:
        settings.recordings_dir = small / "rec"
        with running_app(settings, clock, pack_id=PACK) as h:
            cand = h.day.ids["cand_a"]
            _to_calls_phase(h)
            with h.sockets("organiser", "client_a", "cand_a") as (orga_ws, client_ws, cand_ws):
                call_id, probes = _start_call(h, client_ws, cand_ws)
                time.sleep(1.0)
                filler = fill(small, leave=0)
                assert _incident(orga_ws, "recording_disk_full")["label"] == DISK_FULL_FR
                hangup = {"type": "call.hangup", "call_id": call_id}
                assert _send(client_ws, hangup, "x")["state"] == "termine"
                for probe in probes:
                    h.call(probe.close)
            h.login("observer_a")
            (rec,) = h.client.get(f"/api/candidates/{cand}/recordings").json()
            assert "disk_full" in {g["reason"] for g in rec["gaps"]}
            sidecar_path = settings.recordings_path / h.day.session_id / cand / f"{call_id}.json"
            filler.unlink()  # space is back: the sidecar waiting for it is written
            _wait(sidecar_path.exists, "the sidecar written once space is back")
            sidecar = json.loads(sidecar_path.read_text(encoding="utf-8"))
            (gap,) = sidecar["storage"]["write_gaps"]
            assert gap["silent"] is False and gap["end_s"] == sidecar["duration_s"]
            assert shutil.disk_usage(small).free > 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_fallback_directory_takes_the_recording_and_the_jury_plays_it(
    settings: Settings, clock: FakeClock, tmp_path: Any
) -> None:
    settings.recordings_fallback_dir = tmp_path / "secours"
    disk = FlakyDisk(free=8_000)  # the first directory fills up almost at once
    fallback = FlakyDisk()

    def open_file(path: Any, keep: int) -> Any:
        target = fallback if path.is_relative_to(tmp_path / "secours") else disk
        return target.open_file(path, keep)

    media = AiortcMedia(open_file=open_file, fallback_of=lambda p: fallback_for(settings, p))
    with running_app(settings, clock, pack_id=PACK, media=media) as h:
        media.on_storage = media_incidents.on_recording_storage(h.ctx)
        cand = h.day.ids["cand_a"]
        _to_calls_phase(h)
        with h.sockets("organiser", "client_a", "cand_a") as (orga_ws, client_ws, cand_ws):
            call_id, probes = _start_call(h, client_ws, cand_ws)
            assert "sans perte" in _incident(orga_ws, "recording_fallback")["detail"]
            time.sleep(1.0)
            hangup = {"type": "call.hangup", "call_id": call_id}
            assert _send(client_ws, hangup, "x")["state"] == "termine"
            for probe in probes:
                h.call(probe.close)
        h.login("observer_a")
        (rec,) = h.client.get(f"/api/candidates/{cand}/recordings").json()
        assert not [g for g in rec["gaps"] if g["reason"] in ("disk_full", "write_error")]
        audio = h.client.get(rec["audio_url"])
        assert audio.status_code == 200 and audio.content[:4] == b"OggS"
        moved = tmp_path / "secours" / h.day.session_id / cand / f"{call_id}.ogg"
        assert moved.read_bytes() == audio.content
        assert h.client.get(rec["sidecar_url"]).json()["storage"]["moved_to_fallback"] is True


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_call_the_media_plane_lost_is_still_held_resumed_paused_and_hung_up(
    settings: Settings, clock: FakeClock
) -> None:
    media = FakeMedia()
    with running_app(settings, clock, pack_id=PACK, media=media) as h:
        cand = h.day.ids["cand_a"]
        sim = _sims(h, SimulationKind.INBOUND_CALL)[0]
        _to_calls_phase(h)
        with h.sockets("client_a", "cand_a") as (client_ws, cand_ws):
            ring = {"type": "call.ring", "candidate_id": cand, "simulation_id": sim.id}
            call_id = _send(client_ws, ring, "ring")["id"]
            assert _send(cand_ws, {"type": "call.answer", "call_id": call_id}, "a")
            media.room(cand).call = None  # the media plane lost the call (worker, recorder…)
            hold = {"type": "call.hold", "call_id": call_id}
            assert _send(cand_ws, hold, "h")["state"] == "en_attente"
            resume = {"type": "call.resume", "call_id": call_id}
            assert _send(cand_ws, resume, "r")["state"] == "en_ligne"
            h.login("organiser")
            paused = h.client.post(f"/api/candidates/{cand}/timeline/pause", json={"reason": "x"})
            assert paused.status_code == 200, paused.text
            assert _state(h, call_id) == "en_attente"  # the pause holds it
            hangup = {"type": "call.hangup", "call_id": call_id}
            ended = _send(client_ws, hangup, "x")
            assert ended["state"] == "termine" and ended["ended_by"] == "client"
