"""Authorisation is data: every route declares who may use it, and every route refuses
everyone else. This walks every HTTP route and every WebSocket command with every role."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute, APIWebSocketRoute
from starlette.routing import Mount

from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.identity import Role
from server.exams import setup
from server.exams.models import ExamSession
from server.web.access import Allow, Public, Scope
from tests.harness import Harness, running_app

# Who we sign in as for each role; the path always names candidate A and A's session.
AS_ROLE = {
    Role.ORGANISER: "organiser",
    Role.PROCTOR: "proctor",
    Role.JUROR: "client_a",
    Role.CANDIDATE: "cand_a",
}
# People who hold the right role but not the right scope for candidate A.
OUT_OF_SCOPE = {Role.JUROR: "client_b", Role.CANDIDATE: "cand_b"}


def all_routes(routes: list[Any]) -> list[Any]:
    """Flattens included routers (routers are included without an extra prefix)."""
    out = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        out.extend(all_routes(inner.routes) if inner is not None else [route])
    return out


def _markers(route: APIRoute) -> list[Allow | Public]:
    found = []
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if isinstance(dep.call, Allow | Public):
            found.append(dep.call)
        stack.extend(dep.dependencies)
    return found


def _sample_params(h: Harness) -> dict[str, str]:
    return {
        "session_id": h.day.session_id,
        "candidate_id": h.day.ids["cand_a"],
        "participant_id": h.day.ids["cand_a"],
        "juror_id": h.day.ids["client_a"],
        "simulation_id": "sim-1",
        "task_id": "task-1",
        "call_id": "call-1",
        "recording_id": "rec-1",
        "snapshot_id": "snap-1",
        "note_id": "note-1",
        "record_id": "rec-1",
        "filename": "x",
        "path": "x",
        "question_id": "q-1",
        "part": "s1",
        "competence": "CP1",
        "criterion": "1",
        "topic": "final",
        "person_id": "person-1",
        "document_id": "doc-1",
    }


def _credentials(h: Harness, labels: list[str] | None = None) -> dict[str, dict[str, str]]:
    creds = {}
    for label in labels or {*AS_ROLE.values(), *OUT_OF_SCOPE.values()}:
        h.login(label)
        token = h.client.cookies["plateau_session"]
        csrf = h.client.cookies["plateau_csrf"]
        creds[label] = {
            "Cookie": f"plateau_session={token}; plateau_csrf={csrf}",
            "X-CSRF-Token": csrf,
        }
    h.client.cookies.clear()
    h.client.headers.pop("X-CSRF-Token", None)
    if labels is None:
        h.__dict__["_walk_creds"] = creds
    return creds


def _request(h: Harness, route: APIRoute, headers: dict[str, str] | None) -> int:
    path = route.path_format.format(**_sample_params(h))
    method = sorted(route.methods - {"HEAD"})[0]
    h.client.cookies.clear()
    kwargs: dict[str, Any] = {"headers": headers or {}}
    if method in {"POST", "PUT", "PATCH"}:
        kwargs["json"] = {}
    status = h.client.request(method, path, **kwargs).status_code
    if method not in {"GET", "HEAD"} and status < 400 and headers:
        _renew_revoked(h, headers)  # signing out, renewing a code… end sessions: sign in again
    return status


def _renew_revoked(h: Harness, headers: dict[str, str]) -> None:
    creds = h.__dict__["_walk_creds"]

    async def current_codes() -> dict[str, str]:
        async with h.ctx.db.session() as s:
            exam = await s.get(ExamSession, h.day.session_id)
            assert exam is not None
            lines = await setup.access_codes(s, exam=exam, secret=h.ctx.settings.secret_key)
        return {line.participant_id: line.code for line in lines}

    codes = h.call(current_codes)  # a renewed code is the one to sign in with now
    h.day.codes.update({label: codes[pid] for label, pid in h.day.ids.items() if pid in codes})
    for label, cred in creds.items():
        h.client.cookies.clear()
        if h.client.get("/api/auth/me", headers=cred).status_code == 401:
            creds[label] = _credentials(h, [label])[label]
    h.client.cookies.clear()


def test_every_route_declares_who_may_use_it(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock) as h:
        for route in all_routes(h.client.app.routes):  # type: ignore[attr-defined]
            if isinstance(route, Mount):
                assert route.path == "/static", f"unexpected mount {route.path}"
                continue
            if isinstance(route, APIWebSocketRoute):
                continue  # the socket authenticates itself; its commands are walked below
            assert isinstance(route, APIRoute), route
            markers = _markers(route)
            assert len(markers) == 1, (
                f"{route.path} declares {markers}: exactly one of allow/public"
            )


def test_every_route_refuses_the_roles_it_does_not_list(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock) as h:
        creds = _credentials(h)
        checked = 0
        for route in all_routes(h.client.app.routes):  # type: ignore[attr-defined]
            if not isinstance(route, APIRoute):
                continue
            (marker,) = _markers(route)
            if isinstance(marker, Public):
                continue
            where = f"{sorted(route.methods)} {route.path}"
            assert _request(h, route, None) == 401, f"{where} lets an anonymous caller in"
            for role, label in AS_ROLE.items():
                status = _request(h, route, creds[label])
                if role in marker.roles:
                    assert status not in (401, 403), f"{where} refuses {role} ({status})"
                else:
                    assert status == 403, f"{where} lets {role} in ({status})"
            if marker.scope is Scope.CANDIDATE:
                for role, label in OUT_OF_SCOPE.items():
                    if role in marker.roles:
                        status = _request(h, route, creds[label])
                        assert status == 403, f"{where} lets another {role} reach candidate A"
            checked += 1
        assert checked >= 2


def test_every_websocket_command_refuses_the_roles_it_does_not_list(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock) as h:
        for role, label in AS_ROLE.items():
            h.login(label)
            with h.client.websocket_connect("/ws") as ws:
                assert ws.receive_json()["type"] == "snapshot"
                for type_name, command in h.edges.commands.items():
                    ws.send_json({"type": type_name, "request_id": "r1"})
                    reply = _reply_to(ws, "r1")
                    if role in command.roles:
                        assert reply.get("code") != "forbidden", f"{type_name} refuses {role}"
                    else:
                        assert reply == {**reply, "type": "error", "code": "forbidden"}, (
                            f"{type_name} lets {role} in"
                        )


def _reply_to(ws: Any, request_id: str) -> dict[str, Any]:
    while True:
        msg = ws.receive_json()
        if msg.get("request_id") == request_id:
            return msg


@pytest.mark.parametrize("who", ["cand_a", "client_b"])
def test_no_websocket_without_a_valid_cookie(
    who: str, settings: Settings, clock: FakeClock
) -> None:
    from starlette.websockets import WebSocketDisconnect

    with running_app(settings, clock) as h:
        h.login("anonymous")
        with pytest.raises(WebSocketDisconnect), h.client.websocket_connect("/ws") as ws:
            ws.receive_json()
        h.login(who)
        with (
            pytest.raises(WebSocketDisconnect),
            h.client.websocket_connect("/ws", headers={"Origin": "https://evil.example"}) as ws,
        ):
            ws.receive_json()
