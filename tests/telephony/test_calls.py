"""Calls through the exam: the state machine persisted, the screen pop before the answer,
outbound dialling, the wrap-up gate, pauses and the end of the phase — with a FakeMedia."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from server.core.clock import FakeClock
from server.core.config import Settings
from server.exams import timeline_service
from server.scenarios.pack.types import SimulationKind
from server.telephony import call_lifecycle
from server.telephony.call_state import CallAction, Party
from server.telephony.events import UNASSIGNED
from server.telephony.fake_media import FakeMedia
from tests.harness import Harness, running_app

PACK = "plateforme-horizon"
START_WAIT_S = 20.0  # generous: the timer's own work on a loaded machine, not the time-out


def _next(ws: Any, match: Any) -> dict[str, Any]:
    """The first message matching `match`, from what was already received or what comes;
    messages skipped on the way are kept for later calls."""
    backlog: list[dict[str, Any]] = ws.__dict__.setdefault("_plateau_backlog", [])
    for i, msg in enumerate(backlog):
        if match(msg):
            return backlog.pop(i)
    while True:
        msg = ws.receive_json()
        if match(msg):
            return msg
        backlog.append(msg)


def _reply(ws: Any, request_id: str) -> dict[str, Any]:
    return _next(ws, lambda m: m.get("request_id") == request_id)


def _until(ws: Any, kind: str) -> dict[str, Any]:
    return _next(ws, lambda m: m.get("type") == kind)


def _to_calls_phase(h: Harness) -> None:
    h.login("organiser")
    assert h.client.post(f"/api/candidates/{h.day.ids['cand_a']}/timeline/start").status_code == 200
    h.clock.advance(timedelta(minutes=60))
    h.call(timeline_service.advance_all, h.ctx)


def _sims(h: Harness, kind: SimulationKind) -> list[Any]:
    pack = h.ctx.packs[PACK]
    return [
        s
        for s in pack.for_format(h.ctx.titles["CRCD"].format("titre")).simulations
        if s.kind is kind
    ]


@pytest.fixture
def media(clock: FakeClock) -> FakeMedia:
    return FakeMedia(clock)  # the exam's clock: its recordings' times are the calls' times


def test_inbound_call_pops_the_record_then_relays_and_records(
    settings: Settings, clock: FakeClock, media: FakeMedia
) -> None:
    with running_app(settings, clock, pack_id=PACK, media=media) as h:
        cand = h.day.ids["cand_a"]
        sim = _sims(h, SimulationKind.INBOUND_CALL)[0]
        _to_calls_phase(h)
        h.login("client_a")
        client = h.client
        with client.websocket_connect("/ws") as juror_ws:
            juror_ws.receive_json()
            h.login("cand_a")
            with h.client.websocket_connect("/ws") as cand_ws:
                cand_ws.receive_json()
                juror_ws.send_json(
                    {
                        "type": "call.ring",
                        "candidate_id": cand,
                        "simulation_id": sim.id,
                        "request_id": "ring",
                    }
                )
                ring = _reply(juror_ws, "ring")
                assert ring["type"] == "ack", ring
                call_id = ring["result"]["id"]
                pop = _until(cand_ws, "call.screen_pop")
                assert pop["crm_record_id"] == sim.candidate.crm_record
                assert pop["number"] == sim.candidate.phone.display
                ringing = _until(cand_ws, "call")
                assert ringing["call"]["state"] == "sonnerie"
                assert pop["seq"] < ringing["seq"]  # the record pops before the phone rings

                h.clock.advance(4)  # four seconds of ringing
                cand_ws.send_json({"type": "call.answer", "call_id": call_id, "request_id": "a"})
                assert _reply(cand_ws, "a")["result"]["state"] == "en_ligne"
                assert media.room(cand).call is not None
                h.clock.advance(20)
                media.lose_worker(cand)  # the call's media worker dies: a second segment
                cand_ws.send_json({"type": "call.hold", "call_id": call_id, "request_id": "h"})
                assert _reply(cand_ws, "h")["result"]["state"] == "en_attente"
                assert media.room(cand).call.held
                h.clock.advance(30)
                cand_ws.send_json({"type": "call.resume", "call_id": call_id, "request_id": "r"})
                assert _reply(cand_ws, "r")["result"]["held_seconds"] == 30
                # The client juror hangs up; the candidate must now qualify the call.
                juror_ws.send_json({"type": "call.hangup", "call_id": call_id, "request_id": "x"})
                ended = _reply(juror_ws, "x")["result"]
                assert (ended["state"], ended["ended_by"], ended["needs_wrap_up"]) == (
                    "termine",
                    "client",
                    True,
                )
                juror_ws.send_json(
                    {
                        "type": "call.ring",
                        "candidate_id": cand,
                        "simulation_id": sim.id,
                        "request_id": "again",
                    }
                )
                refused = _reply(juror_ws, "again")
                assert refused["type"] == "error" and "clôturer" in refused["message"]
                cand_ws.send_json(
                    {
                        "type": "call.wrap_up",
                        "call_id": call_id,
                        "disposition": "traitee",
                        "note": "Horaires donnés.",
                        "request_id": "w",
                    }
                )
                assert _reply(cand_ws, "w")["result"]["disposition_label"] == "Demande traitée"
        h.login("observer_a")
        recs = h.client.get(f"/api/candidates/{cand}/recordings").json()
        # Both segments of the call are listed, in order: nothing recorded is lost.
        assert [r["call_id"] for r in recs] == [call_id, call_id]
        assert len({r["audio_url"] for r in recs}) == 2
        assert recs[0]["started_at"] <= recs[1]["started_at"]
        # The hold is in the evidence: in the second segment, from its start, 30 s.
        assert recs[0]["gaps"] == []
        assert recs[1]["gaps"] == [
            {
                "role": "both",
                "reason": "hold",
                "start_s": 0.0,
                "end_s": 30.0,
                "silent": False,
                "label": "mise en attente",
                "role_label": "les deux",
            }
        ]
        talk = recs[1]["analytics"]
        assert (talk["holds"], talk["hold_s"], talk["time_to_answer_s"]) == (1, 30.0, 4.0)
        assert talk["parties"]["candidate"]["talk_s"] == 0.0  # the fake media hears nothing
        calls = h.client.get(f"/api/candidates/{cand}/calls").json()
        assert calls[0]["disposition"] == "traitee"
        h.login("cand_a")
        assert h.client.get(f"/api/candidates/{cand}/recordings").status_code == 403


def test_outbound_dial_rings_the_juror_or_says_unassigned(
    settings: Settings, clock: FakeClock, media: FakeMedia
) -> None:
    with running_app(settings, clock, pack_id=PACK, media=media) as h:
        sim = _sims(h, SimulationKind.OUTBOUND_CALL)[0]
        _to_calls_phase(h)
        h.login("client_a")
        with h.client.websocket_connect("/ws") as juror_ws:
            juror_ws.receive_json()
            h.login("cand_a")
            with h.client.websocket_connect("/ws") as cand_ws:
                cand_ws.receive_json()
                cand_ws.send_json(
                    {"type": "call.dial", "number": "01 99 99 99 99", "request_id": "bad"}
                )
                bad = _reply(cand_ws, "bad")
                assert bad["result"] == {"unassigned": True, "message": UNASSIGNED}
                assert _until(cand_ws, "call.unassigned")["number"] == "01 99 99 99 99"
                cand_ws.send_json(
                    {"type": "call.dial", "number": sim.candidate.phone.display, "request_id": "ok"}
                )
                placed = _reply(cand_ws, "ok")["result"]
                assert placed["direction"] == "outbound" and placed["simulation_id"] == sim.id
                ring = _until(juror_ws, "call")
                assert ring["call"]["simulation_id"] == sim.id
                # The candidate cannot answer their own outbound call; the juror does.
                cand_ws.send_json(
                    {"type": "call.answer", "call_id": placed["id"], "request_id": "self"}
                )
                assert _reply(cand_ws, "self")["type"] == "error"
                juror_ws.send_json(
                    {"type": "call.answer", "call_id": placed["id"], "request_id": "j"}
                )
                assert _reply(juror_ws, "j")["result"]["state"] == "en_ligne"


def test_calls_are_refused_outside_the_calls_phase_and_paused_calls_are_held(
    settings: Settings, clock: FakeClock, media: FakeMedia
) -> None:
    with running_app(settings, clock, pack_id=PACK, media=media) as h:
        cand = h.day.ids["cand_a"]
        sim = _sims(h, SimulationKind.OUTBOUND_CALL)[0]
        h.login("organiser")
        h.client.post(f"/api/candidates/{cand}/timeline/start")
        h.login("cand_a")
        with h.client.websocket_connect("/ws") as ws:
            ws.receive_json()
            ws.send_json(
                {"type": "call.dial", "number": sim.candidate.phone.display, "request_id": "prep"}
            )
            refused = _reply(ws, "prep")
            assert refused["type"] == "error" and "Appels" in refused["message"]
        h.clock.advance(timedelta(minutes=60))
        h.call(timeline_service.advance_all, h.ctx)
        h.login("cand_a")
        with h.client.websocket_connect("/ws") as ws:
            ws.receive_json()
            ws.send_json(
                {"type": "call.dial", "number": sim.candidate.phone.display, "request_id": "d"}
            )
            call_id = _reply(ws, "d")["result"]["id"]
        h.call(
            call_lifecycle.act,
            h.ctx,
            call_id,
            CallAction.ANSWER,
            party=Party.CLIENT,
            actor="test",
        )
        h.login("proctor")
        h.client.post(f"/api/candidates/{cand}/timeline/pause", json={"reason": "Incident"})
        h.login("observer_a")
        calls = h.client.get(f"/api/candidates/{cand}/calls").json()
        assert calls[-1]["state"] == "en_attente" and media.room(cand).call.held
        h.login("proctor")
        h.client.post(f"/api/candidates/{cand}/timeline/resume")
        # The calls phase ends (90 min + pause): the call is ended by the system.
        h.clock.advance(timedelta(minutes=91))
        h.call(timeline_service.advance_all, h.ctx)
        h.login("observer_a")
        last = h.client.get(f"/api/candidates/{cand}/calls").json()[-1]
        assert (last["state"], last["ended_by"]) == ("termine", "system")
        assert media.room(cand).call is None


def test_a_ringing_call_is_missed_after_the_timeout(
    settings: Settings, clock: FakeClock, media: FakeMedia
) -> None:
    with running_app(settings, clock, pack_id=PACK, media=media) as h:
        sim = _sims(h, SimulationKind.INBOUND_CALL)[0]
        _to_calls_phase(h)
        h.login("client_a")
        with h.client.websocket_connect("/ws") as ws:
            ws.receive_json()
            ws.send_json(
                {
                    "type": "call.ring",
                    "candidate_id": h.day.ids["cand_a"],
                    "simulation_id": sim.id,
                    "request_id": "r",
                }
            )
            _reply(ws, "r")
        h.clock.advance(timedelta(seconds=settings.ring_timeout_s + 1))
        h.call(call_lifecycle.expire_ringing, h.ctx)
        h.login("observer_a")
        last = h.client.get(f"/api/candidates/{h.day.ids['cand_a']}/calls").json()[-1]
        assert (last["state"], last["needs_wrap_up"]) == ("manque", False)


def test_the_ring_time_out_fires_when_the_injected_clock_passes_it(
    settings: Settings, clock: FakeClock, media: FakeMedia
) -> None:
    """With the timers running, the ring time-out sleeps on the app's clock: advancing a
    FakeClock past it misses the call, with no real wait of it. The time-out is the
    centre's setting (`ring_timeout_s`, 45 s unless said), here 20 s."""
    timed = settings.model_copy(update={"background_tasks": True, "ring_timeout_s": 20.0})
    ring_timeout = timedelta(seconds=20)
    with running_app(timed, clock, pack_id=PACK, media=media) as h:
        sim = _sims(h, SimulationKind.INBOUND_CALL)[0]
        _to_calls_phase(h)
        cand = h.day.ids["cand_a"]
        with h.sockets("client_a") as (ws,):
            ws.send_json(
                {"type": "call.ring", "candidate_id": cand, "simulation_id": sim.id}
                | {"request_id": "r"}
            )
            assert _reply(ws, "r")["result"]["state"] == "sonnerie"
        (timer,) = h.ctx.services.ring_timeouts
        h.clock.advance(ring_timeout - timedelta(seconds=1))
        h.call(asyncio.sleep, 0.2)
        assert not timer.done()  # one second of the clock's time still to go
        h.clock.advance(timedelta(seconds=1))

        async def fired() -> None:
            await asyncio.wait_for(asyncio.shield(timer), START_WAIT_S)

        h.call(fired)
        h.login("observer_a")
        last = h.client.get(f"/api/candidates/{cand}/calls").json()[-1]
        assert (last["state"], last["ended_by"]) == ("manque", "system")


def test_only_the_candidates_client_juror_can_ring(
    settings: Settings, clock: FakeClock, media: FakeMedia
) -> None:
    with running_app(settings, clock, pack_id=PACK, media=media) as h:
        sim = _sims(h, SimulationKind.INBOUND_CALL)[0]
        _to_calls_phase(h)
        for who in ("observer_a", "client_b"):
            h.login(who)
            with h.client.websocket_connect("/ws") as ws:
                ws.receive_json()
                ws.send_json(
                    {
                        "type": "call.ring",
                        "candidate_id": h.day.ids["cand_a"],
                        "simulation_id": sim.id,
                        "request_id": "r",
                    }
                )
                assert _reply(ws, "r")["code"] == "forbidden", who


def test_a_call_the_media_plane_cannot_carry_is_refused_and_kept_as_an_incident(
    settings: Settings, clock: FakeClock
) -> None:
    from server.telephony.workers.admission import AdmittingMedia

    media = AdmittingMedia(FakeMedia(), capacity=1)
    with running_app(settings, clock, pack_id=PACK, media=media) as h:
        cand = h.day.ids["cand_a"]
        sim = _sims(h, SimulationKind.INBOUND_CALL)[0]
        _to_calls_phase(h)
        h.call(media.start_call, "another-candidate", "call-elsewhere", None)  # full now
        with h.sockets("proctor", "observer_a", "client_a", "cand_a") as sockets:
            proctor_ws, observer_ws, juror_ws, cand_ws = sockets
            juror_ws.send_json(
                {"type": "call.ring", "candidate_id": cand, "simulation_id": sim.id}
                | {"request_id": "ring"}
            )
            call_id = _reply(juror_ws, "ring")["result"]["id"]
            cand_ws.send_json({"type": "call.answer", "call_id": call_id, "request_id": "a"})
            refused = _reply(cand_ws, "a")
            assert refused["type"] == "error"
            assert "Capacité audio du serveur atteinte" in refused["message"]
            for ws in (proctor_ws, observer_ws, juror_ws):  # a technical incident, persisted
                incident = _until(ws, "incident")
                assert (incident["candidate_id"], incident["kind"]) == (cand, "media_refused")
                assert "Capacité audio du serveur atteinte" in incident["detail"]
            for ws in (observer_ws, juror_ws):  # and the jurors' phones say why
                alert = _until(ws, "media.alert")
                assert alert["message"].startswith("Capacité audio du serveur atteinte")
        h.login("observer_a")
        (call,) = h.client.get(f"/api/candidates/{cand}/calls").json()
        assert call["state"] == "sonnerie"  # the answer did not happen
        h.login("organiser")
        overview = h.client.get(f"/api/sessions/{h.day.session_id}/overview").json()
        (incident,) = overview["candidates"][cand]["incidents"]  # still there after a reload
        assert incident["label"] == "Appel refusé : audio du serveur indisponible"
        assert media.admission.active == {"another-candidate"}  # the refused call holds nothing


def test_a_call_ringing_when_the_server_stopped_is_missed_at_start_up(
    settings: Settings, clock: FakeClock, media: FakeMedia
) -> None:
    """The ring time-out is a deadline kept in the database (the call's start), not a timer in
    memory: after a restart the line is not left blocked."""
    with running_app(settings, clock, pack_id=PACK, media=media) as h:
        sim = _sims(h, SimulationKind.INBOUND_CALL)[0]
        _to_calls_phase(h)
        cand = h.day.ids["cand_a"]
        with h.sockets("client_a") as (ws,):
            ws.send_json(
                {"type": "call.ring", "candidate_id": cand, "simulation_id": sim.id}
                | {"request_id": "r"}
            )
            assert _reply(ws, "r")["result"]["state"] == "sonnerie"
        day = h.day
    clock.advance(timedelta(seconds=20))  # down for less than the time-out: still ringing
    with running_app(settings, clock, pack_id=PACK, media=FakeMedia(), day=day) as h:
        h.login("observer_a")
        assert h.client.get(f"/api/candidates/{cand}/calls").json()[-1]["state"] == "sonnerie"
    clock.advance(timedelta(seconds=settings.ring_timeout_s))  # passed while the server was down
    with running_app(settings, clock, pack_id=PACK, media=FakeMedia(), day=day) as h:
        h.login("observer_a")
        last = h.client.get(f"/api/candidates/{cand}/calls").json()[-1]
        assert (last["state"], last["ended_by"]) == ("manque", "system")
        h.login("client_a")
        with h.sockets("client_a") as (ws,):  # the line is free again
            ws.send_json(
                {"type": "call.ring", "candidate_id": cand, "simulation_id": sim.id}
                | {"request_id": "r2"}
            )
            assert _reply(ws, "r2")["result"]["state"] == "sonnerie"
