"""The events a media worker publishes over Redis for the web process (`Registry.publish`,
`Registry.events`): a page's peer state, what a recording's disk did. Each a model; the web
process reads them with `WORKER_EVENT` and skips a malformed one."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, TypeAdapter

from server.telephony.ports import PeerRole
from server.telephony.recorder import StorageEvent
from server.telephony.recording_sink import StorageFault


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StorageEventJson(_Body):
    """What a recording's disk did (`recorder.StorageEvent`), as it travels."""

    kind: Literal["fault", "resumed", "fallback"]
    t: float
    fault: StorageFault | None
    detail: str = ""
    path: str

    @classmethod
    def of(cls, event: StorageEvent) -> StorageEventJson:
        return cls(
            kind=event.kind,
            t=event.t,
            fault=event.fault,
            detail=event.detail,
            path=str(event.path),
        )

    def event(self) -> StorageEvent:
        return StorageEvent(
            kind=self.kind, t=self.t, fault=self.fault, detail=self.detail, path=Path(self.path)
        )


class PeerStateNotice(_Body):
    """A worker's event: a page's audio connection changed state in one of its rooms."""

    worker_id: str
    instance: str  # the worker's run: a room placed on an earlier run ignores it
    room_id: str
    role: PeerRole
    state: str


class StorageNotice(_Body):
    """A worker's event: what a recording's disk did, for the consoles."""

    worker_id: str
    instance: str
    room_id: str
    call_id: str
    storage: StorageEventJson


WorkerEvent = PeerStateNotice | StorageNotice
WORKER_EVENT: TypeAdapter[WorkerEvent] = TypeAdapter(WorkerEvent)
