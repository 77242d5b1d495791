"""The tests' HTTP client: Starlette's TestClient with each HTTP exchange in one call to the
app's event loop. Starlette's own transport streams a response through some eight calls
between the test's thread and the app's loop (two events, a memory stream, a cancel scope, a
call per body chunk, the closing), each a wake-up of the other thread; one call instead saves
1.1-1.6 ms of CPU per request (2.6 -> 1.1 ms for /api/health, 7.8 -> 6.6 ms for a session's
page: benchmarks/results/suite_durations.md). The app's answers are whole and small, so one
call runs the exchange — the app to its end, background tasks included, as Starlette's waits
for them too — and brings the response back. WebSockets go through Starlette's transport."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import anyio
from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Message

try:  # the client Starlette's TestClient is built on: httpx2, else httpx
    import httpx2 as httpx
except ModuleNotFoundError:  # pragma: no cover
    import httpx  # type: ignore[no-redef]


class OneHopTestClient(TestClient):
    __test__ = False

    def __init__(self, app: ASGIApp, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._transport = _OneHopTransport(self._transport)


class _OneHopTransport(httpx.BaseTransport):
    def __init__(self, streaming: Any) -> None:
        self._streaming = streaming  # Starlette's _TestClientTransport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.scheme in {"ws", "wss"}:
            response: httpx.Response = self._streaming.handle_request(request)
            return response
        s = self._streaming
        body = request.read()
        with s.portal_factory() as portal:
            status, headers, content = portal.call(
                _exchange, s.app, _http_scope(request, s), body, s.raise_server_exceptions
            )
        return httpx.Response(
            status,
            headers=headers,
            content=b"" if request.method == "HEAD" else content,
            request=request,
        )

    def close(self) -> None:
        self._streaming.close()


def _http_scope(request: httpx.Request, transport: Any) -> dict[str, Any]:
    """The ASGI scope Starlette's transport makes of `request`."""
    url = request.url
    port = url.port or {"http": 80, "https": 443}[url.scheme]
    headers = [] if "host" in request.headers else [(b"host", url.netloc)]
    headers += [(k.lower().encode(), v.encode()) for k, v in request.headers.multi_items()]
    return {
        "type": "http",
        "http_version": "1.1",
        "method": request.method,
        "path": unquote(url.path),
        "raw_path": url.raw_path.split(b"?", 1)[0],
        "root_path": transport.root_path,
        "scheme": url.scheme,
        "query_string": url.query,
        "headers": headers,
        "client": transport.client,
        "server": [url.raw_host.decode("ascii"), port],
        "extensions": {"http.response.debug": {}, "http.response.trailers": {}},
        "state": transport.app_state.copy(),
    }


async def _exchange(
    app: ASGIApp, scope: dict[str, Any], body: bytes, raise_server_exceptions: bool
) -> tuple[int, list[tuple[str, str]], bytes]:
    start: Message | None = None
    chunks: list[bytes] = []
    answered = anyio.Event()
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body}
        await answered.wait()  # as a client that waits for the whole answer
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            assert start is None, 'Received multiple "http.response.start" messages.'
            start = message
        elif message["type"] == "http.response.body":
            assert start is not None, 'Received "http.response.body" without "http.response.start".'
            chunks.append(bytes(message.get("body", b"")))
            if not message.get("more_body", False):
                answered.set()

    try:
        await app(scope, receive, send)
    except BaseException:
        if raise_server_exceptions:
            raise
    finally:
        answered.set()
    if start is None:
        if raise_server_exceptions:
            raise AssertionError("TestClient did not receive any response.")
        return 500, [], b""
    headers = [(k.decode(), v.decode()) for k, v in start.get("headers", [])]
    return start["status"], headers, b"".join(chunks)
