"""Zulip's `verify_action` for Plateau: run one action, capture exactly the events it
published on the bus, per audience, and check each against the catalogue (the models the
contributions declare, `app.state.edges.events`):

- its `type` is declared, by the model that built it;
- its wire form (`model_dump(mode="json")`, what the socket sends) validates against that
  model again;
- its wire form, numbered as the socket numbers it, is valid against the generated JSON
  Schema (docs/events.schema.json, the pages' contract);
- it went only to the kinds of audience its model declares (`Event.audiences`): a jury-only
  event never reaches a `candidate:` audience.

The audiences are given back with the exam day's labels instead of ids (`candidate:cand_a`,
`jury:cand_a`, `staff:session`), so a test states what each audience receives, in order:

    heard = verify_action(h, lambda: command(ws, {"type": "chat.typing"}))
    assert heard == {"candidate:cand_a": ["chat.typing"], "jury:cand_a": ["chat.typing"]}

The same for an HTTP route (`verify_request`: the request must answer the expected status),
and the routes a test covers (`covers_routes`), which the guard of
tests/web/test_route_events.py compares with the app's state-changing routes:

    @covers_routes("PUT /api/sessions/{session_id}/proctor-extension")
    def test_…(…):
        heard = verify_request(h, orga, "PUT", f"/api/sessions/{sid}/proctor-extension", json=…)
        assert heard == {"staff:session": ["session.proctor_extension"]}
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.routing import APIRoute
from jsonschema_rs import Draft202012Validator  # schemathesis's, in the test extras
from pydantic import ValidationError

from server import event_catalogue
from server.app import CONTRIBUTIONS
from server.core.events import Audience, Event
from server.web.composition import assemble
from server.web.ws_registry import AnyCommand
from tests.harness import Harness

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

# What changes state over HTTP (a GET never does, and is not checked here).
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")


@dataclass
class Published:
    audiences: list[str]
    event: Event


@dataclass
class Capture:
    published: list[Published] = field(default_factory=list)


@contextmanager
def capture(h: Harness) -> Iterator[Capture]:
    """Every `publish` on the app's bus while inside, as it was called (then published)."""
    bus = h.ctx.bus
    original = bus.publish
    seen = Capture()

    def publish(audiences: str | Iterable[str], event: Event) -> None:
        targets = [audiences] if isinstance(audiences, str) else list(audiences)
        seen.published.append(Published(targets, event))
        original(targets, event)

    bus.publish = publish  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        del bus.publish  # type: ignore[misc]  # the class's method again


def check(h: Harness, published: Published) -> None:
    """One publication against the catalogue the app was assembled with."""
    event = published.event
    catalogue = h.edges.events
    kind = getattr(event, "type", None)
    assert kind in catalogue, f"{type(event).__name__} ({kind!r}) is not a declared event"
    model = catalogue[kind]
    assert type(event) is model, f"{kind!r} built by {type(event).__name__}, not {model.__name__}"
    wire = event.model_dump(mode="json")
    assert model.model_validate(wire).model_dump(mode="json") == wire, f"{kind!r}: {wire}"
    _validator(model).validate({**wire, "seq": 1} if model.numbered else wire)
    allowed = {a.value for a in model.audiences} - {Audience.SOCKET.value}
    for audience in published.audiences:
        prefix = audience.split(":", 1)[0]
        assert prefix in allowed, f"{kind!r} published to {audience!r}; it declares {allowed}"


@cache
def _schema() -> dict[str, Any]:
    return event_catalogue.json_schema(CONTRIBUTIONS)


@cache
def _validator(model: type[Event]) -> Draft202012Validator:
    """The generated schema's definition of `model` (by its `type`, as the pages read it)."""
    schema = _schema()
    for one in schema["oneOf"]:
        name = one["$ref"].rsplit("/", 1)[-1]
        kind = schema["$defs"][name]["properties"]["type"]
        if kind.get("const", (kind.get("enum") or [None])[0]) == model.type_name():
            return Draft202012Validator({"$ref": one["$ref"], "$defs": schema["$defs"]})
    raise AssertionError(f"{model.type_name()!r} is not in the generated JSON Schema")


def labelled(h: Harness, audience: str) -> str:
    """`candidate:<id>` → `candidate:cand_a`, `staff:<session id>` → `staff:session`."""
    prefix, _, ident = audience.partition(":")
    if ident == h.day.session_id:
        return f"{prefix}:session"
    names = {v: k for k, v in h.day.ids.items()}
    return f"{prefix}:{names.get(ident, ident)}"


def by_audience(h: Harness, published: list[Published]) -> dict[str, list[str]]:
    """The event types each audience received, in order."""
    out: dict[str, list[str]] = {}
    for p in published:
        for audience in p.audiences:
            out.setdefault(labelled(h, audience), []).append(p.event.type_name())
    return out


def verify_action(h: Harness, action: Callable[[], T]) -> dict[str, list[str]]:
    """Run `action`; every event it published, checked; what each audience received."""
    with capture(h) as seen:
        action()
    for p in seen.published:
        check(h, p)
    return by_audience(h, seen.published)


def send(ws: Any, payload: dict[str, Any], request_id: str = "verify") -> dict[str, Any]:
    """Send one command and read the socket until its reply (ack or error); the events read on
    the way are kept on the socket (`backlog`) for whoever reads them next."""
    ws.send_json({**payload, "request_id": request_id})
    backlog: list[dict[str, Any]] = ws.__dict__.setdefault("_plateau_backlog", [])
    while True:
        msg = ws.receive_json()
        if msg.get("request_id") == request_id:
            return msg
        backlog.append(msg)


def command(ws: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """`send`, and the command must have been done (an ack): a refused command emits nothing,
    and a test of its events would then prove nothing. The ack's `result` must be one of the
    replies the command declares (its handler's annotation, docs/events.md), or `{}`."""
    reply = send(ws, payload)
    assert reply["type"] == "ack", reply
    check_reply(payload["type"], reply["result"])
    return reply


def check_reply(type_name: str, result: dict[str, Any]) -> None:
    """`result` is what one of the command's reply models writes (validated by the model, and
    written again the same), or `{}` for a command that declares none."""
    models = _commands()[type_name].replies
    if not models:
        assert result == {}, f"{type_name}: a reply it does not declare: {result}"
        return
    for model in models:
        try:
            parsed = model.model_validate(result)
        except ValidationError:
            continue
        assert parsed.model_dump(mode="json") == result
        return
    raise AssertionError(f"{type_name}: reply none of {models} reads: {result}")


@cache
def _commands() -> dict[str, AnyCommand]:
    return dict(assemble(CONTRIBUTIONS).edges.commands)


def verify_command(h: Harness, ws: Any, payload: dict[str, Any]) -> dict[str, list[str]]:
    """`verify_action` of one command sent on `ws` (it must be acknowledged)."""
    return verify_action(h, lambda: command(ws, payload))


# --- HTTP routes -------------------------------------------------------------------------


class Heard(dict[str, list[str]]):
    """What each audience received (compares as the plain dict), and the request's answer."""

    response: Any


def _routes(routes: Iterable[Any]) -> Iterator[Any]:
    """Every route, included routers flattened (they are included without an extra prefix)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _routes(inner.routes)
        else:
            yield route


def state_changing_routes(app: FastAPI) -> dict[str, APIRoute]:
    """`"METHOD /path/{template}"` → the route, for every POST, PUT, PATCH and DELETE."""
    found: dict[str, APIRoute] = {}
    for route in _routes(app.routes):
        if isinstance(route, APIRoute):
            for method in sorted(set(route.methods or ()) & set(STATE_CHANGING)):
                found[f"{method} {route.path}"] = route
    return found


def route_of(app: FastAPI, method: str, url: str) -> str:
    """The state-changing route (`"METHOD /path/{template}"`) that `method url` reaches."""
    path = urlsplit(url).path
    for key, route in state_changing_routes(app).items():
        if key.split(" ", 1)[0] == method.upper() and route.path_regex.match(path):
            return key
    raise AssertionError(f"{method} {url} reaches no state-changing route of the app")


ROUTES_COVERED: set[str] = set()  # every route a `covers_routes` test declares
_performed: list[set[str]] = []  # the routes the running `covers_routes` test requested


def covers_routes(*routes: str) -> Callable[[F], F]:
    """The routes whose events the test asserts (`"METHOD /path/{template}"`, as the app
    declares them). The test fails if it did not request each of them through
    `verify_request`: a declaration is not a test."""

    def mark(test: F) -> F:
        ROUTES_COVERED.update(routes)

        @functools.wraps(test)
        def run(*args: Any, **kwargs: Any) -> Any:
            performed: set[str] = set()
            _performed.append(performed)
            try:
                result = test(*args, **kwargs)
            finally:
                _performed.remove(performed)
            missing = sorted(set(routes) - performed)
            assert not missing, f"declared, never requested through verify_request: {missing}"
            return result

        return run  # type: ignore[return-value]

    return mark


def verify_request(
    h: Harness, caller: Any, method: str, url: str, *, status: int = 200, **kwargs: Any
) -> Heard:
    """`verify_action` of one HTTP request by `caller` (a signed-in client, or the `As` of
    tests/evaluation/support.py): it must answer `status` (a refused request emits nothing,
    and a test of its events would then prove nothing); the answer is `.response`."""
    route = route_of(h.client.app, method, url)  # type: ignore[arg-type]
    with capture(h) as seen:
        response = caller.request(method, url, **kwargs)
    assert response.status_code == status, f"{method} {url}: {response.status_code} {response.text}"
    for p in seen.published:
        check(h, p)
    for performed in _performed:
        performed.add(route)
    heard = Heard(by_audience(h, seen.published))
    heard.response = response
    return heard
