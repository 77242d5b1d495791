"""Admission control: a media process carries at most `capacity` rooms with an active call.
Past it, `start_call` is refused with `CapacityExceeded` (its `message_fr` is what the juror
and the organiser read) and the calls already up keep their quality.

`AdmittingMedia` wraps any `MediaPort` with it (a worker's `AiortcMedia`, or the in-process
one in `inprocess` mode)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from server.telephony.ports import MediaError, MediaPort, PeerRole, RecordingInfo

CAPACITY_MESSAGE_FR = (
    "Capacité audio du serveur atteinte : appel refusé, réessayez dans un instant."
)


NO_WORKER_MESSAGE_FR = (
    "Aucun serveur audio disponible : appel impossible pour le moment, réessayez dans un instant."
)


class MediaRefused(MediaError):
    """The media plane cannot take this call now. `str(exc)` and `exc.message_fr` are the French
    sentence to show the juror and the organiser; `detail` is for the logs."""

    MESSAGE_FR = CAPACITY_MESSAGE_FR

    def __init__(self, detail: str = "") -> None:
        self.message_fr = self.MESSAGE_FR
        self.detail = detail
        super().__init__(self.MESSAGE_FR)


class CapacityExceeded(MediaRefused):
    """Every media worker (or the in-process media layer) carries its capacity of calls."""


class NoMediaWorker(MediaRefused):
    """Workers mode, and no live media worker is registered."""

    MESSAGE_FR = NO_WORKER_MESSAGE_FR


class Admission:
    """Which rooms hold a call, against a capacity (pure bookkeeping)."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.active: set[str] = set()
        self.refused = 0

    def admit(self, room_id: str, *, force: bool = False) -> bool:
        """Count `room_id`'s new call (True) or raise `CapacityExceeded`; False if the room was
        counted already. `force` admits past the capacity (a call re-placed after its worker
        died was admitted once already)."""
        if room_id in self.active:
            return False
        if len(self.active) >= self.capacity and not force:
            self.refused += 1
            raise CapacityExceeded(f"{len(self.active)}/{self.capacity} calls")
        self.active.add(room_id)
        return True

    def release(self, room_id: str) -> None:
        self.active.discard(room_id)

    @property
    def load(self) -> float:
        return len(self.active) / self.capacity


class AdmittingMedia:
    """A `MediaPort` that refuses calls past the capacity of the one it wraps."""

    def __init__(self, inner: MediaPort, capacity: int) -> None:
        self.inner = inner
        self.admission = Admission(capacity)

    async def attach_peer(self, room_id: str, role: PeerRole, offer_sdp: str) -> str:
        return await self.inner.attach_peer(room_id, role, offer_sdp)

    async def detach_peer(self, room_id: str, role: PeerRole) -> None:
        await self.inner.detach_peer(room_id, role)

    async def start_call(
        self,
        room_id: str,
        call_id: str,
        recording_path: Path | None,
        *,
        parties: Mapping[str, str] | None = None,
        force: bool = False,
    ) -> None:
        added = self.admission.admit(room_id, force=force)
        try:
            await self.inner.start_call(room_id, call_id, recording_path, parties=parties)
        except BaseException:
            if added:
                self.admission.release(room_id)
            raise

    async def hold(self, room_id: str, on: bool) -> None:
        await self.inner.hold(room_id, on)

    async def end_call(self, room_id: str) -> RecordingInfo | None:
        try:
            return await self.inner.end_call(room_id)
        finally:  # whatever happened, the room holds no call any more
            self.admission.release(room_id)

    async def close_room(self, room_id: str) -> RecordingInfo | None:
        try:
            return await self.inner.close_room(room_id)
        finally:
            self.admission.release(room_id)

    async def close(self) -> None:
        await self.inner.close()
        self.admission.active.clear()


def _conforms(media: AdmittingMedia) -> MediaPort:  # mypy: it implements MediaPort
    return media
