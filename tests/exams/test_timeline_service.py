"""The timeline behind HTTP, persisted: a whole title session with a fake clock, incidents,
a restart in the middle, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from server.core import audit
from server.core.clock import FakeClock
from server.core.config import Settings
from server.exams import timeline_service
from tests.harness import Harness, running_app

# PostgreSQL as well as SQLite: deadlines and timestamps as each database stores them
pytestmark = pytest.mark.postgres


def _advance(h: Harness, minutes: float) -> None:
    h.clock.advance(timedelta(minutes=minutes))
    h.call(timeline_service.advance_all, h.ctx)


def _state(h: Harness, who: str = "organiser") -> dict:
    h.login(who)
    r = h.client.get(f"/api/candidates/{h.day.ids['cand_a']}/timeline")
    assert r.status_code == 200, r.text
    return r.json()


def _post(h: Harness, who: str, action: str, body: dict | None = None) -> dict:
    h.login(who)
    r = h.client.post(f"/api/candidates/{h.day.ids['cand_a']}/timeline/{action}", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def test_whole_title_session_with_incidents_and_a_restart(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock) as h:
        cand = h.day
        _post(h, "organiser", "start")
        assert _state(h)["phase"] == "preparation"
        assert _state(h, "cand_a")["remaining_seconds"] == 3600
        _advance(h, 50)
        assert _state(h)["phases"][0]["warnings"] == [10]
        _advance(h, 10)  # the preparation's deadline: the calls start by themselves
        s = _state(h)
        assert (s["phase"], s["remaining_seconds"]) == ("appels", 90 * 60)
        _advance(h, 30)
        paused = _post(h, "client_a", "pause", {"reason": "Coupure réseau du poste"})
        assert paused["status"] == "paused" and paused["pause_reason"] == "Coupure réseau du poste"
        _advance(h, 7)  # the clock is stopped
        assert _state(h, "cand_a")["remaining_seconds"] == 60 * 60
        _post(h, "proctor", "resume")
        _post(h, "observer_a", "extend", {"minutes": 5, "reason": "Compensation de l'incident"})
        assert _state(h)["remaining_seconds"] == 65 * 60
        _advance(h, 20)
    # The server stops 20 minutes after the calls resumed (45 minutes left) and restarts 50
    # minutes later: the outage is given back (a pause from the stop to the restart, issue 15),
    # the calls still have 45 minutes; 50 minutes later the writing phase has run for 5.
    clock.advance(timedelta(minutes=50))
    with running_app(settings, clock, day=cand) as h:
        s = _state(h)
        assert (s["phase"], s["status"], s["remaining_seconds"]) == ("appels", "running", 45 * 60)
        assert s["phases"][1]["paused_seconds"] == (7 + 50) * 60
        _advance(h, 50)
        s = _state(h)
        assert s["phase"] == "redaction"
        assert s["remaining_seconds"] == 35 * 60
        calls = s["phases"][1]
        assert calls["paused_seconds"] == 57 * 60 and calls["extension_seconds"] == 5 * 60
        _advance(h, 35)
        s = _state(h)
        assert (s["phase"], s["status"]) == ("entretien_technique", "awaiting")
        _post(h, "observer_a", "interview/open")
        _advance(h, 34)
        s = _state(h)
        assert s["overrun_seconds"] == 4 * 60  # 30 planned, visible overrun
        _post(h, "observer_a", "interview/close")
        _post(h, "client_a", "interview/open")
        _advance(h, 20)
        assert _post(h, "client_a", "interview/close")["status"] == "finished"


def test_refusals_are_clear(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock) as h:
        base = f"/api/candidates/{h.day.ids['cand_a']}/timeline"
        h.login("organiser")
        r = h.client.post(f"{base}/pause", json={"reason": "x"})
        assert r.status_code == 409 and "commencé" in r.json()["detail"]
        r = h.client.post(f"{base}/extend", json={"minutes": 5, "reason": ""})
        assert r.status_code == 422  # reason mandatory
        assert h.client.put(f"{base}/accommodation", json={"tiers_temps": True}).status_code == 200
        assert h.client.post(f"{base}/start").status_code == 200
        r = h.client.put(f"{base}/accommodation", json={"extra_percent": 50})
        assert r.status_code == 409
        assert _state(h)["remaining_seconds"] == 80 * 60  # exactly one third more
        # Only the organiser starts a candidate; a candidate never pauses themself.
        h.login("client_a")
        assert h.client.post(f"{base}/start").status_code == 403
        h.login("cand_a")
        assert h.client.post(f"{base}/pause", json={"reason": "x"}).status_code == 403


def test_staggered_start_happens_at_the_planned_instant(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock) as h:
        h.login("organiser")
        at = (clock.now() + timedelta(minutes=15)).isoformat()
        base = f"/api/candidates/{h.day.ids['cand_b']}/timeline"
        assert h.client.put(f"{base}/plan", json={"planned_start": at}).status_code == 200
        _advance(h, 14)
        h.login("organiser")
        assert h.client.get(base).json()["status"] == "not_started"
        _advance(h, 3)  # the scheduler wakes late: the start is stamped at the planned instant
        h.login("organiser")
        state = h.client.get(base).json()
        assert state["status"] == "running"
        assert state["remaining_seconds"] == 58 * 60


def test_pages_hear_the_timeline_live(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock) as h:
        h.login("proctor")
        with h.client.websocket_connect("/ws") as ws:
            snap = ws.receive_json()
            cands = snap["state"]["exam"]["candidates"]
            assert set(cands) == {h.day.ids["cand_a"], h.day.ids["cand_b"]}
            assert cands[h.day.ids["cand_a"]]["timeline"]["status"] == "not_started"
            _post(h, "organiser", "start")
            event = ws.receive_json()
            while event["type"] != "timeline":
                event = ws.receive_json()
            assert event["candidate_id"] == h.day.ids["cand_a"]
            assert event["state"]["phase"] == "preparation"
            _advance(h, 50)
            kinds = []
            while "timeline.warning" not in kinds:
                kinds.append(ws.receive_json()["type"])


def test_lockdown_reports_reach_the_proctor_and_jury(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock) as h:
        h.login("cand_a")
        with h.client.websocket_connect("/ws") as cand_ws:
            cand_ws.receive_json()
            cand_ws.send_json(
                {
                    "type": "lockdown.report",
                    "kind": "paste",
                    "detail": "412 car.",
                    "request_id": "r",
                }
            )
            while cand_ws.receive_json().get("request_id") != "r":
                pass
        h.login("organiser")
        overview = h.client.get(f"/api/sessions/{h.day.session_id}/overview").json()
        incidents = overview["candidates"][h.day.ids["cand_a"]]["incidents"]
        assert [i["kind"] for i in incidents] == ["paste"]
        assert incidents[0]["label"] == "Collage de texte extérieur"


def test_every_timeline_action_is_in_the_audit_log_with_who_and_why(
    settings: Settings, clock: FakeClock
) -> None:
    async def rows(h: Harness) -> list[audit.AuditEntry]:
        async with h.ctx.db.session() as session:
            found = await session.scalars(
                select(audit.AuditEntry)
                .where(audit.AuditEntry.subject == h.day.ids["cand_a"])
                .where(audit.AuditEntry.action.startswith("timeline."))
                .order_by(audit.AuditEntry.id)
            )
            return list(found)

    async def verify(h: Harness) -> list[audit.AuditBreak]:
        async with h.ctx.db.session() as session:
            return (await audit.verify(session))[1]

    with running_app(settings, clock) as h:
        organiser = "organiser:" + h.login("organiser").get("/api/auth/me").json()["subject_id"]
        _post(h, "organiser", "start")
        _advance(h, 60)  # straight past the preparation's deadline: no warning is due any more
        _post(h, "client_a", "pause", {"reason": "Casque défectueux"})
        _post(h, "proctor", "resume")
        _post(h, "organiser", "extend", {"minutes": 3, "reason": "Temps perdu au changement"})
        got = [(r.action, r.actor) for r in h.call(rows, h)]
        ids = h.day.ids
        assert got == [
            ("timeline.phase_started", organiser),  # préparation, by the organiser
            ("timeline.phase_ended", "system:clock"),  # its deadline, by the scheduler
            ("timeline.phase_started", "system:clock"),  # the calls
            ("timeline.paused", f"juror:{ids['client_a']}"),
            ("timeline.resumed", f"proctor:{ids['proctor']}"),
            ("timeline.extended", organiser),
        ], "\n".join(map(str, got))
        paused, extended = h.call(rows, h)[3], h.call(rows, h)[5]
        assert paused.details["reason"] == "Casque défectueux"
        assert extended.details["minutes"] == 3
        assert extended.details["reason"] == "Temps perdu au changement"
        assert h.call(verify, h) == []


async def _start(scheduler: timeline_service.Scheduler) -> None:
    scheduler.start()


def _until(h: Harness, done: Callable[[dict], bool], within_s: float = 20.0) -> dict:
    """The state once `done` holds; `within_s` real seconds is generous for the scheduler's own
    work, and short of the 30 s it would once have slept before a deadline of the fake clock."""
    give_up = time.monotonic() + within_s
    while not done(state := _state(h)) and time.monotonic() < give_up:
        time.sleep(0.05)
    return state


def test_the_exam_clock_wakes_when_the_injected_clock_reaches_a_deadline(
    settings: Settings, clock: FakeClock
) -> None:
    """The scheduler sleeps on the app's clock: advancing a FakeClock wakes it for the warning
    and the deadline it reaches, with no `advance_all` from the test and no real wait."""
    with running_app(settings, clock) as h:
        _post(h, "organiser", "start")
        scheduler = timeline_service.Scheduler(h.ctx)
        h.call(_start, scheduler)
        try:
            h.clock.advance(timedelta(minutes=50))  # the ten-minute warning
            s = _until(h, lambda s: s["phases"][0]["warnings"] == [10])
            assert (s["phase"], s["phases"][0]["warnings"]) == ("preparation", [10])
            h.clock.advance(timedelta(minutes=10))  # the preparation's deadline
            assert _until(h, lambda s: s["phase"] == "appels")["phase"] == "appels"
        finally:
            h.call(scheduler.stop)
