"""The web process's handle on one media worker: its HTTP API as `MediaPort`-shaped calls,
the worker's refusals raised again as the media layer's exceptions."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from server.telephony.ports import MediaError, PeerRole, RecordingInfo
from server.telephony.workers.protocol import TOKEN_HEADER, error_from, recording_from_json

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
        body: dict[str, Any] | None = None,
        limits: httpx.Timeout | None = None,
    ) -> Any:
        try:
            response = await self._http.request(
                method, path, json=body, timeout=limits or self._http.timeout
            )
        except httpx.ConnectError as exc:  # refused (or no such host): not merely slow
            raise WorkerGone(f"{self.url}: {type(exc).__name__}: {exc}") from exc
        except httpx.HTTPError as exc:
            raise WorkerUnreachable(f"{self.url}: {type(exc).__name__}: {exc}") from exc
        if response.status_code >= 400:
            try:
                error = response.json()
                code, message = error["code"], error["message"]
            except (ValueError, KeyError, TypeError):
                code, message = "media", f"{self.url}: HTTP {response.status_code}"
            raise error_from(code, message)
        return response.json() if response.content else None

    async def attach_peer(self, room_id: str, role: PeerRole, offer_sdp: str) -> str:
        answer = await self._request(
            "POST",
            f"/rooms/{quote(room_id, safe='')}/peers/{PeerRole(role).value}",
            {"sdp": offer_sdp},
        )
        return str(answer["sdp"])

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
        body = {
            "call_id": call_id,
            "recording_path": str(recording_path) if recording_path is not None else None,
            "parties": dict(parties or {}),
            "force": force,
            "segment": segment,
            "previous_segment": previous_segment,
        }
        await self._request("POST", f"/rooms/{quote(room_id, safe='')}/call", body)

    async def hold(self, room_id: str, on: bool) -> None:
        await self._request("POST", f"/rooms/{quote(room_id, safe='')}/hold", {"on": on})

    async def end_call(self, room_id: str) -> RecordingInfo | None:
        return recording_from_json(
            await self._request("DELETE", f"/rooms/{quote(room_id, safe='')}/call")
        )

    async def close_room(self, room_id: str) -> RecordingInfo | None:
        return recording_from_json(
            await self._request("DELETE", f"/rooms/{quote(room_id, safe='')}")
        )

    async def health(self) -> dict[str, Any]:
        """The worker's own health report, with the short timeouts of a polled probe."""
        return dict(await self._request("GET", "/health", limits=PROBE_TIMEOUT))

    async def close(self) -> None:
        await self._http.aclose()
