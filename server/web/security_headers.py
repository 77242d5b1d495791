"""Edge: the browser's protections on every HTTP answer — pages, static files, API answers,
refusals and errors. An ASGI middleware (like the Safe Exam Browser check) because it must
cover the static mount and the error answers too, which no route dependency sees.

- Content-Security-Policy: only this server's scripts (no inline script or handler), styles,
  images, media and connections; never framed (`frame-ancestors 'none'`); no plugins.
- X-Content-Type-Options: nosniff; Referrer-Policy: no-referrer (codes travel in sign-in
  links); X-Frame-Options: DENY for older browsers; HSTS when the request came in HTTPS.
"""

from __future__ import annotations

import json

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.core.addresses import resolve_peer

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob: mediastream:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000"
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = _came_in_https(scope)
        started = False

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
                if https:
                    headers["Strict-Transport-Security"] = HSTS
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception:
            if not started:  # the server's error page gets the headers too; then it is logged
                body = json.dumps({"detail": "Erreur interne du serveur."}).encode()
                await with_headers(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [(b"content-type", b"application/json")],
                    }
                )
                await send({"type": "http.response.body", "body": body})
            raise


def _came_in_https(scope: Scope) -> bool:
    ctx = getattr(getattr(scope.get("app"), "state", None), "ctx", None)
    proxies = ctx.settings.trusted_networks if ctx is not None else []
    client = scope.get("client")
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
    peer = resolve_peer(
        client[0] if client else None, scope.get("scheme", "http"), headers, proxies
    )
    return peer.scheme == "https"
