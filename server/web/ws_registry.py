"""Which client → server WebSocket messages exist, and who may send each (authorisation as data).

A package registers its commands here (`register(Model, roles, handler)`); the WebSocket edge
parses each incoming message by its `type`, refuses a role that is not listed, and calls the
handler. A test walks every registered message with every role.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from server.auth.domain import Principal, Role
from server.core.context import AppContext

Handler = Callable[[AppContext, Principal, Any], Awaitable[dict[str, Any] | None]]


@dataclass(frozen=True)
class WsCommand:
    model: type[BaseModel]
    roles: frozenset[Role]
    handler: Handler


class CommandError(Exception):
    """A refused command: `code` for programs, `message` (French) for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


COMMANDS: dict[str, WsCommand] = {}


def register(model: type[BaseModel], roles: tuple[Role, ...], handler: Handler) -> None:
    """Registers every `type` value the model's Literal allows."""
    for type_name in model.model_fields["type"].annotation.__args__:  # type: ignore[union-attr]
        if type_name in COMMANDS:
            raise ValueError(f"WebSocket command {type_name!r} registered twice")
        COMMANDS[type_name] = WsCommand(model, frozenset(roles), handler)
