"""The page socket's frames, read like a protocol (RFC 6455 close codes), before any command.

- a binary frame: closed with 1003 (data it cannot accept);
- a text frame above `MAX_FRAME_CHARS`: closed with 1009 (too big); uvicorn's `ws_max_size`
  (`MAX_FRAME_BYTES`) closes bigger ones at the transport already;
- text that is not JSON, JSON that is not an object, nesting deeper than `MAX_DEPTH`, a
  `request_id` that is not a short line: a typed `error` message in French, the socket kept.

Nothing of the input is echoed back, and a client's mistake is logged without a traceback.
Invalid UTF-8 in a text frame never reaches here: the server's WebSocket implementation
closes with 1007.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from server.core.text import TextRefused, check

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 128 * 1024  # an SDP offer (up to 100 000 characters) fits
MAX_FRAME_CHARS = MAX_FRAME_BYTES
MAX_DEPTH = 16
MAX_REQUEST_ID = 64
UNSUPPORTED_DATA = 1003
TOO_BIG = 1009

Refuse = Callable[[str, str, str | None], Awaitable[None]]  # (code, French message, request id)


def depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """Nesting depth of a parsed JSON value, counted up to `limit` + 1 (no recursion)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


class BadFrame(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse(text: str) -> dict[str, object]:
    """One text frame as a command object, or BadFrame (never quoting the text)."""
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise BadFrame("invalid_json", "Message illisible : un objet JSON est attendu.") from None
    if depth(value) > MAX_DEPTH:
        raise BadFrame("too_deep", f"Message trop imbriqué (au plus {MAX_DEPTH} niveaux).")
    if not isinstance(value, dict):
        raise BadFrame("invalid", "Un objet JSON avec un champ « type » est attendu.")
    return value


def request_id_of(raw: Mapping[str, object]) -> str | None:
    """The client's request id when it is a short line (it is sent back), else BadFrame."""
    rid = raw.get("request_id")
    if rid is None:
        return None
    if not isinstance(rid, str) or len(rid) > MAX_REQUEST_ID:
        raise BadFrame("invalid", f"request_id : une ligne d'au plus {MAX_REQUEST_ID} caractères.")
    try:
        return check(rid, multiline=False, max_length=MAX_REQUEST_ID)
    except TextRefused as exc:
        raise BadFrame("invalid", f"request_id : {exc}.") from None


async def next_command(ws: WebSocket, refuse: Refuse) -> dict[str, object] | None:
    """The next well-formed command object; a malformed frame is answered with `refuse` and
    skipped; None once the socket is closed (by the client, or here with 1003/1009)."""
    while True:
        message = await ws.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000))
        text = message.get("text")
        if text is None:
            log.info("WebSocket : trame binaire refusée (1003)")
            await ws.close(UNSUPPORTED_DATA, "données binaires non acceptées")
            return None
        if len(text) > MAX_FRAME_CHARS:
            log.info("WebSocket : trame de %d caractères refusée (1009)", len(text))
            await ws.close(TOO_BIG, "message trop grand")
            return None
        try:
            raw = parse(text)
            request_id_of(raw)
        except BadFrame as exc:
            log.info("WebSocket : message refusé (%s)", exc.code)
            await refuse(exc.code, exc.message, None)
            continue
        return raw
