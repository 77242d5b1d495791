"""Issue 19: every WebSocket command's reply is a model, read from its handler's annotation
(`WsCommand.replies`): mypy checks what each handler returns, the edge sends it as the `ack`'s
`result`, and the catalogue (docs/events.md, the JSON Schema, the JSDoc typedefs) names each
command's reply. (tests/events_check.py checks each command's real `ack` against them.)"""

from __future__ import annotations

import json
from typing import Literal

import pytest
from pydantic import BaseModel

from server import event_catalogue
from server.app import CONTRIBUTIONS
from server.core.context import AppContext
from server.core.events import Message, Payload
from server.core.identity import Principal, Role
from server.web.composition import Contribution, assemble
from server.web.ws_registry import WsCommand

# PostgreSQL as well as SQLite: every action once on PostgreSQL (tests/test_database_policy.py)
pytestmark = pytest.mark.postgres


def test_every_command_of_the_app_answers_with_models() -> None:
    commands = assemble(CONTRIBUTIONS).edges.commands
    assert commands
    for type_name, command in commands.items():
        for reply in command.replies:
            assert issubclass(reply, BaseModel), type_name
            assert reply.__doc__, f"{type_name}: its reply {reply.__name__} is not described"
    answered = {t for t, c in commands.items() if c.replies}
    assert {"rtc.offer", "call.dial", "call.hangup", "chat.send", "evaluation.set_mark"} <= answered
    assert not commands["chat.typing"].replies  # an empty `ack`


class Poke(Message):
    type: Literal["test.poke"]


class Poked(Payload):
    """The test's reply."""

    times: int


async def on_poke(ctx: AppContext, principal: Principal, msg: Poke) -> Poked:
    return Poked(times=1)


async def on_poke_untyped(ctx: AppContext, principal: Principal, msg: Poke) -> dict[str, int]:
    return {"times": 1}  # what the handlers answered before: nothing a catalogue can name


def test_a_reply_that_is_not_a_model_is_refused() -> None:
    assert WsCommand.of(Poke, (Role.JUROR,), on_poke).replies == (Poked,)
    untyped = WsCommand.of(Poke, (Role.JUROR,), on_poke_untyped)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not a model"):
        untyped.replies  # noqa: B018


TINY = (Contribution(name="tiny", commands=(WsCommand.of(Poke, (Role.JUROR,), on_poke),)),)


def test_the_catalogue_names_each_commands_reply() -> None:
    files = event_catalogue.generate(TINY)
    md = files[event_catalogue.MARKDOWN]
    assert "### `test.poke`" in md
    assert "Sent by: `juror`. Reply: [`Poked`](#poked)." in md
    assert "### Poked" in md and "| `times` | `number` |  |" in md
    assert "Poked" in json.loads(files[event_catalogue.SCHEMA])["$defs"]
    assert "@typedef {object} Poked" in files[event_catalogue.JSDOC]


def test_the_apps_catalogue_lists_every_command_and_its_reply() -> None:
    md = event_catalogue.generate(CONTRIBUTIONS)[event_catalogue.MARKDOWN]
    for command in assemble(CONTRIBUTIONS).edges.commands.values():
        heading = "### " + ", ".join(f"`{t}`" for t in command.type_names)
        assert heading in md
        for reply in command.replies:
            assert f"[`{reply.__name__}`]" in md and f"### {reply.__name__}" in md
