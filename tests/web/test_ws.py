from __future__ import annotations

from typing import Literal

from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.events import candidate_audience, jury_audience
from server.web.messages import Message
from tests.harness import running_app


class Ping(Message):
    type: Literal["test.ping"] = "test.ping"
    text: str


def test_snapshot_then_numbered_events_then_resync(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock) as h:
        cand = h.day.ids["cand_a"]
        h.login("cand_a")
        with h.client.websocket_connect("/ws") as ws:
            snap = ws.receive_json()
            assert snap["type"] == "snapshot" and snap["seq"] == 1
            assert snap["me"]["subject_id"] == cand
            ws.send_json({"type": "time_sync", "client_time": 1234.5})
            reply = ws.receive_json()
            assert reply["type"] == "time" and reply["client_time"] == 1234.5
            assert reply["server_time"].startswith("2026-06-01T08:00:00")
            # A jury-only event never reaches the candidate; the candidate's own does, numbered.
            h.call(_publish, h, jury_audience(cand), Ping(text="secret jury"))
            h.call(_publish, h, candidate_audience(cand), Ping(text="pour vous"))
            event = ws.receive_json()
            assert event == {"type": "test.ping", "text": "pour vous", "seq": 2}
            ws.send_json({"type": "resync"})
            assert ws.receive_json()["seq"] == 1
            ws.send_json({"type": "nope"})
            err = ws.receive_json()
            assert err["type"] == "error" and err["code"] == "unknown_type"
            ws.send_json({"type": "time_sync"})
            assert ws.receive_json()["code"] == "invalid"


def test_jurors_hear_their_candidates_jury_events(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock) as h:
        h.login("observer_a")
        with h.client.websocket_connect("/ws") as ws:
            ws.receive_json()
            h.call(_publish, h, jury_audience(h.day.ids["cand_b"]), Ping(text="autre candidat"))
            h.call(_publish, h, jury_audience(h.day.ids["cand_a"]), Ping(text="votre candidat"))
            assert ws.receive_json()["text"] == "votre candidat"


async def _publish(h, audience, event) -> None:  # type: ignore[no-untyped-def]
    h.ctx.bus.publish(audience, event)
