"""Ring time-outs across replicas (issue 21): the call rang on a replica that died with its
timer; the leader's sweep misses it once, after the time-out and a grace left to a living
replica's own timer."""

from __future__ import annotations

from datetime import timedelta

from server.core.clock import FakeClock
from server.core.config import Settings
from server.scenarios.pack.types import SimulationKind
from server.telephony import ring_sweep
from server.telephony.fake_media import FakeMedia
from tests.harness import running_app
from tests.telephony.test_calls import PACK, _reply, _sims, _to_calls_phase


def test_the_leader_misses_a_call_left_ringing_once(settings: Settings, clock: FakeClock) -> None:
    settings = settings.model_copy(update={"ring_timeout_s": 12.0})  # the centre's time-out
    with running_app(settings, clock, pack_id=PACK, media=FakeMedia()) as h:
        sim = _sims(h, SimulationKind.INBOUND_CALL)[0]
        cand = h.day.ids["cand_a"]
        _to_calls_phase(h)
        h.login("client_a")
        with h.client.websocket_connect("/ws") as ws:
            ws.receive_json()
            ring = {"type": "call.ring", "candidate_id": cand, "simulation_id": sim.id}
            ws.send_json({**ring, "request_id": "r"})
            _reply(ws, "r")
        h.clock.advance(timedelta(seconds=12 + 1))
        assert h.call(ring_sweep.sweep_ringing, h.ctx) == 0  # the ringing replica's turn
        h.clock.advance(ring_sweep.GRACE)
        assert h.call(ring_sweep.sweep_ringing, h.ctx) == 1
        assert h.call(ring_sweep.sweep_ringing, h.ctx) == 0
        h.login("observer_a")
        calls = h.client.get(f"/api/candidates/{cand}/calls").json()
        assert [c["state"] for c in calls] == ["manque"]
