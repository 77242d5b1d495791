"""The events of the sign-in routes: none. Signing in, out or changing the organiser's password
tells no page anything on the bus (the pages a sign-out or a new password end are closed by
the sessions' registry, tests/auth/test_sessions.py; presence comes from the sockets)."""

from __future__ import annotations

import pytest

from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.tokens import CSRF_COOKIE
from tests.events_check import covers_routes, verify_request
from tests.harness import ORGANISER_PASSWORD, running_app

# PostgreSQL as well as SQLite: every action once on PostgreSQL (tests/test_database_policy.py)
pytestmark = pytest.mark.postgres


@covers_routes(
    "POST /api/auth/code",
    "POST /api/auth/password",
    "POST /api/auth/account/password",
    "POST /api/auth/logout",
)
def test_signing_in_and_out_publishes_nothing(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock) as h:
        c = h.client
        code = {"code": h.day.codes["cand_a"]}
        assert verify_request(h, c, "POST", "/api/auth/code", json=code) == {}
        login = {"username": "orga", "password": ORGANISER_PASSWORD}
        assert verify_request(h, c, "POST", "/api/auth/password", json=login) == {}
        c.headers["X-CSRF-Token"] = c.cookies[CSRF_COOKIE]
        change = {"current_password": ORGANISER_PASSWORD, "new_password": "nouveau-secret-42"}
        url = "/api/auth/account/password"
        assert verify_request(h, c, "POST", url, json=change) == {}
        c.headers["X-CSRF-Token"] = c.cookies[CSRF_COOKIE]
        assert verify_request(h, c, "POST", "/api/auth/logout", status=204) == {}
