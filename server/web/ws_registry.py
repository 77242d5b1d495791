"""Which client → server WebSocket messages exist, who may send each (authorisation as data),
and what each answers.

A package declares its commands in its contribution (`WsCommand.of(Model, roles, handler)`);
the app assembles them (server/app.py), the WebSocket edge parses each incoming message by its
`type`, refuses a role that is not listed, and calls the handler. A test walks every command of
the app with every role.

A handler returns its reply as a model (or None: nothing but an empty `ack`); `WsCommand` is
generic over the command's model and its reply, so mypy checks what each handler answers, and
the reply's model is read from the handler's annotation for the catalogue (docs/events.md).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from server.core.context import AppContext
from server.core.identity import Principal, Role

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R", bound=BaseModel | None)

Handler = Callable[[AppContext, Principal, M], Awaitable[R]]


@dataclass(frozen=True)
class WsCommand(Generic[M, R]):
    model: type[M]
    roles: frozenset[Role]
    handler: Handler[M, R]

    @classmethod
    def of(cls, model: type[M], roles: tuple[Role, ...], handler: Handler[M, R]) -> WsCommand[M, R]:
        return cls(model, frozenset(roles), handler)

    @property
    def type_names(self) -> tuple[str, ...]:
        """Every `type` value the model's Literal allows."""
        return tuple(self.model.model_fields["type"].annotation.__args__)  # type: ignore[union-attr]

    @property
    def replies(self) -> tuple[type[BaseModel], ...]:
        """The models the handler may answer with (its return annotation; none: it answers
        nothing but an empty `ack`)."""
        answer = typing.get_type_hints(self.handler)["return"]
        kinds = typing.get_args(answer) if isinstance(answer, types.UnionType) else (answer,)
        found = tuple(k for k in kinds if k is not type(None))
        for kind in found:
            if not (isinstance(kind, type) and issubclass(kind, BaseModel)):
                raise TypeError(f"{self.handler.__qualname__}: reply {kind!r} is not a model")
        return found

    async def run(self, ctx: AppContext, principal: Principal, payload: object) -> R:
        """The command parsed by its model (ValidationError if it does not fit), handled."""
        return await self.handler(ctx, principal, self.model.model_validate(payload))


AnyCommand = WsCommand[Any, Any]


class CommandError(Exception):
    """A refused command: `code` for programs, `message` (French) for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
