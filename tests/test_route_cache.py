"""tests/route_cache.py: a second app of the process reuses the routes' analysis of the first
and still serves its own context; an app with dependency overrides gets its own."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI, routing
from fastapi.testclient import TestClient

from server.app import build_context, create_app
from server.core.clock import FakeClock
from server.core.config import Settings
from server.web.access import current_principal
from tests import route_cache


def _app(settings: Settings) -> FastAPI:
    return create_app(build_context(settings, clock=FakeClock(), pooled=False))


def test_the_second_app_reuses_the_analysis_and_serves_its_own_context(
    settings: Settings, tmp_path: Path
) -> None:
    assert routing._EffectiveRouteContext.from_api_route.__name__ == "from_api_route"
    other = settings.model_copy(update={"data_dir": tmp_path / "other"})
    first, second = _app(settings), _app(other)
    with TestClient(first) as a:
        assert a.get("/api/health").status_code == 200
    before = dict(route_cache.stats)
    with TestClient(second) as b:
        assert b.get("/api/health").status_code == 200
        refused = b.get("/api/auth/me")  # a route with dependencies: refused, in French
        assert refused.status_code == 401 and refused.json()["detail"]
    assert route_cache.stats["built"] == before["built"]  # nothing analysed again
    assert route_cache.stats["reused"] > before["reused"]
    assert second.state.ctx is not first.state.ctx


def test_an_app_with_dependency_overrides_is_analysed_for_itself(settings: Settings) -> None:
    app = _app(settings)
    app.dependency_overrides[current_principal] = lambda: None
    with TestClient(app) as client:
        before = dict(route_cache.stats)
        client.get("/api/health")
    assert route_cache.stats["reused"] == before["reused"]


def test_a_route_added_later_is_analysed_once() -> None:
    app = FastAPI()
    router = routing.APIRouter()

    @router.get("/x")
    def x(value: int = Depends(lambda: 3)) -> dict[str, int]:
        return {"x": value}

    app.include_router(router)
    with TestClient(app) as client:
        built = route_cache.stats["built"]
        assert client.get("/x").json() == {"x": 3}
        assert route_cache.stats["built"] == built + 1
