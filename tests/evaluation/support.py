"""Shared steps of the evaluation, certification and documents tests: run a candidate's exam
through its phases, deliberate and sign, read a socket until an event."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from server.exams import timeline_service
from tests.harness import Harness

PACK = "plateforme-horizon"


def advance(h: Harness, minutes: float) -> None:
    h.clock.advance(timedelta(minutes=minutes))
    h.call(timeline_service.advance_all, h.ctx)


def run_exam(h: Harness, cid: str, *, minutes: int, interviews: int) -> None:
    """Start, let the timed phases run out, then open and close each interview."""
    orga = who(h, "organiser")
    assert orga.post(f"/api/candidates/{cid}/timeline/start").status_code == 200
    advance(h, minutes)
    for _ in range(interviews):
        orga.post(f"/api/candidates/{cid}/timeline/interview/open")
        advance(h, 15)
        assert orga.post(f"/api/candidates/{cid}/timeline/interview/close").status_code == 200


class As:
    """Requests as one signed-in person, without signing in again (sign-ins are rate-limited):
    the person's cookie and CSRF token are kept and sent as headers."""

    def __init__(self, h: Harness, label: str) -> None:
        h.login(label)
        token, csrf = h.client.cookies["plateau_session"], h.client.cookies["plateau_csrf"]
        self.h = h
        self.headers = {
            "Cookie": f"plateau_session={token}; plateau_csrf={csrf}",
            "X-CSRF-Token": csrf,
        }
        h.client.cookies.clear()

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        self.h.client.cookies.clear()
        return self.h.client.request(method, url, headers=self.headers, **kwargs)

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.request("GET", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> Any:
        return self.request("PUT", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.request("POST", url, **kwargs)

    def ws(self) -> Any:
        self.h.client.cookies.clear()
        return self.h.client.websocket_connect("/ws", headers={"Cookie": self.headers["Cookie"]})


def who(h: Harness, label: str) -> As:
    """The cached `As` of `label` for this app."""
    cache: dict[str, As] = h.__dict__.setdefault("_as", {})
    if label not in cache:
        cache[label] = As(h, label)
    return cache[label]


REASON = "Observée par les deux jurés lors de l'entretien technique (hors grille)."


def proposal(h: Harness, fmt: str, *, ok: bool = True, title: str | None = None) -> dict:
    """Every competence acquise (with the written reason a competence proposed acquise without
    any criterion observed needs) or every one non acquise."""
    f = h.ctx.titles["CRCD"].format(fmt)
    default = ("obtenu" if ok else "non_obtenu") if f.has_final_interview else None
    return {
        "competences": {c: "acquise" if ok else "non_acquise" for c in f.practical},
        "ccps": {c: ok for c in f.ccps},
        "title": title or default,
        "justification": "Prestation conforme aux critères du référentiel.",
        "reasons": {c: REASON for c in f.practical} if ok else {},
    }


def propose(h: Harness, cid: str, juror: str, body: dict) -> Any:
    return who(h, juror).put(f"/api/candidates/{cid}/evaluation/deliberation", json=body)


def sign(h: Harness, cid: str, juror: str, **body: Any) -> Any:
    url = f"/api/candidates/{cid}/evaluation/deliberation/sign"
    return who(h, juror).post(url, json=body) if body else who(h, juror).post(url)


def declare(
    h: Harness, cid: str, label: str, *kinds: str, from_training: bool | None = None
) -> Any:
    return who(h, label).put(
        f"/api/candidates/{cid}/certification/evidence",
        json={"kinds": list(kinds), "from_training": from_training},
    )


def until(ws: Any, kind: str, *, rounds: int = 5) -> dict[str, Any]:
    """The next message of type `kind`. Each time_sync round trip gives the event pump a
    chance to deliver it; after `rounds` answers without it, the wait fails (never hangs)."""
    for _ in range(rounds):
        ws.send_json({"type": "time_sync", "client_time": 0})
        while True:
            msg = ws.receive_json()
            if msg.get("type") == kind:
                return msg
            if msg.get("type") == "time":
                break
    raise AssertionError(f"no {kind} event")


def drain(ws: Any, *, rounds: int = 2) -> list[dict[str, Any]]:
    """Everything the socket received over a few time_sync round trips (time answers left out)."""
    out = []
    for _ in range(rounds):
        ws.send_json({"type": "time_sync", "client_time": 0})
        while True:
            msg = ws.receive_json()
            if msg.get("type") == "time":
                break
            out.append(msg)
    return out
