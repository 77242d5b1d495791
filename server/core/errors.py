"""The one base class of the domain's refusals.

Every package's domain errors derive from `PlateauError`: the message is French and safe to
show, `status` is the HTTP status it answers with, `code` the code a WebSocket refusal
carries, `extra` what more the client gets (e.g. the current draft on a conflict). They are
mapped in one place each: HTTP in `server/web/errors.py`, WebSocket in `server/web/ws.py`;
services raise them and edges let them through."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

CONFLICT = 409


class PlateauError(Exception):
    """A refusal of the domain: `PlateauError(message_fr, status=..., code=...)`; a subclass
    usually sets `status` and `code` once for all its instances."""

    status: int = CONFLICT
    code: str = "refused"
    extra: Mapping[str, Any] = MappingProxyType({})

    def __init__(
        self, message_fr: str = "", *, status: int | None = None, code: str | None = None
    ) -> None:
        super().__init__(message_fr)
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code

    @property
    def message_fr(self) -> str:
        return str(self)
