"""Issue 19: the web process reads each answer of a media worker by its model. A malformed
answer (a field missing or of the wrong type, not JSON) is refused where it enters, as
`WorkerProtocolError` with a French message naming what does not fit — never a KeyError deep
inside; a well-formed one still travels as before (tests/telephony/workers/test_worker_api.py).
The events a worker publishes over Redis: tests/telephony/workers/test_registry.py."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

import httpx
import pytest

from server.telephony.ports import MediaError, PeerRole
from server.telephony.workers.client import WorkerClient
from server.telephony.workers.protocol import WorkerProtocolError

TOKEN = "s" * 32


def answering(body: bytes, status: int = 200) -> WorkerClient:
    """A client whose worker answers every request with `body`."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"content-type": "application/json"})

    return WorkerClient("http://worker", TOKEN, transport=httpx.MockTransport(handler))


RECORDING = {
    "call_id": "c1",
    "room_id": "r1",
    "path": "/rec/c1.ogg",
    "sidecar_path": "/rec/c1.json",
    "started_at": "2026-06-01T08:00:00+00:00",
    "ended_at": "2026-06-01T08:01:00+00:00",
    "duration_s": 60.0,
    "size_bytes": 1000,
    "sha256": "0" * 64,
    "parties": {"candidate": "a"},
    "gaps": [],
    "frames_written": 3000,
    "frames_dropped": 0,
    "analytics": {},
    "timeline": {},
    "storage": {},
    "channels": {"left": "candidate", "right": "client"},
    "format": "ogg/opus, 48 kHz stereo",
}

Call = Callable[[WorkerClient], Awaitable[object]]


def attach(client: WorkerClient) -> Awaitable[object]:
    return client.attach_peer("r1", PeerRole.CANDIDATE, "v=0")


def end_call(client: WorkerClient) -> Awaitable[object]:
    return client.end_call("r1")


def health(client: WorkerClient) -> Awaitable[object]:
    return client.health()


@pytest.mark.parametrize(
    ("call", "body", "field"),
    [
        (attach, {}, "sdp"),
        (attach, {"sdp": 12}, "sdp"),
        (end_call, {**RECORDING, "size_bytes": "big"}, "size_bytes"),
        (end_call, {k: v for k, v in RECORDING.items() if k != "gaps"}, "gaps"),
        (end_call, {**RECORDING, "started_at": "yesterday"}, "started_at"),
        (end_call, {**RECORDING, "gaps": [{"role": "both"}]}, "gaps"),
        (health, {"instance": "i1"}, "worker_id"),
        (health, [], ""),
    ],
)
async def test_a_malformed_answer_is_refused_at_the_edge(call: Call, body: object, field: str):
    client = answering(json.dumps(body).encode())
    try:
        with pytest.raises(WorkerProtocolError, match="Réponse malformée du serveur audio") as exc:
            await call(client)
        assert isinstance(exc.value, MediaError)  # the media layer's refusal, as any other
        assert field in str(exc.value)
        assert "http://worker/" in str(exc.value)  # which worker, which route
    finally:
        await client.close()


async def test_an_answer_that_is_not_json_is_refused():
    client = answering(b"<html>proxy error</html>")
    try:
        with pytest.raises(WorkerProtocolError, match="JSON illisible"):
            await attach(client)
    finally:
        await client.close()


async def test_a_well_formed_answer_is_read():
    client = answering(json.dumps(RECORDING).encode())
    try:
        info = await client.end_call("r1")
        assert info is not None and info.size_bytes == 1000 and info.parties == {"candidate": "a"}
        assert info.started_at.isoformat() == "2026-06-01T08:00:00+00:00"
    finally:
        await client.close()
    client = answering(b"null")  # no call was recorded
    try:
        assert await client.close_room("r1") is None
    finally:
        await client.close()


async def test_a_refusal_without_the_protocols_body_is_still_a_media_error():
    client = answering(b'{"detail": "bad media worker token"}', status=401)
    try:
        with pytest.raises(MediaError, match="HTTP 401") as exc:
            await health(client)
        assert not isinstance(exc.value, WorkerProtocolError)
    finally:
        await client.close()
