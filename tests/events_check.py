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
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar

from jsonschema_rs import Draft202012Validator  # schemathesis's, in the test extras

from server import event_catalogue
from server.app import CONTRIBUTIONS
from server.core.events import Audience, Event
from tests.harness import Harness

T = TypeVar("T")


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
    and a test of its events would then prove nothing."""
    reply = send(ws, payload)
    assert reply["type"] == "ack", reply
    return reply


def verify_command(h: Harness, ws: Any, payload: dict[str, Any]) -> dict[str, list[str]]:
    """`verify_action` of one command sent on `ws` (it must be acknowledged)."""
    return verify_action(h, lambda: command(ws, payload))
