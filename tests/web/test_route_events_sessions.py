"""The events of the organiser's session routes: the session, its people, codes, pack, SEB,
the proctors' extension limit and the documents (tests/web/test_route_events.py guards that
every state-changing route has such a test)."""

from __future__ import annotations

import pytest

from server.core.clock import FakeClock
from server.core.config import Settings
from tests.evaluation.support import PACK, who
from tests.events_check import covers_routes, verify_request
from tests.harness import running_app

# PostgreSQL as well as SQLite: every action once on PostgreSQL (tests/test_database_policy.py)
pytestmark = pytest.mark.postgres


@covers_routes(
    "POST /api/sessions",
    "POST /api/sessions/{session_id}/candidates",
    "POST /api/sessions/{session_id}/staff",
    "PUT /api/sessions/{session_id}/candidates/{candidate_id}/jury",
    "POST /api/sessions/{session_id}/participants/{participant_id}/code",
    "PATCH /api/sessions/{session_id}/candidates/{candidate_id}",
    "PATCH /api/sessions/{session_id}/staff/{participant_id}",
    "POST /api/sessions/{session_id}/participants/{participant_id}/remove",
    "PUT /api/sessions/{session_id}/pack",
)
def test_preparing_a_session_tells_no_page(settings: Settings, clock: FakeClock) -> None:
    """Before the exam the organiser's own console reloads what it changed; no page follows a
    session's set-up live, except a juror's, told when a seat is theirs or no longer is
    (server/core/revocation.py: their pages read their rights again)."""
    with running_app(settings, clock) as h:
        orga, sid = who(h, "organiser"), h.day.session_id
        new = {"centre": "Centre test", "day": "2026-06-02", "format_id": "titre"}
        assert verify_request(h, orga, "POST", "/api/sessions", status=201, json=new) == {}
        person = {"last_name": "Martin", "first_name": "Chloé", "pathway": "formation_continue"}
        heard = verify_request(
            h, orga, "POST", f"/api/sessions/{sid}/candidates", status=201, json=person
        )
        assert heard == {}
        cid = heard.response.json()["id"]
        juror = {"role": "juror", "display_name": "M. Jacques Client"}
        url = f"/api/sessions/{sid}/staff"
        heard = verify_request(h, orga, "POST", url, status=201, json=juror)
        assert heard == {}
        jid = heard.response.json()["id"]
        seat = {"juror_id": jid, "capacity": "client"}
        url = f"/api/sessions/{sid}/candidates/{cid}/jury"
        heard = verify_request(h, orga, "PUT", url, status=204, json=seat)
        assert heard == {f"person:{jid}": ["access.changed"]}
        assert verify_request(h, orga, "PUT", url, status=204, json=seat) == {}  # already so
        other = h.day.ids["client_b"]  # the seat given to another juror: both are told
        heard = verify_request(h, orga, "PUT", url, status=204, json={**seat, "juror_id": other})
        assert heard == {f"person:{jid}": ["access.changed"], "person:client_b": ["access.changed"]}
        heard = verify_request(h, orga, "PUT", url, status=204, json=seat)  # and back
        assert heard == {"person:client_b": ["access.changed"], f"person:{jid}": ["access.changed"]}
        url = f"/api/sessions/{sid}/participants/{cid}/code"
        assert verify_request(h, orga, "POST", url, status=201) == {}
        url = f"/api/sessions/{sid}/candidates/{cid}"
        assert verify_request(h, orga, "PATCH", url, json={"first_name": "Chloë"}) == {}
        url = f"/api/sessions/{sid}/staff/{jid}"
        name = {"display_name": "M. Jacques Cliant"}
        assert verify_request(h, orga, "PATCH", url, json=name) == {}
        url = f"/api/sessions/{sid}/participants/{cid}/remove"
        heard = verify_request(h, orga, "POST", url, json={"reason": "Absente."})
        # Her juror no longer follows her; her own pages close (on any replica).
        assert heard == {f"person:{jid}": ["access.changed"], f"person:{cid}": ["access.changed"]}
        url = f"/api/sessions/{sid}/pack"
        assert verify_request(h, orga, "PUT", url, json={"pack_id": PACK}) == {}


@covers_routes(
    "PUT /api/sessions/{session_id}/proctor-extension",
    "PUT /api/sessions/{session_id}/seb",
    "POST /api/sessions/{session_id}/documents/issue",
)
def test_the_session_settings_and_documents(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock) as h:
        orga, sid = who(h, "organiser"), h.day.session_id
        # The proctors' pages show « Prolonger » or not: the session's staff hear it.
        url = f"/api/sessions/{sid}/proctor-extension"
        heard = verify_request(h, orga, "PUT", url, json={"minutes": 10})
        assert heard == {"staff:session": ["session.proctor_extension"]}
        heard = verify_request(h, orga, "PUT", url, json={"minutes": None})
        assert heard == {"staff:session": ["session.proctor_extension"]}
        # Requiring SEB closes the candidates' unverified pages; it announces nothing.
        url = f"/api/sessions/{sid}/seb"
        seb = {"required": True, "quit_password": "sortie-2026"}
        assert verify_request(h, orga, "PUT", url, json=seb) == {}
        url = f"/api/sessions/{sid}/documents/issue"
        assert verify_request(h, orga, "POST", url, status=201, json={"kind": "pv"}) == {}
