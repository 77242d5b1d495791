"""Every message has a model (issue 19), the HTTP half for exams, auth, lockdown, scenarios,
documents, certification and web: each route of these packages answers a pydantic model (or a
list of one) and takes its JSON body as a pydantic model, so that the OpenAPI schema is the
contract the pages read. The routes that answer no JSON (HTML pages, files, PDFs, no content)
are listed below, each with its reason, and must say so to FastAPI as well."""

from __future__ import annotations

import types
import typing
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel

from server.app import build_context, create_app
from server.core.clock import FakeClock
from server.core.config import Settings
from tests.web.test_access_walk import all_routes

# The packages whose HTTP routes this guard covers (by the endpoint's module).
COVERED = (
    "server.exams.views",
    "server.exams.people_views",
    "server.exams.jury_views",
    "server.exams.timeline_views",
    "server.auth.",
    "server.lockdown.",
    "server.scenarios.",
    "server.documents.",
    "server.certification.",
    "server.web.",
)

# The routes that answer no JSON, each with why. Each must also declare it to FastAPI: a
# non-JSON `response_class`, or `include_in_schema=False`, or the 204 status (no body).
NOT_JSON: dict[tuple[str, str], str] = {
    # The HTML pages: static files, each page checks who is signed in itself.
    ("GET", "/"): "page HTML (login.html)",
    ("GET", "/connexion"): "page HTML (login.html)",
    ("GET", "/organisation"): "page HTML (organiser.html)",
    ("GET", "/surveillance"): "page HTML (proctor.html)",
    ("GET", "/jury"): "page HTML (juror.html)",
    ("GET", "/candidat"): "page HTML (candidate.html)",
    ("GET", "/favicon.ico"): "icône SVG",
    # Documents: PDFs and zip archives, downloaded.
    ("GET", "/api/candidates/{candidate_id}/documents/grille.pdf"): "PDF",
    ("GET", "/api/candidates/{candidate_id}/documents/livret.pdf"): "PDF",
    ("GET", "/api/candidates/{candidate_id}/documents/archive.zip"): "archive zip",
    ("GET", "/api/sessions/{session_id}/documents/pv.pdf"): "PDF",
    ("GET", "/api/sessions/{session_id}/documents/resultats.pdf"): "PDF",
    ("GET", "/api/sessions/{session_id}/documents/archive.zip"): "archive zip",
    ("GET", "/api/sessions/{session_id}/documents/issued/{document_id}"): "PDF émis",
    # The Safe Exam Browser's configuration file.
    ("GET", "/api/sessions/{session_id}/seb"): "fichier .seb (plist XML)",
    # No content (204): nothing to describe.
    ("POST", "/api/auth/logout"): "204, pas de corps",
    ("PUT", "/api/sessions/{session_id}/candidates/{candidate_id}/jury"): "204, pas de corps",
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """The whole app, not started (no database is touched)."""
    tmp_path = tmp_path_factory.mktemp("app")
    settings = Settings(
        background_tasks=False,
        leader_election=False,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'plateau.db'}",
        secret_key="test-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        data_dir=tmp_path,
    )
    return create_app(build_context(settings, clock=FakeClock(), pooled=False))


def _covered_routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    out = []
    for route in all_routes(app.routes):
        if isinstance(route, APIRoute) and route.endpoint.__module__.startswith(COVERED):
            for method in sorted(route.methods):
                out.append((method, route.path, route))
    return out


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _models_of(annotation: Any) -> list[type[BaseModel]] | None:
    """The models a response annotation is made of — a model, a list of one, a union of
    models (variants told apart by their fields) — or None when it is anything else (a dict,
    Any, a bare type)."""
    if _is_model(annotation):
        return [annotation]
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _models_of(args[0])
    if origin is list and len(args) == 1 and _is_model(args[0]):
        return [args[0]]
    if origin in (typing.Union, types.UnionType) and args and all(_is_model(a) for a in args):
        return list(args)
    return None


def _declared_not_json(route: APIRoute) -> bool:
    cls = getattr(route.response_class, "value", route.response_class)  # DefaultPlaceholder
    return (
        not route.include_in_schema
        or route.status_code == 204
        or not (isinstance(cls, type) and issubclass(cls, JSONResponse))
    )


def _problems(app: FastAPI) -> list[str]:
    problems = []
    for method, path, route in _covered_routes(app):
        body = route.body_field.field_info.annotation if route.body_field else None
        if body is not None and not _is_model(body):
            problems.append(f"{method} {path}: corps {body!r} (pas un modèle pydantic)")
        if (method, path) in NOT_JSON:
            if route.response_model is not None or not _declared_not_json(route):
                problems.append(
                    f"{method} {path}: listée sans JSON mais déclarée JSON à FastAPI "
                    f"(response_model={route.response_model!r}, "
                    f"response_class={route.response_class!r})"
                )
            continue
        if _models_of(route.response_model) is None:
            problems.append(f"{method} {path}: réponse {route.response_model!r}")
    return problems


def test_every_json_route_has_models(app: FastAPI) -> None:
    assert len(_covered_routes(app)) >= 60, "the walk must see the covered packages' routes"
    problems = _problems(app)
    assert not problems, "routes sans modèle :\n" + "\n".join(problems)


class _Thing(BaseModel):
    name: str


def test_the_guard_names_what_it_refuses() -> None:
    """Routes as they were before (a dict answer, a dict body, a file not declared as one)
    are named; their models-only twins are not."""

    async def loose(body: dict[str, Any]) -> dict[str, Any]:
        return body

    async def typed(body: _Thing) -> list[_Thing]:
        return [body]

    async def seb() -> Response:
        return Response(b"")

    app = FastAPI()
    for endpoint in (loose, typed, seb):
        endpoint.__module__ = "server.lockdown.views"
    app.add_api_route("/loose", loose, methods=["POST"])
    app.add_api_route("/typed", typed, methods=["POST"])
    app.add_api_route("/api/sessions/{session_id}/seb", seb, methods=["GET"])
    assert _problems(app) == [
        "POST /loose: corps dict[str, typing.Any] (pas un modèle pydantic)",
        "POST /loose: réponse dict[str, typing.Any]",
        "GET /api/sessions/{session_id}/seb: listée sans JSON mais déclarée JSON à FastAPI "
        f"(response_model=None, response_class={app.routes[-1].response_class!r})",
    ]


@pytest.mark.parametrize(
    ("annotation", "models"),
    [
        (_Thing, [_Thing]),
        (list[_Thing], [_Thing]),
        (_Thing | BaseModel, [_Thing, BaseModel]),
        (dict[str, Any], None),
        (dict, None),
        (list[dict[str, Any]], None),
        (_Thing | None, None),
        (None, None),
    ],
)
def test_what_counts_as_a_model(annotation: Any, models: list[type[BaseModel]] | None) -> None:
    assert _models_of(annotation) == models


def test_the_list_of_non_json_routes_is_not_stale(app: FastAPI) -> None:
    seen = {(m, p) for m, p, _ in _covered_routes(app)}
    assert set(NOT_JSON) <= seen, sorted(set(NOT_JSON) - seen)


def _schema_refs(schema: Any) -> set[str]:
    """The component names a piece of the OpenAPI schema points to."""
    if isinstance(schema, dict):
        found = set()
        ref = schema.get("$ref")
        if isinstance(ref, str):
            found.add(ref.rsplit("/", 1)[-1])
        for value in schema.values():
            found |= _schema_refs(value)
        return found
    if isinstance(schema, list):
        return set().union(*(_schema_refs(v) for v in schema)) if schema else set()
    return set()


def _names(ref: str, model: str) -> bool:
    """Whether a component is that model's: pydantic names it after the class, prefixed by
    its module when two models share a name, suffixed -Input/-Output when they differ."""
    return ref.rsplit("__", 1)[-1].split("-")[0] == model


def test_the_openapi_schema_names_the_models(app: FastAPI) -> None:
    """The schema is the contract: each JSON route's success answer points to its model(s)
    and each body to its model, and every model it points to is among its components."""
    schema = app.openapi()
    components = set(schema.get("components", {}).get("schemas", {}))
    problems = []
    for method, path, route in _covered_routes(app):
        if (method, path) in NOT_JSON or not route.include_in_schema:
            continue
        operation = schema["paths"][path][method.lower()]
        answer = operation["responses"][str(route.status_code or 200)]
        refs = _schema_refs(answer.get("content", {}).get("application/json", {}))
        models = _models_of(route.response_model) or []
        names = {m.__name__ for m in models}
        if not refs or not all(any(_names(r, n) for r in refs) for n in names):
            problems.append(
                f"{method} {path}: réponse {sorted(refs)}, modèle {route.response_model!r}"
            )
        if route.body_field is not None:
            body_schema = operation.get("requestBody", {}).get("content", {})
            body_refs = _schema_refs(body_schema.get("application/json", {}))
            body = route.body_field.field_info.annotation
            if not any(_names(r, getattr(body, "__name__", "?")) for r in body_refs):
                problems.append(f"{method} {path}: corps {sorted(body_refs)}")
        missing = (refs | _schema_refs(operation.get("requestBody", {}))) - components
        if missing:
            problems.append(f"{method} {path}: composants absents {sorted(missing)}")
    assert not problems, "schéma OpenAPI :\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "path",
    [
        "/api/candidates/{candidate_id}/documents/grille.pdf",
        "/api/sessions/{session_id}/documents/issued/{document_id}",
    ],
)
def test_pdf_routes_declare_their_media_type(app: FastAPI, path: str) -> None:
    operation = app.openapi()["paths"][path]["get"]
    assert "application/pdf" in operation["responses"]["200"]["content"]
