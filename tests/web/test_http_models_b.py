"""Every message has a model (issue 19), the HTTP routes of telephony, crm, chat, evaluation,
writing and progress: each route's JSON response is a pydantic model (or a list of one), each
body it reads is a pydantic model, and the OpenAPI schema names those models; what is not
JSON (a recording's audio, its sidecar file) is declared so and listed below with why. The
media worker's own HTTP API (server/telephony/workers/worker.py, the web process's client of
it) is held to the same rule."""

from __future__ import annotations

import types
import typing
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel

from server.app import build_context, create_app
from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.referential import PhaseKind
from server.crm.models import CrmRecordRow
from tests.conftest import TEST_SECRET
from tests.crm.test_crm import PACK, _advance_to, _start
from tests.harness import Harness, running_app
from tests.web.test_access_walk import all_routes

PACKAGES = ("telephony", "crm", "chat", "evaluation", "writing", "progress")

# The routes of these packages that answer something else than JSON: (method, path) → why.
NOT_JSON = {
    # The call's recording, Ogg/Opus, served with HTTP range requests (206).
    ("GET", "/api/candidates/{candidate_id}/recordings/{recording_id}/audio"): "audio file",
    # The recording's sidecar: a file written beside the audio when the call was recorded,
    # served as it is on disk (the archive's copy), not built from a model.
    ("GET", "/api/candidates/{candidate_id}/recordings/{recording_id}/sidecar"): "file on disk",
    # The media worker's acknowledgements: 204, no body (its client reads none as None).
    ("DELETE", "/rooms/{room_id}/peers/{role}"): "204 no content",
    ("POST", "/rooms/{room_id}/call"): "204 no content",
    ("POST", "/rooms/{room_id}/hold"): "204 no content",
}


@pytest.fixture
def web_app(tmp_path: Path) -> Iterator[FastAPI]:
    """The application as tests/harness.py builds it, not started (its routes only: no
    database is opened, so one database engine is enough)."""
    settings = Settings(
        mode="test",
        background_tasks=False,
        leader_election=False,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}",
        secret_key=TEST_SECRET,
        data_dir=tmp_path,
    )
    yield create_app(build_context(settings, clock=FakeClock(), pooled=False))


@pytest.fixture
async def worker_app(tmp_path: Path) -> AsyncIterator[FastAPI]:
    """A media worker's HTTP API (as tests/telephony/workers/test_worker_api.py builds it)."""
    from server.telephony.workers.worker import MediaWorker

    worker = MediaWorker(
        worker_id="w1",
        url="http://worker",
        capacity=1,
        token="s" * 32,
        recordings_root=tmp_path / "recordings",
    )
    yield worker.app()
    await worker.stop()


# (the app's fixture, how many routes of these packages it has at least)
APPS = {"web": ("web_app", 30), "media worker": ("worker_app", 7)}


@pytest.fixture(params=sorted(APPS))
def app(request: pytest.FixtureRequest) -> tuple[FastAPI, int]:
    fixture, least = APPS[request.param]
    return request.getfixturevalue(fixture), least


def _mine(route: APIRoute) -> bool:
    module = route.endpoint.__module__
    return any(module.startswith(f"server.{pkg}.") for pkg in PACKAGES)


def _routes(app_and_least: tuple[FastAPI, int]) -> list[tuple[str, str, APIRoute]]:
    app, least = app_and_least
    found = [
        (method, route.path, route)
        for route in all_routes(app.routes)
        if isinstance(route, APIRoute) and _mine(route)
        for method in sorted(route.methods or ())
    ]
    assert len(found) >= least, "the routes of these packages were not found"
    return found


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models a response or body annotation names: M, list[M], M | None."""
    if _is_model(annotation):
        return [annotation]
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is list and len(args) == 1 and _is_model(args[0]):
        return [args[0]]
    if origin in (typing.Union, types.UnionType) and args and all(_is_model(a) for a in args):
        return list(args)
    return []


def test_every_json_route_answers_a_model_and_reads_models(app: tuple[FastAPI, int]) -> None:
    offending = []
    for method, path, route in _routes(app):
        if (method, path) in NOT_JSON:
            # declared: `response_class=` (not the default placeholder, not JSON), no model
            declared = route.response_class
            if (
                not isinstance(declared, type)
                or issubclass(declared, JSONResponse)
                or route.response_model is not None
            ):
                offending.append(f"{method} {path}: not JSON but not declared so")
            continue
        if not _models_in(route.response_model):
            offending.append(f"{method} {path}: answers {route.response_model!r}")
        for param in route.dependant.body_params:
            if not _models_in(param.field_info.annotation):
                offending.append(
                    f"{method} {path}: body {param.name} is {param.field_info.annotation!r}"
                )
    assert not offending, "\n".join(offending)


def test_the_non_json_list_names_existing_routes(web_app: FastAPI, worker_app: FastAPI) -> None:
    routes = _routes((web_app, 30)) + _routes((worker_app, 7))
    assert set(NOT_JSON) <= {(m, p) for m, p, _ in routes}


def _schema_names(openapi: dict[str, Any], schema: dict[str, Any]) -> set[str]:
    """The titles of the component schemas `schema` refers to (itself, or its items)."""
    if schema.get("type") == "array":
        schema = schema.get("items", {})
    options = schema.get("anyOf", [schema])
    names = set()
    for option in options:
        ref = option.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            component = openapi["components"]["schemas"][ref.rsplit("/", 1)[1]]
            names.add(component.get("title", ""))
    return names


def test_openapi_names_the_response_models(app: tuple[FastAPI, int]) -> None:
    openapi = app[0].openapi()
    missing = []
    for method, path, route in _routes(app):
        if (method, path) in NOT_JSON:
            continue
        operation = openapi["paths"][path][method.lower()]
        status = str(route.status_code or 200)
        content = operation["responses"].get(status, {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        expected = {m.__name__ for m in _models_in(route.response_model)}
        if not expected or _schema_names(openapi, schema) != expected:
            missing.append(f"{method} {path}: {schema}")
    assert not missing, "\n".join(missing)


async def _drop_segment(h: Harness, cid: str) -> None:
    """A row written by an older version: it has no `segment` key."""
    async with h.ctx.db.session() as s:
        row = await s.get(CrmRecordRow, (cid, "JDL-10051"))
        assert row is not None
        row.data = {k: v for k, v in row.data.items() if k != "segment"}
        await s.commit()


def test_a_key_the_service_leaves_out_is_not_sent(settings: Settings, clock: FakeClock) -> None:
    """The models send what the services write, no more: a record's row without a key is
    sent without it (not with null), a simulation's part of the grid has no `replaced` and a
    writing task's part no `not_played`, a reply's counts have the SMS fields for an SMS only."""
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = _start(h)
        _advance_to(h, cid, PhaseKind.APPELS)
        c = h.login("cand_a")
        assert c.get(f"/api/candidates/{cid}/crm/records").status_code == 200  # the copy
        h.call(_drop_segment, h, cid)
        one = c.get(f"/api/candidates/{cid}/crm/records/JDL-10051").json()
        assert "segment" not in one and one["id"] == "JDL-10051" and one["version"] >= 1
        listed = c.get(f"/api/candidates/{cid}/crm/records").json()
        assert "segment" not in next(r for r in listed if r["id"] == "JDL-10051")
        assert all("segment" in r for r in listed if r["id"] != "JDL-10051")
        h.login("client_a")
        parts = h.client.get(f"/api/candidates/{cid}/evaluation").json()["parts"]
        kinds = {p["kind"] for p in parts}
        assert {"ecrit", "entretien"} <= kinds and len(kinds) >= 3
        for part in parts:
            assert ("not_played" in part) is (part["kind"] not in ("ecrit", "entretien"))
            assert ("replaced" in part) is (part["kind"] == "ecrit")
        drafts = h.client.get(f"/api/candidates/{cid}/writing/drafts").json()["drafts"]
        assert {d["channel"] for d in drafts} >= {"sms", "courriel"}
        for draft in drafts:
            assert ("segments" in draft["counts"]) is (draft["channel"] == "sms")
