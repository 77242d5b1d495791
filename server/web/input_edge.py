"""Edge: what no route model sees — the path, the query string and the body's size. An ASGI
middleware so that every route (and the static mount) is covered the same way.

- a path or query string holding what the input policy refuses (NUL and other controls, bidi
  overrides; `server/core/text.py`) once percent-decoded: 400 in French, the route not run;
- a body bigger than `MAX_BODY_BYTES` (announced by Content-Length or streamed): 413 in
  French, the route not run (the body is not read past the limit).
"""

from __future__ import annotations

import json
from urllib.parse import unquote

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.core.text import TextRefused, check

MAX_BODY_BYTES = 1024 * 1024  # the largest JSON a page sends (a written draft) is far below
MAX_QUERY_BYTES = 4096


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _address_problem(scope: Scope) -> str | None:
    query: bytes = scope.get("query_string", b"")
    if len(query) > MAX_QUERY_BYTES:
        return f"Adresse refusée : paramètres trop longs (au plus {MAX_QUERY_BYTES} octets)."
    try:
        check(scope.get("path", ""), multiline=False)
        check(unquote(query.decode("latin-1").replace("+", " "), errors="replace"), multiline=False)
    except TextRefused as exc:
        return f"Adresse refusée : {exc}."
    return None


class InputEdge:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        problem = _address_problem(scope)
        if problem is not None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008, "reason": "adresse refusée"})
            else:
                await _refuse(send, 400, problem)
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            await _refuse(send, 413, _too_large())
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BODY_BYTES:  # FastAPI answers it (the route is not run)
                    raise HTTPException(413, _too_large())
            return message

        await self.app(scope, counted, send)


def _too_large() -> str:
    return f"Requête trop volumineuse (au plus {MAX_BODY_BYTES // 1024} Ko)."
