"""Who may see what changes on live pages at once, not at their next reconnection: a jury seat
given to another juror, a candidate removed. The juror who lost the candidate hears none of its
jury events from then on and is told why (in French); the juror who got the seat hears them
at once. The same across two web replicas (the notice goes through the bus). A person removed
is signed out on every replica at once by the same notice; a page whose session's codes expired
is closed by the revocation watch, as its cookie is refused."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from starlette.websockets import WebSocketDisconnect

from server.auth.lifecycle import check_revocations
from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.events import jury_audience, person_audience
from server.exams.models import ExamSession
from tests.evaluation.support import PACK, As, who
from tests.harness import Harness, running_app

NOTE = {"text": "Bonne reformulation", "offset_ms": 12_000}


def _next(ws: Any, kind: str) -> dict[str, Any]:
    """The next message of `kind`, skipping presence (anything else: a failure). A heartbeat
    comes after 10 s without an event: three of them, and the message is not coming."""
    silences = 0
    while True:
        msg = ws.receive_json()
        if msg["type"] == kind:
            return msg
        if msg["type"] == "heartbeat":
            silences += 1
            assert silences < 3, f"no {kind} after 30 s of silence"
            continue
        assert msg["type"] == "presence", (kind, msg)


def _followed(snapshot: dict[str, Any]) -> set[str]:
    """The candidates whose exam a page's snapshot shows."""
    return set((snapshot["state"].get("exam") or {}).get("candidates") or {})


def _seat(h: Harness, orga: As, candidate: str, juror: str, capacity: str) -> None:
    url = f"/api/sessions/{h.day.session_id}/candidates/{h.day.ids[candidate]}/jury"
    r = orga.put(url, json={"juror_id": h.day.ids[juror], "capacity": capacity})
    assert r.status_code == 204, r.text


def _note(h: Harness, juror: As, candidate: str) -> None:
    url = f"/api/candidates/{h.day.ids[candidate]}/evaluation/notes"
    r = juror.post(url, json=NOTE)
    assert r.status_code == 201, r.text


def _reassign_and_check(a: Harness, b: Harness) -> None:
    """The organiser acts on `a`; the two jurors' pages are on `b` (the same app, or another
    replica)."""
    cand_a, cand_b = a.day.ids["cand_a"], a.day.ids["cand_b"]
    orga = As(a, "organiser")
    # client_a also observes Bruno (observer_b loses that seat before any page is open): the
    # juror who will lose Alice keeps a candidate whose events show what still reaches them.
    _seat(a, orga, "cand_b", "client_a", "observer")
    old_juror, new_juror = As(b, "client_a"), As(b, "observer_b")
    observer_a, client_b = As(a, "observer_a"), As(a, "client_b")
    with old_juror.ws() as old, new_juror.ws() as new:
        assert _followed(_next(old, "snapshot")) == {cand_a, cand_b}
        assert _followed(_next(new, "snapshot")) == set()

        _seat(a, orga, "cand_a", "observer_b", "client")  # Alice's client seat: observer_b's

        # The old juror's page: a new snapshot without Alice, then why (in French).
        snap = _next(old, "snapshot")
        assert snap["seq"] == 1 and _followed(snap) == {cand_b}
        told = _next(old, "access.changed")
        assert told["lost"] == [cand_a] and told["gained"] == []
        assert "Alice DURAND" in told["message"] and "autre juré" in told["message"]
        # The new juror's page: Alice at once, and told so.
        snap = _next(new, "snapshot")
        assert snap["seq"] == 1 and _followed(snap) == {cand_a}
        told = _next(new, "access.changed")
        assert told["gained"] == [cand_a] and told["lost"] == []
        assert "Alice DURAND" in told["message"] and "client" in told["message"]

        # A jury event of Alice, then one of Bruno: the old juror gets Bruno's only.
        _note(a, observer_a, "cand_a")
        _note(a, client_b, "cand_b")
        heard = _next(old, "evaluation.note")
        assert heard["candidate_id"] == cand_b, "the old juror still heard Alice's jury"
        assert set(heard.get("aseq", {jury_audience(cand_b): 0})) == {jury_audience(cand_b)}
        heard = _next(new, "evaluation.note")
        assert heard["candidate_id"] == cand_a
        # HTTP agrees with the sockets.
        evaluation = f"/api/candidates/{cand_a}/evaluation"
        assert old_juror.get(evaluation).status_code == 403
        assert new_juror.get(evaluation).status_code == 200

    # The new juror's next page follows Alice from its snapshot on.
    with new_juror.ws() as again:
        assert _followed(_next(again, "snapshot")) == {cand_a}
        _note(a, observer_a, "cand_a")
        assert _next(again, "evaluation.note")["candidate_id"] == cand_a


def test_a_seat_given_to_another_juror_leaves_the_old_juror_s_open_page_at_once(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        _reassign_and_check(h, h)


def test_the_same_when_the_pages_are_on_another_replica(
    settings: Settings, clock: FakeClock, replica_redis_url: str, redis_prefix: str
) -> None:
    shared = settings.model_copy(
        update={"redis_url": replica_redis_url, "redis_prefix": redis_prefix}
    )
    with (
        running_app(shared, clock, pack_id=PACK) as a,
        running_app(shared, clock, day=a.day) as b,
    ):
        _reassign_and_check(a, b)


def test_a_candidate_removed_leaves_their_jurors_open_pages(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock) as h:
        cand_b = h.day.ids["cand_b"]
        orga = who(h, "organiser")
        with who(h, "client_b").ws() as page:
            assert _followed(_next(page, "snapshot")) == {cand_b}
            url = f"/api/sessions/{h.day.session_id}/participants/{cand_b}/remove"
            r = orga.post(url, json={"reason": "Absent."})
            assert r.status_code == 200, r.text
            assert _followed(_next(page, "snapshot")) == set()
            told = _next(page, "access.changed")
            assert told["lost"] == [cand_b]
            assert "Bruno PETIT" in told["message"] and "retiré" in told["message"]


def test_the_notice_goes_to_the_person_alone(settings: Settings, clock: FakeClock) -> None:
    """Each page hears its own person's audience, and no one else's."""
    with running_app(settings, clock) as h:
        assert person_audience("x") == "person:x"
        with who(h, "client_a").ws() as mine, who(h, "client_b").ws() as other:
            _next(mine, "snapshot")
            _next(other, "snapshot")
            orga = who(h, "organiser")
            _seat(h, orga, "cand_b", "observer_a", "observer")  # observer_a: not connected
            _seat(h, orga, "cand_a", "client_b", "client")  # client_a loses Alice
            assert _next(mine, "snapshot")["seq"] == 1
            assert _next(mine, "access.changed")["lost"] == [h.day.ids["cand_a"]]
            assert _next(other, "snapshot")["seq"] == 1
            assert _next(other, "access.changed")["gained"] == [h.day.ids["cand_a"]]


def test_a_page_whose_session_codes_expired_is_closed_by_the_watch(
    settings: Settings, clock: FakeClock
) -> None:
    """Past the session's codes' expiry every cookie of it is refused over HTTP: its open
    pages are closed too (the revocation watch, server/auth/lifecycle.py)."""
    with running_app(settings, clock) as h:
        client_a = who(h, "client_a")
        with client_a.ws() as page:
            _next(page, "snapshot")
            assert h.call(check_revocations, h.ctx) == 0
            expiry = h.call(_codes_expire_at, h)
            clock.advance(expiry - clock.now())
            assert client_a.get("/api/auth/me").status_code == 401
            assert h.call(check_revocations, h.ctx) == 1
            with pytest.raises(WebSocketDisconnect) as closed:
                while True:
                    page.receive_json()
            assert closed.value.code == 4401


async def _codes_expire_at(h: Harness) -> datetime:
    async with h.ctx.db.session() as s:
        exam = await s.get(ExamSession, h.day.session_id)
        assert exam is not None
        return exam.codes_expire_at


def test_a_juror_removed_on_one_replica_is_signed_out_on_the_other_at_once(
    settings: Settings, clock: FakeClock, replica_redis_url: str, redis_prefix: str
) -> None:
    """No revocation watch runs here (background tasks off): the page on the other replica is
    closed by the notice the removal publishes, not by the watch's next pass."""
    shared = settings.model_copy(
        update={"redis_url": replica_redis_url, "redis_prefix": redis_prefix}
    )
    with running_app(shared, clock) as a, running_app(shared, clock, day=a.day) as b:
        juror = a.day.ids["observer_b"]
        with As(b, "observer_b").ws() as page:
            _next(page, "snapshot")
            url = f"/api/sessions/{a.day.session_id}/participants/{juror}/remove"
            r = As(a, "organiser").post(url, json={"reason": "Remplacé."})
            assert r.status_code == 200, r.text
            assert _close_code(page) == 4401


def _close_code(ws: Any) -> int:
    """Reads the socket until the server closes it (heartbeats aside: three of them, 30 s of
    silence, and it is not coming); returns the close code."""
    try:
        _next(ws, "never")
    except WebSocketDisconnect as exc:
        return int(exc.code)
    raise AssertionError("unreachable")
