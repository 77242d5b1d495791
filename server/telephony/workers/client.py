"""The web process's handle on one media worker: its HTTP API as `MediaPort`-shaped calls,
each request a model of the protocol and each answer read by its model (a malformed one is
refused: `WorkerProtocolError`), the worker's refusals raised again as the media layer's
exceptions."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from server.telephony.ports import MediaError, PeerRole, RecordingInfo
from server.telephony.workers.protocol import (
    TOKEN_HEADER,
    AnswerBody,
    ErrorJson,
    HealthJson,
    HoldBody,
    OfferBody,
    RecordingJson,
    StartCallBody,
    WorkerProtocolError,
    error_from,
    read_reply,
    recording_from_json,
)

TIMEOUT = httpx.Timeout(10.0, connect=2.0)  # an SDP answer takes ~30 ms; a dead host not 10 s


PROBE_TIMEOUT = httpx.Timeout(1.0, connect=1.0)  # a health check: cheap, polled


class WorkerUnreachable(MediaError):
    """The worker did not answer (dead, restarting, hung, or its host is gone)."""


class WorkerGone(WorkerUnreachable):
    """Nothing accepts connections at the worker's address: its process is gone."""


class WorkerClient:
    def __init__(
        self,
        url: str,
        token: str,
        timeout: httpx.Timeout = TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url
        self._http = httpx.AsyncClient(
            base_url=url, headers={TOKEN_HEADER: token}, timeout=timeout, transport=transport
        )

    async def _request(
        self,
        method: str,
        path: str,
        body: BaseModel | None = None,
        limits: httpx.Timeout | None = None,
    ) -> object:
        """The answer's JSON (None when it has no body)."""
        json = None if body is None else body.model_dump(mode="json")
        try:
            response = await self._http.request(
                method, path, json=json, timeout=limits or self._http.timeout
            )
        except httpx.ConnectError as exc:  # refused (or no such host): not merely slow
            raise WorkerGone(f"{self.url}: {type(exc).__name__}: {exc}") from exc
        except httpx.HTTPError as exc:
            raise WorkerUnreachable(f"{self.url}: {type(exc).__name__}: {exc}") from exc
        if response.status_code >= 400:
            try:
                error = ErrorJson.model_validate_json(response.content)
                code, message = error.code, error.message
            except ValidationError:
                code, message = "media", f"{self.url}: HTTP {response.status_code}"
            raise error_from(code, message)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            where = f"{self.url}{path}"
            raise WorkerProtocolError(
                f"Réponse malformée du serveur audio ({where}) : JSON illisible."
            ) from None

    async def attach_peer(self, room_id: str, role: PeerRole, offer_sdp: str) -> str:
        path = f"/rooms/{quote(room_id, safe='')}/peers/{PeerRole(role).value}"
        answer = await self._request("POST", path, OfferBody(sdp=offer_sdp))
        return read_reply(AnswerBody, answer, f"{self.url}{path}").sdp

    async def detach_peer(self, room_id: str, role: PeerRole) -> None:
        await self._request(
            "DELETE", f"/rooms/{quote(room_id, safe='')}/peers/{PeerRole(role).value}"
        )

    async def start_call(
        self,
        room_id: str,
        call_id: str,
        recording_path: Path | None,
        *,
        parties: Mapping[str, str] | None = None,
        force: bool = False,
        segment: int = 1,
        previous_segment: str | None = None,
    ) -> None:
        body = StartCallBody(
            call_id=call_id,
            recording_path=str(recording_path) if recording_path is not None else None,
            parties=dict(parties or {}),
            force=force,
            segment=segment,
            previous_segment=previous_segment,
        )
        await self._request("POST", f"/rooms/{quote(room_id, safe='')}/call", body)

    async def hold(self, room_id: str, on: bool) -> None:
        await self._request("POST", f"/rooms/{quote(room_id, safe='')}/hold", HoldBody(on=on))

    async def _recording(self, path: str) -> RecordingInfo | None:
        """A recording's facts, or None (no call was recorded)."""
        answer = await self._request("DELETE", path)
        if answer is None:
            return None
        return recording_from_json(read_reply(RecordingJson, answer, f"{self.url}{path}"))

    async def end_call(self, room_id: str) -> RecordingInfo | None:
        return await self._recording(f"/rooms/{quote(room_id, safe='')}/call")

    async def close_room(self, room_id: str) -> RecordingInfo | None:
        return await self._recording(f"/rooms/{quote(room_id, safe='')}")

    async def health(self) -> HealthJson:
        """The worker's own health report, with the short timeouts of a polled probe."""
        answer = await self._request("GET", "/health", limits=PROBE_TIMEOUT)
        return read_reply(HealthJson, answer, f"{self.url}/health")

    async def close(self) -> None:
        await self._http.aclose()
