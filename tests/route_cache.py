"""pytest plugin (tests/conftest.py loads it): the app's routes are analysed once per test
process instead of once per app.

FastAPI analyses each route of an included router (its endpoint's signature, dependencies,
request and response models) on the first request an app serves, and keeps the result on that
app (`fastapi.routing._EffectiveRouteContext.from_api_route`). Production builds one app per
process; the tests build several hundred (one per test), and that analysis was about a fifth of
the CPU of the tests that serve requests (0.15–0.4 s per app, py-spy on tests/exams,
tests/evaluation and tests/web, 2026-12-06). The routers are the same module-level objects in
every app, so their analysis is the same: it is kept here per (route, router, prefix) and given
to every app of the process.

Only what cannot differ between two apps is shared: an app with `dependency_overrides` (none in
Plateau; a test that sets some would get its own analysis) is analysed for itself, as FastAPI
does. `tests/test_route_cache.py` checks that a second app reuses the analysis and still serves
its own context, and that the cache stays honest if FastAPI renames what it wraps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import routing

_TARGET = "_EffectiveRouteContext"
_cache: dict[tuple[int, int, str, int | None], tuple[Any, Any]] = {}
stats = {"built": 0, "reused": 0}


def _cached(original: Callable[..., Any]) -> Callable[..., Any]:
    def from_api_route(cls: type, *, original_route: Any, include_context: Any) -> Any:
        provider = include_context.dependency_overrides_provider
        if getattr(provider, "dependency_overrides", None):
            return original(original_route=original_route, include_context=include_context)
        key = (
            id(original_route),
            id(include_context.included_router),
            include_context.prefix,
            include_context.max_body_size,
        )
        hit = _cache.get(key)
        if hit is not None and hit[0] is original_route:
            stats["reused"] += 1
            return hit[1]
        context = original(original_route=original_route, include_context=include_context)
        _cache[key] = (original_route, context)  # the route kept alive: its id stays its own
        stats["built"] += 1
        return context

    return from_api_route


@pytest.fixture(scope="session", autouse=True)
def routes_analysed_once() -> Iterator[None]:
    target = getattr(routing, _TARGET, None)
    if target is None or not hasattr(target, "from_api_route"):
        yield  # FastAPI changed: every app analyses its routes again (slower, still right)
        return
    original = target.from_api_route
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(target, "from_api_route", classmethod(_cached(original)))
        yield
    _cache.clear()
