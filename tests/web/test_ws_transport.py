"""The socket's limits at the transport, under uvicorn configured as `plateau serve` runs it
(`server.cli.uvicorn_config`): invalid UTF-8 in a text frame is closed with 1007 and a frame
over `MAX_FRAME_BYTES` with 1009, before anything reaches the application; the server and
the other sockets carry on."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from server.app import build_context, create_app
from server.cli import uvicorn_config
from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.tokens import SESSION_COOKIE
from server.web.ws_frames import MAX_FRAME_BYTES
from tests.harness import seed_exam_day


@pytest.fixture
def served(settings: Settings, clock: FakeClock) -> Iterator[tuple[str, dict[str, str]]]:
    """(base URL, access codes) of the app under uvicorn in a thread."""
    import uvicorn

    ctx = build_context(settings, clock=clock, pooled=False)
    day = asyncio.run(seed_exam_day(ctx))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn_config(create_app(ctx), settings, tls=None)
    config.log_level = "warning"
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=lambda: asyncio.run(server.serve(sockets=[sock])), name="ws-transport", daemon=True
    )
    thread.start()
    for _ in range(1200):  # a generous start-up wait (a busy machine)
        if server.started or not thread.is_alive():
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"127.0.0.1:{sock.getsockname()[1]}", day.codes
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _socket(stack: ExitStack, address: str, code: str) -> Any:
    signed = httpx.post(f"http://{address}/api/auth/code", json={"code": code})
    assert signed.status_code == 200, signed.text
    ws = stack.enter_context(
        connect(
            f"ws://{address}/ws",
            additional_headers={"Cookie": f"{SESSION_COOKIE}={signed.cookies[SESSION_COOKIE]}"},
            max_size=None,
        )
    )
    assert '"snapshot"' in ws.recv(timeout=30)
    return ws


def _closed_with(ws: Any) -> int:
    """The close code; an answer from the application instead fails the test."""
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            message = ws.recv(timeout=30)
            assert '"error"' not in message, f"answered, not closed: {message[:200]}"
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


def test_invalid_utf8_and_oversized_frames_are_closed_by_the_transport(
    served: tuple[str, dict[str, str]],
) -> None:
    address, codes = served
    with ExitStack() as stack:
        other = _socket(stack, address, codes["observer_a"])
        bad = _socket(stack, address, codes["cand_a"])
        bad.send(b'{"type": "resync", "x": "\xff\xfe"}', text=True)
        assert _closed_with(bad) == 1007
        big = _socket(stack, address, codes["cand_a"])
        # Fewer characters than the application takes, more bytes than the transport does.
        big.send('{"type": "resync", "x": "' + "é" * (MAX_FRAME_BYTES // 2 + 4000) + '"}')
        assert _closed_with(big) == 1009
        other.send('{"type": "time_sync", "client_time": 1}')
        while '"time"' not in other.recv(timeout=30):
            pass
