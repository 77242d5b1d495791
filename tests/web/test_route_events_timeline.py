"""The events of the timeline routes: a candidate's timeline goes to the candidate's page, the
jury and the session's staff; what the phase's end sets off (the calls ended, the simulations
not played, the replies frozen) follows it (tests/web/test_route_events.py guards that every
state-changing route has such a test)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from server.core.clock import FakeClock
from server.core.config import Settings
from server.scenarios.pack.types import SimulationKind
from server.telephony import call_control
from server.telephony.fake_media import FakeMedia
from tests.evaluation.support import PACK, who
from tests.events_check import command, covers_routes, verify_request
from tests.harness import running_app
from tests.telephony.test_calls import _sims, _to_calls_phase

# PostgreSQL as well as SQLite: every action once on PostgreSQL (tests/test_database_policy.py)
pytestmark = pytest.mark.postgres

EVERYONE = ("candidate:cand_a", "jury:cand_a", "staff:session")


def to(audiences: tuple[str, ...], *types: str) -> dict[str, list[str]]:
    return {audience: list(types) for audience in audiences}


@covers_routes(
    "PUT /api/candidates/{candidate_id}/timeline/plan",
    "PUT /api/candidates/{candidate_id}/timeline/accommodation",
    "POST /api/candidates/{candidate_id}/timeline/start",
    "POST /api/candidates/{candidate_id}/timeline/pause",
    "POST /api/candidates/{candidate_id}/timeline/resume",
    "POST /api/candidates/{candidate_id}/timeline/extend",
    "POST /api/candidates/{candidate_id}/timeline/end-phase",
    "POST /api/candidates/{candidate_id}/timeline/interview/open",
    "POST /api/candidates/{candidate_id}/timeline/interview/close",
)
def test_a_timeline_through_its_routes(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        orga, proctor, juror = who(h, "organiser"), who(h, "proctor"), who(h, "client_a")
        base = f"/api/candidates/{h.day.ids['cand_a']}/timeline"
        later = {"planned_start": (clock.now() + timedelta(minutes=30)).isoformat()}
        assert verify_request(h, orga, "PUT", f"{base}/plan", json=later) == {}
        third = {"tiers_temps": True, "note": "Tiers temps (MDPH)"}
        heard = verify_request(h, orga, "PUT", f"{base}/accommodation", json=third)
        assert heard == to(EVERYONE, "timeline")
        assert verify_request(h, orga, "POST", f"{base}/start") == to(EVERYONE, "timeline")
        pause = {"reason": "Coupure réseau"}
        heard = verify_request(h, proctor, "POST", f"{base}/pause", json=pause)
        assert heard == to(EVERYONE, "timeline")
        heard = verify_request(h, juror, "POST", f"{base}/resume")
        assert heard == to(EVERYONE, "timeline")
        more = {"minutes": 5, "reason": "Incident technique"}
        heard = verify_request(h, orga, "POST", f"{base}/extend", json=more)
        assert heard == to(EVERYONE, "timeline")
        stop = {"reason": "travail_termine", "comment": "Travail terminé en avance."}
        # The preparation ends: the calls phase starts.
        heard = verify_request(h, proctor, "POST", f"{base}/end-phase", json=stop)
        assert heard == to(EVERYONE, "timeline")
        # The calls end: the simulations not played are recorded (the jury's and the
        # session's boards of progress).
        heard = verify_request(h, orga, "POST", f"{base}/end-phase", json=stop)
        assert heard == {
            "candidate:cand_a": ["timeline"],
            "jury:cand_a": ["timeline", "simulations.progress"],
            "staff:session": ["timeline", "simulations.progress"],
        }
        # The writing ends: the replies are frozen (the jury's review).
        heard = verify_request(h, orga, "POST", f"{base}/end-phase", json=stop)
        assert heard == {**to(EVERYONE, "timeline"), "jury:cand_a": ["timeline", "writing.frozen"]}
        for _ in range(2):  # the technical interview, then the final one
            heard = verify_request(h, juror, "POST", f"{base}/interview/open")
            assert heard == to(EVERYONE, "timeline")
            heard = verify_request(h, juror, "POST", f"{base}/interview/close")
            assert heard == to(EVERYONE, "timeline")


@covers_routes("POST /api/candidates/{candidate_id}/timeline/close")
def test_closing_an_exam(settings: Settings, clock: FakeClock) -> None:
    """A closure ends the running phase as its deadline would (the calls' progress, the
    replies frozen); the candidate's page gets its own copy of the timeline, without the
    staff's comment."""
    with running_app(settings, clock, pack_id=PACK) as h:
        orga = who(h, "organiser")
        stop = {"reason": "travail_termine", "comment": "Travail terminé en avance."}
        close = {"reason": "abandon", "comment": "Le candidat quitte la salle."}
        a, b = (f"/api/candidates/{h.day.ids[c]}/timeline" for c in ("cand_a", "cand_b"))
        for base, phases in ((a, 1), (b, 2)):  # A in the calls, B in the writing
            assert orga.post(f"{base}/start").status_code == 200
            for _ in range(phases):
                assert orga.post(f"{base}/end-phase", json=stop).status_code == 200
        heard = verify_request(h, orga, "POST", f"{a}/close", json=close)
        assert heard == {
            "candidate:cand_a": ["timeline"],
            "jury:cand_a": ["timeline", "simulations.progress"],
            "staff:session": ["timeline", "simulations.progress"],
        }
        heard = verify_request(h, orga, "POST", f"{b}/close", json=close)
        assert heard == {
            "candidate:cand_b": ["timeline"],
            "jury:cand_b": ["timeline", "writing.frozen"],
            "staff:session": ["timeline"],
        }


@pytest.fixture(autouse=True)
def patient_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hold or a hang-up on a loaded machine is written, never left pending (whose
    `call.pending` events are another path, tested in tests/telephony/test_call_control.py)."""
    monkeypatch.setattr(call_control, "DB_PATIENCE_S", 60.0)


@covers_routes(
    "POST /api/candidates/{candidate_id}/timeline/pause",
    "POST /api/candidates/{candidate_id}/timeline/end-phase",
)
def test_a_pause_holds_the_live_call_and_the_phase_end_ends_it(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK, media=FakeMedia(clock)) as h:
        inbound = _sims(h, SimulationKind.INBOUND_CALL)[0]
        _to_calls_phase(h)
        orga, cid = who(h, "organiser"), h.day.ids["cand_a"]
        base = f"/api/candidates/{cid}/timeline"
        with h.sockets("client_a", "cand_a") as (juror, cand):
            ring = {"type": "call.ring", "candidate_id": cid, "simulation_id": inbound.id}
            call_id = command(juror, ring)["result"]["id"]
            command(cand, {"type": "call.answer", "call_id": call_id})
            heard = verify_request(h, orga, "POST", f"{base}/pause", json={"reason": "Malaise"})
            # The timeline, then the call on hold, to both sides of the phone.
            assert heard == {
                "candidate:cand_a": ["timeline", "call"],
                "jury:cand_a": ["timeline", "call"],
                "staff:session": ["timeline"],
            }
            assert orga.post(f"{base}/resume").status_code == 200
            stop = {"reason": "demande_jury", "comment": "Fin des appels."}
            heard = verify_request(h, orga, "POST", f"{base}/end-phase", json=stop)
            # The call is ended with the phase, then the simulations not played are recorded.
            assert heard == {
                "candidate:cand_a": ["timeline", "call"],
                "jury:cand_a": ["timeline", "call", "simulations.progress"],
                "staff:session": ["timeline", "simulations.progress"],
            }
