"""Every JSON answer goes through the defensive reader: a value stored before the input
policy (or by a bug) that cannot be encoded is replaced and logged, never a 500 for the
whole list."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from server.core.text import dumps_bytes


class ReadableJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return dumps_bytes(
            content, where="réponse HTTP", allow_nan=False, indent=None, separators=(",", ":")
        )
