"""A call through the whole application with real WebRTC: probe peers (candidate 440 Hz,
client 1000 Hz, a listening observer) negotiate over the pages' WebSocket, the juror rings,
the candidate answers, the candidate's page reconnects mid-call, the call ends, and the stored
recording holds each party on its channel; then an outbound call the candidate dials, put on
hold and taken back (SQLite only: the media path is the subject)."""

from __future__ import annotations

import json
import time
from typing import Any

import av
import numpy as np
import pytest

from server.core.clock import FakeClock
from server.core.config import Settings
from server.scenarios.pack.types import SimulationKind
from server.telephony.audio import SAMPLE_RATE
from server.telephony.probe import (
    ProbePeer,
    dominant_frequency,
    level_at,
    level_in_mix,
    tone_signal,
)
from server.telephony.recorder import sha256_of
from tests.harness import Harness, running_app
from tests.telephony.test_calls import PACK, _reply, _sims, _to_calls_phase

CANDIDATE_HZ, CLIENT_HZ = 440.0, 1000.0


async def _probe(hz: float | None) -> ProbePeer:
    return ProbePeer(tone_signal(hz) if hz else None)


def _attach(h: Harness, ws: Any, probe: ProbePeer, candidate_id: str | None, rid: str) -> None:
    offer = h.call(probe.offer)
    msg: dict[str, Any] = {"type": "rtc.offer", "sdp": offer, "request_id": rid}
    if candidate_id:
        msg["candidate_id"] = candidate_id
    ws.send_json(msg)
    answer = _reply(ws, rid)
    assert answer["type"] == "ack", answer
    h.call(probe.accept, answer["result"]["sdp"])


def _heard(h: Harness, probe: ProbePeer, seconds: float = 0.8) -> np.ndarray:
    start = time.monotonic()
    time.sleep(seconds)
    return probe.pcm_since(start)


def _channels(path: Any) -> tuple[np.ndarray, np.ndarray]:
    """The recording's left (candidate) and right (client) channels, past its first 0.5 s."""
    with av.open(str(path)) as container:
        audio = np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)
    return audio[0, SAMPLE_RATE // 2 :], audio[1, SAMPLE_RATE // 2 :]


def _assert_each_party_on_its_channel(path: Any) -> None:
    left, right = _channels(path)
    assert level_at(left, CANDIDATE_HZ) > 0.5 and level_at(left, CLIENT_HZ) < 0.05
    assert level_at(right, CLIENT_HZ) > 0.5 and level_at(right, CANDIDATE_HZ) < 0.05


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_real_call_relays_mixes_reconnects_and_records(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cand = h.day.ids["cand_a"]
        sim = _sims(h, SimulationKind.INBOUND_CALL)[0]
        _to_calls_phase(h)
        sockets = h.sockets("client_a", "observer_a", "cand_a")
        with sockets as (client_ws, observer_ws, cand_ws):
            candidate = h.call(_probe, CANDIDATE_HZ)
            client = h.call(_probe, CLIENT_HZ)
            observer = h.call(_probe, None)
            _attach(h, cand_ws, candidate, None, "c")
            _attach(h, client_ws, client, cand, "k")
            _attach(h, observer_ws, observer, cand, "o")

            client_ws.send_json(
                {
                    "type": "call.ring",
                    "candidate_id": cand,
                    "simulation_id": sim.id,
                    "request_id": "ring",
                }
            )
            call_id = _reply(client_ws, "ring")["result"]["id"]
            cand_ws.send_json({"type": "call.answer", "call_id": call_id, "request_id": "a"})
            assert _reply(cand_ws, "a")["result"]["state"] == "en_ligne"
            time.sleep(0.5)
            assert abs(dominant_frequency(_heard(h, client)) - CANDIDATE_HZ) < 5
            assert abs(dominant_frequency(_heard(h, candidate)) - CLIENT_HZ) < 5
            mix = _heard(h, observer)
            assert level_in_mix(mix, CANDIDATE_HZ) > 0.2 and level_in_mix(mix, CLIENT_HZ) > 0.2

            # The candidate's page reloads: a new peer connection, the same call.
            h.call(candidate.close)
            time.sleep(0.5)
            candidate = h.call(_probe, CANDIDATE_HZ)
            _attach(h, cand_ws, candidate, None, "c2")
            time.sleep(0.6)
            assert abs(dominant_frequency(_heard(h, client)) - CANDIDATE_HZ) < 5

            client_ws.send_json({"type": "call.hangup", "call_id": call_id, "request_id": "x"})
            assert _reply(client_ws, "x")["result"]["state"] == "termine"
            for probe in (candidate, client, observer):
                h.call(probe.close)

        h.login("observer_a")
        (rec,) = h.client.get(f"/api/candidates/{cand}/recordings").json()
        path = settings.recordings_path / h.day.session_id / cand / f"{call_id}.ogg"
        assert rec["sha256"] == sha256_of(path)
        # The reload, as silence: one entry from the candidate's last packet to his first one
        # again (a busy machine may add others: a stalled loop, a late first packet).
        reloads = [g for g in rec["gaps"] if g["reason"] in ("reconnect", "connection_lost")]
        assert [(g["role"], g["silent"]) for g in reloads] == [("candidate", True)], rec["gaps"]
        assert reloads[0]["end_s"] - reloads[0]["start_s"] >= 0.5  # closed 0.5 s before
        partial = h.client.get(rec["audio_url"], headers={"Range": "bytes=0-99"})
        assert partial.status_code == 206 and len(partial.content) == 100
        assert partial.content == path.read_bytes()[:100]
        _assert_each_party_on_its_channel(path)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_real_outbound_call_the_candidate_dials_holds_and_takes_back(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cand = h.day.ids["cand_a"]
        sim = _sims(h, SimulationKind.OUTBOUND_CALL)[0]
        _to_calls_phase(h)
        with h.sockets("client_a", "cand_a") as (client_ws, cand_ws):
            candidate = h.call(_probe, CANDIDATE_HZ)
            client = h.call(_probe, CLIENT_HZ)
            _attach(h, cand_ws, candidate, None, "c")
            _attach(h, client_ws, client, cand, "k")

            number = sim.candidate.phone.display
            cand_ws.send_json({"type": "call.dial", "number": number, "request_id": "d"})
            call_id = _reply(cand_ws, "d")["result"]["id"]
            client_ws.send_json({"type": "call.answer", "call_id": call_id, "request_id": "a"})
            assert _reply(client_ws, "a")["result"]["state"] == "en_ligne"
            time.sleep(0.5)
            assert abs(dominant_frequency(_heard(h, client)) - CANDIDATE_HZ) < 5
            assert abs(dominant_frequency(_heard(h, candidate)) - CLIENT_HZ) < 5

            cand_ws.send_json({"type": "call.hold", "call_id": call_id, "request_id": "h"})
            assert _reply(cand_ws, "h")["result"]["state"] == "en_attente"
            time.sleep(0.3)
            on_hold = _heard(h, client)
            assert level_at(on_hold, CANDIDATE_HZ) < 0.05  # the customer no longer hears them
            assert level_at(_heard(h, candidate), CLIENT_HZ) < 0.05

            cand_ws.send_json({"type": "call.resume", "call_id": call_id, "request_id": "r"})
            assert _reply(cand_ws, "r")["result"]["state"] == "en_ligne"
            time.sleep(0.3)
            assert abs(dominant_frequency(_heard(h, client)) - CANDIDATE_HZ) < 5

            cand_ws.send_json({"type": "call.hangup", "call_id": call_id, "request_id": "x"})
            assert _reply(cand_ws, "x")["result"]["state"] == "termine"
            for probe in (candidate, client):
                h.call(probe.close)

        path = settings.recordings_path / h.day.session_id / cand / f"{call_id}.ogg"
        _assert_each_party_on_its_channel(path)
        sidecar = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        assert sidecar["parties"] == {
            "candidate": cand,
            "candidate_name": "Alice DURAND",
            "client": h.day.ids["client_a"],
            "client_name": "client_a",
            "simulation": sim.id,
        }
