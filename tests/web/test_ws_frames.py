"""The page socket answers bad frames like a protocol: binary 1003, oversized 1009, the rest
a typed French error with nothing of the input echoed; no traceback for a client's mistake;
the socket (and the others) carry on."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from starlette.websockets import WebSocketDisconnect

from server.core.clock import FakeClock
from server.core.config import Settings
from server.web import ws_frames
from tests.harness import running_app


def _reply(ws: Any) -> str:
    """The next reply to this socket's own frame (events about others skipped)."""
    while True:
        text = ws.receive_text()
        if json.loads(text)["type"] not in ("presence", "heartbeat"):
            return text


def _alive(ws: Any) -> None:
    ws.send_json({"type": "time_sync", "client_time": 7.0})
    assert json.loads(_reply(ws))["type"] == "time"


def _error(ws: Any, frame: str) -> dict[str, Any]:
    ws.send_text(frame)
    reply = _reply(ws)
    assert len(reply) < 400, reply[:400]  # never the input echoed back
    out = json.loads(reply)
    assert out["type"] == "error", out
    return out


def test_bad_frames_get_typed_french_errors_and_the_socket_lives_on(
    settings: Settings, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with running_app(settings, clock) as h, h.sockets("observer_a", "cand_a") as (other, ws):
        for frame, code in (
            ("pas du json" * 1000, "invalid_json"),
            ('{"type": "time_sync", ', "invalid_json"),
            ("[1, 2, 3]", "invalid"),
            ('"texte"', "invalid"),
            ("[" * 5000 + "]" * 5000, "invalid_json"),  # deeper than the parser goes
            ('{"type": "resync", "x": ' + "[" * 40 + "]" * 40 + "}", "too_deep"),
            (json.dumps({"type": "x" * 50_000}), "unknown_type"),
            (json.dumps({"type": ["chat.send"]}), "unknown_type"),
            (json.dumps({"type": "time_sync", "client_time": "midi"}), "invalid"),
            (json.dumps({"type": "time_sync", "client_time": 1, "extra": 1}), "invalid"),
            (json.dumps({"type": "resync", "request_id": ["a"]}), "invalid"),
            (json.dumps({"type": "resync", "request_id": "r" * 65}), "invalid"),
            (json.dumps({"type": "resync", "request_id": "a\u202eb"}), "invalid"),
            (json.dumps({"type": "chat.send", "text": "a\x00b"}), "invalid"),
            ('{"type": "chat.send", "text": "a\\ud800"}', "invalid"),
            (json.dumps({"type": "chat.send", "text": "\u202egnp.exe"}), "invalid"),
            (json.dumps({"type": "chat.send", "text": 5}), "invalid"),
            (json.dumps({"type": "chat.send", "text": "x" * 60_000}), "invalid"),
        ):
            err = _error(ws, frame)
            assert err["code"] == code, (frame[:80], err)
            assert err["message"] and "Input should" not in err["message"], err
            _alive(ws)
        assert (
            "caractère" in _error(ws, json.dumps({"type": "chat.send", "text": "\x01"}))["message"]
        )
        _alive(other)
    assert not [r for r in caplog.records if r.exc_info], "a client's mistake logged a traceback"


@pytest.mark.parametrize(
    ("send", "code"),
    [
        (lambda ws: ws.send_bytes(b'{"type": "resync"}'), ws_frames.UNSUPPORTED_DATA),
        (
            lambda ws: ws.send_text('{"type": "resync", "x": "' + "x" * 200_000 + '"}'),
            ws_frames.TOO_BIG,
        ),
    ],
    ids=["binary", "oversized"],
)
def test_binary_and_oversized_frames_close_with_rfc_6455_codes(
    settings: Settings, clock: FakeClock, send: Any, code: int
) -> None:
    with running_app(settings, clock) as h, h.sockets("observer_a", "cand_a") as (other, ws):
        send(ws)
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
        assert closed.value.code == code
        _alive(other)  # the other sockets carry on


def test_depth_is_counted_without_recursion() -> None:
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    assert ws_frames.depth(deep) == ws_frames.MAX_DEPTH + 1
    assert ws_frames.depth({"a": [1, {"b": 2}]}) == 3
    assert ws_frames.depth("x") == 0
