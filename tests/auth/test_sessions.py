"""Sessions end when they should: renewing a code, signing out, changing the organiser's
password or removing a person revokes every cookie issued before and closes the person's open
pages (WebSocket close 4401), while everyone else stays connected."""

from __future__ import annotations

import threading
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import delete
from starlette.websockets import WebSocketDisconnect

from server.auth import service as auth_service
from server.auth.lifecycle import check_revocations
from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.tokens import CSRF_COOKIE, SESSION_COOKIE
from server.exams.models import Participant
from tests.harness import ORGANISER_PASSWORD, Harness, running_app

STARTUP_WAIT_S = 30.0  # generous: only bounds a hang, the close is sent at the commit


def _close_code(ws: Any) -> int:
    """Reads the socket until the server closes it; returns the close code."""
    outcome: dict[str, Any] = {}

    def read() -> None:
        try:
            while True:
                ws.receive_json()
        except WebSocketDisconnect as exc:
            outcome["code"] = exc.code
        except Exception as exc:  # noqa: BLE001 - reported below
            outcome["error"] = exc

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(STARTUP_WAIT_S)
    assert "code" in outcome, f"waited for the server to close the revoked socket: {outcome}"
    return int(outcome["code"])


def _browser(h: Harness, who: str) -> TestClient:
    """Another browser (its own cookies) signed in as `who`."""
    client = TestClient(h.client.app, base_url="http://testserver")
    if who == "organiser":
        r = client.post(
            "/api/auth/password", json={"username": "orga", "password": ORGANISER_PASSWORD}
        )
    else:
        r = client.post("/api/auth/code", json={"code": h.day.codes[who]})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = client.cookies[CSRF_COOKIE]
    return client


def _still_valid(h: Harness, cookie: str) -> bool:
    client = TestClient(h.client.app, base_url="http://testserver")
    client.cookies.set(SESSION_COOKIE, cookie)
    return client.get("/api/auth/me").status_code == 200


def test_renewing_a_code_revokes_the_old_cookie_and_closes_the_page(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock) as h:
        other = _browser(h, "cand_b")
        h.login("cand_a")
        cookie = h.client.cookies[SESSION_COOKIE]
        with h.client.websocket_connect("/ws") as ws, other.websocket_connect("/ws") as ws_b:
            ws.receive_json()
            ws_b.receive_json()
            orga = _browser(h, "organiser")
            sid, cid = h.day.session_id, h.day.ids["cand_a"]
            r = orga.post(f"/api/sessions/{sid}/participants/{cid}/code")
            assert r.status_code == 201, r.text
            assert _close_code(ws) == 4401
            assert not _still_valid(h, cookie)
            # Another candidate is untouched: cookie and socket.
            assert other.get("/api/auth/me").status_code == 200
            ws_b.send_json({"type": "time_sync", "client_time": 1, "request_id": "t"})
            assert ws_b.receive_json()["type"] == "time"
        # The new code signs in; the old one no longer does.
        h.client.cookies.clear()
        assert h.client.post("/api/auth/code", json={"code": r.json()["code"]}).status_code == 200
        old = h.client.post("/api/auth/code", json={"code": h.day.codes["cand_a"]})
        assert old.status_code == 401


def test_signing_out_ends_every_session_of_the_person(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock) as h:
        h.login("client_a")
        first = h.client.cookies[SESSION_COOKIE]
        second_browser = _browser(h, "client_a")
        with h.client.websocket_connect("/ws") as ws:
            ws.receive_json()
            assert second_browser.post("/api/auth/logout").status_code == 204
            assert _close_code(ws) == 4401
        assert not _still_valid(h, first)
        assert second_browser.get("/api/auth/me").status_code == 401
        # Signing in again works (a fresh cookie of the new generation).
        h.login("client_a")
        assert h.client.get("/api/auth/me").status_code == 200


def test_removing_a_person_revokes_their_sessions(settings: Settings, clock: FakeClock) -> None:
    """What the removal of a person (issue 17a) calls before deleting them."""
    with running_app(settings, clock) as h:
        h.login("proctor")
        cookie = h.client.cookies[SESSION_COOKIE]
        pid = h.day.ids["proctor"]

        async def remove() -> None:
            async with h.ctx.db.session() as s:
                await auth_service.revoke_sessions(
                    s,
                    subject_id=pid,
                    actor="organiser:test",
                    clock=h.ctx.clock,
                    reason="personne retirée de la session",
                    live=h.ctx.live_sessions,
                )
                await s.execute(delete(Participant).where(Participant.id == pid))
                await s.commit()

        with h.client.websocket_connect("/ws") as ws:
            ws.receive_json()
            h.call(remove)
            assert _close_code(ws) == 4401
        assert not _still_valid(h, cookie)
        assert h.ctx.live_sessions.open_count(pid) == 0


def test_a_revocation_rolled_back_closes_nothing(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock) as h:
        h.login("cand_a")
        cid = h.day.ids["cand_a"]

        async def revoke_then_roll_back() -> None:
            async with h.ctx.db.session() as s:
                await auth_service.revoke_sessions(
                    s,
                    subject_id=cid,
                    actor="test",
                    clock=h.ctx.clock,
                    reason="essai",
                    live=h.ctx.live_sessions,
                )
                await s.rollback()

        with h.client.websocket_connect("/ws") as ws:
            ws.receive_json()
            h.call(revoke_then_roll_back)
            ws.send_json({"type": "time_sync", "client_time": 1, "request_id": "t"})
            assert ws.receive_json()["type"] == "time"
        assert h.client.get("/api/auth/me").status_code == 200


def test_the_organiser_changing_the_password_ends_the_other_sessions(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock) as h:
        elsewhere = _browser(h, "organiser")
        h.login("organiser")
        with elsewhere.websocket_connect("/ws") as ws:
            ws.receive_json()
            wrong = h.client.post(
                "/api/auth/account/password",
                json={"current_password": "pas-le-bon-1", "new_password": "nouveau-secret-42"},
            )
            assert wrong.status_code == 400 and "incorrect" in wrong.json()["detail"]
            r = h.client.post(
                "/api/auth/account/password",
                json={
                    "current_password": ORGANISER_PASSWORD,
                    "new_password": "nouveau-secret-42",
                },
            )
            assert r.status_code == 200, r.text
            assert _close_code(ws) == 4401
        assert elsewhere.get("/api/auth/me").status_code == 401
        assert h.client.get("/api/auth/me").status_code == 200  # this browser: a new cookie
        login = {"username": "orga", "password": ORGANISER_PASSWORD}
        assert h.client.post("/api/auth/password", json=login).status_code == 401
        login["password"] = "nouveau-secret-42"
        assert h.client.post("/api/auth/password", json=login).status_code == 200
        # Signing out ends the organiser's sessions too.
        h.client.headers["X-CSRF-Token"] = h.client.cookies[CSRF_COOKIE]
        cookie = h.client.cookies[SESSION_COOKIE]
        assert h.client.post("/api/auth/logout").status_code == 204
        assert not _still_valid(h, cookie)


def test_a_revocation_made_by_another_process_closes_the_page_too(
    settings: Settings, clock: FakeClock
) -> None:
    """A `plateau` command (or another web process) raises the generation in the database;
    the server's watch (every second in production; one pass here) closes the page."""
    with running_app(settings, clock) as h:
        h.login("observer_a")
        oid = h.day.ids["observer_a"]

        async def elsewhere() -> None:
            async with h.ctx.db.session() as s:  # no `live`: as another process would
                await auth_service.revoke_sessions(
                    s, subject_id=oid, actor="cli", clock=h.ctx.clock, reason="essai"
                )
                await s.commit()

        other = _browser(h, "cand_a")
        with h.client.websocket_connect("/ws") as ws:
            ws.receive_json()
            with other.websocket_connect("/ws") as ws_other:
                ws_other.receive_json()
                h.call(elsewhere)
                assert h.call(check_revocations, h.ctx) == 1
                assert _close_code(ws) == 4401
                ws_other.send_json({"type": "time_sync", "client_time": 1, "request_id": "t"})
                assert ws_other.receive_json()["type"] == "time"
