"""Which client → server WebSocket messages exist, and who may send each (authorisation as data).

A package declares its commands in its contribution (`WsCommand.of(Model, roles, handler)`);
the app assembles them (server/app.py), the WebSocket edge parses each incoming message by its
`type`, refuses a role that is not listed, and calls the handler. A test walks every command of
the app with every role.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from server.core.context import AppContext
from server.core.identity import Principal, Role

Handler = Callable[[AppContext, Principal, Any], Awaitable[dict[str, Any] | None]]


@dataclass(frozen=True)
class WsCommand:
    model: type[BaseModel]
    roles: frozenset[Role]
    handler: Handler

    @classmethod
    def of(cls, model: type[BaseModel], roles: tuple[Role, ...], handler: Handler) -> WsCommand:
        return cls(model, frozenset(roles), handler)

    @property
    def type_names(self) -> tuple[str, ...]:
        """Every `type` value the model's Literal allows."""
        return tuple(self.model.model_fields["type"].annotation.__args__)  # type: ignore[union-attr]


class CommandError(Exception):
    """A refused command: `code` for programs, `message` (French) for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
