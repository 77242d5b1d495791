"""A media worker lost under a call (workers mode) is a technical incident of the candidate's
exam: on the organiser's and the proctor's consoles and the jurors' pages, persisted (it
is still there after a reload, and in the appeal archive with the other incidents), and
the jurors' phones say it. The port reports the failover; this is what the app makes of it."""

from __future__ import annotations

from datetime import timedelta

from server.core.clock import FakeClock
from server.core.config import Settings
from server.telephony.fake_media import FakeMedia
from server.telephony.media_incidents import on_media_failover
from server.telephony.workers.placement import Failover
from tests.harness import running_app

from .test_calls import _until


def test_a_failover_under_a_call_is_an_incident_on_every_console(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, media=FakeMedia()) as h:
        cand = h.day.ids["cand_a"]
        report = on_media_failover(h.ctx)
        lost_at = clock.now()
        moved = Failover(
            room_id=cand,
            call_id="call-7",
            lost_worker="local-8701-abc",
            why="process 4242 exited",
            lost_at=lost_at,
            resumed_at=lost_at + timedelta(seconds=0.4),
            moved_to="local-8702-abc",
        )
        h.login("organiser")  # the organiser's console follows one session
        with (
            h.client.websocket_connect(f"/ws?session={h.day.session_id}") as organiser_ws,
            h.sockets("proctor", "observer_a", "client_a") as others,
        ):
            organiser_ws.receive_json()  # its snapshot
            sockets = [organiser_ws, *others]
            h.call(report, moved)
            for ws in sockets:
                incident = _until(ws, "incident")
                assert (incident["candidate_id"], incident["kind"]) == (cand, "media_failover")
                assert incident["label"] == (
                    "Serveur audio perdu : appel rétabli sur un autre serveur"
                )
                assert "appel call-7" in incident["detail"] and "0.4 s" in incident["detail"]
            for ws in sockets[2:]:  # the jurors' phones say it as well
                alert = _until(ws, "media.alert")
                assert alert["message"].startswith("Serveur audio perdu : appel rétabli")
            h.call(report, Failover(**{**vars(moved), "resumed_at": None, "moved_to": None}))
            for ws in sockets[:2]:  # the consoles
                lost = _until(ws, "incident")
                assert lost["kind"] == "media_lost"
                assert lost["label"] == "Serveur audio perdu : aucun autre serveur disponible"
        h.login("organiser")
        overview = h.client.get(f"/api/sessions/{h.day.session_id}/overview").json()
        kinds = [i["kind"] for i in overview["candidates"][cand]["incidents"]]
        assert kinds == ["media_failover", "media_lost"]  # persisted: still there on reload


def test_a_failover_without_a_call_raises_no_incident(settings: Settings, clock: FakeClock):
    with running_app(settings, clock, media=FakeMedia()) as h:
        cand = h.day.ids["cand_a"]
        now = clock.now()
        event = Failover(cand, None, "w1", "connection refused", now, now, "w2")
        h.call(on_media_failover(h.ctx), event)  # the pages renegotiate; nothing was lost
        h.login("organiser")
        overview = h.client.get(f"/api/sessions/{h.day.session_id}/overview").json()
        assert overview["candidates"][cand]["incidents"] == []
