"""tests/one_hop_client.py answers as Starlette's TestClient does: the same status, headers,
body and cookies for every kind of exchange the suite makes, the server's exceptions raised
(or a 500 when told not to), background tasks run before the answer, WebSockets untouched."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import BackgroundTasks, FastAPI, Request, Response, WebSocket
from fastapi.responses import JSONResponse, PlainTextResponse, StreamingResponse
from fastapi.testclient import TestClient

from tests.one_hop_client import OneHopTestClient

done: list[str] = []


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/echo/{name}")
    async def echo(name: str, request: Request) -> dict[str, Any]:
        return {
            "name": name,
            "query": dict(request.query_params),
            "path": request.url.path,
            "raw": request.scope["raw_path"].decode(),
            "client": list(request.client or ()),
            "host": request.headers.get("host"),
            "cookie": request.cookies.get("c"),
        }

    @app.post("/body")
    async def body(request: Request) -> Response:
        data = await request.body()
        response = PlainTextResponse(data.decode()[::-1], status_code=201)
        response.set_cookie("c", "bon jour")
        response.headers["x-twice"] = "1"
        return response

    @app.get("/stream")
    async def stream() -> StreamingResponse:
        async def parts() -> Any:
            for part in ("un", "deux", "trois"):
                yield part.encode()

        return StreamingResponse(parts(), media_type="text/plain")

    @app.get("/later")
    async def later(tasks: BackgroundTasks) -> JSONResponse:
        tasks.add_task(done.append, "après")
        return JSONResponse({"ok": True})

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("panne")

    @app.websocket("/ws")
    async def ws(socket: WebSocket) -> None:
        await socket.accept()
        await socket.send_json({"hello": await socket.receive_text()})
        await socket.close()

    return app


def _exchanges(client: TestClient) -> list[Any]:
    out: list[Any] = []
    for url in ("/echo/%C3%A9t%C3%A9?x=1&y=%20z", "/echo/a%2Fb", "/missing"):
        r = client.get(url)
        out.append((r.status_code, r.headers.get("content-type"), r.content))
    r = client.post("/body", content="olleh")
    out.append((r.status_code, r.text, r.headers["x-twice"], r.cookies.get("c")))
    out.append(client.get("/echo/x").json()["cookie"])  # the cookie goes back
    r = client.get("/stream")
    out.append((r.status_code, r.text))
    r = client.head("/echo/x")
    out.append((r.status_code, r.content))
    r = client.put("/body")
    out.append((r.status_code, r.json()))
    return out


def test_every_exchange_is_answered_as_starlette_answers_it() -> None:
    app = _app()
    with TestClient(app) as theirs, OneHopTestClient(app) as ours:
        assert _exchanges(ours) == _exchanges(theirs)


def test_background_tasks_have_run_when_the_answer_comes() -> None:
    done.clear()
    with OneHopTestClient(_app()) as client:
        assert client.get("/later").json() == {"ok": True}
        assert done == ["après"]


def test_a_server_error_is_raised_or_answered_500_as_asked() -> None:
    app = _app()
    with OneHopTestClient(app) as client, pytest.raises(RuntimeError, match="panne"):
        client.get("/boom")
    with OneHopTestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/boom").status_code == 500


def test_websockets_go_through_starlettes_transport() -> None:
    with OneHopTestClient(_app()) as client, client.websocket_connect("/ws") as ws:
        ws.send_text("salut")
        assert ws.receive_json() == {"hello": "salut"}
