"""Property: every route and every WebSocket command that takes text, fed generated hostile
values (lone surrogates, NUL, C0/C1 controls, bidi overrides, huge texts, deep nesting,
wrong types) in one field of an otherwise plausible body, by a person allowed to call it:
never a 5xx, always refused, nothing stored (the whole database is compared before and
after each refusal); then the jury's snapshot, the CRM log and both archives still work and
no stored text holds a refused character. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hashlib
import json
import os
import re
import types
import typing
from typing import Annotated, Any
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pydantic import BaseModel
from sqlalchemy import String, select, text, update

from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.db import Base
from server.core.referential import PhaseKind
from server.core.text import BIDI_CONTROLS, CONTROLS, SURROGATES
from tests.crm.test_crm import PACK, SURVEY, _advance_to, _start  # noqa: F401
from tests.harness import Harness, running_app

# PostgreSQL as well as SQLite: hostile text the database itself may refuse (NUL, sizes)
pytestmark = [pytest.mark.postgres, pytest.mark.slow]
EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "80"))
FORBIDDEN = ["\ud800", "\udc00", "\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9f"]
FORBIDDEN += ["\u202a", "\u202e", "\u2066", "\u2069"]
DEEP = "__DEEP__"
# Huge texts travel as markers (a 150 kB value in hypothesis' reports is no use): "__HUGE__"
# + the character + "*" + the count, written out in the JSON text.
HUGE = "__HUGE__"
IDENTITIES = ("organiser", "cand_a", "client_a", "observer_a", "proctor")

# A text that always holds at least one refused character, among ordinary ones.
hostile_text = st.builds(
    lambda a, bad, b: a + bad + b,
    st.text(max_size=12),
    st.sampled_from(FORBIDDEN),
    st.text(max_size=12),
)


def hostile_values(*huge: tuple[str, int]) -> st.SearchStrategy[Any]:
    return st.one_of(
        hostile_text,
        hostile_text.map(lambda t: [t]),
        hostile_text.map(lambda t: {"clé": t}),
        st.sampled_from([f"{HUGE}{char}*{count}" for char, count in huge]),  # past every bound
        st.just(DEEP),  # 5 000 levels of nesting, written into the JSON text
        st.sampled_from([[], {}, [1, 2], {"a": [[[[[[[[[[[1]]]]]]]]]]]}]),  # wrong types
    )


def _example(annotation: Any) -> Any:
    """A plausible value of a field's type (the body around the hostile field)."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _example(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return _example(next(a for a in typing.get_args(annotation) if a is not type(None)))
    if origin is typing.Literal:
        return typing.get_args(annotation)[0]
    if origin in (list, tuple, set, frozenset):
        return [_example(typing.get_args(annotation)[0])]
    if origin is dict:
        return {"k": _example(typing.get_args(annotation)[1])}
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return {
                name: _example(info.annotation) for name, info in annotation.model_fields.items()
            }
        if issubclass(annotation, enum.Enum):
            return next(iter(annotation)).value
        if issubclass(annotation, bool):
            return True
        if issubclass(annotation, int | float):
            return 1
        if issubclass(annotation, dt.datetime):
            return "2026-06-01T10:00:00"
        if issubclass(annotation, dt.date):
            return "2026-06-01"
    return "Texte de test"


def _leaves(value: Any, path: tuple = ()) -> list[tuple]:
    """Paths to every value of a body (where a hostile value goes)."""
    if isinstance(value, dict) and value:
        return [p for k, v in value.items() for p in _leaves(v, (*path, k))]
    if isinstance(value, list) and value:
        return _leaves(value[0], (*path, 0))
    return [path]


def _replace(body: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    body = dict(body) if isinstance(body, dict) else list(body)
    body[path[0]] = _replace(body[path[0]], path[1:], value)
    return body


def _encode(body: Any) -> bytes:
    """JSON bytes (lone surrogates as escapes, as a browser's JSON.stringify writes them)."""
    out = json.dumps(body, ensure_ascii=True)
    out = out.replace(json.dumps(DEEP), "[" * 5000 + "]" * 5000)
    out = re.sub(
        rf'"{HUGE}(.+?)\*(\d+)"',
        lambda m: json.dumps(json.loads(f'"{m.group(1)}"') * int(m.group(2)), ensure_ascii=False),
        out,
    )
    return out.encode("utf-8")


def _targets(h: Harness) -> list[tuple[str, str, Any]]:
    """(method, path with real ids, plausible body) of every route that takes text."""
    from server.app import CONTRIBUTIONS

    ids = {
        "candidate_id": h.day.ids["cand_a"],
        "session_id": h.day.session_id,
        "participant_id": h.day.ids["cand_b"],
        "record_id": "JDL-10051",
        "simulation_id": SURVEY,
        "question_id": "q6",
    }
    out = []
    for router in (r for c in CONTRIBUTIONS for r in c.routers):
        for route in router.routes:
            if not isinstance(route, APIRoute):
                continue
            path = route.path
            for param in route.dependant.path_params:
                path = path.replace("{" + param.name + "}", ids.get(param.name, "x"))
            method = sorted(route.methods)[0]
            if route.body_field is not None:
                out.append((method, path, _example(route.body_field.field_info.annotation)))
            for param in route.dependant.query_params:
                out.append((method, path, {"?": param.name}))
    return out


class Identities:
    """Each person signed in once (the organiser's password hash is slow on purpose); the
    shared client wears their cookies in turn."""

    def __init__(self, h: Harness) -> None:
        self.h = h
        self.jars: dict[str, tuple[dict[str, str], str]] = {}

    def __call__(self, who: str) -> Any:
        client = self.h.client
        if who not in self.jars:
            self.h.login(who)
            self.jars[who] = (dict(client.cookies), client.headers["X-CSRF-Token"])
        cookies, csrf = self.jars[who]
        client.cookies.clear()
        for name, value in cookies.items():
            client.cookies.set(name, value)
        client.headers["X-CSRF-Token"] = csrf
        return client


@functools.cache
def _every_row(dialect: str) -> str:
    """One query for every row of every table, each row as one text: PostgreSQL's text of the
    row, SQLite's quote() of each column (a text, a number, a blob or NULL, told apart)."""
    selects = []
    for table in Base.metadata.sorted_tables:
        if dialect == "postgresql":
            row = "t::text"
        else:
            row = " || ',' || ".join(f'quote(t."{c.name}")' for c in table.columns)
        selects.append(f"SELECT '{table.name}:' || {row} FROM \"{table.name}\" t")
    return " UNION ALL ".join(selects) + " ORDER BY 1"


def _fingerprint(h: Harness) -> str:
    """Every row of every table (the rate limiter and the clock live in memory), read in one
    query: it runs twice for each of the examples."""

    async def rows() -> str:
        digest = hashlib.sha256()
        async with h.ctx.db.session() as s:
            assert s.bind is not None
            for (line,) in await s.execute(text(_every_row(s.bind.dialect.name))):
                digest.update(line.encode("utf-8", "surrogatepass"))
                digest.update(b"\n")
        return digest.hexdigest()

    return h.call(rows)


def _stored_texts_are_clean(h: Harness) -> None:

    refused = re.compile(f"[{SURROGATES}{CONTROLS}{BIDI_CONTROLS}]")

    async def scan() -> list[str]:
        found = []
        async with h.ctx.db.session() as s:
            for table in Base.metadata.sorted_tables:
                for row in (await s.execute(select(table))).all():
                    if refused.search(json.dumps(tuple(row), default=str, ensure_ascii=False)):
                        found.append(table.name)
        return found

    assert h.call(scan) == []


def _readers_work(h: Harness) -> None:
    cid = h.day.ids["cand_a"]
    h.login("observer_a")
    assert h.client.get(f"/api/candidates/{cid}/crm/changes").status_code == 200
    assert h.client.get(f"/api/candidates/{cid}/documents/archive.zip").status_code == 200
    h.login("organiser")
    whole = h.client.get(f"/api/sessions/{h.day.session_id}/documents/archive.zip")
    assert whole.status_code == 200
    for who in ("client_a", "observer_a"):
        h.login(who)
        with h.client.websocket_connect("/ws") as ws:
            assert ws.receive_json()["type"] == "snapshot"
    c = h.login("cand_a")
    assert c.get(f"/api/candidates/{cid}/crm/records").status_code == 200


def _exam_in_calls_phase(h: Harness) -> None:
    cid = _start(h)
    _advance_to(h, cid, PhaseKind.APPELS)
    h.login("cand_a")
    assert h.client.get(f"/api/candidates/{cid}/crm/records").status_code == 200  # the copy


def test_hostile_values_in_every_route_are_refused_and_store_nothing(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        _exam_in_calls_phase(h)
        targets = _targets(h)
        assert len(targets) >= 25
        signed_in = Identities(h)

        @given(
            target=st.sampled_from(targets),
            who=st.sampled_from(IDENTITIES),
            value=hostile_values(("x", 150_000), ("é", 150_000)),
            where=st.integers(min_value=0, max_value=50),
        )
        @hsettings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        def attempt(target: tuple[str, str, Any], who: str, value: Any, where: int) -> None:
            method, path, body = target
            client = signed_in(who)
            before = _fingerprint(h)
            if "?" in body:
                if not isinstance(value, str) or value.startswith("__"):
                    value = "a\x00b"
                # A lone surrogate cannot travel in a URL: its UTF-8-like bytes are decoded
                # as U+FFFD (harmless); the other refused characters arrive as they are.
                query = quote(value.encode("utf-8", "surrogatepass"))
                r = client.request(method, f"{path}?{body['?']}={query}")
                if not re.search(f"[{CONTROLS}{BIDI_CONTROLS}]", value):
                    assert r.status_code < 500 and _fingerprint(h) == before
                    return
            else:
                leaves = _leaves(body)
                hostile = _replace(body, leaves[where % len(leaves)], value)
                r = client.request(
                    method,
                    path,
                    content=_encode(hostile),
                    headers={"Content-Type": "application/json"},
                )
            assert r.status_code < 500, (method, path, r.status_code, r.text[:300])
            assert r.status_code >= 400, (method, path, r.status_code, r.text[:300])
            assert len(r.content) < 20_000  # never the input echoed back
            assert _fingerprint(h) == before, (method, path, r.status_code)

        attempt()
        _readers_work(h)
        _stored_texts_are_clean(h)


def test_hostile_values_in_every_websocket_command_are_refused(
    settings: Settings, clock: FakeClock
) -> None:
    from server.core.identity import Role

    by_role = {
        Role.CANDIDATE: "cand_a",
        Role.JUROR: "observer_a",
        Role.ORGANISER: "organiser",
        Role.PROCTOR: "proctor",
    }
    with running_app(settings, clock, pack_id=PACK) as h:
        _exam_in_calls_phase(h)
        commands = sorted(h.edges.commands)
        with h.sockets(*IDENTITIES) as sockets:
            socket_of = dict(zip(IDENTITIES, sockets, strict=True))

            @given(
                kind=st.sampled_from(commands),
                value=hostile_values(("x", 110_000)),  # within a frame (128 KiB): 1009 beyond
                where=st.integers(min_value=0, max_value=50),
            )
            @hsettings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            )
            def attempt(kind: str, value: Any, where: int) -> None:
                command = h.edges.commands[kind]
                who = next(by_role[r] for r in sorted(command.roles) if r in by_role)
                ws = socket_of[who]
                body = {**_example(command.model), "type": kind}
                leaves = [p for p in _leaves(body) if p != ("type",)]
                before = _fingerprint(h)
                hostile = _replace(body, leaves[where % len(leaves)], value)
                ws.send_text(_encode({**hostile, "request_id": "r1"}))
                while True:
                    reply = ws.receive_json()
                    if reply.get("request_id") == "r1" or reply["type"] == "error":
                        break
                assert reply["type"] == "error", (kind, reply)
                assert reply["code"] != "internal", (kind, reply)
                assert _fingerprint(h) == before, kind

            attempt()
            for ws in sockets:  # every socket lives on
                ws.send_json({"type": "time_sync", "client_time": 1.0})
                while ws.receive_json()["type"] != "time":
                    pass
        _readers_work(h)
        _stored_texts_are_clean(h)


def test_the_fingerprint_sees_one_text_changed_in_any_table(
    settings: Settings, clock: FakeClock
) -> None:
    """The check above can fail: one text column of one row changed, in each table that holds
    a row once the exam is in its calls phase, changes the fingerprint."""
    with running_app(settings, clock, pack_id=PACK) as h:
        _exam_in_calls_phase(h)
        changed = []

        async def change_one(table: Any) -> bool:
            column = next(
                (
                    c
                    for c in table.columns
                    if isinstance(c.type, String) and not c.primary_key and not c.foreign_keys
                ),
                None,
            )
            if column is None:
                return False
            async with h.ctx.db.session() as s:
                row = (await s.execute(select(table).limit(1))).first()
                if row is None or row._mapping[column.name] is None:
                    return False
                key = {c.name: row._mapping[c.name] for c in table.primary_key.columns}
                where = [table.c[name] == value for name, value in key.items()]
                value = row._mapping[column.name]
                await s.execute(update(table).where(*where).values({column.name: value[:-1] + "~"}))
                await s.commit()
                return value[-1:] != "~"

        for table in Base.metadata.sorted_tables:
            before = _fingerprint(h)
            if h.call(lambda t=table: change_one(t)):
                assert _fingerprint(h) != before, table.name
                changed.append(table.name)
        assert {"audit_log", "participants", "exam_sessions"} <= set(changed), changed
