"""Candidates' requests during the locked phases of a session that requires Safe Exam Browser:
refused (French page or JSON) and reported without the session's Config Key; let through with
it, in a header (SEB for Windows) or from SEB's JavaScript API (SEB for macOS/iOS)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.websockets import WebSocketDisconnect

from server.core.clock import FakeClock
from server.core.config import Settings
from server.exams import timeline_service
from server.exams.models import Incident
from server.lockdown.seb_check import CONFIG_KEY_HEADER, PAGE_KEY_HEADER, REFUSAL
from server.lockdown.seb_config import request_hash
from tests.harness import Harness, running_app

BASE = "http://testserver"


def _advance(h: Harness, minutes: float) -> None:
    h.clock.advance(timedelta(minutes=minutes))
    h.call(timeline_service.advance_all, h.ctx)


def _require_seb(h: Harness) -> str:
    """Turns SEB on for the session as the organiser; returns the Config Key."""
    h.login("organiser")
    r = h.client.put(
        f"/api/sessions/{h.day.session_id}/seb",
        json={"required": True, "quit_password": "sortie-2026"},
    )
    assert r.status_code == 200, r.text
    key: str = r.json()["config_key"]
    return key


def _start(h: Harness) -> str:
    cid = h.day.ids["cand_a"]
    h.login("organiser")
    assert h.client.post(f"/api/candidates/{cid}/timeline/start").status_code == 200
    return cid


def _seb_incidents(h: Harness, cid: str) -> int:
    async def count() -> int:
        async with h.ctx.db.session() as s:
            n = await s.scalar(
                select(func.count())
                .select_from(Incident)
                .where(Incident.candidate_id == cid, Incident.kind == "seb_missing")
            )
            return int(n or 0)

    result: int = h.call(count)
    return result


def _header(path: str, key: str) -> dict[str, str]:
    return {CONFIG_KEY_HEADER: request_hash(BASE + path, key)}


def test_without_seb_required_nothing_changes(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock) as h:
        cid = _start(h)
        _advance(h, 61)  # the calls phase
        c = h.login("cand_a")
        assert c.get("/candidat").status_code == 200
        assert c.get(f"/api/candidates/{cid}/timeline").json()["phase"] == "appels"
        with c.websocket_connect("/ws") as ws:
            assert ws.receive_json()["type"] == "snapshot"
        assert _seb_incidents(h, cid) == 0


def test_locked_phases_refuse_and_report_requests_without_the_key(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock) as h:
        key = _require_seb(h)
        cid = _start(h)
        timeline = f"/api/candidates/{cid}/timeline"
        c = h.login("cand_a")
        # The preparation is not locked: an ordinary browser still works.
        assert c.get("/candidat").status_code == 200
        assert c.get(timeline).status_code == 200
        h.login("proctor")
        with h.client.websocket_connect("/ws") as proctor_ws:
            proctor_ws.receive_json()
            _advance(h, 61)  # the calls phase: locked
            c = h.login("cand_a")
            page = c.get("/candidat")
            assert page.status_code == 403
            assert "text/html" in page.headers["content-type"]
            assert REFUSAL in page.text
            api = c.get(timeline)
            assert api.status_code == 403
            assert api.json()["detail"] == REFUSAL
            wrong = c.get(timeline, headers={CONFIG_KEY_HEADER: "0" * 64})
            assert wrong.status_code == 403
            # The staff hear of it at once, and only once a minute however many requests.
            event = proctor_ws.receive_json()
            while event["type"] != "incident":
                event = proctor_ws.receive_json()
            assert (event["candidate_id"], event["kind"]) == (cid, "seb_missing")
            assert event["label"] == "Requête sans Safe Exam Browser"
            assert event["detail"] == (
                "GET /candidat : sans Safe Exam Browser (aucune clé de configuration)"
            )
        assert _seb_incidents(h, cid) == 1
        h.clock.advance(timedelta(seconds=61))
        assert c.get(timeline).status_code == 403
        assert _seb_incidents(h, cid) == 2
        # Other people are not concerned.
        h.login("organiser")
        assert h.client.get(timeline).status_code == 200
        # With the key, the candidate works.
        c = h.login("cand_a")
        assert c.get("/candidat", headers=_header("/candidat", key)).status_code == 200
        ok = c.get(timeline, headers=_header(timeline, key))
        assert ok.status_code == 200
        assert ok.json()["phase"] == "appels"
        # The header of another URL is no proof for this one.
        assert c.get(timeline, headers=_header("/candidat", key)).status_code == 403


def test_the_writing_phase_is_locked_too_and_the_key_opens_it(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock) as h:
        key = _require_seb(h)
        cid = _start(h)
        _advance(h, 151)  # preparation + calls: the writing phase
        c = h.login("cand_a")
        timeline = f"/api/candidates/{cid}/timeline"
        assert c.get(timeline).status_code == 403
        assert c.get(timeline, headers=_header(timeline, key)).json()["phase"] == "redaction"
        _advance(h, 40)  # the writing ends: no longer locked
        assert c.get(timeline).status_code == 200


def test_the_javascript_api_key_of_the_page_is_a_proof(
    settings: Settings, clock: FakeClock
) -> None:
    """SEB for macOS/iOS sends no header; the page forwards SEB's JavaScript API value (the
    Config Key hashed with the candidate page's URL)."""
    with running_app(settings, clock) as h:
        key = _require_seb(h)
        cid = _start(h)
        _advance(h, 61)
        page_key = request_hash(f"{BASE}/candidat", key)
        c = h.login("cand_a")
        seb_agent = {"User-Agent": "Mozilla/5.0 (Macintosh) AppleWebKit/605 SEB/3.4"}
        assert c.get("/candidat", headers=seb_agent).status_code == 200  # the page's shell
        timeline = f"/api/candidates/{cid}/timeline"
        assert c.get(timeline, headers={PAGE_KEY_HEADER: page_key}).status_code == 200
        assert c.get(timeline, headers={PAGE_KEY_HEADER: "f" * 64}).status_code == 403
        with c.websocket_connect(f"/ws?seb={page_key}") as ws:
            assert ws.receive_json()["type"] == "snapshot"
        ws_header = {CONFIG_KEY_HEADER: request_hash("ws://testserver/ws", key)}
        with c.websocket_connect("/ws", headers=ws_header) as ws:
            assert ws.receive_json()["type"] == "snapshot"
        with pytest.raises(WebSocketDisconnect), c.websocket_connect("/ws") as ws:
            ws.receive_json()


def _until_closed(ws: Any) -> None:
    with pytest.raises(WebSocketDisconnect):
        while True:
            ws.receive_json()


def test_a_socket_opened_before_the_locked_phase_is_closed_when_it_starts(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock) as h:
        key = _require_seb(h)
        _start(h)
        _advance(h, 30)
        c = h.login("cand_a")
        page_key = request_hash(f"{BASE}/candidat", key)
        with (
            c.websocket_connect("/ws") as plain,
            c.websocket_connect(f"/ws?seb={page_key}") as proven,
        ):
            plain.receive_json()
            proven.receive_json()
            _advance(h, 31)  # the calls phase starts
            _until_closed(plain)  # reconnecting, it will have to prove SEB
            proven.send_json({"type": "resync"})
            msg = proven.receive_json()
            while msg["type"] != "snapshot":
                msg = proven.receive_json()
            assert msg["state"]["exam"]["timeline"]["phase"] == "appels"


def test_turning_seb_on_closes_the_candidates_unverified_sockets(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock) as h:
        c = h.login("cand_a")
        with c.websocket_connect("/ws") as ws:
            ws.receive_json()
            _require_seb(h)
            _until_closed(ws)
