"""Each state-changing HTTP route (POST, PUT, PATCH, DELETE) emits exactly the events it should,
to each audience, each one valid against its model and published only to the audiences it
declares (Zulip's `verify_action`, tests/events_check.py), as test_command_events.py does for
the WebSocket commands. The tests are by area, in tests/web/test_route_events_<area>.py; each
declares the routes it requests (`covers_routes`). This guard fails naming any route of the app
without such a test."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from server.app import build_context, create_app
from server.core.clock import FakeClock
from server.core.config import Settings
from tests.events_check import ROUTES_COVERED, state_changing_routes

# PostgreSQL as well as SQLite: every action once on PostgreSQL (tests/test_database_policy.py)
pytestmark = pytest.mark.postgres

AREAS = sorted(Path(__file__).parent.glob("test_route_events_*.py"))


def _declared() -> set[str]:
    """The routes the area tests declare (importing a module runs its `covers_routes`)."""
    for path in AREAS:
        importlib.import_module(f"{__package__}.{path.stem}")
    return set(ROUTES_COVERED)


def test_every_state_changing_route_has_its_events_tested(
    settings: Settings, clock: FakeClock
) -> None:
    app = create_app(build_context(settings, clock=clock, pooled=False))
    routes = set(state_changing_routes(app))
    assert len(routes) > 10, sorted(routes)  # the walk sees the routers' routes
    declared = _declared()
    untested = sorted(routes - declared)
    assert not untested, (
        f"{len(untested)} state-changing routes without an event test "
        f"(tests/web/test_route_events_<area>.py, @covers_routes): {untested}"
    )
    assert not declared - routes, f"tests cover routes the app lacks: {declared - routes}"
